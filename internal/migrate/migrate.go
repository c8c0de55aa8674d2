// Package migrate applies a database's embedded, versioned schema
// migrations. It is the one runner behind the station's SQLite store
// (app/sqlite) and both of the hall's stores (hall/sqlite, hall/postgres):
// each adapter embeds its own NNNN_name.sql files and says how to open a
// transaction, read the version and record a step; the order of the steps,
// the refusal of a newer database and what one transaction covers are
// decided here, once.
package migrate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// ErrTooNew is returned when a database was written by a newer program:
// its schema version is above the newest migration this program knows.
// Such a database is never changed.
var ErrTooNew = errors.New("database schema is newer than this program")

// Migration is one schema step, read from the file NNNN_name.sql.
type Migration struct {
	// Version is the file's number: 1, 2, 3... without gaps.
	Version int
	// Name is the file's base name, e.g. "0002_indexes.sql".
	Name string
	// SQL is the file's content, run as one script.
	SQL string
}

// Load returns the migrations in directory dir of fsys (every *.sql file),
// in version order. Versions must run 1, 2, 3... without gaps or repeats:
// two files claiming one version (two branches each adding a migration)
// are refused here rather than applied in an arbitrary order.
func Load(fsys fs.FS, dir string) ([]Migration, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	var out []Migration
	for _, n := range names {
		base := path.Base(n)
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil || v < 1 {
			return nil, fmt.Errorf("migration %s: bad version prefix", base)
		}
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", base, err)
		}
		out = append(out, Migration{Version: v, Name: base, SQL: string(b)})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("migrations: no *.sql file in %s", dir)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %s: version %d, want %d: versions run 1, 2, 3... without gaps or repeats", m.Name, m.Version, i+1)
		}
	}
	return out, nil
}

// Latest returns the newest version in ms (0 for none).
func Latest(ms []Migration) int {
	if len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}

// CheckVersion returns an error wrapping ErrTooNew when a database at
// schema version cur was written by a newer program than the one that
// knows ms.
func CheckVersion(cur int, ms []Migration) error {
	if latest := Latest(ms); cur > latest {
		return fmt.Errorf("schema %d, this program knows %d: %w", cur, latest, ErrTooNew)
	}
	return nil
}

// Pending returns the migrations of ms a database at version cur still
// needs, up to target (0: all).
func Pending(ms []Migration, cur, target int) []Migration {
	var out []Migration
	for _, m := range ms {
		if m.Version <= cur || (target > 0 && m.Version > target) {
			continue
		}
		out = append(out, m)
	}
	return out
}

// DB is a database the runner migrates: an adapter's small translation of
// "begin", "read the version" and "record a step" into its own SQL.
type DB interface {
	// Begin opens a write transaction that keeps other migrators of the
	// same database out until it ends (SQLite: BEGIN IMMEDIATE; PostgreSQL:
	// a transaction on a connection that holds the migration lock), so
	// two processes starting at once never apply one step twice.
	Begin(ctx context.Context) (Tx, error)
}

// Tx is one migration transaction.
type Tx interface {
	// Version returns the schema version as this transaction sees it.
	Version(ctx context.Context) (int, error)
	// Apply runs m's SQL and records m.Version as the schema version.
	Apply(ctx context.Context, m Migration) error
	// Commit commits the transaction.
	Commit() error
	// Rollback abandons the transaction; after Commit it does nothing.
	Rollback() error
}

// Options say how Run applies the pending migrations.
type Options struct {
	// Target is the newest version to apply; 0 applies all. Tests use it
	// to build databases of every earlier schema.
	Target int
	// OneTransaction applies every pending migration in one transaction
	// with the version bump, so an upgrade across several versions either
	// completes or leaves the database exactly as it was, still readable
	// by the program that wrote it (the station). Otherwise each migration
	// commits in its own transaction with its version (the hall).
	OneTransaction bool
	// BeforeUpgrade, when set, runs once before an existing database
	// (version > 0) is upgraded, with the version it has; an error stops
	// the upgrade before anything changes. The station keeps a copy of its
	// database here.
	BeforeUpgrade func(ctx context.Context, from int) error
}

// Run applies the migrations of ms that db does not have yet. A database
// from a newer program is refused with ErrTooNew, untouched. Errors name
// the migration that failed; a failed migration changes nothing (nor, with
// OneTransaction, do the ones before it in the same upgrade).
func Run(ctx context.Context, db DB, ms []Migration, opt Options) error {
	if len(ms) == 0 {
		return errors.New("migrate: no migrations")
	}
	if opt.BeforeUpgrade != nil {
		cur, err := peek(ctx, db)
		if err != nil {
			return err
		}
		if err := CheckVersion(cur, ms); err != nil {
			return err
		}
		if cur > 0 && len(Pending(ms, cur, opt.Target)) > 0 {
			if err := opt.BeforeUpgrade(ctx, cur); err != nil {
				return err
			}
		}
	}
	for {
		applied, err := step(ctx, db, ms, opt)
		if err != nil || !applied || opt.OneTransaction {
			return err
		}
	}
}

// peek reads the schema version in a transaction it abandons.
func peek(ctx context.Context, db DB) (int, error) {
	tx, err := db.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrate: begin: %w", err)
	}
	defer tx.Rollback()
	cur, err := tx.Version(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrate: read version: %w", err)
	}
	return cur, nil
}

// step opens one transaction, reads the version in it (another process
// may have migrated since the last look) and applies the next pending
// migration, or all of them with OneTransaction. It reports whether it
// applied any.
func step(ctx context.Context, db DB, ms []Migration, opt Options) (bool, error) {
	tx, err := db.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("migrate: begin: %w", err)
	}
	defer tx.Rollback()
	cur, err := tx.Version(ctx)
	if err != nil {
		return false, fmt.Errorf("migrate: read version: %w", err)
	}
	if err := CheckVersion(cur, ms); err != nil {
		return false, err
	}
	pending := Pending(ms, cur, opt.Target)
	if len(pending) == 0 {
		return false, nil
	}
	if !opt.OneTransaction {
		pending = pending[:1]
	}
	for _, m := range pending {
		if err := tx.Apply(ctx, m); err != nil {
			return false, fmt.Errorf("%s: %w", m.Name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("%s: commit: %w", pending[len(pending)-1].Name, err)
	}
	return true, nil
}
