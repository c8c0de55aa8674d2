// Command station is the headless station: every station service from the
// command line, for operators, support and scripts. It works on the same
// data directory as the desktop app.
//
//	station [--dir DIR] [--json] [--user LOGIN --password PW] COMMAND ...
//
// The global flags go anywhere on the line; `station help` lists every
// command.
//
// The data directory comes from --dir, then YIZHAN_STATION_DIR, then the
// operating system's per-user application-data directory. The signed-in user
// comes from --user/--password or YIZHAN_STATION_USER/YIZHAN_STATION_PASSWORD.
package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"yizhan/app"
	"yizhan/app/hallclient"
	appsqlite "yizhan/app/sqlite"
	"yizhan/domain"
	"yizhan/internal/cli"
	"yizhan/internal/logfile"
)

// env is what every command gets: parsed global flags, output streams and a
// lazily opened station.
type env struct {
	ctx      context.Context
	dir      string
	json     bool
	user     string
	password string
	stdout   io.Writer
	stderr   io.Writer
	st       *app.Station
	db       *appsqlite.DB // st's database, for the diagnostics that read it directly
	log      *logfile.Log  // <dir>/logs/station-cli.log, opened on first use (logging.go)
}

// command is one subcommand; name may contain a space ("case open"). usage
// is its arguments and flags, then ": " and what it does.
type command struct {
	name  string
	usage string
	run   func(e *env, args []string) error
}

var commands = map[string]command{}

// register adds commands; files of this package call it from init so each
// area (cases, counter, sync) keeps its commands beside its own helpers.
func register(cs ...command) {
	for _, c := range cs {
		commands[c.name] = c
	}
}

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// run runs one command line through the CLI framework both binaries share
// (internal/cli): --dir, --user, --password and --json anywhere on the
// line, help for every command, exit status 0, 1 (something failed) or 2
// (the command line).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("station", flag.ContinueOnError)
	fs.StringVar(&e.dir, "dir", os.Getenv("YIZHAN_STATION_DIR"), "data directory")
	fs.StringVar(&e.user, "user", os.Getenv("YIZHAN_STATION_USER"), "staff login")
	fs.StringVar(&e.password, "password", os.Getenv("YIZHAN_STATION_PASSWORD"), "staff password")
	app := &cli.App{Name: "station", Globals: fs,
		Synopsis: "station [--dir DIR] [--user LOGIN --password PW] [--json] COMMAND [ARGS]",
		Footer: "--dir defaults to $YIZHAN_STATION_DIR, then the per-user application-data folder; " +
			"--user and --password to $YIZHAN_STATION_USER and $YIZHAN_STATION_PASSWORD."}
	for _, c := range commands {
		app.Add(cli.Command{Name: c.name, Usage: c.usage, Run: func(ce *cli.Env, args []string) error {
			e.json = ce.JSON
			if e.dir == "" {
				e.dir = defaultDir()
			}
			started := time.Now()
			err := c.run(e, args)
			e.logCommand(c.name, started, err)
			if errors.Is(err, flag.ErrHelp) {
				return nil
			}
			return err
		}})
	}
	defer func() {
		if e.st != nil {
			_ = e.st.Close() // the command's result is decided; exiting releases the file
		}
		_ = e.log.Close() // the command's result is decided
	}()
	return app.Run(ctx, args, stdout, stderr)
}

// defaultDir is the per-user application-data directory.
func defaultDir() string {
	if d, err := os.UserConfigDir(); err == nil {
		return filepath.Join(d, "yizhan", "station")
	}
	return "yizhan-station"
}

// station opens the station once.
func (e *env) station() (*app.Station, error) {
	if e.st != nil {
		return e.st, nil
	}
	st, db, err := appsqlite.OpenStation(e.ctx, app.Config{Dir: e.dir, SigningKey: hallclient.SigningKey(e.dir)})
	if err != nil {
		return nil, err
	}
	e.st, e.db = st, db
	return st, nil
}

// actor signs in the user given by flags or environment.
func (e *env) actor() (*app.Station, app.Actor, error) {
	st, err := e.station()
	if err != nil {
		return nil, app.Actor{}, err
	}
	if e.user == "" {
		return nil, app.Actor{}, domain.Errorf(domain.EUnauthorized, "请用 --user 和 --password（或环境变量 YIZHAN_STATION_USER / YIZHAN_STATION_PASSWORD）登录。", "sign-in required: --user and --password")
	}
	staff, err := st.SignIn(e.ctx, e.user, e.password)
	if err != nil {
		return nil, app.Actor{}, err
	}
	return st, staff.Actor(), nil
}

// out prints v as JSON with --json, else calls human.
func (e *env) out(v any, human func(w io.Writer)) error {
	return e.cli().Out(v, human)
}

// list prints one page of a list and its total (cli.Env.List).
func (e *env) list(items any, shown, total int, p *cli.Page, human func(w io.Writer)) error {
	return e.cli().List(items, shown, total, p, human)
}

func (e *env) cli() *cli.Env {
	return &cli.Env{Ctx: e.ctx, Stdout: e.stdout, Stderr: e.stderr, JSON: e.json}
}

// parse parses flags that may come before or after positional arguments and
// returns the positionals; want is how many are required.
func parse(fs *flag.FlagSet, args []string, want int, names string) ([]string, error) {
	return cli.ParseFlags(fs, args, want, -1, names)
}

// page registers --limit and --offset on fs (cli.PageFlags).
func page(fs *flag.FlagSet, def, max int) *cli.Page { return cli.PageFlags(fs, def, max) }

// multi is a repeatable string flag.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }
