// Package sqlite is the station's store on SQLite (mattn/go-sqlite3): opening
// a database the right way, embedded versioned migrations, and online backup
// and restore. The services in package app run their transactions through it.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is an open station database.
type DB struct {
	*sql.DB
	Path string
}

// ErrTooNew is returned when the database was written by a newer Yizhan.
var ErrTooNew = errors.New("database schema is newer than this program")

// DSN returns the connection string with the pragmas every connection needs:
// WAL so readers never block the writer, foreign keys on, a busy timeout so a
// second process waits instead of failing, and synchronous=FULL because a
// power cut must not lose a recorded case.
func DSN(path string) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", "10000")
	q.Set("_synchronous", "FULL")
	q.Set("_txlock", "immediate")
	// Keep each connection's prepared statements: a pull page runs the same
	// few statements thousands of times, and preparing them again each
	// time cost more than running them.
	q.Set("_stmt_cache_size", "64")
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path and migrates it to the
// newest schema. A database from a newer program is refused untouched.
func Open(path string) (*DB, error) {
	if err := refuseTooNew(path); err != nil {
		return nil, err
	}
	sdb, err := sql.Open("sqlite3", DSN(path))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := sdb.Ping(); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db := &DB{DB: sdb, Path: path}
	if err := db.Migrate(context.Background(), 0); err != nil {
		sdb.Close()
		return nil, err
	}
	return db, nil
}

// Migration is one embedded schema step.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the embedded migrations in order.
func Migrations() ([]Migration, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	var out []Migration
	for _, n := range names {
		base := strings.TrimPrefix(n, "migrations/")
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migration %s: bad version prefix", base)
		}
		b, err := migrationFS.ReadFile(n)
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", base, err)
		}
		out = append(out, Migration{Version: v, Name: base, SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// SchemaVersion returns the highest applied migration.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v)
	return v, err
}

// Migrate applies the embedded migrations up to target (0 = all), all in
// one transaction with the version bump, so a failed upgrade leaves the
// database exactly as it was (see MigrateWith).
func (db *DB) Migrate(ctx context.Context, target int) error {
	ms, err := Migrations()
	if err != nil {
		return err
	}
	return db.MigrateWith(ctx, ms, target)
}

// OpenAt opens a database and migrates it only up to version; tests use it to
// build databases of every earlier schema. Version 0 is the empty database
// (for Migrate a target of 0 means "all", so it is not passed on).
func OpenAt(path string, version int) (*DB, error) {
	sdb, err := sql.Open("sqlite3", DSN(path))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := sdb.Ping(); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db := &DB{DB: sdb, Path: path}
	if version <= 0 {
		return db, nil
	}
	if err := db.Migrate(context.Background(), version); err != nil {
		sdb.Close()
		return nil, err
	}
	return db, nil
}

// Tx runs fn in one write transaction: committed if fn returns nil, rolled
// back otherwise. Every write in Yizhan goes through here.
func (db *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// IntegrityCheck runs PRAGMA integrity_check and returns nil when it says ok.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	var res string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("integrity check: %s", res)
	}
	return nil
}

// TimeFormat is how times are stored: sortable text, UTC, with nanoseconds.
const TimeFormat = "2006-01-02T15:04:05.000000000Z"

// FormatTime formats t for storage.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(TimeFormat)
}

// ParseTime parses a stored time; empty gives the zero time.
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(TimeFormat, s)
}
