package desktop

import (
	"encoding/base64"
	"errors"
	"strings"

	"yizhan/domain"
	"yizhan/ident"
)

// ImportScan stores a scan that belongs to no case material yet — the power
// of attorney scanned before the case is opened — and returns its SHA-256,
// which the intake form puts in Agent.attorney_blob.
func (s *API) ImportScan(name, mime, base64Data string) (string, error) {
	st, a, err := s.session()
	if err != nil {
		return "", err
	}
	data, err := base64.StdEncoding.DecodeString(base64Data)
	if err != nil {
		return "", domain.Errorf(domain.EInvalid, "扫描件数据不正确。", "import scan: base64: %v", err)
	}
	return st.ImportBlob(s.context(), a, name, mime, strings.NewReader(string(data)))
}

// FieldCheck is the verdict on one form field.
type FieldCheck struct {
	Valid     bool   `json:"valid"`
	Value     string `json:"value,omitempty"` // normalised
	Code      string `json:"code,omitempty"`
	Message   string `json:"message,omitempty"`
	Zh        string `json:"zh,omitempty"`
	BirthDate string `json:"birth_date,omitempty"`
	Sex       string `json:"sex,omitempty"`
	Age       int    `json:"age,omitempty"`
}

// CheckField validates one field as the clerk types it — kind is id, uscc,
// phone or name (ident.CheckField, with the station's clock) — so the form
// can answer before the rest is filled in. A refused value is a verdict,
// not an error; an unknown kind is an error.
func (s *API) CheckField(kind, value string) (*FieldCheck, error) {
	st, _, err := s.session()
	if err != nil {
		return nil, err
	}
	f, err := ident.CheckField(kind, value, st.Now())
	var ie *ident.Error
	if errors.As(err, &ie) && ie.Code == ident.CodeFieldKind {
		return nil, err
	}
	if err != nil {
		fc := &FieldCheck{Code: domain.ErrorCode(err), Message: domain.ErrorMessage(err), Zh: domain.ZhMessage(err)}
		if ie != nil {
			fc.Code = ie.Code
		}
		return fc, nil
	}
	return &FieldCheck{Valid: true, Value: f.Value, BirthDate: f.BirthDate, Sex: f.Sex, Age: f.Age}, nil
}
