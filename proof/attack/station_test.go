package attack_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"yizhan/app"
	"yizhan/domain"
	"yizhan/hall"
	"yizhan/sync/protocol"
)

// injections are classic SQL injection strings, plus a few that aim at
// SQLite in particular (instr/LIKE wildcards, comments, stacked queries).
var injections = []string{
	`' OR '1'='1`, `' OR 1=1 --`, `"; DROP TABLE cases; --`, `张'); DELETE FROM events; --`,
	`%`, `_`, `%' UNION SELECT body FROM cases --`, `1/**/OR/**/1=1`, `\' OR 1=1 #`,
	`received' OR state<>'`, `ST01-2026%`, "\x00' OR 1=1", `'||(SELECT password_hash FROM staff)||'`,
}

// SQL injection in every search field: the station's case search (query,
// state, item, channel, dates, holder), the item search, sign-in, the
// kiosk, and the hall's case lists. Each is either refused as invalid
// input or treated as the literal text it is: no extra rows, nothing
// changed, and the searches are in the audit chain.
func TestAttackSQLInjectionInSearchFields(t *testing.T) {
	h := newHall(t)
	a := h.station("A01")
	ctx := context.Background()
	c := a.open(stationItem)
	a.sync()
	before, hbefore := a.snapshot(), h.snapshot()
	var auditBefore int
	a.view.QueryRow(`SELECT count(*) FROM audit`).Scan(&auditBefore)
	for _, p := range injections {
		filters := map[string]app.CaseFilter{"query": {Query: p}, "state": {State: p}, "item": {ItemCode: p}, "channel": {Channel: p},
			"from": {From: p}, "to": {To: p}, "holder": {Holder: p}}
		for field, f := range filters {
			page, err := a.st.FindCases(ctx, a.actor, f)
			if err != nil {
				if domain.ErrorCode(err) != domain.EInvalid {
					t.Errorf("case search %s=%q: %v", field, p, err)
				}
				continue
			}
			if len(page.Cases) != 0 && !(field == "query" && strings.HasPrefix(c.Number, strings.TrimSuffix(p, "%"))) {
				t.Errorf("case search %s=%q returned %d cases", field, p, len(page.Cases))
			}
		}
		if items, err := a.st.FindItems(ctx, p); err != nil || len(items) > 0 && p != "_" && p != "%" {
			t.Errorf("item search %q: %d items, %v", p, len(items), err)
		}
		if _, err := a.st.SignIn(ctx, p, p); domain.ErrorCode(err) != domain.EUnauthorized {
			t.Errorf("sign-in as %q: %v", p, err)
		}
		if _, err := a.st.KioskProgress(ctx, p, p); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("kiosk %q: %v", p, err)
		}
		list, err := h.svc.Cases(ctx, hall.CaseFilter{Station: p, Holder: p})
		if err != nil || len(list) != 0 {
			t.Errorf("hall case list station=holder=%q: %d, %v", p, len(list), err)
		}
		if _, err := h.svc.Cases(ctx, hall.CaseFilter{State: domain.State(p)}); domain.ErrorCode(err) != domain.EInvalid {
			t.Errorf("hall case list state=%q: %v", p, err)
		}
	}
	if a.snapshot() != before || h.snapshot() != hbefore {
		t.Fatal("an injection changed data")
	}
	var auditAfter int
	a.view.QueryRow(`SELECT count(*) FROM audit`).Scan(&auditAfter)
	if auditAfter <= auditBefore || !a.audited("staff.signin_failed", "") {
		t.Fatal("searches and failed sign-ins are not in the audit chain")
	}
	if rep, err := a.st.VerifyAudit(ctx); err != nil || !rep.OK {
		t.Fatalf("audit chain after the attacks: %+v %v", rep, err)
	}
}

// Brute-forcing a staff password: after MaxFailedLogins wrong passwords the
// account locks, the right password is refused while it is locked, every
// attempt is audited, and the lock ends after LockoutDuration.
func TestAttackBruteForceStaffPassword(t *testing.T) {
	h := newHall(t)
	a := h.station("A01")
	ctx := context.Background()
	before := a.snapshot()
	for i := 0; i < 5; i++ {
		if _, err := a.st.SignIn(ctx, "head", "guess-"+string(rune('a'+i))+"xxxxx"); domain.ErrorCode(err) != domain.EUnauthorized {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	_, err := a.st.SignIn(ctx, "head", "correct-horse-1")
	if domain.ErrorCode(err) != domain.EUnauthorized || !strings.Contains(domain.ZhMessage(err), "锁定") {
		t.Fatalf("right password while locked: %v", err)
	}
	if !a.audited("staff.signin_failed", "locked=true") || !a.audited("staff.signin_failed", "locked") {
		t.Fatal("lock-out not audited")
	}
	if a.snapshot() != before {
		t.Fatal("guessing changed business data")
	}
	h.clock.Add(16 * time.Minute)
	if _, err := a.st.SignIn(ctx, "head", "correct-horse-1"); err != nil {
		t.Fatalf("after the lock-out: %v", err)
	}
}

// Brute-forcing a case's six-digit query password at the self-service
// kiosk: after a few wrong guesses for a case number the kiosk stops
// answering for that number, even with the right password, for a while.
func TestAttackBruteForceKioskQueryPassword(t *testing.T) {
	h := newHall(t)
	a := h.station("A01")
	ctx := context.Background()
	c := a.open(stationItem)
	for i := 0; i < 20; i++ {
		guess := strings.Repeat(string(rune('0'+i%10)), 6)
		if guess == c.QueryPassword {
			continue
		}
		if _, err := a.st.KioskProgress(ctx, c.Number, guess); err == nil {
			t.Fatalf("guess %d answered", i)
		}
	}
	if _, err := a.st.KioskProgress(ctx, c.Number, c.QueryPassword); err == nil {
		t.Fatal("the kiosk kept answering after 20 wrong guesses: a 6-digit password falls to a script")
	}
	if !a.audited("kiosk.query_failed", "") {
		t.Fatal("failed kiosk queries not audited")
	}
	h.clock.Add(time.Hour)
	if _, err := a.st.KioskProgress(ctx, c.Number, c.QueryPassword); err != nil {
		t.Fatalf("the applicant is still locked out an hour later: %v", err)
	}
}

// An edited audit log. A careless edit (one row's text changed) is found
// by VerifyAudit at the station (`station audit verify`). A careful forger
// also recomputes the hashes from the edited row on, so the local chain
// verifies again — and then the hall, which recorded the hash of the head
// it last saw, flags the station on its next sync and logs it. Deleting
// the newest rows is flagged the same way. Throughout, the station's events
// still sync (they are evidence) and the hall's case data are untouched.
func TestAttackEditedAuditLog(t *testing.T) {
	h := newHall(t)
	a := h.station("A01")
	ctx := context.Background()
	a.open(stationItem)
	a.sync()
	a.sync() // the hall has recorded the head, and the station knows which
	var seq int64
	a.view.QueryRow(`SELECT max(seq) FROM audit`).Scan(&seq)
	// The triggers refuse edits through the application's own connection...
	if _, err := a.view.Exec(`UPDATE audit SET detail='nothing happened' WHERE seq=?`, seq); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("edit through the triggers: %v", err)
	}
	// ...so the attacker, holding the file, drops them first.
	if _, err := a.view.Exec(`DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete`); err != nil {
		t.Fatal(err)
	}
	if _, err := a.view.Exec(`UPDATE audit SET detail='nothing happened' WHERE seq=?`, seq); err != nil {
		t.Fatal(err)
	}
	rep, err := a.st.VerifyAudit(ctx)
	if err != nil || rep.OK || rep.Broken != seq {
		t.Fatalf("VerifyAudit after editing row %d: %+v %v", seq, rep, err)
	}
	forgeChain(t, a, seq)
	if rep, err := a.st.VerifyAudit(ctx); err != nil || !rep.OK {
		t.Fatalf("the forger's recomputed chain should verify locally: %+v %v", rep, err)
	}
	before := h.snapshot()
	a.open(stationItem)
	a.sync()
	list, _ := h.svc.Stations(ctx)
	if len(list) == 0 || !list[0].Tampered || !h.log.has("possible tampering", `"station":"A01"`) {
		t.Fatalf("hall did not flag the forged chain: %+v", list)
	}
	var pending int
	a.view.QueryRow(`SELECT count(*) FROM events WHERE status='pending'`).Scan(&pending)
	if pending != 0 || h.snapshot() == before {
		t.Fatal("a tampered station's events must still be taken (they are evidence)")
	}

	// Deleting the newest rows on another station.
	b := h.station("B02")
	b.open(stationItem)
	b.sync()
	b.sync()
	if _, err := b.view.Exec(`DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq > (SELECT max(seq) - 3 FROM audit)`); err != nil {
		t.Fatal(err)
	}
	b.sync()
	list, _ = h.svc.Stations(ctx)
	sort.Slice(list, func(i, j int) bool { return list[i].Code < list[j].Code })
	if !list[1].Tampered || !h.log.has("possible tampering", `"station":"B02"`) {
		t.Fatalf("hall did not flag the truncated chain: %+v", list[1])
	}
}

// forgeChain recomputes the audit hashes from row seq on, as app/audit.go
// computes them: what a forger who read the source does to hide an edit.
func forgeChain(t *testing.T, s *stationEnv, seq int64) {
	t.Helper()
	var prev string
	s.view.QueryRow(`SELECT prev_hash FROM audit WHERE seq=?`, seq).Scan(&prev)
	rows, err := s.view.Query(`SELECT seq,at,actor,office,action,target,fields,purpose,detail FROM audit WHERE seq>=? ORDER BY seq`, seq)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		seq  int64
		cols [8]string
	}
	var rs []row
	for rows.Next() {
		var r row
		c := &r.cols
		rows.Scan(&r.seq, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7])
		rs = append(rs, r)
	}
	rows.Close()
	for _, r := range rs {
		h := sha256.New()
		for _, p := range append([]string{prev, strconv.FormatInt(r.seq, 10)}, r.cols[:]...) {
			fmt.Fprintf(h, "%d:%s|", len(p), p)
		}
		sum := hex.EncodeToString(h.Sum(nil))
		if _, err := s.view.Exec(`UPDATE audit SET prev_hash=?, hash=? WHERE seq=?`, prev, sum, r.seq); err != nil {
			t.Fatal(err)
		}
		prev = sum
	}
}

// Path traversal in attachment names and hashes: at the hall, anything but
// a lower-case SHA-256 in the path is refused before it becomes a file
// name; at the station, a file name with directories is reduced to its
// base name and the file is stored under its hash only. No file appears
// outside the blob folders.
func TestAttackPathTraversalInAttachmentNames(t *testing.T) {
	h := newHall(t)
	a := h.station("A01")
	hallFiles := listFiles(t, h.dir)
	for _, p := range []string{"../../etc/passwd", "..%2f..%2fhall.db", strings.Repeat("A", 64), strings.Repeat("a", 63) + "/",
		"%2e%2e%2f" + strings.Repeat("a", 55), strings.Repeat("a", 62) + "..", "./" + strings.Repeat("a", 62)} {
		for _, m := range []string{http.MethodPut, http.MethodHead} {
			status, _ := h.do(m, protocol.PathBlob+p+"?offset=0", a.token, strings.NewReader("x"), map[string]string{protocol.HeaderUploadLength: "1"})
			if status < 400 || status >= 500 {
				t.Errorf("%s blob %q: status %d", m, p, status)
			}
		}
	}
	if got := listFiles(t, h.dir); strings.Join(got, "\n") != strings.Join(hallFiles, "\n") {
		t.Fatalf("files changed at the hall:\n%v\n%v", hallFiles, got)
	}
	ctx := context.Background()
	sha, err := a.st.ImportBlob(ctx, a.actor, "../../../../etc/cron.d/evil", "image/jpeg", strings.NewReader("scan"))
	if err != nil {
		t.Fatal(err)
	}
	info, err := a.st.BlobInfo(ctx, sha)
	if err != nil || info.Name != "evil" {
		t.Fatalf("stored name %q, %v", info.Name, err)
	}
	if _, err := os.Stat(filepath.Join(a.dir, "blobs", sha)); err != nil {
		t.Fatalf("attachment not under its hash: %v", err)
	}
	for _, bad := range []string{"../station.db", "..", strings.Repeat("a", 63) + "/", strings.ToUpper(sha)} {
		if _, err := a.st.BlobPath(bad); domain.ErrorCode(err) != domain.EInvalid {
			t.Errorf("BlobPath(%q) accepted", bad)
		}
	}
	if !h.log.has(`"status":400`, protocol.PathBlob) {
		t.Error("refused blob paths not logged")
	}
}

func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.Contains(p, "hall.db") {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out
}
