package difftest_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"yizhan/domain"
	"yizhan/hall"
	"yizhan/hall/stationsim"
	"yizhan/sync/protocol"
	"yizhan/workday"
)

var ctx = context.Background()

// TestSameChangeStream runs seeded random operations against a SQLite hall
// and a PostgreSQL hall and requires the same answers throughout: the same
// acks, the same pages (so the same per-station events in the same order),
// the same registry and case states. YIZHAN_DIFF_SEED and YIZHAN_DIFF_OPS
// replay one seed or run longer.
func TestSameChangeStream(t *testing.T) {
	seeds := []uint64{1, 2, 3}
	ops := 400
	if raceEnabled {
		ops = 100
	}
	if v, err := strconv.ParseUint(os.Getenv("YIZHAN_DIFF_SEED"), 10, 64); err == nil {
		seeds = []uint64{v}
	}
	if v, err := strconv.Atoi(os.Getenv("YIZHAN_DIFF_OPS")); err == nil {
		ops = v
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			t.Parallel()
			newSim(t, seed).run(ops)
		})
	}
}

// simStation is a station as the simulation drives it; its view of cases
// comes from what the first hall delivered (the second's is identical, or
// the test has already failed).
type simStation struct {
	code    string
	token   string
	maker   *stationsim.Maker
	cursor  int64
	cases   map[string]*domain.Case
	seen    map[string]bool // event IDs delivered, to catch a duplicate
	pushed  []*domain.Event
	revoked bool
}

type sim struct {
	t        *testing.T
	p        *pair
	rng      *rand.Rand
	ids      *idGen
	stations []*simStation
	caseIDs  []string // every case opened, in order
	acks     map[string]int
	catalog  []byte
}

func newSim(t *testing.T, seed uint64) *sim {
	catalog, err := os.ReadFile(filepath.Join("..", "testdata", "township-sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	return &sim{t: t, p: newPair(t, seed), rng: rand.New(rand.NewPCG(seed, 0x5eed)), ids: &idGen{space: 0x5a},
		catalog: catalog, acks: map[string]int{}}
}

func (s *sim) run(ops int) {
	do(s.p, "publish the stations' catalog", func(svc *hall.Service) (hall.PublishResult, error) {
		return svc.PublishCatalog(ctx, stationsim.Catalog())
	})
	for range 3 {
		s.enroll()
	}
	for s.p.op = 1; s.p.op <= ops; s.p.op++ {
		switch r := s.rng.IntN(100); {
		case r < 3:
			s.enroll()
		case r < 40:
			s.push(s.pick())
		case r < 62:
			s.pull(s.pick())
		case r < 77:
			s.hallCommand()
		case r < 81:
			s.publish()
		case r < 82:
			s.revoke()
		case r < 92:
			s.p.clock.Add(time.Duration(s.rng.IntN(600)) * time.Second)
		default:
			s.inspect()
		}
	}
	s.finish()
}

// pick returns a random enrolled station (revoked ones included: their
// syncs must be refused alike).
func (s *sim) pick() *simStation { return s.stations[s.rng.IntN(len(s.stations))] }

func (s *sim) enroll() {
	if len(s.stations) >= 8 {
		return
	}
	code := fmt.Sprintf("S%02d", len(s.stations)+1)
	enrol, _ := do(s.p, "add station "+code, func(svc *hall.Service) (string, error) {
		return svc.AddStation(ctx, code, code+" 便民服务站", "370112")
	})
	if s.rng.IntN(5) == 0 {
		do(s.p, "enroll with a wrong code", func(svc *hall.Service) (protocol.EnrollResponse, error) {
			return svc.Enroll(ctx, protocol.EnrollRequest{V: protocol.Version, Code: "0000-0000-0000-0000"})
		})
	}
	var key [32]byte
	key[0] = byte(len(s.stations))
	req, err := stationsim.EnrollRequest(enrol, rand.NewChaCha8(key))
	if err != nil {
		s.t.Fatal(err)
	}
	resp, err := do(s.p, "enroll "+code, func(svc *hall.Service) (protocol.EnrollResponse, error) {
		return svc.Enroll(ctx, req)
	})
	if err != nil {
		s.t.Fatalf("op %d: enroll %s: %v", s.p.op, code, err)
	}
	st := &simStation{code: code, token: resp.Token, cases: map[string]*domain.Case{}, seen: map[string]bool{}}
	st.maker = stationsim.NewMaker(code, s.p.clock.Now, s.ids.next)
	s.stations = append(s.stations, st)
}

// sync authenticates and syncs on both halls, then applies the page to the
// station as a station would.
func (s *sim) sync(st *simStation, what string, req protocol.SyncRequest) (protocol.SyncResponse, error) {
	req.V, req.Station = protocol.Version, st.code
	resp, err := do(s.p, what+" "+st.code, func(svc *hall.Service) (protocol.SyncResponse, error) {
		hs, err := svc.Authenticate(ctx, st.token)
		if err != nil {
			return protocol.SyncResponse{}, err
		}
		return svc.Sync(ctx, hs, req)
	})
	if err != nil {
		return resp, err
	}
	if resp.Resync || resp.Cursor < req.Cursor {
		s.t.Fatalf("seed %d op %d: %s cursor %d -> %d (resync %v)", s.p.seed, s.p.op, st.code, req.Cursor, resp.Cursor, resp.Resync)
	}
	// Events pushed in this request come back as stubs (docs/sync.md): a
	// station folds its own copy.
	pushed := map[string]*domain.Event{}
	for _, e := range req.Events {
		pushed[e.ID] = e
	}
	for _, le := range resp.Events {
		if p := pushed[le.Event.ID]; p != nil && le.Event.HLC == "" {
			le.Event = p
		}
		s.apply(st, le)
	}
	st.cursor = resp.Cursor
	return resp, nil
}

func (s *sim) apply(st *simStation, le protocol.LogEvent) {
	e := le.Event
	if st.seen[e.ID] {
		s.t.Fatalf("seed %d op %d: %s got event %s twice", s.p.seed, s.p.op, st.code, e.ID)
	}
	st.seen[e.ID] = true
	st.maker.Observe(e.HLC)
	if le.Status != protocol.AckAccepted {
		return
	}
	c := st.cases[e.CaseID]
	if c == nil {
		c = &domain.Case{}
		st.cases[e.CaseID] = c
	}
	if err := c.Apply(e); err != nil {
		s.t.Fatalf("seed %d op %d: %s cannot fold accepted event %s (%s) of case %s in delivery order: %v",
			s.p.seed, s.p.op, st.code, e.ID, e.Kind, e.CaseID, err)
	}
}

func (s *sim) pull(st *simStation) {
	for {
		resp, err := s.sync(st, "pull", protocol.SyncRequest{Cursor: st.cursor, MaxBytes: 300 + s.rng.IntN(8000)})
		if err != nil || !resp.More || s.rng.IntN(3) == 0 {
			return
		}
	}
}

func (s *sim) push(st *simStation) {
	n := 1 + s.rng.IntN(4)
	var evs []*domain.Event
	for range n {
		if e := s.makeEvent(st); e != nil {
			evs = append(evs, e)
		}
	}
	resp, err := s.sync(st, fmt.Sprintf("push %d", len(evs)), protocol.SyncRequest{Cursor: st.cursor, Events: evs})
	if err != nil {
		return
	}
	for i, a := range resp.Acks {
		k := a.Status
		if a.Duplicate {
			k += "-dup"
		}
		if a.Code != "" {
			k += "-" + a.Code
		}
		s.acks[k]++
		if !a.Duplicate && a.Status != protocol.AckRejected && evs[i].Kind == domain.EvOpen {
			s.caseIDs = append(s.caseIDs, evs[i].CaseID)
		}
	}
	st.pushed = append(st.pushed, evs...)
}

// makeEvent makes the next event a station pushes: mostly what a clerk
// would do, with stale steps, strangers' cases, duplicates and malformed
// events mixed in.
func (s *sim) makeEvent(st *simStation) *domain.Event {
	m := st.maker
	own := s.ownCase(st)
	switch r := s.rng.IntN(100); {
	case r < 30 || own == nil && r < 60:
		where := "station"
		if s.rng.IntN(3) == 0 {
			where = "hall"
		}
		return m.Open(where)
	case r < 60:
		steps := domain.NextSteps(own.State)
		if len(steps) == 0 {
			return m.Step(own.ID, domain.EvNote, "")
		}
		return m.Step(own.ID, steps[s.rng.IntN(len(steps))], own.State)
	case r < 67 && own != nil:
		t := domain.Transitions[s.rng.IntN(len(domain.Transitions))]
		return m.Step(own.ID, t.Kind, domain.States[s.rng.IntN(len(domain.States))])
	case r < 75 && len(s.caseIDs) > 0:
		kind := []domain.EventKind{domain.EvNote, domain.EvMaterial}[s.rng.IntN(2)]
		return m.Step(s.caseIDs[s.rng.IntN(len(s.caseIDs))], kind, "")
	case r < 82 && own != nil:
		to := "ZZ9"
		if s.rng.IntN(4) > 0 {
			to = s.stations[s.rng.IntN(len(s.stations))].code
		}
		return m.Event(own.ID, domain.EvRoute, "", domain.RoutePayload{To: to})
	case r < 92 && len(st.pushed) > 0:
		return st.pushed[s.rng.IntN(len(st.pushed))]
	case r < 96:
		e := m.Step(s.ids.next(), domain.EvNote, "")
		e.ID = "not-a-uuid"
		return e
	default:
		e := m.Open("station")
		e.Office = "ZZ9" // claims to be another office
		return e
	}
}

// ownCase returns a random case the station knows of, or nil.
func (s *sim) ownCase(st *simStation) *domain.Case {
	if len(st.cases) == 0 {
		return nil
	}
	ids := make([]string, 0, len(st.cases))
	for id := range st.cases {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return st.cases[ids[s.rng.IntN(len(ids))]]
}

func (s *sim) hallCommand() {
	if len(s.caseIDs) == 0 {
		return
	}
	id := s.caseIDs[s.rng.IntN(len(s.caseIDs))]
	a := hall.Actor{ID: "hall-clerk-" + strconv.Itoa(s.rng.IntN(3)), Name: "李静"}
	to := s.stations[s.rng.IntN(len(s.stations))].code
	cmds := []struct {
		name string
		fn   func(svc *hall.Service) error
	}{
		{"approve", func(svc *hall.Service) error { return svc.Approve(ctx, a, id, "Z-9") }},
		{"refuse", func(svc *hall.Service) error { return svc.Refuse(ctx, a, id, "材料不符") }},
		{"return", func(svc *hall.Service) error { return svc.Return(ctx, a, id, "") }},
		{"correction", func(svc *hall.Service) error {
			return svc.RequestCorrection(ctx, a, id, "补户口簿", []string{"户口簿"})
		}},
		{"suspend", func(svc *hall.Service) error { return svc.Suspend(ctx, a, id, "听证") }},
		{"resume", func(svc *hall.Service) error { return svc.Resume(ctx, a, id) }},
		{"serial", func(svc *hall.Service) error { return svc.AssignSerial(ctx, a, id, "SQ-"+strconv.Itoa(s.p.op)) }},
		{"route", func(svc *hall.Service) error { return svc.Route(ctx, a, id, to) }},
	}
	c := cmds[s.rng.IntN(len(cmds))]
	do(s.p, "hall "+c.name+" "+id, func(svc *hall.Service) (bool, error) { return true, c.fn(svc) })
}

func (s *sim) publish() {
	if s.rng.IntN(2) == 0 {
		do(s.p, "publish catalog", func(svc *hall.Service) (hall.PublishResult, error) {
			return svc.PublishCatalog(ctx, s.catalog)
		})
		return
	}
	year := 2026 + s.rng.IntN(2)
	days := []workday.Date{workday.NewDate(year, 1, 1), workday.NewDate(year, 5, 1), workday.NewDate(year, 10, 1)}
	y := workday.YearSpec{Year: year, Holidays: days[:1+s.rng.IntN(3)], Workdays: []workday.Date{}, Source: "test"}
	do(s.p, fmt.Sprintf("publish calendar %d", year), func(svc *hall.Service) (bool, error) {
		return svc.PublishCalendar(ctx, y)
	})
}

func (s *sim) revoke() {
	st := s.pick()
	if s.rng.IntN(2) == 0 || st.revoked {
		return
	}
	do(s.p, "revoke "+st.code, func(svc *hall.Service) (bool, error) { return true, svc.Revoke(ctx, st.code) })
	st.revoked = true
}

// inspect compares what the hall's own screens show.
func (s *sim) inspect() {
	do(s.p, "stations", func(svc *hall.Service) ([]hall.StationInfo, error) { return svc.Stations(ctx) })
	do(s.p, "cases", func(svc *hall.Service) ([]hall.CaseSummary, error) {
		return svc.Cases(ctx, hall.CaseFilter{Limit: 100000})
	})
	if len(s.caseIDs) > 0 {
		id := s.caseIDs[s.rng.IntN(len(s.caseIDs))]
		do(s.p, "show "+id, func(svc *hall.Service) (*hall.CaseDetail, error) {
			return svc.ShowCase(ctx, hall.Actor{ID: "auditor"}, id, false, "")
		})
	}
}

// finish drains every station, compares the final state of both halls,
// and checks each station's folded cases against the hall's.
func (s *sim) finish() {
	for _, st := range s.stations {
		for i := 0; !st.revoked; i++ {
			if i > 1000 {
				s.t.Fatalf("%s: pull does not end", st.code)
			}
			resp, err := s.sync(st, "drain", protocol.SyncRequest{Cursor: st.cursor})
			if err != nil || !resp.More {
				break
			}
		}
	}
	s.inspect()
	hallCases := map[string]hall.CaseSummary{}
	list, _ := do(s.p, "final cases", func(svc *hall.Service) ([]hall.CaseSummary, error) {
		return svc.Cases(ctx, hall.CaseFilter{Limit: 100000})
	})
	for _, c := range list {
		hallCases[c.ID] = c
	}
	for _, id := range s.caseIDs {
		do(s.p, "final show "+id, func(svc *hall.Service) (*hall.CaseDetail, error) {
			return svc.ShowCase(ctx, hall.Actor{ID: "auditor"}, id, true, "differential test")
		})
	}
	for _, st := range s.stations {
		if st.revoked {
			continue
		}
		for id, c := range st.cases {
			h := hallCases[id]
			if c.State != h.State || c.Holder != h.Holder {
				s.t.Errorf("seed %d: %s folds case %s to %s/%s, the hall has %s/%s", s.p.seed, st.code, id, c.State, c.Holder, h.State, h.Holder)
			}
		}
	}
	s.p.checkLogOrder()
	states := map[domain.State]int{}
	for _, c := range hallCases {
		states[c.State]++
	}
	delivered := 0
	for _, st := range s.stations {
		delivered += len(st.seen)
	}
	s.t.Logf("seed %d: %d ops, %d stations, %d log entries, %d deliveries of events, %d ack statuses %v, case states %v",
		s.p.seed, s.p.op-1, len(s.stations), len(s.p.halls[0].seqs), delivered, len(s.acks), s.acks, states)
}
