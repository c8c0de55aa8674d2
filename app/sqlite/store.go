package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"yizhan/app"
	"yizhan/domain"
	"yizhan/internal/migrate"
)

var _ app.Store = (*DB)(nil)

// OpenDir opens (creating if needed) the station database in the data
// directory dir, which it creates owner-only: the store app.New takes.
// A database written by a newer program is refused untouched, with an
// error that tells the clerk to upgrade (and wraps migrate.ErrTooNew).
func OpenDir(dir string) (*DB, error) {
	if dir == "" {
		return nil, errors.New("open station: data directory required")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open station: %w", err)
	}
	db, err := Open(filepath.Join(dir, app.DBFile))
	if errors.Is(err, migrate.ErrTooNew) {
		return nil, fmt.Errorf("%w (%w)", domain.Errorf(domain.EInvalid, "该数据库由更新版本的驿站写入，请先升级本软件再打开。",
			"station database written by a newer program"), err)
	}
	if err != nil {
		return nil, fmt.Errorf("open station: %w", err)
	}
	return db, nil
}

// Update runs fn in one write transaction (BEGIN IMMEDIATE: it holds the
// write lock from the start, so it never fails half-way on a busy
// database), committed when fn returns nil.
func (db *DB) Update(ctx context.Context, fn func(app.Tx) error) error {
	return db.Tx(ctx, func(tx *sql.Tx) error { return fn(&txn{ctx: ctx, tx: tx}) })
}

// View runs fn with reads on the database outside a transaction: each read
// sees what was committed when it ran and never waits for the writer. A
// caller whose reads must agree with each other uses Update.
func (db *DB) View(ctx context.Context, fn func(app.Tx) error) error {
	return fn(&txn{ctx: ctx, q: db.DB})
}

// txn is one Update or View. Exactly one of tx (Update) and q (View) is set.
type txn struct {
	ctx        context.Context
	tx         *sql.Tx
	q          *sql.DB
	savepoints int // savepoints opened, for their names
}

// errReadOnly is returned for a write attempted in a View.
var errReadOnly = errors.New("sqlite: write in a read-only view")

// exec runs a write; in a View it refuses. A write the data do not allow
// (a UNIQUE, CHECK, NOT NULL or foreign key constraint) is reported as
// app.ErrConstraint as well as SQLite's error.
func (t *txn) exec(query string, args ...any) (sql.Result, error) {
	if t.tx == nil {
		return nil, errReadOnly
	}
	res, err := t.tx.ExecContext(t.ctx, query, args...)
	if IsConstraint(err) {
		return res, fmt.Errorf("%w: %w", app.ErrConstraint, err)
	}
	return res, err
}

func (t *txn) query(query string, args ...any) (*sql.Rows, error) {
	if t.tx != nil {
		return t.tx.QueryContext(t.ctx, query, args...)
	}
	return t.q.QueryContext(t.ctx, query, args...)
}

func (t *txn) queryRow(query string, args ...any) *sql.Row {
	if t.tx != nil {
		return t.tx.QueryRowContext(t.ctx, query, args...)
	}
	return t.q.QueryRowContext(t.ctx, query, args...)
}

// count runs a query that returns one integer.
func (t *txn) count(query string, args ...any) (int, error) {
	var n int
	err := t.queryRow(query, args...).Scan(&n)
	return n, err
}

// OpenStation opens the station whose data directory is cfg.Dir over its
// SQLite database (OpenDir, then app.New): the wiring the desktop app, the
// station CLI, the tools and the tests share. The station owns the
// database (its Close closes it); the DB is returned for the tools and
// tests that read it directly.
func OpenStation(ctx context.Context, cfg app.Config) (*app.Station, *DB, error) {
	db, err := OpenDir(cfg.Dir)
	if err != nil {
		return nil, nil, err
	}
	st, err := app.New(ctx, db, cfg)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return st, db, nil
}
