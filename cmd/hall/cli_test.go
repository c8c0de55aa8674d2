package main

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"yizhan/app"
	"yizhan/app/hallclient"
	appsqlite "yizhan/app/sqlite"
	"yizhan/domain"
	"yizhan/hall"
	"yizhan/hall/httpapi"
	hallsqlite "yizhan/hall/sqlite"
)

// TestHallHelpListsEveryCommand: `hall help` names every command
// registered — reenrol and move included — and --help works anywhere.
func TestHallHelpListsEveryCommand(t *testing.T) {
	code, out, _ := hallCLI(t, "help")
	if code != 0 {
		t.Fatalf("help: exit %d", code)
	}
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range append(names, "station reenrol", "station move", "bundle import") {
		if !strings.Contains(out, "  "+n+" ") {
			t.Errorf("help lacks %q", n)
		}
	}
	if code, out2, _ := hallCLI(t, "--help"); code != 0 || out2 != out {
		t.Errorf("--help differs from help: %d", code)
	}
	if code, out, _ := hallCLI(t, "case", "list", "-h"); code != 0 || !strings.Contains(out, "--offset") {
		t.Errorf("case list -h: %d %q", code, out)
	}
}

// listed decodes a list command's JSON.
func listed(t *testing.T, out string) (items []json.RawMessage, total int) {
	t.Helper()
	var l struct {
		Items []json.RawMessage `json:"items"`
		Total int               `json:"total"`
	}
	if err := json.Unmarshal([]byte(out), &l); err != nil {
		t.Fatalf("list JSON: %v\n%s", err, out)
	}
	return l.Items, l.Total
}

// TestHallCLIConventions: the conventions the hall shares with the station
// (internal/cli), on the real commands, with a hall holding 205 cases from
// a station (more than the 200 the store hands out by default) and a USB
// bundle from it.
func TestHallCLIConventions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t.Setenv("YIZHAN_HALL_DIR", "")
	t.Setenv("YIZHAN_HALL_DB", "")
	store, err := hallsqlite.Open(ctx, filepath.Join(dir, "hall.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc, err := hall.New(ctx, store, hall.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := os.ReadFile(filepath.Join("..", "..", "hall", "testdata", "township-sample.json"))
	if _, err := svc.PublishCatalog(ctx, cat); err != nil {
		t.Fatal(err)
	}
	enrol, err := svc.AddStation(ctx, "370112001", "示例镇便民服务中心", "370112")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpapi.New(svc, nil))
	defer srv.Close()
	st, _, err := appsqlite.OpenStation(ctx, app.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := hallclient.Enroll(ctx, st, srv.URL, enrol); err != nil {
		t.Fatal(err)
	}
	head, err := st.AddStaff(ctx, app.System, "head", "王站长", app.RoleHead, "head-secret-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportCatalog(ctx, app.System, cat); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 205; i++ {
		if _, err := st.OpenCase(ctx, head.Actor(), app.OpenCaseInput{ItemCode: "370112-RS-001-01-S",
			Applicant: domain.Applicant{Type: domain.ApplicantPerson, Name: applicantName, IDNumber: applicantID, Phone: applicantPhone}}); err != nil {
			t.Fatal(err)
		}
	}
	c, _ := hallclient.New(st)
	if _, err := c.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	st.OpenCase(ctx, head.Actor(), app.OpenCaseInput{ItemCode: "370112-RS-001-01-S",
		Applicant: domain.Applicant{Type: domain.ApplicantPerson, Name: applicantName, IDNumber: applicantID, Phone: applicantPhone}})
	exp := filepath.Join(t.TempDir(), "export.yzb")
	if _, err := hallclient.ExportBundle(ctx, st, exp); err != nil {
		t.Fatal(err)
	}
	reply := filepath.Join(t.TempDir(), "reply.yzb")

	tests := []struct {
		name       string
		args       []string
		code       int
		out, errs  string
		list       bool
		total, got int
	}{
		{name: "PastTwoHundred", args: []string{"case", "list", "--limit", "1000", "--json"}, list: true, total: 205, got: 205},
		{name: "Default", args: []string{"--json", "case", "list"}, list: true, total: 205, got: 50},
		{name: "Offset", args: []string{"case", "list", "--offset", "200", "--json"}, list: true, total: 205, got: 5},
		{name: "DirAfterCommand", args: []string{"station", "list", "--json"}, list: true, total: 1, got: 1},
		{name: "HumanTotal", args: []string{"case", "list", "--limit", "3"}, out: "1–3 of 205"},
		{name: "LimitOverMax", args: []string{"case", "list", "--limit", "1001"}, code: 2, errs: "1 to 1000"},
		{name: "LimitZero", args: []string{"station", "list", "--limit", "0"}, code: 2, errs: "out of range"},
		{name: "OffsetNegative", args: []string{"staff", "list", "--offset", "-1"}, code: 2, errs: "out of range"},
		{name: "UnknownCommand", args: []string{"case", "frobnicate"}, code: 2, errs: "unknown command"},
		{name: "MoveNeedsURL", args: []string{"station", "move", "370112001"}, code: 2, errs: "--url"},
		{name: "MoveOneOrAll", args: []string{"station", "move", "370112001", "--all", "--url", "https://h2"}, code: 2, errs: "--all"},
		{name: "Move", args: []string{"station", "move", "--all", "--url", "https://hall2.example.gov.cn", "--json"}, out: `"code"`},
		{name: "BundleImportNeedsReply", args: []string{"bundle", "import", exp}, code: 2, errs: "--reply"},
		{name: "BundleImportWords", args: []string{"bundle", "import", exp, "--reply", reply}, out: "events: 1 received — 1 accepted"},
		{name: "BundleImportJSON", args: []string{"bundle", "import", exp, "--reply", reply + "2", "--json"}, out: `"duplicates": 1`},
		{name: "BundleImportForeign", args: []string{"bundle", "import", reply, "--reply", reply + "3"}, code: 1, errs: "错误："},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := hallCLI(t, append(tt.args, "--dir", dir)...)
			if code != tt.code || !strings.Contains(out, tt.out) || !strings.Contains(errs, tt.errs) {
				t.Fatalf("exit %d, want %d\nstdout %q (want %q)\nstderr %q (want %q)", code, tt.code, out, tt.out, errs, tt.errs)
			}
			if tt.list {
				items, total := listed(t, out)
				if len(items) != tt.got || total != tt.total {
					t.Fatalf("%d of %d listed, want %d of %d", len(items), total, tt.got, tt.total)
				}
			}
		})
	}
	if code, _, errs := hallCLI(t, "station", "list"); code != 2 || !strings.Contains(errs, "--dir") {
		t.Errorf("no data directory: exit %d %q", code, errs)
	}
}
