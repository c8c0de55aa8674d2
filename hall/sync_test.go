package hall_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"yizhan/domain"
	"yizhan/hall"
	"yizhan/sync/protocol"
)

func TestScopeKeepsStationsApart(t *testing.T) {
	f := newHall(t)
	a, b := f.enroll("A01"), f.enroll("B01")
	aCase, bCase := a.open("station"), b.open("station")
	a.mustAck(protocol.AckAccepted, aCase, a.event(aCase.CaseID, domain.EvAccept, domain.StateReceived, nil))
	b.mustAck(protocol.AckAccepted, bCase)
	aEvs, _ := a.pullAll()
	bEvs, _ := b.pullAll()
	for _, e := range bEvs {
		if e.Event.CaseID == aCase.CaseID {
			t.Errorf("B received A's event %s", e.Event.Kind)
		}
	}
	if len(aEvs) != 2 || len(bEvs) != 1 {
		t.Errorf("A got %d events (want 2), B got %d (want 1)", len(aEvs), len(bEvs))
	}
}

func TestRoutingBackfill(t *testing.T) {
	f := newHall(t)
	// A village station takes in a township item and routes it to its
	// township centre, which accepts it.
	a, b, c := f.enrollAs("A01", "village", "370112001001"), f.enrollAs("B01", "township", "370112001"), f.enroll("C01")
	open := a.open("township")
	history := []*domain.Event{open, a.event(open.CaseID, domain.EvNote, "", domain.NotePayload{Text: "一"}),
		a.event(open.CaseID, domain.EvMaterial, "", domain.MaterialPayload{Code: "M1", Collected: domain.CollectScan})}
	a.mustAck(protocol.AckAccepted, history...)
	if evs, _ := b.pullAll(); len(evs) != 0 {
		t.Fatalf("B got %d events before the route", len(evs))
	}
	route := a.event(open.CaseID, domain.EvRoute, "", domain.RoutePayload{To: "B01"})
	a.mustAck(protocol.AckAccepted, route)
	evs, _ := b.pullAll()
	want := []string{history[0].ID, history[1].ID, history[2].ID, route.ID}
	if got := eventIDs(evs); !reflect.DeepEqual(got, want) {
		t.Fatalf("B got %v, want the whole history then the route %v", got, want)
	}
	for i := 1; i < len(evs); i++ {
		if evs[i].Seq <= evs[i-1].Seq {
			t.Errorf("backfill out of log order: %d after %d", evs[i].Seq, evs[i-1].Seq)
		}
	}
	// B works the case; A still sees it (origin), and so does B.
	accept := b.event(open.CaseID, domain.EvAccept, domain.StateReceived, nil)
	b.mustAck(protocol.AckAccepted, accept)
	if evs, _ := a.pullAll(); len(caseEvents(evs, open.CaseID)) != 5 {
		t.Errorf("A got %d events of its case, want 5", len(caseEvents(evs, open.CaseID)))
	}
	// The hall routes the case on to C: C gets all six, then the route.
	if err := f.svc.Route(f.ctx, hall.Actor{ID: "hall-clerk"}, open.CaseID, "C01"); err != nil {
		t.Fatal(err)
	}
	evs, _ = c.pullAll()
	if len(evs) != 6 || evs[5].Event.Kind != domain.EvRoute || evs[5].Event.Office != domain.HallOffice {
		t.Errorf("C got %d events ending in %v, want 6 ending in the hall's route", len(evs), eventIDs(evs))
	}
	// B stays in scope: a case once routed to it keeps reaching it.
	if evs, _ := b.pullAll(); len(evs) != 2 {
		t.Errorf("B got %d new events, want its accept and the hall's route", len(evs))
	}
}

func TestPagingByBytes(t *testing.T) {
	f := newHall(t)
	a := f.enroll("A01")
	open := a.open("station")
	batch := []*domain.Event{open}
	for i := 0; i < 40; i++ {
		batch = append(batch, a.event(open.CaseID, domain.EvNote, "", domain.NotePayload{Text: strings.Repeat("注", 100)}))
	}
	a.mustAck(protocol.AckAccepted, batch...)
	const budget = 4000
	var got []string
	var pages int
	for {
		before := a.cursor
		resp := a.sync(budget)
		pages++
		if len(resp.Events) == 0 {
			t.Fatalf("page %d empty with More=%v", pages, resp.More)
		}
		if resp.Cursor <= before {
			t.Fatalf("cursor went from %d to %d", before, resp.Cursor)
		}
		if len(resp.Events) > 1 && len(mustJSON(t, resp.Events)) > budget {
			t.Errorf("page %d is %d bytes, over the budget of %d", pages, len(mustJSON(t, resp.Events)), budget)
		}
		got = append(got, eventIDs(resp.Events)...)
		if !resp.More {
			break
		}
	}
	if pages < 5 {
		t.Errorf("got %d pages; a %d-byte budget should need more", pages, budget)
	}
	var want []string
	for _, e := range batch {
		want = append(want, e.ID)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("paged events differ from what was pushed (%d vs %d)", len(got), len(want))
	}
	// A budget smaller than one entry still moves: one entry per page.
	a.cursor = a.base
	if resp := a.sync(1); len(resp.Events) != 1 || !resp.More || resp.Cursor != a.base+1 {
		t.Errorf("tiny budget: %d events, More=%v, cursor %d", len(resp.Events), resp.More, resp.Cursor)
	}
}

func TestPageEntriesCap(t *testing.T) {
	f := newHall(t)
	f.svc.PageEntries = 3
	a := f.enroll("A01")
	open := a.open("station")
	a.mustAck(protocol.AckAccepted, open, a.event(open.CaseID, domain.EvNote, "", nil),
		a.event(open.CaseID, domain.EvNote, "", nil), a.event(open.CaseID, domain.EvNote, "", nil))
	if resp := a.sync(0); len(resp.Events) != 3 || !resp.More {
		t.Errorf("got %d events More=%v, want 3 and more", len(resp.Events), resp.More)
	}
	if resp := a.sync(0); len(resp.Events) != 1 || resp.More {
		t.Errorf("got %d events More=%v, want the last one", len(resp.Events), resp.More)
	}
}

func TestNoopSync(t *testing.T) {
	f := newHall(t)
	a := f.enroll("A01")
	a.mustAck(protocol.AckAccepted, a.open("station"))
	a.pullAll()
	a.sync(0) // reports the final cursor: the hall learns it from the next request
	seen := stationInfo(t, f, "A01").LastSeen
	f.clock.Add(time.Second)
	resp := a.sync(0)
	if len(resp.Events) != 0 || len(resp.Published) != 0 || resp.More || resp.Resync || resp.Cursor != a.cursor {
		t.Errorf("no-op sync answered %+v", resp)
	}
	if got := stationInfo(t, f, "A01").LastSeen; !got.Equal(*seen) {
		t.Errorf("a no-op sync within SeenEvery wrote last seen (%v → %v)", seen, got)
	}
	f.clock.Add(2 * time.Minute)
	a.sync(0)
	if got := stationInfo(t, f, "A01").LastSeen; !got.After(*seen) {
		t.Errorf("last seen not refreshed after SeenEvery")
	}
}

func TestResyncWhenCursorAhead(t *testing.T) {
	f := newHall(t)
	a := f.enroll("A01")
	a.mustAck(protocol.AckAccepted, a.open("station"))
	a.cursor = 99
	open := a.open("station")
	resp, err := f.svc.Sync(f.ctx, a.auth(), protocol.SyncRequest{V: protocol.Version, Station: "A01", Cursor: 99, Events: []*domain.Event{open}})
	if err != nil {
		t.Fatal(err)
	}
	if !resp.Resync || resp.Cursor != 0 || len(resp.Events) != 0 {
		t.Errorf("got resync=%v cursor=%d events=%d, want resync from 0", resp.Resync, resp.Cursor, len(resp.Events))
	}
	if len(resp.Acks) != 1 || resp.Acks[0].Status != protocol.AckAccepted {
		t.Errorf("the push must still be taken on resync: %+v", resp.Acks)
	}
}

func TestSyncRequestChecks(t *testing.T) {
	f := newHall(t)
	a := f.enroll("A01")
	tests := []struct {
		name string
		req  protocol.SyncRequest
		code string
	}{
		{"OtherStation", protocol.SyncRequest{V: protocol.Version, Station: "B01"}, domain.EForbidden},
		{"OldVersion", protocol.SyncRequest{V: 0, Station: "A01"}, protocol.CodeUpgrade},
		{"NewVersion", protocol.SyncRequest{V: protocol.Version + 1, Station: "A01"}, protocol.CodeUpgrade},
		{"NegativeCursor", protocol.SyncRequest{V: protocol.Version, Station: "A01", Cursor: -1}, domain.EInvalid},
		{"TooManyEvents", protocol.SyncRequest{V: protocol.Version, Station: "A01", Events: make([]*domain.Event, protocol.MaxBatchEvents+1)}, protocol.CodeTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.svc.Sync(f.ctx, a.auth(), tt.req)
			if got := domain.ErrorCode(err); got != tt.code {
				t.Errorf("got %q (%v), want %q", got, err, tt.code)
			}
		})
	}
}

func TestAuditHead(t *testing.T) {
	f := newHall(t)
	a := f.enroll("A01")
	send := func(h protocol.AuditHead) protocol.SyncResponse {
		t.Helper()
		resp, err := f.svc.Sync(f.ctx, a.auth(), protocol.SyncRequest{V: protocol.Version, Station: "A01", Audit: &h})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	if resp := send(protocol.AuditHead{Seq: 5, Hash: "h5"}); resp.AuditSeq != 5 {
		t.Fatalf("AuditSeq %d, want 5", resp.AuditSeq)
	}
	if resp := send(protocol.AuditHead{Seq: 9, Hash: "h9", CheckSeq: 5, CheckHash: "h5"}); resp.AuditSeq != 9 {
		t.Fatalf("AuditSeq %d, want 9", resp.AuditSeq)
	}
	if in := stationInfo(t, f, "A01"); in.Tampered || in.AuditSeq != 9 || in.AuditHash != "h9" {
		t.Fatalf("after a consistent chain: %+v", in)
	}
	// Row 9 was rewritten at the station.
	open := a.open("station")
	resp, err := f.svc.Sync(f.ctx, a.auth(), protocol.SyncRequest{V: protocol.Version, Station: "A01", Events: []*domain.Event{open},
		Audit: &protocol.AuditHead{Seq: 12, Hash: "h12", CheckSeq: 9, CheckHash: "forged"}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Acks[0].Status != protocol.AckAccepted {
		t.Errorf("a tampered station's events must still be taken: %+v", resp.Acks[0])
	}
	in := stationInfo(t, f, "A01")
	if !in.Tampered || !strings.Contains(in.TamperNote, "row 9") || in.AuditSeq != 12 {
		t.Errorf("after a rewritten row: %+v", in)
	}
}

func stationInfo(t *testing.T, f *fixture, code string) hall.StationInfo {
	t.Helper()
	list, err := f.svc.Stations(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range list {
		if in.Code == code {
			return in
		}
	}
	t.Fatalf("station %s not in the registry", code)
	return hall.StationInfo{}
}

// TestPageRawIsExact checks that a page passing the log's stored JSON
// through encodes byte for byte as the decoded events would, and that the
// events callers of Sync read are the full events.
func TestPageRawIsExact(t *testing.T) {
	f := newHall(t)
	a := f.enroll("A01")
	open := a.open("station")
	batch := []*domain.Event{open,
		a.event(open.CaseID, domain.EvNote, "", domain.NotePayload{Text: "<b>\"注\" & \\ \u2028</b>"}),
		a.event(open.CaseID, domain.EvNote, "", domain.NotePayload{Text: "plain"})}
	a.mustAck(protocol.AckAccepted, batch...)
	a.cursor = 0
	resp := a.sync(0)
	if len(resp.Events) != len(batch) {
		t.Fatalf("page has %d events, want %d", len(resp.Events), len(batch))
	}
	plain := resp
	plain.Events = nil
	for i, le := range resp.Events {
		if len(le.Raw) == 0 {
			t.Errorf("event %d: no stored JSON to pass through", i)
		}
		if string(mustJSON(t, le.Event)) != string(mustJSON(t, batch[i])) {
			t.Errorf("event %d decoded as %s, pushed %s", i, mustJSON(t, le.Event), mustJSON(t, batch[i]))
		}
		le.Raw = nil
		plain.Events = append(plain.Events, le)
	}
	if got, want := mustJSON(t, resp), mustJSON(t, plain); string(got) != string(want) {
		t.Errorf("page with stored JSON:\n%s\nre-encoded:\n%s", got, want)
	}
}
