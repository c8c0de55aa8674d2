package sqlite_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"yizhan/app/sqlite"
	"yizhan/internal/migrate"
)

var ctx = context.Background()

// MustOpenDB opens a fresh database file in tb.TempDir() and closes it at the
// end of the test.
func MustOpenDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(filepath.Join(tb.TempDir(), "station.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func latest(tb testing.TB) int {
	tb.Helper()
	ms, err := sqlite.Migrations()
	if err != nil {
		tb.Fatal(err)
	}
	return ms[len(ms)-1].Version
}

// schema returns the database's schema as sorted "type name: sql" lines.
func schema(tb testing.TB, db *sql.DB) string {
	tb.Helper()
	rows, err := db.Query(`SELECT type, name, tbl_name, coalesce(sql,'') FROM sqlite_master ORDER BY type, name`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var typ, name, tbl, sql string
		if err := rows.Scan(&typ, &name, &tbl, &sql); err != nil {
			tb.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %s on %s: %s", typ, name, tbl, sql))
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return strings.Join(out, "\n")
}

func version(tb testing.TB, db *sqlite.DB) int {
	tb.Helper()
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

func fileHash(tb testing.TB, path string) [32]byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return sha256.Sum256(b)
}

func TestMigrations(t *testing.T) {
	ms, err := sqlite.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		if m.Version != i+1 {
			t.Fatalf("migration %s has version %d, want %d: versions must be 1, 2, 3... without gaps", m.Name, m.Version, i+1)
		}
		if strings.TrimSpace(m.SQL) == "" {
			t.Fatalf("migration %s is empty", m.Name)
		}
	}
}

func TestOpen(t *testing.T) {
	fresh := MustOpenDB(t)
	want := schema(t, fresh.DB)

	t.Run("OK/FromEmpty", func(t *testing.T) {
		if got := version(t, fresh); got != latest(t) {
			t.Fatalf("got version %d, want %d", got, latest(t))
		}
		for _, table := range []string{"cases", "events", "audit", "staff", "catalog_items", "case_name_grams"} {
			if !strings.Contains(want, "table "+table+" ") {
				t.Errorf("table %s missing from the schema", table)
			}
		}
		var fk int
		if err := fresh.QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
			t.Errorf("got foreign_keys %d (%v), want 1", fk, err)
		}
		var mode string
		if err := fresh.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
			t.Errorf("got journal_mode %q (%v), want wal", mode, err)
		}
	})

	for v := 0; v < latest(t); v++ {
		t.Run(fmt.Sprintf("OK/FromVersion%d", v), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "station.db")
			old, err := sqlite.OpenAt(path, v)
			if err != nil {
				t.Fatal(err)
			}
			if got := version(t, old); got != v {
				t.Fatalf("OpenAt(%d): got version %d", v, got)
			}
			old.Close()
			db, err := sqlite.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if got := version(t, db); got != latest(t) {
				t.Fatalf("got version %d, want %d", got, latest(t))
			}
			if got := schema(t, db.DB); got != want {
				t.Fatalf("schema after migrating from %d differs from a fresh one:\ngot\n%s\nwant\n%s", v, got, want)
			}
		})
	}

	t.Run("OK/Reopen", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "station.db")
		for i := 0; i < 2; i++ {
			db, err := sqlite.Open(path)
			if err != nil {
				t.Fatalf("open %d: %v", i, err)
			}
			if got := schema(t, db.DB); got != want {
				t.Fatalf("open %d: schema differs", i)
			}
			db.Close()
		}
	})

	t.Run("ErrTooNew", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "station.db")
		db, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, latest(t)+1)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`CREATE TABLE from_the_future (x)`); err != nil {
			t.Fatal(err)
		}
		db.Close()
		before := fileHash(t, path)

		_, err = sqlite.Open(path)
		if !errors.Is(err, migrate.ErrTooNew) {
			t.Fatalf("got %v, want ErrTooNew", err)
		}
		if after := fileHash(t, path); after != before {
			t.Fatalf("opening a newer database changed the file")
		}
		raw, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		var v int
		if err := raw.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil || v != latest(t)+1 {
			t.Fatalf("got user_version %d (%v), want %d", v, err, latest(t)+1)
		}
	})
}

func TestTx(t *testing.T) {
	db := MustOpenDB(t)
	t.Run("OK", func(t *testing.T) {
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.Exec(`INSERT INTO meta(key,value) VALUES('a','1')`)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrRollsBack", func(t *testing.T) {
		boom := errors.New("boom")
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.Exec(`INSERT INTO meta(key,value) VALUES('b','2')`); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("got %v, want %v", err, boom)
		}
		var n int
		db.QueryRow(`SELECT count(*) FROM meta WHERE key='b'`).Scan(&n)
		if n != 0 {
			t.Fatalf("got %d rows after rollback, want 0", n)
		}
	})
	t.Run("IntegrityCheck", func(t *testing.T) {
		if err := db.IntegrityCheck(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// TestCheckpointer: committed pages reach the database file itself once
// the station pauses, without anyone checkpointing by hand, and closing
// stops the checkpointer.
func TestCheckpointer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "station.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.Exec(`INSERT INTO meta(key,value) VALUES(?, 'x')`, fmt.Sprint("k", i))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// immutable=1 reads the database file alone, never the WAL (and
	// never notices a change: a fresh connection each time).
	inFile := func() int {
		file, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&immutable=1")
		if err != nil {
			t.Fatal(err)
		}
		defer file.Close()
		var n int
		file.QueryRow(`SELECT count(*) FROM meta WHERE key LIKE 'k%'`).Scan(&n)
		return n
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		n := inFile()
		if n == 20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the database file holds %d of 20 committed rows: the WAL was never checkpointed", n)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
}
