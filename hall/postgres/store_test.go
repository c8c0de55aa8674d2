package postgres_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"yizhan/hall"
	hallpg "yizhan/hall/postgres"
	"yizhan/hall/postgres/pgtest"
	"yizhan/hall/storetest"
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
	v, err := stores[0].SchemaVersion(ctx)
	if err != nil || v != 1 {
		t.Errorf("schema version %d, %v; want 1", v, err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var rows int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&rows); err != nil || rows != 1 {
		t.Errorf("schema_migrations has %d rows (%v), want 1", rows, err)
	}
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
	if _, err := hallpg.Open(ctx, dsn); !errors.Is(err, hallpg.ErrTooNew) {
		t.Errorf("got %v, want ErrTooNew", err)
	}
}
