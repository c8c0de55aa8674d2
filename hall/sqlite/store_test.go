package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"yizhan/domain"
	"yizhan/hall"
	hallsqlite "yizhan/hall/sqlite"
	"yizhan/hall/storetest"
	"yizhan/internal/migrate"
)

func openStore(tb testing.TB) hall.Store {
	tb.Helper()
	s, err := hallsqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "hall.db"))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, openStore)
}

func TestOpenTwiceAndPermissions(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hall.db")
	s1, err := hallsqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s1.Close()
	// A second process (the CLI while the server runs) opens the same file.
	s2, err := hallsqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	files, _ := filepath.Glob("migrations/*.sql")
	v, err := s2.SchemaVersion(ctx)
	if err != nil || v != len(files) || v < 3 {
		t.Errorf("schema version %d, %v; want %d, one a migration file", v, err, len(files))
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("database mode %v, want 0600: it holds personal data", fi.Mode().Perm())
	}
}

// TestUpgradeFromSchema1 opens a database written by schema 1 with a case
// in it: migration 2 fills the new search columns from the case's body.
func TestUpgradeFromSchema1(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hall.db")
	init1, err := os.ReadFile(filepath.Join("migrations", "0001_init.sql"))
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	body := `{"id":"c1","number":"A01-1","station":"A01","holder":"A01","item_code":"X-1","item_name":"低保","serial":"S9",` +
		`"state":"evaluated","received_at":"2026-03-02T17:00:00.5+08:00","evaluation":{"level":2}}`
	for _, q := range []string{string(init1),
		`INSERT INTO log(event_id,case_id,station,office,kind,hlc,status,event,received_at) VALUES('e1','c1','A01','A01','open','h','accepted','{}','x')`,
		`INSERT INTO log(event_id,case_id,station,office,kind,hlc,status,event,received_at) VALUES('e2','c1','A01','A01','evaluate','h','accepted','{"kind":"evaluate","from":"delivered"}','x')`,
		`INSERT INTO cases(id,number,station,holder,state,updated_at,last_seq,body) VALUES('c1','A01-1','A01','A01','evaluated','',1,'` + body + `')`,
		`PRAGMA user_version = 1`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := hallsqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.View(ctx, func(tx hall.Tx) error {
		for _, f := range []hall.CaseFilter{{Item: "X-1"}, {Query: "低"}, {Query: "s9"}, {BadReview: true},
			{From: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 9, 0, 1, 0, time.UTC)}} {
			cs, err := tx.FindCases(f)
			if err != nil {
				return err
			}
			if len(cs) != 1 {
				t.Errorf("filter %+v found %d cases after the upgrade, want 1", f, len(cs))
			}
		}
		// Migration 3: the case a rating had moved to evaluated is back in
		// the state it was rated in (the from of its evaluate event).
		c, err := tx.Case("c1")
		if err != nil {
			return err
		}
		if c == nil || c.State != domain.StateDelivered || c.Evaluation == nil || c.Evaluation.Level != 2 {
			t.Errorf("after the upgrade: %+v, want delivered with its rating", c)
		}
		if cs, err := tx.FindCases(hall.CaseFilter{State: domain.StateDelivered}); err != nil || len(cs) != 1 {
			t.Errorf("state filter after the upgrade: %d cases (%v), want 1", len(cs), err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRefuseNewerSchema: a hall database written by a newer hall is not
// opened, and the file stays as it was.
func TestRefuseNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hall.db")
	s, err := hallsqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`PRAGMA user_version = 99`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hallsqlite.Open(ctx, path); !errors.Is(err, migrate.ErrTooNew) {
		t.Fatalf("got %v, want ErrTooNew", err)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Fatal("refusing a newer database changed the file")
	}
}
