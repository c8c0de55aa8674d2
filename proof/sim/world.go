package sim

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"hash"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"yizhan/app/hallclient"
	"yizhan/domain"
	"yizhan/hall"
)

// world is one run: the nodes, the network, the USB sticks, the clock and
// the scheduler's random source. Everything happens on one goroutine.
type world struct {
	cfg    Config
	rng    *rand.Rand
	subSeq uint64
	now    time.Time
	dir    string
	step   int

	hall      *hallNode
	stations  []*stationNode
	held      []heldRequest
	toHall    []usbFile
	toStation []usbFile
	usbSeq    int
	moves     int // hall addresses issued so far

	rates                                           rates
	attachBudget                                    int64 // USB-only station's export budget; 0: default
	pageEntries, pullBytes, batchEvents, batchBytes int
	published                                       map[string]bool

	calm  bool // setup and quiescence: no interleaving, no faults
	depth int  // interleaving nests at most once
	abort bool // a node could not be reopened: stop stepping

	rep    *Report
	trace  hash.Hash
	hallDB *sql.DB // read-only view of the hall's database for the checks
}

// Run simulates one seed and checks every promise at quiescence. The
// report is returned even when the run fails; the error lists the broken
// promises (Report.Violations has them all).
func Run(cfg Config) (rep *Report, err error) {
	if cfg.Steps <= 0 {
		cfg.Steps = 150
	}
	w := &world{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, 0x5eed)), trace: sha256.New(),
		rep: &Report{Seed: cfg.Seed, Faults: map[string]int{}}, published: map[string]bool{}}
	if err := w.makeDir(); err != nil {
		return w.rep, err
	}
	defer w.cleanup()
	defer func() {
		// A panic anywhere in the services is a broken promise of this
		// seed, reported with its replay, not the end of a soak.
		if p := recover(); p != nil {
			w.violation("panic: %v\n%s", p, debug.Stack())
			rep, err = w.rep, fmt.Errorf("seed %d: panic at step %d: %v", cfg.Seed, w.step, p)
		}
	}()
	if err := w.setup(); err != nil {
		return w.rep, fmt.Errorf("seed %d: setup: %w", cfg.Seed, err)
	}
	for w.step = 1; w.step <= cfg.Steps && !w.abort; w.step++ {
		w.tick()
	}
	w.rep.Steps = w.step - 1
	if !w.abort {
		w.quiesce()
		w.check()
	}
	w.rep.Trace = hex.EncodeToString(w.trace.Sum(nil))
	if n := len(w.rep.Violations); n > 0 {
		return w.rep, fmt.Errorf("seed %d: %d broken promises, first: %s", cfg.Seed, n, w.rep.Violations[0])
	}
	return w.rep, nil
}

func (w *world) makeDir() error {
	if w.cfg.Dir != "" {
		w.dir = w.cfg.Dir
		return os.MkdirAll(filepath.Join(w.dir, "usb"), 0o700)
	}
	base := ""
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		base = "/dev/shm"
	}
	d, err := os.MkdirTemp(base, fmt.Sprintf("yizhan-sim-%d-", w.cfg.Seed))
	if err != nil {
		return fmt.Errorf("sim dir: %w", err)
	}
	w.dir = d
	return os.MkdirAll(filepath.Join(d, "usb"), 0o700)
}

func (w *world) cleanup() {
	for _, s := range w.stations {
		if s.st != nil {
			s.st.Close()
		}
	}
	w.hall.stop()
	if w.hallDB != nil {
		w.hallDB.Close()
	}
	if !w.cfg.Keep && w.cfg.Dir == "" {
		os.RemoveAll(w.dir)
	}
}

// sub returns a new random source derived from the seed, so each node's
// IDs do not depend on how often the scheduler drew before it was made.
func (w *world) sub() *rand.Rand {
	w.subSeq++
	return rand.New(rand.NewPCG(w.cfg.Seed, w.subSeq))
}

// Now is the true (hall) time.
func (w *world) Now() time.Time { return w.now }

func (w *world) chance(p float64) bool { return p > 0 && w.rng.Float64() < p }

func (w *world) fault(kind string) { w.rep.Faults[kind]++ }

// logf records one line of what happened: into the trace digest, and to
// Config.Log when set.
func (w *world) logf(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	fmt.Fprintf(w.trace, "%d %s\n", w.step, line)
	if w.cfg.Log != nil {
		fmt.Fprintf(w.cfg.Log, "[%d] %s\n", w.step, line)
	}
}

// violation records a broken promise.
func (w *world) violation(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	w.logf("VIOLATION %s", msg)
	if len(w.rep.Violations) < 100 {
		w.rep.Violations = append(w.rep.Violations, fmt.Sprintf("step %d: %s", w.step, msg))
	}
}

func (w *world) station(code string) *stationNode {
	for _, s := range w.stations {
		if s.code == code {
			return s
		}
	}
	return nil
}

func errText(err error) string {
	if err == nil {
		return "ok"
	}
	return err.Error()
}

// setup starts the hall, publishes the catalog, and enrols every station
// over a quiet network; then the seed's fault rates switch on.
func (w *world) setup() error {
	ctx := context.Background()
	w.calm = true
	w.now = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC).Add(time.Duration(w.rng.IntN(90*24)) * time.Hour)
	n := w.cfg.Stations
	if n <= 0 {
		n = 3 + w.rng.IntN(2)
	}
	w.rep.Stations = n
	w.pageEntries = []int{4, 50, 500}[w.rng.IntN(3)]
	w.pullBytes = []int{2 << 10, 16 << 10, 1 << 20}[w.rng.IntN(3)]
	w.batchEvents = []int{1, 7, 500}[w.rng.IntN(3)]
	w.batchBytes = []int{4 << 10, 256 << 10}[w.rng.IntN(2)]
	w.hall = newHall(w)
	if err := w.hall.start(); err != nil {
		return err
	}
	if _, err := w.hall.svc.PublishCatalog(ctx, catalogJSON); err != nil {
		return fmt.Errorf("publish catalog: %w", err)
	}
	// Stations enrol over the seed's faulty network (answers lost, cut or
	// delivered twice, requests held and delivered late, the hall dying
	// mid-request): the code must survive all of it.
	w.rates = w.profile()
	w.rates.interleave, w.rates.stationCrash = 0, 0
	for i := 0; i < n; i++ {
		s := newStation(w, i)
		s.skew = w.skew(i)
		w.stations = append(w.stations, s)
		if err := w.enrol(ctx, s); err != nil {
			return err
		}
	}
	w.rates = rates{}
	if w.rng.IntN(3) > 0 {
		// One station has no network after enrolment: scans included,
		// everything goes on USB sticks.
		last := w.stations[n-1]
		last.usbOnly = true
		w.attachBudget = []int64{96 << 10, 512 << 10, 0}[w.rng.IntN(3)]
		w.logf("%s is USB-only (attachment budget %d)", last.code, w.attachBudget)
		w.fault("usb-only-station")
	}
	db, err := sql.Open("sqlite3", "file:"+w.hall.dbPath+"?_query_only=true&_busy_timeout=10000")
	if err != nil {
		return fmt.Errorf("hall view: %w", err)
	}
	w.hallDB = db
	for _, s := range w.stations {
		s.sync()
	}
	w.rates = w.profile()
	w.calm = false
	w.logf("setup: %d stations, skews %v, pages %d/%dB, batches %d/%dB, rates %+v",
		n, w.skews(), w.pageEntries, w.pullBytes, w.batchEvents, w.batchBytes, w.rates)
	return nil
}

// enrol opens a station, enrols it with the hall over the network and,
// for some stations, imports the catalog file locally too (the rest get it
// by sync).
func (w *world) enrol(ctx context.Context, s *stationNode) error {
	if err := s.open(); err != nil {
		return err
	}
	// Every third station is a village station: it takes in and forwards
	// unaccepted, and the hall accepts (docs/authority.md); the others are
	// township centres.
	spec := hall.StationSpec{Code: s.code, Name: "模拟驿站 " + s.code, Region: "370112"}
	if len(w.stations)%3 == 0 && len(w.stations) > 0 {
		spec.Kind, spec.Region = string(domain.OfficeVillage), "370112001001"
	}
	code, err := w.hall.svc.RegisterStation(ctx, spec)
	if err != nil {
		return fmt.Errorf("add station %s: %w", s.code, err)
	}
	en := &hallclient.Enroller{HTTP: &http.Client{Transport: &transport{w: w, st: s}}, Attempts: 3, After: func(time.Duration) <-chan time.Time {
		ch := make(chan time.Time, 1)
		ch <- s.wall()
		return ch
	}}
	for try := 1; ; try++ {
		_, err := en.Enroll(ctx, s.st, hallURL, code)
		if err == nil {
			w.logf("%s enrolled (call %d)", s.code, try)
			break
		}
		if hallclient.CodeOf(err) != hallclient.CodeOffline || try == 20 {
			return fmt.Errorf("enrol %s (call %d): %w", s.code, try, err)
		}
		// The station gave up for now; the clerk runs it again, with the
		// same code, once the hall answers.
		w.fault("enrol-gave-up")
		w.logf("%s enrol call %d: offline", s.code, try)
		if w.hall.down {
			w.restartHall()
		}
	}
	cl, err := hallclient.New(s.st)
	if err != nil {
		return fmt.Errorf("client %s: %w", s.code, err)
	}
	s.cl = s.configure(cl)
	if w.chance(0.5) {
		if _, err := s.st.ImportCatalog(ctx, s.actor, catalogJSON); err != nil {
			return fmt.Errorf("station %s: import catalog: %w", s.code, err)
		}
	}
	return nil
}

// skew returns a station's clock error: right, minutes, hours, or years off.
func (w *world) skew(i int) time.Duration {
	if i == 0 {
		return 0
	}
	switch w.rng.IntN(4) {
	case 0:
		return time.Duration(w.rng.IntN(20)-10) * time.Minute
	case 1:
		return time.Duration(w.rng.IntN(48)-24) * time.Hour
	case 2:
		years := []int{-3, -1, 1, 2}[w.rng.IntN(4)]
		return time.Duration(years) * 365 * 24 * time.Hour
	}
	return 0
}

func (w *world) skews() []string {
	var out []string
	for _, s := range w.stations {
		out = append(out, s.skew.String())
	}
	return out
}

// profile draws the run's fault rates: calm, stormy, or in between.
func (w *world) profile() rates {
	k := []float64{0.3, 1, 2}[w.rng.IntN(3)]
	return rates{dropRequest: 0.04 * k, dropResponse: 0.06 * k, duplicate: 0.05 * k, delay: 0.04 * k, cutBody: 0.05 * k,
		hallCrash: 0.03 * k, stationCrash: 0.02 * k, interleave: 0.25}
}

// tick is one scheduler step: time passes, then one thing happens.
func (w *world) tick() {
	w.now = w.now.Add(time.Duration(w.rng.IntN(180)) * time.Second)
	if w.hall.down && w.chance(0.5) {
		w.restartHall()
	}
	s := w.stations[w.rng.IntN(len(w.stations))]
	switch x := w.rng.IntN(100); {
	case x < 34:
		s.clerk()
	case x < 56:
		s.sync()
	case x < 64:
		w.hallWork()
	case x < 68:
		s.export()
	case x < 72:
		w.carryToHall()
	case x < 76:
		w.carryToStation()
	case x < 79:
		w.deliverHeld()
	case x < 82:
		s.partitioned = !s.partitioned
		w.fault("partition-toggle")
		w.logf("%s partitioned %v", s.code, s.partitioned)
	case x < 85:
		w.restartHall()
	case x < 90:
		w.crashStation(s)
	case x < 96:
		w.clockStep(s)
	case x < 98:
		w.publish()
	default:
		w.moveHall(s)
	}
}

// interleave lets other work happen while a request of from is on the
// wire: a clerk records something (at any station, this one included), the
// hall acts, the hall restarts, or the waiting station itself dies.
func (w *world) interleave(from *stationNode) {
	if w.calm || w.depth > 0 {
		return
	}
	if from.inOp && w.chance(w.rates.stationCrash) {
		w.logf("%s dies while waiting for the hall", from.code)
		from.die()
		return
	}
	if !w.chance(w.rates.interleave) {
		return
	}
	w.depth++
	defer func() { w.depth-- }()
	w.fault("interleaving")
	switch w.rng.IntN(5) {
	case 0, 1:
		w.stations[w.rng.IntN(len(w.stations))].clerk()
	case 2:
		from.clerk()
	case 3:
		w.hallWork()
	default:
		w.restartHall()
	}
}

// restartHall brings a dead hall back, or restarts a live one cleanly.
func (w *world) restartHall() {
	if !w.hall.down {
		w.fault("hall-restart")
	}
	if err := w.hall.restart(); err != nil {
		w.violation("hall does not restart: %v", err)
		w.abort = true
		return
	}
	w.logf("hall restarted")
}

// crashStation kills a station now (idle), or arms a crash at one of its
// next clock readings, in the middle of whatever it does next.
func (w *world) crashStation(s *stationNode) {
	if w.chance(0.3) {
		w.fault("station-crash")
		w.logf("%s killed while idle", s.code)
		s.restart()
		return
	}
	s.crashAt = 1 + w.rng.IntN(40)
	w.logf("%s will die at clock reading %d", s.code, s.crashAt)
}

// clockStep lets hours or days pass (nights, weekends), or changes a
// station's clock error: someone fixes it, and its time jumps, maybe
// backwards by years.
func (w *world) clockStep(s *stationNode) {
	if w.chance(0.6) {
		d := time.Duration(1+w.rng.IntN(72)) * time.Hour
		w.now = w.now.Add(d)
		w.logf("time passes: %v", d)
		return
	}
	old := s.skew
	if old != 0 {
		s.skew = 0
	} else {
		s.skew = w.skew(1 + w.rng.IntN(3))
	}
	w.fault("clock-change")
	w.logf("%s clock skew %v -> %v", s.code, old, s.skew)
}

// publish has the hall publish, once each, a new catalog version and a
// holiday calendar year.
func (w *world) publish() {
	if w.hall.down {
		return
	}
	ctx := context.Background()
	switch {
	case !w.published["catalog"]:
		v2, err := catalogV2()
		if err != nil {
			w.violation("%v", err)
			return
		}
		err, died := w.hall.guarded(w.rates.hallCrash*3, func(svc *hall.Service) error {
			_, err := svc.PublishCatalog(ctx, v2)
			return err
		})
		w.logf("hall publishes catalog v2: %s", outcome(err, died))
		w.published["catalog"] = err == nil
	case !w.published["calendar"]:
		err, died := w.hall.guarded(w.rates.hallCrash*3, func(svc *hall.Service) error {
			_, err := svc.PublishCalendar(ctx, calendarYear(2027))
			return err
		})
		w.logf("hall publishes calendar 2027: %s", outcome(err, died))
		w.published["calendar"] = err == nil
	}
}

func outcome(err error, died bool) string {
	if died {
		return "died"
	}
	if err != nil {
		return "refused " + domain.ErrorCode(err)
	}
	return "ok"
}
