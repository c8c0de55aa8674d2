// Package distcheck checks the release artifacts scripts/package.sh leaves in
// dist/: the Windows executables' PE headers and resources, the installer,
// the .deb packages' metadata and the hall binary. Its tests skip unless
// YIZHAN_DIST names the directory (make package-check sets it).
package distcheck

import (
	"debug/pe"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
)

// Resource types (winuser.h).
const (
	RTIcon      = 3
	RTGroupIcon = 14
	RTVersion   = 16
	RTManifest  = 24
)

// PEInfo is what the checks need from a Windows executable.
type PEInfo struct {
	Machine   uint16 // 0x8664 amd64, 0x14c i386
	Subsystem uint16 // 2 GUI, 3 console
	Resources map[uint32]int
	Version   map[string]string // StringFileInfo values (ProductVersion, ...)
	FileVer   [4]uint16         // VS_FIXEDFILEINFO file version
}

// ReadPE parses the headers and the resource directory of the PE file.
func ReadPE(path string) (*PEInfo, error) {
	f, err := pe.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }() // read only: nothing to lose
	info := &PEInfo{Machine: f.FileHeader.Machine, Resources: map[uint32]int{}}
	switch oh := f.OptionalHeader.(type) {
	case *pe.OptionalHeader64:
		info.Subsystem = oh.Subsystem
	case *pe.OptionalHeader32:
		info.Subsystem = oh.Subsystem
	default:
		return nil, errors.New("no optional header")
	}
	sec := f.Section(".rsrc")
	if sec == nil {
		return info, nil
	}
	data, err := sec.Data()
	if err != nil {
		return nil, fmt.Errorf(".rsrc: %w", err)
	}
	r := rsrc{buf: data, va: sec.VirtualAddress}
	types, err := r.dir(0)
	if err != nil {
		return nil, err
	}
	for _, t := range types {
		leaves, err := r.leaves(t.offset)
		if err != nil {
			return nil, err
		}
		info.Resources[t.id] = len(leaves)
		if t.id == RTVersion && len(leaves) > 0 {
			blob, err := r.data(leaves[0])
			if err != nil {
				return nil, err
			}
			info.Version, info.FileVer = parseVersion(blob)
		}
	}
	return info, nil
}

type rsrc struct {
	buf []byte
	va  uint32
}

type entry struct {
	id     uint32 // ID, or 0 for a named entry
	offset uint32 // high bit set: a subdirectory
}

// dir reads the IMAGE_RESOURCE_DIRECTORY at off.
func (r rsrc) dir(off uint32) ([]entry, error) {
	if int(off)+16 > len(r.buf) {
		return nil, errors.New(".rsrc: directory out of range")
	}
	named := binary.LittleEndian.Uint16(r.buf[off+12:])
	ids := binary.LittleEndian.Uint16(r.buf[off+14:])
	var out []entry
	for i := 0; i < int(named)+int(ids); i++ {
		p := int(off) + 16 + 8*i
		if p+8 > len(r.buf) {
			return nil, errors.New(".rsrc: entry out of range")
		}
		name := binary.LittleEndian.Uint32(r.buf[p:])
		e := entry{offset: binary.LittleEndian.Uint32(r.buf[p+4:])}
		if name&0x80000000 == 0 {
			e.id = name
		}
		out = append(out, e)
	}
	return out, nil
}

// leaves returns the data-entry offsets under a directory entry.
func (r rsrc) leaves(off uint32) ([]uint32, error) {
	if off&0x80000000 == 0 {
		return []uint32{off}, nil
	}
	es, err := r.dir(off &^ 0x80000000)
	if err != nil {
		return nil, err
	}
	var out []uint32
	for _, e := range es {
		l, err := r.leaves(e.offset)
		if err != nil {
			return nil, err
		}
		out = append(out, l...)
	}
	return out, nil
}

// data returns the bytes of the IMAGE_RESOURCE_DATA_ENTRY at off.
func (r rsrc) data(off uint32) ([]byte, error) {
	if int(off)+16 > len(r.buf) {
		return nil, errors.New(".rsrc: data entry out of range")
	}
	rva := binary.LittleEndian.Uint32(r.buf[off:])
	size := binary.LittleEndian.Uint32(r.buf[off+4:])
	start := int64(rva) - int64(r.va)
	if start < 0 || start+int64(size) > int64(len(r.buf)) {
		return nil, errors.New(".rsrc: data outside the section")
	}
	return r.buf[start : start+int64(size)], nil
}

// parseVersion reads VS_VERSIONINFO: the fixed file version and the
// StringFileInfo key/value pairs.
func parseVersion(b []byte) (map[string]string, [4]uint16) {
	vals := map[string]string{}
	var fv [4]uint16
	for i := 0; i+52 <= len(b); i += 4 {
		if binary.LittleEndian.Uint32(b[i:]) == 0xFEEF04BD {
			ms, ls := binary.LittleEndian.Uint32(b[i+8:]), binary.LittleEndian.Uint32(b[i+12:])
			fv = [4]uint16{uint16(ms >> 16), uint16(ms), uint16(ls >> 16), uint16(ls)}
			break
		}
	}
	walkStrings(b, vals)
	return vals, fv
}

// walkStrings walks the version block tree: every node is
// wLength, wValueLength, wType, szKey (UTF-16, NUL, padded to 4), value,
// children. String nodes (wType 1) under StringTable become vals.
func walkStrings(b []byte, vals map[string]string) {
	var walk func(b []byte, depth int)
	walk = func(b []byte, depth int) {
		for len(b) >= 6 {
			n := int(binary.LittleEndian.Uint16(b))
			if n < 6 || n > len(b) {
				return
			}
			node := b[:n]
			vlen := int(binary.LittleEndian.Uint16(node[2:]))
			typ := binary.LittleEndian.Uint16(node[4:])
			key, p := utf16z(node, 6)
			p = align4(p)
			if depth == 3 && typ == 1 && p <= len(node) {
				end := min(p+2*vlen, len(node))
				v, _ := utf16z(node[:end], p)
				vals[key] = v
			} else {
				valBytes := vlen
				if typ == 1 {
					valBytes = 2 * vlen
				}
				c := align4(p + valBytes)
				if c < len(node) && depth < 3 {
					walk(node[c:], depth+1)
				}
			}
			b = b[min(align4(n), len(b)):]
		}
	}
	walk(b, 0)
}

func utf16z(b []byte, p int) (string, int) {
	var u []uint16
	for p+1 < len(b) {
		c := binary.LittleEndian.Uint16(b[p:])
		p += 2
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return strings.TrimSpace(string(utf16.Decode(u))), p
}

func align4(n int) int { return (n + 3) &^ 3 }
