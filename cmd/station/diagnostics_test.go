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
)

// The test applicant of the scripted session.
const (
	testName  = "欧阳秀英"
	testID    = "11010519491231002X"
	testPhone = "13812345678"
	testAddr  = "示例区山大路100号2单元"
)

// station runs one station command in-process and returns its stdout.
func station(t *testing.T, dir string, wantCode int, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	full := append([]string{"--dir", dir, "--user", "head", "--password", "head-secret-1"}, args...)
	if code := run(context.Background(), full, &out, &errb); code != wantCode {
		t.Fatalf("station %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, wantCode, out.String(), errb.String())
	}
	return out.String()
}

func assertNoPersonal(t *testing.T, what string, data []byte) {
	t.Helper()
	for _, p := range []string{testName, testID, strings.ToLower(testID), testPhone, "138 1234 5678", testAddr} {
		if bytes.Contains(data, []byte(p)) {
			t.Errorf("%s contains %q:\n%s", what, p, data)
		}
	}
}

// TestLogsAndDiagnosticsHoldNoPersonalData runs a clerk's session through the
// CLI, failures included, then checks the log file and the diagnostics zip
// for the applicant's name, ID number, phone and address.
func TestLogsAndDiagnosticsHoldNoPersonalData(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "station")
	station(t, dir, 0, "init", "--code", "370112001", "--name", "示例镇便民服务中心", "--region", "370112",
		"--admin", "head", "--admin-name", "王站长", "--admin-password", "head-secret-1")
	station(t, dir, 0, "catalog", "import", "../../app/testdata/township-sample.json")
	out := station(t, dir, 0, "--json", "case", "open", "--item", "370112-RS-001-01-S", "--name", testName, "--id", testID,
		"--phone", testPhone, "--address", testAddr, "--material", "M1=paper", "--material", "M2=paper", "--material", "M3=paper")
	var c struct {
		ID     string `json:"id"`
		Number string `json:"number"`
	}
	if err := json.Unmarshal([]byte(out), &c); err != nil || c.Number == "" {
		t.Fatalf("case open: %v %q", err, out)
	}
	station(t, dir, 0, "case", "list", "--q", testName)
	station(t, dir, 0, "case", "list", "--q", testPhone)
	station(t, dir, 0, "case", "accept", c.Number)
	// Failures whose messages may quote what was typed.
	station(t, dir, 1, "case", "open", "--item", "NO-SUCH-ITEM", "--name", testName, "--id", testID, "--phone", testPhone)
	station(t, dir, 1, "case", "open", "--item", "370112-RS-001-01-S", "--name", testName, "--id", testID, "--phone", "1381234567")
	station(t, dir, 1, "case", "open", "--item", "370112-RS-001-01-S", "--name", testName, "--id", "11010519491231002Y", "--phone", testPhone)

	logPath := filepath.Join(dir, "logs", "station-cli.log")
	logData, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(logData, []byte(`"command":"case open"`)) || !bytes.Contains(logData, []byte(`"command failed"`)) {
		t.Fatalf("the log misses the session:\n%s", logData)
	}
	assertNoPersonal(t, "station-cli.log", logData)

	zipPath := filepath.Join(t.TempDir(), "diag.zip")
	station(t, dir, 0, "diagnostics", zipPath)
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	entries := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		entries[f.Name] = data
		assertNoPersonal(t, "diagnostics "+f.Name, data)
		if strings.HasSuffix(f.Name, ".db") || strings.Contains(f.Name, "key") {
			t.Errorf("diagnostics holds %s", f.Name)
		}
	}
	for _, want := range []string{"README.txt", "versions.json", "checks.json", "sync-status.json", "logs/station-cli.log"} {
		if _, ok := entries[want]; !ok {
			t.Errorf("diagnostics lacks %s (has %v)", want, zr.File)
		}
	}
	var ck struct {
		Integrity string         `json:"integrity_check"`
		Schema    int            `json:"schema"`
		Counts    map[string]int `json:"counts"`
		Audit     struct {
			OK   bool  `json:"ok"`
			Rows int64 `json:"rows"`
		} `json:"audit"`
	}
	if err := json.Unmarshal(entries["checks.json"], &ck); err != nil {
		t.Fatal(err)
	}
	if ck.Integrity != "ok" || !ck.Audit.OK || ck.Audit.Rows == 0 || ck.Counts["cases"] != 1 || ck.Schema < 1 {
		t.Fatalf("checks.json: %s", entries["checks.json"])
	}
}

// TestDiagnosticsOfATooNewDatabase still writes a zip, saying why the
// station does not open.
func TestDiagnosticsOfATooNewDatabase(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "station")
	station(t, dir, 0, "init", "--code", "370112001", "--name", "示例镇", "--admin", "head", "--admin-name", "王站长", "--admin-password", "head-secret-1")
	st := station(t, dir, 0, "--json", "staff", "list")
	_ = st
	db := filepath.Join(dir, "station.db")
	bumpUserVersion(t, db, 999)
	zipPath := filepath.Join(t.TempDir(), "diag.zip")
	station(t, dir, 0, "diagnostics", zipPath)
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name != "checks.json" {
			continue
		}
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Contains(data, []byte(`"open_error"`)) || !bytes.Contains(data, []byte(`"schema": 999`)) {
			t.Fatalf("checks.json does not explain: %s", data)
		}
		return
	}
	t.Fatal("no checks.json")
}
