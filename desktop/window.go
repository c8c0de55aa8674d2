package desktop

import (
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"yizhan/domain"
)

// Only this file calls the Wails runtime; every call is guarded by inWails so
// the HTTP adapter and the tests, which have no window, never reach it.

type windowState struct {
	W, H, X, Y int
	Max        bool
}

func (s *API) windowFile() string { return filepath.Join(s.cfg.Dir, "window.json") }

// restoreWindow puts the window back where the clerk left it.
func (s *API) restoreWindow() {
	b, err := os.ReadFile(s.windowFile())
	if err != nil {
		return
	}
	var ws windowState
	if json.Unmarshal(b, &ws) != nil || ws.W < 800 || ws.H < 600 {
		return
	}
	runtime.WindowSetSize(s.ctx, ws.W, ws.H)
	runtime.WindowSetPosition(s.ctx, ws.X, ws.Y)
	if ws.Max {
		runtime.WindowMaximise(s.ctx)
	}
}

// saveWindow remembers the window's size and position at shutdown.
func (s *API) saveWindow() {
	var ws windowState
	ws.Max = runtime.WindowIsMaximised(s.ctx)
	ws.W, ws.H = runtime.WindowGetSize(s.ctx)
	ws.X, ws.Y = runtime.WindowGetPosition(s.ctx)
	if b, err := json.Marshal(ws); err == nil {
		os.WriteFile(s.windowFile(), b, 0o600)
	}
}

// FileFilter is a file type choice in an open or save dialog.
type FileFilter struct {
	Name    string `json:"name"`
	Pattern string `json:"pattern"` // e.g. "*.json;*.yzb"
}

// ChooseOpenFile shows the system's open-file dialog and returns the path
// ("" when cancelled). Without a window (browser mode) it is not available.
func (s *API) ChooseOpenFile(title string, filters []FileFilter) (string, error) {
	if _, _, err := s.session(); err != nil {
		return "", err
	}
	if !s.inWails {
		return "", errNoWindow
	}
	var fs []runtime.FileFilter
	for _, f := range filters {
		fs = append(fs, runtime.FileFilter{DisplayName: f.Name, Pattern: f.Pattern})
	}
	return runtime.OpenFileDialog(s.ctx, runtime.OpenDialogOptions{Title: title, Filters: fs})
}

// ChooseSaveFile shows the system's save-file dialog.
func (s *API) ChooseSaveFile(title, defaultName string, filters []FileFilter) (string, error) {
	if _, _, err := s.session(); err != nil {
		return "", err
	}
	if !s.inWails {
		return "", errNoWindow
	}
	var fs []runtime.FileFilter
	for _, f := range filters {
		fs = append(fs, runtime.FileFilter{DisplayName: f.Name, Pattern: f.Pattern})
	}
	return runtime.SaveFileDialog(s.ctx, runtime.SaveDialogOptions{Title: title, DefaultFilename: defaultName, Filters: fs})
}

// HasWindow reports whether the app runs in its desktop window (true) or in
// a browser over the HTTP adapter (false): the UI hides dialog buttons then.
func (s *API) HasWindow() bool { return s.inWails }

var errNoWindow = domain.Errorf(domain.EInvalid, "浏览器模式下无法打开系统文件对话框，请直接输入文件路径。", "file dialogs need the desktop window")
