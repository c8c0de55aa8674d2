// Package sim is a deterministic simulation of the whole Yizhan system:
// several stations (app.Station with the real sync client) and the hall
// (hall.Service on hall/sqlite behind the real httpapi handler), driven
// by one seeded, single-threaded scheduler.
//
// Everything that could make two runs of a seed differ is injected:
//
//   - time: one virtual clock; every station reads it through its own skew
//     (minutes, hours, or years off, and sometimes corrected mid-run, so
//     its clock jumps backwards);
//   - identifiers: UUIDv7-shaped IDs drawn from seeded sources;
//   - randomness: the hall's keys and tokens come from a seeded reader;
//   - the network: an http.RoundTripper that calls the hall's handler
//     in-process through a fault layer (drop the request, drop the answer
//     after the hall acted, deliver twice, hold a request and deliver it
//     late, after newer ones, cut the answer mid-body, partition a station);
//   - crashes: the hall's store is wrapped so that any store call of a
//     request may be the moment the process dies (the transaction rolls
//     back, the connection drops, the hall is down until restarted); a
//     station dies at its N-th clock reading during an operation, which
//     cancels the operation's context so nothing after that point commits,
//     and is reopened on the same files;
//   - USB bundles: exports and replies are files that get lost, copied and
//     imported twice, and arrive out of order; in two seeds of three one
//     station is USB-only after enrolment, so its scans too travel only in
//     bundles, within an attachment budget drawn from the seed;
//   - enrolment: every station enrols over the seed's faulty network, its
//     answers lost, cut or delivered twice, and runs the command again with
//     the same code when the client gives up;
//   - moving halls: the hall gets new addresses mid-run (for one station or
//     all), the stations confirm them with the hall's move code under the
//     same faults, and from then on the network carries a station's
//     requests only to the address it should use.
//
// While requests are in flight the network lets other work happen (a clerk
// records a case, the hall approves one, the hall restarts), so the
// interleavings that break sync systems in the field are exercised.
//
// At quiescence — faults off, everything restarted, held requests
// delivered, every station synced until a full pass moves nothing — Run
// checks the promises of docs/reliability.md: identical case states in
// every scope, no event lost, none duplicated, every conflict recorded, the
// state machine and authority respected, no cursor ever skipped a change
// (checked after every sync during the run too), attachments verified at
// the hall, audit chains intact, databases passing integrity_check.
//
// The same seed replays exactly: the scheduler is single-threaded and every
// step is folded into Report.Trace, which two runs of a seed must agree on.
package sim

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Config is one simulation run. Zero fields take the defaults.
type Config struct {
	// Seed decides everything: topology, clocks, fault rates and every
	// choice of the scheduler.
	Seed uint64
	// Dir holds the run's databases, keys, blobs and bundles. Default: a
	// fresh directory under /dev/shm when it exists (SQLite's fsyncs cost
	// nothing there), else the system temporary directory; removed after
	// the run unless Keep.
	Dir string
	// Keep leaves Dir in place after the run, for a post-mortem.
	Keep bool
	// Steps is the number of scheduler steps before quiescence. Default 150.
	Steps int
	// Stations is the number of stations. Default: 3 or 4, from the seed.
	Stations int
	// Log, when set, receives one line per step: what the scheduler did
	// and what came of it (the lines the trace digest is made of).
	Log io.Writer
}

// Report says what one run did and found.
type Report struct {
	Seed     uint64 `json:"seed"`
	Steps    int    `json:"steps"`
	Stations int    `json:"stations"`
	// Events counts station events acknowledged to a clerk; HallEvents the
	// hall's own (commands).
	Events       int `json:"events"`
	HallCommands int `json:"hall_commands"`
	// LogEntries, Conflicts and Rejections describe the hall's log at the end.
	LogEntries int `json:"log_entries"`
	Conflicts  int `json:"conflicts"`
	Rejections int `json:"rejections"`
	Cases      int `json:"cases"`
	Syncs      int `json:"syncs"`
	Requests   int `json:"requests"`
	// Faults counts every injected fault by kind.
	Faults map[string]int `json:"faults"`
	// Lost and Duplicated count events lost or applied twice: always zero
	// in a passing run.
	Lost       int `json:"lost"`
	Duplicated int `json:"duplicated"`
	// Trace is a digest of every step and its outcome: equal for two runs
	// of one seed.
	Trace string `json:"trace"`
	// Violations lists every broken promise (empty in a passing run).
	Violations []string `json:"violations,omitempty"`
}

// Totals sums reports over many seeds.
type Totals struct {
	Seeds        int            `json:"seeds"`
	Failed       []uint64       `json:"failed,omitempty"`
	Steps        int            `json:"steps"`
	Events       int            `json:"events"`
	HallCommands int            `json:"hall_commands"`
	LogEntries   int            `json:"log_entries"`
	Conflicts    int            `json:"conflicts"`
	Rejections   int            `json:"rejections"`
	Cases        int            `json:"cases"`
	Syncs        int            `json:"syncs"`
	Requests     int            `json:"requests"`
	Faults       map[string]int `json:"faults"`
	Lost         int            `json:"lost"`
	Duplicated   int            `json:"duplicated"`
}

// Add folds one report into the totals.
func (t *Totals) Add(r *Report) {
	t.Seeds++
	if len(r.Violations) > 0 {
		t.Failed = append(t.Failed, r.Seed)
	}
	t.Steps += r.Steps
	t.Events += r.Events
	t.HallCommands += r.HallCommands
	t.LogEntries += r.LogEntries
	t.Conflicts += r.Conflicts
	t.Rejections += r.Rejections
	t.Cases += r.Cases
	t.Syncs += r.Syncs
	t.Requests += r.Requests
	t.Lost += r.Lost
	t.Duplicated += r.Duplicated
	if t.Faults == nil {
		t.Faults = map[string]int{}
	}
	for k, v := range r.Faults {
		t.Faults[k] += v
	}
}

// FaultTotal is the number of faults injected, all kinds together.
func (t *Totals) FaultTotal() int {
	n := 0
	for _, v := range t.Faults {
		n += v
	}
	return n
}

// String renders the totals as the few lines the soak command and the test
// log print.
func (t *Totals) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "seeds %d (failed %d), steps %d, events %d (+%d hall commands), cases %d, log %d (conflicts %d), rejections %d, syncs %d, requests %d\n",
		t.Seeds, len(t.Failed), t.Steps, t.Events, t.HallCommands, t.Cases, t.LogEntries, t.Conflicts, t.Rejections, t.Syncs, t.Requests)
	keys := make([]string, 0, len(t.Faults))
	for k := range t.Faults {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(&b, "faults injected %d:", t.FaultTotal())
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%d", k, t.Faults[k])
	}
	fmt.Fprintf(&b, "\nevents lost %d, duplicated %d", t.Lost, t.Duplicated)
	return b.String()
}
