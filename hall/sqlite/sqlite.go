// Package sqlite is the hall's Store on SQLite (mattn/go-sqlite3): a WAL
// database with embedded, versioned migrations, one writer connection and a
// pool of readers, so the hall server and the hall CLI can share a file.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver

	"yizhan/hall"
	"yizhan/internal/migrate"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Store is the hall's SQLite store. It implements hall.Store.
type Store struct {
	// Path is the database file.
	Path string
	// BusyTimeout is how long a connection waits for another process (the
	// CLI while the server runs, or the reverse) to release the write lock.
	BusyTimeout time.Duration

	write *sql.DB // one connection, BEGIN IMMEDIATE: writers queue in Go, not in busy loops
	read  *sql.DB // deferred, query-only: readers never block the writer under WAL
}

var _ hall.Store = (*Store)(nil)

// dsn returns the connection string: WAL so readers never block the writer,
// foreign keys on, a busy timeout so a second process waits instead of
// failing, and synchronous=FULL because an acknowledged event must survive a
// power cut (the station deletes nothing, but it stops re-sending).
func dsn(path string, busy time.Duration, writer bool) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", strconv.FormatInt(busy.Milliseconds(), 10))
	q.Set("_synchronous", "FULL")
	// Keep each connection's prepared statements: a push runs the same few
	// statements for every event, and preparing them again each time cost
	// more than running them.
	q.Set("_stmt_cache_size", "64")
	if writer {
		// IMMEDIATE takes the write lock at BEGIN: a transaction that reads
		// and then writes can never fail half-way with SQLITE_BUSY.
		q.Set("_txlock", "immediate")
	} else {
		q.Set("_txlock", "deferred")
		q.Set("_query_only", "true")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the hall database at path and migrates it
// to the newest schema. A database from a newer program is refused untouched.
func Open(ctx context.Context, path string) (*Store, error) {
	s := &Store{Path: path, BusyTimeout: 15 * time.Second}
	// Create the file owner-only before SQLite does (with the umask's
	// 0644): it holds applicants' personal data. SQLite gives the -wal and
	// -shm files the database file's mode.
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		f.Close()
	}
	w, err := sql.Open("sqlite3", dsn(path, s.BusyTimeout, true))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s.write = w
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite3", dsn(path, s.BusyTimeout, false))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	r.SetMaxOpenConns(8)
	s.read = r
	return s, nil
}

// Close closes both connection pools.
func (s *Store) Close() error {
	return errors.Join(s.read.Close(), s.write.Close())
}

// SchemaVersion returns the highest applied migration.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.write.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v)
	return v, err
}

// migrate applies the embedded migrations through the shared runner
// (internal/migrate), each in its own write transaction with its version
// bump, so a failed migration leaves the database as it was. The runner
// reads the version inside each write transaction: two processes starting
// at once never apply the same step twice. A database from a newer
// program is refused untouched (migrate.ErrTooNew).
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrate.Load(migrationFS, "migrations")
	if err != nil {
		return err
	}
	if err := migrate.Run(ctx, migrate.SQLite(s.write), ms, migrate.Options{}); err != nil {
		return fmt.Errorf("migrate %s: %w", s.Path, err)
	}
	return nil
}

// Update runs fn in one write transaction.
func (s *Store) Update(ctx context.Context, fn func(hall.Tx) error) error {
	return s.tx(ctx, s.write, func(tx *sql.Tx) error { return fn(&txn{ctx: ctx, tx: tx}) })
}

// View runs fn in one read transaction: under WAL it sees a single snapshot
// from its first read and never waits for the writer.
func (s *Store) View(ctx context.Context, fn func(hall.Tx) error) error {
	return s.tx(ctx, s.read, func(tx *sql.Tx) error { return fn(&txn{ctx: ctx, tx: tx, readOnly: true}) })
}

func (s *Store) tx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
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

// timeFormat is how times are stored: sortable text, UTC, with nanoseconds.
const timeFormat = "2006-01-02T15:04:05.000000000Z"

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeFormat)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(timeFormat, s)
}
