package domain_test

import (
	"fmt"
	"reflect"
	"testing"

	"yizhan/domain"
)

// TestRatingIsARecord: a 好差评 rating is a record of its own. In every
// state it is accepted, leaves the state and the next lawful steps as they
// were, and the case shows it.
func TestRatingIsARecord(t *testing.T) {
	for _, s := range domain.States {
		for _, from := range []domain.State{domain.StateNone, domain.StateConcluded, domain.StateDelivered} {
			// From "" is what this version sends; concluded and delivered are
			// what older stations put on the event (docs/upgrades.md).
			t.Run(fmt.Sprintf("%s/from=%q", s, from), func(t *testing.T) {
				c, _ := caseIn(t, s)
				steps := domain.NextSteps(c.State)
				before := *c
				e := event(t, c, domain.EvEvaluate, from, domain.Evaluation{Level: 2, Comment: "等太久", Source: "kiosk",
					RatingID: "0190aaaa-0000-7000-8000-000000000001", Ticket: "t1", Staff: "clerk1", CaseState: s})
				if err := c.Apply(e); err != nil {
					t.Fatalf("got error %v, want nil", err)
				}
				if c.State != before.State {
					t.Fatalf("a rating moved the case from %q to %q", before.State, c.State)
				}
				if got := domain.NextSteps(c.State); !reflect.DeepEqual(got, steps) {
					t.Fatalf("next steps after a rating: %v, want %v", got, steps)
				}
				if c.Evaluation == nil || c.Evaluation.Level != 2 || c.Evaluation.Staff != "clerk1" || c.Evaluation.Ticket != "t1" {
					t.Fatalf("got rating %+v on the case", c.Evaluation)
				}
				if c.Events != before.Events+1 || c.LastEvent != e.ID {
					t.Fatalf("got %d events, last %s; want %d, last %s", c.Events, c.LastEvent, before.Events+1, e.ID)
				}
			})
		}
	}
}

// TestRatingBeforeDelivery is the bug the citizen found: rated on the pad
// beside 送达 before the delivery was recorded, the case could never be
// delivered. Every path from a concluded case to its end still works after
// a rating, and the rating stays.
func TestRatingBeforeDelivery(t *testing.T) {
	for _, tt := range []struct {
		name  string
		steps []domain.EventKind
		want  domain.State
	}{
		{"RatedThenPickup", []domain.EventKind{domain.EvEvaluate, domain.EvStartDelivery, domain.EvDeliver}, domain.StateDelivered},
		{"RatedWhileDelivering", []domain.EventKind{domain.EvStartDelivery, domain.EvEvaluate, domain.EvDeliver}, domain.StateDelivered},
		{"RatedTwice", []domain.EventKind{domain.EvEvaluate, domain.EvStartDelivery, domain.EvDeliver, domain.EvEvaluate}, domain.StateDelivered},
	} {
		t.Run(tt.name, func(t *testing.T) {
			steps := append([]domain.EventKind{domain.EvAccept, domain.EvConclude}, tt.steps...)
			c, evs := caseVia(t, "station", steps...)
			if c.State != tt.want || c.Evaluation == nil || c.DeliveredAt == nil {
				t.Fatalf("got state %q, rating %+v, delivered %v; want %q, rated, delivered", c.State, c.Evaluation, c.DeliveredAt, tt.want)
			}
			got, conflicts := domain.Fold(evs)
			if len(conflicts) != 0 || !reflect.DeepEqual(got, c) {
				t.Fatalf("fold: %d conflicts %v, or differs from step by step", len(conflicts), conflicts)
			}
		})
	}

	t.Run("OldStationFromIgnored", func(t *testing.T) {
		// An old station rated a concluded case (From concluded) while
		// another clerk had already started the delivery: the rating is
		// kept, not a conflict, and the delivery goes on.
		c, _ := caseVia(t, "station", domain.EvAccept, domain.EvConclude, domain.EvStartDelivery)
		if err := c.Apply(event(t, c, domain.EvEvaluate, domain.StateConcluded, domain.Evaluation{Level: 5})); err != nil {
			t.Fatalf("got error %v, want nil", err)
		}
		if err := c.Apply(event(t, c, domain.EvDeliver, c.State, validPayload(domain.EvDeliver))); err != nil {
			t.Fatalf("deliver after the rating: %v", err)
		}
		if c.State != domain.StateDelivered {
			t.Fatalf("got %q, want delivered", c.State)
		}
	})

	t.Run("ErrBadRatingLeavesCase", func(t *testing.T) {
		c, _ := caseIn(t, domain.StateDelivering)
		before := *c
		wantCode(t, c.Apply(event(t, c, domain.EvEvaluate, "", domain.Evaluation{Level: 7})), domain.EInvalid)
		if !reflect.DeepEqual(*c, before) {
			t.Fatal("a refused rating changed the case")
		}
	})
}

// TestReasonScope: the stale "理由：申请材料不齐全" stayed on accepted cases. A
// reason belongs to the step that gave it; it is cleared when that is over
// and shown only where it applies.
func TestReasonScope(t *testing.T) {
	for _, tt := range []struct {
		name    string
		steps   []domain.EventKind
		reason  bool // Reason kept
		applies bool
	}{
		{"Correction", []domain.EventKind{domain.EvRequestCorrection}, true, true},
		{"SupplementClears", []domain.EventKind{domain.EvRequestCorrection, domain.EvSupplement}, false, false},
		{"AcceptAfterCorrection", []domain.EventKind{domain.EvRequestCorrection, domain.EvSupplement, domain.EvAccept}, false, false},
		{"NotAccepted", []domain.EventKind{domain.EvNotAccept}, true, true},
		{"Suspended", []domain.EventKind{domain.EvAccept, domain.EvStartProcess, domain.EvSuspend}, true, true},
		{"ResumeClears", []domain.EventKind{domain.EvAccept, domain.EvStartProcess, domain.EvSuspend, domain.EvResume}, false, false},
		{"CorrectionInProcessThenConclude", []domain.EventKind{domain.EvAccept, domain.EvStartProcess, domain.EvRequestCorrection, domain.EvSupplement, domain.EvConclude}, false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := caseVia(t, "station", tt.steps...)
			if (c.Reason != "") != tt.reason || c.ReasonApplies() != tt.applies {
				t.Fatalf("state %q reason %q applies %v; want reason kept %v, applies %v", c.State, c.Reason, c.ReasonApplies(), tt.reason, tt.applies)
			}
		})
	}

	t.Run("StaleReasonFoldedBefore", func(t *testing.T) {
		// A body stored by an older version: accepted with the correction's
		// reason still on it.
		c := &domain.Case{State: domain.StateAccepted, Reason: "申请材料不齐全"}
		if c.ReasonApplies() {
			t.Fatal("a stale correction reason applies to an accepted case")
		}
		refused := &domain.Case{State: domain.StateDelivered, Result: domain.ResultRefused, Reason: "不符合条件"}
		if !refused.ReasonApplies() {
			t.Fatal("a refusal's reason no longer applies once delivered")
		}
	})
}
