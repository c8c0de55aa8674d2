package migrate_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	_ "github.com/mattn/go-sqlite3"

	"yizhan/internal/migrate"
)

var ctx = context.Background()

// mustOpen opens a new SQLite file in t.TempDir() whose transactions begin
// IMMEDIATE, as the stores' writers do.
func mustOpen(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(t.TempDir(), "m.db")+"?_txlock=immediate&_journal_mode=WAL")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func version(t *testing.T, db *sql.DB) int {
	t.Helper()
	var v int
	if err := db.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func tables(t *testing.T, db *sql.DB) string {
	t.Helper()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type='table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return strings.Join(out, ",")
}

var three = []migrate.Migration{
	{Version: 1, Name: "0001_a.sql", SQL: `CREATE TABLE a (x);`},
	{Version: 2, Name: "0002_b.sql", SQL: `CREATE TABLE b (x); INSERT INTO a VALUES (1);`},
	{Version: 3, Name: "0003_c.sql", SQL: `CREATE TABLE c (x);`},
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		want    []int
		wantErr string
	}{
		{"OK", map[string]string{"m/0002_b.sql": "B", "m/0001_a.sql": "A", "m/README": "x"}, []int{1, 2}, ""},
		{"ErrGap", map[string]string{"m/0001_a.sql": "A", "m/0003_c.sql": "C"}, nil, "want 2"},
		{"ErrRepeat", map[string]string{"m/0001_a.sql": "A", "m/0001_b.sql": "B"}, nil, "want 2"},
		{"ErrPrefix", map[string]string{"m/init.sql": "A"}, nil, "bad version prefix"},
		{"ErrNone", map[string]string{"m/README": "x"}, nil, "no *.sql"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for n, c := range tt.files {
				fsys[n] = &fstest.MapFile{Data: []byte(c)}
			}
			ms, err := migrate.Load(fsys, "m")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, m := range ms {
				got = append(got, m.Version)
			}
			if len(got) != len(tt.want) || got[0] != tt.want[0] || got[len(got)-1] != tt.want[len(tt.want)-1] {
				t.Fatalf("got versions %v, want %v", got, tt.want)
			}
			if ms[0].Name != "0001_a.sql" || ms[0].SQL != "A" {
				t.Fatalf("got %+v, want 0001_a.sql with its content", ms[0])
			}
		})
	}
}

func TestRun(t *testing.T) {
	bad := append(append([]migrate.Migration(nil), three[:2]...),
		migrate.Migration{Version: 3, Name: "0003_bad.sql", SQL: `CREATE TABLE c (x); INSERT INTO no_such_table VALUES (1);`})
	tests := []struct {
		name        string
		from        int // applied before the run under test
		ms          []migrate.Migration
		opt         migrate.Options
		wantVersion int
		wantTables  string
		wantErr     string
		wantBackup  []int // BeforeUpgrade calls
	}{
		{"OK/Fresh", 0, three, migrate.Options{}, 3, "a,b,c", "", nil},
		{"OK/FreshOneTransaction", 0, three, migrate.Options{OneTransaction: true}, 3, "a,b,c", "", nil},
		{"OK/Target", 0, three, migrate.Options{Target: 2}, 2, "a,b", "", nil},
		{"OK/UpToDate", 3, three, migrate.Options{}, 3, "a,b,c", "", nil},
		{"OK/UpgradeKeepsCopyFirst", 1, three, migrate.Options{OneTransaction: true}, 3, "a,b,c", "", []int{1}},
		// Each in its own transaction: the steps before the failing one stay.
		{"ErrFailedStepKeepsEarlierSteps", 1, bad, migrate.Options{}, 2, "a,b", "0003_bad.sql", []int{1}},
		// One transaction: nothing of the upgrade stays.
		{"ErrFailedUpgradeChangesNothing", 1, bad, migrate.Options{OneTransaction: true}, 1, "a", "0003_bad.sql", []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := mustOpen(t)
			if tt.from > 0 {
				if err := migrate.Run(ctx, migrate.SQLite(db), three, migrate.Options{Target: tt.from}); err != nil {
					t.Fatal(err)
				}
			}
			var backups []int
			opt := tt.opt
			opt.BeforeUpgrade = func(_ context.Context, from int) error {
				backups = append(backups, from)
				return nil
			}
			err := migrate.Run(ctx, migrate.SQLite(db), tt.ms, opt)
			if tt.wantErr == "" && err != nil {
				t.Fatal(err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "no_such_table")) {
				t.Fatalf("got %v, want the failing migration %s named with its cause", err, tt.wantErr)
			}
			if got := version(t, db); got != tt.wantVersion {
				t.Errorf("got version %d, want %d", got, tt.wantVersion)
			}
			if got := tables(t, db); got != tt.wantTables {
				t.Errorf("got tables %s, want %s", got, tt.wantTables)
			}
			if len(backups) != len(tt.wantBackup) || (len(backups) > 0 && backups[0] != tt.wantBackup[0]) {
				t.Errorf("BeforeUpgrade got %v, want %v", backups, tt.wantBackup)
			}
		})
	}
}

func TestRunRefusesNewer(t *testing.T) {
	for _, one := range []bool{false, true} {
		db := mustOpen(t)
		if err := migrate.Run(ctx, migrate.SQLite(db), three, migrate.Options{}); err != nil {
			t.Fatal(err)
		}
		called := false
		err := migrate.Run(ctx, migrate.SQLite(db), three[:2], migrate.Options{OneTransaction: one,
			BeforeUpgrade: func(context.Context, int) error { called = true; return nil }})
		if !errors.Is(err, migrate.ErrTooNew) {
			t.Fatalf("OneTransaction=%v: got %v, want ErrTooNew", one, err)
		}
		if called {
			t.Fatalf("OneTransaction=%v: a newer database was about to be upgraded", one)
		}
		if got := version(t, db); got != 3 {
			t.Fatalf("got version %d, want 3 untouched", got)
		}
	}
}

// TestBeforeUpgradeStops: a failing BeforeUpgrade (the station could not
// keep its copy) stops the upgrade before anything changes.
func TestBeforeUpgradeStops(t *testing.T) {
	db := mustOpen(t)
	if err := migrate.Run(ctx, migrate.SQLite(db), three, migrate.Options{Target: 1}); err != nil {
		t.Fatal(err)
	}
	disk := errors.New("disk full")
	err := migrate.Run(ctx, migrate.SQLite(db), three, migrate.Options{OneTransaction: true,
		BeforeUpgrade: func(context.Context, int) error { return disk }})
	if !errors.Is(err, disk) {
		t.Fatalf("got %v, want %v", err, disk)
	}
	if got := version(t, db); got != 1 {
		t.Fatalf("got version %d, want 1", got)
	}
}

func TestRunNoMigrations(t *testing.T) {
	if err := migrate.Run(ctx, migrate.SQLite(mustOpen(t)), nil, migrate.Options{}); err == nil {
		t.Fatal("ran without migrations")
	}
}
