package desktop_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"yizhan/app"
	"yizhan/desktop"
	"yizhan/domain"
	"yizhan/internal/testclock"
)

// uiClient is one browser: a cookie jar and the session's CSRF token.
type uiClient struct {
	t    *testing.T
	srv  *httptest.Server
	http *http.Client
	csrf string
}

func newClient(t *testing.T, srv *httptest.Server) *uiClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &uiClient{t: t, srv: srv, http: &http.Client{Jar: jar}}
	c.renew()
	return c
}

// renew takes a new session, as the transport does on "session required".
func (c *uiClient) renew() {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.srv.URL+desktop.SessionPath, nil)
	req.Header.Set(desktop.CSRFHeader, "new")
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var s struct {
		CSRF string `json:"csrf"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&s) != nil || s.CSRF == "" {
		c.t.Fatalf("new session: %d", resp.StatusCode)
	}
	c.csrf = s.CSRF
}

func (c *uiClient) post(method string, args ...any) (int, map[string]any, http.Header) {
	c.t.Helper()
	body, _ := json.Marshal(map[string]any{"args": args})
	req, _ := http.NewRequest(http.MethodPost, c.srv.URL+"/api/"+method, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", c.srv.URL)
	req.Header.Set(desktop.CSRFHeader, c.csrf)
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out, resp.Header
}

// newStation opens a station with a head and a clerk, set up through the
// desktop window's own API (which is then signed out).
func newStation(t *testing.T) *desktop.App {
	t.Helper()
	a := desktop.New(desktop.Config{Dir: t.TempDir()})
	if err := a.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Shutdown(context.Background()) })
	if _, err := a.API.Setup(desktop.SetupInput{Identity: app.Identity{Code: "370112001", Name: "示例镇"}, AdminLogin: "head",
		AdminName: "王站长", AdminPassword: "secret123"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.API.SignIn("head", "secret123"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.API.AddStaff("clerk", "李文员", app.RoleClerk, "secret456"); err != nil {
		t.Fatal(err)
	}
	a.API.SignOut()
	return a
}

func TestHandler(t *testing.T) {
	a := desktop.New(desktop.Config{Dir: t.TempDir()})
	if err := a.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer a.Shutdown(context.Background())
	srv := httptest.NewServer(desktop.Handler(a.API, nil, desktop.HTTPConfig{}))
	defer srv.Close()
	c := newClient(t, srv)

	t.Run("SetupAndSignIn", func(t *testing.T) {
		code, out, _ := c.post("Setup", desktop.SetupInput{Identity: app.Identity{Code: "370112001", Name: "示例镇"}, AdminLogin: "head", AdminName: "王站长", AdminPassword: "secret123"})
		if code != 200 || out["initialised"] != true {
			t.Fatalf("Setup: got %d %v", code, out)
		}
		if code, out, _ := c.post("Setup", desktop.SetupInput{Identity: app.Identity{Code: "370112002", Name: "另一站"}, AdminLogin: "x", AdminName: "x", AdminPassword: "secret123"}); code != 409 {
			t.Fatalf("second Setup: got %d %v, want 409", code, out)
		}
		if code, out, _ := c.post("SignIn", "head", "wrong-password"); code != 401 || out["zh"] == "" || out["code"] != "unauthorized" {
			t.Fatalf("bad password: got %d %v, want 401 with a Chinese message", code, out)
		}
		if code, out, _ := c.post("SignIn", "head", "secret123"); code != 200 || out["role"] != "head" {
			t.Fatalf("SignIn: got %d %v", code, out)
		}
	})
	t.Run("ErrBadArgs", func(t *testing.T) {
		if code, _, _ := c.post("SignIn", "only-one"); code != 400 {
			t.Fatalf("got %d, want 400", code)
		}
		if code, _, _ := c.post("NoSuchMethod"); code != 404 {
			t.Fatalf("got %d, want 404", code)
		}
		if code, _, _ := c.post("Startup"); code != 404 {
			t.Fatalf("a method of App: got %d, want 404", code)
		}
	})
	t.Run("CheckField", func(t *testing.T) {
		for _, tt := range []struct {
			kind, value string
			status      int
			valid       any
			field, want string // a field of the answer and its value
		}{
			{"id", "11010519491231002x", 200, true, "value", "11010519491231002X"},
			{"id", "11010519491231002x", 200, true, "birth_date", "1949-12-31"},
			{"phone", "12345", 200, false, "code", "phone_format"},
			{"email", "a@b.c", 400, nil, "code", "invalid"},
		} {
			code, out, _ := c.post("CheckField", tt.kind, tt.value)
			if code != tt.status || out["valid"] != tt.valid || out[tt.field] != tt.want {
				t.Errorf("CheckField(%s, %s): got %d %v, want %d with %s=%s", tt.kind, tt.value, code, out, tt.status, tt.field, tt.want)
			}
		}
	})
	t.Run("LockedSessionRefused", func(t *testing.T) {
		c.post("Lock")
		if code, out, _ := c.post("FindCases", app.CaseFilter{}); code != 401 {
			t.Fatalf("locked: got %d %v, want 401", code, out)
		}
		if code, _, _ := c.post("Unlock", "secret123"); code != 200 {
			t.Fatalf("unlock: got %d", code)
		}
		if code, _, _ := c.post("FindCases", app.CaseFilter{}); code != 200 {
			t.Fatalf("after unlock: got %d", code)
		}
	})
}

// Each browser has its own sign-in; the desktop window's is not shared.
func TestSessionsAreApart(t *testing.T) {
	a := newStation(t)
	if _, err := a.API.SignIn("head", "secret123"); err != nil { // the window
		t.Fatal(err)
	}
	clock := testclock.New(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
	srv := httptest.NewServer(desktop.Handler(a.API, nil, desktop.HTTPConfig{Now: clock.Now, MaxSessions: 3, SessionIdle: time.Hour}))
	defer srv.Close()
	b1, b2 := newClient(t, srv), newClient(t, srv)
	for name, c := range map[string]*uiClient{"new browser": b1, "other browser": b2} {
		if code, out, _ := c.post("FindCases", app.CaseFilter{}); code != 401 {
			t.Fatalf("%s while the window is signed in: %d %v, want 401", name, code, out)
		}
		if code, out, _ := c.post("Info"); code != 200 || out["user"] != nil {
			t.Fatalf("%s: Info %d %v, want nobody signed in", name, code, out)
		}
	}
	if code, _, _ := b1.post("SignIn", "clerk", "secret456"); code != 200 {
		t.Fatal("clerk sign-in")
	}
	if code, _, _ := b1.post("FindCases", app.CaseFilter{}); code != 200 {
		t.Fatal("the clerk's own browser")
	}
	if code, _, _ := b2.post("FindCases", app.CaseFilter{}); code != 401 {
		t.Fatal("the clerk's sign-in reached another browser")
	}
	if info, _ := a.API.Info(); info.User == nil || info.User.Login != "head" {
		t.Fatalf("the window's sign-in changed: %+v", info.User)
	}
	// The token of one session does not open another.
	b2.csrf, b1.csrf = b1.csrf, b2.csrf
	if code, _, h := b1.post("FindCases", app.CaseFilter{}); code != 401 || h.Get(desktop.SessionHeader) != "required" {
		t.Fatalf("swapped token: %d, want 401 with %s: required", code, desktop.SessionHeader)
	}
	b2.csrf, b1.csrf = b1.csrf, b2.csrf
	// Idle sessions end; the browser takes a new one and signs in again.
	clock.Add(time.Hour)
	if code, _, h := b1.post("FindCases", app.CaseFilter{}); code != 401 || h.Get(desktop.SessionHeader) != "required" {
		t.Fatalf("idle session: %d", code)
	}
	b1.renew()
	if code, _, h := b1.post("FindCases", app.CaseFilter{}); code != 401 || h.Get(desktop.SessionHeader) != "" {
		t.Fatalf("new session, not signed in: %d %v", code, h)
	}
	// At most MaxSessions are kept: the least recently used goes.
	b2.renew()
	b2.post("SignIn", "clerk", "secret456")
	clock.Add(time.Minute)
	for i := 0; i < 3; i++ {
		newClient(t, srv)
	}
	if code, _, _ := b2.post("FindCases", app.CaseFilter{}); code != 401 {
		t.Fatalf("an evicted session still works: %d", code)
	}
}

func TestHostAndOrigin(t *testing.T) {
	a := newStation(t)
	srv := httptest.NewServer(desktop.Handler(a.API, nil, desktop.HTTPConfig{Hosts: []string{"192.168.1.20"}}))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	for _, tc := range []struct {
		name, host, origin, fetchSite string
		want                          int
	}{
		{"Loopback", "", "", "", 200},
		{"Localhost", "localhost" + port, "", "", 200},
		{"ConfiguredHost", "192.168.1.20" + port, "", "", 200},
		{"OwnOrigin", "", srv.URL, "same-origin", 200},
		{"Rebinding", "evil.example" + port, "", "", 403},
		{"RebindingNoPort", "evil.example", "", "", 403},
		{"LookalikeSuffix", "127.0.0.1.evil.example", "", "", 403},
		{"OtherPort", "", "http://127.0.0.1:1", "", 403},
		{"OtherSite", "", "https://evil.example", "", 403},
		{"NullOrigin", "", "null", "", 403},
		{"CrossSiteFetch", "", "", "cross-site", 403},
		{"SameSiteFetch", "", "", "same-site", 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, srv.URL+desktop.SessionPath, nil)
			req.Header.Set(desktop.CSRFHeader, "new")
			if tc.host != "" {
				req.Host = tc.host
			}
			if tc.origin != "" {
				req.Header.Set("Origin", tc.origin)
			}
			if tc.fetchSite != "" {
				req.Header.Set("Sec-Fetch-Site", tc.fetchSite)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("got %d, want %d", resp.StatusCode, tc.want)
			}
			if resp.Header.Get("X-Frame-Options") != "DENY" {
				t.Error("no X-Frame-Options")
			}
		})
	}
	// A session needs the header, so a cross-site form cannot take one.
	resp, err := http.Post(srv.URL+desktop.SessionPath, "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 || len(resp.Cookies()) != 0 {
		t.Fatalf("session without the header: %d %v", resp.StatusCode, resp.Cookies())
	}
}

// Every exported method of API has an access class, the public set
// holds Kiosk* methods only, and the table names no method that is gone.
func TestMethodAccessCoversEveryMethod(t *testing.T) {
	typ := reflect.TypeFor[*desktop.API]()
	bound := map[string]bool{}
	for i := 0; i < typ.NumMethod(); i++ {
		m := typ.Method(i).Name
		bound[m] = true
		a, ok := desktop.MethodAccess(m)
		if !ok {
			t.Errorf("%s has no access class in desktop/access.go", m)
		}
		if a == desktop.Public && !strings.HasPrefix(m, "Kiosk") {
			t.Errorf("%s is public but not a kiosk method", m)
		}
	}
	for _, m := range desktop.Methods() {
		if !bound[m] {
			t.Errorf("access.go lists %s, which API does not have", m)
		}
	}
}

// The methods check sign-in and role themselves, so the desktop window,
// which calls them without the HTTP adapter, is held to the same table:
// every Member and Head method refuses a caller who is not signed in, and
// every Head method refuses a clerk.
func TestMethodsCheckSignInThemselves(t *testing.T) {
	a := newStation(t)
	call := func(st *desktop.API, name string) error {
		m := reflect.ValueOf(st).MethodByName(name)
		in := make([]reflect.Value, m.Type().NumIn())
		for i := range in {
			in[i] = reflect.Zero(m.Type().In(i))
		}
		for _, o := range m.Call(in) {
			if err, ok := o.Interface().(error); ok {
				return err
			}
		}
		return nil
	}
	for _, m := range desktop.Methods() {
		class, _ := desktop.MethodAccess(m)
		if class < desktop.Member {
			continue
		}
		if err := call(a.API, m); domain.ErrorCode(err) != domain.EUnauthorized {
			t.Errorf("%s (%s) without sign-in: %v, want unauthorized", m, class, err)
		}
	}
	if _, err := a.API.SignIn("clerk", "secret456"); err != nil {
		t.Fatal(err)
	}
	for _, m := range desktop.Methods() {
		if class, _ := desktop.MethodAccess(m); class != desktop.Head {
			continue
		}
		if err := call(a.API, m); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("%s as a clerk: %v, want forbidden", m, err)
		}
	}
}

// docs/security.md shows the same table as access.go.
func TestSecurityDocListsEveryMethod(t *testing.T) {
	b, err := os.ReadFile("../docs/security.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, m := range desktop.Methods() {
		class, _ := desktop.MethodAccess(m)
		row := regexp.MustCompile("(?m)^\\| `" + m + "` \\| " + regexp.QuoteMeta(class.String()) + " \\|")
		if !row.MatchString(doc) {
			t.Errorf("docs/security.md has no row \"| `%s` | %s | ...\"", m, class)
		}
	}
}

func TestCheckListen(t *testing.T) {
	for _, tc := range []struct {
		addr   string
		unsafe bool
		hosts  []string
		ok     bool
	}{
		{"127.0.0.1:34115", false, nil, true},
		{"localhost:0", false, nil, true},
		{"[::1]:34115", false, nil, true},
		{"0.0.0.0:34115", false, nil, false},
		{"192.168.1.20:34115", false, nil, false},
		{":34115", false, nil, false},
		{"192.168.1.20:34115", true, []string{"192.168.1.20"}, true},
		{"0.0.0.0:34115", true, nil, false},
		{":34115", true, nil, false},
		{"nonsense", false, nil, false},
	} {
		t.Run(fmt.Sprintf("%s/%v", tc.addr, tc.unsafe), func(t *testing.T) {
			hosts, err := desktop.CheckListen(tc.addr, tc.unsafe)
			if (err == nil) != tc.ok || !reflect.DeepEqual(hosts, tc.hosts) {
				t.Fatalf("got %v %v, want ok=%v hosts %v", hosts, err, tc.ok, tc.hosts)
			}
			if err != nil && domain.ZhMessage(err) == "" {
				t.Fatal("no Chinese message")
			}
		})
	}
}

func TestFormatError(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		code string
		msg  string
	}{
		{"Coded", fmt.Errorf("open case: %w", domain.Errorf(domain.EInvalid, "姓名必填", "name required")), "invalid", "name required"},
		{"Internal", fmt.Errorf("disk: %w", fmt.Errorf("io error at /secret/path")), "internal", "internal error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := desktop.FormatError(tc.err).(*desktop.ErrorObject)
			if got.Code != tc.code || got.Message != tc.msg || got.Zh == "" {
				t.Fatalf("got %+v, want code %s message %q and a Chinese message", got, tc.code, tc.msg)
			}
		})
	}
}
