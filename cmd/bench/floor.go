package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"yizhan/app"
	"yizhan/app/sqlite"
)

// floor measures the station's apply path (app.ApplyPulled: the events,
// each case folded from them, its search keys and the cursor, in one
// transaction a page, as sync applies pages) against the floor: the raw
// SQLite bulk-insert rate of the same rows — the very event, case and
// name-index rows the apply path wrote, read back and inserted into a fresh
// database of the same schema with prepared statements, in the same
// transactions, with the same pragmas (WAL, synchronous=FULL). The
// difference is what the apply path adds to storing its result: lookups,
// folding, encoding.
func (b *bench) floor() error {
	n := b.cfg.floorCases
	fmt.Fprintf(os.Stderr, "floor: raw SQLite insert vs apply path, %s cases\n", commas(int64(n)))
	g := newGen(b.seed+9, "BENCHF", benchStart())
	var pages []app.Pulled
	var seq int64
	page := app.Pulled{}
	events := 0
	for i := 0; i < n; i++ {
		for _, e := range g.stationCase() {
			seq++
			page.Events = append(page.Events, app.PulledEvent{Event: e, HallSeq: seq, Status: app.StatusAccepted})
		}
		if len(page.Events) >= b.cfg.pageEvents || i == n-1 {
			page.Cursor = seq
			events += len(page.Events)
			pages = append(pages, page)
			page = app.Pulled{}
		}
	}
	dir := filepath.Join(b.tmp, "floor")
	st, stdb, err := sqlite.OpenStation(b.ctx, app.Config{Dir: dir})
	if err != nil {
		return err
	}
	defer func() { _ = st.Close() }() // a bench store, read or measured already
	t0, c0 := time.Now(), cpuTime()
	for _, p := range pages {
		if err := st.ApplyPulled(b.ctx, p); err != nil {
			return err
		}
	}
	apply, applyCPU := time.Since(t0), cpuTime()-c0

	// The rows the apply path wrote, page by page.
	type table struct {
		name string
		rows map[string][][]any // by case id
		cols int
	}
	read := func(name, q string) (*table, error) {
		rows, err := stdb.QueryContext(b.ctx, q)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		t := &table{name: name, rows: map[string][][]any{}, cols: len(cols) - 1}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return nil, err
			}
			id := fmt.Sprint(vals[0])
			t.rows[id] = append(t.rows[id], vals[1:])
		}
		return t, rows.Err()
	}
	evRows, err := read("events", `SELECT case_id, * FROM events ORDER BY local_seq`)
	if err != nil {
		return err
	}
	caseRows, err := read("cases", `SELECT id, * FROM cases`)
	if err != nil {
		return err
	}
	gramRows, err := read("case_name_grams", `SELECT case_id, * FROM case_name_grams`)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir+"-raw", 0o700); err != nil {
		return err
	}
	db, err := sqlite.Open(filepath.Join(dir+"-raw", "raw.db"))
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }() // a bench database, measured already
	insert := func(t *table) string {
		return "INSERT INTO " + t.name + " VALUES(?" + strings.Repeat(",?", t.cols-1) + ")"
	}
	done := map[string]bool{}
	rows := 0
	t0, c0 = time.Now(), cpuTime()
	for _, p := range pages {
		err := db.Tx(b.ctx, func(tx *sql.Tx) error {
			var stmts []*sql.Stmt
			for _, t := range []*table{evRows, caseRows, gramRows} {
				stmt, err := tx.PrepareContext(b.ctx, insert(t))
				if err != nil {
					return err
				}
				defer stmt.Close()
				stmts = append(stmts, stmt)
			}
			for _, pe := range p.Events {
				id := pe.Event.CaseID
				if done[id] {
					continue
				}
				done[id] = true
				for i, t := range []*table{evRows, caseRows, gramRows} {
					for _, r := range t.rows[id] {
						if _, err := stmts[i].ExecContext(b.ctx, r...); err != nil {
							return fmt.Errorf("raw insert into %s: %w", t.name, err)
						}
						rows++
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	raw, rawCPU := time.Since(t0), cpuTime()-c0

	// The least any durable store of these events does: each event's JSON
	// under its id, one table, no other index, in the same transactions
	// with the same pragmas. No sync system that keeps the events on disk
	// can apply them faster than this on this machine.
	bodies := make([][][]byte, len(pages))
	for i, p := range pages {
		for _, pe := range p.Events {
			j, err := json.Marshal(pe.Event)
			if err != nil {
				return err
			}
			bodies[i] = append(bodies[i], j)
		}
	}
	bare, err := sqlite.Open(filepath.Join(dir+"-raw", "bare.db"))
	if err != nil {
		return err
	}
	defer func() { _ = bare.Close() }() // a bench database, measured already
	if _, err := bare.ExecContext(b.ctx, `CREATE TABLE bare(id TEXT PRIMARY KEY, body BLOB NOT NULL) WITHOUT ROWID`); err != nil {
		return err
	}
	t0, c0 = time.Now(), cpuTime()
	for i, p := range pages {
		err := bare.Tx(b.ctx, func(tx *sql.Tx) error {
			stmt, err := tx.PrepareContext(b.ctx, `INSERT INTO bare VALUES(?,?)`)
			if err != nil {
				return err
			}
			defer stmt.Close()
			for k, pe := range p.Events {
				if _, err := stmt.ExecContext(b.ctx, pe.Event.ID, bodies[i][k]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	bareT, bareCPU := time.Since(t0), cpuTime()-c0
	b.floorBare = rate(events, bareT)
	b.rep.add(row{Section: "floor", Figure: "bare SQLite insert: each event's JSON under its id, no other index, same transactions",
		Ours: fmt.Sprintf("%s events/s, CPU %.1f µs/event", fnum(b.floorBare), float64(bareCPU.Microseconds())/float64(events))})

	rawRate, applyRate := rate(events, raw), rate(events, apply)
	b.rep.add(row{Section: "floor", Figure: fmt.Sprintf("raw SQLite insert of the same rows (%s rows for %s events, ~%d events a transaction)", commas(int64(rows)), commas(int64(events)), b.cfg.pageEvents),
		Ours: fmt.Sprintf("%s events/s (%s rows/s), CPU %.1f µs/event", fnum(rawRate), fnum(rate(rows, raw)), float64(rawCPU.Microseconds())/float64(events))})
	b.rep.add(row{Section: "floor", Figure: "apply path (app.ApplyPulled of the same pages)",
		Ours: fmt.Sprintf("%s events/s, CPU %.1f µs/event", fnum(applyRate), float64(applyCPU.Microseconds())/float64(events)), Peer: fnum(rawRate) + " raw", Ratio: ratio(applyRate, rawRate) + " raw",
		Goal: "≥ 0.5× raw", Status: status(applyRate >= 0.5*rawRate)})
	return nil
}

// cpuTime returns the CPU time this process has used (user + system): on a
// shared machine a steadier measure than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
