package logfile_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"yizhan/internal/logfile"
)

// TestPersonalDataNeverReachesALog: an ID number or a mobile number in a
// message attribute or an error is masked in the file, on stderr-like
// writers and through a tee alike; other values pass unchanged.
func TestPersonalDataNeverReachesALog(t *testing.T) {
	dir := t.TempDir()
	var extra, other bytes.Buffer
	l, err := logfile.Open(dir, "station", &extra)
	if err != nil {
		t.Fatal(err)
	}
	if l.Path != filepath.Join(logfile.Dir(dir), "station.log") {
		t.Fatalf("log at %s", l.Path)
	}
	log := logfile.Tee(l.Logger, logfile.NewLogger(&other))
	log.Info("opened", "phone", "13812345678", "case", "370112001-20260302-0001", "n", 3,
		"err", errors.New("bad applicant 11010519491231002X"))
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(l.Path)
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"file": string(file), "extra": extra.String(), "tee": other.String()} {
		if strings.Contains(out, "13812345678") || strings.Contains(out, "11010519491231002X") {
			t.Errorf("%s holds personal data: %s", name, out)
		}
		if !strings.Contains(out, `"n":3`) || !strings.Contains(out, "370112001-20260302-0001") || !strings.Contains(out, "[redacted]") {
			t.Errorf("%s lost what is not personal: %s", name, out)
		}
	}
}
