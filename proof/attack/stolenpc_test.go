package attack_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"yizhan/app"
	"yizhan/app/hallclient"
	appsqlite "yizhan/app/sqlite"
	"yizhan/hall/bundleimport"
	"yizhan/sync/bundle"
)

// A stolen PC: once the hall runs `hall station reenrol`, everything the
// old PC holds is dead at once — its token online, its signing key for USB
// bundles (a bundle exported before or after the reenrolment is refused
// unread), and its age key: no reply sealed after the reenrolment opens on
// it, not even before the new PC has enrolled.
func TestAttackStolenPCAfterReenrol(t *testing.T) {
	h := newHall(t)
	old := h.station("A01")
	ctx := context.Background()
	dir := t.TempDir()
	old.open(stationItem)
	before := filepath.Join(dir, "before.bundle")
	if _, err := hallclient.ExportBundle(ctx, old.st, before); err != nil {
		t.Fatal(err)
	}
	code, err := h.svc.Reenrol(ctx, "A01")
	if err != nil {
		t.Fatal(err)
	}
	side := bundleimport.BundleSide(h.svc)
	snap := h.snapshot()

	// Before the new PC enrols: online and by USB, the thief gets nothing.
	if _, err := old.cl.SyncOnce(ctx); hallclient.CodeOf(err) != hallclient.CodeRevoked || !h.log.has(`"status":401`, "/v1/sync") {
		t.Fatalf("old PC synced after reenrol: %v", err)
	}
	if _, err := bundleimport.HallImport(ctx, side, before, before+".reply"); !errors.Is(err, bundle.ErrForeign) {
		t.Fatalf("old PC's bundle imported after reenrol: %v", err)
	}
	if _, err := os.Stat(before + ".reply"); !os.IsNotExist(err) {
		t.Fatal("a reply was written for the old PC")
	}
	if h.snapshot() != snap {
		t.Fatal("the old PC changed the hall's data after reenrol")
	}

	// The new PC enrols with the new code and works.
	nst, _, err := appsqlite.OpenStation(ctx, app.Config{Dir: t.TempDir(), Now: h.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nst.Close() })
	if _, err := hallclient.Enroll(ctx, nst, h.srv.URL, code); err != nil {
		t.Fatalf("new PC: %v", err)
	}
	after := filepath.Join(dir, "old-after.bundle")
	if _, err := hallclient.ExportBundle(ctx, old.st, after); err != nil {
		t.Fatal(err)
	}
	snap = h.snapshot()
	if _, err := bundleimport.HallImport(ctx, side, after, after+".reply"); err == nil {
		t.Fatal("old PC's bundle imported after the new PC enrolled")
	}
	if h.snapshot() != snap {
		t.Fatal("the old PC's bundle changed the hall's data")
	}

	// A reply made for the new PC does not open on the old one.
	fresh := filepath.Join(dir, "new.bundle")
	if _, err := hallclient.ExportBundle(ctx, nst, fresh); err != nil {
		t.Fatal(err)
	}
	if _, err := bundleimport.HallImport(ctx, side, fresh, fresh+".reply"); err != nil {
		t.Fatalf("new PC's bundle: %v", err)
	}
	osnap := old.snapshot()
	if _, err := hallclient.ImportReply(ctx, old.st, fresh+".reply"); !errors.Is(err, bundle.ErrForeign) {
		t.Fatalf("old PC opened a reply made after reenrol: %v", err)
	}
	if old.snapshot() != osnap {
		t.Fatal("the refused reply changed the old PC's data")
	}
	if _, err := hallclient.ImportReply(ctx, nst, fresh+".reply"); err != nil {
		t.Fatalf("new PC's reply: %v", err)
	}
}
