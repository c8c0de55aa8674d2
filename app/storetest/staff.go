package storetest

import (
	"fmt"
	"testing"
	"time"

	"yizhan/app"
	"yizhan/domain"
)

func auditRow(seq int64, prev, action string) app.AuditRecord {
	return app.AuditRecord{AuditEntry: app.AuditEntry{Seq: seq, At: app.FormatTime(t0.Add(time.Duration(seq) * time.Minute)),
		Actor: "wang", Office: "370112001", Action: action, Target: fmt.Sprintf("target-%d", seq%2), Detail: "d",
		Hash: fmt.Sprintf("hash-%d", seq)}, PrevHash: prev}
}

func testAudit(t *testing.T, s app.Store) {
	view(t, s, func(tx app.Tx) error {
		if seq, h, err := tx.LastAudit(); err != nil || seq != 0 || h != "" {
			t.Errorf("empty trail: got %d %q %v, want 0 \"\"", seq, h, err)
		}
		return nil
	})
	update(t, s, func(tx app.Tx) error {
		prev := "genesis"
		for seq := int64(1); seq <= 5; seq++ {
			action := "case.view"
			if seq >= 4 {
				action = "kiosk.query_failed"
			}
			if err := tx.AppendAudit(auditRow(seq, prev, action)); err != nil {
				return err
			}
			prev = fmt.Sprintf("hash-%d", seq)
		}
		return nil
	})
	view(t, s, func(tx app.Tx) error {
		if seq, h, err := tx.LastAudit(); err != nil || seq != 5 || h != "hash-5" {
			t.Errorf("LastAudit: got %d %q %v, want 5 hash-5", seq, h, err)
		}
		var seqs []int64
		var links []string
		if err := tx.WalkAudit(func(r app.AuditRecord) error {
			seqs, links = append(seqs, r.Seq), append(links, r.PrevHash)
			return nil
		}); err != nil {
			return err
		}
		if fmt.Sprint(seqs) != "[1 2 3 4 5]" || links[0] != "genesis" || links[4] != "hash-4" {
			t.Errorf("WalkAudit: got %v %v, want 1..5 each linked to the one before", seqs, links)
		}
		page, total, err := tx.AuditPage("", 2, 1)
		if err != nil || total != 5 || len(page) != 2 || page[0].Seq != 4 || page[1].Seq != 3 {
			t.Errorf("AuditPage(all, 2, 1): got %+v total %d %v, want rows 4, 3 of 5", page, total, err)
		}
		page, total, err = tx.AuditPage("target-1", 10, 0)
		if err != nil || total != 3 || len(page) != 3 || page[0].Seq != 5 {
			t.Errorf("AuditPage(target-1): got %d rows of %d (%v), want 3 of 3, newest first", len(page), total, err)
		}
		if h, err := tx.AuditHash(3); err != nil || h != "hash-3" {
			t.Errorf("AuditHash(3): got %q %v", h, err)
		}
		if h, err := tx.AuditHash(9); err != nil || h != "" {
			t.Errorf("AuditHash(missing): got %q %v, want \"\"", h, err)
		}
		if n, err := tx.CountAudit("kiosk.query_failed", "d", t0.Add(4*time.Minute)); err != nil || n != 2 {
			t.Errorf("CountAudit from row 4: got %d %v, want 2", n, err)
		}
		if n, err := tx.CountAudit("kiosk.query_failed", "d", t0.Add(5*time.Minute+time.Second)); err != nil || n != 0 {
			t.Errorf("CountAudit after the last row: got %d %v, want 0", n, err)
		}
		return nil
	})
}

func testStaff(t *testing.T, s app.Store) {
	head := app.StaffRecord{Staff: app.Staff{ID: "id-wang", Login: "wang", Name: "王站长", Role: app.RoleHead}, PasswordHash: "h1", CreatedAt: t0}
	clerk := app.StaffRecord{Staff: app.Staff{ID: "id-li", Login: "li", Name: "李窗口", Role: app.RoleClerk}, PasswordHash: "h2", CreatedAt: t0}
	update(t, s, func(tx app.Tx) error {
		if n, err := tx.CountStaff(); err != nil || n != 0 {
			t.Errorf("CountStaff on a new store: %d %v", n, err)
		}
		if err := tx.CreateStaff(head); err != nil {
			return err
		}
		return tx.CreateStaff(clerk)
	})
	err := s.Update(ctx, func(tx app.Tx) error {
		dup := clerk
		dup.ID = "id-other"
		return tx.CreateStaff(dup)
	})
	if domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("a taken login: got %v, want EConflict", err)
	}
	lock := t0.Add(15 * time.Minute)
	update(t, s, func(tx app.Tx) error {
		if err := tx.SetSignInFailures("id-li", 3, lock); err != nil {
			return err
		}
		role, hash, disabled := app.RoleHelper, "h3", true
		return tx.UpdateStaff("id-wang", app.StaffChange{Role: &role, PasswordHash: &hash, Disabled: &disabled})
	})
	view(t, s, func(tx app.Tx) error {
		if n, err := tx.CountStaff(); err != nil || n != 2 {
			t.Errorf("CountStaff: %d %v, want 2", n, err)
		}
		li, err := tx.StaffByLogin("li")
		if err != nil || li == nil || li.ID != "id-li" || li.PasswordHash != "h2" || li.Failed != 3 || li.LockedUntil != app.FormatTime(lock) {
			t.Errorf("StaffByLogin(li): got %+v %v", li, err)
		}
		wang, err := tx.StaffByID("id-wang")
		if err != nil || wang == nil || wang.Role != app.RoleHelper || wang.PasswordHash != "h3" || !wang.Disabled {
			t.Errorf("StaffByID after the update: got %+v %v", wang, err)
		}
		if r, err := tx.StaffByLogin("nobody"); err != nil || r != nil {
			t.Errorf("StaffByLogin(missing): got %+v %v, want nil", r, err)
		}
		if r, err := tx.StaffByID("nobody"); err != nil || r != nil {
			t.Errorf("StaffByID(missing): got %+v %v, want nil", r, err)
		}
		list, err := tx.ListStaff()
		if err != nil || len(list) != 2 || list[0].Login != "li" || list[1].Login != "wang" || !list[1].Disabled {
			t.Errorf("ListStaff: got %+v %v, want li then wang (disabled)", list, err)
		}
		return nil
	})
	update(t, s, func(tx app.Tx) error { return tx.UpdateStaff("id-li", app.StaffChange{Unlock: true}) })
	view(t, s, func(tx app.Tx) error {
		if li, _ := tx.StaffByID("id-li"); li == nil || li.Failed != 0 || li.LockedUntil != "" {
			t.Errorf("after unlock: got %+v, want no failures and no lock", li)
		}
		return nil
	})
}
