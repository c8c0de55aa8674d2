package difftest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"yizhan/domain"
	"yizhan/hall"
	hallpg "yizhan/hall/postgres"
	"yizhan/hall/postgres/pgtest"
	hallsqlite "yizhan/hall/sqlite"
	"yizhan/internal/testclock"
)

// idGen makes UUID-shaped IDs, one numbered series per space.
type idGen struct {
	space int
	n     atomic.Int64
}

func (g *idGen) next() string {
	return fmt.Sprintf("01900000-0000-7000-8%03x-%012x", g.space, g.n.Add(1))
}

// under is one hall under test, with the log positions its answers
// revealed: the two stores may number the log differently (PostgreSQL's
// sequence leaves a gap where a hall command rolled back), so answers are
// compared with positions blanked and the order of positions checked apart.
type under struct {
	name string
	svc  *hall.Service
	seqs map[string]int64 // event ID -> log seq
}

// pair runs every operation on both halls and compares the answers.
type pair struct {
	t     *testing.T
	seed  uint64
	clock *testclock.Clock
	halls [2]*under
	op    int // number of the operation running, for failure messages
}

func newPair(t *testing.T, seed uint64) *pair {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	lite, err := hallsqlite.Open(ctx, filepath.Join(dir, "hall.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lite.Close() })
	pg, err := hallpg.Open(ctx, pgtest.Schema(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close() })
	p := &pair{t: t, seed: seed, clock: testclock.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))}
	for i, s := range []struct {
		name  string
		store hall.Store
	}{{"sqlite", lite}, {"postgres", pg}} {
		var key [32]byte
		key[0], key[1] = byte(seed), byte(seed>>8)
		ids := &idGen{space: 0xa11}
		svc, err := hall.New(ctx, s.store, hall.Config{Dir: filepath.Join(dir, s.name), Now: p.clock.Now,
			NewID: ids.next, Rand: rand.NewChaCha8(key), SeenEvery: 10 * time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		p.halls[i] = &under{name: s.name, svc: svc, seqs: map[string]int64{}}
	}
	return p
}

// do runs fn on both halls and fails unless the answers, with log positions
// blanked and the halls' own keys left out, are the same. It returns the
// first hall's answer.
func do[T any](p *pair, what string, fn func(svc *hall.Service) (T, error)) (T, error) {
	p.t.Helper()
	var vals [2]T
	var errs [2]error
	var norm [2]string
	for i, h := range p.halls {
		vals[i], errs[i] = fn(h.svc)
		if errs[i] != nil {
			code := domain.ErrorCode(errs[i])
			if code == domain.EInternal {
				p.t.Fatalf("seed %d op %d %s: %s: internal error: %v", p.seed, p.op, what, h.name, errs[i])
			}
			norm[i] = "error " + code + ": " + domain.ErrorMessage(errs[i]) + " / " + domain.ZhMessage(errs[i])
			continue
		}
		norm[i] = p.normalize(h, vals[i])
	}
	if norm[0] != norm[1] {
		p.t.Fatalf("seed %d op %d %s: the halls disagree\n%s: %s\n%s: %s", p.seed, p.op, what,
			p.halls[0].name, clip(norm[0]), p.halls[1].name, clip(norm[1]))
	}
	return vals[0], errs[0]
}

func clip(s string) string {
	if len(s) > 4000 {
		return s[:4000] + "..."
	}
	return s
}

// normalize renders v as JSON with every log position recorded in h.seqs
// and blanked, and the hall's key material removed.
func (p *pair) normalize(h *under, v any) string {
	p.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		p.t.Fatal(err)
	}
	var tree any
	if err := json.Unmarshal(b, &tree); err != nil {
		p.t.Fatal(err)
	}
	p.walk(h, tree)
	out, err := json.Marshal(tree)
	if err != nil {
		p.t.Fatal(err)
	}
	return string(out)
}

func (p *pair) walk(h *under, node any) {
	switch n := node.(type) {
	case []any:
		for _, x := range n {
			p.walk(h, x)
		}
	case map[string]any:
		delete(n, "hall_sign_key")
		delete(n, "hall_age_key")
		if seq, ok := n["seq"].(float64); ok && seq > 0 {
			id, _ := n["id"].(string)
			if ev, ok := n["event"].(map[string]any); ok {
				id, _ = ev["id"].(string)
			}
			if id != "" {
				p.record(h, id, int64(seq))
				n["seq"] = "pos"
			}
		}
		for _, x := range n {
			p.walk(h, x)
		}
	}
}

func (p *pair) record(h *under, id string, seq int64) {
	p.t.Helper()
	if old, ok := h.seqs[id]; ok && old != seq {
		p.t.Fatalf("seed %d op %d: %s gave event %s positions %d and %d", p.seed, p.op, h.name, id, old, seq)
	}
	h.seqs[id] = seq
}

// checkLogOrder fails unless both halls put the events they revealed in the
// same log order.
func (p *pair) checkLogOrder() {
	p.t.Helper()
	var orders [2][]string
	for i, h := range p.halls {
		for id := range h.seqs {
			orders[i] = append(orders[i], id)
		}
		sort.Slice(orders[i], func(a, b int) bool { return h.seqs[orders[i][a]] < h.seqs[orders[i][b]] })
	}
	if fmt.Sprint(orders[0]) != fmt.Sprint(orders[1]) {
		p.t.Fatalf("seed %d: log order differs\n%s: %v\n%s: %v", p.seed, p.halls[0].name, orders[0], p.halls[1].name, orders[1])
	}
	if len(orders[0]) == 0 {
		p.t.Fatalf("seed %d: no event reached the log", p.seed)
	}
}
