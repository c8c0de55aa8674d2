package notice_test

import (
	"crypto/ed25519"
	"strings"
	"testing"

	"yizhan/domain"
	"yizhan/notice"
)

func TestBuild(t *testing.T) {
	pub, key, _ := ed25519.GenerateKey(nil)
	c := &domain.Case{Number: "370112001-20261127-0042", QueryPassword: "123456", ItemName: "居住证", Result: domain.ResultApproved,
		Materials: []domain.CaseMaterial{
			{Code: "M1", Name: "身份证", Required: "required", Originals: 1, Collected: domain.CollectPaper, Count: 1},
			{Code: "M2", Name: "照片", Required: "required", Copies: 2},
		},
		CorrectionList: []string{"照片", "户口簿"}}
	issuer := notice.Issuer{Code: "370112001", Name: "示例镇便民服务中心"}
	facts := func(kind string, k ed25519.PrivateKey) notice.Facts {
		return notice.Facts{Kind: kind, Case: c, Issuer: issuer, Date: "2026-11-27", Clerk: "李窗口", Key: k,
			Specs: map[string]string{"M2": "二寸，白底"}}
	}
	tests := []struct {
		name        string
		f           notice.Facts
		password    bool
		missing     string
		signed      bool
		wantQRStart string
	}{
		{"Receipt", facts("receipt", key), true, "照片", true, "YZ1|receipt|370112001-20261127-0042|370112001|2026-11-27|"},
		{"CorrectionListsTheNotice", facts("correction", key), false, "照片 户口簿", true, "YZ1|correction|"},
		{"UnsignedBeforeEnrolment", facts("accept", nil), false, "照片", false, "YZ1|accept|370112001-20261127-0042|370112001|2026-11-27"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := notice.Build(tt.f)
			if got := d.QueryPasswd != ""; got != tt.password {
				t.Errorf("query password printed: %v, want %v", got, tt.password)
			}
			if tt.password && d.ShortNumber != "1127-0042" {
				t.Errorf("short number %q, want 1127-0042", d.ShortNumber)
			}
			if got := strings.Join(d.Missing, " "); got != tt.missing {
				t.Errorf("missing %q, want %q", got, tt.missing)
			}
			if d.Signed != tt.signed || !strings.HasPrefix(d.QR, tt.wantQRStart) {
				t.Errorf("QR %q signed %v, want %q… signed %v", d.QR, d.Signed, tt.wantQRStart, tt.signed)
			}
			if tt.signed {
				claim, err := notice.Verify(d.QR, func(string) (ed25519.PublicKey, error) { return pub, nil })
				if err != nil || claim.Number != c.Number || claim.Kind != tt.f.Kind {
					t.Errorf("the printed code does not verify: %+v %v", claim, err)
				}
			}
			if len(d.Materials) != 2 || d.Materials[1].Spec != "二寸，白底" || d.Materials[0].Spec != "" || d.Materials[1].Copies != 2 {
				t.Errorf("materials: %+v", d.Materials)
			}
			if d.ResultZh == "" || d.ClerkName != "李窗口" || d.Station != issuer {
				t.Errorf("document: %+v", d)
			}
		})
	}
}

func TestValidKind(t *testing.T) {
	for _, k := range notice.Kinds {
		if !notice.ValidKind(k) {
			t.Errorf("%s refused", k)
		}
	}
	for _, k := range []string{"", "Receipt", "love-letter"} {
		if notice.ValidKind(k) {
			t.Errorf("%q accepted", k)
		}
	}
}
