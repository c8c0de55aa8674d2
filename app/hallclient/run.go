package hallclient

import (
	"context"
	"time"
)

// Run syncs in the background until ctx ends: again after Interval while
// the hall answers, after an exponentially growing, fully jittered pause
// (capped at BackoffMax) while it does not, and at once on Trigger or when
// the station records something for the hall (its change signal: a case
// step, a rating, a scan). It returns nil when ctx ends, and the error when
// the hall refuses this station for good (revoked credentials, too old a
// version): retrying cannot fix those, a person must.
func (c *Client) Run(ctx context.Context) error {
	c.init()
	changed := c.Station.Subscribe()
	defer changed.Close()
	failures := 0
	for {
		res, err := c.SyncOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil && Stops(err) {
			return err
		}
		wait := c.Interval
		switch {
		case err != nil:
			failures++
			wait = Backoff(failures, c.BackoffBase, c.BackoffMax, c.Jitter())
		case res.Partial || res.Blobs.Pending > 0 && res.Blobs.Err == "" && res.Blobs.Uploaded > 0:
			// More work is waiting (a long backlog or attachments cut by
			// the time budget): go on soon, but let other work in.
			failures, wait = 0, min(c.Interval, time.Second)
		default:
			failures = 0
		}
		select {
		case <-ctx.Done():
			return nil
		case <-c.trigger:
		case <-changed.C():
		case <-c.After(wait):
		}
	}
}

// Trigger asks Run to sync now (a clerk pressed "sync"). It never blocks; triggers that arrive during a sync fold into
// one more sync after it.
func (c *Client) Trigger() {
	c.init()
	select {
	case c.trigger <- struct{}{}:
	default:
	}
}

// Backoff returns the pause after the given number of consecutive failures:
// a uniformly random duration in [0, min(limit, base·2^(failures-1))), with
// r in [0, 1) the random draw. Full jitter spreads the retries of a hundred
// stations that lost the hall at the same moment, so they do not all come
// back at once when it returns.
func Backoff(failures int, base, limit time.Duration, r float64) time.Duration {
	if failures < 1 {
		failures = 1
	}
	ceil := base
	for i := 1; i < failures && ceil < limit; i++ {
		ceil *= 2
	}
	if ceil > limit {
		ceil = limit
	}
	// Never zero: a hall that fails instantly must not be hammered.
	return max(time.Duration(r*float64(ceil)), min(base/10, ceil))
}
