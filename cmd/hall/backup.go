package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// backupCmd writes an online backup of the hall into a directory: the
// database (SQLite: VACUUM INTO, one consistent snapshot while the server
// runs; PostgreSQL: pg_dump's custom format), the keys every enrolled
// station trusts, and the attachments. docs/hall-operations.md has the
// restore procedure.
//
//	hall backup DEST [--dir DATA] [--db PATH|postgres://...]
func init() {
	register(command{"backup", "DEST_DIR: an online backup: database snapshot, keys, attachments (restore: docs/hall-operations.md)", backupCmd})
}

func backupCmd(e *env, args []string) error {
	ctx, stdout, c := e.Ctx, e.Stdout, &e.common
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	pos, err := parse(fs, args, 1, 1, "DEST_DIR")
	if err != nil {
		return err
	}
	if c.dir == "" {
		return usageErr("--dir (or $YIZHAN_HALL_DIR) is required")
	}
	dest := pos[0]
	if same, _ := sameDir(dest, c.dir); same || strings.HasPrefix(absPath(dest), absPath(c.dir)+string(filepath.Separator)) {
		return fmt.Errorf("backup: %s is inside the data directory; back up to another disk", dest)
	}
	if err := os.MkdirAll(dest, 0o700); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	start := time.Now()
	var dbLine string
	if isPostgres(c.db) {
		out := filepath.Join(dest, "hall.pgdump")
		if err := pgDump(ctx, c.db, out); err != nil {
			return err
		}
		dbLine = "hall.pgdump (pg_dump --format=custom; restore with pg_restore)"
	} else {
		db := c.db
		if db == "" {
			db = filepath.Join(c.dir, "hall.db")
		}
		out := filepath.Join(dest, "hall.db")
		schema, sum, err := vacuumInto(ctx, db, out)
		if err != nil {
			return err
		}
		dbLine = fmt.Sprintf("hall.db (schema %d, sha256 %s)", schema, sum)
	}
	nk, err := copyTree(filepath.Join(c.dir, "keys"), filepath.Join(dest, "keys"), nil)
	if err != nil {
		return fmt.Errorf("backup keys: %w", err)
	}
	if nk == 0 {
		return errors.New("backup: no keys in " + filepath.Join(c.dir, "keys") + "; is --dir the hall's data directory?")
	}
	skipPartial := func(rel string) bool { return strings.HasPrefix(rel, "partial") }
	nb, err := copyTree(filepath.Join(c.dir, "blobs"), filepath.Join(dest, "blobs"), skipPartial)
	if err != nil {
		return fmt.Errorf("backup attachments: %w", err)
	}
	manifest := fmt.Sprintf("Yizhan hall backup\nversion: %s\ntaken: %s\ndatabase: %s\nkeys: %d files\nattachments: %d files copied (existing ones kept)\n",
		Version, start.Format(time.RFC3339), dbLine, nk, nb)
	if err := os.WriteFile(filepath.Join(dest, "BACKUP.txt"), []byte(manifest), 0o600); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "%s备份完成，用时 %.1f 秒：%s\n", manifest, time.Since(start).Seconds(), dest)
	return nil
}

// vacuumInto copies the live SQLite database into out as one snapshot,
// checks the copy, and returns its schema version and SHA-256.
func vacuumInto(ctx context.Context, db, out string) (int, string, error) {
	if _, err := os.Stat(db); err != nil {
		return 0, "", fmt.Errorf("backup: %w", err)
	}
	src, err := sql.Open("sqlite3", "file:"+db+"?_busy_timeout=15000")
	if err != nil {
		return 0, "", fmt.Errorf("backup: %w", err)
	}
	defer func() { _ = src.Close() }() // read only: the source database
	tmp := out + ".tmp"
	_ = os.Remove(tmp) // a leftover of an interrupted backup, if any
	if _, err := src.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		return 0, "", fmt.Errorf("backup %s: %w", db, err)
	}
	chk, err := sql.Open("sqlite3", "file:"+tmp+"?mode=ro")
	if err != nil {
		return 0, "", err
	}
	var res string
	var schema int
	err = chk.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res)
	if err == nil {
		err = chk.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&schema)
	}
	_ = chk.Close() // read only: the check's result is in err
	if err != nil || res != "ok" {
		_ = os.Remove(tmp) // the copy failed its check: the error says so
		return 0, "", fmt.Errorf("backup: the copy fails its check (%v %s)", err, res)
	}
	sum, err := syncAndHash(tmp)
	if err != nil {
		return 0, "", err
	}
	if err := os.Rename(tmp, out); err != nil {
		return 0, "", fmt.Errorf("backup: %w", err)
	}
	return schema, sum, nil
}

func syncAndHash(path string) (string, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return "", err
	}
	defer func() { _ = f.Close() }() // synced above
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	if err := f.Sync(); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// pgDump runs pg_dump in its custom format (restorable with pg_restore,
// table by table if need be).
func pgDump(ctx context.Context, url, out string) error {
	bin, err := exec.LookPath("pg_dump")
	if err != nil {
		return errors.New("backup: pg_dump not found; install the PostgreSQL client of the server's major version (Debian: postgresql-client)")
	}
	tmp := out + ".tmp"
	cmd := exec.CommandContext(ctx, bin, "--format=custom", "--no-owner", "--file="+tmp, "--dbname="+url)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		_ = os.Remove(tmp) // pg_dump failed: its error says so
		return fmt.Errorf("backup: pg_dump: %w", err)
	}
	if _, err := syncAndHash(tmp); err != nil {
		return err
	}
	return os.Rename(tmp, out)
}

// copyTree copies the regular files under src into dst, keeping relative
// paths, owner-only. Files already in dst with the same size are kept
// (attachments are content-addressed: same name, same bytes), so a nightly
// backup into the same directory copies only what is new.
func copyTree(src, dst string, skip func(rel string) bool) (int, error) {
	n := 0
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path == src {
				return filepath.SkipDir
			}
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if skip != nil && rel != "." && skip(rel) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if have, err := os.Stat(target); err == nil && have.Size() == info.Size() && !strings.HasSuffix(path, ".key") {
			return nil
		}
		if err := copyFile(path, target); err != nil {
			return err
		}
		n++
		return nil
	})
	return n, err
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer func() { _ = in.Close() }() // read only: nothing to lose
	tmp := dst + ".tmp"
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close() // the copy error is returned
		return err
	}
	if err := out.Sync(); err != nil {
		_ = out.Close() // the sync error is returned
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

func absPath(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return filepath.Clean(a)
}

func sameDir(a, b string) (bool, error) {
	return absPath(a) == absPath(b), nil
}
