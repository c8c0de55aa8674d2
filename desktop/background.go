package desktop

import (
	"context"
	"time"
)

// startBackground runs the station's housekeeping while the app is open:
// marking yesterday's unserved appointments as no-shows. Sync joins it once
// the station is enrolled (sync.go).
func (s *core) startBackground() {
	ctx, cancel := context.WithCancel(context.Background())
	s.mu.Lock()
	s.bg = cancel
	st := s.st
	s.mu.Unlock()
	go func() {
		t := time.NewTicker(10 * time.Minute)
		defer t.Stop()
		for {
			st.MarkNoShows(ctx)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}
