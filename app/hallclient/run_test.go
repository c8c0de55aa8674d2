package hallclient_test

import (
	"context"
	"testing"
	"time"

	"yizhan/app"
	"yizhan/app/hallclient"
	"yizhan/domain"
	"yizhan/internal/synctest"
	"yizhan/sync/faultproxy"
)

func TestBackoff(t *testing.T) {
	base, limit := 2*time.Second, 5*time.Minute
	for f := 1; f <= 20; f++ {
		ceil := min(limit, base<<min(f-1, 30))
		for _, r := range []float64{0, 0.5, 0.999999} {
			got := hallclient.Backoff(f, base, limit, r)
			if got <= 0 || got > ceil {
				t.Fatalf("Backoff(%d, r=%v) = %v, want in (0, %v]", f, r, got, ceil)
			}
		}
	}
	if got := hallclient.Backoff(30, base, limit, 0.999999); got < 4*time.Minute {
		t.Fatalf("cap not reached: %v", got)
	}
}

func TestRun(t *testing.T) {
	h, st, c := setup(t, 40)
	waits := make(chan time.Duration, 100)
	c.After = func(d time.Duration) <-chan time.Time {
		waits <- d
		return time.After(time.Millisecond)
	}
	c.Jitter = func() float64 { return 0.5 }
	c.Interval = time.Hour // only triggers and the fake timer drive it
	c.BackoffBase, c.BackoffMax = time.Second, 8*time.Second

	h.Proxy.SetRates(faultproxy.Rates{DropRequest: 1}) // the hall is unreachable
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	// Backoff grows while the hall is away: 0.5 s, 1 s, 2 s, 4 s, 4 s ...
	var got []time.Duration
	for len(got) < 5 {
		got = append(got, <-waits)
	}
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("waits %v, want %v", got, want)
		}
	}
	if c.Status(ctx).Online {
		t.Fatal("online while the hall is unreachable")
	}
	// The hall comes back; a clerk records a case and presses sync.
	h.Proxy.SetRates(faultproxy.Rates{})
	st.OpenCase(t, synctest.StationItem)
	c.Trigger()
	deadline := time.After(10 * time.Second)
	for st.Pending(t) != 0 || !c.Status(ctx).Online {
		select {
		case <-waits:
		case <-deadline:
			t.Fatal("Run did not sync after the hall came back")
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
}

// TestRunWakesOnRecordedChange: a rating (or any change recorded for the
// hall) reaches the hall without anyone pressing sync and without waiting
// for the timer: the station's change signal wakes Run. The desktop app
// used to wake sync by hand after some of its calls and missed ratings,
// which then waited the full interval.
func TestRunWakesOnRecordedChange(t *testing.T) {
	_, st, c := setup(t, 41)
	ctx := context.Background()
	cs := st.OpenCase(t, synctest.StationItem)
	for _, step := range []func() (*domain.Case, error){
		func() (*domain.Case, error) { return st.Accept(ctx, st.Actor, cs.ID) },
		func() (*domain.Case, error) { return st.StartProcess(ctx, st.Actor, cs.ID) },
		func() (*domain.Case, error) { return st.Conclude(ctx, st.Actor, cs.ID, domain.ResultApproved, "", "") },
	} {
		if _, err := step(); err != nil {
			t.Fatal(err)
		}
	}
	mustSync(t, c)
	if n := st.Pending(t); n != 0 {
		t.Fatalf("%d events pending after a sync", n)
	}
	c.Interval = time.Hour
	waiting := make(chan struct{}, 16)
	c.After = func(time.Duration) <-chan time.Time { // the timer never fires
		waiting <- struct{}{}
		return nil
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- c.Run(runCtx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	// Run has synced once and waits for an hour; then the citizen rates.
	select {
	case <-waiting:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not finish its first sync")
	}
	if _, err := st.Evaluate(ctx, st.Actor, app.EvaluationInput{CaseID: cs.ID, Evaluation: domain.Evaluation{Level: 5, Source: "pad"}}); err != nil {
		t.Fatal(err)
	}
	if n := st.Pending(t); n != 1 {
		t.Fatalf("%d events pending after the rating, want its evaluate event", n)
	}
	deadline := time.Now().Add(10 * time.Second)
	for st.Pending(t) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the rating did not reach the hall within 10 s; the timer is an hour")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
