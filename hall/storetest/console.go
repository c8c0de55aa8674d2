package storetest

import (
	"testing"
	"time"

	"yizhan/domain"
	"yizhan/hall"
)

// The console's tables: accounts, sessions, bad-review call-backs, the
// access log as the console reads it, and the case filters of search and
// statistics.

func testStaff(t *testing.T, s hall.Store) {
	a := &hall.StaffAccount{Login: "li", Name: "李审批", Role: hall.RoleApprover, PasswordHash: "$argon2id$x", CreatedAt: t0}
	update(t, s, func(tx hall.Tx) error { return tx.CreateStaff(a) })
	err := s.Update(ctx, func(tx hall.Tx) error {
		return tx.CreateStaff(&hall.StaffAccount{Login: "li", Name: "again", Role: hall.RoleClerk, PasswordHash: "h", CreatedAt: t0})
	})
	if domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("duplicate login: got %v, want conflict", err)
	}
	update(t, s, func(tx hall.Tx) error {
		got, err := tx.Staff("li")
		if err != nil {
			return err
		}
		if got.Name != "李审批" || got.Role != hall.RoleApprover || got.PasswordHash != "$argon2id$x" || !got.CreatedAt.Equal(t0) ||
			!got.LockedUntil.IsZero() || !got.LastLogin.IsZero() || got.Disabled || got.Failed != 0 {
			t.Errorf("account did not round-trip: %+v", got)
		}
		got.Failed, got.LockedUntil, got.Disabled, got.LastLogin, got.Role = 3, t0.Add(time.Minute), true, t0, hall.RoleSupervisor
		return tx.UpdateStaff(got)
	})
	view(t, s, func(tx hall.Tx) error {
		got, err := tx.Staff("li")
		if err != nil {
			return err
		}
		if got.Failed != 3 || !got.LockedUntil.Equal(t0.Add(time.Minute)) || !got.Disabled || !got.LastLogin.Equal(t0) ||
			got.Role != hall.RoleSupervisor {
			t.Errorf("update did not round-trip: %+v", got)
		}
		if _, err := tx.Staff("nobody"); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("unknown login: got %v, want not found", err)
		}
		return nil
	})
	update(t, s, func(tx hall.Tx) error {
		return tx.CreateStaff(&hall.StaffAccount{Login: "admin", Name: "管理员", Role: hall.RoleAdmin, PasswordHash: "h", CreatedAt: t0})
	})
	view(t, s, func(tx hall.Tx) error {
		list, err := tx.ListStaff()
		if err != nil || len(list) != 2 || list[0].Login != "admin" || list[1].Login != "li" {
			t.Errorf("list: %+v %v", list, err)
		}
		return nil
	})
	err = s.Update(ctx, func(tx hall.Tx) error {
		return tx.UpdateStaff(&hall.StaffAccount{Login: "ghost", Role: hall.RoleClerk})
	})
	if domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("update of an unknown account: got %v, want not found", err)
	}
}

func testSessions(t *testing.T, s hall.Store) {
	update(t, s, func(tx hall.Tx) error {
		for _, l := range []string{"a", "b"} {
			if err := tx.CreateStaff(&hall.StaffAccount{Login: l, Name: l, Role: hall.RoleClerk, PasswordHash: "h", CreatedAt: t0}); err != nil {
				return err
			}
		}
		for _, ss := range []*hall.Session{
			{Hash: "h1", Login: "a", Created: t0, Expires: t0.Add(time.Hour), LastSeen: t0},
			{Hash: "h2", Login: "a", Created: t0, Expires: t0.Add(2 * time.Hour), LastSeen: t0},
			{Hash: "h3", Login: "b", Created: t0, Expires: t0.Add(3 * time.Hour), LastSeen: t0},
		} {
			if err := tx.PutSession(ss); err != nil {
				return err
			}
		}
		// Touching a session rewrites it.
		return tx.PutSession(&hall.Session{Hash: "h1", Login: "a", Created: t0, Expires: t0.Add(time.Hour), LastSeen: t0.Add(time.Minute)})
	})
	view(t, s, func(tx hall.Tx) error {
		ss, err := tx.Session("h1")
		if err != nil || ss.Login != "a" || !ss.LastSeen.Equal(t0.Add(time.Minute)) || !ss.Expires.Equal(t0.Add(time.Hour)) || !ss.Created.Equal(t0) {
			t.Errorf("session: %+v %v", ss, err)
		}
		if _, err := tx.Session("nope"); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("unknown session: got %v, want not found", err)
		}
		return nil
	})
	gone := func(hash string) bool {
		var g bool
		view(t, s, func(tx hall.Tx) error {
			_, err := tx.Session(hash)
			g = domain.ErrorCode(err) == domain.ENotFound
			return nil
		})
		return g
	}
	update(t, s, func(tx hall.Tx) error { return tx.DeleteSessions("", "", t0.Add(90*time.Minute)) })
	if !gone("h1") || gone("h2") || gone("h3") {
		t.Error("deleting expired sessions: only h1 had expired")
	}
	update(t, s, func(tx hall.Tx) error { return tx.DeleteSessions("", "a", time.Time{}) })
	if !gone("h2") || gone("h3") {
		t.Error("deleting a login's sessions: h2 is a's, h3 is b's")
	}
	update(t, s, func(tx hall.Tx) error { return tx.DeleteSessions("h3", "", time.Time{}) })
	if !gone("h3") {
		t.Error("deleting one session")
	}
}

func testCallbacks(t *testing.T, s hall.Store) {
	cb := &hall.Callback{CaseID: uuid(1), Status: hall.CallbackExplained, Callback: "已电话回访", Result: "已解释政策",
		CalledAt: t0, RecordedBy: "sup", UpdatedAt: t0}
	update(t, s, func(tx hall.Tx) error {
		if err := tx.PutCallback(cb); err != nil {
			return err
		}
		return tx.PutCallback(&hall.Callback{CaseID: uuid(2), Status: hall.CallbackFixedByDeadline, Callback: "c", Result: "r",
			FixBy: "2026-03-09", CalledAt: t0, RecordedBy: "sup", UpdatedAt: t0})
	})
	cb2 := *cb
	cb2.Status, cb2.UpdatedAt = hall.CallbackFixed, t0.Add(time.Hour)
	update(t, s, func(tx hall.Tx) error { return tx.PutCallback(&cb2) })
	view(t, s, func(tx hall.Tx) error {
		m, err := tx.Callbacks([]string{uuid(1), uuid(3)})
		if err != nil || len(m) != 1 {
			t.Fatalf("callbacks by ID: %v %v", m, err)
		}
		got := m[uuid(1)]
		if got.Status != hall.CallbackFixed || got.Callback != "已电话回访" || got.Result != "已解释政策" || !got.CalledAt.Equal(t0) ||
			!got.UpdatedAt.Equal(t0.Add(time.Hour)) || got.RecordedBy != "sup" {
			t.Errorf("callback did not round-trip: %+v", got)
		}
		if all, _ := tx.Callbacks(nil); len(all) != 2 || all[uuid(2)].FixBy != "2026-03-09" {
			t.Errorf("all callbacks: %+v", all)
		}
		if none, err := tx.Callbacks([]string{}); err != nil || len(none) != 0 {
			t.Errorf("no IDs: %v %v", none, err)
		}
		return nil
	})
}

func testAccessLog(t *testing.T, s hall.Store) {
	update(t, s, func(tx hall.Tx) error {
		for i, a := range []hall.Access{
			{Actor: "li", Action: "case.view", CaseID: uuid(1)},
			{Actor: "li", Action: "case.unmask", CaseID: uuid(1), Detail: "打印通知书"},
			{Actor: "wang", Action: "stats.export", Detail: "2026-01..2026-03"},
			{Actor: "wang", Action: "cases", CaseID: uuid(2)},
		} {
			a.At = t0.Add(time.Duration(i) * time.Minute)
			if err := tx.RecordAccess(&a); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx hall.Tx) error {
		all, err := tx.FindAccess(hall.AccessFilter{})
		if err != nil || len(all) != 4 || all[0].Action != "cases" || !all[3].At.Equal(t0) {
			t.Errorf("all, newest first: %+v %v", all, err)
		}
		if got, _ := tx.FindAccess(hall.AccessFilter{Actor: "li"}); len(got) != 2 || got[0].Detail != "打印通知书" {
			t.Errorf("by actor: %+v", got)
		}
		if got, _ := tx.FindAccess(hall.AccessFilter{Action: "case."}); len(got) != 2 {
			t.Errorf("by action prefix (\"cases\" is not under \"case.\"): %+v", got)
		}
		if got, _ := tx.FindAccess(hall.AccessFilter{Action: "case.view", CaseID: uuid(1)}); len(got) != 1 {
			t.Errorf("by action and case: %+v", got)
		}
		if got, _ := tx.FindAccess(hall.AccessFilter{Limit: 1}); len(got) != 1 {
			t.Errorf("limit: %d", len(got))
		}
		return nil
	})
}

func testFindCasesFilters(t *testing.T, s hall.Store) {
	addStations(t, s, "A01", "B01")
	cases := []*domain.Case{
		{ID: uuid(100), Number: "A01-20260110-0001", Station: "A01", ItemCode: "370112-RS-002-01-S", ItemName: "养老保险待遇申领",
			ReceivedAt: time.Date(2026, 1, 10, 2, 0, 0, 0, time.UTC), Evaluation: &domain.Evaluation{Level: 1},
			Applicant: domain.Applicant{Name: "张伟", IDNumber: "11010519491231002x"}},
		{ID: uuid(101), Number: "A01-20260205-0001", Station: "A01", ItemCode: "370112-MZ-001-01-S", ItemName: "最低生活保障",
			Serial: "SQ2026_0042", ReceivedAt: time.Date(2026, 2, 5, 2, 0, 0, 0, time.UTC), Evaluation: &domain.Evaluation{Level: 4},
			Applicant: domain.Applicant{Name: "张伟国", IDNumber: "110105195001010039"}},
		{ID: uuid(102), Number: "B01-20260301-0001", Station: "B01", ItemCode: "370112-RS-002-01-S", ItemName: "养老保险待遇申领",
			ReceivedAt: time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC), Evaluation: &domain.Evaluation{Level: 2}},
	}
	update(t, s, func(tx hall.Tx) error {
		for i, c := range cases {
			seq, err := tx.AppendLog(&hall.LogEntry{Status: hall.StatusAccepted, Station: c.Station, Event: event(i+1, c.ID, c.Station), Received: t0})
			if err != nil {
				return err
			}
			c.Holder, c.State, c.UpdatedAt = c.Station, domain.StateDelivered, t0
			if err := tx.PutCase(c, seq); err != nil {
				return err
			}
		}
		return nil
	})
	ids := func(f hall.CaseFilter) []string {
		var out []string
		view(t, s, func(tx hall.Tx) error {
			cs, err := tx.FindCases(f)
			for _, c := range cs {
				out = append(out, c.ID)
			}
			return err
		})
		return out
	}
	same := func(name string, got []string, want ...string) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s: got %v, want %v", name, got, want)
			return
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: got %v, want %v", name, got, want)
				return
			}
		}
	}
	same("all, newest first", ids(hall.CaseFilter{}), uuid(102), uuid(101), uuid(100))
	same("item", ids(hall.CaseFilter{Item: "370112-RS-002-01-S"}), uuid(102), uuid(100))
	same("query number", ids(hall.CaseFilter{Query: "b01-2026"}), uuid(102))
	same("query serial, _ literal", ids(hall.CaseFilter{Query: "q2026_00"}), uuid(101))
	same("query _ is no wildcard", ids(hall.CaseFilter{Query: "SQ2026_X"}))
	same("query % is no wildcard", ids(hall.CaseFilter{Query: "A01%0001"}))
	same("query item name", ids(hall.CaseFilter{Query: "低生活"}), uuid(101))
	same("query item code", ids(hall.CaseFilter{Query: "MZ-001"}), uuid(101))
	same("received from", ids(hall.CaseFilter{From: time.Date(2026, 2, 5, 2, 0, 0, 0, time.UTC)}), uuid(102), uuid(101))
	same("received before", ids(hall.CaseFilter{To: time.Date(2026, 2, 5, 2, 0, 0, 0, time.UTC)}), uuid(100))
	same("bad reviews", ids(hall.CaseFilter{BadReview: true}), uuid(102), uuid(100))
	same("bad reviews of a station", ids(hall.CaseFilter{BadReview: true, Station: "A01"}), uuid(100))
	same("offset", ids(hall.CaseFilter{Limit: 1, Offset: 1}), uuid(101))
	same("no limit", ids(hall.CaseFilter{Limit: -1}), uuid(102), uuid(101), uuid(100))
	// A telephone enquiry: the whole name or the whole ID number, exactly.
	same("applicant name, exact", ids(hall.CaseFilter{Applicant: "张伟"}), uuid(100))
	same("applicant ID, any case of x", ids(hall.CaseFilter{Applicant: "11010519491231002X"}), uuid(100))
	same("applicant ID", ids(hall.CaseFilter{Applicant: " 110105195001010039 "}), uuid(101))
	same("applicant fragment finds nothing", ids(hall.CaseFilter{Applicant: "张"}))
	same("applicant ID fragment finds nothing", ids(hall.CaseFilter{Applicant: "002X"}))
	same("applicant query is no wildcard", ids(hall.CaseFilter{Applicant: "%"}))
}
