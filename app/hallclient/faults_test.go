package hallclient_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"yizhan/app"
	"yizhan/app/hallclient"
	"yizhan/domain"
	"yizhan/hall"
	"yizhan/internal/synctest"
	"yizhan/sync/faultproxy"
)

// node is one station in the simulation.
type node struct {
	code string
	st   *synctest.TestStation
	c    *hallclient.Client
}

// sync runs one SyncOnce; faults make it fail often, which is the point.
func (n *node) sync(t *testing.T) {
	if _, err := n.c.SyncOnce(context.Background()); err != nil && hallclient.CodeOf(err) != hallclient.CodeOffline {
		t.Fatalf("%s sync: %v", n.code, err)
	}
}

// syncUntil syncs until cond holds, through whatever faults are set.
func (n *node) syncUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < 200; i++ {
		n.sync(t)
		if cond() {
			return
		}
	}
	t.Fatalf("%s: %s never happened", n.code, what)
}

type localCase struct{ id, state, holder, item string }

func (n *node) cases(t *testing.T) []localCase {
	rows, err := n.st.DB.Query(`SELECT id, state, holder, item_code FROM cases ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []localCase
	for rows.Next() {
		var c localCase
		rows.Scan(&c.id, &c.state, &c.holder, &c.item)
		out = append(out, c)
	}
	return out
}

// act does one random clerk action. Refusals by the local state machine or
// authority are part of the game and ignored.
func (n *node) act(t *testing.T, r *rand.Rand) {
	ctx, st, a := context.Background(), n.st, n.st.Actor
	cs := n.cases(t)
	if len(cs) == 0 || r.IntN(4) == 0 {
		item := synctest.StationItem
		if r.IntN(2) == 0 {
			item = synctest.HallItem
		}
		st.OpenCase(t, item)
		return
	}
	c := cs[r.IntN(len(cs))]
	switch {
	case r.IntN(8) == 0:
		scan := make([]byte, 100<<10+r.IntN(400<<10))
		for i := range scan {
			scan[i] = byte(r.Uint32())
		}
		sha, err := st.ImportBlob(ctx, a, "scan.jpg", "image/jpeg", bytes.NewReader(scan))
		if err != nil {
			t.Fatal(err)
		}
		st.RecordMaterial(ctx, a, c.id, app.MaterialInput{Code: "M3", Collected: domain.CollectScan, Blobs: []string{sha}})
	case r.IntN(3) == 0:
		st.AddNote(ctx, a, c.id, "进度说明 "+strconv.Itoa(r.IntN(1000)))
	case c.state == string(domain.StateReceived):
		st.Accept(ctx, a, c.id)
	case c.state == string(domain.StateAccepted) && c.item == synctest.HallItem:
		st.Forward(ctx, a, c.id)
	case c.state == string(domain.StateAccepted):
		st.StartProcess(ctx, a, c.id)
	case c.state == string(domain.StateInProcess):
		st.Conclude(ctx, a, c.id, domain.ResultApproved, "", "")
	case c.state == string(domain.StateConcluded):
		st.StartDelivery(ctx, a, c.id, domain.Delivery{Method: "pickup"})
	default:
		st.AddNote(ctx, a, c.id, "其他")
	}
}

// hallActs approves what was forwarded to the hall.
func hallActs(t *testing.T, svc *hall.Service) {
	ctx := context.Background()
	fw, err := svc.Cases(ctx, hall.CaseFilter{State: domain.StateForwarded})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range fw {
		if err := svc.Approve(ctx, hall.Actor{ID: "hall-clerk", Name: "大厅"}, c.ID, "证-"+c.Number); err != nil {
			t.Fatalf("approve %s: %v", c.Number, err)
		}
	}
}

// TestTwoStationsUnderFaults drives two stations and the hall through a
// seeded run of random clerk work over a link that drops, duplicates, delays
// and cuts, with hall restarts, then lets everything settle and checks that
// all replicas agree. YIZHAN_SYNC_SEED replays a failing run.
func TestTwoStationsUnderFaults(t *testing.T) {
	seed := uint64(20260302)
	if v := os.Getenv("YIZHAN_SYNC_SEED"); v != "" {
		seed, _ = strconv.ParseUint(v, 10, 64)
	}
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 1))
	ctx := context.Background()
	h := synctest.StartHall(t, seed)
	h.PublishCatalog(t)
	nodes := []*node{{code: "ST01"}, {code: "ST02"}}
	for _, n := range nodes {
		n.st = synctest.OpenStation(t, t.TempDir(), n.code)
		n.c = h.Enroll(t, n.st, n.code)
		n.c.PullBytes = 4 << 10 // small pages: more boundaries to cut at
	}
	a, b := nodes[0], nodes[1]
	h.Proxy.SetRates(faultproxy.Rates{DropRequest: 0.08, DropResponse: 0.12, Duplicate: 0.1, Delay: 0.1, CutBody: 0.1})
	h.Proxy.MaxDelay = 5e6 // 5 ms

	// A conflict that must survive: the hall hands ST01's case to ST02,
	// ST02 refuses it (terminal), while ST01, not yet told, records a
	// material on it.
	x := a.st.OpenCase(t, synctest.StationItem)
	a.syncUntil(t, "push case X", func() bool { return a.st.Pending(t) == 0 })
	if err := h.Service().Route(ctx, hall.Actor{ID: "hall-clerk"}, x.ID, b.code); err != nil {
		t.Fatal(err)
	}
	b.syncUntil(t, "receive case X", func() bool {
		var n int
		b.st.DB.QueryRow(`SELECT count(*) FROM cases WHERE id=?`, x.ID).Scan(&n)
		return n == 1
	})
	if _, err := b.st.NotAccept(ctx, b.st.Actor, x.ID, "不属于本站受理范围"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.RecordMaterial(ctx, a.st.Actor, x.ID, app.MaterialInput{Code: "M1", Collected: domain.CollectELicense}); err != nil {
		t.Fatal(err)
	}
	b.syncUntil(t, "push refusal", func() bool { return b.st.Pending(t) == 0 })

	for round := 0; round < 30; round++ {
		for _, n := range nodes {
			for i := r.IntN(4); i >= 0; i-- {
				n.act(t, r)
			}
			n.sync(t)
		}
		hallActs(t, h.Service())
		if r.IntN(4) == 0 {
			h.Restart()
		}
	}

	// Quiescence: a clean link, sync until a whole pass moves nothing.
	h.Proxy.SetRates(faultproxy.Rates{})
	for quiet, i := 0, 0; quiet < 2; i++ {
		if i > 50 {
			t.Fatal("no quiescence")
		}
		moved := 0
		for _, n := range nodes {
			res, err := n.c.SyncOnce(ctx)
			if err != nil {
				t.Fatalf("%s final sync: %v", n.code, err)
			}
			moved += res.Pushed + res.Pulled
		}
		if moved == 0 {
			quiet++
		} else {
			quiet = 0
		}
	}
	s := h.Proxy.Stats()
	t.Logf("%d requests through the proxy; faults %v", s.Requests, s.Faults)
	for _, f := range []faultproxy.Fault{faultproxy.DropRequest, faultproxy.DropResponse, faultproxy.Duplicate, faultproxy.CutBody} {
		if s.Faults[f] == 0 {
			t.Errorf("the run never exercised %v", f)
		}
	}
	conflicts := 0
	for _, n := range nodes {
		conflicts += checkReplica(t, h.Service(), n)
	}
	if conflicts == 0 {
		t.Fatal("the deliberate conflict was lost")
	}
}

// checkReplica compares one station with the hall: every case it holds has
// the hall's state, every event of those cases in the hall's log is there
// exactly once with the hall's position and verdict, every conflict is
// recorded, and every event it made reached the hall or is recorded as
// refused. It returns the number of conflicts seen.
func checkReplica(t *testing.T, svc *hall.Service, n *node) int {
	t.Helper()
	ctx := context.Background()
	if p := n.st.Pending(t); p != 0 {
		t.Fatalf("%s: %d events still pending", n.code, p)
	}
	blobs, err := n.st.Blobs(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range blobs {
		have, complete, err := svc.BlobStatus(ctx, n.code, b.SHA256)
		if !b.Uploaded || !complete || have != b.Size || err != nil {
			t.Errorf("%s: attachment %s: uploaded %v, hall has %d of %d, complete %v, %v", n.code, b.SHA256, b.Uploaded, have, b.Size, complete, err)
		}
	}
	checkScope(t, svc, n)
	inLog := map[string]bool{}
	conflicts := 0
	for _, lc := range n.cases(t) {
		d, err := svc.ShowCase(ctx, hall.Actor{ID: "test"}, lc.id, true, "replica check")
		if err != nil {
			t.Fatalf("%s case %s at the hall: %v", n.code, lc.id, err)
		}
		want, _ := json.Marshal(d.Case)
		var got domain.Case
		json.Unmarshal([]byte(n.st.CaseBody(t, lc.id)), &got)
		gotJSON, _ := json.Marshal(&got)
		if string(gotJSON) != string(want) {
			t.Errorf("%s case %s differs from the hall:\nstation %s\nhall    %s", n.code, lc.id, gotJSON, want)
		}
		ids := map[string]bool{}
		for _, le := range d.History {
			if ids[le.Event.ID] {
				t.Fatalf("hall log holds event %s twice", le.Event.ID)
			}
			ids[le.Event.ID] = true
			inLog[le.Event.ID] = true
			status, seq := n.st.EventStatus(t, le.Event.ID)
			if status != le.Status || seq != le.Seq {
				t.Errorf("%s event %s: %s@%d at the station, %s@%d at the hall", n.code, le.Event.ID, status, seq, le.Status, le.Seq)
			}
			if le.Status == app.StatusConflict {
				conflicts++
				var k int
				n.st.DB.QueryRow(`SELECT count(*) FROM conflicts WHERE event_id=?`, le.Event.ID).Scan(&k)
				if k != 1 {
					t.Errorf("%s: conflict %s not recorded", n.code, le.Event.ID)
				}
			}
		}
		var local int
		n.st.DB.QueryRow(`SELECT count(*) FROM events WHERE case_id=? AND status IN ('accepted','conflict')`, lc.id).Scan(&local)
		if local != len(d.History) {
			t.Errorf("%s case %s: %d logged events at the station, %d at the hall", n.code, lc.id, local, len(d.History))
		}
	}
	rows, err := n.st.DB.Query(`SELECT id, status FROM events WHERE office=?`, n.code)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, status string
		rows.Scan(&id, &status)
		switch {
		case status == app.StatusRejected:
			var k int
			n.st.DB.QueryRow(`SELECT count(*) FROM conflicts WHERE event_id=?`, id).Scan(&k)
			if k != 1 {
				t.Errorf("%s: rejection of %s not recorded", n.code, id)
			}
		case !inLog[id]:
			t.Errorf("%s: own event %s (%s) never reached the hall", n.code, id, status)
		}
	}
	t.Logf("%s: %d cases, %d conflicts, %d attachments", n.code, len(n.cases(t)), conflicts, len(blobs))
	return conflicts
}

// checkScope fails if a case in a station's scope at the hall (opened there
// or held there) never arrived at the station.
func checkScope(t *testing.T, svc *hall.Service, n *node) {
	t.Helper()
	have := map[string]bool{}
	for _, lc := range n.cases(t) {
		have[lc.id] = true
	}
	for _, f := range []hall.CaseFilter{{Station: n.code, Limit: 10000}, {Holder: n.code, Limit: 10000}} {
		scope, err := svc.Cases(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range scope {
			if !have[c.ID] {
				t.Errorf("%s: case %s in its scope never arrived", n.code, c.Number)
			}
		}
	}
}
