package bundle_test

import (
	"context"
	"path/filepath"
	"testing"

	"yizhan/internal/synctest"
	"yizhan/sync/bundle"
)

// TestStaleReplySaysNothingNew: a reply that arrives after a newer one
// changes nothing, and says so instead of counting what it re-applied.
func TestStaleReplySaysNothingNew(t *testing.T) {
	ctx := context.Background()
	h := synctest.StartHall(t, 63)
	h.PublishCatalog(t)
	st := synctest.OpenStation(t, t.TempDir(), "ST01")
	h.Enroll(t, st, "ST01")
	h.Proxy.Close()
	st.OpenCase(t, synctest.StationItem)
	dir := t.TempDir()
	trip := func(name string) string {
		e, r := filepath.Join(dir, name+".yzb"), filepath.Join(dir, name+".reply.yzb")
		if _, err := bundle.ExportBundle(ctx, st.Station, e); err != nil {
			t.Fatal(err)
		}
		if _, err := bundle.HallImport(ctx, h.BundleSide(), e, r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	older, newer := trip("one"), trip("two")
	res, err := bundle.ImportReply(ctx, st.Station, newer)
	if err != nil || res.NothingNew || res.Pulled == 0 {
		t.Fatalf("newer reply: %+v %v", res, err)
	}
	res, err = bundle.ImportReply(ctx, st.Station, older)
	if err != nil {
		t.Fatal(err)
	}
	if !res.NothingNew || res.Pulled != 0 || res.Stale == 0 || res.Already {
		t.Fatalf("older reply after the newer: %+v; want nothing new, the pages counted stale", res)
	}
}
