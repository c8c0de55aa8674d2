package bundle_test

import (
	"context"
	"path/filepath"
	"testing"

	"yizhan/domain"
	"yizhan/hall"
	"yizhan/internal/synctest"
	"yizhan/sync/bundle"
)

// TestOfflineApprovalByBundle is the field helper's trip: a case opened at a
// station that never had a network, carried to the hall on a USB stick,
// approved there, and carried back, shows the approval at the station.
func TestOfflineApprovalByBundle(t *testing.T) {
	ctx := context.Background()
	h := synctest.StartHall(t, 7)
	st := synctest.OpenStation(t, t.TempDir(), "ST01")
	h.Enroll(t, st, "ST01")
	h.PublishCatalog(t)
	h.Proxy.Close() // no network from here on

	c := st.OpenCase(t, synctest.HallItem)
	for _, step := range []func() (*domain.Case, error){
		func() (*domain.Case, error) { return st.Accept(ctx, st.Actor, c.ID) },
		func() (*domain.Case, error) { return st.Forward(ctx, st.Actor, c.ID) },
	} {
		if _, err := step(); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	out, reply1, reply2 := filepath.Join(dir, "out.yzb"), filepath.Join(dir, "r1.yzb"), filepath.Join(dir, "r2.yzb")
	if _, err := bundle.ExportBundle(ctx, st.Station, out); err != nil {
		t.Fatalf("export: %v", err)
	}
	if _, err := bundle.HallImport(ctx, h.BundleSide(), out, reply1); err != nil {
		t.Fatalf("hall import: %v", err)
	}
	if err := h.Service().Approve(ctx, hall.Actor{ID: "approver", Name: "审批员"}, c.ID, "证书-001"); err != nil {
		t.Fatalf("approve: %v", err)
	}
	// The helper goes back with a reply made after the approval (the hall
	// imports the same export again: every event a duplicate).
	if _, err := bundle.HallImport(ctx, h.BundleSide(), out, reply2); err != nil {
		t.Fatalf("hall import again: %v", err)
	}
	if _, err := bundle.ImportReply(ctx, st.Station, reply2); err != nil {
		t.Fatalf("station import: %v", err)
	}
	got, err := st.LoadCase(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != domain.StateConcluded || got.Result != domain.ResultApproved || got.Holder != "ST01" {
		t.Fatalf("station sees %s/%s held by %s; want concluded/approved back at ST01", got.State, got.Result, got.Holder)
	}
	if n := st.Pending(t); n != 0 {
		t.Fatalf("%d events still pending after the reply", n)
	}
}
