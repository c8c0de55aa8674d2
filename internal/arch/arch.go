// Package arch is the module's dependency rule, as code: which side each
// package belongs to (shared, station, hall, or a tool that may link
// both), the check that each side links only itself and what both share
// (style rule 10), and the package picture of docs/architecture.md, drawn
// from `go list` so that it cannot drift from the code.
package arch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sort"
	"strings"
)

// Side is the part of the system a package belongs to.
type Side string

// The sides. Shared packages are linked by both binaries and import only
// shared packages; station and hall packages import their own side and the
// shared one; tools (benchmarks, proofs, test harnesses) may link both.
const (
	Shared  Side = "shared"
	Station Side = "station"
	Hall    Side = "hall"
	Tool    Side = "tool"
)

// Sides lists the sides in the order the picture shows them.
var Sides = []Side{Shared, Station, Hall, Tool}

// sideRules classify packages by path inside the module; the longest
// matching prefix wins ("" is the module's root package, the desktop app).
// A package no rule matches is an error: a new top-level folder must say
// which side it is on.
var sideRules = map[string]Side{
	"":            Station, // main.go: the Wails desktop app
	"app":         Station,
	"desktop":     Station,
	"cmd/station": Station,

	"hall":         Hall,
	"cmd/hall":     Hall,
	"cmd/hallload": Hall, // a load benchmark of the hall alone

	"domain":   Shared,
	"ident":    Shared,
	"workday":  Shared,
	"notice":   Shared, // printed notices: the station prints them, the hall console too
	"sync":     Shared,
	"internal": Shared,

	"internal/synctest":  Tool, // starts a real station and a real hall
	"internal/distcheck": Tool,
	"internal/arch":      Tool,
	"cmd/bench":          Tool,
	"cmd/soak":           Tool,
	"proof":              Tool,
}

// Package is one package of the module, as `go list` describes it.
type Package struct {
	ImportPath   string
	Name         string
	Doc          string
	GoFiles      []string
	Imports      []string
	TestImports  []string
	XTestImports []string
	Error        *struct{ Err string }

	// Rel is ImportPath inside the module ("" for the root package).
	Rel string `json:"-"`
	// Side is the side Rel is classified on.
	Side Side `json:"-"`
}

// Module is the module's packages.
type Module struct {
	// Path is the module path ("yizhan").
	Path string
	// Root is the module's directory.
	Root string
	// Packages are sorted by import path.
	Packages []*Package

	byPath map[string]*Package
}

// goCmd is the go command on PATH, as make and go test run it.
func goCmd() string { return "go" }

func goList(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command(goCmd(), append([]string{"list"}, args...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list %s: %w: %s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out, nil
}

// Load lists the module that holds dir and classifies every package.
func Load(dir string) (*Module, error) {
	out, err := goList(dir, "-m", "-f", "{{.Path}}\t{{.Dir}}")
	if err != nil {
		return nil, err
	}
	path, root, ok := strings.Cut(strings.TrimSpace(string(out)), "\t")
	if !ok {
		return nil, fmt.Errorf("go list -m: unexpected output %q", out)
	}
	m := &Module{Path: path, Root: root, byPath: map[string]*Package{}}
	out, err = goList(root, "-e", "-json", "./...")
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	var errs []error
	for {
		p := new(Package)
		if err := dec.Decode(p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("go list -json: %w", err)
		}
		if p.Error != nil {
			errs = append(errs, fmt.Errorf("%s: %s", p.ImportPath, p.Error.Err))
		}
		p.Rel = m.rel(p.ImportPath)
		side, err := classify(p.Rel)
		if err != nil {
			errs = append(errs, err)
		}
		p.Side = side
		m.Packages = append(m.Packages, p)
		m.byPath[p.ImportPath] = p
	}
	sort.Slice(m.Packages, func(i, j int) bool { return m.Packages[i].ImportPath < m.Packages[j].ImportPath })
	return m, errors.Join(errs...)
}

// rel is an import path inside the module, or "" for the root package.
func (m *Module) rel(importPath string) string {
	if importPath == m.Path {
		return ""
	}
	return strings.TrimPrefix(importPath, m.Path+"/")
}

// own reports whether importPath is a package of the module.
func (m *Module) own(importPath string) bool {
	return importPath == m.Path || strings.HasPrefix(importPath, m.Path+"/")
}

// classify returns the side of the package at rel.
func classify(rel string) (Side, error) {
	best, side := -1, Side("")
	for prefix, s := range sideRules {
		if (prefix == "" && rel == "") || rel == prefix || prefix != "" && strings.HasPrefix(rel, prefix+"/") {
			if len(prefix) > best {
				best, side = len(prefix), s
			}
		}
	}
	if side == "" {
		return Tool, fmt.Errorf("package %q is on no side: add its folder to sideRules in internal/arch/arch.go", rel)
	}
	return side, nil
}

// may reports whether a package on side from may import one on side to.
func may(from, to Side) bool {
	switch from {
	case Tool:
		return true
	case Shared:
		return to == Shared
	default:
		return to == Shared || to == from
	}
}

// Violation is one import that breaks the dependency rule.
type Violation struct {
	From, To         string // import paths
	FromSide, ToSide Side
	Test             bool // imported by the package's tests only
}

func (v Violation) String() string {
	what := "imports"
	if v.Test {
		what = "has tests that import"
	}
	return fmt.Sprintf("%s (%s) %s %s (%s)", v.From, v.FromSide, what, v.To, v.ToSide)
}

// Violations checks every import of the module's own packages against the
// rule: shared packages import only shared ones, tests included, so that
// what both sides share can be built and tested alone; station and hall
// packages import their own side and the shared one (their tests may start
// the other side: a station's sync test runs against a real hall); tools
// import anything.
func (m *Module) Violations() []Violation {
	var out []Violation
	for _, p := range m.Packages {
		check := func(imports []string, test bool) {
			for _, imp := range imports {
				q, ok := m.byPath[imp]
				if !ok || imp == p.ImportPath || may(p.Side, q.Side) {
					continue
				}
				out = append(out, Violation{From: p.ImportPath, To: imp, FromSide: p.Side, ToSide: q.Side, Test: test})
			}
		}
		check(p.Imports, false)
		if p.Side == Shared {
			check(p.TestImports, true)
			check(p.XTestImports, true)
		}
	}
	return out
}

// Deps returns the module's packages a build of pattern links (`go list
// -deps`, tests excluded), sorted.
func (m *Module) Deps(pattern string) ([]*Package, error) {
	out, err := goList(m.Root, "-deps", pattern)
	if err != nil {
		return nil, err
	}
	var deps []*Package
	for _, line := range strings.Fields(string(out)) {
		if p, ok := m.byPath[line]; ok {
			deps = append(deps, p)
		} else if m.own(line) {
			return nil, fmt.Errorf("go list -deps %s: %s is missing from the module's package list", pattern, line)
		}
	}
	sort.Slice(deps, func(i, j int) bool { return deps[i].ImportPath < deps[j].ImportPath })
	return deps, nil
}

// ownImports returns the module's packages p imports (not its tests).
func (m *Module) ownImports(p *Package) []*Package {
	var out []*Package
	for _, imp := range p.Imports {
		if q, ok := m.byPath[imp]; ok {
			out = append(out, q)
		}
	}
	return out
}
