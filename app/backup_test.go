package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"filippo.io/age"

	"yizhan/app"
	"yizhan/app/sqlite"
	"yizhan/domain"
	"yizhan/internal/testclock"
)

func TestBackup(t *testing.T) {
	s := MustOpenStation(t)
	for i := 0; i < 3; i++ {
		mustOpenCase(t, s, itemStationNow, zhang)
	}

	t.Run("OK/WhileWorking", func(t *testing.T) {
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				if _, err := s.OpenCase(ctx, s.Clerk, app.OpenCaseInput{ItemCode: itemStationNow, Applicant: zhang}); err != nil {
					errs <- err
				}
			}
		}()
		path := filepath.Join(t.TempDir(), "backup.db")
		err := s.Backup(ctx, s.Head, path)
		wg.Wait()
		close(errs)
		if err != nil {
			t.Fatal(err)
		}
		for err := range errs {
			t.Fatalf("open case during backup: %v", err)
		}
		if _, err := sqlite.CheckBackup(ctx, path); err != nil {
			t.Fatal(err)
		}
		b, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		var n int
		b.QueryRow(`SELECT count(*) FROM cases`).Scan(&n)
		if n < 3 || n > 23 {
			t.Fatalf("got %d cases in the backup, want 3 to 23", n)
		}
		var audited int
		b.QueryRow(`SELECT count(*) FROM audit WHERE action='station.backup'`).Scan(&audited)
		if audited != 1 {
			t.Fatalf("the backup holds %d backup audit rows, want its own", audited)
		}
	})

	t.Run("ErrSignInRequired", func(t *testing.T) {
		wantCode(t, s.Backup(ctx, app.Actor{}, filepath.Join(t.TempDir(), "b.db")), domain.EUnauthorized)
	})
	t.Run("ErrHeadOnly", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "b.db")
		wantCode(t, s.Backup(ctx, s.Clerk, path), domain.EForbidden)
		if _, err := os.Stat(path); err == nil {
			t.Fatal("a clerk's backup was written")
		}
	})
	t.Run("OK/OwnerOnly", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "b.db")
		if err := s.Backup(ctx, s.Head, path); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("got mode %v (%v), want 0600", fi.Mode().Perm(), err)
		}
	})
	t.Run("OK/EncryptedRoundTrip", func(t *testing.T) {
		dir := t.TempDir()
		id, _ := age.GenerateX25519Identity()
		sealed, key := filepath.Join(dir, "b.db.age"), filepath.Join(dir, "key.txt")
		os.WriteFile(key, []byte("# the county's backup key\n"+id.String()+"\n"), 0o600)
		recips := filepath.Join(dir, "recipients.txt")
		os.WriteFile(recips, []byte("# county\n"+id.Recipient().String()+"\n\n"), 0o644)
		rs, err := app.ReadRecipients(recips)
		if err != nil || len(rs) != 1 {
			t.Fatalf("recipients file: %v %v", rs, err)
		}
		if err := s.Backup(ctx, s.Head, sealed, rs...); err != nil {
			t.Fatal(err)
		}
		restored := t.TempDir()
		if err := app.Restore(ctx, restored, sealed, key, sqlite.Restore); err != nil {
			t.Fatal(err)
		}
		if _, err := sqlite.CheckBackup(ctx, filepath.Join(restored, app.DBFile)); err != nil {
			t.Fatal(err)
		}
		wantCode(t, app.Restore(ctx, t.TempDir(), sealed, "", sqlite.Restore), domain.EInvalid)
	})
	t.Run("ErrBadRecipient", func(t *testing.T) {
		wantCode(t, s.Backup(ctx, s.Head, filepath.Join(t.TempDir(), "b.age"), "ssh-ed25519 AAAA"), domain.EInvalid)
		_, err := app.ReadRecipients(filepath.Join(t.TempDir(), "none"))
		wantCode(t, err, domain.EInvalid)
	})
}

func TestRestoreAndReopen(t *testing.T) {
	dir := t.TempDir()
	clock := testclock.New(start)
	s := mustOpenBare(t, dir, clock)
	first := mustOpenCase(t, s, itemStationNow, zhang)
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(ctx, s.Head, backup); err != nil {
		t.Fatal(err)
	}
	second := mustOpenCase(t, s, itemStationNow, zhang)
	kept, _ := s.PendingEvents(ctx, 1) // the first case's open: the newest event in the backup
	s.Close()

	if err := sqlite.Restore(ctx, backup, filepath.Join(dir, app.DBFile)); err != nil {
		t.Fatal(err)
	}
	// The PC's clock went back an hour meanwhile.
	clock.Set(start.Add(-time.Hour))
	r := mustReopen(t, dir, clock)
	if _, err := r.LoadCase(ctx, first.ID); err != nil {
		t.Fatalf("case from before the backup: %v", err)
	}
	_, err := r.LoadCase(ctx, second.ID)
	wantCode(t, err, domain.ENotFound)
	if c := mustOpenCase(t, r, itemStationNow, zhang); !strings.HasPrefix(c.Number, StationCode+"-2026030") {
		t.Fatalf("got number %s", c.Number)
	}
	evs, _ := r.PendingEvents(ctx, 100)
	if got, before := evs[len(evs)-1].HLC, kept[0].HLC; got <= before {
		t.Fatalf("got stamp %s after reopening, want it after %s despite the clock", got, before)
	}
	if rep, err := r.VerifyAudit(ctx); err != nil || !rep.OK {
		t.Fatalf("got %+v (%v), want the restored audit chain intact", rep, err)
	}
}

// mustReopen opens an existing station directory.
func mustReopen(t *testing.T, dir string, clock *testclock.Clock) *TestStation {
	t.Helper()
	s, db, err := sqlite.OpenStation(ctx, app.Config{Dir: dir, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if s.Code() != StationCode {
		t.Fatalf("got code %q after reopening", s.Code())
	}
	ts := &TestStation{Station: s, DB: db, Clock: clock, Dir: dir}
	ts.Clerk = app.Actor{ID: "clerk-id", Login: "li", Name: "李窗口", Role: app.RoleClerk}
	ts.Head = app.Actor{ID: "head-id", Login: "wang", Name: "王站长", Role: app.RoleHead}
	return ts
}

func TestOpenStation(t *testing.T) {
	t.Run("ErrTooNew", func(t *testing.T) {
		dir := t.TempDir()
		db, err := sqlite.Open(filepath.Join(dir, app.DBFile))
		if err != nil {
			t.Fatal(err)
		}
		db.Exec(`PRAGMA user_version = 999`)
		db.Close()
		_, _, err = sqlite.OpenStation(ctx, app.Config{Dir: dir})
		wantCode(t, err, domain.EInvalid)
		if !strings.Contains(domain.ErrorMessage(err), "newer") {
			t.Fatalf("got %v, want a message naming the newer schema", err)
		}
	})

	t.Run("ErrNoDir", func(t *testing.T) {
		if _, _, err := sqlite.OpenStation(ctx, app.Config{}); err == nil {
			t.Fatal("got nil, want an error")
		}
	})

	t.Run("ErrInitTwiceWithOtherCode", func(t *testing.T) {
		s := mustOpenBare(t, t.TempDir(), testclock.New(start))
		err := s.Init(ctx, app.Identity{Code: "370112009", Name: "别的站"})
		wantCode(t, err, domain.EConflict)
		if err := s.Init(ctx, app.Identity{Code: StationCode, Name: "改名后的中心"}); err != nil {
			t.Fatalf("renaming with the same code: %v", err)
		}
		wantCode(t, s.Init(ctx, app.Identity{Code: "hall", Name: "x"}), domain.EInvalid)
		wantCode(t, s.Init(ctx, app.Identity{Code: StationCode}), domain.EInvalid)
		wantCode(t, s.Init(ctx, app.Identity{Code: StationCode, Name: "x", Kind: "castle"}), domain.EInvalid)
	})

	t.Run("ErrNotInitialised", func(t *testing.T) {
		s, _, err := sqlite.OpenStation(ctx, app.Config{Dir: t.TempDir(), Now: testclock.New(start).Now})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		_, err = s.OpenCase(ctx, app.Actor{ID: "x", Login: "x"}, app.OpenCaseInput{ItemCode: itemStationNow, Applicant: zhang})
		wantCode(t, err, domain.EInvalid)
	})
}
