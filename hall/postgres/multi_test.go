package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"yizhan/domain"
	"yizhan/hall"
	"yizhan/hall/httpapi"
	hallpg "yizhan/hall/postgres"
	"yizhan/hall/postgres/pgtest"
	"yizhan/hall/stationsim"
	"yizhan/sync/protocol"
	"yizhan/workday"
)

// instance is one hall process: its own store (connection pool), service
// and HTTP server, over the database every instance shares.
type instance struct {
	store *hallpg.Store
	svc   *hall.Service
	url   string
}

func startInstance(t *testing.T, dsn, dir string) *instance {
	t.Helper()
	ctx := context.Background()
	store, err := hallpg.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc, err := hall.New(ctx, store, hall.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	// Every instance publishes the catalog the stations' opens name: the
	// first publishes it, the others find it unchanged.
	if _, err := svc.PublishCatalog(ctx, stationsim.Catalog()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpapi.New(svc, nil))
	t.Cleanup(srv.Close)
	return &instance{store: store, svc: svc, url: srv.URL}
}

var globalIDs atomic.Int64

func newID() string { return fmt.Sprintf("01900000-0000-7000-8000-%012x", globalIDs.Add(1)) }

// mstation is one station goroutine of the multi-instance test. It keeps
// what it needs to check the halls: its cursor, every event delivered to
// it, and every ack it got.
type mstation struct {
	code   string
	token  string
	halls  []*instance
	rng    *rand.Rand
	maker  *stationsim.Maker
	client stationsim.Client
	cursor int64
	cases  map[string]*domain.Case
	seen   map[string]int64 // event ID -> log seq, as delivered
	acks   map[string]protocol.Ack
	years  map[int]int // calendar years delivered, and how often
	peers  []string
	turn   int
}

// hall returns the next instance: requests alternate between them, so one
// sync's push and the next pull land on different processes.
func (m *mstation) hall() *instance {
	m.turn++
	return m.halls[m.turn%len(m.halls)]
}

func (m *mstation) sync(h *instance, events []*domain.Event) (protocol.SyncResponse, error) {
	req := protocol.SyncRequest{V: protocol.Version, Station: m.code, Cursor: m.cursor, Events: events, MaxBytes: 2000 + m.rng.IntN(20000)}
	resp, err := m.client.Sync(context.Background(), h.url, m.token, req)
	if err != nil {
		return resp, fmt.Errorf("%s sync: %w", m.code, err)
	}
	if resp.Cursor < req.Cursor || resp.Resync {
		return resp, fmt.Errorf("%s: cursor went from %d to %d (resync %v)", m.code, req.Cursor, resp.Cursor, resp.Resync)
	}
	for _, p := range resp.Published {
		if p.Calendar != nil {
			m.years[p.Calendar.Year]++
		}
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
		if _, dup := m.seen[le.Event.ID]; dup {
			return resp, fmt.Errorf("%s: event %s delivered twice", m.code, le.Event.ID)
		}
		m.seen[le.Event.ID] = le.Seq
		m.maker.Observe(le.Event.HLC)
		if le.Status == protocol.AckAccepted {
			c := m.cases[le.Event.CaseID]
			if c == nil {
				c = &domain.Case{}
				m.cases[le.Event.CaseID] = c
			}
			if err := c.Apply(le.Event); err != nil {
				return resp, fmt.Errorf("%s: fold %s in delivery order: %w", m.code, le.Event.Kind, err)
			}
		}
	}
	m.cursor = resp.Cursor
	return resp, nil
}

func (m *mstation) record(acks []protocol.Ack) error {
	for _, a := range acks {
		if a.Status == protocol.AckRejected {
			continue
		}
		if old, ok := m.acks[a.ID]; ok && (old.Seq != a.Seq || old.Status != a.Status) {
			return fmt.Errorf("%s: event %s acked %s@%d, then %s@%d", m.code, a.ID, old.Status, old.Seq, a.Status, a.Seq)
		}
		m.acks[a.ID] = a
	}
	return nil
}

// batch makes the next push: new cases, steps on its cases, and routes to
// peers, whose queues other goroutines are reading meanwhile.
func (m *mstation) batch() []*domain.Event {
	var evs []*domain.Event
	for range 1 + m.rng.IntN(4) {
		var own *domain.Case
		for _, c := range m.cases {
			if c.Holder == m.code && c.State != domain.StateNone && !c.State.Terminal() {
				own = c
				break
			}
		}
		switch r := m.rng.IntN(10); {
		case own == nil || r < 3:
			evs = append(evs, m.maker.Open([]string{"station", "hall"}[m.rng.IntN(2)]))
		case r < 4:
			evs = append(evs, m.maker.Event(own.ID, domain.EvRoute, "", domain.RoutePayload{To: m.peers[m.rng.IntN(len(m.peers))]}))
		default:
			steps := domain.NextSteps(own.State)
			if len(steps) == 0 {
				evs = append(evs, m.maker.Step(own.ID, domain.EvNote, ""))
				continue
			}
			evs = append(evs, m.maker.Step(own.ID, steps[m.rng.IntN(len(steps))], own.State))
		}
	}
	return evs
}

// push sends evs; every third time it sends them to both instances at once,
// as a station does that retries against the other process while the first
// request is still running.
func (m *mstation) push(evs []*domain.Event) error {
	if m.rng.IntN(3) > 0 {
		resp, err := m.sync(m.hall(), evs)
		if err != nil {
			return err
		}
		return m.record(resp.Acks)
	}
	var wg sync.WaitGroup
	var acks [2][]protocol.Ack
	var errs [2]error
	for i, h := range m.halls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := protocol.SyncRequest{V: protocol.Version, Station: m.code, Cursor: m.cursor, Events: evs}
			resp, err := m.client.Sync(context.Background(), h.url, m.token, req)
			acks[i], errs[i] = resp.Acks, err
		}()
	}
	wg.Wait()
	for i := range acks {
		if errs[i] != nil {
			return fmt.Errorf("%s: concurrent push: %w", m.code, errs[i])
		}
		if err := m.record(acks[i]); err != nil {
			return err
		}
	}
	for j, e := range evs {
		if a, b := acks[0][j], acks[1][j]; a.Status != protocol.AckRejected && !a.Duplicate && !b.Duplicate {
			return fmt.Errorf("%s: event %s accepted by both instances (seqs %d, %d)", m.code, e.ID, a.Seq, b.Seq)
		}
	}
	return nil
}

func (m *mstation) pullAll() error {
	for range 10000 {
		resp, err := m.sync(m.hall(), nil)
		if err != nil || !resp.More {
			return err
		}
	}
	return fmt.Errorf("%s: pull does not end", m.code)
}

func (m *mstation) run(rounds int) error {
	for range rounds {
		if err := m.push(m.batch()); err != nil {
			return err
		}
		if err := m.pullAll(); err != nil {
			return err
		}
	}
	return nil
}

// TestMultiInstance runs two hall instances over one PostgreSQL database
// and has stations sync concurrently, alternating between the instances,
// while the hall approves cases on both and publishes a calendar. In the
// end every station must have received every event of its scope exactly
// once, its cursor must only have moved forward, and the union of the acks
// must be the log.
func TestMultiInstance(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn, dir := pgtest.Schema(t), t.TempDir()
	halls := []*instance{startInstance(t, dsn, dir), startInstance(t, dsn, dir)}
	const nStations, rounds = 8, 12
	stations := make([]*mstation, nStations)
	var codes []string
	for i := range stations {
		codes = append(codes, fmt.Sprintf("M%02d", i))
	}
	for i, code := range codes {
		m := &mstation{code: code, halls: halls, rng: rand.New(rand.NewPCG(uint64(i), 7)), turn: i,
			cases: map[string]*domain.Case{}, seen: map[string]int64{}, acks: map[string]protocol.Ack{}, years: map[int]int{}}
		m.maker = stationsim.NewMaker(code, time.Now, newID)
		for _, p := range codes {
			if p != code {
				m.peers = append(m.peers, p)
			}
		}
		stations[i] = m
	}
	errc := make(chan error, nStations+2)
	var wg sync.WaitGroup
	for _, m := range stations {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errc <- m.enrollAndRun(ctx, rounds)
		}()
	}
	stop := make(chan struct{})
	var clerks sync.WaitGroup
	clerks.Add(1)
	go func() { defer clerks.Done(); errc <- hallClerk(ctx, halls, stop) }()
	wg.Wait()
	close(stop)
	clerks.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range stations {
		if err := m.pullAll(); err != nil {
			t.Fatal(err)
		}
	}
	checkAgainstLog(t, halls[0].store, stations)
}

// enrollAndRun enrols the station on the first instance, authenticates on
// the second, then syncs.
func (m *mstation) enrollAndRun(ctx context.Context, rounds int) error {
	code, err := m.halls[0].svc.AddStation(ctx, m.code, m.code+" 服务站", "")
	if err != nil {
		return err
	}
	req, err := stationsim.EnrollRequest(code, nil)
	if err != nil {
		return err
	}
	resp, err := m.client.Enroll(ctx, m.halls[0].url, req)
	if err != nil {
		return fmt.Errorf("%s: enroll on instance 1: %w", m.code, err)
	}
	m.token = resp.Token
	if _, err := m.sync(m.halls[1], nil); err != nil {
		return fmt.Errorf("%s: first sync on instance 2: %w", m.code, err)
	}
	return m.run(rounds)
}

// hallClerk approves forwarded cases and publishes a calendar, alternating
// instances, until stop.
func hallClerk(ctx context.Context, halls []*instance, stop chan struct{}) error {
	a := hall.Actor{ID: "clerk", Name: "李静"}
	for i := 0; ; i++ {
		select {
		case <-stop:
			return nil
		case <-time.After(5 * time.Millisecond):
		}
		svc := halls[i%2].svc
		if i%25 == 0 {
			y := []byte(fmt.Sprintf(`{"year":%d,"holidays":["%d-01-01"],"workdays":[],"source":"test"}`, 2030+i/25, 2030+i/25))
			if err := publishYear(ctx, svc, y); err != nil {
				return err
			}
		}
		list, err := svc.Cases(ctx, hall.CaseFilter{State: domain.StateForwarded, Limit: 5})
		if err != nil {
			return err
		}
		for _, c := range list {
			err := svc.Approve(ctx, a, c.ID, "Z-1")
			if err != nil && domain.ErrorCode(err) != domain.EConflict {
				return fmt.Errorf("approve %s: %w", c.ID, err)
			}
		}
	}
}

func publishYear(ctx context.Context, svc *hall.Service, spec []byte) error {
	var y workday.YearSpec
	if err := json.Unmarshal(spec, &y); err != nil {
		return err
	}
	_, err := svc.PublishCalendar(ctx, y)
	return err
}

// checkAgainstLog compares what the stations received and were told with
// the hall's log: each station got exactly its scope, and the acks are the
// log entries stations made.
func checkAgainstLog(t *testing.T, store hall.Store, stations []*mstation) {
	t.Helper()
	logged := map[string]*hall.LogEntry{}
	scopeOf := map[string]map[string]bool{} // station -> event IDs
	cases := map[string]*domain.Case{}
	var years []int
	err := store.View(context.Background(), func(tx hall.Tx) error {
		list, err := tx.FindCases(hall.CaseFilter{Limit: 1 << 30})
		if err != nil {
			return err
		}
		for _, c := range list {
			cases[c.ID] = c
			entries, err := tx.CaseLog(c.ID, 0)
			if err != nil {
				return err
			}
			scope, err := tx.CaseScope(c.ID)
			if err != nil {
				return err
			}
			for _, le := range entries {
				logged[le.Event.ID] = le
				for _, st := range scope {
					if scopeOf[st] == nil {
						scopeOf[st] = map[string]bool{}
					}
					scopeOf[st][le.Event.ID] = true
				}
			}
		}
		pubs, err := tx.CurrentPublished()
		for _, p := range pubs {
			var y workday.YearSpec
			if p.Kind == hall.PubCalendar && json.Unmarshal(p.Body, &y) == nil {
				years = append(years, y.Year)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	acked := map[string]protocol.Ack{}
	for _, m := range stations {
		checkStation(t, m, logged, scopeOf[m.code], cases, years)
		for id, a := range m.acks {
			acked[id] = a
		}
	}
	hallEntries := 0
	for id, le := range logged {
		if le.Station == domain.HallOffice {
			hallEntries++
			continue
		}
		if a, ok := acked[id]; !ok || a.Seq != le.Seq {
			t.Errorf("log entry %s@%d by %s: ack %+v", id, le.Seq, le.Station, a)
		}
	}
	for id, a := range acked {
		if le := logged[id]; le == nil || le.Seq != a.Seq || (le.Status == hall.StatusConflict) != (a.Status == protocol.AckConflict) {
			t.Errorf("ack %+v does not match the log entry %+v", a, le)
		}
	}
	t.Logf("%d cases, %d log entries (%d by the hall), %d acks, calendar years %v", len(cases), len(logged), hallEntries, len(acked), years)
}

func checkStation(t *testing.T, m *mstation, logged map[string]*hall.LogEntry, scope map[string]bool, cases map[string]*domain.Case, years []int) {
	t.Helper()
	if len(m.seen) != len(scope) {
		t.Errorf("%s received %d events, its scope has %d", m.code, len(m.seen), len(scope))
	}
	for id := range scope {
		if _, ok := m.seen[id]; !ok {
			t.Errorf("%s never received %s (%s)", m.code, id, logged[id].Event.Kind)
		}
	}
	for id, seq := range m.seen {
		if le := logged[id]; le == nil || le.Seq != seq || !scope[id] {
			t.Errorf("%s received %s@%d outside its scope or the log", m.code, id, seq)
		}
	}
	for id, c := range m.cases {
		if h := cases[id]; h == nil || h.State != c.State || h.Holder != c.Holder || h.Events != c.Events {
			t.Errorf("%s folds case %s to %s/%s/%d events, the hall has %+v", m.code, id, c.State, c.Holder, c.Events, h)
		}
	}
	for _, y := range years {
		if m.years[y] != 1 {
			t.Errorf("%s received calendar %d %d times, want once", m.code, y, m.years[y])
		}
	}
}
