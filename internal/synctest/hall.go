package synctest

import (
	"context"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"yizhan/app/hallclient"
	"yizhan/hall"
	"yizhan/hall/httpapi"
	hallsqlite "yizhan/hall/sqlite"
	"yizhan/sync/bundle"
	"yizhan/sync/faultproxy"
)

// Hall is a real hall (hall.Service on a SQLite file, served by httpapi)
// behind a fault proxy on 127.0.0.1.
type Hall struct {
	Dir   string
	Proxy *faultproxy.Proxy
	URL   string

	tb    testing.TB
	mu    sync.Mutex
	svc   *hall.Service
	store *hallsqlite.Store
	old   []*hallsqlite.Store
}

// StartHall starts a hall in a temporary directory behind a fault proxy
// seeded with seed, with the test catalog published (the hall takes opens
// only of items it published). Everything stops when the test ends.
func StartHall(tb testing.TB, seed uint64) *Hall {
	tb.Helper()
	h := &Hall{Dir: tb.TempDir(), tb: tb}
	h.open()
	h.PublishCatalog(tb)
	h.Proxy = faultproxy.New(httpapi.New(h.svc, nil), seed)
	h.URL = h.Proxy.Start()
	tb.Cleanup(func() {
		h.Proxy.Close()
		h.mu.Lock()
		defer h.mu.Unlock()
		h.store.Close()
		for _, s := range h.old {
			s.Close()
		}
	})
	return h
}

func (h *Hall) open() {
	h.tb.Helper()
	ctx := context.Background()
	store, err := hallsqlite.Open(ctx, filepath.Join(h.Dir, "hall.db"))
	if err != nil {
		h.tb.Fatalf("open hall store: %v", err)
	}
	svc, err := hall.New(ctx, store, hall.Config{Dir: filepath.Join(h.Dir, "data"), SeenEvery: time.Hour})
	if err != nil {
		h.tb.Fatalf("open hall: %v", err)
	}
	h.mu.Lock()
	if h.store != nil {
		h.old = append(h.old, h.store)
	}
	h.svc, h.store = svc, store
	h.mu.Unlock()
}

// Service returns the current hall service.
func (h *Hall) Service() *hall.Service {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.svc
}

// Restart replaces the hall behind the proxy with a fresh hall.Service over
// the same database and key files, as a process restart would. The old
// store stays open until the test ends, so requests in flight finish.
func (h *Hall) Restart() {
	h.tb.Helper()
	h.open()
	h.Proxy.SetBackend(httpapi.New(h.Service(), nil))
}

// Enroll announces a station at the hall, enrols st through the proxy and
// returns a client tuned for tests: short timeouts, small backoff.
func (h *Hall) Enroll(tb testing.TB, st *Station, code string) *hallclient.Client {
	tb.Helper()
	ctx := context.Background()
	enrol, err := h.Service().AddStation(ctx, code, "测试驿站 "+code, "370112")
	if err != nil {
		tb.Fatalf("add station %s: %v", code, err)
	}
	if _, err := hallclient.Enroll(ctx, st.Station, h.URL, enrol); err != nil {
		tb.Fatalf("enroll %s: %v", code, err)
	}
	c, err := hallclient.New(st.Station)
	if err != nil {
		tb.Fatalf("client %s: %v", code, err)
	}
	c.RequestTimeout = 10 * time.Second
	c.BackoffBase, c.BackoffMax, c.Interval = time.Millisecond, 20*time.Millisecond, 5*time.Millisecond
	return c
}

// PublishCatalog publishes the test catalog at the hall (again: unchanged
// items are not published twice).
func (h *Hall) PublishCatalog(tb testing.TB) {
	tb.Helper()
	if _, err := h.Service().PublishCatalog(context.Background(), Catalog()); err != nil {
		tb.Fatalf("publish catalog: %v", err)
	}
}

// BundleSide returns what bundle.HallImport needs, wired to this hall the
// way cmd/hall wires it.
func (h *Hall) BundleSide() *bundle.Hall { return httpapi.BundleSide(h.Service()) }

// Handler returns the proxy as an http.Handler for in-process use.
func (h *Hall) Handler() http.Handler { return h.Proxy }
