package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"

	"yizhan/internal/migrate"
)

// Backup writes a consistent copy of the open database to dst while the
// station keeps working (VACUUM INTO reads one snapshot). The copy is written
// beside dst and renamed into place, so a crash never leaves half a backup
// under the real name. It is readable by its owner only (mode 0600): it
// holds every applicant's data.
func (db *DB) Backup(ctx context.Context, dst string) error {
	tmp := dst + ".tmp"
	os.Remove(tmp)
	// VACUUM INTO takes an empty file as it is, so creating it first
	// decides its mode whatever the umask.
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup to %s: %w", dst, err)
	}
	f.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup to %s: %w", dst, err)
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup to %s: %w", dst, err)
	}
	if err := syncFile(tmp); err != nil {
		return fmt.Errorf("backup to %s: %w", dst, err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return fmt.Errorf("backup to %s: %w", dst, err)
	}
	return syncDir(filepath.Dir(dst))
}

// CheckBackup opens a backup read-only and checks that it is a sound station
// database this program can read.
func CheckBackup(ctx context.Context, path string) (schema int, err error) {
	if _, err := os.Stat(path); err != nil {
		return 0, fmt.Errorf("check backup: %w", err)
	}
	sdb, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return 0, fmt.Errorf("check backup %s: %w", path, err)
	}
	defer sdb.Close()
	var res string
	if err := sdb.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return 0, fmt.Errorf("check backup %s: not a database: %w", path, err)
	}
	if res != "ok" {
		return 0, fmt.Errorf("check backup %s: integrity: %s", path, res)
	}
	if err := sdb.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&schema); err != nil {
		return 0, fmt.Errorf("check backup %s: %w", path, err)
	}
	var n int
	if err := sdb.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name IN ('cases','events','audit')`).Scan(&n); err != nil || n != 3 {
		return 0, fmt.Errorf("check backup %s: not a station database", path)
	}
	ms, err := Migrations()
	if err != nil {
		return 0, err
	}
	if err := migrate.CheckVersion(schema, ms); err != nil {
		return schema, fmt.Errorf("check backup %s: %w", path, err)
	}
	return schema, nil
}

// Restore replaces the database file at dbPath with the backup at src. The
// database must be closed. The current file is kept as dbPath+".before-restore"
// so a restore of the wrong file can itself be undone.
func Restore(ctx context.Context, src, dbPath string) error {
	if _, err := CheckBackup(ctx, src); err != nil {
		return err
	}
	in, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	tmp := dbPath + ".restore.tmp"
	if err := os.WriteFile(tmp, in, 0o600); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if _, err := os.Stat(dbPath); err == nil {
		// Fold the WAL into the old file before setting it aside.
		if old, err := sql.Open("sqlite3", DSN(dbPath)); err == nil {
			old.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
			old.Close()
		}
		if err := os.Rename(dbPath, dbPath+".before-restore"); err != nil {
			return fmt.Errorf("restore: keep old database: %w", err)
		}
	}
	os.Remove(dbPath + "-wal")
	os.Remove(dbPath + "-shm")
	if err := os.Rename(tmp, dbPath); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return syncDir(filepath.Dir(dbPath))
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
