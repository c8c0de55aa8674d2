// Package testclock is the one fake clock of Yizhan's tests and tools:
// services take their time from an injected Now func (rule of thumb 4 in
// the style guide), and a test hands them a Clock's Now and moves it by
// hand. It stands still until moved, so every time a test sees is one it
// chose.
package testclock

import (
	"sync"
	"time"
)

// Clock is a fake clock that stands at one instant until moved. It is safe
// for concurrent use: a service's background goroutines may read it while
// the test moves it.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// New returns a clock standing at t.
func New(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time; pass c.Now where a service takes a clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t, backwards if need be (a PC with a wrong clock
// that is then corrected).
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
