package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"yizhan/app"
	"yizhan/app/hallclient"
	appsqlite "yizhan/app/sqlite"
	"yizhan/domain"
)

const (
	applicantName  = "欧阳秀英"
	applicantID    = "11010519491231002X"
	applicantPhone = "13812345678"
)

func noPersonal(t *testing.T, what string, data []byte) {
	t.Helper()
	for _, p := range []string{applicantName, applicantID, applicantPhone} {
		if bytes.Contains(data, []byte(p)) {
			t.Errorf("%s contains %q", what, p)
		}
	}
}

// TestBackupAndDiagnostics runs a hall with one enrolled station that
// syncs a case, then takes an online backup (which must open as a hall on
// its own) and a diagnostics zip (which must hold no personal data).
func TestBackupAndDiagnostics(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t.Setenv("YIZHAN_HALL_DIR", dir)
	t.Setenv("YIZHAN_HALL_DB", "")
	t.Setenv("YIZHAN_HALL_LOG_DIR", "")
	_, out, _ := hallCLI(t, "station", "add", "370112001", "示例镇便民服务中心")
	enrol := enrolCode.FindString(out)
	if code, _, errs := hallCLI(t, "catalog", "publish", filepath.Join("..", "..", "hall", "testdata", "township-sample.json")); code != 0 {
		t.Fatalf("catalog publish: %s", errs)
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	logs := &lockedBuffer{}
	done := make(chan int, 1)
	go func() { done <- run(sctx, []string{"serve", "--listen", "127.0.0.1:0"}, &bytes.Buffer{}, logs) }()
	addr := waitForAddr(t, logs)

	// A station opens a case with an applicant's data and syncs it.
	st, _, err := appsqlite.OpenStation(ctx, app.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Init(ctx, app.Identity{Code: "370112001", Name: "示例镇便民服务中心"}); err != nil {
		t.Fatal(err)
	}
	head, err := st.AddStaff(ctx, app.System, "head", "王站长", app.RoleHead, "head-secret-1")
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := os.ReadFile(filepath.Join("..", "..", "app", "testdata", "township-sample.json"))
	if _, err := st.ImportCatalog(ctx, app.System, cat); err != nil {
		t.Fatal(err)
	}
	if _, err := st.OpenCase(ctx, head.Actor(), app.OpenCaseInput{ItemCode: "370112-RS-001-01-S",
		Applicant: domain.Applicant{Type: domain.ApplicantPerson, Name: applicantName, IDNumber: applicantID, Phone: applicantPhone}}); err != nil {
		t.Fatal(err)
	}
	if _, err := hallclient.Enroll(ctx, st, "http://"+addr, enrol); err != nil {
		t.Fatal(err)
	}
	c, err := hallclient.New(st)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := c.SyncOnce(ctx); err != nil || res.Accepted == 0 {
		t.Fatalf("sync: %+v %v", res, err)
	}
	code, out, _ := hallCLI(t, "case", "list", "--json")
	if code != 0 || strings.Count(out, `"number"`) != 1 {
		t.Fatalf("hall case list: %d %s", code, out)
	}
	t.Run("ByNumber", func(t *testing.T) {
		var page struct {
			Items []struct{ ID, Number string } `json:"items"`
		}
		err := json.Unmarshal([]byte(out), &page)
		list := page.Items
		if err != nil || len(list) != 1 {
			t.Fatalf("case list: %v %s", err, out)
		}
		// Staff know a case by its number: every case command takes it
		// where it takes the id.
		code1, byID, _ := hallCLI(t, "case", "show", list[0].ID)
		code2, byNumber, errs := hallCLI(t, "case", "show", list[0].Number)
		if code1 != 0 || code2 != 0 || byID != byNumber || !strings.Contains(byNumber, list[0].Number) {
			t.Fatalf("show by id (%d) and by number (%d %s) differ:\n%s\n%s", code1, code2, errs, byID, byNumber)
		}
	})

	t.Run("BackupWhileServing", func(t *testing.T) {
		dest := filepath.Join(t.TempDir(), "backup")
		code, out, errs := hallCLI(t, "backup", dest)
		if code != 0 {
			t.Fatalf("backup: %d %s %s", code, out, errs)
		}
		for _, f := range []string{"hall.db", "BACKUP.txt", "keys/hall_ed25519.key", "keys/hall_age.key"} {
			if _, err := os.Stat(filepath.Join(dest, f)); err != nil {
				t.Errorf("backup lacks %s", f)
			}
		}
		// The backup is a hall data directory of its own: same keys, same
		// stations, same cases.
		if code, out, errs := hallCLI(t, "station", "list", "--json", "--dir", dest); code != 0 || !strings.Contains(out, `"status": "enrolled"`) {
			t.Fatalf("station list on the backup: %d %s %s", code, out, errs)
		}
		if code, out, _ := hallCLI(t, "case", "list", "--json", "--dir", dest); code != 0 || strings.Count(out, `"number"`) != 1 {
			t.Fatalf("case list on the backup: %d %s", code, out)
		}
		orig, _ := os.ReadFile(filepath.Join(dir, "keys", "hall_age.key"))
		copied, _ := os.ReadFile(filepath.Join(dest, "keys", "hall_age.key"))
		if !bytes.Equal(orig, copied) {
			t.Fatal("backup keys differ")
		}
		if code, _, errs := hallCLI(t, "backup", filepath.Join(dir, "inside")); code != 1 || !strings.Contains(errs, "inside the data directory") {
			t.Fatalf("backup into the data dir: %d %s", code, errs)
		}
		// A second run into the same directory refreshes it.
		if code, _, errs := hallCLI(t, "backup", dest); code != 0 {
			t.Fatalf("second backup: %s", errs)
		}
	})

	cancel()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}

	t.Run("DiagnosticsHoldNoPersonalData", func(t *testing.T) {
		logData, err := os.ReadFile(filepath.Join(dir, "logs", "hall.log"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(logData, []byte(`"msg":"request"`)) {
			t.Fatalf("hall.log has no request lines:\n%s", logData)
		}
		noPersonal(t, "hall.log", logData)
		zpath := filepath.Join(t.TempDir(), "hall-diag.zip")
		if code, out, errs := hallCLI(t, "diagnostics", zpath); code != 0 {
			t.Fatalf("diagnostics: %d %s %s", code, out, errs)
		}
		zr, err := zip.OpenReader(zpath)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		got := map[string][]byte{}
		for _, f := range zr.File {
			rc, _ := f.Open()
			data, _ := io.ReadAll(rc)
			rc.Close()
			got[f.Name] = data
			noPersonal(t, "diagnostics "+f.Name, data)
		}
		for _, want := range []string{"README.txt", "versions.json", "checks.json", "logs/hall.log"} {
			if _, ok := got[want]; !ok {
				t.Errorf("zip lacks %s", want)
			}
		}
		var ck hallChecks
		if err := json.Unmarshal(got["checks.json"], &ck); err != nil {
			t.Fatal(err)
		}
		if ck.Integrity != "ok" || ck.Stations["enrolled"] != 1 || !ck.KeysPresent || ck.Schema < 1 || len(ck.CasesByState) != 1 {
			t.Fatalf("checks.json: %s", got["checks.json"])
		}
	})
}
