package sqlite_test

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"yizhan/app/sqlite"
	"yizhan/internal/migrate"
)

// insertCase writes a minimal case row numbered n.
func insertCase(tb testing.TB, db *sql.DB, n int) {
	tb.Helper()
	_, err := db.Exec(`INSERT INTO cases(id,number,station,holder,item_code,item_version,item_name,state,channel,applicant_name,applicant_id,applicant_idrev,applicant_phone,received_at,updated_at,body)
		VALUES(?,?,'370112001','370112001','370112-RS-001-01-S',1,'参保登记','received','window','张三','110105195001010039','930010105910501011','13812345678','2026-03-02T01:00:00.000000000Z','2026-03-02T01:00:00.000000000Z','{}')`,
		fmt.Sprintf("case-%d", n), fmt.Sprintf("370112001-20260302-%04d", n))
	if err != nil {
		tb.Fatalf("insert case %d: %v", n, err)
	}
}

func countCases(tb testing.TB, path string) int {
	tb.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM cases`).Scan(&n); err != nil {
		tb.Fatalf("count cases in %s: %v", path, err)
	}
	return n
}

func TestBackup(t *testing.T) {
	t.Run("OK/WhileWriting", func(t *testing.T) {
		db := MustOpenDB(t)
		for i := 0; i < 50; i++ {
			insertCase(t, db.DB, i)
		}
		var written atomic.Int64
		written.Store(50)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 50; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				insertCase(t, db.DB, i)
				written.Add(1)
			}
		}()
		dir := t.TempDir()
		var paths []string
		for i := 0; i < 3; i++ {
			p := filepath.Join(dir, fmt.Sprintf("backup-%d.db", i))
			if err := db.Backup(ctx, p); err != nil {
				close(stop)
				wg.Wait()
				t.Fatalf("backup %d: %v", i, err)
			}
			paths = append(paths, p)
		}
		close(stop)
		wg.Wait()
		prev := 0
		for _, p := range paths {
			v, err := sqlite.CheckBackup(ctx, p)
			if err != nil {
				t.Fatalf("check %s: %v", p, err)
			}
			if v != latest(t) {
				t.Fatalf("got schema %d, want %d", v, latest(t))
			}
			n := countCases(t, p)
			if n < 50 || n > int(written.Load()) || n < prev {
				t.Fatalf("backup %s holds %d cases, want between %d and %d", p, n, max(50, prev), written.Load())
			}
			prev = n
			if _, err := os.Stat(p + ".tmp"); !os.IsNotExist(err) {
				t.Fatalf("temporary file left behind: %v", err)
			}
		}
	})

	t.Run("OK/Overwrite", func(t *testing.T) {
		db := MustOpenDB(t)
		p := filepath.Join(t.TempDir(), "backup.db")
		insertCase(t, db.DB, 1)
		if err := db.Backup(ctx, p); err != nil {
			t.Fatal(err)
		}
		insertCase(t, db.DB, 2)
		if err := db.Backup(ctx, p); err != nil {
			t.Fatal(err)
		}
		if got := countCases(t, p); got != 2 {
			t.Fatalf("got %d cases, want 2", got)
		}
	})
}

func TestCheckBackup(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	other := filepath.Join(dir, "other.db")
	if raw, err := sql.Open("sqlite3", other); err == nil {
		raw.Exec(`CREATE TABLE notes (x)`)
		raw.Close()
	}
	newer := filepath.Join(dir, "newer.db")
	if db, err := sqlite.Open(newer); err == nil {
		db.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, latest(t)+1))
		db.Close()
	}
	for _, tt := range []struct {
		name, path string
		tooNew     bool
	}{
		{"ErrMissing", filepath.Join(dir, "nope.db"), false},
		{"ErrGarbage", write("garbage.db", []byte("this is not a database, just text pretending to be one......................................................")), false},
		{"ErrEmptyFile", write("empty.db", nil), false},
		{"ErrNotStation", other, false},
		{"ErrTooNew", newer, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sqlite.CheckBackup(ctx, tt.path)
			if err == nil {
				t.Fatalf("got nil, want an error")
			}
			if got := errors.Is(err, migrate.ErrTooNew); got != tt.tooNew {
				t.Fatalf("got ErrTooNew=%v (%v), want %v", got, err, tt.tooNew)
			}
		})
	}
}

func TestRestore(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "station.db")
		db, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		insertCase(t, db.DB, 1)
		backup := filepath.Join(dir, "backup.db")
		if err := db.Backup(ctx, backup); err != nil {
			t.Fatal(err)
		}
		insertCase(t, db.DB, 2) // made after the backup: lost by the restore, kept aside
		db.Close()

		if err := sqlite.Restore(ctx, backup, path); err != nil {
			t.Fatal(err)
		}
		if got := countCases(t, path); got != 1 {
			t.Fatalf("got %d cases after restore, want 1", got)
		}
		if got := countCases(t, path+".before-restore"); got != 2 {
			t.Fatalf("got %d cases in .before-restore, want 2", got)
		}
		db, err = sqlite.Open(path)
		if err != nil {
			t.Fatalf("open restored database: %v", err)
		}
		defer db.Close()
		if err := db.IntegrityCheck(ctx); err != nil {
			t.Fatal(err)
		}
		insertCase(t, db.DB, 3)
	})

	t.Run("ErrGarbage", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "station.db")
		db, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		insertCase(t, db.DB, 1)
		db.Close()
		before := fileHash(t, path)
		garbage := filepath.Join(dir, "garbage.db")
		if err := os.WriteFile(garbage, []byte("PK\x03\x04 definitely a zip, not a database"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := sqlite.Restore(ctx, garbage, path); err == nil {
			t.Fatal("got nil, want an error")
		}
		if fileHash(t, path) != before {
			t.Fatalf("refused restore changed the database")
		}
		for _, suffix := range []string{".before-restore", ".restore.tmp"} {
			if _, err := os.Stat(path + suffix); !os.IsNotExist(err) {
				t.Fatalf("refused restore left %s behind", suffix)
			}
		}
		if got := countCases(t, path); got != 1 {
			t.Fatalf("got %d cases, want 1", got)
		}
	})
}
