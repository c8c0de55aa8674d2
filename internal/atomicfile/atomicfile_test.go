package atomicfile_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"yizhan/internal/atomicfile"
)

// TestWrite: a new file and a replaced one hold exactly the data, with the
// mode asked for, and no temporary file is left beside them; a write into
// a missing folder fails and leaves nothing.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "reply.bundle")
	for _, data := range []string{"first", "second, longer than the first", ""} {
		if err := atomicfile.Write(path, []byte(data), 0o600); err != nil {
			t.Fatalf("write %q: %v", data, err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != data {
			t.Fatalf("read back %q, %v; want %q", got, err, data)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
			t.Fatalf("mode %v, want 0600", fi.Mode().Perm())
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("folder holds %d entries, want only the file: %v", len(entries), entries)
	}
	if err := atomicfile.Write(filepath.Join(dir, "missing", "f"), []byte("x"), 0o600); err == nil {
		t.Fatal("write into a missing folder succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("a failed write left %d entries", len(entries))
	}
}
