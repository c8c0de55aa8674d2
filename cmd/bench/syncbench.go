package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"yizhan/app"
	"yizhan/app/hallclient"
	appsqlite "yizhan/app/sqlite"
	"yizhan/domain"
	"yizhan/hall"
)

// benchStart is when the generated cases begin: a week before the run.
func benchStart() time.Time { return time.Now().Add(-7 * 24 * time.Hour).Truncate(time.Second) }

// syncEnv is a hall with one enrolled station whose catalog has already
// been pulled (directly, not counted), ready for a measured sync.
type syncEnv struct {
	h     *hallEnv
	st    *app.Station
	db    *appsqlite.DB
	actor app.Actor
	keys  *hallclient.Keys
	code  string
	dir   string
}

func (b *bench) newSyncEnv(name, code string) (*syncEnv, error) {
	dir := filepath.Join(b.tmp, name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	h, err := startHall(b.ctx, filepath.Join(dir, "hall"))
	if err != nil {
		return nil, err
	}
	st, db, actor, err := openStation(b.ctx, filepath.Join(dir, "station"), code)
	if err != nil {
		h.close()
		return nil, err
	}
	keys, err := h.enroll(b.ctx, st, code)
	if err != nil {
		_ = st.Close() // the error being returned says more
		h.close()
		return nil, err
	}
	e := &syncEnv{h: h, st: st, db: db, actor: actor, keys: keys, code: code, dir: dir}
	if _, err := syncUntilDone(b.ctx, newClient(st, keys, h.url()), time.Minute, 1); err != nil {
		e.close()
		return nil, err
	}
	return e, nil
}

func (e *syncEnv) close() {
	_ = e.st.Close() // tearing down after the measurement
	e.h.close()
}

// measured runs a sync of c's station through a fresh counting proxy with
// link l and returns what it did and the bytes in each direction.
type measured struct {
	total
	cpu      time.Duration // CPU time of the whole process (hall, station, proxy)
	up, down int64
	requests int64
	conns    int64
	resets   int64
}

func (m measured) bytes() int64 { return m.up + m.down }

func (b *bench) measureSync(e *syncEnv, st *app.Station, l Link, limit time.Duration, tune func(c *hallclient.Client, p *Proxy)) (measured, error) {
	p, err := NewProxy(e.h.addr(), l)
	if err != nil {
		return measured{}, err
	}
	defer p.Close()
	c := newClient(st, e.keys, p.URL())
	if tune != nil {
		tune(c, p)
	}
	reqs, cpu := e.h.reqs.Load(), cpuTime()
	t, err := syncUntilDone(b.ctx, c, limit, b.seed)
	m := measured{total: t, cpu: cpuTime() - cpu, requests: e.h.reqs.Load() - reqs, conns: p.Conns(), resets: p.Resets()}
	m.up, m.down = p.Bytes()
	return m, err
}

// initial measures the first sync of a station's scope, n cases of five
// events: the station pushes the cases it recorded offline (a new station
// going online, or PouchDB's local-to-server replication), then a fresh
// install of the same station pulls its whole scope from cursor 0 (a
// replaced PC; PouchDB's server-to-local replication). The PouchDB peer
// replicates the same cases, one document each.
func (b *bench) initial(n int, withPeer, extras bool) error {
	label := fmt.Sprintf("initial sync, %s cases", commas(int64(n)))
	fmt.Fprintf(os.Stderr, "%s\n", label)
	e, err := b.newSyncEnv(fmt.Sprintf("initial-%d", n), "BENCHA")
	if err != nil {
		return err
	}
	defer e.close()
	g := newGen(b.seed, e.code, benchStart())
	cases := g.cases(n, g.stationCase)
	events := 0
	for _, c := range cases {
		events += len(c)
	}
	if err := addPending(b.ctx, e.st, e.db, cases); err != nil {
		return err
	}
	var docs string
	if withPeer && b.pouch != "" {
		docs = filepath.Join(e.dir, "docs.jsonl")
		if _, err := writePouchDocs(docs, cases); err != nil {
			return err
		}
	}
	cases = nil

	push, err := b.measureSync(e, e.st, Link{}, 30*time.Minute, nil)
	if err != nil {
		return fmt.Errorf("%s: push: %w", label, err)
	}
	if push.Accepted != events {
		return fmt.Errorf("%s: push: %d of %d events accepted", label, push.Accepted, events)
	}

	// A fresh install of the same station (its keys restored) pulls its
	// scope from 0.
	fresh, _, _, err := openStation(b.ctx, filepath.Join(e.dir, "fresh"), e.code)
	if err != nil {
		return err
	}
	defer func() { _ = fresh.Close() }() // a bench store, measured already
	pull, err := b.measureSync(e, fresh, Link{}, 30*time.Minute, nil)
	if err != nil {
		return fmt.Errorf("%s: pull: %w", label, err)
	}
	if pull.Pulled < events {
		return fmt.Errorf("%s: pull: %d of %d events", label, pull.Pulled, events)
	}

	var pr *pouchResult
	if docs != "" {
		pr, err = runPouch(b.ctx, b.pouch, docs, b.cfg.pouchBatch, b.cfg.pouchStore)
		_ = os.Remove(docs) // a temporary export for the peer
		if err != nil {
			return err
		}
	}
	perCase := float64(events) / float64(n)
	sec := "initial " + commas(int64(n))
	for _, d := range []struct {
		what    string
		m       measured
		peerT   func() time.Duration
		peerCPU func() float64
		up, dn  func() int64
	}{
		{"push", push, func() time.Duration { return pr.push() }, func() float64 { return pr.PushCPUMS }, func() int64 { return pr.PushUp }, func() int64 { return pr.PushDown }},
		{"pull", pull, func() time.Duration { return pr.pull() }, func() float64 { return pr.PullCPUMS }, func() int64 { return pr.PullUp }, func() int64 { return pr.PullDown }},
	} {
		ours := rate(events, d.m.Elapsed)
		r := row{Section: sec, Figure: fmt.Sprintf("%s: events/s (%s events, %s rounds, %s)", d.what, commas(int64(events)), commas(int64(d.m.Rounds)), fdur(d.m.Elapsed)),
			Ours: fnum(ours), Goal: "≥ 20× peer"}
		if pr != nil {
			peer := rate(pr.Docs, d.peerT()) * perCase
			r.Peer = fnum(peer) + fmt.Sprintf(" (%s docs/s, %s)", fnum(rate(pr.Docs, d.peerT())), fdur(d.peerT()))
			r.Ratio, r.Status = ratio(ours, peer), status(ours >= 20*peer)
		}
		b.rep.add(r)
		if pr != nil && b.floorBare > 0 {
			// What the goal asks, beside the most any durable store could
			// do on this machine (the floor part's bare insert, one side).
			peer := rate(pr.Docs, d.peerT()) * perCase
			b.rep.add(row{Section: sec, Figure: fmt.Sprintf("%s: 20× the peer vs the bare SQLite insert of the events at one end (floor)", d.what),
				Ours: fmt.Sprintf("20× peer = %s events/s; bare insert %s events/s (%s of it)", fnum(20*peer), fnum(b.floorBare), ratio(20*peer, b.floorBare))})
		}
		// The same per CPU-second (both ends' CPU time), steadier than the
		// wall clock on a shared machine.
		oursCPU := float64(events) / d.m.cpu.Seconds()
		r = row{Section: sec, Figure: fmt.Sprintf("%s: events per CPU-second (hall + station + proxy; peer: both node processes)", d.what),
			Ours: fnum(oursCPU)}
		if pr != nil && d.peerCPU() > 0 {
			peer := float64(pr.Docs) * perCase / (d.peerCPU() / 1000)
			r.Peer, r.Ratio = fnum(peer), ratio(oursCPU, peer)
		}
		b.rep.add(r)
		r = row{Section: sec, Figure: fmt.Sprintf("%s: bytes on the wire (up + down)", d.what),
			Ours: fmt.Sprintf("%s (%s + %s)", fbytes(d.m.bytes()), fbytes(d.m.up), fbytes(d.m.down)), Goal: "≤ 0.3× peer"}
		if pr != nil {
			peer := d.up() + d.dn()
			r.Peer = fmt.Sprintf("%s (%s + %s)", fbytes(peer), fbytes(d.up()), fbytes(d.dn()))
			r.Ratio, r.Status = ratio(float64(d.m.bytes()), float64(peer)), status(float64(d.m.bytes()) <= 0.3*float64(peer))
		}
		b.rep.add(r)
	}
	if pr != nil && b.pouchInfo == "" {
		store := "leveldb adapter, on disk) replicating to pouchdb-server %s (LevelDB on disk, its default)"
		if pr.Store == "memory" {
			store = "memory adapter) replicating to pouchdb-server %s --in-memory"
		}
		b.pouchInfo = fmt.Sprintf("PouchDB peer: pouchdb %s ("+store+" on 127.0.0.1, batch_size %d; one document per case {_id: case id, events: [the case's events, the same JSON objects Yizhan sends]}; peer events/s = docs/s × %.0f events per case.",
			pr.PouchDB, pr.Server, pr.BatchSize, perCase)
	}
	if !extras {
		return nil
	}

	// A sync with nothing new, from the station that just pushed.
	noop, err := b.measureSync(e, e.st, Link{}, time.Minute, nil)
	if err != nil {
		return fmt.Errorf("no-op sync: %w", err)
	}
	r := row{Section: "no-op", Figure: "sync with nothing new: round trips, bytes (up + down)",
		Ours: fmt.Sprintf("%d, %s (%s + %s)", noop.requests, fbytes(noop.bytes()), fbytes(noop.up), fbytes(noop.down)),
		Goal: "1 round trip, < 1 KB", Status: status(noop.requests == 1 && noop.bytes() < 1000)}
	if pr != nil {
		r.Peer = fmt.Sprintf("%d, %s", pr.NoopRequests, fbytes(pr.NoopUp+pr.NoopDown))
		r.Ratio = ratio(float64(noop.bytes()), float64(pr.NoopUp+pr.NoopDown))
	}
	b.rep.add(r)

	// Bytes per case: one typical case pushed alone, and per case in bulk.
	one := newGen(b.seed+99, e.code, time.Now().Add(-time.Hour))
	one.n = n + 1
	if err := addPending(b.ctx, e.st, e.db, one.cases(1, one.stationCase)); err != nil {
		return err
	}
	single, err := b.measureSync(e, e.st, Link{}, time.Minute, nil)
	if err != nil {
		return fmt.Errorf("single case: %w", err)
	}
	b.rep.add(row{Section: "per case", Figure: "push of one 5-event case alone (gzip on): bytes (up + down), round trips",
		Ours: fmt.Sprintf("%s (%s + %s), %d", fbytes(single.bytes()), fbytes(single.up), fbytes(single.down), single.requests)})
	b.rep.add(row{Section: "per case", Figure: fmt.Sprintf("push in bulk (%s cases): bytes per case (up + down)", commas(int64(n))),
		Ours: fmt.Sprintf("%s (%s + %s)", fbytes(push.bytes()/int64(n)), fbytes(push.up/int64(n)), fbytes(push.down/int64(n)))})
	return nil
}

// pull100k measures the time to pull 100,000 events on loopback: a fresh
// install pulling a scope of cases/5 cases.
func (b *bench) pullEvents(want int) error {
	n := want / 5
	fmt.Fprintf(os.Stderr, "pull of %s events\n", commas(int64(want)))
	e, err := b.newSyncEnv(fmt.Sprintf("pull-%d", want), "BENCHP")
	if err != nil {
		return err
	}
	defer e.close()
	g := newGen(b.seed+7, e.code, benchStart())
	if err := addPending(b.ctx, e.st, e.db, g.cases(n, g.stationCase)); err != nil {
		return err
	}
	if _, err := syncUntilDone(b.ctx, newClient(e.st, e.keys, e.h.url()), 30*time.Minute, 1); err != nil {
		return err
	}
	fresh, _, _, err := openStation(b.ctx, filepath.Join(e.dir, "fresh"), e.code)
	if err != nil {
		return err
	}
	defer func() { _ = fresh.Close() }() // a bench store, measured already
	m, err := b.measureSync(e, fresh, Link{}, 30*time.Minute, nil)
	if err != nil {
		return err
	}
	b.rep.add(row{Section: "pull", Figure: fmt.Sprintf("time to pull %s events on loopback (%d rounds, %s)", commas(int64(m.Pulled)), m.Rounds, fbytes(m.bytes())),
		Ours: fdur(m.Elapsed)})
	return nil
}

// catchUp measures a station back after a week offline: it recorded new
// cases while the hall decided cases it had forwarded; then the same again
// with the decided cases also changed at the station (5% of its forwarded
// cases changed on both sides).
func (b *bench) catchUp() error {
	cfg := b.cfg
	fmt.Fprintln(os.Stderr, "catch-up after a week offline")
	e, err := b.newSyncEnv("catchup", "BENCHC")
	if err != nil {
		return err
	}
	defer e.close()
	g := newGen(b.seed+3, e.code, benchStart().Add(-30*24*time.Hour))
	base := g.cases(cfg.catchBase, g.hallCase)
	if err := addPending(b.ctx, e.st, e.db, base); err != nil {
		return err
	}
	if _, err := syncUntilDone(b.ctx, newClient(e.st, e.keys, e.h.url()), 30*time.Minute, 1); err != nil {
		return err
	}
	reviewer := hall.Actor{ID: "reviewer1", Name: "王审批"}
	for week, both := range []bool{false, true} {
		g.clock = benchStart()
		if err := addPending(b.ctx, e.st, e.db, g.cases(cfg.catchNew, g.stationCase)); err != nil {
			return err
		}
		decided := base[week*cfg.catchDecisions : (week+1)*cfg.catchDecisions]
		for i, c := range decided {
			id := c[0].CaseID
			if both {
				phone := fmt.Sprintf("139%08d", i)
				if _, err := e.st.UpdateApplicant(b.ctx, e.actor, id, domain.ApplicantUpdate{Phone: &phone}); err != nil {
					return err
				}
				if _, err := e.st.AddNote(b.ctx, e.actor, id, "申请人来电更新联系电话"); err != nil {
					return err
				}
			}
			if err := e.h.svc.Approve(b.ctx, reviewer, id, fmt.Sprintf("证%06d", week*100000+i)); err != nil {
				return err
			}
		}
		m, err := b.measureSync(e, e.st, Link{}, 30*time.Minute, nil)
		if err != nil {
			return err
		}
		what := fmt.Sprintf("%s new cases at the station, %d hall decisions", commas(int64(cfg.catchNew)), cfg.catchDecisions)
		if both {
			what += fmt.Sprintf(", %d%% of forwarded cases changed on both sides", 100*cfg.catchDecisions/cfg.catchBase)
		}
		b.rep.add(row{Section: "catch-up", Figure: what + ": time",
			Ours: fmt.Sprintf("%s (%s events/s)", fdur(m.Elapsed), fnum(rate(m.Pushed+m.Pulled, m.Elapsed)))})
		b.rep.add(row{Section: "catch-up", Figure: "  round trips, events pushed / pulled, conflicts",
			Ours: fmt.Sprintf("%d, %s / %s, %d", m.requests, commas(int64(m.Pushed)), commas(int64(m.Pulled)), m.Conflicts)})
		b.rep.add(row{Section: "catch-up", Figure: "  bytes on the wire (up + down)",
			Ours: fmt.Sprintf("%s (%s + %s)", fbytes(m.bytes()), fbytes(m.up), fbytes(m.down))})
	}
	return nil
}
