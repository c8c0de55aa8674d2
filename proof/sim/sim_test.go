package sim_test

import (
	"flag"
	"os"
	"strings"
	"sync"
	"testing"

	"yizhan/proof/internal/race"
	"yizhan/proof/sim"
)

var (
	seeds   = flag.Int("sim.seeds", 0, "number of seeds to run (default: 500, or 8 under -race)")
	first   = flag.Uint64("sim.first", 1, "first seed of the range")
	oneSeed = flag.Uint64("sim.seed", 0, "run only this seed (replay a failure), with a step log")
	steps   = flag.Int("sim.steps", 0, "scheduler steps per seed (default 150)")
	keep    = flag.Bool("sim.keep", false, "keep the run's files of a single -sim.seed")
)

// TestSim runs the deterministic simulation over a range of seeds, in
// parallel, and prints the figures. A failing seed prints its replay
// command; -sim.seed=N replays it alone with a step-by-step log.
func TestSim(t *testing.T) {
	if *oneSeed != 0 {
		var log strings.Builder
		rep, err := sim.Run(sim.Config{Seed: *oneSeed, Steps: *steps, Log: &log, Keep: *keep})
		if testing.Verbose() || err != nil {
			t.Log("\n" + log.String())
		}
		if err != nil {
			t.Fatalf("%v\nall violations:\n%s", err, strings.Join(rep.Violations, "\n"))
		}
		t.Logf("seed %d ok: trace %s", *oneSeed, rep.Trace)
		return
	}
	n := *seeds
	if n == 0 {
		n = 500
		if race.Enabled || testing.Short() {
			n = 8
		}
	}
	var mu sync.Mutex
	var tot sim.Totals
	t.Run("seeds", func(t *testing.T) {
		for i := 0; i < n; i++ {
			seed := *first + uint64(i)
			t.Run("", func(t *testing.T) {
				t.Parallel()
				rep, err := sim.Run(sim.Config{Seed: seed, Steps: *steps})
				mu.Lock()
				tot.Add(rep)
				mu.Unlock()
				if err != nil {
					t.Errorf("%v\nreplay: go test ./proof/sim -run TestSim -sim.seed=%d\n%s", err, seed, strings.Join(rep.Violations, "\n"))
				}
			})
		}
	})
	t.Logf("simulation figures:\n%s", tot.String())
	if tot.Lost+tot.Duplicated > 0 {
		t.Errorf("events lost %d, duplicated %d", tot.Lost, tot.Duplicated)
	}
}

// TestReplayIsExact runs one seed twice and requires the same trace: the
// promise that a failing seed replays exactly.
func TestReplayIsExact(t *testing.T) {
	seed := uint64(424242)
	if *oneSeed != 0 {
		seed = *oneSeed
	}
	a, errA := sim.Run(sim.Config{Seed: seed, Steps: *steps})
	b, errB := sim.Run(sim.Config{Seed: seed, Steps: *steps})
	if errA != nil || errB != nil {
		t.Fatalf("seed %d failed: %v / %v", seed, errA, errB)
	}
	if a.Trace != b.Trace {
		t.Fatalf("seed %d replayed differently: %s vs %s (run with -sim.seed=%d -v twice and diff the logs)", seed, a.Trace, b.Trace, seed)
	}
}

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(m.Run())
}
