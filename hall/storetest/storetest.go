// Package storetest is the conformance suite every hall.Store must pass:
// the SQLite store and the PostgreSQL store run the same tests, so the two
// cannot drift apart on what the service relies on (delivery
// sequence numbers without gaps, event IDs unique, rollback of a failed
// transaction), and concurrent Updates that must behave as if serial
// (concurrency.go).
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"yizhan/domain"
	"yizhan/hall"
)

// Run runs the suite. open returns a new, empty, migrated store; the suite
// closes it.
func Run(t *testing.T, open func(tb testing.TB) hall.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, hall.Store)
	}{
		{"Stations", testStations},
		{"Log", testLog},
		{"CasesAndScope", testCasesAndScope},
		{"Deliveries", testDeliveries},
		{"Published", testPublished},
		{"Rollback", testRollback},
		{"CursorNeverSkips", testCursorNeverSkips},
		{"CaseSerial", testCaseSerial},
		{"DuplicateRace", testDuplicateRace},
		{"StationNoLostUpdate", testStationNoLostUpdate},
		{"PublishEnrolRace", testPublishEnrolRace},
		{"Staff", testStaff},
		{"Sessions", testSessions},
		{"Callbacks", testCallbacks},
		{"AccessLog", testAccessLog},
		{"FindCasesFilters", testFindCasesFilters},
		{"Prefetch", testPrefetch},
		{"Blobs", testBlobs},
		{"StationAuthority", testStationAuthority},
		{"CaseByNumber", testCaseByNumber},
		{"NumberRace", testNumberRace},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { _ = s.Close() })
			tt.fn(t, s)
		})
	}
}

var (
	ctx = context.Background()
	t0  = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
)

func update(t *testing.T, s hall.Store, fn func(hall.Tx) error) {
	t.Helper()
	if err := s.Update(ctx, fn); err != nil {
		t.Fatal(err)
	}
}

func view(t *testing.T, s hall.Store, fn func(hall.Tx) error) {
	t.Helper()
	if err := s.View(ctx, fn); err != nil {
		t.Fatal(err)
	}
}

func addStations(t *testing.T, s hall.Store, codes ...string) {
	t.Helper()
	update(t, s, func(tx hall.Tx) error {
		for _, c := range codes {
			st := &hall.StationRecord{Code: c, Name: c, CreatedAt: t0, EnrolHash: "h-" + c, EnrolExpires: t0.Add(time.Hour)}
			if err := tx.CreateStation(st); err != nil {
				return err
			}
			st.EnrolHash, st.EnrolledAt, st.TokenHash = "", t0, "t-"+c
			if err := tx.UpdateStation(st); err != nil {
				return err
			}
		}
		return nil
	})
}

func uuid(n int) string { return fmt.Sprintf("01900000-0000-7000-8000-%012x", n) }

func event(n int, caseID string, office string) *domain.Event {
	return &domain.Event{ID: uuid(n), CaseID: caseID, Kind: domain.EvNote, Office: office, Actor: "x",
		HLC: domain.Stamp{Wall: t0.UnixMilli() + int64(n), Office: office}.String(), At: t0}
}

func testStations(t *testing.T, s hall.Store) {
	update(t, s, func(tx hall.Tx) error {
		return tx.CreateStation(&hall.StationRecord{Code: "A01", Name: "甲", CreatedAt: t0, EnrolHash: "abc", EnrolExpires: t0})
	})
	err := s.Update(ctx, func(tx hall.Tx) error {
		return tx.CreateStation(&hall.StationRecord{Code: "A01", Name: "again", CreatedAt: t0})
	})
	if domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("duplicate station: got %v, want conflict", err)
	}
	view(t, s, func(tx hall.Tx) error {
		if _, err := tx.Station("NOPE"); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("unknown station: got %v, want not found", err)
		}
		st, err := tx.StationByEnrolHash("abc")
		if err != nil || st.Code != "A01" || !st.EnrolExpires.Equal(t0) {
			t.Errorf("by enrolment hash: %+v %v", st, err)
		}
		if codes, err := tx.ActiveStations(); err != nil || len(codes) != 0 {
			t.Errorf("active before enrolment: %v %v", codes, err)
		}
		return nil
	})
	update(t, s, func(tx hall.Tx) error {
		st, err := tx.Station("A01")
		if err != nil {
			return err
		}
		st.EnrolHash, st.TokenHash, st.EnrolledAt, st.AuditSeq, st.AuditHash = "", "tok", t0, 7, "h7"
		st.LastSeen, st.Cursor, st.TamperNote, st.TamperedAt = t0.Add(time.Minute), 3, "note", t0
		return tx.UpdateStation(st)
	})
	view(t, s, func(tx hall.Tx) error {
		st, err := tx.Station("A01")
		if err != nil {
			return err
		}
		if st.TokenHash != "tok" || st.AuditSeq != 7 || st.AuditHash != "h7" || st.Cursor != 3 || !st.LastSeen.Equal(t0.Add(time.Minute)) ||
			st.TamperNote != "note" || !st.TamperedAt.Equal(t0) || !st.Enrolled() || st.Revoked() {
			t.Errorf("station did not round-trip: %+v", st)
		}
		if _, err := tx.StationByEnrolHash("abc"); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("used enrolment code still found: %v", err)
		}
		if codes, _ := tx.ActiveStations(); len(codes) != 1 || codes[0] != "A01" {
			t.Errorf("active stations: %v", codes)
		}
		return nil
	})
}

func testLog(t *testing.T, s hall.Store) {
	addStations(t, s, "A01")
	var seqs []int64
	update(t, s, func(tx hall.Tx) error {
		for i := 1; i <= 3; i++ {
			seq, err := tx.AppendLog(&hall.LogEntry{Status: hall.StatusAccepted, Station: "A01", Event: event(i, uuid(100), "A01"), Received: t0})
			if err != nil {
				return err
			}
			seqs = append(seqs, seq)
		}
		_, err := tx.AppendLog(&hall.LogEntry{Status: hall.StatusConflict, Code: domain.EConflict, Reason: "r", Zh: "冲突",
			Station: "A01", Event: event(4, uuid(101), "A01"), Received: t0})
		return err
	})
	if seqs[0] <= 0 || seqs[1] <= seqs[0] || seqs[2] <= seqs[1] {
		t.Errorf("log positions not increasing: %v", seqs)
	}
	err := s.Update(ctx, func(tx hall.Tx) error {
		_, err := tx.AppendLog(&hall.LogEntry{Status: hall.StatusAccepted, Station: "A01", Event: event(1, uuid(100), "A01"), Received: t0})
		return err
	})
	if err == nil {
		t.Error("an event ID was appended twice")
	}
	view(t, s, func(tx hall.Tx) error {
		if le, err := tx.LogByEventID(uuid(999)); le != nil || err != nil {
			t.Errorf("unknown event: %v %v", le, err)
		}
		le, err := tx.LogByEventID(uuid(4))
		if err != nil || le.Status != hall.StatusConflict || le.Zh != "冲突" || le.Event.CaseID != uuid(101) {
			t.Errorf("conflict entry: %+v %v", le, err)
		}
		all, _ := tx.CaseLog(uuid(100), 0)
		before, _ := tx.CaseLog(uuid(100), seqs[2])
		if len(all) != 3 || len(before) != 2 || before[1].Seq != seqs[1] {
			t.Errorf("case log: %d entries, %d before the last", len(all), len(before))
		}
		if h, _ := tx.LastHLC("A01"); h != event(4, "", "A01").HLC {
			t.Errorf("last hlc %q", h)
		}
		if h, _ := tx.LastHLC("hall"); h != "" {
			t.Errorf("last hlc of an office with no events: %q", h)
		}
		list, _ := tx.Stations()
		if len(list) != 1 || list[0].Conflicts != 1 {
			t.Errorf("conflict count: %+v", list)
		}
		return nil
	})
	update(t, s, func(tx hall.Tx) error {
		r := &hall.Rejection{EventID: uuid(50), CaseID: uuid(100), Station: "A01", Code: "forbidden", Reason: "r", Zh: "拒绝", Received: t0}
		if err := tx.PutRejection(r); err != nil {
			return err
		}
		r2 := *r
		r2.Reason = "second"
		return tx.PutRejection(&r2)
	})
	view(t, s, func(tx hall.Tx) error {
		r, err := tx.Rejection(uuid(50))
		if err != nil || r.Reason != "r" || r.Zh != "拒绝" {
			t.Errorf("rejection: %+v %v (the first one must stay)", r, err)
		}
		if r, _ := tx.Rejection(uuid(51)); r != nil {
			t.Errorf("unknown rejection: %+v", r)
		}
		return nil
	})
}

func testCasesAndScope(t *testing.T, s hall.Store) {
	addStations(t, s, "A01", "B01")
	update(t, s, func(tx hall.Tx) error {
		seq, err := tx.AppendLog(&hall.LogEntry{Status: hall.StatusAccepted, Station: "A01", Event: event(1, uuid(100), "A01"), Received: t0})
		if err != nil {
			return err
		}
		for i, st := range []domain.State{domain.StateReceived, domain.StateForwarded} {
			c := &domain.Case{ID: uuid(100 + i), Number: "N", Station: "A01", Holder: "A01", State: st, UpdatedAt: t0}
			if err := tx.PutCase(c, seq); err != nil {
				return err
			}
		}
		c := &domain.Case{ID: uuid(100), Number: "N", Station: "A01", Holder: "hall", State: domain.StateAccepted, UpdatedAt: t0}
		if err := tx.PutCase(c, seq); err != nil {
			return err
		}
		if added, err := tx.AddScope(uuid(100), "A01", seq); err != nil || !added {
			return fmt.Errorf("add scope: %v %v", added, err)
		}
		if added, err := tx.AddScope(uuid(100), "A01", seq); err != nil || added {
			return fmt.Errorf("add scope twice: %v %v", added, err)
		}
		_, err = tx.AddScope(uuid(100), "B01", seq)
		return err
	})
	view(t, s, func(tx hall.Tx) error {
		c, err := tx.Case(uuid(100))
		if err != nil || c.State != domain.StateAccepted || c.Holder != "hall" {
			t.Errorf("case: %+v %v", c, err)
		}
		if c, err := tx.Case(uuid(999)); c != nil || err != nil {
			t.Errorf("unknown case: %+v %v", c, err)
		}
		if cs, _ := tx.FindCases(hall.CaseFilter{State: domain.StateForwarded}); len(cs) != 1 || cs[0].ID != uuid(101) {
			t.Errorf("find by state: %+v", cs)
		}
		if cs, _ := tx.FindCases(hall.CaseFilter{Holder: "hall"}); len(cs) != 1 {
			t.Errorf("find by holder: %+v", cs)
		}
		if cs, _ := tx.FindCases(hall.CaseFilter{Station: "A01", Limit: 1}); len(cs) != 1 {
			t.Errorf("limit: %d", len(cs))
		}
		if sc, _ := tx.CaseScope(uuid(100)); len(sc) != 2 || sc[0] != "A01" || sc[1] != "B01" {
			t.Errorf("scope: %v", sc)
		}
		return nil
	})
}

func testDeliveries(t *testing.T, s hall.Store) {
	addStations(t, s, "A01", "B01")
	update(t, s, func(tx hall.Tx) error {
		seq, err := tx.AppendLog(&hall.LogEntry{Status: hall.StatusAccepted, Station: "A01", Event: event(1, uuid(100), "A01"), Received: t0})
		if err != nil {
			return err
		}
		pseq, err := tx.Publish(&hall.Published{Key: "calendar:2027", Kind: hall.PubCalendar, Body: []byte(`{"year":2027}`), Published: t0})
		if err != nil {
			return err
		}
		if err := tx.Enqueue("A01", []hall.Ref{{LogSeq: seq}, {PubSeq: pseq}}); err != nil {
			return err
		}
		if err := tx.Enqueue("A01", []hall.Ref{{LogSeq: seq}}); err != nil {
			return err
		}
		return tx.Enqueue("B01", []hall.Ref{{PubSeq: pseq}})
	})
	view(t, s, func(tx hall.Tx) error {
		ds, err := tx.Deliveries("A01", 0, 10)
		if err != nil || len(ds) != 3 {
			t.Fatalf("deliveries: %d %v", len(ds), err)
		}
		for i, d := range ds {
			if d.DSeq != int64(i+1) {
				t.Errorf("delivery %d has dseq %d", i, d.DSeq)
			}
		}
		if ds[0].Log == nil || ds[0].Log.Event.ID != uuid(1) || ds[1].Pub == nil || string(ds[1].Pub.Body) != `{"year":2027}` {
			t.Errorf("joined rows: %+v %+v", ds[0], ds[1])
		}
		// The event comes as stored, to pass through; Event names it.
		want := event(1, uuid(100), "A01")
		if le := ds[0].Log; le.Event.CaseID != want.CaseID || le.Event.Kind != want.Kind {
			t.Errorf("delivered event names %+v, want id, case and kind of %+v", le.Event, want)
		}
		if b, _ := json.Marshal(want); string(ds[0].Log.Raw) != string(b) {
			t.Errorf("delivered event JSON %s, want %s", ds[0].Log.Raw, b)
		}
		if ds, _ := tx.Deliveries("A01", 2, 10); len(ds) != 1 || ds[0].DSeq != 3 {
			t.Errorf("after 2: %+v", ds)
		}
		if ds, _ := tx.Deliveries("A01", 0, 2); len(ds) != 2 {
			t.Errorf("limit: %d", len(ds))
		}
		a, _ := tx.Station("A01")
		b, _ := tx.Station("B01")
		if a.LastDSeq != 3 || b.LastDSeq != 1 {
			t.Errorf("last dseq: A %d, B %d (each station counts on its own)", a.LastDSeq, b.LastDSeq)
		}
		return nil
	})
	if err := s.Update(ctx, func(tx hall.Tx) error { return tx.Enqueue("NOPE", []hall.Ref{{LogSeq: 1}}) }); err == nil {
		t.Error("enqueue for an unknown station succeeded")
	}
}

func testPublished(t *testing.T, s hall.Store) {
	update(t, s, func(tx hall.Tx) error {
		for _, p := range []hall.Published{
			{Key: "item:X@1", Kind: hall.PubItem, Catalog: "c1", Body: []byte(`{"v":1}`)},
			{Key: "calendar:2027", Kind: hall.PubCalendar, Body: []byte(`{"y":1}`)},
			{Key: "item:X@1", Kind: hall.PubItem, Catalog: "c2", Body: []byte(`{"v":2}`)},
		} {
			p.Published = t0
			if _, err := tx.Publish(&p); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx hall.Tx) error {
		p, err := tx.LatestPublished("item:X@1")
		if err != nil || string(p.Body) != `{"v":2}` || p.Catalog != "c2" {
			t.Errorf("latest: %+v %v", p, err)
		}
		if p, _ := tx.LatestPublished("item:Y@1"); p != nil {
			t.Errorf("unknown key: %+v", p)
		}
		cur, _ := tx.CurrentPublished()
		if len(cur) != 2 || cur[0].Key != "calendar:2027" || string(cur[1].Body) != `{"v":2}` {
			t.Errorf("current: %+v", cur)
		}
		return nil
	})
}

func testRollback(t *testing.T, s hall.Store) {
	addStations(t, s, "A01")
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx hall.Tx) error {
		seq, err := tx.AppendLog(&hall.LogEntry{Status: hall.StatusAccepted, Station: "A01", Event: event(1, uuid(100), "A01"), Received: t0})
		if err != nil {
			return err
		}
		if err := tx.Enqueue("A01", []hall.Ref{{LogSeq: seq}}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want the function's error", err)
	}
	view(t, s, func(tx hall.Tx) error {
		if le, _ := tx.LogByEventID(uuid(1)); le != nil {
			t.Error("rolled-back event is in the log")
		}
		if st, _ := tx.Station("A01"); st.LastDSeq != 0 {
			t.Errorf("rolled-back enqueue moved the counter to %d", st.LastDSeq)
		}
		return nil
	})
}

// testCursorNeverSkips runs writers that enqueue for one station while a
// reader pages with a cursor, as a station does. The reader must see every
// dseq exactly once and never a gap: if it could see dseq n+1 while n was
// uncommitted, moving the cursor past n would lose n (COUCHDB-1256).
func testCursorNeverSkips(t *testing.T, s hall.Store) {
	addStations(t, s, "A01", "B01")
	const writers, each = 4, 25
	var wg sync.WaitGroup
	errc := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				n := w*each + i + 1
				err := s.Update(ctx, func(tx hall.Tx) error {
					seq, err := tx.AppendLog(&hall.LogEntry{Status: hall.StatusAccepted, Station: "A01", Event: event(n, uuid(100), "A01"), Received: t0})
					if err != nil {
						return err
					}
					if err := tx.Enqueue("A01", []hall.Ref{{LogSeq: seq}}); err != nil {
						return err
					}
					return tx.Enqueue("B01", []hall.Ref{{LogSeq: seq}})
				})
				if err != nil {
					errc <- err
					return
				}
			}
		}(w)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	var cursor int64
	seen := map[string]bool{}
	for finished := false; !finished; {
		select {
		case <-done:
			finished = true
		default:
		}
		for {
			var page []*hall.Delivery
			view(t, s, func(tx hall.Tx) error {
				var err error
				page, err = tx.Deliveries("A01", cursor, 7)
				return err
			})
			if len(page) == 0 {
				break
			}
			for _, d := range page {
				if d.DSeq != cursor+1 {
					t.Fatalf("cursor %d, next visible dseq %d: a gap", cursor, d.DSeq)
				}
				cursor = d.DSeq
				if seen[d.Log.Event.ID] {
					t.Fatalf("event %s delivered twice", d.Log.Event.ID)
				}
				seen[d.Log.Event.ID] = true
			}
		}
	}
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	if len(seen) != writers*each {
		t.Errorf("reader saw %d events, want %d", len(seen), writers*each)
	}
}
