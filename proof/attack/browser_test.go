package attack_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"yizhan/app"
	"yizhan/app/hallclient"
	"yizhan/desktop"
	"yizhan/domain"
)

// The station's browser adapter (`station serve-ui`, desktop.Handler) as
// an attacker on the station PC sees it: any local process, and any web
// page open in the PC's browser — a cross-site page posting text/plain
// (no preflight), a DNS-rebinding page whose requests reach 127.0.0.1 with
// "Host: evil.example", a page on another local port (same site, other
// origin). The desktop window is signed in as the head of station and a
// clerk works in a browser tab meanwhile; none of that sign-in may reach
// the attacker.

const uiIDNumber = "11010519491231002X"

// uiEnv is a station served by the browser adapter on 127.0.0.1.
type uiEnv struct {
	t    *testing.T
	dir  string
	app  *desktop.App
	srv  *httptest.Server
	view *sql.DB
	log  string // the station's log file
	c    *domain.Case
}

func newUI(t *testing.T) *uiEnv {
	t.Helper()
	u := &uiEnv{t: t, dir: t.TempDir()}
	u.app = desktop.New(desktop.Config{Dir: u.dir})
	_, closeLog := u.app.StartLogging()
	t.Cleanup(closeLog)
	u.log = filepath.Join(u.dir, "logs", desktop.LogName+".log")
	if err := u.app.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { u.app.Shutdown(context.Background()) })
	w := u.app.API // the desktop window: one user, signed in as the head
	if _, err := w.Setup(desktop.SetupInput{Identity: app.Identity{Code: "370112001", Name: "示例镇", Region: "370112"},
		AdminLogin: "head", AdminName: "王站长", AdminPassword: "head-password-1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.SignIn("head", "head-password-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.AddStaff("clerk", "李文员", app.RoleClerk, "clerk-password-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.ImportCatalog(string(catalog(t))); err != nil {
		t.Fatal(err)
	}
	c, err := w.OpenCase(app.OpenCaseInput{ItemCode: stationItem, Channel: domain.ChannelWindow,
		Materials: []app.MaterialInput{{Code: "M1", Collected: domain.CollectPaper, Count: 1}},
		Applicant: domain.Applicant{Name: "张三", IDNumber: uiIDNumber, Phone: "13800138000"}})
	if err != nil {
		t.Fatal(err)
	}
	u.c = c
	u.srv = httptest.NewServer(desktop.Handler(u.app.API, nil, desktop.HTTPConfig{}))
	t.Cleanup(u.srv.Close)
	u.view, err = sql.Open("sqlite3", "file:"+filepath.Join(u.dir, app.DBFile)+"?_query_only=true&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { u.view.Close() })
	return u
}

// snapshot digests the station's business tables and its sync keys.
func (u *uiEnv) snapshot() string {
	u.t.Helper()
	k, _ := hallclient.LoadKeys(u.dir)
	keys := ""
	if k != nil {
		keys = k.HallURL + "|" + k.Token
	}
	return keys + dump(u.t, u.view,
		`SELECT id,case_id,kind,payload,status FROM events ORDER BY local_seq`,
		`SELECT id,state,holder,body FROM cases ORDER BY id`,
		`SELECT id,login,password_hash,role,disabled FROM staff ORDER BY id`,
		`SELECT code,version FROM catalog_items ORDER BY 1,2`,
		`SELECT key,value FROM meta WHERE key NOT LIKE 'sync_%' ORDER BY key`)
}

// logged reports whether the station's log has a line with every part.
func (u *uiEnv) logged(parts ...string) bool {
	b, _ := os.ReadFile(u.log)
	for _, line := range strings.Split(string(b), "\n") {
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

// uiRequest is one request to the adapter as an attacker shapes it.
type uiRequest struct {
	method string // the bound method
	args   []any
	host   string            // Host header; "" keeps the server's
	hdr    map[string]string // extra headers (Origin, the CSRF header)
	ctype  string            // "" is text/plain: a cross-site form or fetch needs no preflight for it
	client *http.Client      // nil: no cookies
}

func (u *uiEnv) do(r uiRequest) (int, string) {
	u.t.Helper()
	body, _ := json.Marshal(map[string]any{"args": r.args})
	req, err := http.NewRequest(http.MethodPost, u.srv.URL+"/api/"+r.method, strings.NewReader(string(body)))
	if err != nil {
		u.t.Fatal(err)
	}
	if r.host != "" {
		req.Host = r.host
	}
	ct := r.ctype
	if ct == "" {
		ct = "text/plain;charset=UTF-8"
	}
	req.Header.Set("Content-Type", ct)
	for k, v := range r.hdr {
		req.Header.Set(k, v)
	}
	cl := r.client
	if cl == nil {
		cl = http.DefaultClient
	}
	resp, err := cl.Do(req)
	if err != nil {
		u.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// browser is the station's own frontend in one browser: it takes a session
// (cookie and CSRF token) as the frontend's transport does, and sends the
// Origin a browser sends.
type browser struct {
	u      *uiEnv
	client *http.Client
	csrf   string
}

func (u *uiEnv) browser() *browser {
	u.t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &browser{u: u, client: &http.Client{Jar: jar}}
	req, _ := http.NewRequest(http.MethodPost, u.srv.URL+desktop.SessionPath, nil)
	req.Header.Set(desktop.CSRFHeader, "new")
	req.Header.Set("Origin", u.srv.URL)
	resp, err := b.client.Do(req)
	if err != nil {
		u.t.Fatal(err)
	}
	defer resp.Body.Close()
	var s struct {
		CSRF string `json:"csrf"`
	}
	json.NewDecoder(resp.Body).Decode(&s)
	b.csrf = s.CSRF
	return b
}

func (b *browser) call(method string, args ...any) (int, string) {
	b.u.t.Helper()
	return b.u.do(uiRequest{method: method, args: args, client: b.client, ctype: "application/json",
		hdr: map[string]string{"Origin": b.u.srv.URL, desktop.CSRFHeader: b.csrf}})
}

func (b *browser) signIn(login, password string) {
	b.u.t.Helper()
	if status, out := b.call("SignIn", login, password); status != http.StatusOK {
		b.u.t.Fatalf("%s signs in in the browser: %d %s", login, status, out)
	}
}

// Any local process, or a cross-site page posting text/plain, calls the
// adapter without signing in while the desktop window and a clerk's
// browser tab are signed in: re-pointing the station at another hall
// (Enroll), revealing a case, writing a backup where it likes, adding an
// account, recording a step. Every call is refused (401), logged, and
// changes nothing; the Enroll never reaches the attacker's hall.
func TestAttackBrowserAdapterWithoutSignIn(t *testing.T) {
	u := newUI(t)
	evil := newHall(t)
	code, err := evil.svc.AddStation(context.Background(), "370112001", "假站", "370112")
	if err != nil {
		t.Fatal(err)
	}
	clerk := u.browser()
	clerk.signIn("clerk", "clerk-password-1")
	before := u.snapshot()
	stolen := filepath.Join(t.TempDir(), "stolen.db")
	attacks := []uiRequest{
		{method: "Enroll", args: []any{evil.srv.URL, code}},
		{method: "RevealCase", args: []any{u.c.ID, "attack"}},
		{method: "ShowCase", args: []any{u.c.ID}},
		{method: "FindCases", args: []any{app.CaseFilter{Query: "张"}}},
		{method: "PrintDocument", args: []any{u.c.ID, "receipt"}},
		{method: "Backup", args: []any{stolen}},
		{method: "AddStaff", args: []any{"evil", "坏人", app.RoleHead, "evil-password-1"}},
		{method: "Step", args: []any{u.c.ID, desktop.StepInput{Kind: string(domain.EvAccept)}}},
		{method: "ImportCatalog", args: []any{"{}"}},
		{method: "ExportBundle", args: []any{filepath.Join(t.TempDir(), "x.yzb")}},
		{method: "SyncStatus"},
		{method: "Enroll", args: []any{evil.srv.URL, code}, ctype: "application/json"},
	}
	for _, a := range attacks {
		status, out := u.do(a)
		if status != http.StatusUnauthorized && status != http.StatusForbidden {
			t.Errorf("%s without sign-in (%s): %d %.200s", a.method, a.ctype, status, out)
		}
		if strings.Contains(out, uiIDNumber) || strings.Contains(out, "13800138000") {
			t.Errorf("%s without sign-in returned personal data: %.200s", a.method, out)
		}
		if !u.logged("ui request refused", `"method":"`+a.method+`"`) {
			t.Errorf("%s: refusal not logged", a.method)
		}
	}
	if _, err := os.Stat(stolen); err == nil {
		t.Error("a backup was written for a caller who never signed in")
	}
	if u.snapshot() != before {
		t.Error("the station's data or its hall changed")
	}
	if sts, _ := evil.svc.Stations(context.Background()); len(sts) != 1 || sts[0].Status != "announced" {
		t.Errorf("the attacker's hall enrolled the station: %+v", sts)
	}
	// The clerk's own tab still works.
	if status, out := clerk.call("ShowCase", u.c.ID); status != http.StatusOK {
		t.Errorf("the clerk's session after the attacks: %d %s", status, out)
	}
}

// A DNS-rebinding page (its requests reach 127.0.0.1 with "Host:
// evil.example"), a page served from another local port (same site,
// another origin) and a page on another site: each is refused with 403
// before any method runs, with or without a browser session's cookie and
// token, and sees no personal data.
func TestAttackBrowserAdapterDNSRebindingAndCrossOrigin(t *testing.T) {
	u := newUI(t)
	clerk := u.browser()
	clerk.signIn("clerk", "clerk-password-1")
	before := u.snapshot()
	withSession := map[string]string{desktop.CSRFHeader: clerk.csrf}
	attacks := map[string]uiRequest{
		"rebinding, bare":             {method: "RevealCase", args: []any{u.c.ID, "x"}, host: "evil.example"},
		"rebinding, port":             {method: "RevealCase", args: []any{u.c.ID, "x"}, host: "evil.example:80"},
		"rebinding, with session":     {method: "RevealCase", args: []any{u.c.ID, "x"}, host: "evil.example", hdr: withSession, client: clerk.client},
		"rebinding, kiosk":            {method: "KioskIssueTicket", args: []any{""}, host: "evil.example"},
		"rebinding, sign-in":          {method: "SignIn", args: []any{"clerk", "clerk-password-1"}, host: "evil.example"},
		"other local port":            {method: "RevealCase", args: []any{u.c.ID, "x"}, hdr: map[string]string{"Origin": "http://127.0.0.1:1", desktop.CSRFHeader: clerk.csrf}, client: clerk.client},
		"other site":                  {method: "RevealCase", args: []any{u.c.ID, "x"}, hdr: map[string]string{"Origin": "https://evil.example"}, client: clerk.client},
		"other site, fetch metadata":  {method: "Backup", args: []any{filepath.Join(t.TempDir(), "b.db")}, hdr: map[string]string{"Sec-Fetch-Site": "cross-site", desktop.CSRFHeader: clerk.csrf}, client: clerk.client},
		"null origin (sandbox frame)": {method: "ShowCase", args: []any{u.c.ID}, hdr: map[string]string{"Origin": "null", desktop.CSRFHeader: clerk.csrf}, client: clerk.client},
		"cookie without the token":    {method: "ShowCase", args: []any{u.c.ID}, client: clerk.client},
	}
	for name, a := range attacks {
		status, out := u.do(a)
		if status != http.StatusForbidden && status != http.StatusUnauthorized {
			t.Errorf("%s: %d %.200s", name, status, out)
		}
		if strings.Contains(out, uiIDNumber) || strings.Contains(out, "13800138000") {
			t.Errorf("%s: personal data came back: %.200s", name, out)
		}
	}
	if !u.logged("ui request refused", "evil.example") {
		t.Error("refusals by host not logged")
	}
	if u.snapshot() != before {
		t.Error("the station's data changed")
	}
	// The kiosk's public set still answers the station's own origin.
	if status, out := u.do(uiRequest{method: "KioskIssueTicket", args: []any{""}, hdr: map[string]string{"Origin": u.srv.URL}}); status != http.StatusOK {
		t.Errorf("kiosk ticket from the station's own page: %d %s", status, out)
	}
}

// A signed-in member whose role does not allow it: a clerk re-points the
// station at a hall, writes a backup of every applicant's data, adds an
// account or imports a catalog. Each is refused (403) and changes nothing;
// the head of station may.
func TestAttackBrowserAdapterWrongRole(t *testing.T) {
	u := newUI(t)
	evil := newHall(t)
	code, err := evil.svc.AddStation(context.Background(), "370112001", "假站", "370112")
	if err != nil {
		t.Fatal(err)
	}
	clerk := u.browser()
	clerk.signIn("clerk", "clerk-password-1")
	before := u.snapshot()
	backup := filepath.Join(t.TempDir(), "copy.db")
	for _, a := range []struct {
		method string
		args   []any
	}{
		{"Enroll", []any{evil.srv.URL, code}},
		{"Backup", []any{backup}},
		{"AddStaff", []any{"evil", "坏人", app.RoleHead, "evil-password-1"}},
		{"UpdateStaff", []any{"x", desktop.StaffUpdate{Unlock: true}}},
		{"ImportCatalog", []any{string(catalog(t))}},
	} {
		status, out := clerk.call(a.method, a.args...)
		if status != http.StatusForbidden {
			t.Errorf("clerk calls %s: %d %.200s", a.method, status, out)
		}
	}
	if _, err := os.Stat(backup); err == nil {
		t.Error("a clerk wrote a backup")
	}
	if u.snapshot() != before {
		t.Error("the station's data changed")
	}
	head := u.browser()
	head.signIn("head", "head-password-1")
	if status, out := head.call("Backup", backup); status != http.StatusOK {
		t.Fatalf("the head's backup: %d %s", status, out)
	}
}
