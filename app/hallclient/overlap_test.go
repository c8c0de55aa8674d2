package hallclient_test

import (
	"context"
	"testing"

	"yizhan/app"
	"yizhan/app/hallclient"
	"yizhan/hall"
	"yizhan/internal/synctest"
	"yizhan/sync/faultproxy"
)

// TestOverlap syncs with the next request sent while the previous answer
// is applied, in small batches and pages, through lost, repeated and cut
// answers: every event reaches the hall once, every one comes back
// accepted with its own position, and the station ends up where the hall
// is, as it does one round trip after the other.
func TestOverlap(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		rates faultproxy.Rates
	}{
		{"Clean", faultproxy.Rates{}},
		{"Faults", faultproxy.Rates{DropRequest: 0.1, DropResponse: 0.15, Duplicate: 0.1, CutBody: 0.1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, st, c := setup(t, 40)
			c.Overlap = true
			c.BatchEvents = 7
			c.PullBytes = 2 << 10 // pages of a few events
			var cases []string
			for i := 0; i < 12; i++ {
				cs := st.OpenCase(t, synctest.StationItem)
				st.Note(t, cs.ID, "first")
				st.Note(t, cs.ID, "second")
				cases = append(cases, cs.ID)
			}
			ids := st.EventIDs(t)
			h.Proxy.SetRates(tc.rates)
			var res hallclient.Result
			var err error
			for try := 0; ; try++ {
				if res, err = c.SyncOnce(ctx); err == nil {
					break
				}
				if try == 200 {
					t.Fatalf("no clean sync in 200 tries: %v", err)
				}
			}
			h.Proxy.SetRates(faultproxy.Rates{})
			if tc.rates == (faultproxy.Rates{}) && (res.Pushed != len(ids) || res.Duplicates != 0 || res.Rounds < 3) {
				t.Errorf("clean sync: %+v; want %d pushed once over several rounds", res, len(ids))
			}
			if n := st.Pending(t); n != 0 {
				t.Fatalf("%d events still pending", n)
			}
			seen := map[int64]bool{}
			for _, id := range ids {
				status, seq := st.EventStatus(t, id)
				if status != app.StatusAccepted || seq == 0 || seen[seq] {
					t.Fatalf("event %s: status %s seq %d", id, status, seq)
				}
				seen[seq] = true
			}
			for _, id := range cases {
				d, err := h.Service().ShowCase(ctx, hall.Actor{ID: "test"}, id, false, "")
				if err != nil {
					t.Fatal(err)
				}
				if len(d.History) != 3 {
					t.Errorf("hall log holds %d events of case %s, want 3 (each once)", len(d.History), id)
				}
			}
			// Up to date: the next sync is one round trip that moves nothing.
			again := mustSync(t, c)
			if again.Rounds != 1 || again.Pushed != 0 || again.Pulled != 0 {
				t.Errorf("sync after: %+v; want one round trip moving nothing", again)
			}
			cur, err := st.Cursor(ctx)
			if err != nil {
				t.Fatal(err)
			}
			infos, err := h.Service().Stations(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var last int64
			for _, s := range infos {
				if s.Code == "ST01" {
					last = s.Cursor + s.Lag // the hall's last delivery to it
				}
			}
			if cur != last || cur == 0 {
				t.Errorf("station cursor %d, hall's last delivery %d", cur, last)
			}
		})
	}
}
