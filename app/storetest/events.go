package storetest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"yizhan/app"
	"yizhan/domain"
)

// event returns an event made n milliseconds after t0 by actor of office.
func event(id, caseID string, kind domain.EventKind, actor, office string, n int) *domain.Event {
	at := t0.Add(time.Duration(n) * time.Millisecond)
	return &domain.Event{ID: id, CaseID: caseID, Kind: kind, Actor: actor, ActorName: "名" + actor, Office: office,
		HLC: domain.Stamp{Wall: at.UnixMilli(), Office: office}.String(), At: at, Payload: json.RawMessage(`{"text":"` + id + `"}`)}
}

func ids(evs []*domain.Event) string {
	var out []string
	for _, e := range evs {
		out = append(out, e.ID)
	}
	return strings.Join(out, " ")
}

func testEvents(t *testing.T, s app.Store) {
	// Made here (pending), in this order: p1 p2 p3 of case A, p4 of B.
	update(t, s, func(tx app.Tx) error {
		for i, e := range []*domain.Event{
			event("p1", "A", domain.EvOpen, "li", "370112001", 1),
			event("p2", "A", domain.EvNote, "li", "370112001", 2),
			event("p3", "A", domain.EvAccept, "li", "370112001", 3),
			event("p4", "B", domain.EvOpen, "li", "370112001", 4),
		} {
			if err := tx.AppendEvent(e, app.StatusPending, 0); err != nil {
				return fmt.Errorf("event %d: %w", i, err)
			}
		}
		return nil
	})
	if err := s.Update(ctx, func(tx app.Tx) error {
		return tx.AppendEvent(event("p1", "A", domain.EvNote, "li", "370112001", 9), app.StatusPending, 0)
	}); err == nil {
		t.Error("an event ID stored twice")
	}
	// Pulled from the hall in one batch, more than one statement's worth.
	var pulled []app.StoredEvent
	for i := 0; i < 150; i++ {
		pulled = append(pulled, app.StoredEvent{Event: event(fmt.Sprintf("h%03d", i), fmt.Sprintf("C%d", i%3), domain.EvNote, "hallclerk", "hall", 100+i),
			Status: app.StatusAccepted, HallSeq: int64(1000 + i)})
	}
	update(t, s, func(tx app.Tx) error { return tx.InsertEvents(pulled) })
	if err := s.Update(ctx, func(tx app.Tx) error { return tx.InsertEvents(pulled[149:]) }); err == nil {
		t.Error("InsertEvents stored an event it already held without a word")
	}
	view(t, s, func(tx app.Tx) error {
		pending, err := tx.PendingEvents(10, nil)
		if err != nil || ids(pending) != "p1 p2 p3 p4" {
			t.Errorf("PendingEvents: got %s %v, want p1 p2 p3 p4", ids(pending), err)
		}
		p := pending[1]
		want := event("p2", "A", domain.EvNote, "li", "370112001", 2)
		if p.CaseID != want.CaseID || p.Kind != want.Kind || p.Actor != "li" || p.ActorName != "名li" || p.Office != want.Office ||
			p.HLC != want.HLC || !p.At.Equal(want.At) || string(p.Payload) != string(want.Payload) {
			t.Errorf("a stored event read back: got %+v, want %+v", p, want)
		}
		if pending, err := tx.PendingEvents(2, []string{"p1"}); err != nil || ids(pending) != "p2 p3" {
			t.Errorf("PendingEvents(2, except p1): got %s %v", ids(pending), err)
		}
		if n, err := tx.PendingCount(); err != nil || n != 4 {
			t.Errorf("PendingCount: %d %v", n, err)
		}
		states, err := tx.EventStates([]string{"p1", "h007", "nope"})
		if err != nil || len(states) != 2 || states["p1"].Status != app.StatusPending || states["h007"].HallSeq != 1007 || states["h007"].CaseID != "C1" ||
			states["h007"].Kind != string(domain.EvNote) {
			t.Errorf("EventStates: got %v %v", states, err)
		}
		if st, err := tx.EventState("nope"); err != nil || st != nil {
			t.Errorf("EventState(missing): %+v %v", st, err)
		}
		runs, err := tx.CaseRuns([]string{"A", "C0"})
		if err != nil || len(runs["A"]) != 3 || runs["A"][0].ID != "p1" || runs["A"][2].ID != "p3" || len(runs["C0"]) != 50 || runs["C0"][0].HallSeq != 1000 {
			t.Errorf("CaseRuns: got A %+v, C0 %d events (%v)", runs["A"], len(runs["C0"]), err)
		}
		cases, err := tx.EventCases()
		if err != nil || len(cases) != 5 {
			t.Errorf("EventCases: got %v %v, want A B C0 C1 C2", cases, err)
		}
		with, err := tx.CasesWithEvents([]string{"A", "C2", "Z"})
		if err != nil || !with["A"] || !with["C2"] || with["Z"] {
			t.Errorf("CasesWithEvents: got %v %v", with, err)
		}
		hist, err := tx.History("A")
		if err != nil || len(hist) != 3 || hist[0].ID != "p1" || hist[2].Status != app.StatusPending || string(hist[1].Payload) != `{"text":"p2"}` {
			t.Errorf("History: got %+v %v", hist, err)
		}
		own, other, err := tx.NewestStamps("370112001")
		if err != nil || own != event("p4", "B", domain.EvOpen, "li", "370112001", 4).HLC || other != pulled[149].Event.HLC {
			t.Errorf("NewestStamps: got %q %q %v", own, other, err)
		}
		return nil
	})
}

// testEventVerdicts: what the hall decides orders a case's fold: its log
// first, in log order, then what is still pending here in the order made;
// conflicts and rejections are kept but do not count.
func testEventVerdicts(t *testing.T, s app.Store) {
	update(t, s, func(tx app.Tx) error {
		for i, id := range []string{"e1", "e2", "e3", "e4", "e5"} {
			if err := tx.AppendEvent(event(id, "A", domain.EvNote, "li", "370112001", i), app.StatusPending, 0); err != nil {
				return err
			}
		}
		// The hall logged e3 before e1; e2 is a conflict, e4 rejected; e5 waits.
		for _, v := range []struct {
			id, status string
			seq        int64
		}{{"e3", app.StatusAccepted, 10}, {"e1", app.StatusAccepted, 11}, {"e2", app.StatusConflict, 12}, {"e4", app.StatusRejected, 0}} {
			if err := tx.SetEventStatus(v.id, v.status, v.seq, "reason "+v.id); err != nil {
				return err
			}
		}
		// A verdict without a position keeps the one held.
		return tx.SetEventStatus("e3", app.StatusAccepted, 0, "again")
	})
	view(t, s, func(tx app.Tx) error {
		evs, err := tx.CaseEvents("A")
		if err != nil || ids(evs) != "e3 e1 e5" {
			t.Errorf("CaseEvents: got %s %v, want e3 e1 (log order) then e5 (pending)", ids(evs), err)
		}
		st, err := tx.EventState("e3")
		if err != nil || st == nil || st.HallSeq != 10 || st.Reason != "again" || st.Status != app.StatusAccepted {
			t.Errorf("EventState(e3): got %+v %v", st, err)
		}
		if n, _ := tx.PendingCount(); n != 1 {
			t.Errorf("PendingCount: %d, want 1", n)
		}
		return nil
	})
}

func testConflicts(t *testing.T, s app.Store) {
	putCases(t, s, app.CaseDue{}, mkCase(1, "张三", "", "", domain.StateReceived, 0))
	update(t, s, func(tx app.Tx) error {
		for i, c := range []app.ConflictRecord{
			{EventID: "e1", CaseID: "case-01", Kind: "accept", Reason: "stale", Zh: "冲突一", At: t0},
			{EventID: "e2", CaseID: "case-09", Kind: "note", Reason: "bounds", Zh: "冲突二", At: t0.Add(time.Minute)},
			{EventID: "e1", CaseID: "case-01", Kind: "accept", Reason: "again", Zh: "又一次", At: t0.Add(2 * time.Minute)},
		} {
			if err := tx.AddConflict(c); err != nil {
				return fmt.Errorf("conflict %d: %w", i, err)
			}
		}
		return nil
	})
	update(t, s, func(tx app.Tx) error {
		if ok, err := tx.ResolveConflict("e2", "wang", "已核对", t0.Add(time.Hour)); err != nil || !ok {
			t.Errorf("ResolveConflict: %v %v", ok, err)
		}
		if ok, err := tx.ResolveConflict("e2", "wang", "again", t0); err != nil || ok {
			t.Errorf("resolved twice: %v %v", ok, err)
		}
		return nil
	})
	view(t, s, func(tx app.Tx) error {
		open, err := tx.Conflicts("", false)
		if err != nil || len(open) != 1 || open[0].EventID != "e1" || open[0].Zh != "冲突一" || open[0].CaseNumber != "370112001-20260302-0001" {
			t.Errorf("open conflicts: got %+v %v, want e1 as first recorded, with its case number", open, err)
		}
		all, err := tx.Conflicts("", true)
		if err != nil || len(all) != 2 || all[1].ResolvedBy != "wang" || all[1].Resolution != "已核对" || all[1].CaseNumber != "" {
			t.Errorf("all conflicts: got %+v %v", all, err)
		}
		if of, err := tx.Conflicts("case-09", true); err != nil || len(of) != 1 || of[0].EventID != "e2" {
			t.Errorf("conflicts of case-09: got %+v %v", of, err)
		}
		if none, err := tx.Conflicts("case-07", true); err != nil || none == nil || len(none) != 0 {
			t.Errorf("conflicts of a case without any: got %#v %v, want an empty list", none, err)
		}
		if n, err := tx.OpenConflictCount(); err != nil || n != 1 {
			t.Errorf("OpenConflictCount: %d %v", n, err)
		}
		return nil
	})
}

func testQuarantine(t *testing.T, s app.Store) {
	q := func(id, caseID string, minutes int) app.QuarantineRecord {
		return app.QuarantineRecord{Quarantined: app.Quarantined{EventID: id, CaseID: caseID, HallSeq: 7, Kind: "note", Office: "370112099",
			Code: domain.EInvalid, Reason: "out of bounds", Zh: "已隔离"}, Event: []byte(`{"id":"` + id + `"}`), At: t0.Add(time.Duration(minutes) * time.Minute)}
	}
	update(t, s, func(tx app.Tx) error {
		for _, r := range []app.QuarantineRecord{q("q1", "A", 0), q("q2", "B", 1), q("q1", "A", 5)} {
			if err := tx.PutQuarantine(r); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx app.Tx) error {
		aside, err := tx.QuarantinedCases([]string{"A", "C"})
		if err != nil || !aside["A"] || aside["C"] {
			t.Errorf("QuarantinedCases: got %v %v", aside, err)
		}
		list, err := tx.QuarantineList(true, 10)
		if err != nil || len(list) != 2 || list[0].EventID != "q2" || list[1].At != app.FormatTime(t0) || list[1].Reported {
			t.Errorf("QuarantineList: got %+v %v, want q2 then q1 as first set aside", list, err)
		}
		return nil
	})
	update(t, s, func(tx app.Tx) error { return tx.MarkQuarantineReported([]string{"q1"}, t0.Add(time.Hour)) })
	view(t, s, func(tx app.Tx) error {
		if list, err := tx.QuarantineList(true, 10); err != nil || len(list) != 1 || list[0].EventID != "q2" {
			t.Errorf("unreported after reporting q1: got %+v %v", list, err)
		}
		if list, err := tx.QuarantineList(false, 1); err != nil || len(list) != 1 || list[0].EventID != "q2" {
			t.Errorf("QuarantineList(all, 1): got %+v %v", list, err)
		}
		if list, err := tx.QuarantineList(false, 10); err != nil || len(list) != 2 || !list[1].Reported {
			t.Errorf("QuarantineList(all): got %+v %v, q1 reported", list, err)
		}
		return nil
	})
}
