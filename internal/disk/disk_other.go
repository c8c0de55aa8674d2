//go:build !linux && !windows

package disk

// Free is not measured on this system.
func Free(path string) int64 { return -1 }
