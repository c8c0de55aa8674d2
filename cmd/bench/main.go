// Command bench measures Yizhan's sync and the station's local work and
// prints one table: every figure from one run, side by side with the
// PouchDB peer where one exists (bench/pouch), as a ratio, against the goal
// of the performance issue. docs/performance.md keeps the latest table and
// explains each figure.
//
//	go run ./cmd/bench              # the full run (make bench), 15-25 minutes
//	go run ./cmd/bench -quick       # small sizes, about a minute (make bench-quick)
//	go run ./cmd/bench -only initial,noop -md out.md
//
// Everything runs on this machine: a real hall (hall.Service on SQLite,
// served by httpapi over HTTP on 127.0.0.1), real stations (app.Station
// on SQLite files) synced by app/hallclient, in-process TCP proxies that count
// the bytes on the wire (both directions) and shape slow links, and the
// PouchDB peer in Node. The machine is shared, so the table records the load
// average beside each figure.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"
)

// config sizes a run.
type config struct {
	mode           string
	initial        []int // cases of the initial-sync figures
	pullEvents     int   // events of the "time to pull N events" figure; 0: skip
	catchBase      int   // forwarded cases the station had before the week
	catchNew       int   // new cases recorded during the week offline
	catchDecisions int   // hall decisions during the week
	linkCases      int
	link2G         Link
	linkSat        Link
	linkLimit      time.Duration
	scanBytes      int
	localCases     int
	opens          int
	searches       int // rounds of six queries
	dashboards     int
	floorCases     int
	pageEvents     int // events per page in the floor figure (the hall's page size)
	pouchBatch     int
	pouchStore     string // disk (LevelDB, as PouchDB ships) or memory
}

func fullConfig() config {
	return config{mode: "full", initial: []int{10_000, 100_000}, pullEvents: 100_000,
		catchBase: 10_000, catchNew: 5_000, catchDecisions: 500,
		linkCases: 1_000, link2G: link2G(1), linkSat: linkSatellite(2), linkLimit: 20 * time.Minute, scanBytes: 5 << 20,
		localCases: 1_000_000, opens: 300, searches: 100, dashboards: 20,
		floorCases: 20_000, pageEvents: 2000, pouchBatch: 500, pouchStore: "disk"}
}

// quickConfig is a smoke run of every figure at small sizes: CI runs it
// (cmd/bench's test) so the bench cannot rot. Its links are faster and its
// outage shorter so that it ends in about a minute; its figures are not
// comparable with the full run's.
func quickConfig() config {
	l2 := link2G(1)
	l2.BitsPerSec, l2.RTT = 2_000_000, 60*time.Millisecond
	ls := linkSatellite(2)
	ls.BitsPerSec, ls.RTT, ls.OutageFor, ls.OutageAt = 4_000_000, 65*time.Millisecond, 500*time.Millisecond, 300*time.Millisecond
	return config{mode: "quick", initial: []int{200}, pullEvents: 1_000,
		catchBase: 200, catchNew: 100, catchDecisions: 10,
		linkCases: 40, link2G: l2, linkSat: ls, linkLimit: 2 * time.Minute, scanBytes: 400 << 10,
		localCases: 2_000, opens: 10, searches: 4, dashboards: 4,
		floorCases: 500, pageEvents: 2000, pouchBatch: 500, pouchStore: "disk"}
}

// bench holds one run.
type bench struct {
	ctx       context.Context
	cfg       config
	rep       *report
	tmp       string
	cache     string
	pouch     string // bench/pouch, or "" when the peer is skipped
	pouchInfo string
	seed      uint64
	floorBare float64 // events/s of the bare insert, when the floor ran
}

var allParts = []string{"floor", "initial", "noop", "pull", "catchup", "links", "local"}

func main() {
	quick := flag.Bool("quick", false, "small sizes (CI smoke run)")
	only := flag.String("only", "", "comma-separated parts to run: "+strings.Join(allParts, ","))
	md := flag.String("md", "", "also write the table as Markdown to this file")
	js := flag.String("json", "", "also write the table as JSON to this file")
	peerStore := flag.String("peer-store", "disk", "the PouchDB peer's storage at both ends: disk (LevelDB files, pouchdb's and pouchdb-server's default) or memory (memdown, nothing on disk)")
	peer := flag.String("peer", "auto", "PouchDB peer: on (install with npm ci if missing; fail without it), auto (the same, but skip it when node is missing or the install fails), installed (only if already installed), off")
	cpu := flag.String("cpuprofile", "", "write a CPU profile of the whole run")
	keep := flag.Bool("keep", false, "keep the scratch directory")
	cache := flag.String("cache", "", "where the local dataset is cached (default: the user cache directory)")
	initial := flag.String("initial", "", "override the initial-sync sizes (comma-separated case counts)")
	floorN := flag.Int("floor-cases", 0, "override the cases of the floor figure")
	localN := flag.Int("local-cases", 0, "override the cases of the local figures")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *cpu != "" {
		f, err := os.Create(*cpu)
		if err != nil {
			fatal(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	cfg := fullConfig()
	if *quick {
		cfg = quickConfig()
	}
	if *initial != "" {
		cfg.initial = nil
		for _, v := range strings.Split(*initial, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 1 {
				fatal(fmt.Errorf("-initial %q: want case counts", *initial))
			}
			cfg.initial = append(cfg.initial, n)
		}
	}
	if *peerStore != "disk" && *peerStore != "memory" {
		fatal(fmt.Errorf("-peer-store %q: want disk or memory", *peerStore))
	}
	cfg.pouchStore = *peerStore
	if *floorN > 0 {
		cfg.floorCases = *floorN
	}
	if *localN > 0 {
		cfg.localCases = *localN
	}
	var parts []string
	if *only != "" {
		parts = strings.Split(*only, ",")
	}
	rep, err := run(ctx, cfg, options{parts: parts, peer: *peer, keep: *keep, cache: *cache, command: strings.Join(os.Args, " ")})
	if rep != nil {
		rep.text(os.Stdout)
		if *md != "" {
			f, ferr := os.Create(*md)
			if ferr == nil {
				rep.markdown(f)
				f.Close()
			}
		}
		if *js != "" {
			if b, jerr := json.MarshalIndent(rep, "", "  "); jerr == nil {
				os.WriteFile(*js, b, 0o644)
			}
		}
	}
	if err != nil {
		pprof.StopCPUProfile()
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}

type options struct {
	parts   []string
	peer    string
	keep    bool
	cache   string
	command string
}

// run runs the parts of a bench and returns the table so far, even after an
// error.
func run(ctx context.Context, cfg config, o options) (*report, error) {
	for _, p := range o.parts {
		if !slices.Contains(allParts, p) {
			return nil, fmt.Errorf("unknown part %q (have %s)", p, strings.Join(allParts, ","))
		}
	}
	want := func(p string) bool { return len(o.parts) == 0 || slices.Contains(o.parts, p) }
	tmp, err := os.MkdirTemp("", "yizhan-bench-")
	if err != nil {
		return nil, err
	}
	if !o.keep {
		defer os.RemoveAll(tmp)
	} else {
		fmt.Fprintln(os.Stderr, "scratch directory:", tmp)
	}
	cache := o.cache
	if cache == "" {
		if d, err := os.UserCacheDir(); err == nil {
			cache = filepath.Join(d, "yizhan-bench")
		} else {
			cache = filepath.Join(os.TempDir(), "yizhan-bench-cache")
		}
	}
	if err := os.MkdirAll(cache, 0o700); err != nil {
		return nil, err
	}
	began := time.Now()
	b := &bench{ctx: ctx, cfg: cfg, tmp: tmp, cache: cache, seed: 20260101,
		rep: &report{Started: began, Mode: cfg.mode, Command: o.command, Machine: machine()}}
	defer func() { b.rep.Duration = time.Since(began).Round(time.Second).String() }()

	if o.peer != "off" && (want("initial") || want("noop")) {
		dir, err := pouchDir()
		if err == nil {
			err = ensurePouch(ctx, dir, o.peer != "installed")
		}
		switch {
		case err == nil:
			b.pouch = dir
		case o.peer == "on":
			return b.rep, err
		default:
			b.rep.note("PouchDB peer skipped: %v", err)
		}
	}
	step := func(name string, fn func() error) error {
		if !want(name) {
			return nil
		}
		if err := fn(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	}
	steps := []struct {
		name string
		fn   func() error
	}{
		{"floor", b.floor},
		{"initial", func() error {
			for i, n := range cfg.initial {
				if err := b.initial(n, true, i == 0 && want("noop")); err != nil {
					return err
				}
			}
			return nil
		}},
		{"noop", func() error {
			if want("initial") {
				return nil // measured after the first initial sync
			}
			return b.initial(cfg.initial[0], false, true)
		}},
		{"pull", func() error {
			if cfg.pullEvents == 0 {
				return nil
			}
			return b.pullEvents(cfg.pullEvents)
		}},
		{"catchup", b.catchUp},
		{"links", b.links},
		{"local", b.local},
	}
	for _, s := range steps {
		if err := step(s.name, s.fn); err != nil {
			return b.rep, err
		}
	}
	if b.pouchInfo != "" {
		b.rep.note("%s", b.pouchInfo)
	}
	return b.rep, nil
}
