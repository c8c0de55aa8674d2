package main

// These tests drive run, the whole command line, in-process: a main package
// cannot be imported by an external test package.

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"filippo.io/age"

	"yizhan/sync/protocol"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func hallCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

var enrolCode = regexp.MustCompile(`[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}`)

func TestCommands(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("YIZHAN_HALL_DIR", dir)
	t.Setenv("YIZHAN_HALL_DB", "")
	code, out, errs := hallCLI(t, "station", "add", "A01", "示例村", "--region", "370112")
	if code != 0 || !enrolCode.MatchString(out) {
		t.Fatalf("station add: %d %q %q", code, out, errs)
	}
	code, out, _ = hallCLI(t, "station", "list", "--json")
	var page struct {
		Items []map[string]any `json:"items"`
		Total int              `json:"total"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &page) != nil || len(page.Items) != 1 || page.Total != 1 || page.Items[0]["status"] != "announced" {
		t.Errorf("station list: %d %s", code, out)
	}
	if code, _, errs := hallCLI(t, "catalog", "publish", filepath.Join("..", "..", "hall", "testdata", "township-sample.json")); code != 0 {
		t.Errorf("catalog publish: %d %s", code, errs)
	}
	cal := filepath.Join(dir, "2027.json")
	os.WriteFile(cal, []byte(`{"year":2027,"holidays":["2027-01-01"],"workdays":[],"source":"test"}`), 0o600)
	if code, out, errs := hallCLI(t, "calendar", "publish", cal); code != 0 || !strings.Contains(out, "2027") {
		t.Errorf("calendar publish: %d %s %s", code, out, errs)
	}
	if code, out, _ := hallCLI(t, "case", "list", "--json"); code != 0 || !strings.Contains(out, `"items": []`) || !strings.Contains(out, `"total": 0`) {
		t.Errorf("case list: %d %q", code, out)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"UnknownCase", []string{"case", "approve", "01900000-0000-7000-8000-000000000001"}, 1, "找不到办件"},
		{"RefuseWithoutReason", []string{"case", "refuse", "01900000-0000-7000-8000-000000000001"}, 1, "理由"},
		{"UnknownNumber", []string{"case", "approve", "A01-20260101-0001-0"}, 1, "没有办件编号为 A01-20260101-0001-0"},
		{"BadState", []string{"case", "list", "--state", "bogus"}, 1, "状态"},
		{"UnknownCommand", []string{"frobnicate"}, 2, "unknown command"},
		{"MissingArgs", []string{"station", "add", "A02"}, 2, "missing CODE NAME"},
		{"BadFlag", []string{"case", "list", "--nope"}, 2, "nope"},
		{"Duplicate", []string{"station", "add", "A01", "again"}, 1, "已存在"},
		{"MissingFile", []string{"catalog", "publish", filepath.Join(dir, "none.json")}, 1, "none.json"},
		{"PostgresDown", []string{"station", "list", "--db", "postgres://127.0.0.1:1/none?connect_timeout=2"}, 1, "PostgreSQL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := hallCLI(t, tt.args...)
			if code != tt.code || !strings.Contains(errs, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errs, tt.code, tt.want)
			}
		})
	}
	t.Setenv("YIZHAN_HALL_DIR", "")
	if code, _, errs := hallCLI(t, "station", "list"); code != 2 || !strings.Contains(errs, "--dir") {
		t.Errorf("no data dir: %d %q", code, errs)
	}
}

// TestServe runs the server on port 0, enrols over HTTP, uses the CLI while
// the server runs, and shuts down on cancel.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("YIZHAN_HALL_DIR", dir)
	_, out, _ := hallCLI(t, "station", "add", "A01", "示例村")
	enrol := enrolCode.FindString(out)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &lockedBuffer{}
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve", "--listen", "127.0.0.1:0"}, &bytes.Buffer{}, logs) }()
	addr := waitForAddr(t, logs)

	pub, _, _ := ed25519.GenerateKey(nil)
	id, _ := age.GenerateX25519Identity()
	body, _ := json.Marshal(protocol.EnrollRequest{V: 1, Code: enrol, SignKey: base64.StdEncoding.EncodeToString(pub), AgeKey: id.Recipient().String()})
	resp, err := http.Post("http://"+addr+protocol.PathEnroll, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("enroll: %d", resp.StatusCode)
	}
	if code, out, errs := hallCLI(t, "station", "list"); code != 0 || !strings.Contains(out, "enrolled") {
		t.Errorf("CLI while serving: %d %s %s", code, out, errs)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d: %s", code, logs.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not shut down")
	}
}

func waitForAddr(t *testing.T, logs *lockedBuffer) string {
	t.Helper()
	re := regexp.MustCompile(`"addr":"(127\.0\.0\.1:\d+)"`)
	for i := 0; i < 300; i++ {
		if m := re.FindStringSubmatch(logs.String()); m != nil {
			return m[1]
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("server did not start: %s", logs.String())
	return ""
}
