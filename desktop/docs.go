package desktop

import (
	"encoding/base64"
	"io"
	"strings"

	"yizhan/app"
	"yizhan/domain"
	"yizhan/notice"
)

// PrintDocument prepares a notice for printing (app.Station.PrintDocument:
// shown unmasked, so logged as an access with the purpose "print").
func (s *API) PrintDocument(caseID, kind string) (*notice.Document, error) {
	st, a, err := s.session()
	if err != nil {
		return nil, err
	}
	return st.PrintDocument(s.context(), a, caseID, kind)
}

// AttachScan stores a scanned page or photo (base64) and records it on a
// case material; it travels to the hall on the attachment queue.
func (s *API) AttachScan(caseID, materialCode, name, mime, base64Data string) (*domain.Case, error) {
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
func (s *API) ScanDataURL(sha string) (string, error) {
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
