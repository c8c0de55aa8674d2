package protocol

import (
	"unicode"

	"yizhan/domain"
)

// Limits on the strings a station sends outside its events and the hall
// keeps (events have their own bounds, ValidateEvent). A request that
// breaks one is refused whole: nothing of it is kept. A 7 MiB app_version
// was once stored and served in the station registry.
const (
	// MaxAppVersionBytes bounds app_version ("0.3.1-rc.2+build.20261127").
	MaxAppVersionBytes = 64
	// MaxEnrolCodeBytes bounds the one-time enrolment code.
	MaxEnrolCodeBytes = 64
	// MaxStationCodeBytes bounds a station code.
	MaxStationCodeBytes = 32
	// AuditHashChars bounds an audit hash (SHA-256 in hex: 64).
	AuditHashChars = 64
)

func limitErr(field, zh string, format string, args ...any) error {
	return domain.Errorf(domain.EInvalid, zh, "%s: "+format, append([]any{field}, args...)...)
}

// checkText refuses a string longer than max bytes or with control
// characters (escape sequences meant for a terminal or a log viewer).
func checkText(field, v string, max int) error {
	if len(v) > max {
		return limitErr(field, "请求中的 "+field+" 过长。", "%d bytes, at most %d", len(v), max)
	}
	for _, r := range v {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return limitErr(field, "请求中的 "+field+" 含有非法字符。", "control or invalid character")
		}
	}
	return nil
}

// checkHash refuses an audit hash longer than AuditHashChars or with
// anything but ASCII letters and digits (stations send SHA-256 in hex).
func checkHash(field, v string) error {
	if len(v) > AuditHashChars {
		return limitErr(field, "请求中的审计摘要格式不正确。", "%d characters, at most %d", len(v), AuditHashChars)
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return limitErr(field, "请求中的审计摘要格式不正确。", "not letters and digits")
		}
	}
	return nil
}

// CheckLimits checks the strings of a sync request that the hall keeps
// against their limits.
func (r *SyncRequest) CheckLimits() error {
	if err := checkText("station", r.Station, MaxStationCodeBytes); err != nil {
		return err
	}
	if err := checkText("app_version", r.AppVersion, MaxAppVersionBytes); err != nil {
		return err
	}
	if a := r.Audit; a != nil {
		if a.Seq < 0 || a.CheckSeq < 0 {
			return limitErr("audit", "请求中的审计序号不正确。", "negative sequence")
		}
		if err := checkHash("audit.hash", a.Hash); err != nil {
			return err
		}
		if err := checkHash("audit.check_hash", a.CheckHash); err != nil {
			return err
		}
	}
	return nil
}

// CheckLimits checks the strings of an enrolment request against their
// limits (the keys are checked for their form by the hall).
func (r *EnrollRequest) CheckLimits() error {
	if err := checkText("code", r.Code, MaxEnrolCodeBytes); err != nil {
		return err
	}
	return checkText("app_version", r.AppVersion, MaxAppVersionBytes)
}
