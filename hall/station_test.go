package hall_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"yizhan/domain"
	"yizhan/hall"
	"yizhan/sync/protocol"
)

func TestEnrollment(t *testing.T) {
	f := newHall(t)
	code, err := f.svc.AddStation(f.ctx, "A01", "示例村", "370112")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := f.svc.Enroll(f.ctx, enrollRequest(t, strings.ToLower(code))) // codes survive case changes
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(resp.Token, "A01.") || resp.Station != "A01" || resp.HallSignKey != f.svc.Keys().SignPublic() ||
		!strings.HasPrefix(resp.HallAgeKey, "age1") {
		t.Errorf("enroll response: %+v", resp)
	}
	if _, err := f.svc.Enroll(f.ctx, enrollRequest(t, code)); domain.ErrorCode(err) != domain.EUnauthorized {
		t.Errorf("second use of a one-time code: got %v, want unauthorized", err)
	}
	info := stationInfo(t, f, "A01")
	if info.Status != "enrolled" || info.AppVersion != "test-1" || info.SignKey == "" {
		t.Errorf("registry: %+v", info)
	}
}

func TestEnrollRefusals(t *testing.T) {
	f := newHall(t)
	expired, _ := f.svc.AddStation(f.ctx, "OLD", "旧站", "")
	f.clock.Add(8 * 24 * time.Hour)
	fresh, _ := f.svc.AddStation(f.ctx, "NEW", "新站", "")
	badKey := enrollRequest(t, fresh)
	badKey.SignKey = "bm90IGEga2V5"
	badAge := enrollRequest(t, fresh)
	badAge.AgeKey = "age1nonsense"
	oldV := enrollRequest(t, fresh)
	oldV.V = 0
	tests := []struct {
		name string
		req  protocol.EnrollRequest
		code string
	}{
		{"Expired", enrollRequest(t, expired), domain.EUnauthorized},
		{"Unknown", enrollRequest(t, "AAAA-BBBB-CCCC-DDDD"), domain.EUnauthorized},
		{"BadSignKey", badKey, domain.EInvalid},
		{"BadAgeKey", badAge, domain.EInvalid},
		{"OldVersion", oldV, protocol.CodeUpgrade},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := f.svc.Enroll(f.ctx, tt.req); domain.ErrorCode(err) != tt.code {
				t.Errorf("got %v, want %s", err, tt.code)
			}
		})
	}
	for _, c := range []string{"", "hall", "A.01", "../x", strings.Repeat("A", 33)} {
		if _, err := f.svc.AddStation(f.ctx, c, "名称", ""); domain.ErrorCode(err) != domain.EInvalid {
			t.Errorf("station code %q: got %v, want invalid", c, err)
		}
	}
	if _, err := f.svc.AddStation(f.ctx, "NEW", "again", ""); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("duplicate station: got %v", err)
	}
}

func TestAuthenticateAndRevoke(t *testing.T) {
	f := newHall(t)
	a := f.enroll("A01")
	f.enroll("B01")
	secret := a.token[strings.IndexByte(a.token, '.')+1:]
	tests := []struct {
		name, token, code string
	}{
		{"Empty", "", domain.EUnauthorized},
		{"NoSecret", "A01.", domain.EUnauthorized},
		{"WrongSecret", "A01.wrong", domain.EUnauthorized},
		{"OtherStationsSecret", "B01." + secret, domain.EUnauthorized},
		{"UnknownStation", "ZZZ." + secret, domain.EUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := f.svc.Authenticate(f.ctx, tt.token); domain.ErrorCode(err) != tt.code {
				t.Errorf("got %v, want %s", err, tt.code)
			}
		})
	}
	if err := f.svc.Revoke(f.ctx, "A01"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Authenticate(f.ctx, a.token); domain.ErrorCode(err) != protocol.CodeRevoked {
		t.Errorf("revoked token: got %v, want revoked", err)
	}
	if _, err := f.svc.Authenticate(f.ctx, "A01.wrong"); domain.ErrorCode(err) != domain.EUnauthorized {
		t.Errorf("a wrong secret of a revoked station must not reveal the revocation: %v", err)
	}
	if err := f.svc.Revoke(f.ctx, "NOPE"); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("revoke unknown: %v", err)
	}
}

func TestKeysPersist(t *testing.T) {
	f := newHall(t)
	k1 := f.svc.Keys()
	k2, err := hall.LoadKeys(filepath.Join(f.dir, "data"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if k1.SignPublic() != k2.SignPublic() || k1.AgeRecipient() != k2.AgeRecipient() {
		t.Error("keys changed across restarts")
	}
	for _, name := range []string{"hall_ed25519.key", "hall_age.key"} {
		p := filepath.Join(f.dir, "data", "keys", name)
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", name, fi.Mode().Perm())
		}
	}
	p := filepath.Join(f.dir, "data", "keys", "hall_age.key")
	os.Chmod(p, 0o644)
	if _, err := hall.LoadKeys(filepath.Join(f.dir, "data"), nil); err == nil {
		t.Error("a world-readable key was accepted")
	}
	os.Chmod(p, 0o600)
	os.Remove(filepath.Join(f.dir, "data", "keys", "hall_ed25519.key"))
	if _, err := hall.LoadKeys(filepath.Join(f.dir, "data"), nil); err == nil {
		t.Error("a half-present key pair was silently replaced")
	}
}
