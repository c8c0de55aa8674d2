// Package disk measures what a data directory takes and what is left on
// its disk, for the diagnostics commands and the operators reading them.
package disk

import (
	"os"
	"path/filepath"
)

// DirSize returns the total size and count of regular files under dir.
func DirSize(dir string) (size int64, files int) {
	_ = filepath.WalkDir(dir, func(_ string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return nil
		}
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() {
			size += info.Size()
			files++
		}
		return nil
	}) // the walk skips what it cannot read: a size is an estimate for an operator
	return size, files
}

// FileSize returns the size of path, or -1.
func FileSize(path string) int64 {
	info, err := os.Stat(path)
	if err != nil {
		return -1
	}
	return info.Size()
}
