package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
)

// MigrateWith applies the migrations of ms above the database's version, up
// to target (0 = all). Migrate calls it with the embedded migrations; tests
// pass crafted lists (a migration that fails half-way).
//
// All pending migrations run in ONE transaction together with the version
// bump: an upgrade across several versions either completes or leaves the
// database exactly as it was, still readable by the version that wrote it.
// (SQLite's DDL is transactional. A migration that rebuilds a table uses
// PRAGMA defer_foreign_keys, not foreign_keys=off, which a transaction
// ignores.) Before an existing database is upgraded, a copy is kept beside
// it as <file>.schema-<old>.bak.
func (db *DB) MigrateWith(ctx context.Context, ms []Migration, target int) error {
	if len(ms) == 0 {
		return fmt.Errorf("migrate %s: no migrations", db.Path)
	}
	cur, err := db.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("migrate: read version: %w", err)
	}
	if latest := ms[len(ms)-1].Version; cur > latest {
		return fmt.Errorf("migrate %s: schema %d, this program knows %d: %w", db.Path, cur, latest, ErrTooNew)
	}
	var pending []Migration
	for _, m := range ms {
		if m.Version <= cur || (target > 0 && m.Version > target) {
			continue
		}
		pending = append(pending, m)
	}
	if len(pending) == 0 {
		return nil
	}
	if cur > 0 && db.Path != "" && db.Path != ":memory:" {
		if err := db.Backup(ctx, fmt.Sprintf("%s.schema-%d.bak", db.Path, cur)); err != nil {
			return fmt.Errorf("migrate %s: keep a copy before upgrading: %w", db.Path, err)
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", db.Path, err)
	}
	defer tx.Rollback()
	for _, m := range pending {
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return fmt.Errorf("migrate %s: %s: %w (nothing was changed)", db.Path, m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, m.Version)); err != nil {
			return fmt.Errorf("migrate %s: %s: set version: %w", db.Path, m.Name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate %s: commit: %w", db.Path, err)
	}
	return nil
}

// refuseTooNew reads the schema version of an existing file without
// changing it (read-only, no journal-mode switch) and refuses one written
// by a newer program before anything else touches the file.
func refuseTooNew(path string) error {
	if info, err := os.Stat(path); err != nil || info.Size() == 0 {
		return nil // a new database
	}
	ro, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=10000")
	if err != nil {
		return nil
	}
	defer ro.Close()
	var v int
	if err := ro.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil {
		return nil // Open reports what is wrong with the file
	}
	ms, err := Migrations()
	if err != nil {
		return err
	}
	if latest := ms[len(ms)-1].Version; v > latest {
		return fmt.Errorf("open %s: schema %d, this program knows %d: %w", path, v, latest, ErrTooNew)
	}
	return nil
}
