package main

import (
	"log/slog"
	"time"

	"yizhan/domain"
	"yizhan/internal/logfile"
)

// cliLogName is the station CLI's rotating log under <data dir>/logs. The
// desktop app (and serve-ui, which runs the same adapter) writes yizhan.log.
const cliLogName = "station-cli"

// logger returns the CLI's file logger, opening <dir>/logs/station-cli.log
// on first use; a log that cannot be opened discards, it never fails a
// command.
func (e *env) logger() *slog.Logger {
	if e.log == nil {
		l, err := logfile.Open(e.dir, cliLogName, nil)
		if err != nil {
			return slog.New(slog.DiscardHandler)
		}
		e.log = l
	}
	return e.log.Logger
}

// logCommand writes one line per command that used the data directory:
// the command's name (never its arguments, which hold applicants' data),
// how long it took and, on failure, the error code and English message
// (scrubbed of ID and phone numbers by the handler).
func (e *env) logCommand(name string, start time.Time, err error) {
	if e.st == nil && e.log == nil {
		return // a command that never touched the data directory
	}
	attrs := []any{"command", name, "ms", time.Since(start).Milliseconds()}
	if err != nil {
		e.logger().Warn("command failed", append(attrs, "code", domain.ErrorCode(err), "err", domain.ErrorMessage(err))...)
		return
	}
	e.logger().Info("command", attrs...)
}
