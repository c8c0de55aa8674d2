package disk_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"yizhan/internal/disk"
)

// TestSizes: a folder's regular files are counted with their sizes, in
// subfolders too; a missing path measures nothing rather than failing.
func TestSizes(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "blobs", "ab"), 0o700); err != nil {
		t.Fatal(err)
	}
	for name, n := range map[string]int{"hall.db": 1000, "blobs/ab/x": 300, "blobs/y": 20} {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), make([]byte, n), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if size, files := disk.DirSize(dir); size != 1320 || files != 3 {
		t.Fatalf("DirSize = %d bytes in %d files, want 1320 in 3", size, files)
	}
	if size, files := disk.DirSize(filepath.Join(dir, "missing")); size != 0 || files != 0 {
		t.Fatalf("DirSize of a missing folder = %d, %d", size, files)
	}
	if got := disk.FileSize(filepath.Join(dir, "hall.db")); got != 1000 {
		t.Fatalf("FileSize = %d, want 1000", got)
	}
	if got := disk.FileSize(filepath.Join(dir, "missing")); got != -1 {
		t.Fatalf("FileSize of a missing file = %d, want -1", got)
	}
	if runtime.GOOS == "linux" || runtime.GOOS == "windows" {
		if free := disk.Free(dir); free <= 0 {
			t.Fatalf("Free = %d on a writable folder", free)
		}
		if free := disk.Free(filepath.Join(dir, "missing")); free != -1 {
			t.Fatalf("Free of a missing folder = %d, want -1", free)
		}
	}
}
