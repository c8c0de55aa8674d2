package postgres_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"yizhan/domain"
	"yizhan/hall"
	hallpg "yizhan/hall/postgres"
	"yizhan/hall/postgres/pgtest"
	"yizhan/hall/storetest"
	"yizhan/internal/migrate"
)

func openStore(tb testing.TB) hall.Store {
	tb.Helper()
	s, err := hallpg.Open(context.Background(), pgtest.Schema(tb))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, openStore)
}

// TestMigrateConcurrently opens one empty schema from several goroutines at
// once, as hall processes starting together do: the advisory lock lets one
// migrate and the others find the schema done.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := pgtest.Schema(t)
	const n = 6
	var wg sync.WaitGroup
	errs := make([]error, n)
	stores := make([]*hallpg.Store, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = hallpg.Open(ctx, dsn)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	want := migrationCount(t)
	v, err := stores[0].SchemaVersion(ctx)
	if err != nil || v != want {
		t.Errorf("schema version %d, %v; want %d", v, err, want)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var rows int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&rows); err != nil || rows != want {
		t.Errorf("schema_migrations has %d rows (%v), want %d", rows, err, want)
	}
}

// migrationCount is the number of migration files: the schema version a
// new store reaches.
func migrationCount(t *testing.T) int {
	t.Helper()
	files, err := filepath.Glob("migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("migrations: %v %v", files, err)
	}
	return len(files)
}

func TestRefuseNewerSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := pgtest.Schema(t)
	s, err := hallpg.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `INSERT INTO schema_migrations(version, name) VALUES(99, '0099_future.sql')`); err != nil {
		t.Fatal(err)
	}
	if _, err := hallpg.Open(ctx, dsn); !errors.Is(err, migrate.ErrTooNew) {
		t.Errorf("got %v, want ErrTooNew", err)
	}
}

// TestUpgradeFromSchema1 opens a schema written by migration 1 with a case
// in it: migration 2 fills the new search columns from the case's body.
func TestUpgradeFromSchema1(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := pgtest.Schema(t)
	init1, err := os.ReadFile(filepath.Join("migrations", "0001_init.sql"))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	body := `{"id":"c1","number":"A01-1","station":"A01","holder":"A01","item_code":"X-1","item_name":"低保","serial":"S9",` +
		`"state":"evaluated","received_at":"2026-03-02T17:00:00.5+08:00","evaluation":{"level":2}}`
	for _, q := range []string{string(init1),
		`CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
		`INSERT INTO schema_migrations(version, name) VALUES(1, '0001_init.sql')`,
		`INSERT INTO log(event_id,case_id,station,office,kind,hlc,status,event,received_at) VALUES('e1','c1','A01','A01','open','h','accepted','{}',now())`,
		`INSERT INTO log(event_id,case_id,station,office,kind,hlc,status,event,received_at) VALUES('e2','c1','A01','A01','evaluate','h','accepted','{"kind":"evaluate","from":"delivered"}',now())`,
		`INSERT INTO cases(id,number,station,holder,state,last_seq,body) SELECT 'c1','A01-1','A01','A01','evaluated',seq,'` + body + `' FROM log WHERE event_id='e1'`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	s, err := hallpg.Open(ctx, dsn)
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
