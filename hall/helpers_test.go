package hall_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"filippo.io/age"

	"yizhan/domain"
	"yizhan/hall"
	hallsqlite "yizhan/hall/sqlite"
	"yizhan/hall/stationsim"
	"yizhan/internal/testclock"
	"yizhan/sync/protocol"
)

// fixture is a hall on a real SQLite file with a fake clock.
type fixture struct {
	t     testing.TB
	ctx   context.Context
	clock *testclock.Clock
	store *hallsqlite.Store
	svc   *hall.Service
	dir   string
	ids   atomic.Int64
}

// newHall is a hall that has published stationsim.Catalog, the items the
// tests' open events name.
func newHall(t testing.TB) *fixture {
	t.Helper()
	f := newBareHall(t)
	if _, err := f.svc.PublishCatalog(f.ctx, stationsim.Catalog()); err != nil {
		t.Fatal(err)
	}
	return f
}

// newBareHall is a hall that has published nothing.
func newBareHall(t testing.TB) *fixture {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	store, err := hallsqlite.Open(ctx, filepath.Join(dir, "hall.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	f := &fixture{t: t, ctx: ctx, clock: testclock.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)), store: store, dir: dir}
	svc, err := hall.New(ctx, store, hall.Config{Dir: filepath.Join(dir, "data"), Now: f.clock.Now, NewID: f.newID})
	if err != nil {
		t.Fatal(err)
	}
	f.svc = svc
	return f
}

// newID makes deterministic UUIDv7-shaped IDs.
func (f *fixture) newID() string {
	return fmt.Sprintf("01900000-0000-7000-8000-%012x", f.ids.Add(1))
}

// station is an enrolled station as a test drives it.
type station struct {
	f      *fixture
	st     *hall.StationRecord
	token  string
	hlc    *domain.HLC
	cursor int64
	base   int64 // the cursor after the first pull of what was published before enrolment
}

func (f *fixture) enroll(code string) *station {
	f.t.Helper()
	return f.enrollAs(code, "", "370112")
}

// enrollAs registers and enrols a station of kind in region.
func (f *fixture) enrollAs(code, kind, region string) *station {
	f.t.Helper()
	enrol, err := f.svc.RegisterStation(f.ctx, hall.StationSpec{Code: code, Name: code + " 便民服务站", Region: region, Kind: kind})
	if err != nil {
		f.t.Fatal(err)
	}
	resp, err := f.svc.Enroll(f.ctx, enrollRequest(f.t, enrol))
	if err != nil {
		f.t.Fatal(err)
	}
	st, err := f.svc.Authenticate(f.ctx, resp.Token)
	if err != nil {
		f.t.Fatal(err)
	}
	s := &station{f: f, st: st, token: resp.Token, hlc: domain.NewHLC(code, f.clock.Now)}
	// What the hall published before the station enrolled is its first
	// pull; the tests count from after it.
	s.pullAll()
	s.base = s.cursor
	return s
}

func enrollRequest(t testing.TB, code string) protocol.EnrollRequest {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return protocol.EnrollRequest{V: protocol.Version, Code: code, SignKey: base64.StdEncoding.EncodeToString(pub),
		AgeKey: id.Recipient().String(), AppVersion: "test-1"}
}

// auth reads the station afresh, as the HTTP layer does per request.
func (s *station) auth() *hall.StationRecord {
	s.f.t.Helper()
	st, err := s.f.svc.Authenticate(s.f.ctx, s.token)
	if err != nil {
		s.f.t.Fatal(err)
	}
	s.st = st
	return st
}

// event makes an event of this station.
func (s *station) event(caseID string, kind domain.EventKind, from domain.State, payload any) *domain.Event {
	s.f.t.Helper()
	e, err := domain.NewEvent(s.f.newID(), caseID, kind, from, payload)
	if err != nil {
		s.f.t.Fatal(err)
	}
	e.Actor, e.Office, e.HLC, e.At = "clerk-1", s.st.Code, s.hlc.Now(), s.f.clock.Now()
	return e
}

// open makes an open event for a new case of the item of
// stationsim.Catalog handled at handledAt, as a lawful station would.
func (s *station) open(handledAt string) *domain.Event {
	caseID := s.f.newID()
	return s.event(caseID, domain.EvOpen, "", stationsim.OpenPayload(s.st.Code, s.f.clock.Now(), int(s.f.ids.Load()), handledAt))
}

// sync pushes events and pulls one page after the station's cursor, then
// moves the cursor as a station would after applying the page.
func (s *station) sync(maxBytes int, events ...*domain.Event) protocol.SyncResponse {
	s.f.t.Helper()
	resp, err := s.f.svc.Sync(s.f.ctx, s.auth(), protocol.SyncRequest{V: protocol.Version, Station: s.st.Code, Cursor: s.cursor,
		Events: events, MaxBytes: maxBytes})
	if err != nil {
		s.f.t.Fatal(err)
	}
	s.cursor = resp.Cursor
	return resp
}

// pullAll pulls pages until the hall says there is no more.
func (s *station) pullAll() ([]protocol.LogEvent, []protocol.Published) {
	s.f.t.Helper()
	var evs []protocol.LogEvent
	var pubs []protocol.Published
	for i := 0; ; i++ {
		if i > 10000 {
			s.f.t.Fatal("pull does not end")
		}
		resp := s.sync(0)
		evs = append(evs, resp.Events...)
		pubs = append(pubs, resp.Published...)
		if !resp.More {
			return evs, pubs
		}
	}
}

// push sends events and returns the acks. It leaves the cursor alone, as
// a station that failed to apply the page would, so tests see every
// delivery in a later pullAll.
func (s *station) push(events ...*domain.Event) []protocol.Ack {
	s.f.t.Helper()
	resp, err := s.f.svc.Sync(s.f.ctx, s.auth(), protocol.SyncRequest{V: protocol.Version, Station: s.st.Code, Cursor: s.cursor, Events: events})
	if err != nil {
		s.f.t.Fatal(err)
	}
	if len(resp.Acks) != len(events) {
		s.f.t.Fatalf("got %d acks for %d events", len(resp.Acks), len(events))
	}
	return resp.Acks
}

// mustAck pushes events and fails unless every ack has the wanted status.
func (s *station) mustAck(status string, events ...*domain.Event) []protocol.Ack {
	s.f.t.Helper()
	acks := s.push(events...)
	for i, a := range acks {
		if a.Status != status {
			s.f.t.Fatalf("ack %d (%s): got %s (%s %s), want %s", i, events[i].Kind, a.Status, a.Code, a.Reason, status)
		}
	}
	return acks
}

func eventIDs(evs []protocol.LogEvent) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Event.ID)
	}
	return out
}

func caseEvents(evs []protocol.LogEvent, caseID string) []protocol.LogEvent {
	var out []protocol.LogEvent
	for _, e := range evs {
		if e.Event.CaseID == caseID {
			out = append(out, e)
		}
	}
	return out
}

func readSample(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "township-sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// findCase returns the hall's summary of a case.
func (f *fixture) findCase(id string) hall.CaseSummary {
	f.t.Helper()
	list, err := f.svc.Cases(f.ctx, hall.CaseFilter{})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, c := range list {
		if c.ID == id {
			return c
		}
	}
	f.t.Fatalf("case %s not at the hall", id)
	return hall.CaseSummary{}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
