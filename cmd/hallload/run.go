package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"yizhan/domain"
	"yizhan/hall"
	"yizhan/hall/httpapi"
	hallpg "yizhan/hall/postgres"
	hallsqlite "yizhan/hall/sqlite"
	"yizhan/hall/stationsim"
	"yizhan/sync/protocol"
)

// result is what one configuration measured.
type result struct {
	config    string
	stations  int // stations that finished their work within the bound
	events    int // events accepted
	elapsed   time.Duration
	enrolTime time.Duration
	push      []time.Duration
	pull      []time.Duration
	errors    int
}

// halls is a running configuration: the base URL of each instance, and
// what stops it.
type halls struct {
	svcs    []*hall.Service
	urls    []string
	closers []func()
}

func (h *halls) close() {
	for i := len(h.closers) - 1; i >= 0; i-- {
		h.closers[i]()
	}
}

// startHalls starts the instances of config in-process on 127.0.0.1.
func startHalls(ctx context.Context, o options, config, dir string) (*halls, error) {
	h := &halls{}
	var stores []hall.Store
	switch config {
	case "sqlite":
		s, err := hallsqlite.Open(ctx, filepath.Join(dir, "hall.db"))
		if err != nil {
			return nil, err
		}
		h.closers = append(h.closers, func() { s.Close() })
		stores = append(stores, s)
	default:
		dsn, drop, err := newSchema(ctx, o.PG)
		if err != nil {
			return nil, err
		}
		h.closers = append(h.closers, drop)
		for range map[string]int{"pg1": 1, "pg2": 2}[config] {
			s, err := hallpg.Open(ctx, dsn)
			if err != nil {
				h.close()
				return nil, err
			}
			h.closers = append(h.closers, func() { s.Close() })
			stores = append(stores, s)
		}
	}
	for _, s := range stores {
		svc, err := hall.New(ctx, s, hall.Config{Dir: filepath.Join(dir, "data")})
		if err != nil {
			h.close()
			return nil, err
		}
		// The stations' opens name the items of stationsim.Catalog.
		if _, err := svc.PublishCatalog(ctx, stationsim.Catalog()); err != nil {
			h.close()
			return nil, err
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			h.close()
			return nil, fmt.Errorf("listen: %w", err)
		}
		srv := &http.Server{Handler: httpapi.New(svc, slog.New(slog.DiscardHandler)), ReadHeaderTimeout: 10 * time.Second}
		go srv.Serve(ln)
		h.closers = append(h.closers, func() { srv.Close() })
		h.svcs = append(h.svcs, svc)
		h.urls = append(h.urls, "http://"+ln.Addr().String())
	}
	return h, nil
}

// newSchema creates a schema for one run on the server at dsn and returns a
// DSN that uses it, and a function that drops it.
func newSchema(ctx context.Context, dsn string) (string, func(), error) {
	b := make([]byte, 5)
	rand.Read(b)
	name := "yz_load_" + hex.EncodeToString(b)
	admin := func(ctx context.Context, stmt string) error {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return fmt.Errorf("connect: %w", err)
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, stmt)
		return err
	}
	if err := admin(ctx, "CREATE SCHEMA "+name); err != nil {
		return "", nil, fmt.Errorf("create schema: %w", err)
	}
	drop := func() { admin(context.Background(), "DROP SCHEMA "+name+" CASCADE") }
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return dsn + " search_path=" + name, drop, nil
	}
	u, err := url.Parse(dsn)
	if err != nil {
		drop()
		return "", nil, fmt.Errorf("dsn: %w", err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}

// loadStation is one simulated station.
type loadStation struct {
	code  string
	token string
	maker *stationsim.Maker
}

func runConfig(ctx context.Context, o options, config string, stderr io.Writer) (result, error) {
	r := result{config: config}
	dir, err := os.MkdirTemp("", "hallload-")
	if err != nil {
		return r, fmt.Errorf("temp dir: %w", err)
	}
	defer os.RemoveAll(dir)
	h, err := startHalls(ctx, o, config, dir)
	if err != nil {
		return r, err
	}
	defer h.close()
	client := stationsim.Client{HTTP: &http.Client{Timeout: time.Minute,
		Transport: &http.Transport{MaxIdleConnsPerHost: o.Concurrency * 2, MaxIdleConns: o.Concurrency * 4}}}
	fmt.Fprintf(stderr, "%s: enrolling %d stations\n", config, o.Stations)
	start := time.Now()
	stations, err := enrolAll(ctx, o, h, client)
	if err != nil {
		return r, err
	}
	r.enrolTime = time.Since(start)
	fmt.Fprintf(stderr, "%s: syncing\n", config)
	runCtx, cancel := context.WithTimeout(ctx, o.Duration)
	defer cancel()
	start = time.Now()
	var mu sync.Mutex
	var events, done, errs atomic.Int64
	forEach(runCtx, len(stations), o.Concurrency, func(i int) {
		w := &worker{st: stations[i], urls: h.urls, client: client, turn: i}
		n, err := w.run(runCtx, o.Events)
		events.Add(int64(n))
		if err != nil {
			if errs.Add(1) <= 3 {
				fmt.Fprintf(stderr, "%s: %v\n", config, err)
			}
		} else {
			done.Add(1)
		}
		mu.Lock()
		r.push, r.pull = append(r.push, w.push...), append(r.pull, w.pull...)
		mu.Unlock()
	})
	r.elapsed = time.Since(start)
	r.stations, r.events, r.errors = int(done.Load()), int(events.Load()), int(errs.Load())
	return r, nil
}

// forEach calls fn(i) for i in [0, n) with at most limit calls at once,
// starting no new call once ctx is done.
func forEach(ctx context.Context, n, limit int, fn func(i int)) {
	var wg sync.WaitGroup
	next := atomic.Int64{}
	for range min(limit, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// enrolAll announces the stations (as `hall station add` would) and enrols
// each over HTTP, spreading them over the instances.
func enrolAll(ctx context.Context, o options, h *halls, client stationsim.Client) ([]*loadStation, error) {
	stations := make([]*loadStation, o.Stations)
	var firstErr error
	var mu sync.Mutex
	forEach(ctx, o.Stations, o.Concurrency, func(i int) {
		code := fmt.Sprintf("L%04d", i)
		err := func() error {
			enrol, err := h.svcs[i%len(h.svcs)].AddStation(ctx, code, code+" 服务站", "")
			if err != nil {
				return err
			}
			req, err := stationsim.EnrollRequest(enrol, nil)
			if err != nil {
				return err
			}
			resp, err := client.Enroll(ctx, h.urls[(i+1)%len(h.urls)], req)
			if err != nil {
				return err
			}
			newID := func() string { return uuid.Must(uuid.NewV7()).String() }
			stations[i] = &loadStation{code: code, token: resp.Token, maker: stationsim.NewMaker(code, time.Now, newID)}
			return nil
		}()
		if err != nil {
			mu.Lock()
			firstErr = errors.Join(firstErr, fmt.Errorf("enrol %s: %w", code, err))
			mu.Unlock()
		}
	})
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	return stations, firstErr
}

// steps is the path a station-handled case takes at the station.
var steps = []struct {
	kind domain.EventKind
	from domain.State
}{
	{domain.EvAccept, domain.StateReceived},
	{domain.EvConclude, domain.StateAccepted},
	{domain.EvStartDelivery, domain.StateConcluded},
	{domain.EvDeliver, domain.StateDelivering},
	{domain.EvEvaluate, domain.StateDelivered},
}

// worker runs one station's syncs and times them.
type worker struct {
	st     *loadStation
	urls   []string
	client stationsim.Client
	turn   int
	cursor int64
	push   []time.Duration
	pull   []time.Duration
}

// run pushes n events, one sync each (a case's open, then its steps; a new
// case after the last step), and pulls after each push until the hall has
// nothing more. It returns how many events were accepted.
func (w *worker) run(ctx context.Context, n int) (int, error) {
	accepted := 0
	var caseID string
	for i := range n {
		var e *domain.Event
		if k := i % (len(steps) + 1); k == 0 {
			e = w.st.maker.Open("station")
			caseID = e.CaseID
		} else {
			e = w.st.maker.Step(caseID, steps[k-1].kind, steps[k-1].from)
		}
		resp, err := w.sync(ctx, []*domain.Event{e}, &w.push)
		if err != nil {
			return accepted, err
		}
		if len(resp.Acks) != 1 || resp.Acks[0].Status != protocol.AckAccepted {
			return accepted, fmt.Errorf("%s: %s not accepted: %+v", w.st.code, e.Kind, resp.Acks)
		}
		accepted++
		// Pull until the hall has nothing more: at least once, which also
		// reports the cursor the push's own page moved to.
		for more := true; more; {
			resp, err := w.sync(ctx, nil, &w.pull)
			if err != nil {
				return accepted, err
			}
			more = resp.More
		}
	}
	return accepted, nil
}

// sync sends one request to the next instance in turn, records its latency
// in into, and moves the cursor.
func (w *worker) sync(ctx context.Context, evs []*domain.Event, into *[]time.Duration) (protocol.SyncResponse, error) {
	w.turn++
	req := protocol.SyncRequest{V: protocol.Version, Station: w.st.code, Cursor: w.cursor, Events: evs}
	start := time.Now()
	resp, err := w.client.Sync(ctx, w.urls[w.turn%len(w.urls)], w.st.token, req)
	*into = append(*into, time.Since(start))
	if err != nil {
		return resp, fmt.Errorf("%s: %w", w.st.code, err)
	}
	if resp.Cursor < w.cursor {
		return resp, fmt.Errorf("%s: cursor went back from %d to %d", w.st.code, w.cursor, resp.Cursor)
	}
	w.cursor = resp.Cursor
	return resp, nil
}

// pct returns the p-th percentile of ds.
func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}
