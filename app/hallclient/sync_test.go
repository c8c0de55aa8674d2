package hallclient_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"

	"yizhan/app"
	"yizhan/app/hallclient"
	"yizhan/hall"
	"yizhan/internal/synctest"
	"yizhan/sync/faultproxy"
	"yizhan/sync/protocol"
)

// setup is a hall with one enrolled station.
func setup(t *testing.T, seed uint64) (*synctest.Hall, *synctest.TestStation, *hallclient.Client) {
	t.Helper()
	h := synctest.StartHall(t, seed)
	st := synctest.OpenStation(t, t.TempDir(), "ST01")
	c := h.Enroll(t, st, "ST01")
	return h, st, c
}

func mustSync(t *testing.T, c *hallclient.Client) hallclient.Result {
	t.Helper()
	res, err := c.SyncOnce(context.Background())
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return res
}

// requestLog records the sync requests that pass the proxy.
type requestLog struct {
	mu   sync.Mutex
	reqs []protocol.SyncRequest
}

func (l *requestLog) hook(r *http.Request, body []byte, _ faultproxy.Fault) {
	if r.URL.Path != protocol.PathSync {
		return
	}
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return
		}
		body, _ = io.ReadAll(zr)
	}
	var req protocol.SyncRequest
	if json.Unmarshal(body, &req) == nil {
		l.mu.Lock()
		l.reqs = append(l.reqs, req)
		l.mu.Unlock()
	}
}

func (l *requestLog) all() []protocol.SyncRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]protocol.SyncRequest(nil), l.reqs...)
}

func TestSyncOnce(t *testing.T) {
	ctx := context.Background()
	t.Run("NothingNewIsOneRoundTrip", func(t *testing.T) {
		h, st, c := setup(t, 10)
		cs := st.OpenCase(t, synctest.StationItem)
		st.Note(t, cs.ID, "first")
		mustSync(t, c) // pushes, pulls the catalog and our own events back
		h.Proxy.ResetStats()
		res := mustSync(t, c)
		s := h.Proxy.Stats()
		if s.Requests != 1 || s.ByPath[protocol.PathSync] != 1 || res.Rounds != 1 {
			t.Fatalf("nothing-new sync made %d requests (%v), %d rounds; want 1", s.Requests, s.ByPath, res.Rounds)
		}
		if res.Pushed != 0 || res.Pulled != 0 {
			t.Fatalf("nothing-new sync moved data: %+v", res)
		}
	})
	t.Run("LostResponseAckedOnce", func(t *testing.T) {
		h, st, c := setup(t, 11)
		cs := st.OpenCase(t, synctest.StationItem)
		for i := 0; i < 5; i++ {
			st.Note(t, cs.ID, "note")
		}
		ids := st.EventIDs(t)
		// The hall records the push, the answer never arrives.
		h.Proxy.Script(faultproxy.DropResponse)
		if _, err := c.SyncOnce(ctx); hallclient.CodeOf(err) != hallclient.CodeOffline {
			t.Fatalf("sync with lost answer: got %v, want offline", err)
		}
		if got := st.Pending(t); got != len(ids) {
			t.Fatalf("pending after lost answer = %d, want %d (nothing acked)", got, len(ids))
		}
		res := mustSync(t, c)
		if res.Duplicates != len(ids) || res.Accepted != len(ids) {
			t.Fatalf("retry: %+v; want %d duplicates, all accepted", res, len(ids))
		}
		if st.Pending(t) != 0 {
			t.Fatal("events still pending")
		}
		d, err := h.Service().ShowCase(ctx, hall.Actor{ID: "test"}, cs.ID, false, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(d.History) != len(ids) {
			t.Fatalf("hall log holds %d events of the case, want %d (each once)", len(d.History), len(ids))
		}
		seen := map[int64]bool{}
		for _, id := range ids {
			status, seq := st.EventStatus(t, id)
			if status != app.StatusAccepted || seq == 0 || seen[seq] {
				t.Fatalf("event %s: status %s seq %d", id, status, seq)
			}
			seen[seq] = true
		}
	})
	t.Run("PagesResumeAfterCut", func(t *testing.T) {
		h, st, c := setup(t, 12)
		c.PullBytes = 1500 // a few events per page
		cs := st.OpenCase(t, synctest.StationItem)
		for i := 0; i < 30; i++ {
			st.Note(t, cs.ID, "a note long enough to take some room in a page")
		}
		var log requestLog
		h.Proxy.OnFault(log.hook)
		h.Proxy.Script(faultproxy.Pass, faultproxy.Pass, faultproxy.Pass, faultproxy.CutBody)
		if _, err := c.SyncOnce(ctx); hallclient.CodeOf(err) != hallclient.CodeOffline {
			t.Fatalf("cut sync: got %v, want offline", err)
		}
		cut, _ := st.Cursor(ctx)
		if cut == 0 {
			t.Fatal("no page applied before the cut")
		}
		n := len(log.all())
		res := mustSync(t, c)
		reqs := log.all()
		if got := reqs[n].Cursor; got != cut {
			t.Fatalf("after the cut the station asked from %d, want %d (the last page applied)", got, cut)
		}
		for i := 1; i < len(reqs); i++ {
			if reqs[i].Cursor < reqs[i-1].Cursor {
				t.Fatalf("cursor went back: %d then %d", reqs[i-1].Cursor, reqs[i].Cursor)
			}
		}
		if res.Rounds < 2 {
			t.Fatalf("expected several pages, got %d rounds", res.Rounds)
		}
		again := mustSync(t, c)
		if again.Rounds != 1 || again.Pulled != 0 {
			t.Fatalf("caught up sync not a single empty round: %+v", again)
		}
		for _, id := range st.EventIDs(t) {
			if status, _ := st.EventStatus(t, id); status != app.StatusAccepted {
				t.Fatalf("event %s %s", id, status)
			}
		}
	})
	t.Run("Resync", func(t *testing.T) {
		_, st, c := setup(t, 13)
		cs := st.OpenCase(t, synctest.StationItem)
		mustSync(t, c)
		want, _ := st.Cursor(ctx)
		st.Note(t, cs.ID, "made while the hall was being restored")
		// The hall lost deliveries the station had applied (restored from
		// an older backup): our cursor is beyond anything it handed out.
		if err := st.ApplyPulled(ctx, app.Pulled{Cursor: want + 1000}); err != nil {
			t.Fatal(err)
		}
		res := mustSync(t, c)
		if !res.Resynced {
			t.Fatalf("no resync: %+v", res)
		}
		if st.Pending(t) != 0 {
			t.Fatal("local work not pushed")
		}
		if got, _ := st.Cursor(ctx); got <= 0 || got >= want+1000 {
			t.Fatalf("cursor after resync = %d", got)
		}
		if got := len(st.EventIDs(t)); got != 2 {
			t.Fatalf("station holds %d events after resync, want 2", got)
		}
	})
	t.Run("RejectedDoesNotBlock", func(t *testing.T) {
		h, st, c := setup(t, 14)
		other := synctest.OpenStation(t, t.TempDir(), "ST02")
		h.Enroll(t, other, "ST02")
		cs := st.OpenCase(t, synctest.StationItem)
		mustSync(t, c)
		// The hall hands the case to ST02 while ST01, offline, accepts it.
		if err := h.Service().Route(ctx, hall.Actor{ID: "clerk"}, cs.ID, "ST02"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Accept(ctx, st.Actor, cs.ID); err != nil {
			t.Fatal(err)
		}
		next := st.OpenCase(t, synctest.StationItem)
		res := mustSync(t, c)
		if res.Rejected != 1 || st.Pending(t) != 0 {
			t.Fatalf("want one rejection and an empty queue: %+v, pending %d", res, st.Pending(t))
		}
		var status string
		st.DB.QueryRow(`SELECT status FROM events WHERE case_id=?`, next.ID).Scan(&status)
		if status != app.StatusAccepted {
			t.Fatalf("event pushed after the rejected one: %s", status)
		}
		if n, _ := st.OpenConflictCount(ctx); n != 1 {
			t.Fatalf("open conflicts %d, want 1", n)
		}
	})
	t.Run("Revoked", func(t *testing.T) {
		h, st, c := setup(t, 15)
		if err := h.Service().Revoke(ctx, "ST01"); err != nil {
			t.Fatal(err)
		}
		_, err := c.SyncOnce(ctx)
		if hallclient.CodeOf(err) != hallclient.CodeRevoked || !hallclient.Stops(err) {
			t.Fatalf("got %v, want revoked", err)
		}
		s := c.Status(ctx)
		if s.State != hallclient.CodeRevoked || s.LastError == nil || s.LastError.Zh == "" || s.StateZh == "" {
			t.Fatalf("status %+v", s)
		}
		if err := c.Run(ctx); hallclient.CodeOf(err) != hallclient.CodeRevoked {
			t.Fatalf("Run: got %v, want revoked", err)
		}
		_ = st
	})
}

func TestUpgradeRequired(t *testing.T) {
	h, _, c := setup(t, 16)
	h.Proxy.SetBackend(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUpgradeRequired)
		json.NewEncoder(w).Encode(protocol.Error{Code: protocol.CodeUpgrade, Message: "wire version 1 not supported", Zh: "请升级"})
	}))
	_, err := c.SyncOnce(context.Background())
	if hallclient.CodeOf(err) != hallclient.CodeUpgrade || !hallclient.Stops(err) {
		t.Fatalf("got %v, want upgrade", err)
	}
	if s := c.Status(context.Background()); s.State != hallclient.CodeUpgrade || s.LastError == nil || s.LastError.Zh == "" {
		t.Fatalf("status %+v", s)
	}
}

func TestStatus(t *testing.T) {
	ctx := context.Background()
	h, st, c := setup(t, 20)
	st.OpenCase(t, synctest.StationItem)
	s, err := hallclient.StatusOf(ctx, st.Station)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Enrolled || s.State != "never" || s.PendingEvents != 1 || s.LastSuccess != nil {
		t.Fatalf("before sync: %+v", s)
	}
	mustSync(t, c)
	s = c.Status(ctx)
	if !s.Online || s.State != "ok" || s.PendingEvents != 0 || s.LastSuccess == nil || s.Cursor == 0 || s.HallURL != h.URL {
		t.Fatalf("after sync: %+v", s)
	}
	h.Proxy.Script(faultproxy.DropRequest)
	if _, err := c.SyncOnce(ctx); hallclient.CodeOf(err) != hallclient.CodeOffline {
		t.Fatalf("got %v, want offline", err)
	}
	s, _ = hallclient.StatusOf(ctx, st.Station) // what another process sees
	if s.Online || s.State != hallclient.CodeOffline || s.LastError == nil || s.LastError.Zh == "" || s.LastSuccess == nil {
		t.Fatalf("after failure: %+v", s)
	}
}
