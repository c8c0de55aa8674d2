package support

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestScrub(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"id 11010519491231002X ok", "id [redacted] ok"},
		{"身份证11010519491231002x。", "身份证[redacted]。"},
		{"tel 13812345678,13900001111", "tel [redacted],[redacted]"},
		{"+86 138 1234 5678", "+[redacted]"[0:0] + "[redacted]"},
		{"old 110105491231002", "old [redacted]"},
		{"uuid 0192f3a4-5b6c-7d8e-9f00-112233445566", "uuid 0192f3a4-5b6c-7d8e-9f00-112233445566"},
		{"seq 123456789012345678901", "seq 123456789012345678901"},
		{"at 2026-03-02T09:00:00.123456789Z", "at 2026-03-02T09:00:00.123456789Z"},
		{"case 370112001-20260302-0001", "case 370112001-20260302-0001"},
		{"sha a11010519491231002Xb", "sha a11010519491231002Xb"},
	} {
		if got := Scrub(tt.in); got != tt.want {
			t.Errorf("Scrub(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestScrubber(t *testing.T) {
	sc := NewScrubber([]string{"张三", "张三丰", "李", " "})
	if got := sc.String("张三丰和张三，李四 13812345678"); got != "[redacted]和[redacted]，李四 [redacted]" {
		t.Fatalf("got %q", got)
	}
}

func TestLogAndDiagnostics(t *testing.T) {
	dir := t.TempDir()
	l, err := OpenLog(dir, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	l.Logger.Info("opened", "phone", "13812345678", "msg2", "id 11010519491231002X", "n", 3)
	l.Logger.Warn("failed", "err", os.ErrNotExist)
	l.Close()
	b, err := os.ReadFile(filepath.Join(dir, "logs", "test.log"))
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); strings.Contains(s, "13812345678") || strings.Contains(s, "11010519491231002X") || !strings.Contains(s, `"n":3`) {
		t.Fatalf("log: %s", s)
	}
	zpath := filepath.Join(dir, "out", "d.zip")
	d, err := NewDiagnostics(zpath, NewScrubber([]string{"张三"}))
	if err != nil {
		t.Fatal(err)
	}
	d.JSON("a.json", map[string]string{"who": "张三", "tel": "13812345678"})
	d.Logs(LogDir(dir))
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(zpath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		if bytes.Contains(data, []byte("张三")) || bytes.Contains(data, []byte("13812345678")) {
			t.Errorf("%s holds personal data: %s", f.Name, data)
		}
	}
	if strings.Join(names, ",") != "a.json,logs/test.log" {
		t.Fatalf("got entries %v", names)
	}
}
