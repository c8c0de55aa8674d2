// Command station is the headless station: every station service from the
// command line, for operators, support and scripted tests. It works on the
// same data directory as the desktop app.
//
//	station [--dir DIR] [--json] [--user LOGIN --password PW] COMMAND ...
//
// The data directory comes from --dir, then YIZHAN_STATION_DIR, then the
// operating system's per-user application-data directory. The signed-in user
// comes from --user/--password or YIZHAN_STATION_USER/YIZHAN_STATION_PASSWORD.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"yizhan/app"
	"yizhan/domain"
	"yizhan/support"
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
	log      *support.Log // <dir>/logs/station-cli.log, opened on first use (logging.go)
}

// command is one subcommand; name may contain a space ("case open").
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

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("station", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&e.dir, "dir", os.Getenv("YIZHAN_STATION_DIR"), "data directory")
	fs.BoolVar(&e.json, "json", false, "machine-readable output")
	fs.StringVar(&e.user, "user", os.Getenv("YIZHAN_STATION_USER"), "staff login")
	fs.StringVar(&e.password, "password", os.Getenv("YIZHAN_STATION_PASSWORD"), "staff password")
	fs.Usage = func() { usage(stderr) }
	// --json is accepted anywhere on the line: scripts put it last.
	var rest0 []string
	for _, a := range args {
		if a == "--json" || a == "-json" {
			e.json = true
			continue
		}
		rest0 = append(rest0, a)
	}
	args = rest0
	if err := fs.Parse(args); err != nil {
		return 2
	}
	rest := fs.Args()
	if len(rest) == 0 {
		usage(stderr)
		return 2
	}
	cmd, cargs, ok := lookup(rest)
	if !ok {
		fmt.Fprintf(stderr, "station: unknown command %q\n\n", strings.Join(rest, " "))
		usage(stderr)
		return 2
	}
	if e.dir == "" {
		e.dir = defaultDir()
	}
	defer func() {
		if e.st != nil {
			e.st.Close()
		}
		e.log.Close()
	}()
	started := time.Now()
	err := cmd.run(e, cargs)
	e.logCommand(cmd.name, started, err)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		report(stderr, err)
		return 1
	}
	return 0
}

// lookup finds the longest registered command name that prefixes args.
func lookup(args []string) (command, []string, bool) {
	for n := min(3, len(args)); n >= 1; n-- {
		if c, ok := commands[strings.Join(args[:n], " ")]; ok {
			return c, args[n:], true
		}
	}
	return command{}, nil, false
}

// report prints an error in both languages: the English for logs and
// scripts, the Chinese for the clerk at the terminal.
func report(w io.Writer, err error) {
	fmt.Fprintf(w, "error: %s\n", domain.ErrorMessage(err))
	if domain.ErrorCode(err) == domain.EInternal {
		fmt.Fprintf(w, "detail: %v\n", err)
	}
	fmt.Fprintf(w, "错误：%s\n", domain.ZhMessage(err))
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: station [--dir DIR] [--json] [--user LOGIN --password PW] COMMAND [ARGS]")
	fmt.Fprintln(w, "\ncommands:")
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-22s %s\n", n, commands[n].usage)
	}
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
	st, err := app.Open(app.Config{Dir: e.dir})
	if err != nil {
		return nil, err
	}
	e.st = st
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
	if e.json {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(v)
	}
	human(e.stdout)
	return nil
}

// parse parses flags that may come before or after positional arguments and
// returns the positionals; want is how many are required.
func parse(fs *flag.FlagSet, args []string, want int, names string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, domain.Errorf(domain.EInvalid, "参数不正确："+err.Error(), "%s: %v", fs.Name(), err)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if len(pos) < want {
		return nil, domain.Errorf(domain.EInvalid, "缺少参数："+names, "%s: missing %s", fs.Name(), names)
	}
	return pos, nil
}

// multi is a repeatable string flag.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }
