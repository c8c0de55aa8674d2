// Package attack_test is the attacker's view of Yizhan: each test is one
// attack, run against the real hall (hall.Service on SQLite behind the real
// HTTP handler) and real stations (app.Station with the real sync client),
// and asserts three things — the attack is refused with a clear error, the
// refusal is logged (the hall's log lines, the hall's rejection records or
// the station's audit chain), and nothing changed (a snapshot of the
// business tables before and after is identical).
package attack_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"yizhan/app"
	"yizhan/app/hallclient"
	appsqlite "yizhan/app/sqlite"
	"yizhan/domain"
	"yizhan/hall"
	"yizhan/hall/httpapi"
	hallsqlite "yizhan/hall/sqlite"
	"yizhan/internal/testclock"
	"yizhan/sync/protocol"
)

// Item codes of the test catalog (proof/sim/catalog.json).
const (
	stationItem = "370112-RS-001-01-S" // handled at the station
	hallItem    = "370112-RS-002-01-S" // approved at the hall
)

// logBuf collects the hall's structured log lines.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// has reports whether some log line contains every part.
func (l *logBuf) has(parts ...string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range strings.Split(l.b.String(), "\n") {
		ok := line != ""
		for _, p := range parts {
			ok = ok && strings.Contains(line, p)
		}
		if ok {
			return true
		}
	}
	return false
}

// hallEnv is a real hall served over HTTP on 127.0.0.1.
type hallEnv struct {
	t     *testing.T
	dir   string
	svc   *hall.Service
	srv   *httptest.Server
	log   *logBuf
	clock *testclock.Clock
	view  *sql.DB
}

func newHall(t *testing.T) *hallEnv {
	t.Helper()
	ctx := context.Background()
	h := &hallEnv{t: t, dir: t.TempDir(), log: &logBuf{}, clock: testclock.New(time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC))}
	store, err := hallsqlite.Open(ctx, filepath.Join(h.dir, "hall.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	logger := slog.New(slog.NewJSONHandler(h.log, nil))
	h.svc, err = hall.New(ctx, store, hall.Config{Dir: filepath.Join(h.dir, "data"), Now: h.clock.Now, Logger: logger, SeenEvery: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	h.srv = httptest.NewServer(httpapi.New(h.svc, logger))
	t.Cleanup(h.srv.Close)
	if _, err := h.svc.PublishCatalog(ctx, catalog(t)); err != nil {
		t.Fatal(err)
	}
	h.view, err = sql.Open("sqlite3", "file:"+filepath.Join(h.dir, "hall.db")+"?_query_only=true&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.view.Close() })
	return h
}

func catalog(t testing.TB) []byte {
	b, err := os.ReadFile("../sim/catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// snapshot digests the hall's business tables: what an attack must not
// change. Volatile bookkeeping (last seen, reported cursor) is left out,
// and so are the rejection and access records, which is where refusals
// are logged.
func (h *hallEnv) snapshot() string {
	h.t.Helper()
	return dump(h.t, h.view,
		`SELECT seq,event_id,case_id,station,status,code,event FROM log ORDER BY seq`,
		`SELECT id,state,holder,last_seq,body FROM cases ORDER BY id`,
		`SELECT case_id,station FROM case_scope ORDER BY 1,2`,
		`SELECT station,dseq,log_seq,pub_seq FROM deliveries ORDER BY 1,2`,
		`SELECT seq,key,body FROM published ORDER BY seq`,
		`SELECT hash,station,size FROM blob_owners ORDER BY 1,2`,
		`SELECT code,token_hash,enrol_hash,revoked_at,sign_key,age_key,last_dseq FROM stations ORDER BY code`)
}

// dump runs queries and digests every row they return.
func dump(t testing.TB, db *sql.DB, queries ...string) string {
	t.Helper()
	h := sha256.New()
	for _, q := range queries {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("snapshot %q: %v", q, err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		for i := range vals {
			vals[i] = new(sql.RawBytes)
		}
		for rows.Next() {
			if err := rows.Scan(vals...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				fmt.Fprintf(h, "%q|", *v.(*sql.RawBytes))
			}
			h.Write([]byte("\n"))
		}
		rows.Close()
		fmt.Fprintf(h, "--%s\n", q)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// do sends one request to the hall and returns status and body.
func (h *hallEnv) do(method, path, token string, body io.Reader, hdr map[string]string) (int, []byte) {
	h.t.Helper()
	req, err := http.NewRequest(method, h.srv.URL+path, body)
	if err != nil {
		h.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// syncAs posts a sync request as the holder of token.
func (h *hallEnv) syncAs(token string, req protocol.SyncRequest) (int, protocol.SyncResponse, []byte) {
	h.t.Helper()
	body, _ := json.Marshal(req)
	status, out := h.do(http.MethodPost, protocol.PathSync, token, bytes.NewReader(body), nil)
	var resp protocol.SyncResponse
	if status == http.StatusOK {
		if err := json.Unmarshal(out, &resp); err != nil {
			h.t.Fatalf("sync answer: %v", err)
		}
	}
	return status, resp, out
}

// stationEnv is an enrolled station with a signed-in head of station.
type stationEnv struct {
	h     *hallEnv
	code  string
	dir   string
	st    *app.Station
	db    *appsqlite.DB
	cl    *hallclient.Client
	actor app.Actor
	token string
	view  *sql.DB
}

// station creates, enrols and signs in a station.
func (h *hallEnv) station(code string) *stationEnv {
	t := h.t
	t.Helper()
	ctx := context.Background()
	s := &stationEnv{h: h, code: code, dir: t.TempDir()}
	var err error
	s.st, s.db, err = appsqlite.OpenStation(ctx, app.Config{Dir: s.dir, Now: h.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.st.Close() })
	enrol, err := h.svc.AddStation(ctx, code, "驿站 "+code, "370112")
	if err != nil {
		t.Fatal(err)
	}
	k, err := hallclient.Enroll(ctx, s.st, h.srv.URL, enrol)
	if err != nil {
		t.Fatal(err)
	}
	s.token = k.Token
	if s.cl, err = hallclient.New(s.st); err != nil {
		t.Fatal(err)
	}
	if _, err := s.st.AddStaff(ctx, app.System, "head", "站长", app.RoleHead, "correct-horse-1"); err != nil {
		t.Fatal(err)
	}
	staff, err := s.st.SignIn(ctx, "head", "correct-horse-1")
	if err != nil {
		t.Fatal(err)
	}
	s.actor = staff.Actor()
	s.sync()
	s.view = s.db.DB
	return s
}

// sync runs one sync and requires it to succeed.
func (s *stationEnv) sync() hallclient.Result {
	s.h.t.Helper()
	res, err := s.cl.SyncOnce(context.Background())
	if err != nil {
		s.h.t.Fatalf("%s sync: %v", s.code, err)
	}
	return res
}

// open opens a case of item with every material on paper.
func (s *stationEnv) open(item string) *domain.Case {
	t := s.h.t
	t.Helper()
	ctx := context.Background()
	it, err := s.st.Item(ctx, item, 0)
	if err != nil {
		t.Fatal(err)
	}
	list, err := it.MaterialsFor("01")
	if err != nil {
		list, _ = it.MaterialsFor("")
	}
	var mats []app.MaterialInput
	for _, m := range list {
		mats = append(mats, app.MaterialInput{Code: m.Code, Collected: domain.CollectPaper, Count: 1})
	}
	sit := ""
	if item == hallItem {
		sit = "01"
	}
	c, err := s.st.OpenCase(ctx, s.actor, app.OpenCaseInput{ItemCode: item, Situation: sit, Channel: domain.ChannelWindow, Materials: mats,
		Applicant: domain.Applicant{Name: "张三", IDNumber: "11010519491231002X", Phone: "13800138000"}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// snapshot digests the station's business tables; the audit chain, where
// refusals are logged, is left out.
func (s *stationEnv) snapshot() string {
	return dump(s.h.t, s.view,
		`SELECT id,case_id,kind,payload,status,hall_seq FROM events ORDER BY local_seq`,
		`SELECT id,state,holder,body FROM cases ORDER BY id`,
		`SELECT event_id,reason FROM conflicts ORDER BY 1`,
		`SELECT sha256,size,name FROM blobs ORDER BY 1`,
		`SELECT code,version,body FROM catalog_items ORDER BY 1,2`,
		`SELECT id,login,password_hash,role,disabled FROM staff ORDER BY id`)
}

// audited reports whether the station's audit chain has a row with action
// (and detail containing detail, when given).
func (s *stationEnv) audited(action, detail string) bool {
	var n int
	s.view.QueryRow(`SELECT count(*) FROM audit WHERE action=? AND instr(detail, ?)>0`, action, detail).Scan(&n)
	return n > 0
}

// event makes an event as station office would send it.
func event(office, caseID string, kind domain.EventKind, from domain.State, payload any) *domain.Event {
	e, _ := domain.NewEvent(newID(), caseID, kind, from, payload)
	e.Office, e.Actor, e.HLC, e.At = office, "intruder", fmt.Sprintf("%013x.000000.%s", time.Now().UnixMilli(), office), time.Now().UTC()
	return e
}

var idSeq int64

func newID() string {
	idSeq++
	return fmt.Sprintf("01900000-0000-7000-8000-%012x", idSeq+time.Now().UnixNano()%1e9*1000)
}

// mustRefuse requires an ack to be a rejection with code.
func mustRefuse(t *testing.T, resp protocol.SyncResponse, code string) protocol.Ack {
	t.Helper()
	if len(resp.Acks) != 1 {
		t.Fatalf("want one ack, got %+v", resp.Acks)
	}
	a := resp.Acks[0]
	if a.Status != protocol.AckRejected || a.Code != code || a.Zh == "" {
		t.Fatalf("want a %s rejection with a message, got %+v", code, a)
	}
	return a
}
