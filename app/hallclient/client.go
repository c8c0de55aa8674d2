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
package hallclient

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

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

	// Overlap sends the next request of a sync while the station applies
	// the previous answer, when another round surely follows: on a
	// machine with more than one core, or with a hall across a network,
	// neither side then waits for the other (see syncEvents). The station
	// applies the same answers in the same order either way. Requests
	// then run on their own goroutine: HTTP and Now must be safe for
	// concurrent use. Default false: one round trip after the other,
	// which a deterministic simulation of the transport needs.
	Overlap bool

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
	seenURL  string     // the stored hall address the client last followed
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
	return &Client{Station: st, Keys: k, HallURL: url, seenURL: url}, nil
}

// followMove switches to the hall address stored since the client was made
// (`station hall set-url`, verified there), so a running app follows a
// hall that moved without a restart. A client given its address by hand
// (New not used) keeps it.
func (c *Client) followMove(ctx context.Context) {
	if c.seenURL == "" {
		return
	}
	if u, err := c.Station.Meta(ctx, metaHallURL); err == nil && u != "" && u != c.seenURL {
		c.HallURL, c.seenURL = u, u
	}
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
	c.followMove(ctx)
	res, err := c.syncEvents(ctx)
	if err == nil {
		res.Blobs, err = c.uploadBlobs(ctx)
		if err != nil && CodeOf(err) == CodeOffline {
			// Events are in; an attachment cut short resumes next time
			// and must not make the station look offline.
			res.Blobs.Err, res.Blobs.ErrZh = err.Error(), zhOf(err)
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
//
// With Overlap, round trips overlap the station's work: once an answer is
// in, and when another round surely follows (events wait beyond the batch
// just pushed, or the hall said More), the next request goes out before
// the answer is applied. It carries what the station will hold once the answer is
// applied: the batch after the acknowledged events and the answer's cursor.
// The station still applies every answer in order, one after the other, so
// it stores exactly what it would have without the overlap; while the hall
// works on one request the station applies the previous answer, and on a
// machine with two cores neither side waits for the other. If applying
// fails, the request in flight is abandoned: its events are still pending
// and go again (the hall answers a repeated push as the first time), and
// its page is pulled again from the cursor the station did apply. The
// cursor the hall records for a station is only reported, never relied on.
func (c *Client) syncEvents(ctx context.Context) (Result, error) {
	var res Result
	batch := c.BatchEvents
	var next *flight
	defer func() { next.abandon() }()
	for {
		if res.Rounds >= c.MaxRounds {
			res.Partial = true
			return res, nil
		}
		f := next
		next = nil
		if f == nil {
			var err error
			if f, err = c.launch(ctx, batch, nil); err != nil {
				return res, err
			}
		}
		<-f.done
		res.Rounds++
		if f.err != nil {
			if err := c.refused(ctx, f.events, &batch, &res, f.err); err != nil {
				return res, err
			}
			continue
		}
		resp := &f.resp
		c.observe(f.sent, f.recv, resp.HallTime)
		res.Skew, res.Upgrade = c.clockSkew(), res.Upgrade || resp.Upgrade
		res.Pushed += len(f.events)
		if c.Overlap && !resp.Resync && res.Rounds < c.MaxRounds {
			var err error
			if next, err = c.launch(ctx, batch, f); err != nil {
				return res, err
			}
		}
		done, err := c.apply(ctx, f, &res)
		if err != nil {
			return res, err
		}
		if done && next == nil {
			return res, nil
		}
	}
}

// flight is one sync round trip: the request's events and cursor, and,
// once done is closed, the answer or the failure.
type flight struct {
	events     []*domain.Event
	reports    []string // quarantined events reported to the hall
	cursor     int64
	sent, recv time.Time
	resp       protocol.SyncResponse
	err        error
	done       chan struct{}
	cancel     context.CancelFunc
}

// abandon cancels a round trip whose answer will not be applied and waits
// for it to end. A nil flight is nothing to abandon.
func (f *flight) abandon() {
	if f == nil {
		return
	}
	f.cancel()
	<-f.done
}

// launch builds the next request and sends it in the background. With prev
// nil the request carries what the station holds now; with prev, an answer
// received but not yet applied, it carries what the station will hold once
// prev is applied: the pending events prev did not acknowledge, and prev's
// cursor. It returns nil when no round would follow prev (nothing left to
// push and no further page).
func (c *Client) launch(ctx context.Context, limit int, prev *flight) (*flight, error) {
	var except []string
	var cursor, check int64
	if prev == nil {
		cur, err := c.Station.Cursor(ctx)
		if err != nil {
			return nil, local("read cursor", err)
		}
		cursor = cur
	} else {
		except = make([]string, len(prev.resp.Acks))
		for i, a := range prev.resp.Acks {
			except[i] = a.ID
		}
		// ApplyPage moves the cursor from the one the request carried to
		// the answer's, never back.
		cursor = max(prev.cursor, prev.resp.Cursor)
		check = prev.resp.AuditSeq
	}
	events, err := c.nextBatch(ctx, limit, except)
	if err != nil {
		return nil, err
	}
	if prev != nil && len(events) == 0 && !prev.resp.More {
		return nil, nil
	}
	req, err := c.request(ctx, cursor, events, check)
	if err != nil {
		return nil, err
	}
	reports, err := c.quarantineReports(ctx, req)
	if err != nil {
		return nil, err
	}
	fctx, cancel := context.WithCancel(ctx)
	f := &flight{events: events, reports: reports, cursor: cursor, done: make(chan struct{}), cancel: cancel}
	go func() {
		defer close(f.done)
		defer cancel()
		f.sent = c.Now()
		f.err = c.call(fctx, http.MethodPost, protocol.PathSync, req, &f.resp)
		f.recv = c.Now()
	}()
	return f, nil
}

// apply records an answer at the station: the acks, the audit position,
// then the page with its cursor. It reports done when nothing is pending
// and no page waits.
func (c *Client) apply(ctx context.Context, f *flight, res *Result) (done bool, err error) {
	st, resp := c.Station, &f.resp
	if err := c.applyAcks(ctx, f.events, resp.Acks, res); err != nil {
		return false, err
	}
	if resp.AuditSeq > 0 {
		if err := st.SetMetas(ctx, map[string]string{metaAuditSeq: fmt.Sprint(resp.AuditSeq)}); err != nil {
			return false, local("record audit seq", err)
		}
	}
	if err := st.MarkQuarantineReported(ctx, f.reports); err != nil {
		return false, local("record quarantine reports", err)
	}
	if o := resp.Office; o != nil {
		if err := st.SetOffice(ctx, o.Kind, o.Region, o.Name); err != nil {
			return false, local("record office", err)
		}
	}
	pending, err := st.PendingCount(ctx)
	if err != nil {
		return false, local("count pending", err)
	}
	if resp.Resync {
		res.Resynced = true
		return false, c.resync(ctx, f.cursor, pending)
	}
	pulled, published, err := ApplyPage(ctx, st, f.cursor, resp)
	if err != nil {
		return false, err
	}
	res.Pulled += pulled
	res.Published += published
	res.Cursor = resp.Cursor
	if pending == 0 && !resp.More {
		// Events this page set aside are reported in one more round.
		unreported, err := st.QuarantineList(ctx, true, 1)
		if err != nil {
			return false, local("read quarantine", err)
		}
		return len(unreported) == 0 || len(f.reports) > 0, nil
	}
	return false, nil
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

// nextBatch reads pending events bounded by count and encoded bytes,
// leaving out those in except (acknowledged by an answer not yet applied).
func (c *Client) nextBatch(ctx context.Context, limit int, except []string) ([]*domain.Event, error) {
	evs, err := c.Station.PendingEventsExcept(ctx, limit, except)
	if err != nil {
		return nil, local("read pending events", err)
	}
	size := 0
	for i, e := range evs {
		size += encodedSize(e)
		if i > 0 && size > c.BatchBytes {
			return evs[:i], nil
		}
	}
	return evs, nil
}

// encodedSize is the length of e's JSON encoding (json.Marshal), counted
// without encoding it: exact for the usual event, never short for any (an
// escape whose length the encoder may choose counts at its longest).
func encodedSize(e *domain.Event) int {
	n := len(`{"id":,"case_id":,"kind":,"actor":,"office":,"hlc":,"at":}`) +
		quotedSize(e.ID) + quotedSize(e.CaseID) + quotedSize(string(e.Kind)) + quotedSize(e.Actor) +
		quotedSize(e.Office) + quotedSize(e.HLC)
	if e.From != "" {
		n += len(`,"from":`) + quotedSize(string(e.From))
	}
	if len(e.Payload) > 0 {
		// Written compacted, which only shrinks it, with HTML characters
		// escaped.
		n += len(`,"payload":`) + len(e.Payload) + escapeExtra(string(e.Payload), true)
	}
	if e.ActorName != "" {
		n += len(`,"actor_name":`) + quotedSize(e.ActorName)
	}
	var buf [64]byte
	return n + 2 + len(e.At.AppendFormat(buf[:0], time.RFC3339Nano))
}

// quotedSize is the length of s encoded as a JSON string.
func quotedSize(s string) int { return 2 + len(s) + escapeExtra(s, false) }

// escapeExtra counts the bytes escaping adds to s: in a string, quotes,
// backslashes and control characters; in a string or raw JSON, HTML
// characters (\u003c), invalid UTF-8 (\ufffd) and U+2028/U+2029.
func escapeExtra(s string, raw bool) int {
	k := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '<' || c == '>' || c == '&':
				k += 5
			case raw:
			case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t':
				k++
			case c < 0x20:
				k += 5
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			k += 5
		case r == '\u2028' || r == '\u2029':
			k += 3
		}
		i += size
	}
	return k
}

// request builds a sync request: the batch, the cursor and the audit head
// with the station's hash of the row the hall recorded last time (check, or
// when 0 the one stored from the last answer applied).
func (c *Client) request(ctx context.Context, cursor int64, events []*domain.Event, check int64) (*protocol.SyncRequest, error) {
	seq, hash, err := c.Station.AuditHead(ctx)
	if err != nil {
		return nil, local("read audit head", err)
	}
	head := &protocol.AuditHead{Seq: seq, Hash: hash}
	if check == 0 {
		if v, _ := c.Station.Meta(ctx, metaAuditSeq); v != "" {
			fmt.Sscan(v, &check)
		}
	}
	if check > 0 {
		h, err := c.Station.AuditHashAt(ctx, check)
		if err != nil {
			return nil, local("read audit row", err)
		}
		head.CheckSeq, head.CheckHash = check, h
	}
	return &protocol.SyncRequest{V: protocol.Version, Station: c.Keys.Station, Cursor: cursor, Events: events,
		Audit: head, MaxBytes: c.PullBytes, AppVersion: c.AppVersion}, nil
}

// quarantineReports adds to req the events of earlier pages this station
// set aside and has not reported yet, and returns their IDs.
func (c *Client) quarantineReports(ctx context.Context, req *protocol.SyncRequest) ([]string, error) {
	list, err := c.Station.QuarantineList(ctx, true, protocol.MaxQuarantineReports)
	if err != nil {
		return nil, local("read quarantine", err)
	}
	ids := make([]string, 0, len(list))
	for _, q := range list {
		req.Quarantined = append(req.Quarantined, protocol.QuarantineReport{EventID: q.EventID, CaseID: q.CaseID, Seq: q.HallSeq,
			Code: q.Code, Reason: q.Reason})
		ids = append(ids, q.EventID)
	}
	return ids, nil
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
