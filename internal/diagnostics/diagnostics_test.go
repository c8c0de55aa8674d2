package diagnostics_test

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"yizhan/internal/diagnostics"
	"yizhan/internal/logfile"
	"yizhan/internal/scrub"
)

func TestLogAndDiagnostics(t *testing.T) {
	dir := t.TempDir()
	l, err := logfile.Open(dir, "test", nil)
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
	d, err := diagnostics.New(zpath, scrub.New([]string{"张三"}))
	if err != nil {
		t.Fatal(err)
	}
	d.JSON("a.json", map[string]string{"who": "张三", "tel": "13812345678"})
	d.Logs(logfile.Dir(dir))
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
