package main

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"os"
	"sync"
	"time"

	"yizhan/app/hallclient"
)

// The links of the issue.
func link2G(seed uint64) Link {
	return Link{Name: "2G", BitsPerSec: 200_000, RTT: 600 * time.Millisecond, Loss: 0.02, Seed: seed}
}

func linkSatellite(seed uint64) Link {
	// The first outage comes 5 s into the sync, so a sync of a few seconds
	// meets one; then one every minute.
	return Link{Name: "satellite", BitsPerSec: 1_000_000, RTT: 650 * time.Millisecond,
		OutageEvery: time.Minute, OutageFor: 5 * time.Second, OutageAt: 5 * time.Second, Seed: seed}
}

// linkResult is one slow-link sync.
type linkResult struct {
	m     measured
	floor time.Duration // bytes on the wire ÷ bandwidth
}

// linkSync syncs n new cases of a station over link l; with cut > 0 the
// link drops every connection once when cut bytes have crossed it.
func (b *bench) linkSync(name string, l Link, n int, cut int64) (linkResult, error) {
	e, err := b.newSyncEnv(name, "BENCHL")
	if err != nil {
		return linkResult{}, err
	}
	defer e.close()
	g := newGen(b.seed+11, e.code, benchStart())
	if err := addPending(b.ctx, e.st, e.db, g.cases(n, g.stationCase)); err != nil {
		return linkResult{}, err
	}
	m, err := b.measureSync(e, e.st, l, b.cfg.linkLimit, func(c *hallclient.Client, p *Proxy) {
		if cut > 0 {
			p.CutAt(cut, false)
		}
	})
	if err != nil {
		return linkResult{}, fmt.Errorf("%s: %w", name, err)
	}
	return linkResult{m: m, floor: time.Duration(float64(m.bytes()*8) / l.BitsPerSec * float64(time.Second))}, nil
}

// scan uploads one scan of size bytes (random: a JPEG does not compress)
// over link l; with cutFrac > 0 the link is cut once when that share of it
// has gone up.
func (b *bench) scan(name string, l Link, size int, cutFrac float64) (measured, error) {
	e, err := b.newSyncEnv(name, "BENCHS")
	if err != nil {
		return measured{}, err
	}
	defer e.close()
	data := make([]byte, size)
	rand.Read(data)
	if _, err := e.st.ImportBlob(b.ctx, e.actor, "scan.jpg", "image/jpeg", bytes.NewReader(data)); err != nil {
		return measured{}, err
	}
	return b.measureSync(e, e.st, l, b.cfg.linkLimit, func(c *hallclient.Client, p *Proxy) {
		if cutFrac > 0 {
			p.CutAt(int64(float64(size)*cutFrac), true)
		}
	})
}

// links runs the slow-link figures. They wait on the shaped links, not on
// the CPU, so they run side by side.
func (b *bench) links() error {
	cfg := b.cfg
	fmt.Fprintln(os.Stderr, "slow links (run side by side)")
	type out struct {
		plain, cut linkResult
		err        error
	}
	var wg sync.WaitGroup
	res := map[string]*out{}
	for _, l := range []Link{cfg.link2G, cfg.linkSat} {
		o := &out{}
		res[l.Name] = o
		wg.Add(1)
		go func(l Link) {
			defer wg.Done()
			if o.plain, o.err = b.linkSync("link-"+l.Name, l, cfg.linkCases, 0); o.err != nil {
				return
			}
			o.cut, o.err = b.linkSync("link-"+l.Name+"-cut", l, cfg.linkCases, o.plain.m.bytes()/2)
		}(l)
	}
	var scan, scanCut measured
	var scanErr, scanCutErr error
	wg.Add(2)
	go func() {
		defer wg.Done()
		scan, scanErr = b.scan("scan", cfg.link2G, cfg.scanBytes, 0)
	}()
	go func() {
		defer wg.Done()
		scanCut, scanCutErr = b.scan("scan-cut", cfg.link2G, cfg.scanBytes, 0.7)
	}()
	wg.Wait()
	for _, l := range []Link{cfg.link2G, cfg.linkSat} {
		o := res[l.Name]
		if o.err != nil {
			return o.err
		}
		sec := l.Name
		p := o.plain
		within := p.m.Elapsed.Seconds() / p.floor.Seconds()
		r := row{Section: sec, Figure: fmt.Sprintf("sync %s cases (%s): time vs floor (bytes ÷ bandwidth)", commas(int64(cfg.linkCases)), l),
			Ours:  fmt.Sprintf("%s, floor %s (%s), %d round trips", fdur(p.m.Elapsed), fdur(p.floor), fbytes(p.m.bytes()), p.m.requests),
			Ratio: fmt.Sprintf("%.2f× floor", within)}
		if l.Name == "2G" {
			r.Goal, r.Status = "≤ 1.3× floor", status(within <= 1.3)
		}
		if p.m.resets > 0 {
			r.Ours += fmt.Sprintf(", %d connections reset by outages, %d retries", p.m.resets, p.m.Failures)
		}
		b.rep.add(r)
		resent := o.cut.m.bytes() - p.m.bytes()
		b.rep.add(row{Section: sec, Figure: "  same, link cut once at 50% of its bytes: bytes re-sent, time",
			Ours: fmt.Sprintf("%s (%.1f%%), %s, %d round trips, %d failed", fbytes(resent), 100*float64(resent)/float64(p.m.bytes()), fdur(o.cut.m.Elapsed),
				o.cut.m.requests, o.cut.m.Failures)})
	}
	if scanErr != nil {
		return scanErr
	}
	if scanCutErr != nil {
		return scanCutErr
	}
	floor := time.Duration(float64(scan.bytes()*8) / cfg.link2G.BitsPerSec * float64(time.Second))
	b.rep.add(row{Section: "2G", Figure: fmt.Sprintf("%s scan: time vs floor (bytes ÷ bandwidth), bytes up beyond the scan", fbytes(int64(cfg.scanBytes))),
		Ours: fmt.Sprintf("%s, floor %s; %s (%.1f%%)", fdur(scan.Elapsed), fdur(floor), fbytes(scan.up-int64(cfg.scanBytes)),
			100*float64(scan.up-int64(cfg.scanBytes))/float64(cfg.scanBytes)),
		Ratio: fmt.Sprintf("%.2f× floor", scan.Elapsed.Seconds()/floor.Seconds())})
	extra := scanCut.up - int64(cfg.scanBytes)
	b.rep.add(row{Section: "2G", Figure: "  same, link cut at 70%: bytes up beyond the scan (re-sent and overhead), time",
		Ours: fmt.Sprintf("%s (%.1f%%; %+.1f%% against the uncut upload), %s", fbytes(extra), 100*float64(extra)/float64(cfg.scanBytes),
			100*float64(scanCut.up-scan.up)/float64(cfg.scanBytes), fdur(scanCut.Elapsed))})
	return nil
}
