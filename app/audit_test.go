package app_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"yizhan/app"
	"yizhan/app/sqlite"
	"yizhan/domain"
)

// busyStation returns a station with some activity in its audit trail.
func busyStation(t *testing.T) *TestStation {
	t.Helper()
	s := MustOpenStation(t)
	c := mustOpenCase(t, s, itemStationNow, zhang)
	if _, err := s.Accept(ctx, s.Clerk, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ShowCase(ctx, s.Clerk, c.ID, false, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindCases(ctx, s.Clerk, app.CaseFilter{Query: "张三"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SignIn(ctx, "li", "wrong-password"); err == nil {
		t.Fatal("wrong password accepted")
	}
	return s
}

// attacker opens the station's database file directly, as someone with the
// PC in their hands could.
func attacker(t *testing.T, s *TestStation) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", sqlite.DSN(filepath.Join(s.Dir, app.DBFile)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func verify(t *testing.T, s *TestStation) app.AuditReport {
	t.Helper()
	rep, err := s.VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestVerifyAudit(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		s := busyStation(t)
		rep := verify(t, s)
		if !rep.OK || rep.Rows < 9 || rep.Broken != 0 {
			t.Fatalf("got %+v, want an intact chain of at least 9 rows", rep)
		}
		seq, head, err := s.AuditHead(ctx)
		if err != nil || seq != rep.Rows || head != rep.Head {
			t.Fatalf("got head %d %q (%v), want %d %q", seq, head, err, rep.Rows, rep.Head)
		}
	})

	t.Run("ErrTriggersRefuseEdits", func(t *testing.T) {
		s := busyStation(t)
		db := attacker(t, s)
		for _, q := range []string{`UPDATE audit SET detail='edited' WHERE seq=3`, `DELETE FROM audit WHERE seq=3`} {
			_, err := db.Exec(q)
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Fatalf("%s: got %v, want refused as append-only", q, err)
			}
		}
		if rep := verify(t, s); !rep.OK {
			t.Fatalf("got %+v after refused edits, want intact", rep)
		}
	})

	t.Run("ErrEditedRow", func(t *testing.T) {
		s := busyStation(t)
		db := attacker(t, s)
		for _, q := range []string{`DROP TRIGGER audit_no_update`, `UPDATE audit SET detail='nothing happened' WHERE seq=5`} {
			if _, err := db.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		rep := verify(t, s)
		if rep.OK || rep.Broken != 5 || !strings.Contains(rep.Detail, "altered") {
			t.Fatalf("got %+v, want broken at 5 (altered)", rep)
		}
	})

	t.Run("ErrMovedText", func(t *testing.T) {
		// Moving text between fields keeps the concatenation but not the hash.
		s := busyStation(t)
		db := attacker(t, s)
		var action, target string
		db.QueryRow(`SELECT action, target FROM audit WHERE seq=6`).Scan(&action, &target)
		if _, err := db.Exec(`DROP TRIGGER audit_no_update`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`UPDATE audit SET action=?, target=? WHERE seq=6`, action[:len(action)-1], action[len(action)-1:]+target); err != nil {
			t.Fatal(err)
		}
		if rep := verify(t, s); rep.OK || rep.Broken != 6 {
			t.Fatalf("got %+v, want broken at 6", rep)
		}
	})

	t.Run("ErrDeletedRow", func(t *testing.T) {
		s := busyStation(t)
		db := attacker(t, s)
		for _, q := range []string{`DROP TRIGGER audit_no_delete`, `DELETE FROM audit WHERE seq=4`} {
			if _, err := db.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		rep := verify(t, s)
		if rep.OK || rep.Broken != 5 || !strings.Contains(rep.Detail, "row 4 missing") {
			t.Fatalf("got %+v, want broken at 5 with row 4 missing", rep)
		}
	})
}

func TestAuditLog(t *testing.T) {
	s := busyStation(t)
	_, err := s.AuditLog(ctx, s.Clerk, "", 10)
	wantCode(t, err, domain.EForbidden)
	rows, err := s.AuditLog(ctx, s.Head, "", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || rows[0].Seq < rows[4].Seq {
		t.Fatalf("got %d rows, want 5 newest first", len(rows))
	}
	if got := lastAudit(t, s, 1); got[0] != "audit.view" {
		t.Fatalf("got %v, want reading the log audited", got)
	}
	if rep := verify(t, s); !rep.OK {
		t.Fatalf("got %+v", rep)
	}
}
