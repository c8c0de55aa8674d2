package attack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"yizhan/domain"
	"yizhan/hall"
	"yizhan/hall/console"
)

// The hall console's sign-in as anyone on the network sees it, without an
// account: guessing passwords, locking the staff out, filling the disk
// with failed sign-ins. The console sits behind the county's proxy, which
// names the client in X-Forwarded-For; attackers come from many addresses.

const consolePassword = "console-password-1"

// consoleEnv is the hall's console on 127.0.0.1, behind a trusted proxy.
type consoleEnv struct {
	h   *hallEnv
	srv *httptest.Server
}

func (h *hallEnv) console() *consoleEnv {
	h.t.Helper()
	con, err := console.New(h.svc, console.Config{Logger: slog.New(slog.NewJSONHandler(h.log, nil)), TrustProxy: true})
	if err != nil {
		h.t.Fatal(err)
	}
	c := &consoleEnv{h: h, srv: httptest.NewServer(con)}
	h.t.Cleanup(c.srv.Close)
	return c
}

// staff adds console accounts.
func (c *consoleEnv) staff(logins ...string) {
	c.h.t.Helper()
	for _, l := range logins {
		if _, err := c.h.svc.AddStaff(context.Background(), l, "职员"+l, hall.RoleApprover, consolePassword); err != nil {
			c.h.t.Fatal(err)
		}
	}
}

// signIn posts one sign-in from ip with the client's cookies (nil: none)
// and returns the status and the Retry-After in seconds.
func (c *consoleEnv) signIn(cl *http.Client, ip, login, password string) (int, int) {
	c.h.t.Helper()
	body, _ := json.Marshal(map[string]string{"login": login, "password": password})
	req, _ := http.NewRequest(http.MethodPost, c.srv.URL+"/console/api/session", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(console.CSRFHeader, "1")
	req.Header.Set("X-Forwarded-For", ip)
	if cl == nil {
		cl = http.DefaultClient
	}
	resp, err := cl.Do(req)
	if err != nil {
		c.h.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	after, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	return resp.StatusCode, after
}

// browser is a staff member's own browser: a cookie jar.
func browserJar() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar}
}

// Locking staff out from outside: a stranger sends wrong passwords for
// every account, from one address and from many. Nobody is locked: each
// member signs in at once from the browser they used before (a signed
// device cookie), and from a new browser after at most the per-login
// delay (one minute), never a lockout. The account shows no lock.
func TestAttackConsoleLockoutByStranger(t *testing.T) {
	h := newHall(t)
	c := h.console()
	c.staff("li", "wang")
	li := browserJar()
	if status, _ := c.signIn(li, "10.0.0.5", "li", consolePassword); status != http.StatusOK {
		t.Fatalf("li's first sign-in: %d", status)
	}
	for i := 0; i < 30; i++ {
		for _, login := range []string{"li", "wang"} {
			c.signIn(nil, "203.0.113.9", login, "wrong-password-"+strconv.Itoa(i))
			c.signIn(nil, fmt.Sprintf("198.51.%d.%d", i, i), login, "wrong-password-"+strconv.Itoa(i))
		}
	}
	if status, after := c.signIn(li, "10.0.0.5", "li", consolePassword); status != http.StatusOK {
		t.Errorf("li at her own browser after the attack: %d (Retry-After %d), want signed in at once", status, after)
	}
	wang := browserJar()
	status, after := c.signIn(wang, "10.0.0.6", "wang", consolePassword)
	if status == http.StatusTooManyRequests {
		if after < 1 || after > 60 {
			t.Errorf("wang at a new browser: Retry-After %d s, want a delay of at most a minute", after)
		}
		h.clock.Add(time.Duration(after) * time.Second)
		status, _ = c.signIn(wang, "10.0.0.6", "wang", consolePassword)
	}
	if status != http.StatusOK {
		t.Errorf("wang at a new browser after the delay: %d, want signed in", status)
	}
	list, err := h.svc.ListStaff(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		if s.LockedUntil != nil {
			t.Errorf("%s is locked until %v", s.Login, s.LockedUntil)
		}
	}
}

// Password spraying: one address tries a common password against every
// login, and many addresses try many passwords against one login. After a
// few failures each further attempt must wait, doubling up to a cap: a
// 429 with Retry-After, logged, the password not even checked (the right
// one is refused too until the wait is over). Waiting the time out lets
// the next guess through; nobody waits longer than the cap.
func TestAttackConsolePasswordSpraying(t *testing.T) {
	h := newHall(t)
	c := h.console()
	var logins []string
	for i := 0; i < 20; i++ {
		logins = append(logins, fmt.Sprintf("user%02d", i))
	}
	c.staff(logins...)
	checked := 0
	for _, l := range logins {
		if status, _ := c.signIn(nil, "203.0.113.9", l, "Password123!"); status == http.StatusUnauthorized {
			checked++
		}
	}
	if checked > 10 {
		t.Errorf("one address had %d passwords checked in a row, want at most 10", checked)
	}
	if status, after := c.signIn(nil, "203.0.113.9", "user00", consolePassword); status != http.StatusTooManyRequests || after < 1 {
		t.Errorf("the right password during the wait: %d (Retry-After %d), want 429 without a check", status, after)
	}
	if !h.log.has("console sign-in slowed", "203.0.113.9") {
		t.Error("slowed sign-ins are not logged")
	}
	// Many addresses, one login.
	checked = 0
	for i := 0; i < 30; i++ {
		if status, _ := c.signIn(nil, fmt.Sprintf("198.51.100.%d", i), "user05", fmt.Sprintf("guess-%d", i)); status == http.StatusUnauthorized {
			checked++
		}
	}
	if checked > 5 {
		t.Errorf("user05 had %d passwords checked in a row from many addresses, want at most 5", checked)
	}
	// The waits double, to a cap: one address keeps guessing for a day.
	last := 0
	for i := 0; i < 200; i++ {
		status, after := c.signIn(nil, "203.0.113.9", "user01", fmt.Sprintf("day-%d", i))
		if status == http.StatusTooManyRequests {
			if after > 15*60 {
				t.Fatalf("a wait of %d s, want at most 15 minutes", after)
			}
			last = after
			h.clock.Add(time.Duration(after) * time.Second)
		}
	}
	if last < 60 {
		t.Errorf("after 200 guesses the wait is %d s; it should have grown", last)
	}
}

// Failed sign-ins that fill the hall's disk: 150 requests with 15 KB
// logins (as seen from outside: 5.5 MB) and 100 with unknown logins from
// many addresses. The database grows by nothing for them: no account, no
// row.
func TestAttackConsoleSignInGrowsDatabase(t *testing.T) {
	h := newHall(t)
	c := h.console()
	c.staff("li")
	size := func() int64 {
		var rows, bytes int64
		h.view.QueryRow(`SELECT count(*), coalesce(sum(length(actor)+length(detail)+length(action)),0) FROM access_log`).Scan(&rows, &bytes)
		return rows*64 + bytes
	}
	before := size()
	huge := strings.Repeat("x", 15<<10)
	for i := 0; i < 150; i++ {
		status, _ := c.signIn(nil, fmt.Sprintf("192.0.2.%d", i), huge+strconv.Itoa(i), "whatever-password")
		if status != http.StatusUnauthorized && status != http.StatusBadRequest && status != http.StatusTooManyRequests {
			t.Fatalf("huge login: %d", status)
		}
	}
	for i := 0; i < 100; i++ {
		c.signIn(nil, fmt.Sprintf("198.18.%d.%d", i/200, i%200), fmt.Sprintf("nobody%d", i), "whatever-password")
	}
	if grown := size() - before; grown > 4<<10 {
		t.Errorf("failed sign-ins for unknown logins added %d bytes to the access log, want none", grown)
	}
	if !h.log.has("console sign-in failed", "unknown login") {
		t.Error("failed sign-ins are not logged")
	}
	// A real account's failures are recorded, and bounded by the per-login delays.
	for i := 0; i < 100; i++ {
		c.signIn(nil, fmt.Sprintf("198.19.0.%d", i), "li", "wrong-password")
	}
	var n int
	h.view.QueryRow(`SELECT count(*) FROM access_log WHERE action='console.signin_failed' AND actor='li'`).Scan(&n)
	if n < 1 || n > 5 {
		t.Errorf("li's 100 wrong passwords left %d access rows, want 1 to 5", n)
	}
}

// consoleMember signs a console account in and returns its browser.
func (c *consoleEnv) member(login string) *http.Client {
	c.h.t.Helper()
	b := browserJar()
	if status, _ := c.signIn(b, "10.0.0.7", login, consolePassword); status != http.StatusOK {
		c.h.t.Fatalf("%s signs in: %d", login, status)
	}
	return b
}

// get fetches a console API path as the browser b.
func (c *consoleEnv) do(b *http.Client, method, path string, body any) (int, string) {
	c.h.t.Helper()
	var rd io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, c.srv.URL+path, rd)
	req.Header.Set(console.CSRFHeader, "1")
	resp, err := b.Do(req)
	if err != nil {
		c.h.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// The masked console case view of a case sent by EMS: a clerk at the hall
// (or anyone looking over her shoulder) reads the applicant's delivery
// address, the addressee and who signed for it. The masked view masks them
// as the station does, in the case and in its history; the full record
// needs a purpose and is in the access log.
func TestAttackConsoleMaskedCaseViewLeaksDelivery(t *testing.T) {
	h := newHall(t)
	s := h.station("A01")
	ctx := context.Background()
	c := s.open(stationItem)
	const (
		address   = "山东省济南市历城区港沟街道神武村幸福路88号3单元502室"
		addressee = "欧阳娜娜"
		signer    = "慕容复"
	)
	var err error
	if _, err = s.st.Accept(ctx, s.actor, c.ID); err == nil {
		_, err = s.st.Conclude(ctx, s.actor, c.ID, "approved", "", "CERT-1")
	}
	if err == nil {
		_, err = s.st.StartDelivery(ctx, s.actor, c.ID, domainDelivery("ems", "EMS1234567890", address, addressee))
	}
	if err == nil {
		_, err = s.st.Deliver(ctx, s.actor, c.ID, signer)
	}
	if err != nil {
		t.Fatal(err)
	}
	s.sync()
	con := h.console()
	con.staff("li")
	li := con.member("li")
	status, body := con.do(li, http.MethodGet, "/console/api/cases/"+c.ID, nil)
	if status != http.StatusOK {
		t.Fatalf("case view: %d %s", status, body)
	}
	for _, secret := range []string{address, "幸福路88号", addressee, signer, "11010519491231002X", "13800138000"} {
		if strings.Contains(body, secret) {
			t.Errorf("the masked case view shows %q", secret)
		}
	}
	if !strings.Contains(body, "EMS1234567890") {
		t.Error("the masked view should keep the waybill: staff track the letter by it")
	}
	if status, _ := con.do(li, http.MethodPost, "/console/api/cases/"+c.ID+"/unmask", map[string]string{"purpose": ""}); status != http.StatusBadRequest {
		t.Errorf("unmask without a purpose: %d", status)
	}
	status, body = con.do(li, http.MethodPost, "/console/api/cases/"+c.ID+"/unmask", map[string]string{"purpose": "核对邮寄地址"})
	if status != http.StatusOK || !strings.Contains(body, address) || !strings.Contains(body, signer) {
		t.Fatalf("unmask with a purpose: %d", status)
	}
	var n int
	h.view.QueryRow(`SELECT count(*) FROM access_log WHERE action='case.unmask' AND case_id=? AND actor='li' AND detail LIKE '%核对邮寄地址%'`, c.ID).Scan(&n)
	if n != 1 {
		t.Errorf("the unmasking is in the access log %d times, want once", n)
	}
}

func domainDelivery(method, waybill, address, addressee string) domain.Delivery {
	return domain.Delivery{Method: method, Waybill: waybill, Address: address, Addressee: addressee}
}
