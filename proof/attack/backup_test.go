package attack_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"

	"yizhan/app"
	appsqlite "yizhan/app/sqlite"
	"yizhan/domain"
)

// A station backup holds every applicant's data. Another account on the
// PC reads a backup left in a shared folder; a clerk (not the head of
// station) writes one to take home; a copy on a USB stick is lost. The
// backup is written for its owner only (mode 0600), by the head of
// station only, and a copy that leaves the PC can be encrypted to an age
// recipient: without the identity it reveals nothing and restores
// nothing, with it the station comes back.
func TestAttackBackupReadableByOthers(t *testing.T) {
	h := newHall(t)
	s := h.station("A01")
	ctx := context.Background()
	c := s.open(stationItem)
	dir := t.TempDir()

	plain := filepath.Join(dir, "station.db")
	if err := s.st.Backup(ctx, s.actor, plain); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(plain); err != nil || fi.Mode().Perm()&0o077 != 0 {
		t.Fatalf("backup mode %v (%v), want readable by its owner only", fi.Mode().Perm(), err)
	}

	if _, err := s.st.AddStaff(ctx, s.actor, "clerk", "文员", app.RoleClerk, "clerk-password-1"); err != nil {
		t.Fatal(err)
	}
	clerk, err := s.st.SignIn(ctx, "clerk", "clerk-password-1")
	if err != nil {
		t.Fatal(err)
	}
	taken := filepath.Join(dir, "take-home.db")
	if err := s.st.Backup(ctx, clerk.Actor(), taken); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("a clerk's backup: %v, want forbidden", err)
	}
	if _, err := os.Stat(taken); err == nil {
		t.Error("the clerk's backup was written")
	}
	if !s.audited("station.backup", "") {
		t.Error("the backup is not in the audit chain")
	}

	// Encrypted to the county's recipient: the stick holds no plaintext.
	id, _ := age.GenerateX25519Identity()
	other, _ := age.GenerateX25519Identity()
	sealed := filepath.Join(dir, "station.db.age")
	if err := s.st.Backup(ctx, s.actor, sealed, id.Recipient().String()); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(sealed)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(sealed); fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("encrypted backup mode %v", fi.Mode().Perm())
	}
	if !bytes.HasPrefix(b, []byte("age-encryption.org/v1\n")) || bytes.Contains(b, []byte("SQLite format 3")) ||
		bytes.Contains(b, []byte("11010519491231002X")) || bytes.Contains(b, []byte(c.Number)) {
		t.Fatal("the encrypted backup is not an age file, or holds plaintext")
	}
	for _, d := range []string{dir, s.dir} {
		ents, _ := os.ReadDir(d)
		for _, e := range ents {
			if strings.Contains(e.Name(), "tmp") || strings.Contains(e.Name(), "plain") {
				t.Errorf("a temporary file was left in %s: %s", d, e.Name())
			}
		}
	}
	if err := s.st.Backup(ctx, s.actor, filepath.Join(dir, "x.age"), "age1notarecipient"); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("a bad recipient: %v, want invalid", err)
	}

	// Restoring: a wrong or missing identity restores nothing; the right one does.
	fresh := t.TempDir()
	idFile, otherFile := filepath.Join(dir, "county.key"), filepath.Join(dir, "other.key")
	os.WriteFile(idFile, []byte(id.String()+"\n"), 0o600)
	os.WriteFile(otherFile, []byte(other.String()+"\n"), 0o600)
	for name, key := range map[string]string{"no identity": "", "wrong identity": otherFile} {
		if err := app.Restore(ctx, fresh, sealed, key, appsqlite.Restore); domain.ErrorCode(err) != domain.EInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
		if _, err := os.Stat(filepath.Join(fresh, app.DBFile)); err == nil {
			t.Errorf("%s: a database was restored", name)
		}
	}
	if err := app.Restore(ctx, fresh, sealed, idFile, appsqlite.Restore); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(fresh); len(ents) != 1 {
		t.Errorf("restore left %d files in the data folder, want the database only", len(ents))
	}
	st, _, err := appsqlite.OpenStation(ctx, app.Config{Dir: fresh})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	staff, err := st.SignIn(ctx, "head", "correct-horse-1")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := st.ShowCase(ctx, staff.Actor(), c.ID, false, ""); err != nil || v.Case.Number != c.Number {
		t.Fatalf("the restored station lacks the case: %v", err)
	}
}
