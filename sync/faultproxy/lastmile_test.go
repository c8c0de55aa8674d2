package faultproxy_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"yizhan/app/hallclient"
	"yizhan/hall/httpapi"
	"yizhan/internal/synctest"
	"yizhan/sync/bundle"
	"yizhan/sync/faultproxy"
)

// noSleep fires at once: the tests retry without waiting.
func noSleep(time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	ch <- time.Time{}
	return ch
}

// TestLastMileUnderFaults is the last mile under a hostile link: three
// stations enrol through a proxy that drops, duplicates, cuts and delays
// (the enrolment answer included), the hall restarts now and then, one
// station works on USB sticks only (its scans too, carried by another
// station as a relay), and the hall moves to a new address mid-run, which
// one station follows with a move code while the old address goes away.
// At the end every replica agrees with the hall, scans included.
// YIZHAN_SYNC_SEED replays a failing run.
func TestLastMileUnderFaults(t *testing.T) {
	seed := uint64(20261127)
	if v := os.Getenv("YIZHAN_SYNC_SEED"); v != "" {
		seed, _ = strconv.ParseUint(v, 10, 64)
	}
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 2))
	ctx := context.Background()
	h := synctest.StartHall(t, seed)
	h.PublishCatalog(t)
	rates := faultproxy.Rates{DropRequest: 0.1, DropResponse: 0.15, Duplicate: 0.15, Delay: 0.1, CutBody: 0.1}
	h.Proxy.MaxDelay = 5e6

	// Enrolment through a faulty link: the client retries by itself, and
	// when it gives up, the same command again with the same code works.
	// ST01 loses two answers (the client gives up once), ST02's request
	// arrives twice, ST03's answer is cut and then delivered twice.
	nodes := []*node{{code: "ST01"}, {code: "ST02"}, {code: "ST03"}}
	scripts := [][]faultproxy.Fault{{faultproxy.DropResponse, faultproxy.DropResponse}, {faultproxy.Duplicate}, {faultproxy.CutBody, faultproxy.Duplicate}}
	enroller := &hallclient.Enroller{Attempts: 2, After: noSleep}
	for i, n := range nodes {
		h.Proxy.Script(scripts[i]...)
		code, err := h.Service().AddStation(ctx, n.code, "测试驿站 "+n.code, "370112")
		if err != nil {
			t.Fatal(err)
		}
		n.st = synctest.OpenStation(t, t.TempDir(), "")
		for try := 1; ; try++ {
			_, err := enroller.Enroll(ctx, n.st.Station, h.URL, code)
			if err == nil {
				break
			}
			if hallclient.CodeOf(err) != hallclient.CodeOffline || try > 20 {
				t.Fatalf("%s enrolment, call %d: %v", n.code, try, err)
			}
		}
		if n.st.Code() != n.code {
			t.Fatalf("enrolled as %q, want %s", n.st.Code(), n.code)
		}
		n.c, _ = hallclient.New(n.st.Station)
		n.c.RequestTimeout, n.c.PullBytes = 10*time.Second, 4<<10
	}
	enrolFaults := h.Proxy.Stats()
	t.Logf("enrolment: %d requests, faults %v", enrolFaults.Requests, enrolFaults.Faults)
	h.Proxy.SetRates(rates)
	a, b, usb := nodes[0], nodes[1], nodes[2]
	online := []*node{a, b}
	dir := t.TempDir()
	var exports, replies []string // files on sticks
	var moved *faultproxy.Proxy

	for round := 0; round < 30; round++ {
		for _, n := range nodes {
			for i := r.IntN(4); i >= 0; i-- {
				n.act(t, r)
			}
		}
		for _, n := range online {
			n.sync(t)
		}
		switch x := r.IntN(6); {
		case x < 3:
			// The USB-only station exports; the file travels through B,
			// which relays it unread; sometimes it is carried twice.
			e := filepath.Join(dir, fmt.Sprintf("export-%d.yzb", round))
			if _, err := bundle.Export(ctx, usb.st.Station, e, bundle.ExportOptions{AttachBytes: 600 << 10}); err != nil {
				t.Fatal(err)
			}
			relayed := e + ".relayed"
			if _, err := bundle.Relay(e, relayed); err != nil {
				t.Fatal(err)
			}
			exports = append(exports, relayed)
		case x < 5 && len(exports) > 0:
			i := r.IntN(len(exports))
			reply := filepath.Join(dir, fmt.Sprintf("reply-%d.yzb", round))
			if _, err := bundle.HallImport(ctx, h.BundleSide(), exports[i], reply); err != nil {
				t.Fatal(err)
			}
			if r.IntN(3) > 0 {
				exports = append(exports[:i], exports[i+1:]...)
			}
			replies = append(replies, reply)
		case len(replies) > 0:
			i := r.IntN(len(replies))
			if _, err := bundle.ImportReply(ctx, usb.st.Station, replies[i]); err != nil {
				t.Fatal(err)
			}
			replies = append(replies[:i], replies[i+1:]...)
		}
		hallActs(t, h.Service())
		if r.IntN(5) == 0 {
			h.Restart()
			if moved != nil {
				moved.SetBackend(httpapi.New(h.Service(), nil))
			}
		}
		if round == 12 {
			// The hall moves. A follows with the code, through the same
			// faults; the old address is switched off once A has moved
			// (B keeps it a little longer, then moves too).
			moved = faultproxy.New(httpapi.New(h.Service(), nil), seed+1)
			moved.SetRates(rates)
			moved.MaxDelay = 5e6
			newURL := moved.Start()
			t.Cleanup(moved.Close)
			for _, n := range online {
				code, _, err := h.Service().MoveCode(ctx, n.code, newURL)
				if err != nil {
					t.Fatal(err)
				}
				for try := 1; ; try++ {
					_, err := (&hallclient.HallMover{Attempts: 2, After: noSleep}).Move(ctx, n.st.Station, newURL, code)
					if err == nil {
						break
					}
					if hallclient.CodeOf(err) != hallclient.CodeOffline || try > 20 {
						t.Fatalf("%s move, call %d: %v", n.code, try, err)
					}
				}
			}
			h.Proxy.Close()
		}
	}

	// Quiescence: clean links, USB trips and syncs until nothing moves.
	h.Proxy.SetRates(faultproxy.Rates{})
	moved.SetRates(faultproxy.Rates{})
	for quiet, i := 0, 0; quiet < 2; i++ {
		if i > 50 {
			t.Fatal("no quiescence")
		}
		moving := 0
		for _, n := range online {
			res, err := n.c.SyncOnce(ctx)
			if err != nil {
				t.Fatalf("%s final sync: %v", n.code, err)
			}
			moving += res.Pushed + res.Pulled + res.Blobs.Uploaded
		}
		e, reply := filepath.Join(dir, fmt.Sprintf("final-%d.yzb", i)), filepath.Join(dir, fmt.Sprintf("final-%d.reply", i))
		ex, err := bundle.ExportBundle(ctx, usb.st.Station, e)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := bundle.HallImport(ctx, h.BundleSide(), e, reply); err != nil {
			t.Fatal(err)
		}
		ir, err := bundle.ImportReply(ctx, usb.st.Station, reply)
		if err != nil {
			t.Fatal(err)
		}
		moving += ex.Events + ex.Attachments + ir.Pulled
		if moving == 0 {
			quiet++
		} else {
			quiet = 0
		}
	}
	for f, want := range map[faultproxy.Fault]int{faultproxy.DropResponse: 2, faultproxy.Duplicate: 2, faultproxy.CutBody: 1} {
		if enrolFaults.Faults[f] != want {
			t.Errorf("enrolment met %v %d times, want %d", f, enrolFaults.Faults[f], want)
		}
	}
	if s := moved.Stats(); s.ByPath["/v1/move"] == 0 || s.ByPath["/v1/sync"] == 0 {
		t.Errorf("the new address saw no moves or syncs: %v", s.ByPath)
	}
	scans := 0
	for _, n := range nodes {
		checkReplica(t, h.Service(), n)
		blobs, _ := n.st.Blobs(ctx, 1000)
		if n == usb {
			scans = len(blobs)
		}
	}
	if scans == 0 {
		t.Fatal("the USB-only station never made a scan: the run proves nothing about scans by USB")
	}
}
