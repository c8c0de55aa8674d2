package arch

import (
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// citedPath matches what a comment cites as a file of the repository: a
// path of at least one folder and a file name with an extension, like
// docs/sync.md or hall/push.go.
var citedPath = regexp.MustCompile(`(?:^|[\s(\x60"'])((?:\.\./|\./)?(?:[A-Za-z0-9_.-]+/)+[A-Za-z0-9_-]+\.(?:go|md|sql|sh|json|ts|vue|js|txt|cols|bundle|nsi|yml|yaml|toml))\b`)

// MissingCitations lists the file paths that comments in the module's Go
// code cite but that do not exist, relative to the repository's root or to
// the citing file's folder. Each entry is "file:line: path".
func (m *Module) MissingCitations() ([]string, error) {
	var out []string
	fset := token.NewFileSet()
	err := filepath.WalkDir(m.Root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != m.Root && m.skipDir(path, d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(m.Root, path)
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				for _, mt := range citedPath.FindAllStringSubmatchIndex(c.Text, -1) {
					cited := c.Text[mt[2]:mt[3]]
					if strings.Contains(c.Text[max(0, mt[2]-8):mt[2]], "://") || m.exists(filepath.Dir(path), cited) {
						continue
					}
					line := fset.Position(c.Pos()).Line + strings.Count(c.Text[:mt[2]], "\n")
					out = append(out, fmt.Sprintf("%s:%d: %s", filepath.ToSlash(rel), line, cited))
				}
			}
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// exists reports whether cited names a file or folder from the root or
// from dir.
func (m *Module) exists(dir, cited string) bool {
	for _, base := range []string{m.Root, dir} {
		if _, err := os.Stat(filepath.Join(base, filepath.FromSlash(cited))); err == nil {
			return true
		}
	}
	return false
}
