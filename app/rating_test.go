package app_test

import (
	"testing"
	"time"

	"yizhan/app"
	"yizhan/domain"
)

// concludedCase opens a station-handled case and concludes it.
func concludedCase(t *testing.T, s *TestStation) *domain.Case {
	t.Helper()
	c := mustOpenCase(t, s, itemStationNow, zhang)
	if _, err := s.Accept(ctx, s.Clerk, c.ID); err != nil {
		t.Fatal(err)
	}
	c, err := s.Conclude(ctx, s.Clerk, c.ID, domain.ResultApproved, "", "CERT-1")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestRatingBeforeDelivery is the bug found at the counter: the citizen rated
// on the pad before the clerk recorded the delivery, the case became 已评价
// and the delivery could never be recorded.
func TestRatingBeforeDelivery(t *testing.T) {
	s := MustOpenStation(t)
	c := concludedCase(t, s)
	id, err := s.Evaluate(ctx, s.Clerk, app.EvaluationInput{CaseID: c.ID, Evaluation: domain.Evaluation{Level: 5, Source: "pad"}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.LoadCase(ctx, c.ID)
	if err != nil || got.State != domain.StateConcluded {
		t.Fatalf("after the rating: state %q (%v), want still concluded", got.State, err)
	}
	if steps := domain.NextSteps(got.State); len(steps) == 0 || steps[0] != domain.EvStartDelivery {
		t.Fatalf("next steps %v, want the delivery first", steps)
	}
	if _, err := s.StartDelivery(ctx, s.Clerk, c.ID, domain.Delivery{Method: "pickup"}); err != nil {
		t.Fatalf("start delivery after the rating: %v", err)
	}
	got, err = s.Deliver(ctx, s.Clerk, c.ID, "张三")
	if err != nil {
		t.Fatalf("deliver after the rating: %v", err)
	}
	if got.State != domain.StateDelivered || got.Evaluation == nil || got.Evaluation.RatingID != id || got.Evaluation.CaseState != domain.StateConcluded {
		t.Fatalf("got state %q rating %+v, want delivered with the rating given while concluded", got.State, got.Evaluation)
	}
	// The rating travels as an event that is not a step: no From.
	var from, eventID, caseState string
	if err := s.DB.QueryRowContext(ctx, `SELECT e.from_state, v.event_id, v.case_state FROM evaluations v JOIN events e ON e.id = v.event_id WHERE v.id=?`, id).
		Scan(&from, &eventID, &caseState); err != nil {
		t.Fatalf("the rating's event: %v", err)
	}
	if from != "" || caseState != "concluded" {
		t.Fatalf("got event from %q, rating case_state %q; want no from, concluded", from, caseState)
	}
	// The stored state is what the events fold to.
	folded, err := s.StateFromEvents(ctx, c.ID)
	if err != nil || folded.State != domain.StateDelivered {
		t.Fatalf("refold: %v %v", folded, err)
	}
}

// TestRatingRecord: what a rating is tied to, when it travels, and one rating
// per visit.
func TestRatingRecord(t *testing.T) {
	s := MustOpenStation(t)

	t.Run("OpenCaseStaysAtStation", func(t *testing.T) {
		c := mustOpenCase(t, s, itemTownship5G, zhang)
		before := count(t, s, `SELECT count(*) FROM events WHERE case_id=?`, c.ID)
		id, err := s.Evaluate(ctx, s.Clerk, app.EvaluationInput{CaseID: c.ID, Evaluation: domain.Evaluation{Level: 4}})
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, `SELECT count(*) FROM events WHERE case_id=?`, c.ID); n != before {
			t.Fatalf("a rating of a received case made %d events; it stays at the station until issue 14", n-before)
		}
		if n := count(t, s, `SELECT count(*) FROM evaluations WHERE id=? AND case_state='received' AND event_id='' AND staff_id=?`, id, s.Clerk.ID); n != 1 {
			t.Fatal("the rating row lacks its case state, or names someone other than the clerk who opened the case")
		}
		got, _ := s.LoadCase(ctx, c.ID)
		if got.State != domain.StateReceived {
			t.Fatalf("got %q, want received", got.State)
		}
	})

	t.Run("TicketTiesClerkAndCase", func(t *testing.T) {
		tk := mustIssue(t, s, "", "")
		mustCall(t, s, "2号窗口") // the clerk serves it
		c, err := s.OpenCase(ctx, s.Clerk, app.OpenCaseInput{ItemCode: itemStationNow, Applicant: zhang, TicketID: tk.ID,
			Materials: allMaterials(t, s, itemStationNow, "")})
		if err != nil {
			t.Fatal(err)
		}
		// The head records the rating (a paper form): it is still about the
		// clerk who served, and tied to the ticket's case.
		id, err := s.Evaluate(ctx, s.Head, app.EvaluationInput{TicketID: tk.ID, Evaluation: domain.Evaluation{Level: 1, Source: "paper"}})
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, `SELECT count(*) FROM evaluations WHERE id=? AND case_id=? AND ticket_id=? AND staff_id=?`, id, c.ID, tk.ID, s.Clerk.ID); n != 1 {
			t.Fatal("the rating is not tied to the ticket, its case and the clerk who served")
		}
		if n := count(t, s, `SELECT count(*) FROM rectifications WHERE evaluation_id=? AND responsible=?`, id, s.Clerk.ID); n != 1 {
			t.Fatal("the bad review's rectification is not the serving clerk's")
		}
	})

	for _, tt := range []struct {
		name  string
		first app.EvaluationInput
		again func(first app.EvaluationInput) app.EvaluationInput
		later time.Duration // clock moved before the second rating
		code  string
	}{
		{"ErrSameTicket", app.EvaluationInput{}, func(f app.EvaluationInput) app.EvaluationInput { return f }, 0, domain.EConflict},
		{"ErrSameCaseSameDay", app.EvaluationInput{}, func(f app.EvaluationInput) app.EvaluationInput { return app.EvaluationInput{CaseID: f.CaseID} }, time.Hour, domain.EConflict},
		{"OKSameCaseNextVisit", app.EvaluationInput{}, func(f app.EvaluationInput) app.EvaluationInput { return app.EvaluationInput{CaseID: f.CaseID} }, 24 * time.Hour, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := concludedCase(t, s)
			first := app.EvaluationInput{CaseID: c.ID}
			if tt.name == "ErrSameTicket" {
				tk := mustIssue(t, s, "", "")
				mustCall(t, s, "1号窗口")
				first = app.EvaluationInput{TicketID: tk.ID}
			}
			first.Level = 5
			if _, err := s.Evaluate(ctx, s.Clerk, first); err != nil {
				t.Fatal(err)
			}
			s.Clock.Add(tt.later)
			again := tt.again(first)
			again.Level = 3
			_, err := s.Evaluate(ctx, s.Clerk, again)
			wantCode(t, err, tt.code)
		})
	}

	t.Run("ErrUnknownTicket", func(t *testing.T) {
		_, err := s.Evaluate(ctx, s.Clerk, app.EvaluationInput{TicketID: "no-such-ticket", Evaluation: domain.Evaluation{Level: 5}})
		wantCode(t, err, domain.ENotFound)
	})
}
