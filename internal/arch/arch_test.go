package arch_test

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"yizhan/internal/arch"
)

var update = flag.Bool("update", false, "rewrite the generated section of docs/architecture.md")

func load(t *testing.T) *arch.Module {
	t.Helper()
	m, err := arch.Load(".")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestBinariesLinkOnlyTheirSide is style rule 10 as the issue states it:
// the hall binary builds without a line of station code, and the station's
// two binaries (the desktop app and the CLI) without the hall's.
func TestBinariesLinkOnlyTheirSide(t *testing.T) {
	m := load(t)
	for _, c := range []struct {
		pattern string
		side    arch.Side
	}{
		{"./cmd/hall", arch.Hall},
		{"./cmd/station", arch.Station},
		{".", arch.Station},
	} {
		t.Run(c.pattern, func(t *testing.T) {
			deps, err := m.Deps(c.pattern)
			if err != nil {
				t.Fatal(err)
			}
			if len(deps) == 0 {
				t.Fatalf("go list -deps %s lists none of the module's packages", c.pattern)
			}
			for _, p := range deps {
				if p.Side != arch.Shared && p.Side != c.side {
					t.Errorf("%s links %s, a %s package", c.pattern, p.ImportPath, p.Side)
				}
			}
		})
	}
}

// TestDependencyRule: no package imports across the sides (Violations
// says what the rule allows).
func TestDependencyRule(t *testing.T) {
	for _, v := range load(t).Violations() {
		t.Error(v)
	}
}

// TestEveryPackageSaysWhatItHolds: each package with code has a package
// comment; the picture's tables quote its first sentence.
func TestEveryPackageSaysWhatItHolds(t *testing.T) {
	for _, p := range load(t).Packages {
		if len(p.GoFiles) > 0 && strings.TrimSpace(p.Doc) == "" {
			t.Errorf("%s has no package comment", p.ImportPath)
		}
	}
}

// TestPicture: the package picture in docs/architecture.md is the one the
// code draws today. make arch-doc (-update) rewrites it.
func TestPicture(t *testing.T) {
	m := load(t)
	want, err := m.Picture()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(m.Root, "docs", "architecture.md")
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	begin, end := strings.Index(text, arch.BeginMarker), strings.Index(text, arch.EndMarker)
	if begin < 0 || end < begin {
		t.Fatalf("%s: no generated section between %q and %q", path, arch.BeginMarker, arch.EndMarker)
	}
	got := text[begin : end+len(arch.EndMarker)]
	if got == want {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(text[:begin]+want+text[end+len(arch.EndMarker):]), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote the package picture in %s", path)
		return
	}
	t.Errorf("the package picture in docs/architecture.md differs from the code: run make arch-doc and commit it\n%s", firstDiff(got, want))
}

// firstDiff shows the first line where the committed and the drawn
// picture part.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + strconv.Itoa(i+1) + " of the section:\n  committed: " + gl + "\n  code:      " + wl
		}
	}
	return ""
}

// TestRowsErrChecked: every loop over query rows asks rows.Err() after it
// (the reason make lint may leave rows.Close unchecked).
func TestRowsErrChecked(t *testing.T) {
	got, err := load(t).UncheckedRows()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range got {
		if pendingStoreMove(f) {
			continue
		}
		t.Errorf("%s: loops over rows without checking rows.Err()", f)
	}
}

// pendingStoreMove names loops in code that the station's store move (issue
// 15, the station's side) is rewriting as this check lands; they are fixed
// where the move puts them. Remove an entry once it no longer matches.
func pendingStoreMove(finding string) bool {
	for _, p := range []string{
		"app/kiosk.go:", "app/syncstore.go:", "app/sqlite/diagnostics.go:", "app/sqlite/internal/mkfixture/main.go:",
	} {
		if strings.HasPrefix(finding, p) {
			return true
		}
	}
	return false
}

// TestCommentsCiteFilesThatExist: a comment that sends the reader to a
// file (docs/sync.md, hall/push.go) names one that exists.
func TestCommentsCiteFilesThatExist(t *testing.T) {
	got, err := load(t).MissingCitations()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range got {
		t.Errorf("%s: no such file", f)
	}
}
