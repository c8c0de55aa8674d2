// Package logfile writes the rotating JSON log files a station or a hall
// keeps under <data dir>/logs, every string scrubbed of personal data
// before it reaches the disk.
package logfile

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"gopkg.in/natefinch/lumberjack.v2"

	"yizhan/internal/scrub"
)

// Log rotation: a file is rotated at MaxSizeMB, the newest MaxBackups old
// files are kept (gzip-compressed) for at most MaxAgeDays. A station writes
// a few hundred KB a month, so this is years of history in under 30 MB.
const (
	MaxSizeMB  = 5
	MaxBackups = 5
	MaxAgeDays = 180
)

// Dir is where a data directory keeps its logs.
func Dir(dataDir string) string { return filepath.Join(dataDir, "logs") }

// Log is an open rotating log file.
type Log struct {
	Logger *slog.Logger
	Path   string
	w      *lumberjack.Logger
}

// Close flushes and closes the file. A nil Log closes nothing.
func (l *Log) Close() error {
	if l == nil || l.w == nil {
		return nil
	}
	return l.w.Close()
}

// Open opens <dataDir>/logs/<name>.log as a rotating JSON log. Lines also
// go to extra (stderr for a server under systemd or Docker) when it is not
// nil. Every string value passes through scrub.Text, so an ID card or
// mobile number that slips into a message is masked before it reaches the
// disk.
func Open(dataDir, name string, extra io.Writer) (*Log, error) {
	return OpenIn(Dir(dataDir), name, extra)
}

// OpenIn is Open with the log directory itself given.
func OpenIn(dir, name string, extra io.Writer) (*Log, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, name+".log")
	w := &lumberjack.Logger{Filename: path, MaxSize: MaxSizeMB, MaxBackups: MaxBackups, MaxAge: MaxAgeDays, Compress: true, LocalTime: true}
	var out io.Writer = w
	if extra != nil {
		out = io.MultiWriter(w, extra)
	}
	h := slog.NewJSONHandler(out, &slog.HandlerOptions{Level: slog.LevelInfo, ReplaceAttr: scrubAttr})
	return &Log{Logger: slog.New(h), Path: path, w: w}, nil
}

// NewLogger returns a logger writing scrubbed JSON lines to w (tests, stderr).
func NewLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo, ReplaceAttr: scrubAttr}))
}

// Tee returns a logger that sends every record to both loggers' handlers.
func Tee(a, b *slog.Logger) *slog.Logger {
	return slog.New(teeHandler{a.Handler(), b.Handler()})
}

type teeHandler []slog.Handler

func (t teeHandler) Enabled(ctx context.Context, l slog.Level) bool {
	for _, h := range t {
		if h.Enabled(ctx, l) {
			return true
		}
	}
	return false
}

func (t teeHandler) Handle(ctx context.Context, r slog.Record) error {
	var first error
	for _, h := range t {
		if h.Enabled(ctx, r.Level) {
			if err := h.Handle(ctx, r.Clone()); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}

func (t teeHandler) WithAttrs(as []slog.Attr) slog.Handler {
	out := make(teeHandler, len(t))
	for i, h := range t {
		out[i] = h.WithAttrs(as)
	}
	return out
}

func (t teeHandler) WithGroup(name string) slog.Handler {
	out := make(teeHandler, len(t))
	for i, h := range t {
		out[i] = h.WithGroup(name)
	}
	return out
}

func scrubAttr(_ []string, a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindString:
		if s := a.Value.String(); s != scrub.Text(s) {
			a.Value = slog.StringValue(scrub.Text(s))
		}
	case slog.KindAny:
		if err, ok := a.Value.Any().(error); ok {
			a.Value = slog.StringValue(scrub.Text(err.Error()))
		}
	}
	return a
}
