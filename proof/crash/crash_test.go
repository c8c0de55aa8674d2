// Package crash_test kills the real station and hall programs with SIGKILL
// (kill -9) at random moments during intake, sync and bundle import, and
// checks after every kill that each SQLite database passes
// `PRAGMA integrity_check`, and at the end that no acknowledged write was
// lost and that pending work resumes and completes.
//
// TestMain builds cmd/station and cmd/hall once into a temporary
// directory. -crash.kills sets how many kills land (CI runs a few dozen,
// the soak command hundreds); -crash.seed replays a run.
package crash_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"yizhan/proof/internal/procs"
	"yizhan/proof/internal/race"
)

var (
	kills     = flag.Int("crash.kills", 0, "number of SIGKILLs to land (default 30, 10 under -race or -short)")
	crashSeed = flag.Uint64("crash.seed", 1, "seed of the kill schedule")
	bins      map[string]string
)

const password = "crash-test-pw-1"

func TestMain(m *testing.M) {
	flag.Parse()
	if runtime.GOOS != "linux" {
		fmt.Println("crash suite: SIGKILL semantics are tested on Linux only")
		os.Exit(0)
	}
	dir, err := os.MkdirTemp("", "yizhan-crash-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bins, err = procs.Build(context.Background(), dir, "cmd/station", "cmd/hall")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// rig is a hall and one station, each on its own data directory.
type rig struct {
	t        *testing.T
	ctx      context.Context
	rng      *rand.Rand
	hallDir  string
	stDir    string
	addr     string
	catalog  string
	hall     *procs.Server
	acked    []string // case IDs a clerk saw opened
	kills    map[string]int
	finished map[string]int           // runs that ended before their kill came
	took     map[string]time.Duration // how long an unkilled run of each kind took
}

// delay draws when to kill a run of kind: uniformly over 1.6 times how
// long such a run takes when left alone, so kills land all along it
// (program start, sign-in, the transaction, the answer) and about a third
// of the runs finish, leaving work for the others to carry.
func (r *rig) delay(kind string, guess time.Duration) time.Duration {
	d := guess
	if t, ok := r.took[kind]; ok {
		d = t * 8 / 5
	}
	return time.Duration(r.rng.Int64N(int64(d) + 1))
}

// runKill runs a station or hall command of kind and kills it at a random
// moment; it remembers how long runs that finished took.
func (r *rig) runKill(kind string, guess time.Duration, bin string, args ...string) procs.Outcome {
	start := time.Now()
	o, err := procs.RunKill(r.ctx, nil, r.delay(kind, guess), bin, args...)
	if err != nil {
		r.t.Fatal(err)
	}
	if !o.Killed {
		r.took[kind] = time.Since(start)
		r.finished[kind]++
	}
	return o
}

func (r *rig) hallCmd(args ...string) (string, error) {
	out, errOut, err := procs.Run(r.ctx, nil, bins["hall"], append(args, "--dir", r.hallDir)...)
	if err != nil {
		return out, fmt.Errorf("hall %v: %w\n%s%s", args, err, out, errOut)
	}
	return out, nil
}

func (r *rig) stationArgs(args ...string) []string {
	return append([]string{"--dir", r.stDir, "--user", "head", "--password", password, "--json"}, args...)
}

func (r *rig) station(args ...string) (string, error) {
	out, errOut, err := procs.Run(r.ctx, nil, bins["station"], r.stationArgs(args...)...)
	if err != nil {
		return out, fmt.Errorf("station %v: %w\n%s%s", args, err, out, errOut)
	}
	return out, nil
}

func (r *rig) startHall() {
	r.t.Helper()
	s, _, err := procs.StartServer(r.ctx, nil, bins["hall"], "serve", "--listen", r.addr, "--dir", r.hallDir)
	if err != nil {
		r.t.Fatal(err)
	}
	r.hall = s
}

var enrolCode = regexp.MustCompile(`[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}`)

func newRig(t *testing.T, seed uint64) *rig {
	t.Helper()
	r := &rig{t: t, ctx: context.Background(), rng: rand.New(rand.NewPCG(seed, 9)), hallDir: t.TempDir(), stDir: t.TempDir(),
		kills: map[string]int{}, finished: map[string]int{}, took: map[string]time.Duration{}}
	r.catalog, _ = filepath.Abs("../sim/catalog.json")
	var err error
	if r.addr, err = procs.FreeAddr(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.hallCmd("catalog", "publish", r.catalog); err != nil {
		t.Fatal(err)
	}
	out, err := r.hallCmd("station", "add", "ST01", "崩溃测试驿站")
	if err != nil {
		t.Fatal(err)
	}
	code := enrolCode.FindString(out)
	if code == "" {
		t.Fatalf("no enrolment code in %q", out)
	}
	if _, err := r.station("init", "--code", "ST01", "--name", "崩溃测试驿站", "--region", "370112",
		"--admin", "head", "--admin-name", "站长", "--admin-password", password); err != nil {
		t.Fatal(err)
	}
	r.startHall()
	t.Cleanup(func() { r.hall.Kill() })
	if _, err := r.station("enroll", "--hall", "http://"+r.addr, "--code", code); err != nil {
		t.Fatal(err)
	}
	if _, err := r.station("sync"); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestKillNine lands SIGKILLs on the station during intake, sync and reply
// import, and on the hall while it serves a sync or imports a bundle.
func TestKillNine(t *testing.T) {
	n := *kills
	if n == 0 {
		n = 30
		if race.Enabled || testing.Short() {
			n = 10
		}
	}
	r := newRig(t, *crashSeed)
	landed := 0
	for i := 0; landed < n && i < n*20; i++ {
		var k string
		switch r.rng.IntN(6) {
		case 0, 1:
			k = r.intake()
		case 2:
			k = r.syncKill()
		case 3:
			k = r.hallKill()
		case 4:
			k = r.hallImportKill()
		default:
			k = r.replyImportKill()
		}
		if k != "" {
			landed++
			r.kills[k]++
			r.checkIntegrity(k)
		}
	}
	r.finish()
	total := 0
	for _, v := range r.kills {
		total += v
	}
	fig, _ := json.Marshal(map[string]any{"kills": total, "by_target": r.kills, "completed_before_kill": r.finished,
		"acknowledged_cases": len(r.acked), "lost": 0, "seed": *crashSeed})
	t.Logf("CRASH-FIGURES %s", fig)
	if total < n {
		t.Errorf("only %d of %d kills landed on a running process", total, n)
	}
}

// intake opens a case and kills the station program at a random moment.
func (r *rig) intake() string {
	args := r.stationArgs("case", "open", "--item", "370112-RS-001-01-S", "--name", "张三", "--id", "11010519491231002X",
		"--phone", "13800138000", "--material", "M1=paper", "--material", "M2=paper", "--material", "M3=paper")
	o := r.runKill("station-intake", 300*time.Millisecond, bins["station"], args...)
	if o.Killed {
		return "station-intake"
	}
	if o.ExitCode != 0 {
		r.t.Fatalf("case open failed: %s", o.Stderr)
	}
	var res struct{ ID string }
	if err := json.Unmarshal([]byte(o.Stdout), &res); err != nil || res.ID == "" {
		r.t.Fatalf("case open answer %q: %v", o.Stdout, err)
	}
	r.acked = append(r.acked, res.ID)
	return ""
}

// syncKill kills the station program during a sync.
func (r *rig) syncKill() string {
	if o := r.runKill("station-sync", 400*time.Millisecond, bins["station"], r.stationArgs("sync")...); o.Killed {
		return "station-sync"
	}
	return ""
}

// hallKill kills the hall server while the station syncs with it, then
// restarts it on the same files and address.
func (r *rig) hallKill() string {
	done := make(chan procs.Outcome, 1)
	go func() {
		o, _ := procs.RunKill(r.ctx, nil, time.Minute, bins["station"], r.stationArgs("sync")...)
		done <- o
	}()
	time.Sleep(r.delay("station-sync", 400*time.Millisecond))
	r.hall.Kill()
	<-done
	r.checkIntegrity("hall-serve")
	r.startHall()
	return "hall-serve"
}

// hallImportKill exports a bundle and kills `hall bundle import` at a
// random moment (beside the running server, as in a real hall), then
// imports it again to completion and applies the reply.
func (r *rig) hallImportKill() string {
	dir := r.t.TempDir()
	exp, reply := filepath.Join(dir, "export.bundle"), filepath.Join(dir, "reply.bundle")
	if _, err := r.station("bundle", "export", exp); err != nil {
		r.t.Fatal(err)
	}
	o := r.runKill("hall-bundle-import", 300*time.Millisecond, bins["hall"], "bundle", "import", exp, "--reply", reply, "--dir", r.hallDir)
	if !o.Killed && o.ExitCode != 0 {
		r.t.Fatalf("hall bundle import: %s%s", o.Stdout, o.Stderr)
	}
	if _, err := r.hallCmd("bundle", "import", exp, "--reply", reply); err != nil {
		r.t.Fatal(err)
	}
	if _, err := r.station("bundle", "import", reply); err != nil {
		r.t.Fatal(err)
	}
	if o.Killed {
		return "hall-bundle-import"
	}
	return ""
}

// replyImportKill kills `station bundle import` at a random moment, then
// imports the same reply again.
func (r *rig) replyImportKill() string {
	dir := r.t.TempDir()
	exp, reply := filepath.Join(dir, "export.bundle"), filepath.Join(dir, "reply.bundle")
	if _, err := r.station("bundle", "export", exp); err != nil {
		r.t.Fatal(err)
	}
	if _, err := r.hallCmd("bundle", "import", exp, "--reply", reply); err != nil {
		r.t.Fatal(err)
	}
	o := r.runKill("station-bundle-import", 250*time.Millisecond, bins["station"], r.stationArgs("bundle", "import", reply)...)
	if _, err := r.station("bundle", "import", reply); err != nil {
		r.t.Fatal(err)
	}
	if o.Killed {
		return "station-bundle-import"
	}
	return ""
}

// checkIntegrity runs PRAGMA integrity_check on both databases (opening a
// database after a kill also replays its write-ahead log) and checks that
// every case a clerk saw opened is still there.
func (r *rig) checkIntegrity(after string) {
	r.t.Helper()
	for _, p := range []string{filepath.Join(r.stDir, "station.db"), filepath.Join(r.hallDir, "hall.db")} {
		db, err := sql.Open("sqlite3", "file:"+p+"?_busy_timeout=15000")
		if err != nil {
			r.t.Fatal(err)
		}
		var res string
		if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
			db.Close()
			r.t.Fatalf("after a kill of %s: integrity_check of %s: %q %v", after, filepath.Base(p), res, err)
		}
		if strings.HasSuffix(p, "station.db") {
			for _, id := range r.acked {
				var n int
				db.QueryRow(`SELECT count(*) FROM cases WHERE id=?`, id).Scan(&n)
				if n != 1 {
					db.Close()
					r.t.Fatalf("after a kill of %s: acknowledged case %s is gone", after, id)
				}
			}
		}
		db.Close()
	}
}

// finish lets pending work resume on a healthy hall and checks that it
// completes: nothing pending, every event of the station in the hall's log
// (or refused there), every acknowledged case present on both sides, an
// intact audit chain and stored states equal to their events' fold.
func (r *rig) finish() {
	t := r.t
	var err error
	for i := 0; i < 10; i++ {
		if _, err = r.station("sync"); err == nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("pending work does not resume: %v", err)
	}
	st, err := sql.Open("sqlite3", "file:"+filepath.Join(r.stDir, "station.db")+"?_busy_timeout=15000")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	hl, err := sql.Open("sqlite3", "file:"+filepath.Join(r.hallDir, "hall.db")+"?_busy_timeout=15000")
	if err != nil {
		t.Fatal(err)
	}
	defer hl.Close()
	var pending int
	st.QueryRow(`SELECT count(*) FROM events WHERE status='pending'`).Scan(&pending)
	if pending != 0 {
		t.Fatalf("%d events still pending after the final sync", pending)
	}
	rows, err := st.Query(`SELECT id, status FROM events WHERE office='ST01'`)
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	events := 0
	for rows.Next() {
		var id, status string
		rows.Scan(&id, &status)
		events++
		var n int
		hl.QueryRow(`SELECT (SELECT count(*) FROM log WHERE event_id=?) + (SELECT count(*) FROM rejections WHERE event_id=?)`, id, id).Scan(&n)
		if n != 1 {
			missing = append(missing, id+" ("+status+")")
		}
	}
	rows.Close()
	if len(missing) > 0 {
		sort.Strings(missing)
		t.Fatalf("%d of %d station events are not at the hall exactly once: %v", len(missing), events, missing)
	}
	for _, id := range r.acked {
		var n int
		hl.QueryRow(`SELECT count(*) FROM cases WHERE id=?`, id).Scan(&n)
		if n != 1 {
			t.Fatalf("acknowledged case %s never reached the hall", id)
		}
	}
	if out, err := r.station("audit", "verify"); err != nil || !strings.Contains(out, `"ok": true`) {
		t.Fatalf("audit chain after the kills: %s %v", out, err)
	}
	if out, err := r.station("rebuild"); err != nil || !regexp.MustCompile(`"fixed":\s*0`).MatchString(out) {
		t.Fatalf("rebuild after the kills: %s %v", out, err)
	}
	r.checkIntegrity("the final sync")
	t.Logf("%d acknowledged cases, %d station events, all at the hall exactly once", len(r.acked), events)
}
