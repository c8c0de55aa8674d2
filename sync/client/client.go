// Package client is the station's side of online sync: enrolment with the
// hall, the push-and-pull loop over HTTP, the attachment upload queue, the
// background runner with backoff, and the sync status a clerk sees.
//
// Everything the station stores goes through package app (PendingEvents,
// ApplyAcks, ApplyPulled, the blobs table); this package only moves data and
// decides when. A push is idempotent by event ID at the hall, so any request
// may be repeated after a lost answer; each pull page is applied with its
// cursor in one transaction, so a cut connection resumes after the last page
// applied.
package client

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"yizhan/app"
	"yizhan/domain"
	"yizhan/sync/protocol"
)

// Client syncs one station with the hall. Set the exported fields before the
// first call; zero values take the defaults documented on each. A Client is
// safe for concurrent use: syncs are serialised.
type Client struct {
	// Station is the local store sync reads from and writes to.
	Station *app.Station
	// Keys are the station's credentials, from LoadKeys.
	Keys *Keys
	// HallURL is the hall's base URL, e.g. "https://hall.example.gov.cn".
	// Default: the URL stored at enrolment.
	HallURL string

	// HTTP sends the requests. Default: a client with no overall timeout;
	// each request is bounded by RequestTimeout instead.
	HTTP *http.Client
	// RequestTimeout bounds one HTTP round trip including its body, so a
	// stalled 2G or satellite link is noticed. Default 60 s.
	RequestTimeout time.Duration
	// BatchEvents caps the events pushed in one request. Default 2000,
	// what the hall accepts (protocol.MaxBatchEvents): fewer round trips
	// on a long-latency link, fewer commits on both sides.
	BatchEvents int
	// BatchBytes caps the encoded size of the events pushed in one request
	// before compression (at least one event always goes). Default 1 MiB,
	// about 200 KB gzipped: short enough that a request gets through a
	// lossy link and a retry after a cut resends little (8 s of a 2G
	// link), long enough that round trips do not dominate.
	BatchBytes int
	// PullBytes is the pull page budget asked of the hall. Default
	// protocol.DefaultMaxBytes.
	PullBytes int
	// GzipAbove gzips request bodies of at least this many bytes. Default
	// 1 KiB, as the hall does for its answers (a single five-event case
	// goes in half the bytes); negative never compresses.
	GzipAbove int
	// MaxRounds bounds the round trips of one SyncOnce, so a hall that
	// always answers More cannot hold a station forever. Default 1000.
	MaxRounds int
	// BlobBudget bounds the time one SyncOnce spends on attachments, so a
	// 5 MB scan on a slow link never delays the next event sync for long.
	// Default 30 s.
	BlobBudget time.Duration

	// Interval is the pause between background syncs while all is well.
	// Default 30 s.
	Interval time.Duration
	// BackoffBase and BackoffMax shape the exponential backoff with full
	// jitter after a failure. Defaults 2 s and 5 min.
	BackoffBase, BackoffMax time.Duration
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// Jitter returns a uniformly random number in [0, 1) for backoff.
	// Default math/rand/v2; tests inject a seeded source.
	Jitter func() float64
	// After returns a channel that fires after d. Default time.After;
	// tests inject a fake to drive Run without sleeping.
	After func(d time.Duration) <-chan time.Time

	// AppVersion is reported to the hall's station registry.
	AppVersion string
	// Logger receives one line per sync. No personal data is logged.
	// Default: discard.
	Logger *slog.Logger

	initOnce sync.Once
	mu       sync.Mutex // one sync at a time
	trigger  chan struct{}
	smu      sync.Mutex // guards the fields below
	online   bool
	skew     time.Duration
	lastErr  error
}

// New returns a Client for an enrolled station, with its credentials and
// hall URL loaded from the data directory.
func New(st *app.Station) (*Client, error) {
	k, err := LoadKeys(st.Dir())
	if err != nil {
		return nil, err
	}
	if !k.Enrolled() {
		return nil, ErrNotEnrolled
	}
	url, err := st.Meta(context.Background(), metaHallURL)
	if err != nil {
		return nil, local("read hall url", err)
	}
	if url == "" {
		url = k.HallURL
	}
	return &Client{Station: st, Keys: k, HallURL: url}, nil
}

func (c *Client) init() {
	c.initOnce.Do(func() {
		def := func(v *int, d int) {
			if *v == 0 {
				*v = d
			}
		}
		defd := func(v *time.Duration, d time.Duration) {
			if *v <= 0 {
				*v = d
			}
		}
		if c.HTTP == nil {
			c.HTTP = &http.Client{}
		}
		defd(&c.RequestTimeout, 60*time.Second)
		def(&c.BatchEvents, 2000)
		c.BatchEvents = min(c.BatchEvents, protocol.MaxBatchEvents)
		def(&c.BatchBytes, 1<<20)
		def(&c.PullBytes, protocol.DefaultMaxBytes)
		def(&c.GzipAbove, 1<<10)
		def(&c.MaxRounds, 1000)
		defd(&c.BlobBudget, 30*time.Second)
		defd(&c.Interval, 30*time.Second)
		defd(&c.BackoffBase, 2*time.Second)
		defd(&c.BackoffMax, 5*time.Minute)
		if c.Now == nil {
			c.Now = time.Now
		}
		if c.Jitter == nil {
			c.Jitter = rand.Float64
		}
		if c.After == nil {
			c.After = time.After
		}
		if c.Logger == nil {
			c.Logger = slog.New(slog.DiscardHandler)
		}
		c.HallURL = strings.TrimRight(c.HallURL, "/")
		c.trigger = make(chan struct{}, 1)
	})
}

// Result says what one SyncOnce did.
type Result struct {
	Rounds     int           `json:"rounds"` // sync round trips (attachments not counted)
	Pushed     int           `json:"pushed"`
	Accepted   int           `json:"accepted"`
	Conflicts  int           `json:"conflicts"`
	Rejected   int           `json:"rejected"`
	Duplicates int           `json:"duplicates"` // pushed before; the hall answered as the first time
	Pulled     int           `json:"pulled"`     // events received from the hall
	Published  int           `json:"published"`  // catalog items and calendar years received
	Cursor     int64         `json:"cursor"`
	Resynced   bool          `json:"resynced,omitempty"`
	Partial    bool          `json:"partial,omitempty"` // stopped at MaxRounds; the next sync goes on
	Upgrade    bool          `json:"upgrade_advised,omitempty"`
	Skew       time.Duration `json:"clock_skew"` // hall clock minus ours
	Blobs      BlobResult    `json:"blobs"`
}

// SyncOnce pushes every pending event and pulls every waiting page, then
// spends at most BlobBudget uploading attachments. When nothing changed on
// either side it is exactly one small round trip. The outcome is recorded in
// the station's meta table for Status.
func (c *Client) SyncOnce(ctx context.Context) (Result, error) {
	c.init()
	c.mu.Lock()
	defer c.mu.Unlock()
	res, err := c.syncEvents(ctx)
	if err == nil {
		res.Blobs, err = c.uploadBlobs(ctx)
		if err != nil && CodeOf(err) == CodeOffline {
			// Events are in; an attachment cut short resumes next time
			// and must not make the station look offline.
			res.Blobs.Err = err.Error()
			err = nil
		}
	}
	if ctx.Err() != nil && err != nil {
		return res, ctx.Err()
	}
	c.record(ctx, res, err)
	c.Logger.Info("sync", "rounds", res.Rounds, "pushed", res.Pushed, "pulled", res.Pulled, "cursor", res.Cursor,
		"blobs", res.Blobs.Uploaded, "err", err)
	return res, err
}

// syncEvents runs push-and-pull rounds until nothing is pending and the hall
// has no further page.
func (c *Client) syncEvents(ctx context.Context) (Result, error) {
	var res Result
	batch := c.BatchEvents
	for {
		if res.Rounds >= c.MaxRounds {
			res.Partial = true
			return res, nil
		}
		done, err := c.round(ctx, &batch, &res)
		if err != nil || done {
			return res, err
		}
	}
}

// round runs one round trip: push the next batch, record the acks, apply
// the page. It reports done when nothing is pending and no page waits.
func (c *Client) round(ctx context.Context, batch *int, res *Result) (done bool, err error) {
	st := c.Station
	events, err := c.nextBatch(ctx, *batch)
	if err != nil {
		return false, err
	}
	cursor, err := st.Cursor(ctx)
	if err != nil {
		return false, local("read cursor", err)
	}
	req, err := c.request(ctx, cursor, events)
	if err != nil {
		return false, err
	}
	sent := c.Now()
	var resp protocol.SyncResponse
	err = c.call(ctx, http.MethodPost, protocol.PathSync, req, &resp)
	res.Rounds++
	if err != nil {
		return false, c.refused(ctx, events, batch, res, err)
	}
	c.observe(sent, c.Now(), resp.HallTime)
	res.Skew, res.Upgrade = c.clockSkew(), res.Upgrade || resp.Upgrade
	res.Pushed += len(events)
	if err := c.applyAcks(ctx, events, resp.Acks, res); err != nil {
		return false, err
	}
	if resp.AuditSeq > 0 {
		if err := st.SetMetas(ctx, map[string]string{metaAuditSeq: fmt.Sprint(resp.AuditSeq)}); err != nil {
			return false, local("record audit seq", err)
		}
	}
	pending, err := st.PendingCount(ctx)
	if err != nil {
		return false, local("count pending", err)
	}
	if resp.Resync {
		res.Resynced = true
		return false, c.resync(ctx, cursor, pending)
	}
	pulled, published, err := ApplyPage(ctx, st, cursor, &resp)
	if err != nil {
		return false, err
	}
	res.Pulled += pulled
	res.Published += published
	res.Cursor = resp.Cursor
	return pending == 0 && !resp.More, nil
}

// refused handles a failed round. When the hall would not even read a
// batch, the batch is halved until the one event it chokes on is found,
// and that one is set aside so it never blocks the queue; other failures
// end the sync.
func (c *Client) refused(ctx context.Context, events []*domain.Event, batch *int, res *Result, err error) error {
	if CodeOf(err) != CodeRefused || len(events) == 0 {
		return err
	}
	if len(events) > 1 {
		*batch = max(1, len(events)/2)
		return nil
	}
	if err := c.setAside(ctx, events[0], err); err != nil {
		return err
	}
	res.Rejected++
	return nil
}

// resync handles a hall that does not know our cursor (a restored hall, or
// a station away longer than it keeps deliveries): push everything first,
// then pull the whole scope from 0. Nothing local is deleted.
func (c *Client) resync(ctx context.Context, cursor int64, pending int) error {
	if cursor == 0 {
		return &Error{Code: CodeRefused, Message: "hall asked for a resync from cursor 0", Zh: "大厅数据异常（要求从头同步仍失败），请联系大厅。"}
	}
	if pending > 0 {
		return nil
	}
	if err := c.Station.ApplyPulled(ctx, app.Pulled{Cursor: 0}); err != nil {
		return local("reset cursor", err)
	}
	return nil
}

// nextBatch reads pending events bounded by count and encoded bytes.
func (c *Client) nextBatch(ctx context.Context, limit int) ([]*domain.Event, error) {
	evs, err := c.Station.PendingEvents(ctx, limit)
	if err != nil {
		return nil, local("read pending events", err)
	}
	size := 0
	for i, e := range evs {
		b, err := json.Marshal(e)
		if err != nil {
			return nil, local("encode event", err)
		}
		size += len(b)
		if i > 0 && size > c.BatchBytes {
			return evs[:i], nil
		}
	}
	return evs, nil
}

// request builds a sync request: the batch, the cursor and the audit head
// with the station's hash of the row the hall recorded last time.
func (c *Client) request(ctx context.Context, cursor int64, events []*domain.Event) (*protocol.SyncRequest, error) {
	seq, hash, err := c.Station.AuditHead(ctx)
	if err != nil {
		return nil, local("read audit head", err)
	}
	head := &protocol.AuditHead{Seq: seq, Hash: hash}
	if v, _ := c.Station.Meta(ctx, metaAuditSeq); v != "" {
		var check int64
		fmt.Sscan(v, &check)
		if check > 0 {
			h, err := c.Station.AuditHashAt(ctx, check)
			if err != nil {
				return nil, local("read audit row", err)
			}
			head.CheckSeq, head.CheckHash = check, h
		}
	}
	return &protocol.SyncRequest{V: protocol.Version, Station: c.Keys.Station, Cursor: cursor, Events: events,
		Audit: head, MaxBytes: c.PullBytes, AppVersion: c.AppVersion}, nil
}

// applyAcks records the hall's verdicts. An event pushed but left without
// an ack stays pending and goes again next round; a round that answers none
// of a non-empty batch is a hall fault, reported rather than looped on.
func (c *Client) applyAcks(ctx context.Context, pushed []*domain.Event, acks []protocol.Ack, res *Result) error {
	if len(acks) == 0 && len(pushed) > 0 {
		return &Error{Code: CodeRefused, Message: "hall answered a push without acknowledgements", Zh: "大厅未确认本站上传的数据，请稍后重试或联系大厅。"}
	}
	t, err := ApplyAcks(ctx, c.Station, acks)
	res.Accepted += t.Accepted
	res.Conflicts += t.Conflicts
	res.Rejected += t.Rejected
	res.Duplicates += t.Duplicates
	return err
}

// setAside marks one event the hall refuses to read as rejected, so the
// queue moves on; it stays in the case history and in the conflict list for
// a person.
func (c *Client) setAside(ctx context.Context, e *domain.Event, cause error) error {
	err := c.Station.ApplyAcks(ctx, []app.Ack{{EventID: e.ID, Status: app.StatusRejected,
		Reason: "hall refused the request carrying this event: " + cause.Error(),
		Zh:     "大厅无法接收该操作（数据格式不被接受），未生效，请核对后处理。"}})
	if err != nil {
		return local("set aside event", err)
	}
	return nil
}
