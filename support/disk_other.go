//go:build !linux && !windows

package support

// DiskFree is not measured on this system.
func DiskFree(path string) int64 { return -1 }
