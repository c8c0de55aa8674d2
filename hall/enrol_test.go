package hall_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"testing"
	"time"

	"filippo.io/age"

	"yizhan/domain"
	"yizhan/sync/protocol"
)

// pc is a station PC's key pairs, signing its enrolment requests as a
// current station does.
type pc struct {
	sign ed25519.PrivateKey
	age  *age.X25519Identity
}

func newPC(t *testing.T) *pc {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return &pc{sign: priv, age: id}
}

// request is a signed enrolment request with code, from a station
// initialised as station ("" for a fresh one).
func (p *pc) request(code, station string) protocol.EnrollRequest {
	r := protocol.EnrollRequest{V: protocol.Version, Code: code, AppVersion: "test-2", Station: station,
		SignKey: base64.StdEncoding.EncodeToString(p.sign.Public().(ed25519.PublicKey)), AgeKey: p.age.Recipient().String()}
	r.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(p.sign, protocol.EnrollSigMessage(&r)))
	return r
}

// TestEnrollIdempotent: the PC that used a code gets the same token when it
// asks again within the code's validity; nobody else gets anything.
func TestEnrollIdempotent(t *testing.T) {
	f := newHall(t)
	code, err := f.svc.AddStation(f.ctx, "A01", "示例村", "370112")
	if err != nil {
		t.Fatal(err)
	}
	a := newPC(t)
	first, err := f.svc.Enroll(f.ctx, a.request(code, ""))
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Add(time.Hour)
	again, err := f.svc.Enroll(f.ctx, a.request(code, "A01")) // initialised by the first answer, had it arrived
	if err != nil {
		t.Fatalf("retry by the same PC: %v", err)
	}
	if again.Token != first.Token {
		t.Fatal("a retry got another token: the first answer's token would be dead")
	}
	if _, err := f.svc.Authenticate(f.ctx, first.Token); err != nil {
		t.Fatalf("token after the retry: %v", err)
	}
	forged := a.request(code, "")
	forged.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(newPC(t).sign, protocol.EnrollSigMessage(&forged)))
	unsigned := a.request(code, "")
	unsigned.Sig = ""
	tests := []struct {
		name string
		req  protocol.EnrollRequest
		want string
	}{
		// Whoever has the code and the station's public keys (the registry
		// shows them) but not its private key gets nothing.
		{"ForgedSignature", forged, domain.EInvalid},
		{"UnsignedRetry", unsigned, domain.EUnauthorized},
		{"AnotherPC", newPC(t).request(code, ""), domain.EUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := f.svc.Enroll(f.ctx, tt.req); domain.ErrorCode(err) != tt.want {
				t.Fatalf("got %v, want %s", err, tt.want)
			}
		})
	}
	if in := stationInfo(t, f, "A01"); in.SignKey != a.request(code, "").SignKey {
		t.Fatalf("registry keys changed by a refused request: %+v", in)
	}
	f.clock.Add(8 * 24 * time.Hour)
	if _, err := f.svc.Enroll(f.ctx, a.request(code, "A01")); domain.ErrorCode(err) != domain.EUnauthorized {
		t.Fatalf("retry after the code expired: got %v, want unauthorized", err)
	}
}

// TestEnrollWrongStationRecordsNothing: a PC initialised as B01 presenting
// A01's code is refused before the hall records anything, so A01's code
// still enrols A01's PC.
func TestEnrollWrongStationRecordsNothing(t *testing.T) {
	f := newHall(t)
	code, err := f.svc.AddStation(f.ctx, "A01", "示例村", "370112")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Enroll(f.ctx, newPC(t).request(code, "B01")); domain.ErrorCode(err) != domain.EConflict {
		t.Fatalf("got %v, want conflict", err)
	}
	if in := stationInfo(t, f, "A01"); in.Status != "announced" || in.SignKey != "" {
		t.Fatalf("A01 registered with the wrong PC's keys: %+v", in)
	}
	if _, err := f.svc.Enroll(f.ctx, newPC(t).request(code, "A01")); err != nil {
		t.Fatalf("A01's own PC after the refusal: %v", err)
	}
}
