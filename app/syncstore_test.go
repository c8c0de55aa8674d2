package app_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"yizhan/app"
	"yizhan/domain"
	"yizhan/internal/testclock"
	"yizhan/workday"
)

// remote makes events as another office would: its own clock and IDs.
type remote struct {
	office string
	hlc    *domain.HLC
	clock  *testclock.Clock
	n      int
}

func newRemote(office string, clock *testclock.Clock) *remote {
	return &remote{office: office, clock: clock, hlc: domain.NewHLC(office, clock.Now)}
}

func (r *remote) event(t testing.TB, caseID string, kind domain.EventKind, from domain.State, payload any) *domain.Event {
	t.Helper()
	r.n++
	e, err := domain.NewEvent(fmt.Sprintf("%s-ev-%04d", r.office, r.n), caseID, kind, from, payload)
	if err != nil {
		t.Fatal(err)
	}
	e.Office, e.Actor, e.ActorName, e.HLC, e.At = r.office, "remote-clerk", "外站窗口", r.hlc.Now(), r.clock.Now().UTC()
	return e
}

func (r *remote) open(t testing.TB, caseID, number string, ap domain.Applicant) *domain.Event {
	t.Helper()
	return r.event(t, caseID, domain.EvOpen, domain.StateNone, domain.OpenPayload{
		Number: number, ItemCode: itemHallPension, ItemVersion: 1, ItemName: "城乡居民基本养老保险待遇申领", ItemKind: domain.KindPromised,
		HandledAt: "hall", Channel: domain.ChannelVillage, Applicant: ap,
		Materials: []domain.CaseMaterial{
			{Code: "M1", Name: "居民身份证", Required: domain.NecessityRequired, ELicense: true, Collected: domain.CollectELicense},
		},
		LegalLimit: workday.Limit{Value: 15, Unit: workday.G}, PromisedLimit: workday.Limit{Value: 10, Unit: workday.G},
	})
}

// accepted wraps events as hall log entries from seq on.
func accepted(seq int64, evs ...*domain.Event) []app.PulledEvent {
	var out []app.PulledEvent
	for i, e := range evs {
		out = append(out, app.PulledEvent{Event: e, HallSeq: seq + int64(i), Status: app.StatusAccepted})
	}
	return out
}

// snapshot dumps the tables sync writes, to compare before and after.
func snapshot(t *testing.T, s *TestStation) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id||'|'||status||'|'||coalesce(hall_seq,'')||'|'||reason FROM events ORDER BY local_seq`,
		`SELECT id||'|'||state||'|'||due_date||'|'||body FROM cases ORDER BY id`,
		`SELECT gram||'|'||case_id FROM case_name_grams ORDER BY gram, case_id`,
		`SELECT event_id||'|'||reason||'|'||created_at FROM conflicts ORDER BY event_id`,
		`SELECT key||'|'||value FROM meta ORDER BY key`,
	} {
		rows, err := s.DB.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var line string
			rows.Scan(&line)
			b.WriteString(line + "\n")
		}
		rows.Close()
	}
	return b.String()
}

// mustConsistent checks that the stored case equals the fold of its events.
func mustConsistent(t testing.TB, s *app.Station, id string) *domain.Case {
	t.Helper()
	stored, err := s.LoadCase(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	folded, err := s.StateFromEvents(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(stored, folded) {
		t.Fatalf("case %s: stored state differs from its events:\nstored %+v\nfolded %+v", id, stored, folded)
	}
	return stored
}

func TestApplyPulled(t *testing.T) {
	s := MustOpenStation(t)
	other := newRemote("370112002", testclock.New(start.Add(-time.Hour)))
	hall := newRemote(domain.HallOffice, testclock.New(start.Add(-30*time.Minute)))
	ap := person("孙二娘", residentID("370112", "19580808", 24), "13811112222")
	open := other.open(t, "case-remote-1", "370112002-20260302-0001", ap)
	acc := other.event(t, "case-remote-1", domain.EvAccept, domain.StateReceived, nil)
	fwd := other.event(t, "case-remote-1", domain.EvForward, domain.StateAccepted, domain.RoutePayload{To: domain.HallOffice})
	serial := hall.event(t, "case-remote-1", domain.EvAssignSerial, "", domain.SerialPayload{Serial: "SB2026030200001"})
	page := app.Pulled{Events: accepted(1, open, acc, fwd, serial), Cursor: 4}

	t.Run("OK/CreatesCase", func(t *testing.T) {
		if err := s.ApplyPulled(ctx, page); err != nil {
			t.Fatal(err)
		}
		c := mustConsistent(t, s.Station, "case-remote-1")
		if c.State != domain.StateForwarded || c.Station != "370112002" || c.Holder != domain.HallOffice || c.Serial != "SB2026030200001" || c.Events != 4 {
			t.Fatalf("got state %q station %q holder %q serial %q events %d", c.State, c.Station, c.Holder, c.Serial, c.Events)
		}
		if cur, err := s.Cursor(ctx); err != nil || cur != 4 {
			t.Fatalf("got cursor %d (%v), want 4", cur, err)
		}
		if n, _ := s.PendingCount(ctx); n != 0 {
			t.Fatalf("got %d pending, want pulled events not to be pushed back", n)
		}
	})

	t.Run("OK/Searchable", func(t *testing.T) {
		for _, q := range []string{"孙二娘", "二娘", "孙", "13811112222", ap.IDNumber[14:], "370112002-20260302-0001"} {
			page, err := s.FindCases(ctx, s.Clerk, app.CaseFilter{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != 1 {
				t.Fatalf("query %q: got %d cases, want the pulled case", q, page.Total)
			}
		}
	})

	t.Run("OK/SamePageTwice", func(t *testing.T) {
		before := snapshot(t, s)
		s.Clock.Add(time.Hour)
		if err := s.ApplyPulled(ctx, page); err != nil {
			t.Fatal(err)
		}
		if after := snapshot(t, s); after != before {
			t.Fatalf("applying a page twice changed the store:\nbefore\n%s\nafter\n%s", before, after)
		}
	})

	t.Run("OK/HallConflictInLog", func(t *testing.T) {
		// Another station also tried to forward; the hall logged it as a
		// conflict, which every replica keeps and nobody applies.
		late := other.event(t, "case-remote-1", domain.EvForward, domain.StateAccepted, domain.RoutePayload{To: domain.HallOffice})
		p := app.Pulled{Events: []app.PulledEvent{{Event: late, HallSeq: 5, Status: app.StatusConflict, Reason: "stale", Zh: "办件状态已变化。"}}, Cursor: 5}
		if err := s.ApplyPulled(ctx, p); err != nil {
			t.Fatal(err)
		}
		cs, err := s.Conflicts(ctx, s.Clerk, false)
		if err != nil || len(cs) != 1 || cs[0].EventID != late.ID || cs[0].CaseNumber != "370112002-20260302-0001" {
			t.Fatalf("got conflicts %+v (%v)", cs, err)
		}
		if c := mustConsistent(t, s.Station, "case-remote-1"); c.Events != 4 {
			t.Fatalf("got %d events folded, want the conflict left out", c.Events)
		}
	})

	t.Run("OK/CatalogAndCalendar", func(t *testing.T) {
		it, err := s.Item(ctx, itemStationNow, 1)
		if err != nil {
			t.Fatal(err)
		}
		it.Version, it.Name = 2, "参保登记（第二版）"
		spec := workday.YearSpec{Year: 2028, Holidays: []workday.Date{workday.MustParseDate("2028-01-03")}, Source: "test"}
		if err := s.ApplyPulled(ctx, app.Pulled{Items: []*domain.Item{it}, Catalog: "hall-7", Calendars: []workday.YearSpec{spec}, Cursor: 6}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Item(ctx, itemStationNow, 0); got.Version != 2 {
			t.Fatalf("got version %d, want the pulled version 2", got.Version)
		}
		if !s.Calendar().Known(2028) {
			t.Fatalf("pulled calendar year not in use")
		}
		if v, _ := s.Meta(ctx, "catalog_version"); v != "hall-7" {
			t.Fatalf("got catalog version %q", v)
		}
	})
}

func TestApplyAcks(t *testing.T) {
	s := MustOpenStation(t)
	c := mustOpenCase(t, s, itemStationNow, zhang)
	if _, err := s.Accept(ctx, s.Clerk, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddNote(ctx, s.Clerk, c.ID, "已电话告知"); err != nil {
		t.Fatal(err)
	}
	pending, err := s.PendingEvents(ctx, 100)
	if err != nil || len(pending) != 3 {
		t.Fatalf("got %d pending (%v), want 3", len(pending), err)
	}
	if pending[0].Kind != domain.EvOpen || pending[1].Kind != domain.EvAccept || pending[2].Kind != domain.EvNote {
		t.Fatalf("pending events out of order")
	}

	t.Run("OK/ConflictRefolds", func(t *testing.T) {
		err := s.ApplyAcks(ctx, []app.Ack{
			{EventID: pending[0].ID, Status: app.StatusAccepted, HallSeq: 10},
			{EventID: pending[1].ID, Status: app.StatusConflict, HallSeq: 11, Reason: "case already accepted elsewhere", Zh: "该办件已在别处受理。"},
			{EventID: "unknown-event", Status: app.StatusAccepted, HallSeq: 12},
		})
		if err != nil {
			t.Fatal(err)
		}
		got := mustConsistent(t, s.Station, c.ID)
		if got.State != domain.StateReceived || got.AcceptedAt != nil || len(got.Notes) != 1 {
			t.Fatalf("got state %q accepted %v notes %v, want received with the note kept", got.State, got.AcceptedAt, got.Notes)
		}
		if n := count(t, s, `SELECT count(*) FROM conflicts WHERE event_id=? AND case_id=? AND kind='accept' AND zh='该办件已在别处受理。'`, pending[1].ID, c.ID); n != 1 {
			t.Fatalf("got %d conflict rows, want 1", n)
		}
		if n, _ := s.PendingCount(ctx); n != 1 {
			t.Fatalf("got %d pending, want only the note", n)
		}
		v, err := s.ShowCase(ctx, s.Clerk, c.ID, false, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Conflicts) != 1 || v.Events[1].Status != app.StatusConflict || v.Events[0].HallSeq != 10 {
			t.Fatalf("got conflicts %+v events %+v", v.Conflicts, v.Events)
		}
	})

	t.Run("OK/AckTwice", func(t *testing.T) {
		if err := s.ApplyAcks(ctx, []app.Ack{{EventID: pending[1].ID, Status: app.StatusConflict, HallSeq: 11, Reason: "again"}}); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, `SELECT count(*) FROM conflicts`); n != 1 {
			t.Fatalf("got %d conflicts after a repeated ack, want 1", n)
		}
	})

	t.Run("OK/OwnEventComesBack", func(t *testing.T) {
		// The ack of the note was lost; the hall's pull returns it.
		p := app.Pulled{Events: []app.PulledEvent{{Event: pending[2], HallSeq: 13, Status: app.StatusAccepted}}, Cursor: 13}
		if err := s.ApplyPulled(ctx, p); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.PendingCount(ctx); n != 0 {
			t.Fatalf("got %d pending, want 0", n)
		}
		if n := count(t, s, `SELECT count(*) FROM events WHERE id=? AND hall_seq=13 AND status='accepted'`, pending[2].ID); n != 1 {
			t.Fatalf("own event not marked accepted at 13")
		}
		mustConsistent(t, s.Station, c.ID)
	})

	t.Run("OK/Resolve", func(t *testing.T) {
		wantCode(t, s.ResolveConflict(ctx, s.Clerk, pending[1].ID, " "), domain.EInvalid)
		if err := s.ResolveConflict(ctx, s.Clerk, pending[1].ID, "已与大厅核实，重新受理"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.ResolveConflict(ctx, s.Clerk, pending[1].ID, "again"), domain.ENotFound)
		if open, _ := s.Conflicts(ctx, s.Clerk, false); len(open) != 0 {
			t.Fatalf("got %d open conflicts, want 0", len(open))
		}
		if _, err := s.Accept(ctx, s.Clerk, c.ID); err != nil {
			t.Fatalf("accept again after the conflict: %v", err)
		}
	})

	t.Run("OK/Rebuild", func(t *testing.T) {
		checked, fixed, err := s.Rebuild(ctx)
		if err != nil || checked != 1 || fixed != 0 {
			t.Fatalf("got checked %d fixed %d (%v), want 1 and 0", checked, fixed, err)
		}
	})
}

func TestHallOrderDecides(t *testing.T) {
	// A local accept is pending when the hall's log brings a not-accept by
	// the hall for the same case: the hall's order wins and the local step
	// no longer fits, so the refold leaves it out until the hall answers.
	s := MustOpenStation(t)
	c := mustOpenCase(t, s, itemStationNow, zhang)
	pending, _ := s.PendingEvents(ctx, 10)
	if err := s.ApplyAcks(ctx, []app.Ack{{EventID: pending[0].ID, Status: app.StatusAccepted, HallSeq: 1}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Accept(ctx, s.Clerk, c.ID); err != nil {
		t.Fatal(err)
	}
	hall := newRemote(domain.HallOffice, testclock.New(start))
	na := hall.event(t, c.ID, domain.EvNotAccept, domain.StateReceived, domain.ReasonPayload{Reason: "重复申请"})
	if err := s.ApplyPulled(ctx, app.Pulled{Events: accepted(2, na), Cursor: 2}); err != nil {
		t.Fatal(err)
	}
	got := mustConsistent(t, s.Station, c.ID)
	if got.State != domain.StateNotAccepted || got.Reason != "重复申请" {
		t.Fatalf("got state %q reason %q, want the hall's not-accept", got.State, got.Reason)
	}
	if n, _ := s.PendingCount(ctx); n != 1 {
		t.Fatalf("got %d pending, want the local accept still waiting for the hall's verdict", n)
	}
}
