package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"yizhan/domain"
	"yizhan/hall"
	"yizhan/hall/console"
	hallsqlite "yizhan/hall/sqlite"
	"yizhan/hall/stationsim"
	"yizhan/internal/testclock"
	"yizhan/sync/protocol"
)

// fixture is a hall with its console on an httptest server, four accounts
// (one per role) and an enrolled station A01.
type fixture struct {
	t     *testing.T
	ctx   context.Context
	clock *testclock.Clock
	svc   *hall.Service
	srv   *httptest.Server
	ids   atomic.Int64
	st    *station
}

const password = "console-secret-1"

var roles = []hall.Role{hall.RoleClerk, hall.RoleApprover, hall.RoleSupervisor, hall.RoleAdmin}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	store, err := hallsqlite.Open(ctx, filepath.Join(dir, "hall.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	f := &fixture{t: t, ctx: ctx, clock: testclock.New(time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC))}
	f.svc, err = hall.New(ctx, store, hall.Config{Dir: filepath.Join(dir, "data"), Now: f.clock.Now, NewID: f.newID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.PublishCatalog(ctx, stationsim.Catalog()); err != nil {
		t.Fatal(err)
	}
	assets := filepath.Join(dir, "assets")
	os.MkdirAll(filepath.Join(assets, "assets"), 0o755)
	os.WriteFile(filepath.Join(assets, "console.html"), []byte("<!doctype html><title>console</title>"), 0o644)
	os.WriteFile(filepath.Join(assets, "assets", "app-1234.js"), []byte("console.log(1)"), 0o644)
	h, err := console.New(f.svc, console.Config{Assets: assets})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(console.Prefix, h)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	for _, r := range roles {
		if _, err := f.svc.AddStaff(ctx, string(r), string(r)+" 姓名", r, password); err != nil {
			t.Fatal(err)
		}
	}
	f.st = f.enroll("A01")
	return f
}

func (f *fixture) newID() string { return fmt.Sprintf("01900000-0000-7000-8000-%012x", f.ids.Add(1)) }

// station is an enrolled station that pushes events through the service.
type station struct {
	f      *fixture
	token  string
	maker  *stationsim.Maker
	cursor int64
}

func (f *fixture) enroll(code string) *station {
	f.t.Helper()
	enrol, err := f.svc.AddStation(f.ctx, code, code+" 便民服务站", "370112")
	if err != nil {
		f.t.Fatal(err)
	}
	req, err := stationsim.EnrollRequest(enrol, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	resp, err := f.svc.Enroll(f.ctx, req)
	if err != nil {
		f.t.Fatal(err)
	}
	return &station{f: f, token: resp.Token, maker: stationsim.NewMaker(code, f.clock.Now, f.newID)}
}

// sync pushes events and pulls everything new, returning what came back.
func (s *station) sync(events ...*domain.Event) []protocol.LogEvent {
	s.f.t.Helper()
	var got []protocol.LogEvent
	for {
		st, err := s.f.svc.Authenticate(s.f.ctx, s.token)
		if err != nil {
			s.f.t.Fatal(err)
		}
		resp, err := s.f.svc.Sync(s.f.ctx, st, protocol.SyncRequest{V: protocol.Version, Station: st.Code, Cursor: s.cursor, Events: events})
		if err != nil {
			s.f.t.Fatal(err)
		}
		for _, a := range resp.Acks {
			if a.Status != protocol.AckAccepted {
				s.f.t.Fatalf("push: %+v", a)
			}
		}
		events = nil
		got = append(got, resp.Events...)
		s.cursor = resp.Cursor
		if !resp.More {
			return got
		}
	}
}

// forwarded opens, accepts and forwards a case handled at the hall.
func (s *station) forwarded() string {
	o := s.maker.Open("hall")
	s.sync(o, s.maker.Step(o.CaseID, domain.EvAccept, domain.StateReceived),
		s.maker.Step(o.CaseID, domain.EvForward, domain.StateAccepted))
	return o.CaseID
}

// client is a browser: a cookie jar, and the console header unless bare.
type client struct {
	f    *fixture
	http *http.Client
	bare bool
}

func (f *fixture) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{f: f, http: &http.Client{Jar: jar}}
}

// signedIn returns a client signed in as the account of role.
func (f *fixture) signedIn(role hall.Role) *client {
	f.t.Helper()
	c := f.client()
	if status, body := c.do("POST", "/console/api/session", map[string]string{"login": string(role), "password": password}); status != 200 {
		f.t.Fatalf("sign in as %s: %d %s", role, status, body)
	}
	return c
}

// do sends a request (JSON body unless nil) and returns status and body.
func (c *client) do(method, path string, body any) (int, []byte) {
	c.f.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.f.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.f.srv.URL+path, rd)
	if err != nil {
		c.f.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if !c.bare {
		req.Header.Set(console.CSRFHeader, "1")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.f.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.f.t.Fatal(err)
	}
	return resp.StatusCode, data
}

// json sends a request that must succeed and decodes the answer into out.
func (c *client) json(method, path string, body, out any) {
	c.f.t.Helper()
	status, data := c.do(method, path, body)
	if status != 200 {
		c.f.t.Fatalf("%s %s: %d %s", method, path, status, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			c.f.t.Fatalf("%s %s: %v in %s", method, path, err, data)
		}
	}
}

// errCode returns the code of an error answer.
func errCode(body []byte) string {
	var e struct{ Code string }
	json.Unmarshal(body, &e)
	return e.Code
}

// syncReq is a pull from the beginning.
func syncReq(code string) protocol.SyncRequest {
	return protocol.SyncRequest{V: protocol.Version, Station: code}
}
