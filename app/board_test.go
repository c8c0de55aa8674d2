package app_test

import (
	"reflect"
	"testing"
	"time"

	"yizhan/app"
	"yizhan/domain"
)

// TestQueueBoard: the waiting-room display shows who is called to which
// window, newest first, and the next numbers in the order they will be
// called; a ticket tells how many are ahead of it.
func TestQueueBoard(t *testing.T) {
	s := MustOpenStation(t)
	var ahead []int
	for _, appt := range []string{"", "", "", "appt-1"} {
		tk := mustIssue(t, s, itemStationNow, appt)
		ahead = append(ahead, tk.Ahead)
		s.Clock.Add(time.Minute)
	}
	// A001 A002 A003 walk in; Y001 has an appointment and goes first.
	if want := []int{0, 1, 2, 0}; !reflect.DeepEqual(ahead, want) {
		t.Fatalf("ahead %v, want %v", ahead, want)
	}
	mustCall(t, s, "1")
	s.Clock.Add(time.Minute)
	mustCall(t, s, "2")
	b, err := s.KioskQueueBoard(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := &app.QueueBoard{Waiting: 2, Next: []string{"A002", "A003"}}
	got := []string{}
	for _, c := range b.Calls {
		got = append(got, c.Number+"@"+c.Window)
	}
	if !reflect.DeepEqual(got, []string{"A001@2", "Y001@1"}) || b.Waiting != want.Waiting || !reflect.DeepEqual(b.Next, want.Next) {
		t.Fatalf("board %+v (calls %v), want calls [A001@2 Y001@1], next %v", b, got, want.Next)
	}
}

// TestChangeMark: the dashboard's fingerprint moves with every case, ticket
// and rating, and stays put otherwise.
func TestChangeMark(t *testing.T) {
	s := MustOpenStation(t)
	mark := func() string {
		m, err := s.ChangeMark(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	prev := mark()
	if mark() != prev {
		t.Fatal("the mark moved without a change")
	}
	c := mustOpenCase(t, s, itemStationNow, zhang)
	for _, change := range []struct {
		name string
		do   func() error
	}{
		{"case step", func() error { _, err := s.Accept(ctx, s.Clerk, c.ID); return err }},
		{"ticket", func() error { _, err := s.IssueTicket(ctx, s.Clerk, "", ""); return err }},
		{"rating", func() error {
			_, err := s.Evaluate(ctx, s.Clerk, app.EvaluationInput{Evaluation: domain.Evaluation{Level: 5, Source: "qr"}})
			return err
		}},
	} {
		if err := change.do(); err != nil {
			t.Fatal(err)
		}
		if m := mark(); m == prev {
			t.Fatalf("a %s left the mark at %s", change.name, m)
		} else {
			prev = m
		}
	}
}
