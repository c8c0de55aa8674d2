//go:build windows

package disk

import "golang.org/x/sys/windows"

// Free returns the bytes free to the current user on the volume holding
// path, or -1 when it cannot tell.
func Free(path string) int64 {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return -1
	}
	var free, total, totalFree uint64
	if err := windows.GetDiskFreeSpaceEx(p, &free, &total, &totalFree); err != nil {
		return -1
	}
	return int64(free)
}
