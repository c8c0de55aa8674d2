package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"yizhan/hall"
	hallsqlite "yizhan/hall/sqlite"
	"yizhan/hall/storetest"
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
	v, err := s2.SchemaVersion(ctx)
	if err != nil || v != 1 {
		t.Errorf("schema version %d, %v", v, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("database mode %v, want 0600: it holds personal data", fi.Mode().Perm())
	}
}
