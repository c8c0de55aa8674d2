package sim

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"time"

	"yizhan/app"
	"yizhan/app/hallclient"
	appsqlite "yizhan/app/sqlite"
	"yizhan/domain"
)

// stationNode is one station: app.Station on its own files, its sync
// client on the simulated network, and a clock that is off by skew.
type stationNode struct {
	w      *world
	code   string
	dir    string
	skew   time.Duration
	ids    *idSource
	st     *app.Station
	db     *appsqlite.DB // st's database, for the checks that read it directly
	cl     *hallclient.Client
	actor  app.Actor
	ctx    context.Context // of the operation in progress
	cancel context.CancelFunc

	partitioned bool
	// usbOnly stations never sync online after enrolment: everything,
	// scans included, goes by bundle.
	usbOnly bool
	// addr is the hall address the station uses (its stored hall_url);
	// move is a move it was told to make and has not completed.
	addr    string
	move    *pendingMove
	inOp    bool
	dead    bool // died during the current operation
	crashAt int  // clock readings until it dies during an operation; 0: none

	acked   []string // events a clerk saw recorded
	checked int64    // deliveries verified present up to this cursor
}

func newStation(w *world, i int) *stationNode {
	s := &stationNode{w: w, code: fmt.Sprintf("ST%02d", i+1)}
	s.dir = filepath.Join(w.dir, s.code)
	s.ids = &idSource{rng: w.sub(), now: s.wall}
	s.actor = app.Actor{ID: "sim-clerk-" + s.code, Login: "clerk", Name: "窗口人员", Role: app.RoleHead}
	return s
}

// wall is the station's wall clock: virtual time plus its skew.
func (s *stationNode) wall() time.Time { return s.w.now.Add(s.skew) }

// now is the clock the station's services read. During an operation with
// a crash armed, each reading counts down, and at zero the station dies
// there: the operation's context is cancelled, so nothing it does after
// this point commits, exactly as if the process were killed.
func (s *stationNode) now() time.Time {
	if s.inOp && s.crashAt > 0 {
		s.crashAt--
		if s.crashAt == 0 {
			s.die()
		}
	}
	return s.wall()
}

// die kills the station in the middle of what it is doing.
func (s *stationNode) die() {
	s.dead = true
	if s.cancel != nil {
		s.cancel()
	}
}

// open opens the station's database and, once enrolled, its client.
func (s *stationNode) open() error {
	st, db, err := appsqlite.OpenStation(context.Background(), app.Config{Dir: s.dir, Now: s.now, NewID: s.ids.New})
	if err != nil {
		return fmt.Errorf("open station %s: %w", s.code, err)
	}
	s.st, s.db, s.cl = st, db, nil
	if s.addr == "" {
		s.addr = hallURL
	}
	if st.Code() == "" {
		return nil
	}
	if u, err := st.Meta(context.Background(), "hall_url"); err == nil && u != "" {
		s.addr = u // a move completed just before a crash counts
	}
	cl, err := hallclient.New(st)
	if err != nil {
		_ = st.Close() // the error being returned says more
		return fmt.Errorf("open station %s: client: %w", s.code, err)
	}
	s.cl = s.configure(cl)
	return nil
}

// configure points a client at the simulated network with the run's tuning.
func (s *stationNode) configure(cl *hallclient.Client) *hallclient.Client {
	cl.HTTP = &http.Client{Transport: &transport{w: s.w, st: s}}
	cl.Now = s.now
	cl.Jitter = func() float64 { return 0.5 }
	cl.After = func(time.Duration) <-chan time.Time {
		ch := make(chan time.Time, 1)
		ch <- s.wall()
		return ch
	}
	// Real-time bounds must never fire: the simulation has no real time.
	cl.RequestTimeout, cl.BlobBudget = time.Hour, time.Hour
	cl.PullBytes, cl.BatchEvents, cl.BatchBytes = s.w.pullBytes, s.w.batchEvents, s.w.batchBytes
	cl.MaxRounds = 400
	return cl
}

// restart closes and reopens the station on the same files.
func (s *stationNode) restart() {
	if s.st != nil {
		_ = s.st.Close() // a restart: the reopen below checks the files
	}
	s.st, s.db, s.cl, s.dead, s.crashAt = nil, nil, nil, false, 0
	if err := s.open(); err != nil {
		s.w.violation("station %s does not reopen after a crash: %v", s.code, err)
		s.w.abort = true
	}
}

// op runs fn as one operation with a context a crash cancels. If the
// station died during it, died is true and, unless the operation runs
// inside another one of this station (a clerk at work while a sync waits
// for the hall), the station is reopened.
func (s *stationNode) op(fn func(ctx context.Context) error) (err error, died bool) {
	if s.inOp {
		return fn(s.ctx), s.dead
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.ctx, s.cancel, s.inOp = ctx, cancel, true
	err = fn(ctx)
	s.ctx, s.cancel, s.inOp = nil, nil, false
	cancel()
	if s.dead {
		s.w.fault("station-crash")
		s.restart()
		return err, true
	}
	return err, false
}

// localCase is what a clerk sees in the case list.
type localCase struct {
	id, state, holder, item string
}

func (s *stationNode) cases() []localCase {
	rows, err := s.db.Query(`SELECT id, state, holder, item_code FROM cases ORDER BY id`)
	if err != nil {
		s.w.violation("station %s: list cases: %v", s.code, err)
		return nil
	}
	defer rows.Close()
	var out []localCase
	for rows.Next() {
		var c localCase
		if err := rows.Scan(&c.id, &c.state, &c.holder, &c.item); err != nil {
			s.w.violation("station %s: list cases: %v", s.code, err)
			return nil
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		s.w.violation("station %s: list cases: %v", s.code, err)
		return nil
	}
	return out
}

// clerk does one piece of counter work chosen from what the local state
// allows. Refusals (a stale view, the state machine, authority) are part
// of the game; an internal error is not.
func (s *stationNode) clerk() {
	w := s.w
	cs := s.cases()
	what := "open"
	var c localCase
	if len(cs) > 0 && !w.chance(0.25) {
		c = cs[w.rng.IntN(len(cs))]
		what = s.pick(c)
	}
	var out *domain.Case
	err, died := s.op(func(ctx context.Context) error {
		var err error
		out, err = s.do(ctx, what, c)
		return err
	})
	switch {
	case died:
		w.logf("%s clerk %s %s: died", s.code, what, short(c.id))
	case err != nil:
		code := domain.ErrorCode(err)
		w.logf("%s clerk %s %s: refused %s", s.code, what, short(c.id), code)
		if code == domain.EInternal {
			w.violation("station %s: %s on case %s: unexpected error: %v", s.code, what, c.id, err)
		}
	default:
		w.logf("%s clerk %s %s: ok", s.code, what, short(c.id))
		if out != nil {
			s.acked = append(s.acked, out.LastEvent)
			w.rep.Events++
		}
	}
}

// pick chooses the next step for a case as the clerk sees it.
func (s *stationNode) pick(c localCase) string {
	w := s.w
	switch x := w.rng.IntN(100); {
	case x < 10:
		return "note"
	case x < 16:
		return "update"
	case x < 22:
		return "scan"
	}
	byState := map[string][]string{
		"received":   {"accept", "accept", "accept", "correct", "reject", "forward"},
		"correction": {"supplement", "supplement", "timeout", "reject"},
		"accepted":   {"forward", "process", "conclude"},
		"in_process": {"conclude", "conclude", "refuse", "suspend", "correct"},
		"suspended":  {"resume"},
		"concluded":  {"deliver", "deliver", "evaluate"},
		"delivering": {"sign"},
		"delivered":  {"evaluate"},
	}
	steps := byState[c.state]
	if len(steps) == 0 {
		return "note"
	}
	return steps[w.rng.IntN(len(steps))]
}

// do performs one clerk action through the station's services.
func (s *stationNode) do(ctx context.Context, what string, c localCase) (*domain.Case, error) {
	w, st, a := s.w, s.st, s.actor
	switch what {
	case "open":
		return s.openCase(ctx)
	case "note":
		return st.AddNote(ctx, a, c.id, fmt.Sprintf("进度说明 %d", w.rng.IntN(1000)))
	case "update":
		addr := fmt.Sprintf("示例区新村%d号", w.rng.IntN(100))
		return st.UpdateApplicant(ctx, a, c.id, domain.ApplicantUpdate{Address: &addr})
	case "scan":
		return s.scan(ctx, c)
	case "accept":
		return st.Accept(ctx, a, c.id)
	case "correct":
		return st.RequestCorrection(ctx, a, c.id, "材料不齐", []string{"补充说明"})
	case "reject":
		return st.NotAccept(ctx, a, c.id, "不符合受理条件")
	case "supplement":
		if err := s.completeMaterials(ctx, c); err != nil {
			return nil, err
		}
		return st.Supplement(ctx, a, c.id, nil)
	case "timeout":
		return st.CorrectionTimeout(ctx, a, c.id)
	case "forward":
		return st.Forward(ctx, a, c.id)
	case "process":
		return st.StartProcess(ctx, a, c.id)
	case "conclude":
		return st.Conclude(ctx, a, c.id, domain.ResultApproved, "", fmt.Sprintf("证%d", w.rng.IntN(1e6)))
	case "refuse":
		return st.Conclude(ctx, a, c.id, domain.ResultRefused, "不符合条件", "")
	case "suspend":
		return st.Suspend(ctx, a, c.id, "现场核查", "inspection", "G")
	case "resume":
		return st.Resume(ctx, a, c.id)
	case "deliver":
		d := domain.Delivery{Method: "pickup"}
		if w.chance(0.4) {
			d = domain.Delivery{Method: "ems", Waybill: fmt.Sprintf("EMS%09d", w.rng.IntN(1e9))}
		}
		return st.StartDelivery(ctx, a, c.id, d)
	case "sign":
		return st.Deliver(ctx, a, c.id, "申请人本人")
	case "evaluate":
		_, err := st.Evaluate(ctx, a, app.EvaluationInput{CaseID: c.id, Evaluation: domain.Evaluation{Level: 1 + w.rng.IntN(5)}})
		if err != nil {
			return nil, err
		}
		return st.LoadCase(ctx, c.id)
	}
	return nil, fmt.Errorf("sim: unknown clerk action %q", what)
}

// openCase receives a new application with most materials on paper and,
// now and then, some missing (for the correction path).
func (s *stationNode) openCase(ctx context.Context) (*domain.Case, error) {
	w := s.w
	item, situation := stationItem, ""
	if w.chance(0.5) {
		item, situation = hallItem, []string{"01", "02"}[w.rng.IntN(2)]
	}
	it, err := s.st.Item(ctx, item, 0)
	if err != nil {
		return nil, err
	}
	list, err := it.MaterialsFor(situation)
	if err != nil {
		return nil, err
	}
	var mats []app.MaterialInput
	for _, m := range list {
		how := domain.CollectPaper
		switch {
		case w.chance(0.12):
			how = domain.CollectMissing
		case m.ELicense && w.chance(0.3):
			how = domain.CollectELicense
		}
		mats = append(mats, app.MaterialInput{Code: m.Code, Collected: how, Count: 1})
	}
	ch := []string{domain.ChannelWindow, domain.ChannelVillage, domain.ChannelHome}[w.rng.IntN(3)]
	return s.st.OpenCase(ctx, s.actor, app.OpenCaseInput{ItemCode: item, Situation: situation, Channel: ch,
		Applicant: applicant(w.rng), Materials: mats})
}

// completeMaterials records every missing material on paper.
func (s *stationNode) completeMaterials(ctx context.Context, c localCase) error {
	cur, err := s.st.LoadCase(ctx, c.id)
	if err != nil {
		return err
	}
	for _, m := range cur.Missing() {
		if _, err := s.st.RecordMaterial(ctx, s.actor, c.id, app.MaterialInput{Code: m.Code, Collected: domain.CollectPaper, Count: 1}); err != nil {
			return err
		}
	}
	return nil
}

// scan stores an attachment (sometimes larger than one upload chunk) and
// records it on one of the case's materials.
func (s *stationNode) scan(ctx context.Context, c localCase) (*domain.Case, error) {
	w := s.w
	cur, err := s.st.LoadCase(ctx, c.id)
	if err != nil {
		return nil, err
	}
	if len(cur.Materials) == 0 {
		return nil, domain.Errorf(domain.EInvalid, "无材料", "case has no materials")
	}
	data := make([]byte, 1+w.rng.IntN(300<<10))
	_, _ = seededReader{rng: w.rng}.Read(data) // a seeded source: never fails
	sha, err := s.st.ImportBlob(ctx, s.actor, "scan.jpg", "image/jpeg", bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	m := cur.Materials[w.rng.IntN(len(cur.Materials))]
	return s.st.RecordMaterial(ctx, s.actor, c.id, app.MaterialInput{Code: m.Code, Collected: domain.CollectScan, Count: 1, Blobs: []string{sha}})
}

// sync runs one SyncOnce and checks the cursor invariant after it. It
// returns how much moved (0 when nothing did or the sync failed).
func (s *stationNode) sync() (moved int) {
	if s.cl == nil || s.usbOnly {
		return 0
	}
	w := s.w
	if s.move != nil {
		s.tryMove()
	}
	var res hallclient.Result
	err, died := s.op(func(ctx context.Context) error {
		var err error
		res, err = s.cl.SyncOnce(ctx)
		return err
	})
	w.rep.Syncs++
	if died {
		w.logf("%s sync: died", s.code)
		return 0
	}
	w.logf("%s sync: rounds %d pushed %d pulled %d published %d cursor %d blobs %d/%d: %s",
		s.code, res.Rounds, res.Pushed, res.Pulled, res.Published, res.Cursor, res.Blobs.Uploaded, res.Blobs.Pending, syncCode(err))
	if err != nil && hallclient.CodeOf(err) != hallclient.CodeOffline {
		w.violation("station %s: sync failed with %s: %v", s.code, hallclient.CodeOf(err), err)
	}
	w.checkCursor(s)
	if err != nil {
		return 0
	}
	return res.Pushed + res.Pulled + res.Published + res.Blobs.Uploaded
}

// syncCode names a sync outcome for the trace.
func syncCode(err error) string {
	if err == nil {
		return "ok"
	}
	return hallclient.CodeOf(err)
}

func short(id string) string {
	if len(id) > 8 {
		return id[len(id)-8:]
	}
	return id
}
