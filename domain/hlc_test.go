package domain_test

import (
	"sync"
	"testing"
	"time"

	"yizhan/domain"
	"yizhan/internal/testclock"
)

func mustParse(t *testing.T, s string) domain.Stamp {
	t.Helper()
	st, err := domain.ParseStamp(s)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return st
}

func TestHLC(t *testing.T) {
	t.Run("MonotonicWhenClockGoesBack", func(t *testing.T) {
		clk := testclock.New(t0)
		h := domain.NewHLC("370112001", clk.Now)
		var stamps []string
		for _, d := range []time.Duration{0, 0, time.Second, -time.Hour, -365 * 24 * time.Hour, 0, 2 * time.Hour} {
			clk.Set(clk.Now().Add(d))
			stamps = append(stamps, h.Now())
		}
		for i := 1; i < len(stamps); i++ {
			if stamps[i] <= stamps[i-1] {
				t.Fatalf("stamp %d %q not after %q", i, stamps[i], stamps[i-1])
			}
			a, b := mustParse(t, stamps[i-1]), mustParse(t, stamps[i])
			if b.Wall < a.Wall || (b.Wall == a.Wall && b.Logic <= a.Logic) {
				t.Fatalf("stamp %+v not after %+v", b, a)
			}
		}
		if got := mustParse(t, stamps[3]); got.Wall != t0.Add(time.Second).UnixMilli() || got.Office != "370112001" {
			t.Fatalf("got %+v after the clock went back, want the last wall time kept with a logical tick", got)
		}
	})

	t.Run("ObserveNearFuture", func(t *testing.T) {
		clk := testclock.New(t0)
		h := domain.NewHLC("370112001", clk.Now)
		remote := domain.Stamp{Wall: t0.Add(3 * time.Hour).UnixMilli(), Logic: 7, Office: "hall"}.String()
		h.Observe(remote)
		if got := h.Now(); got <= remote || mustParse(t, got).Wall != t0.Add(3*time.Hour).UnixMilli() {
			t.Fatalf("got %q after observing %q, want a later stamp at the remote wall time", got, remote)
		}
	})

	t.Run("IgnoreFarFuture", func(t *testing.T) {
		clk := testclock.New(t0)
		h := domain.NewHLC("370112001", clk.Now)
		h.Observe(domain.Stamp{Wall: t0.Add(25 * time.Hour).UnixMilli(), Office: "bad"}.String())
		h.Observe("garbage")
		if got := mustParse(t, h.Now()); got.Wall != t0.UnixMilli() {
			t.Fatalf("got wall %d, want %d: a stamp more than 24h ahead must be ignored", got.Wall, t0.UnixMilli())
		}
	})

	t.Run("Restore", func(t *testing.T) {
		clk := testclock.New(t0)
		last := domain.Stamp{Wall: t0.Add(48 * time.Hour).UnixMilli(), Logic: 3, Office: "370112001"}.String()
		h := domain.NewHLC("370112001", clk.Now)
		h.Restore(last)
		if got := h.Now(); got <= last {
			t.Fatalf("got %q after restoring %q, want a later stamp", got, last)
		}
	})

	t.Run("ErrMalformed", func(t *testing.T) {
		for _, s := range []string{"", "abc", "0000000000000.000000", "zzzzzzzzzzzzz.000000.x", "0000000000000.zzzzzz.x"} {
			if _, err := domain.ParseStamp(s); domain.ErrorCode(err) != domain.EInvalid {
				t.Errorf("ParseStamp(%q): got %v, want invalid", s, err)
			}
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		clk := testclock.New(t0)
		h := domain.NewHLC("370112001", clk.Now)
		var mu sync.Mutex
		seen := map[string]bool{}
		var wg sync.WaitGroup
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := 0; j < 200; j++ {
					s := h.Now()
					mu.Lock()
					if seen[s] {
						t.Errorf("stamp %q issued twice", s)
					}
					seen[s] = true
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
	})
}
