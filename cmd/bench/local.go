package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"yizhan/app"
	"yizhan/app/sqlite"
	"yizhan/domain"
)

// localVersion changes whenever the generated local dataset changes, so a
// stale cached one is not reused.
const localVersion = 1

// localCases makes the cases of the local dataset: the station's own cases
// spread over the last year, as the hall sent them back (accepted, with log
// positions): 45% immediate cases carried to evaluation (5 events), 40%
// forwarded to the hall (3 events), 15% just received (1 event).
func localEvents(g *gen, i, n int, start time.Time, seq *int64) []app.PulledEvent {
	g.clock = start.Add(time.Duration(float64(365*24*time.Hour) * float64(i) / float64(n)))
	var evs []*domain.Event
	switch r := g.r.IntN(100); {
	case r < 45:
		evs = g.stationCase()
	case r < 85:
		evs = g.hallCase()
	default:
		evs = g.hallCase()[:1]
	}
	out := make([]app.PulledEvent, len(evs))
	for k, e := range evs {
		*seq++
		out[k] = app.PulledEvent{Event: e, HallSeq: *seq, Status: app.StatusAccepted}
	}
	return out
}

// localStation returns the path of a cached station with n cases, building
// it first if needed (through app.ApplyPulled, 2,000 events a page).
func (b *bench) localStation(n int) (string, error) {
	ms, err := sqlite.Migrations()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(b.cache, fmt.Sprintf("local-%d-g%d-s%d", n, localVersion, ms[len(ms)-1].Version))
	if _, err := os.Stat(filepath.Join(dir, "done")); err == nil {
		return dir, nil
	}
	// A dataset cached under an older schema is upgraded the way a station
	// upgrades (app.Open runs the migrations on a copy), which takes minutes
	// where building it again takes the better part of an hour.
	for v := ms[len(ms)-1].Version - 1; v >= 1; v-- {
		old := filepath.Join(b.cache, fmt.Sprintf("local-%d-g%d-s%d", n, localVersion, v))
		if _, err := os.Stat(filepath.Join(old, "done")); err != nil {
			continue
		}
		fmt.Fprintf(os.Stderr, "upgrading the cached local dataset %s to schema %d\n", old, ms[len(ms)-1].Version)
		began := time.Now()
		tmp := dir + ".upgrading"
		_ = os.RemoveAll(tmp) // a leftover of an interrupted build, if any
		if err := copyDir(old, tmp); err != nil {
			return "", err
		}
		st, db, err := sqlite.OpenStation(b.ctx, app.Config{Dir: tmp})
		if err != nil {
			return "", fmt.Errorf("upgrade the cached dataset: %w", err)
		}
		if _, err := db.ExecContext(b.ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			_ = st.Close() // the error being returned says more
			return "", err
		}
		_ = st.Close() // the dataset is checkpointed; closing frees it
		// The copy the upgrade keeps of the old schema is not part of the
		// dataset (and would be copied into every run).
		baks, _ := filepath.Glob(filepath.Join(tmp, "*.bak"))
		for _, f := range baks {
			_ = os.Remove(f) // a leftover backup only costs disk
		}
		_ = os.RemoveAll(dir) // the rename below fails if it is still there
		if err := os.Rename(tmp, dir); err != nil {
			return "", err
		}
		_ = os.RemoveAll(old) // the old dataset only costs disk
		fmt.Fprintf(os.Stderr, "  upgraded in %s\n", fdur(time.Since(began)))
		return dir, nil
	}
	fmt.Fprintf(os.Stderr, "building the local dataset of %s cases in %s (once; cached)\n", commas(int64(n)), dir)
	tmp := dir + ".building"
	_ = os.RemoveAll(tmp) // a leftover of an interrupted build, if any
	st, db, _, err := openStation(b.ctx, tmp, "BENCHL")
	if err != nil {
		return "", err
	}
	began := time.Now()
	g := newGen(b.seed+5, "BENCHL", time.Time{})
	start := time.Now().Add(-365 * 24 * time.Hour)
	var seq int64
	var page app.Pulled
	events := 0
	for i := 0; i < n; i++ {
		page.Events = append(page.Events, localEvents(g, i, n, start, &seq)...)
		if len(page.Events) >= 2000 || i == n-1 {
			page.Cursor = seq
			if err := st.ApplyPulled(b.ctx, page); err != nil {
				_ = st.Close() // the error being returned says more
				return "", err
			}
			events += len(page.Events)
			page.Events = page.Events[:0]
		}
		if i > 0 && i%200_000 == 0 {
			fmt.Fprintf(os.Stderr, "  %s cases, %s events in %s\n", commas(int64(i)), commas(int64(events)), fdur(time.Since(began)))
		}
	}
	if _, err := db.ExecContext(b.ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		_ = st.Close() // the error being returned says more
		return "", err
	}
	_ = st.Close() // the dataset is checkpointed; closing frees it
	if err := os.WriteFile(filepath.Join(tmp, "done"), []byte(strconv.Itoa(events)), 0o600); err != nil {
		return "", err
	}
	_ = os.RemoveAll(dir) // the rename below fails if it is still there
	if err := os.Rename(tmp, dir); err != nil {
		return "", err
	}
	fmt.Fprintf(os.Stderr, "  built %s cases (%s events) in %s\n", commas(int64(n)), commas(int64(events)), fdur(time.Since(began)))
	return dir, nil
}

// copyDir copies the station's data directory src (database, keys, any
// attachments) into dst, so the measured run's writes (opened cases, audit
// rows) never change the cached dataset.
func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o700)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer func() { _ = in.Close() }() // read only: nothing to lose
		out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			_ = out.Close() // the copy error is returned
			return err
		}
		return out.Close()
	})
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[int(p/100*float64(len(s)-1)+0.5)]
}

// local measures the counter's own figures on a station with
// cfg.localCases cases.
func (b *bench) local() error {
	n := b.cfg.localCases
	fmt.Fprintf(os.Stderr, "local figures over %s cases\n", commas(int64(n)))
	src, err := b.localStation(n)
	if err != nil {
		return err
	}
	dir := filepath.Join(b.tmp, "local")
	if err := copyDir(src, dir); err != nil {
		return err
	}
	sec := "local " + shortCount(n)

	// App start to first screen: open the database (migrations checked,
	// clock and calendar restored), sign in, and compute the dashboard, the
	// first screen after sign-in. The webview's own start is not included.
	var starts []time.Duration
	for i := 0; i < 3; i++ {
		t0 := time.Now()
		st, _, err := sqlite.OpenStation(b.ctx, app.Config{Dir: dir})
		if err != nil {
			return err
		}
		if _, err := st.SignIn(b.ctx, "head", "password-123"); err != nil {
			_ = st.Close() // the error being returned says more
			return err
		}
		if _, err := st.Dashboard(b.ctx); err != nil {
			_ = st.Close() // the error being returned says more
			return err
		}
		starts = append(starts, time.Since(t0))
		_ = st.Close() // the error being returned says more
	}
	b.rep.add(row{Section: sec, Figure: "app start to first screen (open, sign in, dashboard; median of 3)", Ours: fdur(percentile(starts, 50))})

	st, db, actor, err := openStation(b.ctx, dir, "BENCHL")
	if err != nil {
		return err
	}
	defer func() { _ = st.Close() }() // a bench store, measured already

	// Opening a case at the counter.
	it, err := st.Item(b.ctx, stationItem, 0)
	if err != nil {
		return err
	}
	list, err := it.MaterialsFor("")
	if err != nil {
		return err
	}
	var mats []app.MaterialInput
	for _, m := range list {
		mats = append(mats, app.MaterialInput{Code: m.Code, Collected: domain.CollectPaper})
	}
	g := newGen(b.seed+6, "BENCHL", time.Now())
	var opens []time.Duration
	for i := 0; i < b.cfg.opens; i++ {
		in := app.OpenCaseInput{ItemCode: stationItem, Channel: domain.ChannelWindow, Materials: mats, Applicant: g.applicant()}
		t0 := time.Now()
		if _, err := st.OpenCase(b.ctx, actor, in); err != nil {
			return err
		}
		opens = append(opens, time.Since(t0))
	}
	b.rep.add(row{Section: sec, Figure: fmt.Sprintf("open a case: p99 (p50) of %d", len(opens)),
		Ours: fmt.Sprintf("%s (%s)", fdur(percentile(opens, 99)), fdur(percentile(opens, 50)))})

	// Search: what a clerk types: two characters of a name, a full name,
	// the last six of an ID number, a full ID number, a phone number, a
	// case number prefix.
	// The terms come from cases drawn at random from the dataset.
	var maxRow int64
	if err := db.QueryRowContext(b.ctx, `SELECT max(rowid) FROM cases`).Scan(&maxRow); err != nil {
		return err
	}
	var searches []time.Duration
	hits := 0
	for i := 0; i < b.cfg.searches; i++ {
		var name, idno, phone, number string
		err := db.QueryRowContext(b.ctx, `SELECT applicant_name, applicant_id, applicant_phone, number FROM cases WHERE rowid >= ? ORDER BY rowid LIMIT 1`,
			g.r.Int64N(maxRow)+1).Scan(&name, &idno, &phone, &number)
		if err != nil {
			return err
		}
		queries := []struct{ kind, q string }{
			{"name 2 chars", string([]rune(name)[:2])}, {"full name", name}, {"ID last 6", idno[12:]},
			{"ID", idno}, {"phone", phone}, {"case number", number[:len("BENCHL-20060102")]},
		}
		for _, x := range queries {
			t0 := time.Now()
			p, err := st.FindCases(b.ctx, actor, app.CaseFilter{Query: x.q})
			if err != nil {
				return fmt.Errorf("search %q: %w", x.q, err)
			}
			d := time.Since(t0)
			searches = append(searches, d)
			hits += p.Total
		}
	}
	b.rep.add(row{Section: sec, Figure: fmt.Sprintf("search: p95 (p50) of %d (name, ID, phone, case number)", len(searches)),
		Ours: fmt.Sprintf("%s (%s)", fdur(percentile(searches, 95)), fdur(percentile(searches, 50)))})

	var dash []time.Duration
	for i := 0; i < b.cfg.dashboards; i++ {
		t0 := time.Now()
		if _, err := st.Dashboard(b.ctx); err != nil {
			return err
		}
		dash = append(dash, time.Since(t0))
	}
	b.rep.add(row{Section: sec, Figure: fmt.Sprintf("dashboard aggregates: p50 (p95) of %d", len(dash)),
		Ours: fmt.Sprintf("%s (%s)", fdur(percentile(dash, 50)), fdur(percentile(dash, 95)))})
	return nil
}

func shortCount(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return commas(int64(n))
}
