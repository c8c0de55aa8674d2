package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"

	"yizhan/internal/migrate"
)

// MigrateWith applies the migrations of ms above the database's version, up
// to target (0 = all), through the shared runner (internal/migrate).
// Migrate calls it with the embedded migrations; tests pass crafted lists
// (a migration that fails half-way).
//
// All pending migrations run in ONE transaction together with the version
// bump: an upgrade across several versions either completes or leaves the
// database exactly as it was, still readable by the version that wrote it.
// (SQLite's DDL is transactional. A migration that rebuilds a table uses
// PRAGMA defer_foreign_keys, not foreign_keys=off, which a transaction
// ignores.) Before an existing database is upgraded, a copy is kept beside
// it as <file>.schema-<old>.bak.
func (db *DB) MigrateWith(ctx context.Context, ms []migrate.Migration, target int) error {
	err := migrate.Run(ctx, migrate.SQLite(db.DB), ms, migrate.Options{
		Target:         target,
		OneTransaction: true,
		BeforeUpgrade: func(ctx context.Context, from int) error {
			if db.Path == "" || db.Path == ":memory:" {
				return nil
			}
			if err := db.Backup(ctx, fmt.Sprintf("%s.schema-%d.bak", db.Path, from)); err != nil {
				return fmt.Errorf("keep a copy before upgrading: %w", err)
			}
			return nil
		},
	})
	if err != nil {
		return fmt.Errorf("migrate %s: %w (nothing was changed)", db.Path, err)
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
	if err := migrate.CheckVersion(v, ms); err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	return nil
}
