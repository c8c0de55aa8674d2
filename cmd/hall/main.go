// Command hall runs the central hall's sync server and its administration
// commands: stations, catalog and calendar publication, hall-side case
// handling, console accounts, statistics, USB bundles, backups. The
// commands open the same database as a running server: a SQLite file (WAL
// and a busy timeout let them share it) or, with --db postgres://..., a
// PostgreSQL database that several hall servers may share
// (docs/hall-scale.md).
//
//	hall [--dir DATA] [--db PATH|postgres://...] [--json] COMMAND [ARGS]
//
// `hall help` lists every command. --dir and --db default to
// $YIZHAN_HALL_DIR and $YIZHAN_HALL_DB; they and --json go anywhere on the
// line.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"yizhan/hall"
	hallpg "yizhan/hall/postgres"
	hallsqlite "yizhan/hall/sqlite"
	"yizhan/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// command is one subcommand: name ("case list"), usage (arguments and
// flags, then ": " and what it does) and the function, which gets the
// command's own arguments.
type command struct {
	name  string
	usage string
	run   func(e *env, args []string) error
}

var commands = map[string]command{}

// register adds commands; each file registers its area's commands from
// init, beside their functions.
func register(cs ...command) {
	for _, c := range cs {
		commands[c.name] = c
	}
}

// env is what every command gets: the shared CLI environment (context,
// output, --json) and the data directory and database.
type env struct {
	*cli.Env
	common
}

// open opens the store and the service (common.open).
func (e *env) open(cfg hall.Config) (*hall.Service, func(), error) { return e.common.open(e.Ctx, cfg) }

// run runs one command line through the CLI framework both binaries share
// (internal/cli): --dir, --db and --json anywhere on the line, help for
// every command, exit status 0, 1 (something failed) or 2 (the command
// line).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := &env{}
	fs := flag.NewFlagSet("hall", flag.ContinueOnError)
	fs.StringVar(&e.dir, "dir", os.Getenv("YIZHAN_HALL_DIR"), "hall data directory")
	fs.StringVar(&e.db, "db", os.Getenv("YIZHAN_HALL_DB"), "SQLite file or postgres:// URL")
	app := &cli.App{Name: "hall", Globals: fs, Synopsis: "hall [--dir DATA] [--db PATH|postgres://...] [--json] COMMAND [ARGS]",
		Footer: "--dir and --db default to $YIZHAN_HALL_DIR and $YIZHAN_HALL_DB (default DATA/hall.db); " +
			"a case is named by its id, its case number or its hall serial."}
	for _, c := range commands {
		app.Add(cli.Command{Name: c.name, Usage: c.usage, Run: func(ce *cli.Env, args []string) error {
			e.Env = ce
			return c.run(e, args)
		}})
	}
	return app.Run(ctx, args, stdout, stderr)
}

// usageErr is a command line that cannot be understood (exit status 2).
func usageErr(format string, args ...any) error { return cli.Usagef(format, args...) }

// parse parses flags that may come before, between or after positional
// arguments ("station add A01 名称 --region R") and requires between want
// and most of them (most -1: any).
func parse(fs *flag.FlagSet, args []string, want, most int, names string) ([]string, error) {
	return cli.ParseFlags(fs, args, want, most, names)
}

// common is the data directory and database every command works on.
type common struct {
	dir string
	db  string
}

// open opens the store and the service.
func (c *common) open(ctx context.Context, cfg hall.Config) (*hall.Service, func(), error) {
	if c.dir == "" {
		return nil, nil, usageErr("--dir (or $YIZHAN_HALL_DIR) is required")
	}
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("data directory: %w", err)
	}
	store, err := openStore(ctx, c.dir, c.db)
	if err != nil {
		return nil, nil, err
	}
	cfg.Dir = c.dir
	svc, err := hall.New(ctx, store, cfg)
	if err != nil {
		_ = store.Close() // the error being returned says more
		return nil, nil, err
	}
	return svc, func() { _ = store.Close() }, nil
}

// isPostgres reports whether db names a PostgreSQL database rather than a
// SQLite file.
func isPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// openStore opens the hall's store: PostgreSQL when db is a postgres:// URL
// (keys and blobs stay in dir, which every hall process on the database
// must share), otherwise SQLite in the file db, by default dir/hall.db.
func openStore(ctx context.Context, dir, db string) (hall.Store, error) {
	if isPostgres(db) {
		s, err := hallpg.Open(ctx, db)
		if err != nil {
			return nil, fmt.Errorf("open PostgreSQL store: %w", err)
		}
		return s, nil
	}
	if db == "" {
		db = filepath.Join(dir, "hall.db")
	}
	return hallsqlite.Open(ctx, db)
}
