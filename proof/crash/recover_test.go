package crash_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"yizhan/app"
	"yizhan/app/hallclient"
	appsqlite "yizhan/app/sqlite"
	"yizhan/domain"
	"yizhan/hall"
	"yizhan/hall/httpapi"
	hallsqlite "yizhan/hall/sqlite"
)

// TestDeadPCRebuiltFromTheHall is the recovery path of docs/reliability.md:
// a station's PC dies with its disk. The hall issues a new enrolment code
// for the same station code (`hall station reenrol`), a new PC enrols with
// it and pulls the station's whole scope from the hall. Everything the old
// PC had acknowledged by the hall comes back with the same state; its
// attachments stay verified at the hall; its old token stops working; new
// case numbers do not repeat the old PC's; and the new audit chain is not
// mistaken for a rewritten one. Only work never sent is lost with the PC.
func TestDeadPCRebuiltFromTheHall(t *testing.T) {
	ctx := context.Background()
	hdir := t.TempDir()
	store, err := hallsqlite.Open(ctx, filepath.Join(hdir, "hall.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc, err := hall.New(ctx, store, hall.Config{Dir: filepath.Join(hdir, "data")})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpapi.New(svc, nil))
	defer srv.Close()
	catalog, err := os.ReadFile("../sim/catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.PublishCatalog(ctx, catalog); err != nil {
		t.Fatal(err)
	}
	code, err := svc.AddStation(ctx, "ST01", "驿站", "370112")
	if err != nil {
		t.Fatal(err)
	}
	actor := app.Actor{ID: "clerk-1", Login: "clerk", Name: "窗口", Role: app.RoleHead}
	openPC := func(dir, code string) (*app.Station, *hallclient.Client, string) {
		st, _, err := appsqlite.OpenStation(ctx, app.Config{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		k, err := hallclient.Enroll(ctx, st, srv.URL, code)
		if err != nil {
			t.Fatal(err)
		}
		cl, err := hallclient.New(st)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cl.SyncOnce(ctx); err != nil {
			t.Fatal(err)
		}
		return st, cl, k.Token
	}
	open := func(st *app.Station) *domain.Case {
		c, err := st.OpenCase(ctx, actor, app.OpenCaseInput{ItemCode: "370112-RS-001-01-S", Channel: domain.ChannelWindow,
			Applicant: domain.Applicant{Name: "张三", IDNumber: "11010519491231002X", Phone: "13800138000"},
			Materials: []app.MaterialInput{{Code: "M1", Collected: "paper"}, {Code: "M2", Collected: "paper"}, {Code: "M3", Collected: "paper"}}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	// The old PC: two cases, one with a scan, synced; one more never sent.
	oldDir := t.TempDir()
	old, oldCl, oldToken := openPC(oldDir, code)
	a, b := open(old), open(old)
	if _, err := old.Accept(ctx, actor, a.ID); err != nil {
		t.Fatal(err)
	}
	sha, err := old.ImportBlob(ctx, actor, "id.jpg", "image/jpeg", bytes.NewReader(bytes.Repeat([]byte("scan"), 5000)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.RecordMaterial(ctx, actor, b.ID, app.MaterialInput{Code: "M1", Collected: domain.CollectScan, Blobs: []string{sha}}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, err := oldCl.SyncOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	unsent := open(old)
	old.Close()
	os.RemoveAll(oldDir) // the disk is gone

	// The hall puts the code back in service on a new PC.
	newCode, err := svc.Reenrol(ctx, "ST01")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, oldToken); domain.ErrorCode(err) != domain.EUnauthorized {
		t.Fatalf("the dead PC's token still works: %v", err)
	}
	pc, cl, _ := openPC(t.TempDir(), newCode)
	defer pc.Close()
	for _, want := range []*domain.Case{a, b} {
		got, err := pc.LoadCase(ctx, want.ID)
		if err != nil {
			t.Fatalf("case %s not rebuilt: %v", want.Number, err)
		}
		detail, err := svc.ShowCase(ctx, hall.Actor{ID: "t"}, want.ID, true, "recovery test")
		if err != nil {
			t.Fatal(err)
		}
		if got.State != detail.Case.State || got.Events != detail.Case.Events || got.Number != want.Number {
			t.Fatalf("rebuilt case %s: %s/%d, hall %s/%d", want.Number, got.State, got.Events, detail.Case.State, detail.Case.Events)
		}
	}
	if _, err := pc.LoadCase(ctx, unsent.ID); err == nil {
		t.Fatal("a case the old PC never sent cannot come back")
	}
	if _, complete, err := svc.BlobStatus(ctx, "ST01", sha); err != nil || !complete {
		t.Fatalf("the scan is not at the hall: %v", err)
	}
	c := open(pc)
	for _, prev := range []*domain.Case{a, b} {
		if c.Number == prev.Number {
			t.Fatalf("the new PC reused case number %s", c.Number)
		}
	}
	for i := 0; i < 3; i++ {
		if _, err := cl.SyncOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	infos, err := svc.Stations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if infos[0].Tampered || infos[0].Status != "enrolled" {
		t.Fatalf("after recovery the registry says %+v", infos[0])
	}
	if n, _ := pc.PendingCount(ctx); n != 0 {
		t.Fatalf("%d events pending on the new PC", n)
	}
}
