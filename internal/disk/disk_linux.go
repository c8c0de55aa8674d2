//go:build linux

package disk

import "syscall"

// Free returns the bytes free to an unprivileged user on the file
// system holding path, or -1 when it cannot tell.
func Free(path string) int64 {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return -1
	}
	return int64(st.Bavail) * int64(st.Bsize)
}
