package hall_test

import (
	"reflect"
	"testing"

	"yizhan/domain"
	"yizhan/hall"
	"yizhan/sync/protocol"
)

func TestPushIdempotent(t *testing.T) {
	f := newHall(t)
	a := f.enroll("A01")
	open := a.open("station")
	batch := []*domain.Event{
		open,
		a.event(open.CaseID, domain.EvAccept, domain.StateReceived, nil),
		a.event(open.CaseID, domain.EvNote, "", domain.NotePayload{Text: "材料齐全"}),
		a.event(open.CaseID, domain.EvNote, "", domain.NotePayload{Text: ""}), // fine: notes may be empty
		{ID: "not-a-uuid", CaseID: open.CaseID, Kind: domain.EvNote, Office: "A01"},
	}
	first := a.push(batch...)
	second := a.push(batch...)
	for i := range first {
		want := first[i]
		if want.Status != protocol.AckRejected || want.ID != "not-a-uuid" {
			want.Duplicate = true // an unusable ID cannot be deduplicated: it is refused again, unflagged
		}
		if !reflect.DeepEqual(second[i], want) {
			t.Errorf("ack %d: got %+v, want %+v", i, second[i], want)
		}
	}
	if first[0].Seq == 0 || first[1].Seq <= first[0].Seq {
		t.Errorf("log positions not increasing: %+v", first)
	}
	// The same event twice in one batch is one log entry too.
	again := a.event(open.CaseID, domain.EvNote, "", domain.NotePayload{Text: "twice"})
	acks := a.push(again, again)
	if acks[0].Duplicate || !acks[1].Duplicate || acks[0].Seq != acks[1].Seq {
		t.Errorf("same event twice in a batch: %+v", acks)
	}
	evs, _ := a.pullAll()
	seen := map[string]int{}
	for _, e := range evs {
		seen[e.Event.ID]++
	}
	for _, e := range append(batch[:4], again) {
		if seen[e.ID] != 1 {
			t.Errorf("event %s (%s) delivered %d times, want 1", e.ID, e.Kind, seen[e.ID])
		}
	}
	if len(evs) != 5 {
		t.Errorf("got %d log entries, want 5", len(evs))
	}
}

func TestRejectedDoesNotBlock(t *testing.T) {
	f := newHall(t)
	a := f.enroll("A01")
	open := a.open("station")
	unknownCase := a.event(f.newID(), domain.EvNote, "", domain.NotePayload{Text: "x"})
	noReason := a.event(open.CaseID, domain.EvNotAccept, domain.StateReceived, domain.ReasonPayload{})
	badHLC := a.event(open.CaseID, domain.EvNote, "", nil)
	badHLC.HLC = "yesterday"
	accept := a.event(open.CaseID, domain.EvAccept, domain.StateReceived, nil)
	acks := a.push(open, nil, unknownCase, noReason, badHLC, accept)
	want := []string{protocol.AckAccepted, protocol.AckRejected, protocol.AckRejected, protocol.AckRejected, protocol.AckRejected, protocol.AckAccepted}
	for i, w := range want {
		if acks[i].Status != w {
			t.Errorf("ack %d: got %s (%s), want %s", i, acks[i].Status, acks[i].Reason, w)
		}
		if w == protocol.AckRejected && (acks[i].Code == "" || acks[i].Zh == "" || acks[i].Seq != 0) {
			t.Errorf("ack %d: a rejection needs code and zh and no seq: %+v", i, acks[i])
		}
	}
	evs, _ := a.pullAll()
	if got := eventIDs(evs); !reflect.DeepEqual(got, []string{open.ID, accept.ID}) {
		t.Errorf("log holds %v, want only the open and the accept", got)
	}
}

func TestAuthority(t *testing.T) {
	f := newHall(t)
	a, b := f.enroll("A01"), f.enroll("B01")
	bCase := b.open("station")
	b.mustAck(protocol.AckAccepted, bCase)
	hallItem := a.open("hall")
	a.mustAck(protocol.AckAccepted, hallItem, a.event(hallItem.CaseID, domain.EvAccept, domain.StateReceived, nil))

	claimB := a.event(bCase.CaseID, domain.EvNote, "", domain.NotePayload{Text: "x"})
	claimB.Office = "B01"
	claimOpen := a.open("station")
	claimOpen.Office = "B01"
	tests := []struct {
		name string
		e    *domain.Event
	}{
		{"WriteOthersCase", a.event(bCase.CaseID, domain.EvNote, "", domain.NotePayload{Text: "x"})},
		{"TransitionOthersCase", a.event(bCase.CaseID, domain.EvAccept, domain.StateReceived, nil)},
		{"BogusFromOnOthersCase", a.event(bCase.CaseID, domain.EvAccept, domain.StateDelivered, nil)},
		{"RouteOthersCase", a.event(bCase.CaseID, domain.EvRoute, "", domain.RoutePayload{To: "A01"})},
		{"ApproveHallItem", a.event(hallItem.CaseID, domain.EvConclude, domain.StateAccepted, domain.ConcludePayload{Result: domain.ResultApproved})},
		{"StartProcessHallItem", a.event(hallItem.CaseID, domain.EvStartProcess, domain.StateAccepted, nil)},
		{"AssignSerial", a.event(hallItem.CaseID, domain.EvAssignSerial, "", domain.SerialPayload{Serial: "S1"})},
		{"ClaimOtherOffice", claimB},
		{"OpenAsOtherOffice", claimOpen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ack := a.push(tt.e)[0]
			if ack.Status != protocol.AckRejected || ack.Code != domain.EForbidden {
				t.Errorf("got %s/%s (%s), want rejected/forbidden", ack.Status, ack.Code, ack.Reason)
			}
		})
	}
	// Nothing A tried reached B.
	evs, _ := b.pullAll()
	if got := eventIDs(evs); !reflect.DeepEqual(got, []string{bCase.ID}) {
		t.Errorf("B received %v, want only its own open", got)
	}
}

func TestRouteToUnknownStationRejected(t *testing.T) {
	f := newHall(t)
	a := f.enroll("A01")
	open := a.open("station")
	acks := a.push(open, a.event(open.CaseID, domain.EvRoute, "", domain.RoutePayload{To: "NOPE"}))
	if acks[1].Status != protocol.AckRejected || acks[1].Code != domain.EInvalid {
		t.Errorf("got %+v, want rejected/invalid", acks[1])
	}
}

// Two offices make a transition from the same state while out of touch: the
// one the hall sees second is a conflict, kept in the log, delivered to both
// stations, and the case state is the first one's.
func TestConcurrentTransitionsConflict(t *testing.T) {
	f := newHall(t)
	a, b := f.enroll("A01"), f.enroll("B01")
	open := a.open("station")
	a.mustAck(protocol.AckAccepted, open)
	clerk := hall.Actor{ID: "hall-clerk"}
	if err := f.svc.Route(f.ctx, clerk, open.CaseID, "B01"); err != nil {
		t.Fatal(err)
	}

	// B holds the case and accepts it; the hall hands it back to A, which,
	// offline meanwhile, accepts it too, from "received".
	bAccept := b.event(open.CaseID, domain.EvAccept, domain.StateReceived, nil)
	aAccept := a.event(open.CaseID, domain.EvAccept, domain.StateReceived, nil)
	b.mustAck(protocol.AckAccepted, bAccept)
	if err := f.svc.Route(f.ctx, clerk, open.CaseID, "A01"); err != nil {
		t.Fatal(err)
	}
	acks := a.push(aAccept)
	conflict := acks[0]
	if conflict.Status != protocol.AckConflict || conflict.Seq == 0 || conflict.Code != domain.EConflict || conflict.Zh == "" {
		t.Fatalf("second accept: got %+v, want a conflict in the log", conflict)
	}
	for _, s := range []*station{a, b} {
		evs, _ := s.pullAll()
		var found bool
		for _, e := range evs {
			if e.Event.ID == aAccept.ID {
				found = e.Status == protocol.AckConflict && e.Seq == conflict.Seq && e.Zh != ""
			}
		}
		if !found {
			t.Errorf("%s did not receive the conflict", s.st.Code)
		}
	}
	c := f.findCase(open.CaseID)
	if c.State != domain.StateAccepted || c.Holder != "A01" {
		t.Errorf("case is %s held by %s, want accepted held by A01", c.State, c.Holder)
	}
}

func TestOpenTwiceIsConflict(t *testing.T) {
	f := newHall(t)
	a := f.enroll("A01")
	open := a.open("station")
	a.mustAck(protocol.AckAccepted, open)
	dupOpen := a.open("station")
	dupOpen.CaseID = open.CaseID
	if ack := a.push(dupOpen)[0]; ack.Status != protocol.AckConflict {
		t.Errorf("got %+v, want conflict", ack)
	}
}

func TestOpenTakenCaseIDRejected(t *testing.T) {
	f := newHall(t)
	a, b := f.enroll("A01"), f.enroll("B01")
	open := a.open("station")
	a.mustAck(protocol.AckAccepted, open)
	steal := b.open("station")
	steal.CaseID = open.CaseID
	if ack := b.push(steal)[0]; ack.Status != protocol.AckRejected || ack.Code != domain.EConflict {
		t.Errorf("got %+v, want rejected/conflict", ack)
	}
	if evs, _ := a.pullAll(); len(evs) != 1 {
		t.Errorf("A received %d events; B's open must not reach A's case", len(evs))
	}
}

// TestRatingIsNotAStep: at the hall too, a rating never ends a case's steps.
// A new station's rating (no From) and an old station's (From concluded or
// delivered, docs/upgrades.md) are both accepted, and the delivery after
// them is recorded.
func TestRatingIsNotAStep(t *testing.T) {
	for _, tt := range []struct {
		name string
		from domain.State
	}{{"NewStation", domain.StateNone}, {"OldStation", domain.StateConcluded}} {
		t.Run(tt.name, func(t *testing.T) {
			f := newHall(t)
			a := f.enroll("A01")
			open := a.open("station")
			id := open.CaseID
			rate := domain.Evaluation{Level: 2, Source: "pad", Staff: "li", CaseState: domain.StateConcluded}
			a.mustAck(protocol.AckAccepted, open,
				a.event(id, domain.EvAccept, domain.StateReceived, nil),
				a.event(id, domain.EvConclude, domain.StateAccepted, domain.ConcludePayload{Result: domain.ResultApproved}),
				a.event(id, domain.EvEvaluate, tt.from, rate),
				a.event(id, domain.EvStartDelivery, domain.StateConcluded, domain.Delivery{Method: "pickup"}),
				a.event(id, domain.EvDeliver, domain.StateDelivering, domain.DeliverPayload{SignedBy: "张三"}),
			)
			if got := f.findCase(id); got.State != domain.StateDelivered {
				t.Fatalf("hall state %q, want delivered", got.State)
			}
			reviews, err := f.svc.BadReviews(f.ctx, hall.ReviewFilter{})
			if err != nil || len(reviews) != 1 || reviews[0].CaseID != id {
				t.Fatalf("bad reviews %+v (%v), want the rating's", reviews, err)
			}
		})
	}
}
