package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"yizhan/app"
	"yizhan/app/hallclient"
	appsqlite "yizhan/app/sqlite"
	"yizhan/hall"
	"yizhan/hall/httpapi"
	hallsqlite "yizhan/hall/sqlite"
)

//go:embed catalog.json
var catalogJSON []byte

// hallEnv is a real hall: hall.Service on a SQLite file, served by
// httpapi over HTTP on 127.0.0.1, as cmd/hall serves it.
type hallEnv struct {
	dir   string
	store *hallsqlite.Store
	svc   *hall.Service
	ln    net.Listener
	srv   *http.Server
	reqs  atomic.Int64
}

func startHall(ctx context.Context, dir string) (*hallEnv, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	store, err := hallsqlite.Open(ctx, filepath.Join(dir, "hall.db"))
	if err != nil {
		return nil, err
	}
	svc, err := hall.New(ctx, store, hall.Config{Dir: filepath.Join(dir, "data")})
	if err != nil {
		_ = store.Close() // the error being returned says more
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = store.Close() // the error being returned says more
		return nil, err
	}
	h := &hallEnv{dir: dir, store: store, svc: svc, ln: ln}
	api := httpapi.New(svc, nil)
	h.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.reqs.Add(1)
		api.ServeHTTP(w, r)
	}), ReadHeaderTimeout: time.Minute}
	go func() { _ = h.srv.Serve(ln) }() // ErrServerClosed once the bench closes it
	if _, err := svc.PublishCatalog(ctx, catalogJSON); err != nil {
		h.close()
		return nil, err
	}
	return h, nil
}

func (h *hallEnv) addr() string { return h.ln.Addr().String() }
func (h *hallEnv) url() string  { return "http://" + h.addr() }

func (h *hallEnv) close() {
	_ = h.srv.Close()   // tearing down after the measurement
	_ = h.store.Close() // tearing down after the measurement
}

// openStation opens a station in dir initialised as code, with a head of
// station signed in and the bench catalog imported. The database is
// returned too: some figures fill or read it directly.
func openStation(ctx context.Context, dir, code string) (*app.Station, *appsqlite.DB, app.Actor, error) {
	st, db, err := appsqlite.OpenStation(ctx, app.Config{Dir: dir})
	if err != nil {
		return nil, nil, app.Actor{}, err
	}
	fail := func(err error) (*app.Station, *appsqlite.DB, app.Actor, error) {
		_ = st.Close() // the error being returned says more
		return nil, nil, app.Actor{}, err
	}
	if st.Code() == "" {
		if err := st.Init(ctx, app.Identity{Code: code, Name: "基准驿站 " + code, Region: "370112"}); err != nil {
			return fail(err)
		}
	}
	staff, err := st.SignIn(ctx, "head", "password-123")
	if err != nil {
		if _, err := st.AddStaff(ctx, app.System, "head", "站长", app.RoleHead, "password-123"); err != nil {
			return fail(err)
		}
		if staff, err = st.SignIn(ctx, "head", "password-123"); err != nil {
			return fail(err)
		}
	}
	if _, err := st.ImportCatalog(ctx, staff.Actor(), catalogJSON); err != nil {
		return fail(err)
	}
	return st, db, staff.Actor(), nil
}

// enroll announces code at the hall and enrols st directly (not through a
// counting proxy).
func (h *hallEnv) enroll(ctx context.Context, st *app.Station, code string) (*hallclient.Keys, error) {
	enrol, err := h.svc.AddStation(ctx, code, "基准驿站 "+code, "370112")
	if err != nil {
		return nil, err
	}
	return hallclient.EnrollWith(ctx, &http.Client{Timeout: time.Minute}, st, h.url(), enrol)
}

// newClient returns a sync client with the defaults a station runs with,
// on its own HTTP transport (no connections shared between runs).
func newClient(st *app.Station, keys *hallclient.Keys, url string) *hallclient.Client {
	return &hallclient.Client{Station: st, Keys: keys, HallURL: url, AppVersion: "bench",
		HTTP: &http.Client{Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 4, IdleConnTimeout: time.Minute}}}
}

// total adds up the results of several SyncOnce calls.
type total struct {
	hallclient.Result
	Calls    int
	Failures int
	Elapsed  time.Duration
}

func (t *total) add(r hallclient.Result) {
	t.Rounds += r.Rounds
	t.Pushed += r.Pushed
	t.Accepted += r.Accepted
	t.Conflicts += r.Conflicts
	t.Rejected += r.Rejected
	t.Duplicates += r.Duplicates
	t.Pulled += r.Pulled
	t.Published += r.Published
	t.Cursor = r.Cursor
	t.Blobs.Uploaded += r.Blobs.Uploaded
	t.Blobs.Bytes += r.Blobs.Bytes
	t.Blobs.Pending = r.Blobs.Pending
}

// syncUntilDone runs SyncOnce until nothing is pending on either side, as
// the station's background runner does: after a failure it waits with the
// client's backoff (exponential, full jitter, from a seeded source) and
// tries again, within limit.
func syncUntilDone(ctx context.Context, c *hallclient.Client, limit time.Duration, seed uint64) (total, error) {
	var t total
	rnd := rand.New(rand.NewPCG(seed, 1))
	base, cap := c.BackoffBase, c.BackoffMax
	if base <= 0 {
		base = 2 * time.Second
	}
	if cap <= 0 {
		cap = 5 * time.Minute
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	fails := 0
	for {
		r, err := c.SyncOnce(ctx)
		t.Calls++
		t.add(r)
		blobErr := false
		if err == nil && r.Blobs.Err != "" {
			err, blobErr = errors.New(r.Blobs.Err), true
		}
		if err == nil {
			fails = 0
			pending, perr := c.Station.PendingCount(ctx)
			if perr != nil {
				return t, perr
			}
			blobs, berr := c.Station.PendingBlobCount(ctx)
			if berr != nil {
				return t, berr
			}
			if !r.Partial && pending == 0 && blobs == 0 {
				t.Elapsed = time.Since(start)
				return t, nil
			}
			continue // more waits (a page, or the attachment budget ran out): go on at once
		}
		if ctx.Err() != nil {
			return t, fmt.Errorf("not done within %v (%d calls, %d failures): %w", limit, t.Calls, t.Failures, err)
		}
		if !blobErr && hallclient.CodeOf(err) != hallclient.CodeOffline {
			return t, err
		}
		t.Failures++
		fails++
		d := min(cap, base<<min(fails-1, 16))
		d = time.Duration(rnd.Float64() * float64(d))
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return t, fmt.Errorf("not done within %v: %w", limit, err)
		}
	}
}
