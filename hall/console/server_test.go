package console_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"yizhan/domain"
	"yizhan/hall"
	"yizhan/hall/console"
)

// endpoint is one console API route with a body that passes decoding.
type endpoint struct {
	method, path string
	body         any
	allowed      []hall.Role // nil: every role
}

var (
	handlers    = []hall.Role{hall.RoleClerk, hall.RoleApprover}
	deciders    = []hall.Role{hall.RoleApprover}
	supervisors = []hall.Role{hall.RoleSupervisor, hall.RoleAdmin}
)

// endpoints lists every route, with the roles that may use it. The case
// routes use the case ID "CASE".
func endpoints() []endpoint {
	item := json.RawMessage(`{"implementation_code":"X-1","name":"测试事项","kind":"即办件","legal_limit":{"value":1,"unit":"G"},"promised_limit":{"value":0,"unit":"G"}}`)
	return []endpoint{
		{"GET", "/console/api/session", nil, nil},
		{"GET", "/console/api/inbox", nil, nil},
		{"GET", "/console/api/cases?q=A01", nil, nil},
		{"GET", "/console/api/cases/CASE", nil, nil},
		{"POST", "/console/api/cases/CASE/unmask", map[string]string{"purpose": "核对身份"}, nil},
		{"GET", "/console/api/cases/CASE/access", nil, supervisors},
		{"POST", "/console/api/cases/CASE/serial", map[string]string{"serial": "SQ-1"}, handlers},
		{"POST", "/console/api/cases/CASE/accept", map[string]string{}, handlers},
		{"POST", "/console/api/cases/CASE/suspend", map[string]string{"reason": "现场核查"}, deciders},
		{"POST", "/console/api/cases/CASE/resume", map[string]string{}, deciders},
		{"POST", "/console/api/cases/CASE/correction", map[string]any{"reason": "缺材料", "items": []string{"户口簿"}}, handlers},
		{"POST", "/console/api/cases/CASE/route", map[string]string{"to": "A01"}, handlers},
		{"POST", "/console/api/cases/CASE/return", map[string]string{"reason": "不属于本级"}, handlers},
		{"POST", "/console/api/cases/CASE/approve", map[string]string{}, deciders},
		{"POST", "/console/api/cases/CASE/refuse", map[string]string{"reason": "不符合条件"}, deciders},
		{"GET", "/console/api/access", nil, supervisors},
		{"GET", "/console/api/catalog", nil, nil},
		{"GET", "/console/api/catalog/X-1/0", nil, nil},
		{"POST", "/console/api/catalog/items", map[string]any{"item": item}, supervisors},
		{"POST", "/console/api/catalog/X-1/1/status", map[string]string{"status": "suspended"}, supervisors},
		{"POST", "/console/api/catalog/publish", map[string]any{"catalog_version": "c", "items": []any{item}}, supervisors},
		{"GET", "/console/api/calendar", nil, nil},
		{"POST", "/console/api/calendar", map[string]any{"year": 2031, "holidays": []string{"2031-01-01"}, "workdays": []string{}, "source": "t"}, supervisors},
		{"GET", "/console/api/stations", nil, nil},
		{"POST", "/console/api/stations", map[string]string{"code": "Z99", "name": "新站"}, supervisors},
		{"POST", "/console/api/stations/Z99/revoke", map[string]string{}, supervisors},
		{"GET", "/console/api/reviews", nil, nil},
		{"POST", "/console/api/reviews/CASE", map[string]string{"status": "fixed", "callback": "c", "result": "r"}, supervisors},
		{"GET", "/console/api/stats", nil, nil},
		{"GET", "/console/api/stats.xlsx", nil, supervisors},
	}
}

func allows(e endpoint, r hall.Role) bool {
	if e.allowed == nil {
		return true
	}
	for _, x := range e.allowed {
		if x == r {
			return true
		}
	}
	return false
}

// TestRoles runs every endpoint as every role: a role without the right
// gets 403 forbidden and changes nothing; a role with it never does.
func TestRoles(t *testing.T) {
	for _, role := range roles {
		t.Run(string(role), func(t *testing.T) {
			f := newFixture(t)
			id := f.st.forwarded()
			c := f.signedIn(role)
			for _, e := range endpoints() {
				status, body := c.do(e.method, strings.ReplaceAll(e.path, "CASE", id), e.body)
				if allows(e, role) {
					if status == http.StatusForbidden || status == http.StatusUnauthorized {
						t.Errorf("%s %s as %s: %d %s, want allowed", e.method, e.path, role, status, body)
					}
				} else if status != http.StatusForbidden || errCode(body) != domain.EForbidden {
					t.Errorf("%s %s as %s: %d %s, want 403 forbidden", e.method, e.path, role, status, body)
				}
			}
		})
	}
}

// TestNoSession: every endpoint but sign-in refuses a request without a
// session, and refuses a forged cookie.
func TestNoSession(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	for _, e := range endpoints() {
		status, body := c.do(e.method, strings.ReplaceAll(e.path, "CASE", "x"), e.body)
		if status != http.StatusUnauthorized || errCode(body) != domain.EUnauthorized {
			t.Errorf("%s %s without a session: %d %s", e.method, e.path, status, body)
		}
	}
	req, _ := http.NewRequest("GET", f.srv.URL+"/console/api/inbox", nil)
	req.AddCookie(&http.Cookie{Name: console.CookieName, Value: "forged-token"})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("forged cookie: %d", resp.StatusCode)
	}
}

// TestCSRF: a POST without the console header is refused before anything
// else happens, signed in or not.
func TestCSRF(t *testing.T) {
	f := newFixture(t)
	id := f.st.forwarded()
	bare := f.client()
	bare.bare = true
	status, body := bare.do("POST", "/console/api/session", map[string]string{"login": "approver", "password": password})
	if status != http.StatusForbidden || errCode(body) != domain.EForbidden {
		t.Errorf("sign in without the header: %d %s", status, body)
	}
	c := f.signedIn(hall.RoleApprover)
	c.bare = true
	for _, e := range endpoints() {
		if e.method != "POST" {
			continue
		}
		status, body := c.do(e.method, strings.ReplaceAll(e.path, "CASE", id), e.body)
		if status != http.StatusForbidden || !strings.Contains(string(body), console.CSRFHeader) {
			t.Errorf("%s without the header: %d %s", e.path, status, body)
		}
	}
	c.bare = false
	var v struct{ Case domain.Case }
	c.json("GET", "/console/api/cases/"+id, nil, &v)
	if v.Case.State != domain.StateForwarded {
		t.Errorf("a refused request changed the case: %s", v.Case.State)
	}
}

func TestCookieAndSessionExpiry(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	b, _ := json.Marshal(map[string]string{"login": "clerk", "password": password})
	req, _ := http.NewRequest("POST", f.srv.URL+"/console/api/session", bytes.NewReader(b))
	req.Header.Set(console.CSRFHeader, "1")
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	sc := resp.Header.Get("Set-Cookie")
	for _, want := range []string{console.CookieName + "=", "HttpOnly", "SameSite=Strict", "Path=/console/"} {
		if !strings.Contains(sc, want) {
			t.Errorf("Set-Cookie %q lacks %q", sc, want)
		}
	}
	c.json("GET", "/console/api/inbox", nil, nil)
	f.clock.Add(f.svc.SessionIdle + time.Second)
	status, body := c.do("GET", "/console/api/inbox", nil)
	if status != http.StatusUnauthorized {
		t.Errorf("idle session: %d %s", status, body)
	}
	// Signing out ends the session on the server, not only the cookie.
	c = f.signedIn(hall.RoleClerk)
	u, _ := http.NewRequest("GET", f.srv.URL+"/console/", nil)
	cookies := c.http.Jar.Cookies(u.URL)
	c.json("POST", "/console/api/signout", map[string]string{}, nil)
	req, _ = http.NewRequest("GET", f.srv.URL+"/console/api/inbox", nil)
	for _, ck := range cookies {
		req.AddCookie(ck)
	}
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("old cookie after sign-out: %d", resp.StatusCode)
	}
	// Wrong passwords slow the next try (429, Retry-After) but lock
	// nothing: the member's own browser, with its device cookie, goes in.
	own := f.signedIn(hall.RoleClerk)
	sc = ""
	for _, ck := range own.http.Jar.Cookies(u.URL) {
		if ck.Name == console.DeviceCookie {
			sc = ck.Value
		}
	}
	if sc == "" {
		t.Fatal("no device cookie after sign-in")
	}
	for range 5 {
		f.client().do("POST", "/console/api/session", map[string]string{"login": "clerk", "password": "wrong one!"})
	}
	req, _ = http.NewRequest("POST", f.srv.URL+"/console/api/session", strings.NewReader(`{"login":"clerk","password":"`+password+`"}`))
	req.Header.Set(console.CSRFHeader, "1")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" {
		t.Errorf("after wrong passwords: %d Retry-After %q, want 429 and 1", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if status, body := own.do("POST", "/console/api/session", map[string]string{"login": "clerk", "password": password}); status != http.StatusOK {
		t.Errorf("the member's own browser: %d %s", status, body)
	}
}

// TestMaskingAndAccessLog: lists and the detail are masked; unmasking needs
// a purpose; views, unmasking and searches are logged.
func TestMaskingAndAccessLog(t *testing.T) {
	f := newFixture(t)
	id := f.st.forwarded()
	c := f.signedIn(hall.RoleClerk)
	full := []string{"11010519491231002X", "张三丰", "13812345678"}
	for _, path := range []string{"/console/api/inbox", "/console/api/cases?q=A01", "/console/api/cases/" + id} {
		status, body := c.do("GET", path, nil)
		if status != 200 {
			t.Fatalf("%s: %d %s", path, status, body)
		}
		for _, s := range full {
			if strings.Contains(string(body), s) {
				t.Errorf("%s shows %s unmasked", path, s)
			}
		}
		if !strings.Contains(string(body), "110105********002X") {
			t.Errorf("%s lacks the masked ID number: %s", path, body)
		}
	}
	status, body := c.do("POST", "/console/api/cases/"+id+"/unmask", map[string]string{"purpose": " "})
	if status != http.StatusBadRequest {
		t.Errorf("unmask without a purpose: %d %s", status, body)
	}
	var v struct {
		Case   domain.Case
		Masked bool
	}
	c.json("POST", "/console/api/cases/"+id+"/unmask", map[string]string{"purpose": "打印受理通知书"}, &v)
	if v.Masked || v.Case.Applicant.IDNumber != "11010519491231002X" || v.Case.Applicant.Name != "张三丰" {
		t.Errorf("unmasked: %+v", v)
	}
	var log []hall.Access
	f.signedIn(hall.RoleSupervisor).json("GET", "/console/api/cases/"+id+"/access", nil, &log)
	got := map[string]string{}
	for _, a := range log {
		if a.Actor == "clerk" {
			got[a.Action] = a.Detail
		}
	}
	if _, ok := got["case.view"]; !ok || got["case.unmask"] != "打印受理通知书" {
		t.Errorf("case access log: %+v", log)
	}
	var all []hall.Access
	f.signedIn(hall.RoleAdmin).json("GET", "/console/api/access?actor=clerk&action=case.search", nil, &all)
	if len(all) != 1 || all[0].Detail != "q=A01" {
		t.Errorf("search log: %+v", all)
	}
}

// TestApproveReachesStation: a clerk takes up a forwarded case, an
// approver approves it, and the station's next sync carries the result.
func TestApproveReachesStation(t *testing.T) {
	f := newFixture(t)
	id := f.st.forwarded()
	var inbox []hall.CaseRow
	clerk := f.signedIn(hall.RoleClerk)
	clerk.json("GET", "/console/api/inbox", nil, &inbox)
	if len(inbox) != 1 || inbox[0].ID != id || inbox[0].Deadline.Due != "2026-03-16" || inbox[0].Deadline.Overdue {
		t.Fatalf("inbox: %+v", inbox)
	}
	clerk.json("POST", "/console/api/cases/"+id+"/accept", map[string]string{}, nil)
	var v struct {
		Case    domain.Case
		History []struct{ Event domain.Event }
	}
	f.signedIn(hall.RoleApprover).json("POST", "/console/api/cases/"+id+"/approve", map[string]string{"cert_no": "Z-7"}, &v)
	if v.Case.State != domain.StateConcluded || v.Case.Result != domain.ResultApproved || v.Case.Holder != "A01" {
		t.Errorf("after approval: %+v", v.Case)
	}
	last := v.History[len(v.History)-1].Event
	if last.Actor != "approver" || last.ActorName != "approver 姓名" || last.Office != domain.HallOffice {
		t.Errorf("the approval event names the approver: %+v", last)
	}
	got := f.st.sync()
	var concluded bool
	for _, e := range got {
		if e.Event.CaseID == id && e.Event.Kind == domain.EvConclude {
			concluded = true
		}
	}
	if !concluded {
		t.Errorf("the station did not receive the approval: %+v", got)
	}
	clerk.json("GET", "/console/api/inbox", nil, &inbox)
	if len(inbox) != 0 {
		t.Errorf("inbox after approval: %+v", inbox)
	}
	// A step the state machine refuses is a conflict, not an error page.
	status, body := f.signedIn(hall.RoleApprover).do("POST", "/console/api/cases/"+id+"/approve", map[string]string{})
	if status != http.StatusConflict {
		t.Errorf("approving twice: %d %s", status, body)
	}
}

func TestStatsExcel(t *testing.T) {
	f := newFixture(t)
	f.st.forwarded()
	o := f.st.maker.Open("station")
	f.st.sync(o, f.st.maker.Step(o.CaseID, domain.EvAccept, domain.StateReceived),
		f.st.maker.Step(o.CaseID, domain.EvConclude, domain.StateAccepted),
		f.st.maker.Event(o.CaseID, domain.EvEvaluate, domain.StateConcluded, domain.Evaluation{Level: 1, Source: "pad"}))
	sup := f.signedIn(hall.RoleSupervisor)
	var st hall.Stats
	sup.json("GET", "/console/api/stats?from=2026-01-01&to=2026-03-31", nil, &st)
	if st.Total.Intake != 2 || st.Total.Concluded != 1 || st.Total.OnTime != 1 || st.Total.Bad != 1 || len(st.ByMonth) != 3 {
		t.Errorf("stats: %+v", st)
	}
	status, data := sup.do("GET", "/console/api/stats.xlsx?from=2026-01-01&to=2026-03-31&lang=en-US", nil)
	if status != 200 {
		t.Fatalf("export: %d %s", status, data)
	}
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := strings.Join(x.GetSheetList(), ","); got != "By station,By item,By month,Notes" {
		t.Errorf("sheets: %s", got)
	}
	rows, err := x.GetRows("By station")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][2] != "Intake" || rows[1][0] != "A01 便民服务站" || rows[1][1] != "A01" || rows[1][2] != "2" ||
		rows[2][0] != "Total" || rows[2][2] != "2" {
		t.Errorf("By station rows: %q", rows)
	}
	months, _ := x.GetRows("By month")
	if len(months) != 5 || months[1][0] != "2026-01" || months[3][2] != "2" {
		t.Errorf("By month rows: %q", months)
	}
	zh, _ := f.signedIn(hall.RoleAdmin).do("GET", "/console/api/stats.xlsx?from=2026-03-01&to=2026-03-31", nil)
	if zh != 200 {
		t.Errorf("export in Chinese: %d", zh)
	}
	var log []hall.Access
	sup.json("GET", "/console/api/access?action=stats.export", nil, &log)
	if len(log) != 2 || log[1].Actor != "supervisor" || !strings.HasPrefix(log[1].Detail, "2026-01-01..2026-03-31") {
		t.Errorf("exports are logged: %+v", log)
	}
	var revs []hall.BadReview
	sup.json("GET", "/console/api/reviews?open=1", nil, &revs)
	if len(revs) != 1 || revs[0].Due != "2026-03-09" {
		t.Fatalf("bad reviews: %+v", revs)
	}
	sup.json("POST", "/console/api/reviews/"+revs[0].CaseID, hall.CallbackInput{Status: "explained", Callback: "已回访", Result: "已解释"}, nil)
	sup.json("GET", "/console/api/reviews?open=1", nil, &revs)
	if len(revs) != 0 {
		t.Errorf("open reviews after the call-back: %+v", revs)
	}
}

// TestCatalogAndStations: a supervisor publishes a new item version and a
// calendar year, which reach the station; enrols and revokes a station.
func TestCatalogAndStations(t *testing.T) {
	f := newFixture(t)
	sup := f.signedIn(hall.RoleSupervisor)
	item := map[string]any{"implementation_code": "X-1", "name": "测试事项", "kind": "承诺件", "handled_at": "hall",
		"legal_limit": map[string]any{"value": 20, "unit": "G"}, "promised_limit": map[string]any{"value": 10, "unit": "G"}}
	var res hall.PublishResult
	sup.json("POST", "/console/api/catalog/items", map[string]any{"item": item}, &res)
	item["promised_limit"] = map[string]any{"value": 5, "unit": "G"}
	sup.json("POST", "/console/api/catalog/items", map[string]any{"item": item, "catalog": "2026-03 修订"}, &res)
	if res.Catalog != "2026-03 修订" || res.Added != 1 {
		t.Errorf("second version: %+v", res)
	}
	status, body := sup.do("POST", "/console/api/catalog/items", map[string]any{"item": json.RawMessage(`{"implementation_code":"X-1","nmae":"typo"}`)})
	if status != http.StatusBadRequest {
		t.Errorf("misspelt field: %d %s", status, body)
	}
	var items []hall.CatalogItem
	sup.json("GET", "/console/api/catalog", nil, &items)
	// The fixture's catalog (stationsim.Catalog) comes first.
	if n := len(items); n == 0 || items[n-1].Code != "X-1" || items[n-1].Latest != 2 || len(items[n-1].Versions) != 2 {
		t.Errorf("catalog: %+v", items)
	}
	var it domain.Item
	sup.json("GET", "/console/api/catalog/X-1/2", nil, &it)
	if it.PromisedLimit.Value != 5 {
		t.Errorf("version 2: %+v", it)
	}
	sup.json("POST", "/console/api/calendar", map[string]any{"year": 2031, "holidays": []string{"2031-01-01"}, "workdays": []string{}, "source": "国办发明电"}, nil)
	st, err := f.svc.Authenticate(f.ctx, f.st.token)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := f.svc.Sync(f.ctx, st, syncReq(st.Code))
	if err != nil {
		t.Fatal(err)
	}
	var versions []int
	var years int
	for _, p := range resp.Published {
		if p.Item != nil && p.Item.Code == "X-1" {
			versions = append(versions, p.Item.Version)
		}
		if p.Calendar != nil {
			years++
		}
	}
	if len(versions) != 2 || versions[1] != 2 || years != 1 {
		t.Errorf("station received items %v and %d calendar years", versions, years)
	}
	var enrol struct {
		Station   string `json:"station"`
		EnrolCode string `json:"enrol_code"`
	}
	sup.json("POST", "/console/api/stations", map[string]string{"code": "B02", "name": "新站"}, &enrol)
	if enrol.Station != "B02" || len(enrol.EnrolCode) != 19 {
		t.Errorf("enrol: %+v", enrol)
	}
	sup.json("POST", "/console/api/stations/B02/revoke", map[string]string{}, nil)
	var list []hall.StationInfo
	sup.json("GET", "/console/api/stations", nil, &list)
	if len(list) != 2 || list[1].Code != "B02" || list[1].Status != "revoked" || list[0].SignKey != "" {
		t.Errorf("stations: %+v", list)
	}
	var log []hall.Access
	sup.json("GET", "/console/api/access?action=station.", nil, &log)
	if len(log) < 2 || log[0].Actor != "supervisor" || log[0].Action != "station.revoke" {
		t.Errorf("station changes are logged under the console account: %+v", log)
	}
}

func TestAssetsAndUnknownAPI(t *testing.T) {
	f := newFixture(t)
	for path, want := range map[string]string{
		"/console/":                     "<title>console</title>",
		"/console/inbox":                "<title>console</title>",
		"/console/cases/123":            "<title>console</title>",
		"/console/assets/app-1234.js":   "console.log(1)",
		"/console/../console/index.htm": "<title>console</title>",
	} {
		resp, err := http.Get(f.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(buf.String(), want) {
			t.Errorf("%s: %d %q", path, resp.StatusCode, buf.String())
		}
		if resp.Header.Get("Content-Security-Policy") == "" || resp.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: security headers missing", path)
		}
	}
	c := f.signedIn(hall.RoleClerk)
	if status, body := c.do("GET", "/console/api/nothing", nil); status != 404 || errCode(body) != domain.ENotFound {
		t.Errorf("unknown endpoint: %d %s", status, body)
	}
}
