// Command hall runs the central hall's sync server and its administration
// commands: stations, catalog and calendar publication, and hall-side case
// handling. The commands open the same database as a running server: a
// SQLite file (WAL and a busy timeout let them share it) or, with
// --db postgres://..., a PostgreSQL database that several hall servers may
// share (docs/hall-scale.md).
//
//	hall serve --listen 127.0.0.1:8440 --dir DATA [--db PATH|postgres://...] [--tls-cert F --tls-key F] [--console-assets DIR]
//	hall staff add LOGIN NAME clerk|approver|supervisor|admin --password P
//	hall staff list [--json] | staff set LOGIN [--role R] [--password P] [--disable|--enable] [--unlock]
//	hall review list [--json] [--open] [--station S] | review callback CASE --status S --callback T --result R [--fix-by DATE]
//	hall stats [--from DATE] [--to DATE] [--station S] [--item CODE] [--json] [--xlsx FILE]
//	hall station add CODE NAME [--region R]
//	hall station list [--json]
//	hall station revoke CODE
//	hall catalog publish FILE
//	hall calendar publish FILE
//	hall case list [--json] [--state S] [--station S]
//	hall case show ID [--full --purpose P]
//	hall case accept|approve|refuse|request-correction|return|suspend|resume ID [--reason R]
//	hall case serial ID SERIAL
//	hall case route ID OFFICE
//	hall bundle import FILE --reply OUT
//	hall backup DEST_DIR
//	hall diagnostics FILE.zip [--log-dir DIR]
//	hall version
//
// --dir, --listen and --db default to $YIZHAN_HALL_DIR, $YIZHAN_HALL_LISTEN
// and $YIZHAN_HALL_DB.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"yizhan/domain"
	"yizhan/hall"
	hallpg "yizhan/hall/postgres"
	hallsqlite "yizhan/hall/sqlite"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// usageError is a command line that could not be understood (exit 2).
type usageError string

func (e usageError) Error() string { return string(e) }

const usage = `usage:
  hall serve --listen ADDR --dir DATA [--db PATH|postgres://...] [--tls-cert FILE --tls-key FILE] [--console-assets DIR]
  hall staff add LOGIN NAME clerk|approver|supervisor|admin --password P | staff list [--json]
  hall staff set LOGIN [--name N] [--role R] [--password P] [--disable|--enable] [--unlock]
  hall review list [--json] [--open] [--station S]
  hall review callback CASE --status fixed|fixed_by_deadline|explained|appealed --callback T --result R [--fix-by DATE]
  hall stats [--from DATE] [--to DATE] [--station S] [--item CODE] [--json] [--xlsx FILE [--lang en-US]]
  hall station add CODE NAME [--region R] | station list [--json] | station revoke CODE
  hall catalog publish FILE
  hall calendar publish FILE
  hall case list [--json] [--state S] [--station S]
  hall case show ID [--full --purpose P]
  hall case accept|approve|refuse|request-correction|return|suspend|resume ID [--reason R] [--cert N] [--items A,B]
  hall case serial ID SERIAL | case route ID OFFICE
                                     (ID: the case id, its case number or its hall serial)
  hall bundle import FILE --reply OUT
  hall backup DEST_DIR               (online: database snapshot, keys, attachments)
  hall diagnostics FILE.zip [--log-dir DIR]   (for support: no personal data)
  hall version
common flags: --dir DATA ($YIZHAN_HALL_DIR), --db PATH or postgres://... ($YIZHAN_HALL_DB, default DATA/hall.db)`

// run executes one command line and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	err := dispatch(ctx, args, stdout, stderr)
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "hall: "+ue.Error())
		fmt.Fprintln(stderr, usage)
		return 2
	default:
		fmt.Fprintln(stderr, "hall: "+describe(err))
		return 1
	}
}

// describe renders an error for the operator: the Chinese sentence and the
// English detail for coded errors, the full chain otherwise.
func describe(err error) string {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Zh + " (" + de.Code + ": " + de.Message + ")"
	}
	return err.Error()
}

func usageErr(format string, args ...any) error {
	return usageError(fmt.Sprintf(format, args...))
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageErr("no command")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stderr)
	case "station":
		return stationCmd(ctx, args[1:], stdout)
	case "catalog", "calendar":
		return publishCmd(ctx, args[0], args[1:], stdout)
	case "case":
		return caseCmd(ctx, args[1:], stdout)
	case "staff":
		return staffCmd(ctx, args[1:], stdout)
	case "review":
		return reviewCmd(ctx, args[1:], stdout)
	case "stats":
		return statsCmd(ctx, args, stdout)
	case "bundle":
		return bundleCmd(ctx, args[1:], stdout)
	case "backup":
		return backupCmd(ctx, args[1:], stdout)
	case "diagnostics":
		return diagnosticsCmd(ctx, args[1:], stdout)
	case "version", "--version":
		fmt.Fprintln(stdout, "yizhan hall "+Version)
		return nil
	case "help", "-h", "--help":
		return usageErr("help")
	}
	return usageErr("unknown command %q", args[0])
}

// common holds the flags every command takes.
type common struct {
	dir string
	db  string
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.dir, "dir", os.Getenv("YIZHAN_HALL_DIR"), "hall data directory ($YIZHAN_HALL_DIR)")
	fs.StringVar(&c.db, "db", os.Getenv("YIZHAN_HALL_DB"), "SQLite file or postgres:// URL ($YIZHAN_HALL_DB; default DIR/hall.db)")
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
		store.Close()
		return nil, nil, err
	}
	return svc, func() { store.Close() }, nil
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

// parse parses flags that may come before, between or after positional
// arguments ("station add A01 名称 --region R"), which flag.Parse alone
// does not, and returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usageErr("%s: %v", fs.Name(), err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
