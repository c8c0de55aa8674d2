package hall_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"testing"
	"time"

	"yizhan/domain"
	"yizhan/sync/protocol"
)

// TestMoveCodeExpires: a move code confirms its address until the day it
// expires, and then never again; the confirmation is the hall's signature.
func TestMoveCodeExpires(t *testing.T) {
	f := newHall(t)
	enrol, err := f.svc.AddStation(f.ctx, "A01", "示例村", "370112")
	if err != nil {
		t.Fatal(err)
	}
	p := newPC(t)
	if _, err := f.svc.Enroll(f.ctx, p.request(enrol, "")); err != nil {
		t.Fatal(err)
	}
	url := "https://hall-new.example.gov.cn:8440"
	code, expires, err := f.svc.MoveCode(f.ctx, "A01", url+"/")
	if err != nil {
		t.Fatal(err)
	}
	if d := expires.Sub(f.clock.Now()); d < 7*24*time.Hour || d > 8*24*time.Hour {
		t.Fatalf("code valid for %v, want about the enrolment TTL", d)
	}
	req := func() protocol.MoveRequest {
		r := protocol.MoveRequest{V: protocol.Version, Station: "A01", URL: url, Code: code, Nonce: "bm9uY2U="}
		r.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(p.sign, protocol.MoveSigMessage("request", r.Station, r.URL, r.Code, r.Nonce)))
		return r
	}
	resp, err := f.svc.ConfirmMove(f.ctx, req())
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := base64.StdEncoding.DecodeString(f.svc.Keys().SignPublic())
	sig, _ := base64.StdEncoding.DecodeString(resp.Sig)
	if !ed25519.Verify(pub, protocol.MoveSigMessage("hall", "A01", url, "", "bm9uY2U="), sig) {
		t.Fatal("the confirmation is not signed by the hall's key")
	}
	unsigned := req()
	unsigned.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(newPC(t).sign, []byte("x")))
	if _, err := f.svc.ConfirmMove(f.ctx, unsigned); domain.ErrorCode(err) != domain.EUnauthorized {
		t.Fatalf("a request not signed by the station: %v", err)
	}
	f.clock.Add(expires.Sub(f.clock.Now()) + time.Minute)
	if _, err := f.svc.ConfirmMove(f.ctx, req()); domain.ErrorCode(err) != domain.EUnauthorized {
		t.Fatalf("an expired move code: got %v, want unauthorized", err)
	}
	if _, _, err := f.svc.MoveCode(f.ctx, "Z99", url); domain.ErrorCode(err) != domain.ENotFound {
		t.Fatalf("a move code for an unknown station: %v", err)
	}
}
