package desktop

import (
	"log/slog"
	"runtime"
	"sync/atomic"

	wlogger "github.com/wailsapp/wails/v2/pkg/logger"

	"yizhan/domain"
	"yizhan/internal/logfile"
	"yizhan/internal/scrub"
)

// LogName is the desktop app's rotating log: <data dir>/logs/yizhan.log.
// `station serve-ui` runs the same adapter and writes the same file.
const LogName = "yizhan"

var current atomic.Pointer[slog.Logger]

// logger is the app's logger; it discards until StartLogging runs (tests).
func logger() *slog.Logger {
	if l := current.Load(); l != nil {
		return l
	}
	return slog.New(slog.DiscardHandler)
}

// StartLogging opens the rotating log file in the station's data directory
// and returns its logger and the function that closes it. It never fails:
// an app that cannot write its log still runs, silently. What is logged:
// start and stop with versions, whether the database opened (an error's
// code and English message), and one line per sync; never an applicant's
// or a clerk's data (the handler also masks any ID or phone number).
func (a *App) StartLogging() (*slog.Logger, func()) {
	l, err := logfile.Open(a.API.cfg.Dir, LogName, nil)
	if err != nil {
		return slog.New(slog.DiscardHandler), func() {}
	}
	current.Store(l.Logger)
	l.Logger.Info("start", "version", Version, "go", runtime.Version(), "os", runtime.GOOS, "arch", runtime.GOARCH,
		"data_dir", scrub.HomeRel(a.API.cfg.Dir))
	return l.Logger, func() {
		l.Logger.Info("stop")
		current.CompareAndSwap(l.Logger, nil)
		l.Close()
	}
}

// logOpened records whether the station database opened.
func (s *API) logOpened() {
	if s.openErr != nil {
		logger().Error("open station", "code", domain.ErrorCode(s.openErr), "err", domain.ErrorMessage(s.openErr))
		return
	}
	logger().Info("station open")
}

// WailsLogger routes Wails' own messages (WebView start-up, asset
// errors) into the app's log.
func WailsLogger(l *slog.Logger) wlogger.Logger { return wailsLog{l} }

type wailsLog struct{ l *slog.Logger }

func (w wailsLog) Print(m string)   { w.l.Info(m, "src", "wails") }
func (w wailsLog) Trace(m string)   { w.l.Debug(m, "src", "wails") }
func (w wailsLog) Debug(m string)   { w.l.Debug(m, "src", "wails") }
func (w wailsLog) Info(m string)    { w.l.Info(m, "src", "wails") }
func (w wailsLog) Warning(m string) { w.l.Warn(m, "src", "wails") }
func (w wailsLog) Error(m string)   { w.l.Error(m, "src", "wails") }
func (w wailsLog) Fatal(m string)   { w.l.Error(m, "src", "wails", "fatal", true) }
