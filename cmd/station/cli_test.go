package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"yizhan/hall"
	"yizhan/hall/httpapi"
	hallsqlite "yizhan/hall/sqlite"
)

// runStation runs one station command line in-process and returns its exit
// status and output.
func runStation(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// newStation initialises a station with a head of station and the sample
// catalog, and opens n cases.
func newStation(t *testing.T, n int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "station")
	station(t, dir, 0, "init", "--code", "370112001", "--name", "示例镇便民服务中心", "--region", "370112",
		"--admin", "head", "--admin-name", "王站长", "--admin-password", "head-secret-1")
	station(t, dir, 0, "catalog", "import", "../../app/testdata/township-sample.json")
	for i := 0; i < n; i++ {
		station(t, dir, 0, "case", "open", "--item", "370112-RS-001-01-S", "--name", testName, "--id", testID,
			"--phone", testPhone, "--material", "M1=paper", "--material", "M2=paper", "--material", "M3=paper")
	}
	return dir
}

// TestStationCLIConventions: the conventions the station shares with the
// hall (internal/cli), on the real commands.
func TestStationCLIConventions(t *testing.T) {
	dir := newStation(t, 3)
	auth := []string{"--dir", dir, "--user", "head", "--password", "head-secret-1"}
	tests := []struct {
		name       string
		args       []string
		code       int
		out, errs  string
		list       bool
		total, got int // for JSON lists: the total (-1: any) and the rows wanted
	}{
		{name: "JSONBeforeCommand", args: []string{"--json", "case", "list"}, list: true, total: 3, got: 3},
		{name: "JSONAfterCommand", args: []string{"case", "list", "--json"}, list: true, total: 3, got: 3},
		{name: "GlobalsAfterCommand", args: []string{"case", "list", "--limit", "2", "--json"}, list: true, total: 3, got: 2},
		{name: "Offset", args: []string{"case", "list", "--offset", "2", "--json"}, list: true, total: 3, got: 1},
		{name: "LimitAtMax", args: []string{"case", "list", "--limit", "500", "--json"}, list: true, total: 3, got: 3},
		{name: "LimitOverMaxRefused", args: []string{"case", "list", "--limit", "501"}, code: 2, errs: "1 to 500"},
		{name: "LimitZeroRefused", args: []string{"case", "list", "--limit", "0"}, code: 2, errs: "out of range"},
		{name: "OffsetNegativeRefused", args: []string{"case", "list", "--offset", "-3"}, code: 2, errs: "out of range"},
		{name: "HumanTotal", args: []string{"case", "list", "--limit", "1"}, out: "1–1 of 3"},
		{name: "StaffList", args: []string{"staff", "list", "--json"}, list: true, total: 1, got: 1},
		{name: "AuditLogPaged", args: []string{"audit", "log", "--limit", "2", "--json"}, list: true, total: -1, got: 2},
		{name: "AuditLogOverMax", args: []string{"audit", "log", "--limit", "1001"}, code: 2, errs: "1 to 1000"},
		{name: "QueueList", args: []string{"queue", "list", "--json"}, list: true, total: 0, got: 0},
		{name: "ConflictList", args: []string{"conflict", "list", "--offset", "5", "--json"}, list: true, total: 0, got: 0},
		{name: "UnknownCommand", args: []string{"case", "frobnicate"}, code: 2, errs: "unknown command"},
		{name: "MissingArgument", args: []string{"case", "accept"}, code: 2, errs: "missing ID"},
		{name: "CommandHelp", args: []string{"case", "list", "--help"}, out: "--limit N"},
		{name: "Failure", args: []string{"case", "accept", "370112001-20990101-9999"}, code: 1, errs: "错误："},
		{name: "NotEnrolled", args: []string{"sync"}, code: 1, errs: "station enroll"},
		{name: "ValidateID", args: []string{"validate", "id", "11010519491231002x"}, out: "valid id: 11010519491231002X (born 1949-12-31"},
		{name: "ValidateRefused", args: []string{"validate", "phone", "12345"}, code: 1, errs: "错误："},
		{name: "ValidateUnknownKind", args: []string{"validate", "email", "a@b.c"}, code: 1, errs: "uscc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runStation(append(append([]string{}, auth...), tt.args...)...)
			if code != tt.code || !strings.Contains(out, tt.out) || !strings.Contains(errs, tt.errs) {
				t.Fatalf("exit %d, want %d\nstdout %q (want %q)\nstderr %q (want %q)", code, tt.code, out, tt.out, errs, tt.errs)
			}
			if tt.list {
				var l struct {
					Items []json.RawMessage `json:"items"`
					Total int               `json:"total"`
				}
				if err := json.Unmarshal([]byte(out), &l); err != nil || len(l.Items) != tt.got || tt.total >= 0 && l.Total != tt.total {
					t.Fatalf("list JSON %s: %v; want %d of %d", out, err, tt.got, tt.total)
				}
			}
		})
	}
}

// TestStationHelpListsEveryCommand: `station help` names every command
// registered, and says how to get machine-readable output.
func TestStationHelpListsEveryCommand(t *testing.T) {
	code, out, _ := runStation("help")
	if code != 0 {
		t.Fatalf("help: exit %d", code)
	}
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if !strings.Contains(out, "  "+n+" ") {
			t.Errorf("help lacks %q", n)
		}
	}
	if !strings.Contains(out, "--json") {
		t.Error("help does not mention --json")
	}
}

// hallFixture is a real hall served over HTTP, its blob uploads optionally
// failing as a broken proxy would fail them.
type hallFixture struct {
	svc      *hall.Service
	url      string
	failBlob bool
}

func startHall(t *testing.T) *hallFixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	store, err := hallsqlite.Open(ctx, filepath.Join(dir, "hall.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc, err := hall.New(ctx, store, hall.Config{Dir: filepath.Join(dir, "data")})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../../hall/testdata/township-sample.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.PublishCatalog(ctx, data); err != nil {
		t.Fatal(err)
	}
	h := &hallFixture{svc: svc}
	api := httpapi.New(svc, nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h.failBlob && strings.HasPrefix(r.URL.Path, "/v1/blobs/") {
			http.Error(w, `{"code":"internal","message":"blob store unavailable"}`, http.StatusServiceUnavailable)
			return
		}
		api.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	h.url = srv.URL
	return h
}

// TestStationSyncExitStatus: `station sync` exits 0 only when everything
// went through; an attachment upload that fails makes it exit 1 and say so,
// in English and Chinese, though the events are synced.
func TestStationSyncExitStatus(t *testing.T) {
	h := startHall(t)
	code, err := h.svc.AddStation(context.Background(), "370112001", "示例镇便民服务中心", "370112")
	if err != nil {
		t.Fatal(err)
	}
	dir := newStation(t, 1)
	station(t, dir, 0, "enroll", "--hall", h.url, "--code", code)
	scan := filepath.Join(t.TempDir(), "scan.jpg")
	os.WriteFile(scan, bytes.Repeat([]byte("scan"), 5000), 0o600)
	number := caseNumber(t, dir)
	station(t, dir, 0, "attach", number, scan, "--material", "M1")

	h.failBlob = true
	c, out, errs := runStation("--dir", dir, "sync")
	if c != 1 || !strings.Contains(out, "sent 2") || !strings.Contains(errs, "attachment upload failed") || !strings.Contains(errs, "附件上传失败") {
		t.Fatalf("sync with failing uploads: exit %d\nstdout %s\nstderr %s", c, out, errs)
	}
	var res struct {
		Blobs struct {
			Pending int    `json:"pending"`
			Err     string `json:"error"`
		} `json:"blobs"`
	}
	c, out, _ = runStation("--dir", dir, "sync", "--json")
	if c != 1 || json.Unmarshal([]byte(out), &res) != nil || res.Blobs.Pending != 1 || res.Blobs.Err == "" {
		t.Fatalf("sync --json with failing uploads: exit %d %s", c, out)
	}
	h.failBlob = false
	if c, out, errs := runStation("--dir", dir, "sync"); c != 0 || !strings.Contains(out, "1 uploaded") {
		t.Fatalf("sync once the uploads work: exit %d\n%s\n%s", c, out, errs)
	}
	// A move to an address where no hall answers fails, says so, and
	// leaves the address as it was.
	if c, _, errs := runStation("--dir", dir, "hall", "set-url", "http://127.0.0.1:1", "--code", moveCode(t, h, "http://127.0.0.1:1")); c != 1 ||
		!strings.Contains(errs, "address unchanged") {
		t.Fatalf("move to a dead address: exit %d %s", c, errs)
	}
	station(t, dir, 0, "sync")
}

func moveCode(t *testing.T, h *hallFixture, url string) string {
	t.Helper()
	code, _, err := h.svc.MoveCode(context.Background(), "370112001", url)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func caseNumber(t *testing.T, dir string) string {
	t.Helper()
	var l struct {
		Items []struct {
			Number string `json:"number"`
		} `json:"items"`
	}
	out := station(t, dir, 0, "--json", "case", "list")
	if err := json.Unmarshal([]byte(out), &l); err != nil || len(l.Items) == 0 {
		t.Fatalf("case list: %v %s", err, out)
	}
	return l.Items[0].Number
}

// TestInitAfterEnroll: enrolment sets the station's code, name and region;
// `station init` afterwards asks only for the first account.
func TestInitAfterEnroll(t *testing.T) {
	h := startHall(t)
	code, err := h.svc.AddStation(context.Background(), "370112002", "示例村便民服务站", "370112")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "station")
	station(t, dir, 0, "enroll", "--hall", h.url, "--code", code)
	out := station(t, dir, 0, "--json", "init", "--kind", "village", "--admin", "head", "--admin-name", "李站长", "--admin-password", "head-secret-1")
	var id struct{ Code, Name, Region, Kind string }
	if err := json.Unmarshal([]byte(out), &id); err != nil || id.Code != "370112002" || id.Name != "示例村便民服务站" || id.Region != "370112" || id.Kind != "village" {
		t.Fatalf("init after enroll: %v %s", err, out)
	}
	station(t, dir, 0, "staff", "list")
	if c, _, errs := runStation("--dir", dir, "init", "--code", "370112099"); c != 1 || !strings.Contains(errs, "370112002") {
		t.Fatalf("init with another code after enroll: exit %d %s", c, errs)
	}
}

// TestCaseDocument: the CLI prints a notice through the same entry point
// as the app (app.Station.PrintDocument): unmasked, logged with the purpose
// "print", its QR code unsigned before enrolment.
func TestCaseDocument(t *testing.T) {
	dir := newStation(t, 1)
	var list struct {
		Items []struct {
			Number string `json:"number"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(station(t, dir, 0, "--json", "case", "list")), &list); err != nil || len(list.Items) != 1 {
		t.Fatalf("case list: %v %+v", err, list)
	}
	number := list.Items[0].Number
	var d struct {
		Kind          string `json:"kind"`
		QR            string `json:"qr"`
		Signed        bool   `json:"signed"`
		QueryPassword string `json:"query_password"`
		ShortNumber   string `json:"short_number"`
		Case          struct {
			Applicant struct {
				Name string `json:"name"`
			} `json:"applicant"`
		} `json:"case"`
		Station struct {
			Code string `json:"code"`
		} `json:"station"`
	}
	if err := json.Unmarshal([]byte(station(t, dir, 0, "case", "document", number, "receipt", "--json")), &d); err != nil {
		t.Fatal(err)
	}
	if d.Kind != "receipt" || !strings.HasPrefix(d.QR, "YZ1|receipt|"+number+"|370112001|") || d.Signed || d.QueryPassword == "" ||
		!strings.HasSuffix(number, strings.SplitN(d.ShortNumber, "-", 2)[1]) || d.Case.Applicant.Name != testName || d.Station.Code != "370112001" {
		t.Fatalf("receipt: %+v", d)
	}
	if out := station(t, dir, 0, "case", "document", number, "accept"); !strings.Contains(out, "accept "+number) || strings.Contains(out, "query password") {
		t.Errorf("accept notice, human: %s", out)
	}
	var audit struct {
		Items []struct {
			Action  string `json:"action"`
			Purpose string `json:"purpose"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(station(t, dir, 0, "--json", "audit", "log", "--limit", "5")), &audit); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range audit.Items {
		found = found || a.Action == "case.unmask" && a.Purpose == "print accept"
	}
	if !found {
		t.Errorf("printing was not logged as an unmasked view: %+v", audit.Items)
	}
	if code, _, errs := runStation("--dir", dir, "--user", "head", "--password", "head-secret-1", "case", "document", number, "love-letter"); code != 1 || !strings.Contains(errs, "无法识别的文书类型") {
		t.Errorf("unknown kind: exit %d, %q", code, errs)
	}
}
