package attack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"yizhan/app/hallclient"
	"yizhan/domain"
	"yizhan/hall"
	"yizhan/sync/protocol"
	"yizhan/workday"
)

// The attacks of this file are a station that lies in what it sends: every
// field of an event is the station's word, and the hall must decide from its
// own records (issue 12, "The hall decides, from its own records").

// forgedOpen builds the open event a lawful station would make for item —
// the published item's name, limits and checklist, every material on
// paper, a number of this station's own — and lets mutate change it as an
// attacker would.
func (s *stationEnv) forgedOpen(item string, seq int, mutate func(p *domain.OpenPayload)) *domain.Event {
	t := s.h.t
	t.Helper()
	it, err := s.st.Item(context.Background(), item, 0)
	if err != nil {
		t.Fatal(err)
	}
	sit := ""
	if len(it.Situations) > 0 {
		sit = it.Situations[0].Code
	}
	list, err := it.MaterialsFor(sit)
	if err != nil {
		t.Fatal(err)
	}
	name := it.Name
	if it.HandlingItem != "" {
		name += "（" + it.HandlingItem + "）"
	}
	p := domain.OpenPayload{Number: domain.CaseNumber(s.code, s.h.clock.Now(), 9000+seq), QueryPassword: "123456",
		ItemCode: it.Code, ItemVersion: it.Version, ItemName: name, ItemKind: it.Kind, HandledAt: it.HandledAt,
		Situation: sit, Channel: domain.ChannelWindow,
		Applicant: domain.Applicant{Type: domain.ApplicantPerson, Name: "张三", IDType: "resident_id",
			IDNumber: "11010519491231002X", Phone: "13800138000"},
		LegalLimit: it.LegalLimit, PromisedLimit: it.PromisedLimit}
	if s, ok := it.Situation(sit); ok {
		p.SituationName = s.Name
	}
	for _, m := range list {
		p.Materials = append(p.Materials, domain.CaseMaterial{Code: m.Code, Name: m.Name, Required: m.Required, ELicense: m.ELicense,
			Originals: m.Originals, Copies: m.Copies, Collected: domain.CollectPaper, Count: 1})
	}
	if mutate != nil {
		mutate(&p)
	}
	e := event(s.code, newID(), domain.EvOpen, domain.StateNone, p)
	e.At = s.h.clock.Now()
	return e
}

// push sends events as s and returns the acks, one per event.
func (s *stationEnv) push(events ...*domain.Event) []protocol.Ack {
	s.h.t.Helper()
	status, resp, body := s.h.syncAs(s.token, protocol.SyncRequest{V: protocol.Version, Station: s.code, Events: events})
	if status != 200 || len(resp.Acks) != len(events) {
		s.h.t.Fatalf("push as %s: %d %s", s.code, status, body)
	}
	return resp.Acks
}

// refused requires every ack to be a rejection with a message, and the
// hall to have logged each.
func (h *hallEnv) refused(what string, acks []protocol.Ack) {
	h.t.Helper()
	for i, a := range acks {
		if a.Status != protocol.AckRejected || a.Zh == "" || a.Reason == "" {
			h.t.Errorf("%s: event %d: want a rejection with a reason, got %+v", what, i, a)
			continue
		}
		if !h.log.has(`"msg":"event refused"`, a.ID) {
			h.t.Errorf("%s: refusal of %s not logged", what, a.ID)
		}
	}
}

// step makes a transition event of case id based on state from.
func step(office, id string, kind domain.EventKind, from domain.State, payload any) *domain.Event {
	return event(office, id, kind, from, payload)
}

// Authority: a station opens a case of an item the catalog reserves for
// the hall, claiming in the open event that the station handles it, then
// accepts, takes it up and approves it. The hall decides from the item it
// published: the open is refused, so is every step after it, and the hall
// holds no such case.
func TestAttackOpenClaimsStationHandlesHallItem(t *testing.T) {
	h := newHall(t)
	a := h.station("A01")
	before := h.snapshot()
	open := a.forgedOpen(hallItem, 1, func(p *domain.OpenPayload) { p.HandledAt = "station" })
	id := open.CaseID
	acks := a.push(open,
		step("A01", id, domain.EvAccept, domain.StateReceived, nil),
		step("A01", id, domain.EvStartProcess, domain.StateAccepted, nil),
		step("A01", id, domain.EvConclude, domain.StateInProcess, domain.ConcludePayload{Result: domain.ResultApproved, CertNo: "X-1"}))
	h.refused("handled_at=station on a hall item", acks)
	if h.snapshot() != before {
		t.Fatal("the forged case reached the hall's log")
	}
	if d, err := h.svc.ShowCase(context.Background(), hall.Actor{ID: "auditor"}, id, false, ""); err == nil {
		t.Fatalf("the hall holds the forged case as %s %s", d.Case.State, d.Case.Result)
	}
	// Every field the hall can derive from the published item is checked
	// the same way: each lie alone is refused.
	lies := map[string]func(p *domain.OpenPayload){
		"item name":      func(p *domain.OpenPayload) { p.ItemName = "林木采伐许可证核发" },
		"item kind":      func(p *domain.OpenPayload) { p.ItemKind = domain.KindImmediate },
		"legal limit":    func(p *domain.OpenPayload) { p.LegalLimit.Value = 365 },
		"promised limit": func(p *domain.OpenPayload) { p.PromisedLimit = workday.Limit{Value: 1, Unit: workday.Z} },
		"material waived": func(p *domain.OpenPayload) {
			p.Materials[0].Required = domain.NecessityOptional
		},
		"material dropped": func(p *domain.OpenPayload) { p.Materials = p.Materials[1:] },
		"situation name":   func(p *domain.OpenPayload) { p.SituationName = "特殊情形" },
	}
	i := 10
	for what, lie := range lies {
		i++
		h.refused(what, a.push(a.forgedOpen(hallItem, i, lie)))
	}
	if h.snapshot() != before {
		t.Fatal("a lying open changed the hall's data")
	}
}

// Routing: a station routes back to itself a case the hall holds (forwarded,
// then under review), and routes its own case to a station that has nothing
// to do with it. Both are refused; the hall keeps the case, and the
// uninvolved station never receives the applicant's data.
func TestAttackRouteTakesCaseOrLeaksIt(t *testing.T) {
	h := newHall(t)
	a, b := h.station("A01"), h.station("B02")
	ctx := context.Background()
	c := a.open(hallItem)
	if _, err := a.st.Accept(ctx, a.actor, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.Forward(ctx, a.actor, c.ID); err != nil {
		t.Fatal(err)
	}
	a.sync()
	before := h.snapshot()
	h.refused("route a forwarded case back", a.push(step("A01", c.ID, domain.EvRoute, "", domain.RoutePayload{To: "A01"})))
	if err := h.svc.StartProcess(ctx, hall.Actor{ID: "clerk"}, c.ID); err != nil {
		t.Fatal(err)
	}
	before = h.snapshot()
	h.refused("route a case under review back", a.push(step("A01", c.ID, domain.EvRoute, "", domain.RoutePayload{To: "A01"})))
	h.refused("route a case under review away", a.push(step("A01", c.ID, domain.EvRoute, "", domain.RoutePayload{To: "B02"})))
	if h.snapshot() != before {
		t.Fatal("a route changed the hall's data")
	}
	d, err := h.svc.ShowCase(ctx, hall.Actor{ID: "clerk"}, c.ID, false, "")
	if err != nil || d.Case.Holder != domain.HallOffice || d.Case.State != domain.StateInProcess {
		t.Fatalf("the hall lost the case it reviews: %+v %v", d, err)
	}

	// A's own case of an item A handles itself, routed to B.
	own := a.open(stationItem)
	a.sync()
	before = h.snapshot()
	h.refused("route to an uninvolved station", a.push(step("A01", own.ID, domain.EvRoute, "", domain.RoutePayload{To: "B02"})))
	if h.snapshot() != before {
		t.Fatal("the route changed the hall's data")
	}
	b.sync()
	var n int
	b.view.QueryRow(`SELECT count(*) FROM events WHERE case_id IN (?,?)`, own.ID, c.ID).Scan(&n)
	if n != 0 {
		t.Fatalf("B holds %d events of A's cases, the applicant's data among them", n)
	}
}

// Identities: a case number with another station's code, a case number the
// station already used, an item code the hall never published, an item
// version the hall never published. Each open is refused, and `hall case
// show NUMBER` finds exactly the one lawful case.
func TestAttackForgedCaseIdentities(t *testing.T) {
	h := newHall(t)
	a := h.station("A01")
	h.station("B02")
	ctx := context.Background()
	lawful := a.open(stationItem)
	a.sync()
	before := h.snapshot()
	lies := map[string]func(p *domain.OpenPayload){
		"another station's code": func(p *domain.OpenPayload) { p.Number = strings.Replace(p.Number, "A01", "B02", 1) },
		"number already used":    func(p *domain.OpenPayload) { p.Number = lawful.Number },
		"number of no format":    func(p *domain.OpenPayload) { p.Number = "A01-x" },
		"unpublished item":       func(p *domain.OpenPayload) { p.ItemCode = "370112-XX-999-01-S" },
		"unpublished version":    func(p *domain.OpenPayload) { p.ItemVersion = 7 },
	}
	i := 0
	for what, lie := range lies {
		i++
		h.refused(what, a.push(a.forgedOpen(stationItem, i, lie)))
	}
	if h.snapshot() != before {
		t.Fatal("a forged identity changed the hall's data")
	}
	list, err := h.svc.Cases(ctx, hall.CaseFilter{Query: lawful.Number})
	if err != nil || len(list) != 1 || list[0].ID != lawful.ID {
		t.Fatalf("case number %s finds %+v (%v), want only the lawful case", lawful.Number, list, err)
	}
}

// Times: a station whose wall clock says three years ago (or two years
// ahead). The events are kept — they are what happened — but flagged, and
// statistics count them when the hall received them, not when the station
// says.
func TestAttackWallClockYearsOff(t *testing.T) {
	h := newHall(t)
	a := h.station("A01")
	ctx := context.Background()
	now := h.clock.Now()
	for i, skew := range []time.Duration{-3 * 365 * 24 * time.Hour, 2 * 365 * 24 * time.Hour} {
		open := a.forgedOpen(stationItem, i+1, nil)
		open.At = now.Add(skew)
		accept := step("A01", open.CaseID, domain.EvAccept, domain.StateReceived, nil)
		accept.At = open.At.Add(time.Minute)
		for _, ack := range a.push(open, accept) {
			if ack.Status != protocol.AckAccepted {
				t.Fatalf("skew %v: an event with a wrong clock must be kept: %+v", skew, ack)
			}
		}
		d, err := h.svc.ShowCase(ctx, hall.Actor{ID: "auditor"}, open.CaseID, false, "")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := json.Marshal(d.Case)
		if !strings.Contains(string(body), `"clock"`) {
			t.Errorf("skew %v: the case is not flagged: %s", skew, body)
		}
		then := now.Add(skew)
		old, err := h.svc.Stats(ctx, hall.StatsFilter{From: then.Add(-24 * time.Hour), To: then.Add(24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if old.Total.Intake != 0 {
			t.Errorf("skew %v: the station's clock moved %d case(s) into %s's statistics", skew, old.Total.Intake, then.Format("2006-01"))
		}
	}
	cur, err := h.svc.Stats(ctx, hall.StatsFilter{From: now.Add(-24 * time.Hour), To: now.Add(24 * time.Hour)})
	if err != nil || cur.Total.Intake != 2 {
		t.Fatalf("statistics of the days the hall received them: %+v %v", cur.Total, err)
	}
}

// Bounds: a time limit of 10^8 days or 2^63, a note of 60 KiB, a correction
// notice of 5000 items, a count of a billion copies. Each is refused at the
// push, with a reason, before it reaches a deadline computation or a page.
func TestAttackOutOfBoundsFields(t *testing.T) {
	h := newHall(t)
	a := h.station("A01")
	own := a.open(stationItem)
	a.sync()
	before := h.snapshot()
	big := strings.Repeat("长", 20000)
	items := make([]string, 5000)
	for i := range items {
		items[i] = fmt.Sprintf("材料%d", i)
	}
	huge := a.forgedOpen(stationItem, 2, nil)
	huge.Payload = json.RawMessage(strings.Replace(string(huge.Payload), `"legal_limit":{"value":3,`, `"legal_limit":{"value":9223372036854775807,`, 1))
	if !strings.Contains(string(huge.Payload), "9223372036854775807") {
		t.Fatal("the 2^63 limit is not in the payload")
	}
	longActor := step("A01", own.ID, domain.EvNote, "", domain.NotePayload{Text: "x"})
	longActor.Actor = strings.Repeat("a", 5000)
	for _, at := range []struct {
		what string
		e    *domain.Event
	}{
		{"limit 1e8", a.forgedOpen(stationItem, 1, func(p *domain.OpenPayload) {
			p.LegalLimit.Value, p.PromisedLimit.Value = 100000000, 100000000
		})},
		{"limit 2^63", huge},
		{"note 60 KiB", step("A01", own.ID, domain.EvNote, "", domain.NotePayload{Text: big})},
		{"5000 items", step("A01", own.ID, domain.EvRequestCorrection, domain.StateReceived, domain.CorrectionPayload{Reason: "缺", Items: items})},
		{"count 1e9", step("A01", own.ID, domain.EvMaterial, "", domain.MaterialPayload{Code: "M1", Collected: domain.CollectPaper, Count: 1e9})},
		{"comment 60 KiB", step("A01", own.ID, domain.EvEvaluate, domain.StateReceived, domain.Evaluation{Level: 5, Comment: big})},
		{"actor 5000", longActor},
	} {
		h.refused(at.what, a.push(at.e))
	}
	if h.snapshot() != before {
		t.Fatal("an out-of-bounds event changed the hall's data")
	}
}

// One station cannot stop another: station A opens two cases under one
// number and routes both to station B. Whatever the hall makes of it, B's
// sync goes on: B receives what the hall publishes afterwards.
func TestAttackDuplicateNumbersRoutedToAnotherStation(t *testing.T) {
	h := newHall(t)
	a, b := h.station("A01"), h.station("B02")
	ctx := context.Background()
	first := a.forgedOpen(stationItem, 1, nil)
	second := a.forgedOpen(stationItem, 1, nil) // the same number
	a.push(first, second,
		step("A01", first.CaseID, domain.EvRoute, "", domain.RoutePayload{To: "B02"}),
		step("A01", second.CaseID, domain.EvRoute, "", domain.RoutePayload{To: "B02"}))
	if _, err := b.cl.SyncOnce(ctx); err != nil {
		t.Fatalf("B's sync fails after A's routes: %v", err)
	}
	if _, err := h.svc.PublishCalendar(ctx, calendarYear(2031)); err != nil {
		t.Fatal(err)
	}
	if _, err := b.cl.SyncOnce(ctx); err != nil {
		t.Fatalf("B's later sync fails: %v", err)
	}
	if !b.st.Calendar().Known(2031) {
		t.Fatal("B no longer receives what the hall publishes")
	}
}

// calendarYear is a plausible holiday calendar of a future year.
func calendarYear(y int) workday.YearSpec {
	return workday.YearSpec{Year: y, Source: "test", Holidays: []workday.Date{workday.NewDate(y, 1, 1)}}
}

// Audit tamper evidence without the station's marker: the forger rewrites
// the chain, recomputes the hashes, and deletes the meta row in which the
// station remembers which head the hall recorded, so the next request
// proves nothing. The hall, which keeps the last head it verified, flags
// the station: the chain it is shown no longer extends that head.
func TestAttackAuditRewriteWithoutMarker(t *testing.T) {
	h := newHall(t)
	a := h.station("A01")
	ctx := context.Background()
	a.open(stationItem)
	a.sync()
	a.sync()
	var seq int64
	a.view.QueryRow(`SELECT max(seq) FROM audit`).Scan(&seq)
	if _, err := a.view.Exec(`DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete`); err != nil {
		t.Fatal(err)
	}
	if _, err := a.view.Exec(`UPDATE audit SET detail='nothing happened' WHERE seq=?`, seq); err != nil {
		t.Fatal(err)
	}
	forgeChain(t, a, seq)
	for i := 0; i < 4; i++ {
		if _, err := a.view.Exec(`DELETE FROM meta WHERE key='sync_audit_seq'`); err != nil {
			t.Fatal(err)
		}
		a.open(stationItem)
		a.sync()
	}
	list, _ := h.svc.Stations(ctx)
	if len(list) == 0 || !list[0].Tampered || !h.log.has("possible tampering", `"station":"A01"`) {
		t.Fatalf("hall did not flag the rewritten chain: %+v", list)
	}
}

// stationAs creates, enrols and signs in a station of kind in region.
func (h *hallEnv) stationAs(code, kind, region string) *stationEnv {
	h.t.Helper()
	s := h.station(code)
	if err := h.svc.EditStation(context.Background(), code, hall.StationEdit{Kind: &kind, Region: &region}); err != nil {
		h.t.Fatal(err)
	}
	s.sync() // the station learns its kind from the hall's answer
	return s
}

// Who may do what (issue 13): a postal counter takes in a 林木采伐许可证
// (an item the township centre decides) and approves it itself — at its own
// screen and CLI, and by forging the events. The station refuses it with
// the reason, the hall refuses the forged events, and the lawful path —
// forward, the township decides — is what the station offers instead.
func TestAttackStationOfAKindDecidesWhatItMayNot(t *testing.T) {
	h := newHall(t)
	ctx := context.Background()
	sample, err := os.ReadFile("../../app/testdata/township-sample.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.PublishCatalog(ctx, sample); err != nil {
		t.Fatal(err)
	}
	const forestry = "370112-ZR-002-01-S" // handled at the township
	p := h.stationAs("P01", "postal", "370112001")
	if got := p.st.Kind(ctx); got != domain.OfficePostal {
		t.Fatalf("the station thinks it is a %s", got)
	}
	c := p.open(forestry)
	// At the station: accepting is not a postal counter's step; the
	// screen offers forwarding, and says why not the rest.
	if _, err := p.st.Accept(ctx, p.actor, c.ID); domain.ErrorCode(err) != domain.EForbidden || !strings.Contains(domain.ZhMessage(err), "政邮合作网点") {
		t.Fatalf("postal accept: %v (%s)", err, domain.ZhMessage(err))
	}
	steps, err := p.st.Steps(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	offered := map[domain.EventKind]bool{}
	for _, s := range steps {
		offered[s.Kind] = s.Allowed
		if !s.Allowed && s.Refusal == "" {
			t.Errorf("step %s refused without a reason", s.Kind)
		}
	}
	if offered[domain.EvAccept] || offered[domain.EvNotAccept] || !offered[domain.EvForward] {
		t.Fatalf("postal counter offered %v", offered)
	}
	p.sync()
	before := h.snapshot()
	id := c.ID
	h.refused("postal decides a township item", p.push(
		step("P01", id, domain.EvAccept, domain.StateReceived, nil),
		step("P01", id, domain.EvStartProcess, domain.StateAccepted, nil),
		step("P01", id, domain.EvConclude, domain.StateInProcess, domain.ConcludePayload{Result: domain.ResultApproved})))
	if h.snapshot() != before {
		t.Fatal("the forged decision changed the hall's data")
	}
	// The lawful path: forward unaccepted; the hall accepts (once) and
	// reviews; a second acceptance is refused.
	if _, err := p.st.Forward(ctx, p.actor, c.ID); err != nil {
		t.Fatal(err)
	}
	p.sync()
	clerk := hall.Actor{ID: "clerk"}
	if err := h.svc.StartProcess(ctx, clerk, id); domain.ErrorCode(err) != domain.EConflict {
		t.Fatalf("review before acceptance: %v", err)
	}
	if err := h.svc.Accept(ctx, clerk, id); err != nil {
		t.Fatal(err)
	}
	if err := h.svc.Accept(ctx, clerk, id); domain.ErrorCode(err) != domain.EConflict {
		t.Fatalf("a second acceptance: %v", err)
	}
	if err := h.svc.Approve(ctx, clerk, id, "林采-1"); err != nil {
		t.Fatal(err)
	}
	d, err := h.svc.ShowCase(ctx, clerk, id, false, "")
	if err != nil || d.Case.Result != domain.ResultApproved || d.Case.AcceptedAt == nil {
		t.Fatalf("the hall's decision: %+v %v", d, err)
	}
	accepts := 0
	for _, le := range d.History {
		if le.Event.Kind == domain.EvAccept {
			accepts++
		}
	}
	if accepts != 1 {
		t.Fatalf("%d acceptances in the case's history, want one", accepts)
	}
}

// One acceptance: a township accepts and forwards a hall item; the hall's
// step is review, and `hall case accept` refuses to accept it again.
func TestAttackHallAcceptsACaseTwice(t *testing.T) {
	h := newHall(t)
	a := h.station("A01")
	ctx := context.Background()
	c := a.open(hallItem)
	acc, err := a.st.Accept(ctx, a.actor, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.Forward(ctx, a.actor, c.ID); err != nil {
		t.Fatal(err)
	}
	a.sync()
	clerk := hall.Actor{ID: "clerk"}
	before := h.snapshot()
	if err := h.svc.Accept(ctx, clerk, c.ID); domain.ErrorCode(err) != domain.EConflict || !strings.Contains(domain.ZhMessage(err), "审查") {
		t.Fatalf("second acceptance at the hall: %v", err)
	}
	if h.snapshot() != before {
		t.Fatal("the refused acceptance changed the hall's data")
	}
	h.refused("a station accepts a forwarded case", a.push(step("A01", c.ID, domain.EvAccept, domain.StateForwarded, nil)))
	if err := h.svc.StartProcess(ctx, clerk, c.ID); err != nil {
		t.Fatal(err)
	}
	d, err := h.svc.ShowCase(ctx, clerk, c.ID, false, "")
	if err != nil || d.Case.State != domain.StateInProcess || !d.Case.AcceptedAt.Equal(*acc.AcceptedAt) {
		t.Fatalf("after review: %+v %v (accepted %v at the station)", d.Case, err, acc.AcceptedAt)
	}
}

// One station cannot stop another, at the receiving end: whatever a hall
// delivers — two cases under one number (as an old hall log may hold), a
// note far out of bounds — the station applies what it can, sets the rest
// aside, lists it as a conflict, reports it to the hall, and goes on
// receiving what the hall publishes.
func TestAttackPulledEventsCannotStopAStation(t *testing.T) {
	h := newHall(t)
	a, b := h.station("A01"), h.station("B02")
	ctx := context.Background()
	first := a.forgedOpen(stationItem, 1, nil)
	second := a.forgedOpen(stationItem, 1, nil) // the same number, another case
	huge := event("A01", first.CaseID, domain.EvNote, "", domain.NotePayload{Text: strings.Repeat("长", domain.MaxTextLen*2)})
	cur, err := b.st.Cursor(ctx)
	if err != nil {
		t.Fatal(err)
	}
	page := &protocol.SyncResponse{V: protocol.Version, Cursor: cur + 4, Events: []protocol.LogEvent{
		{Seq: 9001, Status: protocol.AckAccepted, Event: first},
		{Seq: 9002, Status: protocol.AckAccepted, Event: second},
		{Seq: 9003, Status: protocol.AckAccepted, Event: huge},
	}, Published: []protocol.Published{{Calendar: ptr(calendarYear(2032))}}}
	if _, _, err := hallclient.ApplyPage(ctx, b.st, cur, page); err != nil {
		t.Fatalf("a page with events B cannot apply failed B's pull: %v", err)
	}
	if !b.st.Calendar().Known(2032) {
		t.Fatal("the rest of the page was not applied")
	}
	var n int
	b.view.QueryRow(`SELECT count(*) FROM cases WHERE id=?`, first.CaseID).Scan(&n)
	if n != 1 {
		t.Fatal("the first case was not applied")
	}
	q, err := b.st.QuarantineList(ctx, false, 10)
	if err != nil || len(q) != 2 {
		t.Fatalf("quarantined at B: %+v %v", q, err)
	}
	cs, err := b.st.Conflicts(ctx, b.actor, false)
	if err != nil || len(cs) != 2 {
		t.Fatalf("B's conflict list: %+v %v", cs, err)
	}
	b.sync()
	reported, err := h.svc.Quarantined(ctx, "B02")
	if err != nil || len(reported) != 2 {
		t.Fatalf("the hall's list of what B set aside: %+v %v", reported, err)
	}
	list, _ := h.svc.Stations(ctx)
	for _, st := range list {
		if st.Code == "B02" && st.Quarantined != 2 {
			t.Errorf("the hall's station list shows %d quarantined for B02", st.Quarantined)
		}
	}
	if left, _ := b.st.QuarantineList(ctx, true, 10); len(left) != 0 {
		t.Errorf("%d reports still unsent after a sync", len(left))
	}
}

func ptr[T any](v T) *T { return &v }
