// Package diagnostics writes the support zip of the station's and the
// hall's "diagnostics" commands: logs, versions and check results, every
// entry scrubbed, never a database, a key or a scan.
package diagnostics

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"yizhan/internal/scrub"
)

// MaxLogBytes bounds how much log history a diagnostics zip carries
// (uncompressed, newest first): enough for weeks, small enough for e-mail.
const MaxLogBytes = 16 << 20

// Zip writes a support zip. Every entry passes through the scrubber: the
// zip never holds a database, a key, an attachment or a person's name, ID
// number or phone number.
type Zip struct {
	path string
	tmp  *os.File
	zw   *zip.Writer
	sc   *scrub.Scrubber
	now  time.Time
	// Entries lists the names written so far (for the command's summary).
	Entries []string
}

// New starts a zip at path (written to path+".tmp" and renamed by Close, so
// a half-written zip never carries the real name).
func New(path string, sc *scrub.Scrubber) (*Zip, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	f, err := os.Create(path + ".tmp")
	if err != nil {
		return nil, err
	}
	return &Zip{path: path, tmp: f, zw: zip.NewWriter(f), sc: sc, now: time.Now()}, nil
}

func (d *Zip) create(name string) (io.Writer, error) {
	d.Entries = append(d.Entries, name)
	return d.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: d.now})
}

// Text adds a text file, scrubbed.
func (d *Zip) Text(name, content string) error {
	w, err := d.create(name)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, d.sc.String(content))
	return err
}

// JSON adds v as indented JSON, scrubbed.
func (d *Zip) JSON(name string, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	return d.Text(name, buf.String())
}

// Logs adds the log files of logDir (current and rotated, gzip ones
// unpacked), newest first, up to MaxLogBytes in all, scrubbed line by line
// on the way in. A missing directory adds nothing.
func (d *Zip) Logs(logDir string) error {
	ents, err := os.ReadDir(logDir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	type lf struct {
		name string
		mod  time.Time
	}
	var files []lf
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || !(strings.HasSuffix(n, ".log") || strings.HasSuffix(n, ".log.gz")) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		files = append(files, lf{n, info.ModTime()})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].mod.After(files[j].mod) })
	budget := int64(MaxLogBytes)
	for _, f := range files {
		if budget <= 0 {
			break
		}
		data, err := readLog(filepath.Join(logDir, f.name), budget)
		if err != nil {
			if err := d.Text("logs/"+f.name+".error.txt", err.Error()); err != nil {
				return err
			}
			continue
		}
		budget -= int64(len(data))
		if err := d.Text("logs/"+strings.TrimSuffix(f.name, ".gz"), string(data)); err != nil {
			return err
		}
	}
	return nil
}

// readLog reads a (possibly gzipped) log file, keeping its last max bytes.
func readLog(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }() // read only: nothing to lose
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return nil, err
		}
		defer gz.Close()
		r = gz
	}
	data, err := io.ReadAll(io.LimitReader(r, 256<<20))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		data = data[int64(len(data))-max:]
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			data = data[i+1:]
		}
	}
	return data, nil
}

// Close finishes the zip and moves it into place.
func (d *Zip) Close() error {
	if err := d.zw.Close(); err != nil {
		_ = d.tmp.Close()           // the zip error is returned
		_ = os.Remove(d.tmp.Name()) // the zip error is returned
		return err
	}
	if err := d.tmp.Sync(); err != nil {
		_ = d.tmp.Close() // the sync error is returned
		return err
	}
	if err := d.tmp.Close(); err != nil {
		return err
	}
	return os.Rename(d.tmp.Name(), d.path)
}

// Abort discards the zip.
func (d *Zip) Abort() {
	_ = d.zw.Close()            // discarding the zip
	_ = d.tmp.Close()           // discarding the zip
	_ = os.Remove(d.tmp.Name()) // discarding the zip
}

// Versions is the build and system part of every diagnostics zip.
type Versions struct {
	Program   string `json:"program"`
	Version   string `json:"version"`
	Go        string `json:"go"`
	OS        string `json:"os"`
	Arch      string `json:"arch"`
	OSRelease string `json:"os_release,omitempty"`
	Kernel    string `json:"kernel,omitempty"`
	VCS       string `json:"vcs_revision,omitempty"`
	Time      string `json:"collected_at"`
}

// SystemVersions fills Versions for the running program.
func SystemVersions(program, version string) Versions {
	v := Versions{Program: program, Version: version, Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH,
		Time: time.Now().Format(time.RFC3339)}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				v.VCS = s.Value
			}
		}
	}
	v.OSRelease = osRelease()
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		v.Kernel = strings.TrimSpace(string(b))
	}
	return v
}

// osRelease is PRETTY_NAME from /etc/os-release (Linux), or "" elsewhere.
func osRelease() string {
	b, err := os.ReadFile("/etc/os-release")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "PRETTY_NAME="); ok {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}

// Readme is the README.txt of a diagnostics zip.
func Readme(program string) string {
	return fmt.Sprintf(`%s diagnostics / 诊断信息

This zip was written for Yizhan support. It holds logs, versions, sync and
database check results and counts only: no database, no keys, no scans, and
ID numbers, mobile numbers and the names held in the database are replaced
by %s.

本压缩包供驿站技术支持使用，只包含日志、版本、同步状态、数据库检查结果和数量统计，
不包含数据库、密钥或扫描件；身份证号、手机号和姓名均已替换为 %s。
`, program, scrub.Redacted, scrub.Redacted)
}
