package console

import (
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"
)

// dist is the console's Vite build (`make console`). A fresh clone holds
// only dist/.gitkeep, and the console then says how to build it.
//
//go:embed all:dist
var dist embed.FS

// entry is the page the Vite build writes for the console.
const entry = "console.html"

// newAssets serves the built console from dir, or from the embedded build
// when dir is empty. Paths that name no file get the console's page, so
// the app's own routes (/console/inbox, /console/cases/ID) survive a reload.
func newAssets(dir string) (http.Handler, error) {
	var fsys fs.FS
	if dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("console assets: %w", err)
		}
		fsys = os.DirFS(dir)
	} else {
		sub, err := fs.Sub(dist, "dist")
		if err != nil {
			return nil, fmt.Errorf("console assets: %w", err)
		}
		fsys = sub
	}
	files := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(path.Clean(r.URL.Path), strings.TrimSuffix(Prefix, "/"))
		name = strings.TrimPrefix(name, "/")
		if name != "" && name != entry {
			if st, err := fs.Stat(fsys, name); err == nil && !st.IsDir() {
				if strings.HasPrefix(name, "assets/") {
					// Vite puts a content hash in every asset's name.
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				}
				r2 := r.Clone(r.Context())
				r2.URL.Path = "/" + name
				files.ServeHTTP(w, r2)
				return
			}
		}
		page, err := fs.ReadFile(fsys, entry)
		if err != nil {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintln(w, "The hall console is not built into this binary: run `make console` and rebuild, or start with --console-assets DIR.")
			fmt.Fprintln(w, "控制台页面未编译进本程序：请运行 make console 后重新编译，或使用 --console-assets 指定目录。")
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Write(page)
	}), nil
}
