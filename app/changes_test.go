package app_test

import (
	"strings"
	"testing"

	"yizhan/app"
	"yizhan/domain"
)

// signalled reports whether the subscription holds a signal, and takes it.
func signalled(sub *app.Subscription) bool {
	select {
	case <-sub.C():
		return true
	default:
		return false
	}
}

// TestChangeSignal: every commit that records something for the hall
// raises the change signal, whichever service made it, and nothing else
// does, so a sync listening to it neither waits for news nor wakes itself.
func TestChangeSignal(t *testing.T) {
	s := MustOpenStation(t)
	sub := s.Subscribe()
	defer sub.Close()
	var c *domain.Case
	steps := []struct {
		name string
		do   func(t *testing.T) error
		want bool
	}{
		{"OpenCase", func(t *testing.T) error {
			var err error
			c, err = s.OpenCase(ctx, s.Clerk, app.OpenCaseInput{ItemCode: itemStationNow, Applicant: zhang,
				Materials: allMaterials(t, s, itemStationNow, "")})
			return err
		}, true},
		{"ShowCase", func(*testing.T) error { _, err := s.ShowCase(ctx, s.Clerk, c.ID, false, ""); return err }, false},
		{"FindCases", func(*testing.T) error { _, err := s.FindCases(ctx, s.Clerk, app.CaseFilter{Query: "张"}); return err }, false},
		{"Accept", func(*testing.T) error { _, err := s.Accept(ctx, s.Clerk, c.ID); return err }, true},
		{"StartProcess", func(*testing.T) error { _, err := s.StartProcess(ctx, s.Clerk, c.ID); return err }, true},
		{"Conclude", func(*testing.T) error {
			_, err := s.Conclude(ctx, s.Clerk, c.ID, domain.ResultApproved, "", "")
			return err
		}, true},
		// A rating of a concluded case travels to the hall (evaluate event).
		{"Evaluate", func(*testing.T) error {
			_, err := s.Evaluate(ctx, s.Clerk, app.EvaluationInput{CaseID: c.ID, Evaluation: domain.Evaluation{Level: 5}})
			return err
		}, true},
		{"IssueTicket", func(*testing.T) error { _, err := s.IssueTicket(ctx, s.Clerk, itemStationNow, ""); return err }, false},
		{"ImportBlob", func(*testing.T) error {
			_, err := s.ImportBlob(ctx, s.Clerk, "scan.jpg", "image/jpeg", strings.NewReader("a scan"))
			return err
		}, true},
		{"ImportBlobAgain", func(*testing.T) error {
			_, err := s.ImportBlob(ctx, s.Clerk, "scan.jpg", "image/jpeg", strings.NewReader("a scan"))
			return err
		}, false},
		// The hall's answers and pages are not news for the hall.
		{"ApplyPulled", func(*testing.T) error { return s.ApplyPulled(ctx, app.Pulled{Cursor: 7}) }, false},
		{"RefusedStep", func(*testing.T) error {
			if _, err := s.Accept(ctx, s.Clerk, c.ID); err == nil {
				t.Fatal("a concluded case was accepted again")
			}
			return nil
		}, false},
	}
	for _, st := range steps {
		if err := st.do(t); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got := signalled(sub); got != st.want {
			t.Errorf("%s: signal %v, want %v", st.name, got, st.want)
		}
	}
	// Changes made while nobody reads fold into one signal.
	for i := 0; i < 3; i++ {
		if _, err := s.AddNote(ctx, s.Clerk, c.ID, "备注"); err != nil {
			t.Fatal(err)
		}
	}
	if !signalled(sub) || signalled(sub) {
		t.Error("three notes in a row: want exactly one waiting signal")
	}
	// A closed subscription hears nothing more.
	sub.Close()
	if _, err := s.AddNote(ctx, s.Clerk, c.ID, "备注"); err != nil {
		t.Fatal(err)
	}
	if signalled(sub) {
		t.Error("a closed subscription was signalled")
	}
}
