package storetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"yizhan/domain"
	"yizhan/hall"
)

// testBlobs: per-station usage, references kept by PutCase, and
// collection of what no case references.
func testBlobs(t *testing.T, s hall.Store) {
	addStations(t, s, "A01", "B01")
	h := func(c string) string { return strings.Repeat(c, 64) }
	ref, attorney, junk, fresh := h("a"), h("b"), h("c"), h("d")
	update(t, s, func(tx hall.Tx) error {
		for _, o := range []struct {
			hash, st string
			size     int64
			at       time.Time
		}{
			{ref, "A01", 100, t0}, {attorney, "A01", 200, t0}, {junk, "A01", 300, t0}, {junk, "B01", 300, t0.Add(time.Hour)},
			{fresh, "B01", 50, t0.Add(48 * time.Hour)},
		} {
			if err := tx.AddBlobOwner(o.hash, o.st, o.size, o.at); err != nil {
				return err
			}
		}
		seq, err := tx.AppendLog(&hall.LogEntry{Status: hall.StatusAccepted, Station: "A01", Event: event(1, uuid(100), "A01"), Received: t0})
		if err != nil {
			return err
		}
		c := &domain.Case{ID: uuid(100), Number: "N", Station: "A01", Holder: "A01", State: domain.StateReceived, UpdatedAt: t0,
			Materials: []domain.CaseMaterial{{Code: "M1", Blobs: []string{ref, "not-a-hash"}}},
			Agent:     &domain.Agent{Name: "代", AttorneyBlob: attorney}}
		if err := tx.PutCase(c, seq); err != nil {
			return err
		}
		return tx.PutCase(c, seq) // again: references are idempotent
	})
	view(t, s, func(tx hall.Tx) error {
		if n, err := tx.BlobUsage("A01"); err != nil || n != 600 {
			t.Errorf("A01 usage: %d %v, want 600", n, err)
		}
		if n, err := tx.BlobUsage("Z99"); err != nil || n != 0 {
			t.Errorf("unknown station usage: %d %v", n, err)
		}
		got, err := tx.UnreferencedBlobs(t0.Add(24*time.Hour), 10)
		if err != nil || !slices.Equal(got, []string{junk}) {
			t.Errorf("unreferenced before t0+24h: %v %v, want the junk only", got, err)
		}
		if got, _ := tx.UnreferencedBlobs(t0.Add(30*time.Minute), 10); len(got) != 0 {
			t.Errorf("a blob B01 uploaded after the cut-off is not old enough yet: %v", got)
		}
		return nil
	})
	update(t, s, func(tx hall.Tx) error {
		if ok, err := tx.DeleteBlobOwners(junk); err != nil || !ok {
			t.Errorf("delete junk: %v %v", ok, err)
		}
		if ok, err := tx.DeleteBlobOwners(ref); err != nil || ok {
			t.Errorf("delete a referenced blob: %v %v, want refused", ok, err)
		}
		return nil
	})
	view(t, s, func(tx hall.Tx) error {
		for _, st := range []string{"A01", "B01"} {
			if owned, _ := tx.BlobOwned(junk, st); owned {
				t.Errorf("%s still owns the collected blob", st)
			}
		}
		if owned, _ := tx.BlobOwned(ref, "A01"); !owned {
			t.Error("the referenced blob lost its owner")
		}
		if n, _ := tx.BlobUsage("A01"); n != 300 {
			t.Errorf("A01 usage after collection: %d, want 300", n)
		}
		return nil
	})
}
