package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"yizhan/hall"
)

// TestConsoleCommands drives the console's CLI: accounts, call-backs and
// statistics, and the console served by `hall serve`.
func TestConsoleCommands(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("YIZHAN_HALL_DIR", dir)
	t.Setenv("YIZHAN_HALL_DB", "")
	t.Setenv("YIZHAN_HALL_STAFF_PASSWORD", "")
	if code, out, errs := hallCLI(t, "staff", "add", "li", "李审批", "approver", "--password", "console-secret"); code != 0 || !strings.Contains(out, "审批员") {
		t.Fatalf("staff add: %d %q %q", code, out, errs)
	}
	if code, _, errs := hallCLI(t, "staff", "add", "wang", "王", "boss", "--password", "console-secret"); code != 1 || !strings.Contains(errs, "角色") {
		t.Errorf("unknown role: %d %q", code, errs)
	}
	if code, _, errs := hallCLI(t, "staff", "set", "li", "--role", "supervisor", "--disable"); code != 0 {
		t.Errorf("staff set: %d %q", code, errs)
	}
	code, out, _ := hallCLI(t, "staff", "list", "--json")
	var page struct {
		Items []hall.Staff `json:"items"`
		Total int          `json:"total"`
	}
	list := &page.Items
	if code != 0 || json.Unmarshal([]byte(out), &page) != nil || len(*list) != 1 || page.Total != 1 || (*list)[0].Role != hall.RoleSupervisor || !(*list)[0].Disabled {
		t.Errorf("staff list: %d %s", code, out)
	}
	if code, out, _ := hallCLI(t, "staff", "list"); code != 0 || !strings.Contains(out, "disabled") {
		t.Errorf("staff list table: %d %s", code, out)
	}
	if code, out, _ := hallCLI(t, "review", "list", "--json"); code != 0 || !strings.Contains(out, `"items": []`) || !strings.Contains(out, `"total": 0`) {
		t.Errorf("review list: %d %q", code, out)
	}
	if code, _, errs := hallCLI(t, "review", "callback", "01900000-0000-7000-8000-000000000001", "--status", "fixed",
		"--callback", "c", "--result", "r"); code != 1 || !strings.Contains(errs, "找不到办件") {
		t.Errorf("call-back of an unknown case: %d %q", code, errs)
	}
	if code, _, errs := hallCLI(t, "case", "accept", "01900000-0000-7000-8000-000000000001"); code != 1 || !strings.Contains(errs, "找不到办件") {
		t.Errorf("case accept: %d %q", code, errs)
	}
	xlsx := filepath.Join(dir, "stats.xlsx")
	if code, out, errs := hallCLI(t, "stats", "--from", "2026-01-01", "--to", "2026-03-31", "--xlsx", xlsx, "--lang", "en-US"); code != 0 {
		t.Fatalf("stats --xlsx: %d %q %q", code, out, errs)
	}
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("By month")
	f.Close()
	if len(rows) != 5 || rows[1][0] != "2026-01" || rows[4][0] != "Total" {
		t.Errorf("workbook months: %q", rows)
	}
	if code, out, _ := hallCLI(t, "stats", "--json", "--from", "2026-01-01", "--to", "2026-01-31"); code != 0 || !strings.Contains(out, `"intake": 0`) {
		t.Errorf("stats --json: %d %s", code, out)
	}
	if code, _, errs := hallCLI(t, "stats", "--from", "2020-01-01"); code != 1 || !strings.Contains(errs, "400") {
		t.Errorf("too long a period: %d %q", code, errs)
	}
}

// TestServeConsole: `hall serve` answers the console beside the sync API.
func TestServeConsole(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("YIZHAN_HALL_DIR", dir)
	t.Setenv("YIZHAN_HALL_DB", "")
	assets := filepath.Join(dir, "assets")
	os.MkdirAll(assets, 0o755)
	os.WriteFile(filepath.Join(assets, "console.html"), []byte("<title>hall console</title>"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--log-dir", "-", "--console-assets", assets}, &bytes.Buffer{}, logs)
	}()
	addr := waitForAddr(t, logs)
	for path, want := range map[string]string{"/console/": "hall console", "/console/inbox": "hall console", "/healthz": "ok"} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(b.String(), want) {
			t.Errorf("%s: %d %q", path, resp.StatusCode, b.String())
		}
	}
	resp, err := http.Get("http://" + addr + "/console/api/inbox")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("console API without a session: %d", resp.StatusCode)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not shut down")
	}
}
