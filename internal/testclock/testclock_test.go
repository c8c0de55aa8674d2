package testclock_test

import (
	"sync"
	"testing"
	"time"

	"yizhan/internal/testclock"
)

func TestClock(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c := testclock.New(t0)
	if got := c.Now(); !got.Equal(t0) {
		t.Fatalf("got %v, want %v", got, t0)
	}
	c.Add(90 * time.Minute)
	if got, want := c.Now(), t0.Add(90*time.Minute); !got.Equal(want) {
		t.Fatalf("after Add: got %v, want %v", got, want)
	}
	c.Set(t0.Add(-time.Hour))
	if got, want := c.Now(), t0.Add(-time.Hour); !got.Equal(want) {
		t.Fatalf("after Set backwards: got %v, want %v", got, want)
	}
}

// TestConcurrent: readers and a writer at once (run with -race).
func TestConcurrent(t *testing.T) {
	c := testclock.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				c.Now()
			}
		}()
	}
	for j := 0; j < 100; j++ {
		c.Add(time.Second)
	}
	wg.Wait()
	if got, want := c.Now(), time.Date(2026, 3, 2, 9, 1, 40, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}
