package distcheck

import (
	"bytes"
	"debug/elf"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// dist returns the artifacts directory, or skips: these tests check what
// `make package` built (make package-check runs them).
func dist(t *testing.T) string {
	t.Helper()
	d := os.Getenv("YIZHAN_DIST")
	if d == "" {
		t.Skip("YIZHAN_DIST not set: run make package-check")
	}
	return d
}

// version is the version the artifacts under test carry ("*" when
// YIZHAN_VERSION is unset), and deb the same in Debian's spelling
// (scripts/package.sh: "-dev" becomes "~dev", other dashes "+").
func version() string {
	if v := os.Getenv("YIZHAN_VERSION"); v != "" {
		return v
	}
	return "*"
}

func debVersion() string {
	v := version()
	return strings.ReplaceAll(strings.Replace(v, "-dev", "~dev", 1), "-", "+")
}

// one returns the single file matching pattern in dir; "@" in pattern
// stands for the version.
func one(t *testing.T, dir, pattern string, not ...string) string {
	t.Helper()
	pattern = strings.ReplaceAll(pattern, "@", version())
	ms, _ := filepath.Glob(filepath.Join(dir, pattern))
	var out []string
outer:
	for _, m := range ms {
		for _, n := range not {
			if strings.Contains(filepath.Base(m), n) {
				continue outer
			}
		}
		out = append(out, m)
	}
	if len(out) != 1 {
		t.Fatalf("want one %s in %s, found %v", pattern, dir, out)
	}
	return out[0]
}

// productVersion is wails.json's info.productVersion: the Windows resource.
func productVersion(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../wails.json")
	if err != nil {
		t.Fatal(err)
	}
	var w struct {
		Info struct {
			ProductVersion string `json:"productVersion"`
		} `json:"info"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		t.Fatal(err)
	}
	return w.Info.ProductVersion
}

// embedsVersion checks that -X yizhan/desktop.Version reached the binary.
func embedsVersion(t *testing.T, path string) {
	t.Helper()
	v := os.Getenv("YIZHAN_VERSION")
	if v == "" {
		return
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(v)) {
		t.Errorf("%s does not embed version %q", filepath.Base(path), v)
	}
}

func TestWindowsApp(t *testing.T) {
	d := dist(t)
	path := one(t, d, "yizhan-@-windows-amd64.exe", "setup")
	info, err := ReadPE(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Machine != 0x8664 {
		t.Errorf("machine %#x, want amd64 (0x8664)", info.Machine)
	}
	if info.Subsystem != 2 {
		t.Errorf("subsystem %d, want 2 (Windows GUI: no console window behind the app)", info.Subsystem)
	}
	for typ, name := range map[uint32]string{RTIcon: "RT_ICON", RTGroupIcon: "RT_GROUP_ICON", RTVersion: "RT_VERSION", RTManifest: "RT_MANIFEST"} {
		if info.Resources[typ] == 0 {
			t.Errorf("no %s resource (have %v)", name, info.Resources)
		}
	}
	pv := productVersion(t)
	if info.Version["ProductVersion"] != pv || !strings.Contains(info.Version["ProductName"], "Yizhan") {
		t.Errorf("version resource %v, want ProductVersion %s", info.Version, pv)
	}
	if got := info.FileVer; got[0] == 0 && got[1] == 0 && got[2] == 0 {
		t.Errorf("fixed file version %v is empty", got)
	}
	embedsVersion(t, path)
}

func TestWindowsStationCLI(t *testing.T) {
	d := dist(t)
	path := one(t, d, "station-@-windows-amd64.exe")
	info, err := ReadPE(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Machine != 0x8664 || info.Subsystem != 3 {
		t.Errorf("machine %#x subsystem %d, want amd64 console", info.Machine, info.Subsystem)
	}
	embedsVersion(t, path)
}

func TestWindowsInstaller(t *testing.T) {
	d := dist(t)
	path := one(t, d, "yizhan-@-windows-amd64-setup.exe")
	info, err := ReadPE(path)
	if err != nil {
		t.Fatalf("installer is not a PE file: %v", err)
	}
	if info.Subsystem != 2 || info.Resources[RTIcon] == 0 || info.Resources[RTVersion] == 0 {
		t.Errorf("installer: subsystem %d resources %v", info.Subsystem, info.Resources)
	}
	if info.Version["ProductVersion"] != productVersion(t) {
		t.Errorf("installer version %v", info.Version)
	}
	b, _ := os.ReadFile(path)
	app, _ := os.Stat(one(t, d, "yizhan-@-windows-amd64.exe", "setup"))
	if !bytes.Contains(b, []byte("Nullsoft")) || int64(len(b)) < app.Size()/4 {
		t.Errorf("installer (%d bytes) does not look like an NSIS installer carrying the app (%d bytes)", len(b), app.Size())
	}
}

func debField(t *testing.T, deb, field string) string {
	t.Helper()
	out, err := exec.Command("dpkg-deb", "--field", deb, field).Output()
	if err != nil {
		t.Fatalf("dpkg-deb --field %s: %v", field, err)
	}
	return strings.TrimSpace(string(out))
}

func TestDebs(t *testing.T) {
	d := dist(t)
	if _, err := exec.LookPath("dpkg-deb"); err != nil {
		t.Skip("dpkg-deb not installed")
	}
	debs, _ := filepath.Glob(filepath.Join(d, "yizhan_"+debVersion()+"_amd64.deb"))
	more, _ := filepath.Glob(filepath.Join(d, "yizhan_"+debVersion()+"+webkit41_amd64.deb"))
	debs = append(debs, more...)
	if len(debs) == 0 {
		t.Fatal("no .deb in dist")
	}
	for _, deb := range debs {
		t.Run(filepath.Base(deb), func(t *testing.T) {
			webkit := "libwebkit2gtk-4.0-37"
			if strings.Contains(deb, "webkit41") {
				webkit = "libwebkit2gtk-4.1-0"
			}
			if p := debField(t, deb, "Package"); p != "yizhan" {
				t.Errorf("Package %q", p)
			}
			dep := debField(t, deb, "Depends")
			for _, want := range []string{"libgtk-3-0", webkit, "libc6"} {
				if !strings.Contains(dep, want) {
					t.Errorf("Depends %q lacks %s", dep, want)
				}
			}
			out, err := exec.Command("dpkg-deb", "--contents", deb).Output()
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"./usr/bin/yizhan", "./usr/bin/yizhan-station", "./usr/share/applications/yizhan.desktop",
				"./usr/share/icons/hicolor/48x48/apps/yizhan.png", "./usr/share/icons/hicolor/128x128/apps/yizhan.png",
				"./usr/share/icons/hicolor/256x256/apps/yizhan.png", "./usr/share/icons/hicolor/512x512/apps/yizhan.png"} {
				if !strings.Contains(string(out), want+"\n") {
					t.Errorf("the .deb lacks %s", want)
				}
			}
			if !strings.Contains(string(out), "root/root") || strings.Contains(string(out), "./DEBIAN") {
				t.Errorf("unexpected ownership or layout:\n%s", out)
			}
		})
	}
}

func TestHallBinary(t *testing.T) {
	d := dist(t)
	path := one(t, d, "yizhan-hall-@-linux-amd64")
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Machine != elf.EM_X86_64 {
		t.Errorf("machine %v", f.Machine)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("the hall binary is dynamically linked: it would need the build machine's glibc")
		}
	}
	out, err := exec.Command(path, "version").Output()
	if err != nil || !strings.HasPrefix(string(out), "yizhan hall ") {
		t.Fatalf("version: %q %v", out, err)
	}
	if v := os.Getenv("YIZHAN_VERSION"); v != "" && !strings.Contains(string(out), v) {
		t.Errorf("version %q, want %s", out, v)
	}
}
