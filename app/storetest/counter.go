package storetest

import (
	"fmt"
	"testing"
	"time"

	"yizhan/app"
	"yizhan/domain"
	"yizhan/workday"
)

func ticket(id, number, day string, minutes int, appointment string) app.Ticket {
	return app.Ticket{ID: id, Number: number, Day: day, ItemCode: "A", Status: "waiting",
		IssuedAt: app.FormatTime(t0.Add(time.Duration(minutes) * time.Minute)), Appointment: appointment}
}

func testTickets(t *testing.T, s app.Store) {
	const day = "2026-03-02"
	update(t, s, func(tx app.Tx) error {
		for _, tk := range []app.Ticket{
			ticket("t1", "A001", day, 0, ""),
			ticket("t2", "A002", day, 1, ""),
			ticket("t3", "Y001", day, 2, "ap-1"), // an appointment holder goes first
			ticket("t4", "A001", "2026-03-01", -24*60, ""),
		} {
			if err := tx.InsertTicket(tk); err != nil {
				return err
			}
		}
		return nil
	})
	update(t, s, func(tx app.Tx) error {
		next, err := tx.NextWaitingTicket(day)
		if err != nil || next == nil || next.ID != "t3" {
			t.Fatalf("NextWaitingTicket: got %+v %v, want t3 (appointment)", next, err)
		}
		now := app.FormatTime(t0.Add(5 * time.Minute))
		next.Status, next.CalledAt, next.StartedAt, next.Window, next.StaffID = "serving", now, now, "3", "id-li"
		if err := tx.UpdateTicket(*next); err != nil {
			return err
		}
		if err := tx.LinkTicket("t3", "case-01"); err != nil {
			return err
		}
		next, err = tx.NextWaitingTicket(day)
		if err != nil || next == nil || next.ID != "t1" {
			t.Errorf("NextWaitingTicket after t3: got %+v %v, want t1 (longest waiting)", next, err)
		}
		return nil
	})
	view(t, s, func(tx app.Tx) error {
		tk, err := tx.Ticket("t3")
		if err != nil || tk == nil || tk.Status != "serving" || tk.Window != "3" || tk.StaffID != "id-li" || tk.CaseID != "case-01" || tk.Appointment != "ap-1" {
			t.Errorf("Ticket(t3): got %+v %v", tk, err)
		}
		if tk, err := tx.TicketByNumber(day, "A001"); err != nil || tk == nil || tk.ID != "t1" {
			t.Errorf("TicketByNumber(today, A001): got %+v %v, want t1, not yesterday's", tk, err)
		}
		if tk, err := tx.Ticket("missing"); err != nil || tk != nil {
			t.Errorf("Ticket(missing): got %+v %v, want nil", tk, err)
		}
		if tk, err := tx.TicketByNumber(day, "A099"); err != nil || tk != nil {
			t.Errorf("TicketByNumber(missing): got %+v %v, want nil", tk, err)
		}
		q, err := tx.Queue(day)
		if err != nil || len(q) != 3 || q[0].ID != "t3" || q[1].ID != "t1" || q[2].ID != "t2" {
			t.Errorf("Queue: got %+v %v, want t3 (serving), t1, t2", q, err)
		}
		if q, err := tx.Queue("2026-03-03"); err != nil || q == nil || len(q) != 0 {
			t.Errorf("Queue of an empty day: got %#v %v, want an empty list", q, err)
		}
		if n, err := tx.CountWaiting(day, false); err != nil || n != 2 {
			t.Errorf("CountWaiting: %d %v, want 2", n, err)
		}
		if n, err := tx.CountWaiting(day, true); err != nil || n != 0 {
			t.Errorf("CountWaiting(appointments): %d %v, want 0 (t3 is served)", n, err)
		}
		calls, next, err := tx.QueueBoard(day, 8)
		if err != nil || len(calls) != 1 || calls[0].Number != "Y001" || calls[0].Window != "3" || fmt.Sprint(next) != "[A001 A002]" {
			t.Errorf("QueueBoard: got %+v %v %v, want Y001 at window 3, then A001 A002", calls, next, err)
		}
		if calls, next, err := tx.QueueBoard("2026-03-03", 8); err != nil || calls == nil || len(calls) != 0 || len(next) != 0 {
			t.Errorf("QueueBoard of an empty day: %#v %v %v", calls, next, err)
		}
		return nil
	})
	update(t, s, func(tx app.Tx) error {
		return tx.InsertExtendedSession(app.ExtendedSession{ID: "x1", Day: day, Kind: "lunch", Start: "12:00", End: "13:00", Staff: "李窗口", Served: 3}, t0)
	})
}

func testAppointments(t *testing.T, s app.Store) {
	ap := func(id, day, slot string) app.Appointment {
		return app.Appointment{ID: id, Name: "张三", IDNumber: "11010519491231002X", Phone: "13800000001", ItemCode: "A", Day: day, Slot: slot, Status: "pending"}
	}
	update(t, s, func(tx app.Tx) error {
		for i, a := range []app.Appointment{ap("a1", "2026-03-03", "09:30-10:29"), ap("a2", "2026-03-03", "08:30-09:29"),
			ap("a3", "2026-03-03", "09:30-10:29"), ap("a4", "2026-03-01", "08:30-09:29")} {
			if err := tx.InsertAppointment(a, t0.Add(time.Duration(i)*time.Minute)); err != nil {
				return err
			}
		}
		if ok, err := tx.SetAppointmentStatus("a3", "cancelled", t0); err != nil || !ok {
			t.Errorf("cancel a pending appointment: %v %v", ok, err)
		}
		if ok, err := tx.SetAppointmentStatus("a3", "served", t0); err != nil || ok {
			t.Errorf("a cancelled appointment moved on: %v %v", ok, err)
		}
		if ok, err := tx.SetAppointmentStatus("a1", "served", t0); err != nil || !ok {
			t.Errorf("serve a pending appointment: %v %v", ok, err)
		}
		n, err := tx.MarkNoShows("2026-03-02", t0)
		if err != nil || n != 1 {
			t.Errorf("MarkNoShows: got %d %v, want 1 (a4)", n, err)
		}
		return nil
	})
	view(t, s, func(tx app.Tx) error {
		if n, err := tx.CountBooked("2026-03-03", "09:30-10:29"); err != nil || n != 1 {
			t.Errorf("CountBooked: got %d %v, want 1 (served counts, cancelled does not)", n, err)
		}
		list, err := tx.Appointments("2026-03-03")
		if err != nil || len(list) != 3 || list[0].ID != "a2" || list[1].ID != "a1" || list[1].Status != "served" || list[2].Status != "cancelled" ||
			list[0].IDNumber != "11010519491231002X" {
			t.Errorf("Appointments: got %+v %v, want a2, a1 (served), a3 (cancelled), unmasked", list, err)
		}
		if list, err := tx.Appointments("2026-03-01"); err != nil || len(list) != 1 || list[0].Status != "no_show" {
			t.Errorf("yesterday's appointment: got %+v %v, want a no-show", list, err)
		}
		return nil
	})
}

func testRatings(t *testing.T, s app.Store) {
	update(t, s, func(tx app.Tx) error {
		if err := tx.CreateStaff(app.StaffRecord{Staff: app.Staff{ID: "id-li", Login: "li", Name: "李窗口", Role: app.RoleClerk}, PasswordHash: "h"}); err != nil {
			return err
		}
		if err := tx.CreateStaff(app.StaffRecord{Staff: app.Staff{ID: "id-wang", Login: "wang", Name: "王站长", Role: app.RoleHead}, PasswordHash: "h"}); err != nil {
			return err
		}
		for i, e := range []*domain.Event{
			event("e1", "case-01", domain.EvOpen, "li", "370112001", 0),
			event("e2", "case-01", domain.EvAccept, "wang", "370112001", 1),
			event("e3", "case-01", domain.EvNote, "hallclerk", "hall", 2),
			event("e4", "case-01", domain.EvEvaluate, "li", "370112001", 3),
		} {
			if err := tx.AppendEvent(e, app.StatusAccepted, int64(i+1)); err != nil {
				return err
			}
		}
		for _, r := range []app.RatingRecord{
			{ID: "r1", CaseID: "case-01", TicketID: "t1", StaffID: "id-li", Evaluation: domain.Evaluation{Level: 5, Source: "pad"}, At: t0},
			{ID: "r2", CaseID: "case-01", Evaluation: domain.Evaluation{Level: 1, Source: "kiosk", Comment: "太慢", RealName: true},
				Contact: "13800000001", StaffID: "id-wang", At: t0.Add(time.Hour)},
		} {
			if err := tx.InsertRating(r); err != nil {
				return err
			}
		}
		return tx.InsertRectification(app.RectificationRecord{ID: "rc1", EvaluationID: "r2", Responsible: "id-wang", Due: workday.NewDate(2026, 3, 9), At: t0})
	})
	view(t, s, func(tx app.Tx) error {
		if n, err := tx.RatingsOfTicket("t1"); err != nil || n != 1 {
			t.Errorf("RatingsOfTicket: %d %v, want 1", n, err)
		}
		if n, err := tx.RatingsOfCaseSince("case-01", t0); err != nil || n != 1 {
			t.Errorf("RatingsOfCaseSince: %d %v, want 1 (the rating with a ticket is the visit's)", n, err)
		}
		if n, err := tx.RatingsOfCaseSince("case-01", t0.Add(2*time.Hour)); err != nil || n != 0 {
			t.Errorf("RatingsOfCaseSince later: %d %v, want 0", n, err)
		}
		// The last event of this office that is not a rating: the accept by wang.
		if id, login, err := tx.LastClerk("case-01", "370112001"); err != nil || id != "id-wang" || login != "wang" {
			t.Errorf("LastClerk: got %q %q %v, want id-wang wang", id, login, err)
		}
		if id, login, err := tx.LastClerk("case-02", "370112001"); err != nil || id != "" || login != "" {
			t.Errorf("LastClerk of a case without events: got %q %q %v", id, login, err)
		}
		rs, err := tx.Rectifications(false)
		if err != nil || len(rs) != 1 || rs[0].ID != "rc1" || rs[0].Level != 1 || rs[0].Comment != "太慢" || rs[0].Contact != "13800000001" ||
			rs[0].Due != "2026-03-09" || rs[0].Status != "open" || rs[0].CaseID != "case-01" {
			t.Errorf("Rectifications: got %+v %v", rs, err)
		}
		return nil
	})
	update(t, s, func(tx app.Tx) error {
		if ok, err := tx.CloseRectification("rc1", "fixed", "已回访", "已改进", t0); err != nil || !ok {
			t.Errorf("close an open follow-up: %v %v", ok, err)
		}
		if ok, err := tx.CloseRectification("rc1", "fixed", "x", "y", t0); err != nil || ok {
			t.Errorf("closed twice: %v %v", ok, err)
		}
		return nil
	})
	view(t, s, func(tx app.Tx) error {
		if rs, err := tx.Rectifications(false); err != nil || len(rs) != 0 {
			t.Errorf("open follow-ups after closing: %+v %v", rs, err)
		}
		if rs, err := tx.Rectifications(true); err != nil || len(rs) != 1 || rs[0].Status != "fixed" || rs[0].Callback != "已回访" {
			t.Errorf("all follow-ups: %+v %v", rs, err)
		}
		return nil
	})
}

func testBlobs(t *testing.T, s app.Store) {
	blob := func(sha string, minutes int) app.Blob {
		return app.Blob{SHA256: sha, Size: 100, Mime: "image/jpeg", Name: sha + ".jpg", CreatedAt: app.FormatTime(t0.Add(time.Duration(minutes) * time.Minute))}
	}
	update(t, s, func(tx app.Tx) error {
		for _, b := range []app.Blob{blob("bb", 1), blob("aa", 2), blob("cc", 0)} {
			if added, err := tx.InsertBlob(b); err != nil || !added {
				t.Errorf("InsertBlob(%s): %v %v", b.SHA256, added, err)
			}
		}
		if added, err := tx.InsertBlob(blob("aa", 9)); err != nil || added {
			t.Errorf("the same content again: %v %v, want not added", added, err)
		}
		return tx.MarkBlobUploaded("bb")
	})
	view(t, s, func(tx app.Tx) error {
		pending, err := tx.PendingBlobs(10)
		if err != nil || len(pending) != 2 || pending[0].SHA256 != "cc" || pending[1].SHA256 != "aa" {
			t.Errorf("PendingBlobs: got %+v %v, want cc then aa (oldest first)", pending, err)
		}
		if pending, err := tx.PendingBlobs(1); err != nil || len(pending) != 1 {
			t.Errorf("PendingBlobs(1): got %d %v", len(pending), err)
		}
		all, err := tx.ListBlobs(10)
		if err != nil || len(all) != 3 || all[0].SHA256 != "aa" || all[2].SHA256 != "cc" || !all[1].Uploaded {
			t.Errorf("ListBlobs: got %+v %v, want aa, bb (uploaded), cc", all, err)
		}
		if n, err := tx.PendingBlobCount(); err != nil || n != 2 {
			t.Errorf("PendingBlobCount: %d %v", n, err)
		}
		if b, err := tx.Blob("aa"); err != nil || b == nil || b.Name != "aa.jpg" || b.Size != 100 || b.Mime != "image/jpeg" || b.CreatedAt != app.FormatTime(t0.Add(2*time.Minute)) {
			t.Errorf("Blob(aa): got %+v %v, the first record kept", b, err)
		}
		if b, err := tx.Blob("dd"); err != nil || b != nil {
			t.Errorf("Blob(missing): got %+v %v, want nil", b, err)
		}
		return nil
	})
}

func testInvites(t *testing.T, s app.Store) {
	inv := func(id, window string, minutes int) app.InviteRecord {
		at := t0.Add(time.Duration(minutes) * time.Minute)
		return app.InviteRecord{ID: id, Window: window, TicketID: "t-" + id, CaseID: "c-" + id, StaffID: "id-li", CreatedAt: at, ExpiresAt: at.Add(10 * time.Minute)}
	}
	update(t, s, func(tx app.Tx) error {
		for _, r := range []app.InviteRecord{inv("i1", "1", 0), inv("i2", "1", 1), inv("i3", "2", 2)} {
			if err := tx.InsertInvite(r); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx app.Tx) error {
		r, err := tx.OpenInvite("1", t0.Add(5*time.Minute))
		if err != nil || r == nil || r.ID != "i2" || r.TicketID != "t-i2" || r.StaffID != "id-li" || !r.ExpiresAt.Equal(t0.Add(11*time.Minute)) {
			t.Errorf("OpenInvite(1): got %+v %v, want i2, the newest", r, err)
		}
		if r, err := tx.OpenInvite("1", t0.Add(11*time.Minute)); err != nil || r != nil {
			t.Errorf("OpenInvite after both expired: %+v %v, want nil", r, err)
		}
		return nil
	})
	update(t, s, func(tx app.Tx) error {
		if err := tx.ExpireInvites("1", t0.Add(3*time.Minute)); err != nil {
			return err
		}
		return tx.SetInviteRating("i3", "r9")
	})
	view(t, s, func(tx app.Tx) error {
		if r, err := tx.OpenInvite("1", t0.Add(4*time.Minute)); err != nil || r != nil {
			t.Errorf("OpenInvite after ExpireInvites: %+v %v, want nil", r, err)
		}
		if r, err := tx.OpenInvite("2", t0.Add(4*time.Minute)); err != nil || r != nil {
			t.Errorf("OpenInvite of a rated invitation: %+v %v, want nil", r, err)
		}
		if r, err := tx.Invite("i3"); err != nil || r == nil || r.RatingID != "r9" || r.Window != "2" {
			t.Errorf("Invite(i3): %+v %v", r, err)
		}
		if r, err := tx.Invite("i1"); err != nil || r == nil || !r.ExpiresAt.Equal(t0.Add(3*time.Minute)) {
			t.Errorf("Invite(i1) after ExpireInvites: %+v %v, want it expired at the call", r, err)
		}
		if r, err := tx.Invite("nope"); err != nil || r != nil {
			t.Errorf("Invite(missing): %+v %v", r, err)
		}
		return nil
	})
}
