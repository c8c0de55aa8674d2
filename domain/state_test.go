package domain_test

import (
	"fmt"
	"reflect"
	"testing"

	"yizhan/domain"
)

// transitionKinds lists every event kind that appears in the table.
func transitionKinds() []domain.EventKind {
	var out []domain.EventKind
	seen := map[domain.EventKind]bool{}
	for _, t := range domain.Transitions {
		if !seen[t.Kind] {
			seen[t.Kind] = true
			out = append(out, t.Kind)
		}
	}
	return out
}

func TestTransitions(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		// Every row of the table succeeds from its From state and lands
		// on its To state (supplement returns where correction came from).
		for _, tr := range domain.Transitions {
			t.Run(fmt.Sprintf("%s/%s", tr.Kind, tr.From), func(t *testing.T) {
				c, _ := caseIn(t, tr.From)
				if tr.From == domain.StateCorrection {
					// Correction is also reachable from in_process.
					for _, origin := range []domain.State{domain.StateReceived, domain.StateInProcess} {
						if tr.Kind == domain.EvNotAccept && origin == domain.StateInProcess {
							continue // refusing acceptance after acceptance: TestOneAcceptance
						}
						c, _ := caseIn(t, origin)
						if err := c.Apply(event(t, c, domain.EvRequestCorrection, origin, validPayload(domain.EvRequestCorrection))); err != nil {
							t.Fatalf("request correction from %s: %v", origin, err)
						}
						want := tr.To
						if want == domain.StateNone {
							want = origin
						}
						if err := c.Apply(event(t, c, tr.Kind, c.State, validPayload(tr.Kind))); err != nil {
							t.Fatalf("got error %v, want nil", err)
						}
						if c.State != want {
							t.Fatalf("from correction (via %s): got state %q, want %q", origin, c.State, want)
						}
					}
					return
				}
				if tr.From == domain.StateForwarded && (tr.Kind == domain.EvAccept || tr.Kind == domain.EvNotAccept) {
					// Accepting at the hall: a case a station forwarded unaccepted.
					c, _ = caseVia(t, "station", domain.EvForward)
				}
				before := c.Events
				if err := c.Apply(event(t, c, tr.Kind, c.State, validPayload(tr.Kind))); err != nil {
					t.Fatalf("got error %v, want nil", err)
				}
				if c.State != tr.To {
					t.Fatalf("got state %q, want %q", c.State, tr.To)
				}
				if c.Events != before+1 {
					t.Fatalf("got %d events, want %d", c.Events, before+1)
				}
			})
		}
	})

	t.Run("ErrNotInTable", func(t *testing.T) {
		// Every (kind, state) pair missing from the table is a conflict,
		// and the case is left as it was.
		states := append([]domain.State{domain.StateNone}, domain.States...)
		for _, k := range transitionKinds() {
			for _, s := range states {
				if _, ok := domain.FindTransition(k, s); ok {
					continue
				}
				t.Run(fmt.Sprintf("%s/%s", k, s), func(t *testing.T) {
					c := &domain.Case{ID: "case-none"}
					if s != domain.StateNone {
						c, _ = caseIn(t, s)
					}
					before := *c
					err := c.Apply(event(t, c, k, s, validPayload(k)))
					wantCode(t, err, domain.EConflict)
					if !reflect.DeepEqual(*c, before) {
						t.Fatalf("refused event changed the case")
					}
				})
			}
		}
	})

	t.Run("ErrStaleFrom", func(t *testing.T) {
		// An event based on another state than the case's is a conflict
		// even where the step itself would be legal.
		for _, tr := range domain.Transitions {
			t.Run(fmt.Sprintf("%s/%s", tr.Kind, tr.From), func(t *testing.T) {
				c, _ := caseIn(t, tr.From)
				stale := domain.StateReceived
				if tr.From == domain.StateReceived {
					stale = domain.StateAccepted
				}
				before := *c
				err := c.Apply(event(t, c, tr.Kind, stale, validPayload(tr.Kind)))
				wantCode(t, err, domain.EConflict)
				if !reflect.DeepEqual(*c, before) {
					t.Fatalf("stale event changed the case")
				}
			})
		}
	})

	t.Run("ErrDuplicateOpen", func(t *testing.T) {
		c, _ := caseIn(t, domain.StateReceived)
		wantCode(t, c.Apply(openEvent(t, c.ID, "370112001", "station")), domain.EConflict)
	})

	t.Run("NextSteps", func(t *testing.T) {
		for _, s := range domain.States {
			for _, k := range domain.NextSteps(s) {
				if _, ok := domain.FindTransition(k, s); !ok {
					t.Errorf("NextSteps(%s) offers %s, which the table does not allow", s, k)
				}
			}
		}
		for _, s := range append([]domain.State{domain.StateEvaluated}, domain.States...) {
			for _, k := range domain.NextSteps(s) {
				if k == domain.EvEvaluate {
					t.Errorf("NextSteps(%s) offers a rating as a step of the case", s)
				}
			}
		}
		if got := domain.NextSteps(domain.StateEvaluated); len(got) != 0 {
			t.Errorf("got next steps %v from the legacy evaluated state, want none", got)
		}
	})
}

func TestReasonRequired(t *testing.T) {
	for _, tt := range []struct {
		name    string
		from    domain.State
		kind    domain.EventKind
		payload any
	}{
		{"ErrReasonRequired/NotAccept", domain.StateReceived, domain.EvNotAccept, domain.ReasonPayload{}},
		{"ErrReasonRequired/NotAcceptFromCorrection", domain.StateCorrection, domain.EvNotAccept, domain.ReasonPayload{Reason: "  "}},
		{"ErrReasonRequired/RequestCorrection", domain.StateReceived, domain.EvRequestCorrection, domain.CorrectionPayload{Items: []string{"户口簿"}}},
		{"ErrReasonRequired/RequestCorrectionInProcess", domain.StateInProcess, domain.EvRequestCorrection, domain.CorrectionPayload{Reason: "\t"}},
		{"ErrReasonRequired/Suspend", domain.StateInProcess, domain.EvSuspend, domain.SuspendPayload{Procedure: "hearing"}},
		{"ErrReasonRequired/ConcludeRefused", domain.StateInProcess, domain.EvConclude, domain.ConcludePayload{Result: domain.ResultRefused}},
		{"ErrReasonRequired/ConcludeReturned", domain.StateAccepted, domain.EvConclude, domain.ConcludePayload{Result: domain.ResultReturned}},
		{"ErrReasonRequired/ConcludeVoided", domain.StateInProcess, domain.EvConclude, domain.ConcludePayload{Result: domain.ResultVoided, Reason: " "}},
		{"ErrUnknownResult", domain.StateInProcess, domain.EvConclude, domain.ConcludePayload{Result: "maybe", Reason: "x"}},
		{"ErrSuspendUnit", domain.StateInProcess, domain.EvSuspend, domain.SuspendPayload{Reason: "听证", Unit: "W"}},
		{"ErrWaybillRequired", domain.StateConcluded, domain.EvStartDelivery, domain.Delivery{Method: "ems"}},
		{"ErrDeliveryMethod", domain.StateConcluded, domain.EvStartDelivery, domain.Delivery{Method: "pigeon"}},
		{"ErrEvaluationLevel", domain.StateConcluded, domain.EvEvaluate, domain.Evaluation{Level: 0}},
		{"ErrEvaluationRange", domain.StateDelivered, domain.EvEvaluate, domain.Evaluation{Level: 6}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := caseIn(t, tt.from)
			before := *c
			wantCode(t, c.Apply(event(t, c, tt.kind, c.State, tt.payload)), domain.EInvalid)
			if !reflect.DeepEqual(*c, before) {
				t.Fatalf("refused event changed the case")
			}
		})
	}

	for _, tt := range []struct {
		name    string
		from    domain.State
		kind    domain.EventKind
		payload any
		want    domain.State
	}{
		{"OK/ConcludeApprovedWithoutReason", domain.StateInProcess, domain.EvConclude, domain.ConcludePayload{Result: domain.ResultApproved}, domain.StateConcluded},
		{"OK/ConcludeRefusedWithReason", domain.StateInProcess, domain.EvConclude, domain.ConcludePayload{Result: domain.ResultRefused, Reason: "不符合条件"}, domain.StateConcluded},
		{"OK/SuspendZ", domain.StateInProcess, domain.EvSuspend, domain.SuspendPayload{Reason: "专家评审", Unit: "Z"}, domain.StateSuspended},
		{"OK/EMSWithWaybill", domain.StateConcluded, domain.EvStartDelivery, domain.Delivery{Method: "ems", Waybill: "1180000000001"}, domain.StateDelivering},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := caseIn(t, tt.from)
			if err := c.Apply(event(t, c, tt.kind, c.State, tt.payload)); err != nil {
				t.Fatalf("got error %v, want nil", err)
			}
			if c.State != tt.want {
				t.Fatalf("got state %q, want %q", c.State, tt.want)
			}
		})
	}
}
