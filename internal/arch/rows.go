package arch

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// UncheckedRows lists the functions of the module's non-test code that loop
// over query rows (`for rows.Next()` with rows.Scan) without asking
// rows.Err() afterwards: such a loop takes a query cut short for its whole
// answer. `make lint` lets (*sql.Rows).Close go unchecked because every
// loop asks Err; this keeps that true. Each entry is "file:line: func".
func (m *Module) UncheckedRows() ([]string, error) {
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
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(m.Root, path)
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			for _, x := range rowLoopsWithoutErr(fn.Body) {
				out = append(out, fmt.Sprintf("%s:%d: %s (%s)", filepath.ToSlash(rel), fset.Position(fn.Pos()).Line, fn.Name.Name, x))
			}
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// skipDir leaves out what is not the module's Go code: other modules
// (tools/...), dependencies and build output.
func (m *Module) skipDir(path, name string) bool {
	if name == "node_modules" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
		return true
	}
	_, err := os.Stat(filepath.Join(path, "go.mod"))
	return err == nil
}

// rowLoopsWithoutErr returns the names X of the loops `for X.Next()` in
// body whose X is also scanned (X.Scan) but never asked X.Err().
func rowLoopsWithoutErr(body *ast.BlockStmt) []string {
	looped, scanned, checked := map[string]bool{}, map[string]bool{}, map[string]bool{}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ForStmt:
			if x, method := selectorCall(n.Cond); method == "Next" {
				looped[x] = true
			}
		case *ast.CallExpr:
			switch x, method := selectorCall(n); method {
			case "Scan":
				scanned[x] = true
			case "Err":
				checked[x] = true
			}
		}
		return true
	})
	var out []string
	for x := range looped {
		if scanned[x] && !checked[x] {
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

// selectorCall returns X and M for a call X.M() whose X is a plain name.
func selectorCall(e ast.Expr) (x, method string) {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return "", ""
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return "", ""
	}
	id, ok := sel.X.(*ast.Ident)
	if !ok {
		return "", ""
	}
	return id.Name, sel.Sel.Name
}
