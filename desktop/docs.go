package desktop

import (
	"crypto/ed25519"
	"encoding/base64"
	"io"
	"strings"

	"yizhan/app"
	"yizhan/app/hallclient"
	"yizhan/domain"
	"yizhan/notice"
	"yizhan/workday"
)

// Document is what a printed notice shows: the unmasked case (the citizen
// takes it home), the station, and the signed QR code text.
type Document struct {
	Kind        string       `json:"kind"` // receipt, accept, not_accept, correction, conclusion, delivery
	Case        *domain.Case `json:"case"`
	Station     app.Identity `json:"station"`
	Date        string       `json:"date"`
	Due         string       `json:"due,omitempty"`
	LegalDue    string       `json:"legal_due,omitempty"`
	QR          string       `json:"qr"`
	Signed      bool         `json:"signed"` // false before enrolment: the QR then carries the number only
	ClerkName   string       `json:"clerk_name"`
	ResultZh    string       `json:"result_zh,omitempty"`
	Missing     []string     `json:"missing,omitempty"`
	Waived      int          `json:"waived"`
	QueryPasswd string       `json:"query_password,omitempty"`
	// ShortNumber is what the citizen types at the kiosk with the query
	// password (MMDD-NNNN), printed large on the receipt.
	ShortNumber string `json:"short_number,omitempty"`
	// Materials are the case's materials with the catalog's specification
	// of each (e.g. 二寸，白底), for the receipt, the one-time notice and the
	// transfer list.
	Materials []DocMaterial `json:"materials"`
}

// DocMaterial is one material as a printed notice lists it.
type DocMaterial struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Required  string `json:"required"`
	Spec      string `json:"spec,omitempty"`
	Originals int    `json:"originals"`
	Copies    int    `json:"copies"`
	Collected string `json:"collected"`
	Count     int    `json:"count,omitempty"`
}

// docKinds are the notices a station prints; transfer is the 移交清单 of
// the paper materials that travel with a forwarded case.
var docKinds = map[string]bool{"receipt": true, "accept": true, "not_accept": true, "correction": true, "conclusion": true, "delivery": true, "transfer": true}

// receiptKey gives the kiosk the public half of the key that signs this
// station's QR codes, read when a code is scanned (enrolment makes it).
func receiptKey(dir string) func() (ed25519.PublicKey, error) {
	return func() (ed25519.PublicKey, error) {
		k, err := hallclient.LoadKeys(dir)
		if err != nil {
			return nil, err
		}
		if k.SignKey == nil {
			return nil, nil
		}
		return k.SignKey.Public().(ed25519.PublicKey), nil
	}
}

// PrintDocument prepares a notice for printing. Printing shows personal data
// in full, so it is logged as an access with the purpose "print".
func (s *Station) PrintDocument(caseID, kind string) (*Document, error) {
	st, a, err := s.session()
	if err != nil {
		return nil, err
	}
	if !docKinds[kind] {
		return nil, domain.Errorf(domain.EInvalid, "无法识别的文书类型。", "unknown document kind %q", kind)
	}
	v, err := st.ShowCase(s.context(), a, caseID, true, "print "+kind)
	if err != nil {
		return nil, err
	}
	c := v.Case
	id, _ := st.Identity(s.context())
	d := &Document{Kind: kind, Case: c, Station: id, Date: workday.DateOf(st.Now(), workday.China).String(), Due: v.Deadline.Due,
		LegalDue: v.Deadline.LegalDue, ClerkName: a.Name, ResultZh: domain.ResultZh(c.Result), Waived: v.Waived}
	if kind == "receipt" {
		d.QueryPasswd, d.ShortNumber = c.QueryPassword, app.ShortNumber(c.Number)
	}
	for _, m := range c.Owed() {
		d.Missing = append(d.Missing, m.Name)
	}
	// The catalog version the case was opened under gives each material's
	// specification; a case whose item left the catalog prints without.
	specs := map[string]string{}
	if it, err := st.Item(s.context(), c.ItemCode, c.ItemVersion); err == nil {
		for _, m := range it.Materials {
			specs[m.Code] = m.Spec
		}
	}
	d.Materials = []DocMaterial{}
	for _, m := range c.Materials {
		d.Materials = append(d.Materials, DocMaterial{Code: m.Code, Name: m.Name, Required: m.Required, Spec: specs[m.Code],
			Originals: m.Originals, Copies: m.Copies, Collected: m.Collected, Count: m.Count})
	}
	if kind == "correction" && len(c.CorrectionList) > 0 {
		d.Missing = c.CorrectionList
	}
	claim := notice.Claim{Kind: kind, Number: c.Number, Station: id.Code, Date: d.Date}
	d.QR = strings.Join([]string{notice.Prefix, kind, c.Number, id.Code, d.Date}, "|")
	if k, err := hallclient.LoadKeys(st.Dir()); err == nil && k.SignKey != nil {
		if code, err := notice.Sign(claim, k.SignKey); err == nil {
			d.QR, d.Signed = code, true
		}
	}
	return d, nil
}

// AttachScan stores a scanned page or photo (base64) and records it on a
// case material; it travels to the hall on the attachment queue.
func (s *Station) AttachScan(caseID, materialCode, name, mime, base64Data string) (*domain.Case, error) {
	st, a, err := s.session()
	if err != nil {
		return nil, err
	}
	data, err := base64.StdEncoding.DecodeString(base64Data)
	if err != nil {
		return nil, domain.Errorf(domain.EInvalid, "扫描件数据不正确。", "attach: base64: %v", err)
	}
	sha, err := st.ImportBlob(s.context(), a, name, mime, strings.NewReader(string(data)))
	if err != nil {
		return nil, err
	}
	return st.RecordMaterial(s.context(), a, caseID, app.MaterialInput{Code: materialCode, Collected: domain.CollectScan, Count: 1, Blobs: []string{sha}})
}

// ScanDataURL returns a stored scan as a data: URL for preview.
func (s *Station) ScanDataURL(sha string) (string, error) {
	st, _, err := s.session()
	if err != nil {
		return "", err
	}
	info, err := st.BlobInfo(s.context(), sha)
	if err != nil {
		return "", err
	}
	f, err := st.OpenBlob(sha)
	if err != nil {
		return "", domain.Errorf(domain.ENotFound, "找不到扫描件文件。", "scan %s: %v", sha, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f.Reader())
	if err != nil {
		return "", domain.Errorf(domain.ENotFound, "扫描件文件无法读取。", "scan %s: %v", sha, err)
	}
	return "data:" + info.Mime + ";base64," + base64.StdEncoding.EncodeToString(b), nil
}
