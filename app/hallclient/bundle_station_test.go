package hallclient_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"yizhan/app"
	"yizhan/app/hallclient"
	"yizhan/hall/bundleimport"
	"yizhan/internal/synctest"
	"yizhan/sync/bundle"
)

// snapshot is what a station's sync state looks like: events with their
// verdicts, case states, conflicts and the cursor.
func snapshot(t *testing.T, st *synctest.TestStation) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id, status, coalesce(hall_seq,0), reason FROM events ORDER BY id`,
		`SELECT id, body FROM cases ORDER BY id`,
		`SELECT event_id, reason, resolved_at FROM conflicts ORDER BY event_id`,
		`SELECT key, value FROM meta WHERE key NOT LIKE 'bundle_%' ORDER BY key`,
		`SELECT count(*), '' FROM audit`,
	} {
		rows, err := st.DB.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			rows.Scan(ptrs...)
			fmt.Fprintln(&b, vals...)
		}
		rows.Close()
	}
	return b.String()
}

func TestStationBundles(t *testing.T) {
	ctx := context.Background()
	h := synctest.StartHall(t, 50)
	st := synctest.OpenStation(t, t.TempDir(), "ST01")
	h.Enroll(t, st, "ST01")
	relay := synctest.OpenStation(t, t.TempDir(), "ST02")
	h.Enroll(t, relay, "ST02")
	h.PublishCatalog(t)
	// The hall can no longer be reached: work goes by USB stick.
	h.Proxy.Close()
	cs := st.OpenCase(t, synctest.StationItem)
	st.Note(t, cs.ID, "offline")
	dir := t.TempDir()
	export := filepath.Join(dir, "ST01.export.yzb")

	res, err := hallclient.ExportBundle(ctx, st.Station, export)
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	if res.Events != 2 || res.Left != 0 || st.Pending(t) != 2 {
		t.Fatalf("export %+v, pending %d; want 2 events, still pending", res, st.Pending(t))
	}

	t.Run("RelayCannotReadOrAlter", func(t *testing.T) {
		k, err := hallclient.LoadKeys(relay.Dir)
		if err != nil {
			t.Fatal(err)
		}
		f, _ := os.Open(export)
		defer f.Close()
		// The relay tries with everything it has: its own identity, and
		// the hall's public key as the only signer it knows.
		_, err = bundle.Open(f, bundle.Opener{Me: "ST02", Identity: k.AgeKey, Signer: func(string) (ed25519.PublicKey, error) { return k.HallSignKey, nil }})
		if !errors.Is(err, bundle.ErrForeign) {
			t.Fatalf("relay opened the export: %v", err)
		}
		f.Seek(0, 0)
		_, err = bundle.Open(f, bundle.Opener{Me: bundle.HallName, Identity: k.AgeKey, Signer: func(string) (ed25519.PublicKey, error) { return k.SignPublic(), nil }})
		if err == nil {
			t.Fatal("relay opened the export posing as the hall")
		}
		carried := filepath.Join(dir, "carried.yzb")
		hdr, err := hallclient.Relay(export, carried)
		if err != nil || hdr.From != "ST01" || hdr.To != bundle.HallName {
			t.Fatalf("relay: %+v %v", hdr, err)
		}
		data, _ := os.ReadFile(carried)
		data[len(data)-1] ^= 1
		altered := filepath.Join(dir, "altered.yzb")
		os.WriteFile(altered, data, 0o600)
		if _, err := bundleimport.HallImport(ctx, h.BundleSide(), altered, filepath.Join(dir, "x.reply")); !errors.Is(err, bundle.ErrTampered) {
			t.Fatalf("hall imported an altered bundle: %v", err)
		}
		export = carried // the hall gets the relayed copy
	})

	reply := filepath.Join(dir, "ST01.reply.yzb")
	rep, err := bundleimport.HallImport(ctx, h.BundleSide(), export, reply)
	if err != nil {
		t.Fatalf("hall import: %v", err)
	}
	if rep.Station != "ST01" || rep.Acks.Accepted != 2 || rep.Pulled == 0 {
		t.Fatalf("hall import report %+v", rep)
	}
	if _, err := hallclient.ImportReply(ctx, relay.Station, reply); !errors.Is(err, bundle.ErrForeign) {
		t.Fatalf("ST02 imported ST01's reply: %v", err)
	}
	ir, err := hallclient.ImportReply(ctx, st.Station, reply)
	if err != nil {
		t.Fatalf("import reply: %v", err)
	}
	if ir.Already || ir.Acks.Accepted != 2 || st.Pending(t) != 0 || ir.Cursor == 0 {
		t.Fatalf("import reply %+v, pending %d", ir, st.Pending(t))
	}
	for _, id := range st.EventIDs(t) {
		if s, seq := st.EventStatus(t, id); s != app.StatusAccepted || seq == 0 {
			t.Fatalf("event %s: %s %d", id, s, seq)
		}
	}

	t.Run("ImportTwiceChangesNothing", func(t *testing.T) {
		before := snapshot(t, st)
		again, err := hallclient.ImportReply(ctx, st.Station, reply)
		if err != nil || !again.Already {
			t.Fatalf("second import: %+v %v", again, err)
		}
		// The hall imports the same export again (its reply was lost, say):
		// every event is a duplicate, and the fresh reply changes nothing.
		reply2 := filepath.Join(dir, "ST01.reply2.yzb")
		rep2, err := bundleimport.HallImport(ctx, h.BundleSide(), export, reply2)
		if err != nil || rep2.Acks.Duplicates != 2 || rep2.Acks.Accepted != 2 {
			t.Fatalf("hall re-import: %+v %v", rep2, err)
		}
		if _, err := hallclient.ImportReply(ctx, st.Station, reply2); err != nil {
			t.Fatal(err)
		}
		if after := snapshot(t, st); after != before {
			t.Fatalf("importing again changed the station:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})
}
