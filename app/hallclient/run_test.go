package hallclient_test

import (
	"context"
	"testing"
	"time"

	"yizhan/app/hallclient"
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
