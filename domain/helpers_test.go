package domain_test

import (
	"fmt"
	"testing"
	"time"

	"yizhan/domain"
	"yizhan/workday"
)

// t0 is when the test cases are opened: 2026-03-02 09:00 China time.
var t0 = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

// seq numbers the events the tests make, so every ID is unique.
var seq int

func nextID() string {
	seq++
	return fmt.Sprintf("ev-%06d", seq)
}

// openEvent opens case id at office, handled at handledAt.
func openEvent(tb testing.TB, id, office, handledAt string) *domain.Event {
	tb.Helper()
	e, err := domain.NewEvent(nextID(), id, domain.EvOpen, domain.StateNone, domain.OpenPayload{
		Number: office + "-20260302-0001", ItemCode: "370112-RS-001-01-S", ItemVersion: 1,
		ItemName: "城乡居民基本养老保险参保登记", ItemKind: domain.KindPromised, HandledAt: handledAt,
		Channel: domain.ChannelWindow,
		Applicant: domain.Applicant{Type: domain.ApplicantPerson, Name: "张三", IDType: "resident_id",
			IDNumber: "110105195001010039", Phone: "13812345678"},
		Materials: []domain.CaseMaterial{
			{Code: "M1", Name: "居民身份证", Required: domain.NecessityRequired, Collected: domain.CollectPaper},
			{Code: "M2", Name: "户口簿", Required: domain.NecessityRongque, ELicense: true, Collected: domain.CollectMissing},
		},
		LegalLimit:    workday.Limit{Value: 20, Unit: workday.G},
		PromisedLimit: workday.Limit{Value: 5, Unit: workday.G},
	})
	if err != nil {
		tb.Fatal(err)
	}
	e.Office, e.Actor, e.At = office, "clerk", t0
	return e
}

// validPayload returns a payload that the state machine accepts for kind.
func validPayload(kind domain.EventKind) any {
	switch kind {
	case domain.EvRequestCorrection:
		return domain.CorrectionPayload{Reason: "材料不齐", Items: []string{"户口簿"}}
	case domain.EvNotAccept:
		return domain.ReasonPayload{Reason: "不属于受理范围"}
	case domain.EvSuspend:
		return domain.SuspendPayload{Reason: "现场核查", Procedure: "inspection", Unit: "G"}
	case domain.EvConclude:
		return domain.ConcludePayload{Result: domain.ResultApproved, CertNo: "C-1"}
	case domain.EvStartDelivery:
		return domain.Delivery{Method: "pickup"}
	case domain.EvDeliver:
		return domain.DeliverPayload{SignedBy: "张三"}
	case domain.EvEvaluate:
		return domain.Evaluation{Level: 5}
	case domain.EvForward:
		return domain.RoutePayload{To: domain.HallOffice}
	case domain.EvCorrectionTimeout:
		return domain.ReasonPayload{Reason: "逾期未补正"}
	}
	return nil
}

// event makes an event of kind on c, based on state from, one minute after
// the case's last change.
func event(tb testing.TB, c *domain.Case, kind domain.EventKind, from domain.State, payload any) *domain.Event {
	tb.Helper()
	e, err := domain.NewEvent(nextID(), c.ID, kind, from, payload)
	if err != nil {
		tb.Fatal(err)
	}
	e.Office, e.Actor, e.At = c.Holder, "clerk", c.UpdatedAt.Add(time.Minute)
	if e.Office == "" {
		e.Office = "370112001"
	}
	return e
}

// pathTo is a sequence of steps from received to each state.
var pathTo = map[domain.State][]domain.EventKind{
	domain.StateReceived:    nil,
	domain.StateCorrection:  {domain.EvRequestCorrection},
	domain.StateAccepted:    {domain.EvAccept},
	domain.StateNotAccepted: {domain.EvNotAccept},
	domain.StateForwarded:   {domain.EvAccept, domain.EvForward},
	domain.StateInProcess:   {domain.EvAccept, domain.EvStartProcess},
	domain.StateSuspended:   {domain.EvAccept, domain.EvStartProcess, domain.EvSuspend},
	domain.StateConcluded:   {domain.EvAccept, domain.EvConclude},
	domain.StateDelivering:  {domain.EvAccept, domain.EvConclude, domain.EvStartDelivery},
	domain.StateDelivered:   {domain.EvAccept, domain.EvConclude, domain.EvStartDelivery, domain.EvDeliver},
}

// caseIn returns a case of a station-handled item driven to state by valid
// events, and the events that got it there.
func caseIn(tb testing.TB, state domain.State) (*domain.Case, []*domain.Event) {
	tb.Helper()
	return caseVia(tb, "station", pathTo[state]...)
}

// caseVia opens a case handled at handledAt and applies steps in order.
func caseVia(tb testing.TB, handledAt string, steps ...domain.EventKind) (*domain.Case, []*domain.Event) {
	tb.Helper()
	c := &domain.Case{}
	open := openEvent(tb, fmt.Sprintf("case-%06d", seq), "370112001", handledAt)
	if err := c.Apply(open); err != nil {
		tb.Fatalf("open: %v", err)
	}
	evs := []*domain.Event{open}
	for _, k := range steps {
		e := event(tb, c, k, c.State, validPayload(k))
		if err := c.Apply(e); err != nil {
			tb.Fatalf("path step %s from %s: %v", k, c.State, err)
		}
		evs = append(evs, e)
	}
	return c, evs
}

// wantCode fails unless err carries the domain error code.
func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := domain.ErrorCode(err); got != code {
		tb.Fatalf("got error code %q (%v), want %q", got, err, code)
	}
	if code != "" && domain.ZhMessage(err) == "" {
		tb.Fatalf("got empty Chinese message for %v", err)
	}
}
