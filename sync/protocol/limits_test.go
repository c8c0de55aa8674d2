package protocol_test

import (
	"strings"
	"testing"

	"yizhan/domain"
	"yizhan/sync/protocol"
)

func TestSyncRequestLimits(t *testing.T) {
	hash := strings.Repeat("ab", 32)
	for _, tc := range []struct {
		name string
		req  protocol.SyncRequest
		ok   bool
	}{
		{"OK", protocol.SyncRequest{Station: "A01", AppVersion: "0.3.1-rc.2+build.20261127", Audit: &protocol.AuditHead{Seq: 3, Hash: hash, CheckSeq: 2, CheckHash: hash}}, true},
		{"OKEmpty", protocol.SyncRequest{Station: "A01"}, true},
		{"OKVersionAtLimit", protocol.SyncRequest{Station: "A01", AppVersion: strings.Repeat("9", protocol.MaxAppVersionBytes)}, true},
		{"ErrVersionLong", protocol.SyncRequest{Station: "A01", AppVersion: strings.Repeat("9", protocol.MaxAppVersionBytes+1)}, false},
		{"ErrVersionControl", protocol.SyncRequest{Station: "A01", AppVersion: "1.0\x1b[2J"}, false},
		{"ErrVersionInvalidUTF8", protocol.SyncRequest{Station: "A01", AppVersion: "1.0\xff"}, false},
		{"ErrStationLong", protocol.SyncRequest{Station: strings.Repeat("A", 33)}, false},
		{"ErrHashLong", protocol.SyncRequest{Station: "A01", Audit: &protocol.AuditHead{Seq: 1, Hash: hash + "00"}}, false},
		{"ErrHashMarkup", protocol.SyncRequest{Station: "A01", Audit: &protocol.AuditHead{Seq: 1, Hash: "<script>"}}, false},
		{"ErrCheckHash", protocol.SyncRequest{Station: "A01", Audit: &protocol.AuditHead{Seq: 1, Hash: hash, CheckHash: "x y"}}, false},
		{"ErrNegativeSeq", protocol.SyncRequest{Station: "A01", Audit: &protocol.AuditHead{Seq: -1, Hash: hash}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.req.CheckLimits()
			if (err == nil) != tc.ok {
				t.Fatalf("got %v, want ok=%v", err, tc.ok)
			}
			if err != nil && (domain.ErrorCode(err) != domain.EInvalid || domain.ZhMessage(err) == "") {
				t.Fatalf("got %v, want invalid with a Chinese message", err)
			}
		})
	}
}

func TestEnrollRequestLimits(t *testing.T) {
	for _, tc := range []struct {
		name string
		req  protocol.EnrollRequest
		ok   bool
	}{
		{"OK", protocol.EnrollRequest{Code: "ABCD-EFGH-JKLM", AppVersion: "0.3.1"}, true},
		{"ErrCodeLong", protocol.EnrollRequest{Code: strings.Repeat("A", 65)}, false},
		{"ErrVersionLong", protocol.EnrollRequest{Code: "A", AppVersion: strings.Repeat("x", 10<<10)}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.req.CheckLimits(); (err == nil) != tc.ok {
				t.Fatalf("got %v, want ok=%v", err, tc.ok)
			}
		})
	}
}
