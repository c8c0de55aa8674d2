package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"yizhan/domain"
	"yizhan/hall"
	"yizhan/hall/httpapi"
	hallsqlite "yizhan/hall/sqlite"
	"yizhan/hall/stationsim"
	"yizhan/sync/protocol"
)

// fuzzHall is a real hall (SQLite store, httpapi handler) with two
// enrolled stations; station B02 has an open case, so hostile requests from
// A01 can aim at another station's data.
type fuzzHall struct {
	h      http.Handler
	tokenA string
	caseB  string
}

func newFuzzHall(f *testing.F) *fuzzHall {
	dir := f.TempDir()
	ctx := context.Background()
	store, err := hallsqlite.Open(ctx, filepath.Join(dir, "hall.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { store.Close() })
	svc, err := hall.New(ctx, store, hall.Config{Dir: filepath.Join(dir, "data")})
	if err != nil {
		f.Fatal(err)
	}
	if _, err := svc.PublishCatalog(ctx, stationsim.Catalog()); err != nil {
		f.Fatal(err)
	}
	fh := &fuzzHall{h: httpapi.New(svc, nil), caseB: "01900000-0000-7000-8000-0000000000b1"}
	enrol := func(code string) string {
		c, err := svc.AddStation(ctx, code, "站 "+code, "")
		if err != nil {
			f.Fatal(err)
		}
		pub, _, _ := ed25519.GenerateKey(nil)
		id, _ := age.GenerateX25519Identity()
		resp, err := svc.Enroll(ctx, protocol.EnrollRequest{V: protocol.Version, Code: c, SignKey: base64.StdEncoding.EncodeToString(pub), AgeKey: id.Recipient().String()})
		if err != nil {
			f.Fatal(err)
		}
		return resp.Token
	}
	fh.tokenA = enrol("A01")
	tokenB := enrol("B02")
	body, _ := json.Marshal(protocol.SyncRequest{V: protocol.Version, Station: "B02", Events: []*domain.Event{fuzzOpenEvent("B02", fh.caseB)}})
	if st, out := fh.post(protocol.PathSync, tokenB, body, false); st != http.StatusOK || !bytes.Contains(out, []byte(`"status":"accepted"`)) {
		f.Fatalf("seed case: %d %s", st, out)
	}
	return fh
}

func fuzzOpenEvent(office, caseID string) *domain.Event {
	e, _ := domain.NewEvent("01900000-0000-7000-8000-"+fmt.Sprintf("%012x", time.Now().UnixNano()&0xffffffffffff), caseID, domain.EvOpen, domain.StateNone,
		stationsim.OpenPayload(office, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), 1, domain.HandledAtHall))
	e.Office, e.Actor, e.HLC, e.At = office, "clerk", "0019c6f1a2b3c.000000."+office, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	return e
}

// post sends one request through the handler in-process.
func (fh *fuzzHall) post(path, token string, body []byte, gz bool) (int, []byte) {
	if gz {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(body)
		zw.Close()
		body = b.Bytes()
	}
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if gz {
		req.Header.Set("Content-Encoding", "gzip")
	}
	rec := httptest.NewRecorder()
	fh.h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// FuzzSyncRequest sends arbitrary bodies (raw or gzipped) to the sync
// endpoint as an enrolled station: malformed JSON, unknown fields, hostile
// events on another station's case, forged offices, huge numbers. The hall
// must answer every one with a coded 2xx or 4xx — never a 500 or a panic —
// and a 200 must acknowledge every event it was sent, each with a verdict.
func FuzzSyncRequest(f *testing.F) {
	fh := newFuzzHall(f)
	own, _ := json.Marshal(protocol.SyncRequest{V: protocol.Version, Station: "A01", Events: []*domain.Event{fuzzOpenEvent("A01", "01900000-0000-7000-8000-0000000000a1")}})
	f.Add(own, false)
	f.Add(own, true)
	note, _ := domain.NewEvent("01900000-0000-7000-8000-0000000000e1", fh.caseB, domain.EvNote, "", domain.NotePayload{Text: "偷看"})
	note.Office, note.HLC = "A01", "0019c6f1a2b3c.000001.A01"
	steal, _ := json.Marshal(protocol.SyncRequest{V: protocol.Version, Station: "A01", Events: []*domain.Event{note}})
	f.Add(steal, false)
	f.Add([]byte(`{"v":1,"station":"A01","cursor":-1}`), false)
	f.Add([]byte(`{"v":2,"station":"A01","future":true}`), false)
	f.Add([]byte(`{"v":1,"station":"B02"}`), false)
	f.Add([]byte(`{"v":1,"station":"A01","events":[null,{"id":"x"}]}`), true)
	f.Fuzz(func(t *testing.T, body []byte, gz bool) {
		status, out := fh.post(protocol.PathSync, fh.tokenA, body, gz)
		if status >= 500 {
			t.Fatalf("hall answered %d: %s", status, out)
		}
		if status != http.StatusOK {
			var pe protocol.Error
			if err := json.Unmarshal(out, &pe); err != nil || pe.Code == "" || pe.Code == domain.EInternal {
				t.Fatalf("refusal %d without a coded error body: %s", status, out)
			}
			return
		}
		var req protocol.SyncRequest
		json.Unmarshal(body, &req)
		var resp protocol.SyncResponse
		if err := json.Unmarshal(out, &resp); err != nil {
			t.Fatalf("200 answer does not decode: %v", err)
		}
		if !gz && len(resp.Acks) != len(req.Events) {
			t.Fatalf("%d events sent, %d acknowledged", len(req.Events), len(resp.Acks))
		}
		for _, a := range resp.Acks {
			switch a.Status {
			case protocol.AckAccepted, protocol.AckConflict, protocol.AckRejected:
			default:
				t.Fatalf("ack without a verdict: %+v", a)
			}
			if a.Status == protocol.AckConflict && strings.Contains(a.Reason, fh.caseB) {
				t.Fatalf("a conflict leaks another station's case: %+v", a)
			}
		}
	})
}

// FuzzEnrollRequest sends arbitrary bodies to enrolment, the one endpoint
// anyone may call without a token: never a 500, always a coded refusal.
func FuzzEnrollRequest(f *testing.F) {
	fh := newFuzzHall(f)
	f.Add([]byte(`{"v":1,"code":"ABCD-EFGH-JKMN-PQRS","sign_key":"","age_key":""}`))
	f.Add([]byte(`{"v":1,"code":"` + strings.Repeat("A", 5000) + `"}`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, body []byte) {
		status, out := fh.post(protocol.PathEnroll, "", body, false)
		if status >= 500 || status == http.StatusOK {
			t.Fatalf("enrolment with a fuzzed body answered %d: %s", status, out)
		}
	})
}
