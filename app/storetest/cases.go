package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"yizhan/app"
	"yizhan/domain"
	"yizhan/workday"
)

func item(code string, version int, status, name string) *domain.Item {
	return &domain.Item{BasicCode: "B-" + code, Code: code, Version: version, Status: status, Name: name, HandlingItem: "新办",
		Kind: "即办件", HandledAt: "station"}
}

func testCatalog(t *testing.T, s app.Store) {
	update(t, s, func(tx app.Tx) error {
		for _, it := range []*domain.Item{
			item("A", 1, domain.ItemPublished, "城乡居民养老保险"),
			item("A", 2, domain.ItemPublished, "城乡居民养老保险"),
			item("A", 3, domain.ItemSuspended, "城乡居民养老保险"),
			item("B", 1, domain.ItemPublished, "居住证"),
		} {
			ini := "cxjmylbx"
			if it.Code == "B" {
				ini = "jzz"
			}
			if err := tx.InsertItem("cat-1", it, ini, t0); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx app.Tx) error {
		if it, err := tx.Item("A", 0); err != nil || it == nil || it.Version != 2 {
			t.Errorf("Item(A, newest published): got %+v %v, want version 2", it, err)
		}
		if it, err := tx.Item("A", 3); err != nil || it == nil || it.Status != domain.ItemSuspended || it.Name != "城乡居民养老保险" {
			t.Errorf("Item(A, 3): got %+v %v", it, err)
		}
		if it, err := tx.Item("C", 0); err != nil || it != nil {
			t.Errorf("Item(missing): got %+v %v, want nil", it, err)
		}
		found, err := tx.FindItems("")
		if err != nil || len(found) != 2 || found[0].Item.Code != "A" || found[0].Item.Version != 2 || found[1].Initials != "jzz" {
			t.Errorf("FindItems(all): got %+v %v, want A@2 then B", found, err)
		}
		for q, want := range map[string]string{"居住": "B", "jz": "B", "b-a": "A", "cx": "A", "nothing": ""} {
			found, err := tx.FindItems(q)
			got := ""
			if len(found) > 0 {
				got = found[0].Item.Code
			}
			if err != nil || got != want || len(found) > 1 {
				t.Errorf("FindItems(%q): got %d items, first %q (%v); want %q", q, len(found), got, err, want)
			}
		}
		all, err := tx.Items()
		if err != nil || len(all) != 4 || all[0].Code != "A" || all[2].Version != 3 || all[3].Code != "B" {
			t.Errorf("Items: got %d (%v), want A@1..3 then B@1", len(all), err)
		}
		return nil
	})
	update(t, s, func(tx app.Tx) error {
		it := item("A", 2, domain.ItemSuspended, "城乡居民养老保险")
		return tx.UpdateItem(it)
	})
	view(t, s, func(tx app.Tx) error {
		if it, err := tx.Item("A", 0); err != nil || it == nil || it.Version != 1 {
			t.Errorf("after suspending A@2, the newest published: got %+v %v, want A@1", it, err)
		}
		return nil
	})
}

func testCalendar(t *testing.T, s app.Store) {
	y26 := workday.YearSpec{Year: 2026, Holidays: []workday.Date{workday.NewDate(2026, 10, 1)}, Source: "国办发明电"}
	y25 := workday.YearSpec{Year: 2025, Holidays: []workday.Date{workday.NewDate(2025, 10, 1)}}
	update(t, s, func(tx app.Tx) error {
		if err := tx.PutCalendarYear(y26); err != nil {
			return err
		}
		return tx.PutCalendarYear(y25)
	})
	y26.Holidays = append(y26.Holidays, workday.NewDate(2026, 10, 2))
	update(t, s, func(tx app.Tx) error { return tx.PutCalendarYear(y26) })
	view(t, s, func(tx app.Tx) error {
		ys, err := tx.CalendarYears()
		if err != nil || len(ys) != 2 || ys[0].Year != 2025 || ys[1].Year != 2026 || len(ys[1].Holidays) != 2 || ys[1].Source != "国办发明电" {
			t.Errorf("CalendarYears: got %+v %v, want 2025 then 2026 as replaced", ys, err)
		}
		return nil
	})
}

// mkCase returns a case received at t0 plus minutes.
func mkCase(n int, name, idNumber, phone string, state domain.State, minutes int) *domain.Case {
	at := t0.Add(time.Duration(minutes) * time.Minute)
	return &domain.Case{ID: fmt.Sprintf("case-%02d", n), Number: fmt.Sprintf("370112001-20260302-%04d", n), Station: "370112001",
		Holder: "370112001", ItemCode: "A", ItemVersion: 1, ItemName: "居住证", Channel: "window", State: state,
		Applicant:  domain.Applicant{Type: domain.ApplicantPerson, Name: name, IDNumber: idNumber, Phone: phone},
		ReceivedAt: at, UpdatedAt: at}
}

func putCases(t *testing.T, s app.Store, due app.CaseDue, cs ...*domain.Case) {
	t.Helper()
	update(t, s, func(tx app.Tx) error {
		for _, c := range cs {
			if err := tx.PutCase(c, due); err != nil {
				return err
			}
		}
		return nil
	})
}

func testCases(t *testing.T, s app.Store) {
	c := mkCase(1, "张三", "11010519491231002X", "13800000001", domain.StateReceived, 0)
	putCases(t, s, app.CaseDue{}, c)
	accepted := t0.Add(time.Hour)
	c.State, c.AcceptedAt, c.Holder = domain.StateAccepted, &accepted, "hall"
	putCases(t, s, app.CaseDue{Due: workday.NewDate(2026, 3, 9)}, c)
	view(t, s, func(tx app.Tx) error {
		for _, key := range []string{"case-01", "370112001-20260302-0001"} {
			got, err := tx.Case(key)
			if err != nil || got == nil || got.State != domain.StateAccepted || got.Holder != "hall" || got.AcceptedAt == nil || !got.AcceptedAt.Equal(accepted) {
				t.Errorf("Case(%s): got %+v %v, want the case as last put", key, got, err)
			}
		}
		if got, err := tx.Case("missing"); err != nil || got != nil {
			t.Errorf("Case(missing): got %+v %v, want nil", got, err)
		}
		if taken, err := tx.CaseNumberTaken(c.Number); err != nil || !taken {
			t.Errorf("CaseNumberTaken(held): %v %v", taken, err)
		}
		if taken, err := tx.CaseNumberTaken("370112001-20260302-0099"); err != nil || taken {
			t.Errorf("CaseNumberTaken(free): %v %v", taken, err)
		}
		ids, err := tx.OpenAcceptedCases()
		if err != nil || len(ids) != 1 || ids[0] != "case-01" {
			t.Errorf("OpenAcceptedCases: got %v %v, want [case-01]", ids, err)
		}
		return nil
	})
	update(t, s, func(tx app.Tx) error {
		for _, want := range []int{1, 2, 3} {
			if n, err := tx.NextCounter("case:20260302"); err != nil || n != want {
				t.Errorf("NextCounter: got %d %v, want %d", n, err, want)
			}
		}
		if n, err := tx.NextCounter("ticket:A:2026-03-02"); err != nil || n != 1 {
			t.Errorf("NextCounter of another name: got %d %v, want 1", n, err)
		}
		return nil
	})
	// A second case under the number of the first (its 2026 and 2025
	// receipts) for the kiosk's lookup of a short number.
	old := mkCase(2, "李四", "110105195001010039", "13800000002", domain.StateDelivered, -60*24*365)
	old.Number = "370112001-20250302-0001"
	putCases(t, s, app.CaseDue{}, old)
	view(t, s, func(tx app.Tx) error {
		cs, err := tx.CasesByNumbers([]string{"370112001-20250302-0001", "370112001-20260302-0001", "370112001-20240302-0001"})
		if err != nil || len(cs) != 2 || cs[0].ID != "case-01" || cs[1].ID != "case-02" {
			t.Errorf("CasesByNumbers: got %d cases (%v), want case-01 then case-02, newest first", len(cs), err)
		}
		return nil
	})
}

func testCaseNumberConstraint(t *testing.T, s app.Store) {
	putCases(t, s, app.CaseDue{}, mkCase(1, "张三", "", "", domain.StateReceived, 0))
	twin := mkCase(2, "李四", "", "", domain.StateReceived, 1)
	twin.Number = "370112001-20260302-0001"
	err := s.Update(ctx, func(tx app.Tx) error { return tx.PutCase(twin, app.CaseDue{}) })
	if !errors.Is(err, app.ErrConstraint) {
		t.Fatalf("a second case with the same number: got %v, want app.ErrConstraint", err)
	}
}

func testFindCases(t *testing.T, s app.Store) {
	today := workday.NewDate(2026, 3, 10)
	putCases(t, s, app.CaseDue{Due: workday.NewDate(2026, 3, 9)},
		mkCase(1, "张三丰", "11010519491231002X", "13812345678", domain.StateAccepted, 0)) // overdue
	putCases(t, s, app.CaseDue{Due: workday.NewDate(2026, 3, 11)},
		mkCase(2, "张三", "110105195001010039", "13900000002", domain.StateInProcess, 60)) // due soon
	putCases(t, s, app.CaseDue{Due: workday.NewDate(2026, 3, 1)},
		mkCase(3, "李四", "370102198001010011", "13700000003", domain.StateConcluded, 24*60)) // concluded: neither
	putCases(t, s, app.CaseDue{}, mkCase(4, "Wang Wu", "91350100M000100Y43", "13600000004", domain.StateReceived, 2*24*60))
	tests := []struct {
		name  string
		q     app.CaseQuery
		want  string // case IDs in order
		total int
	}{
		{"All", app.CaseQuery{Limit: 10}, "04 03 02 01", 4},
		{"Page", app.CaseQuery{Limit: 2, Offset: 1}, "03 02", 4},
		{"NumberPrefix", app.CaseQuery{Number: "370112001-20260302-000", Limit: 10}, "04 03 02 01", 4},
		{"Number", app.CaseQuery{Number: "370112001-20260302-0003", Limit: 10}, "03", 1},
		{"IDPrefix", app.CaseQuery{IDOrPhone: "110105", Limit: 10}, "02 01", 2},
		{"IDSuffixLowerX", app.CaseQuery{IDOrPhone: "1002x", Limit: 10}, "01", 1},
		{"USCCSuffix", app.CaseQuery{IDOrPhone: "100Y43", Limit: 10}, "04", 1},
		{"PhonePrefix", app.CaseQuery{IDOrPhone: "138123", Limit: 10}, "01", 1},
		{"NameOneCharacter", app.CaseQuery{Name: "张", Limit: 10}, "02 01", 2},
		{"NamePair", app.CaseQuery{Name: "张三", Limit: 10}, "02 01", 2},
		{"NameIgnoresSpaces", app.CaseQuery{Name: "张 三丰", Limit: 10}, "01", 1},
		{"NameThree", app.CaseQuery{Name: "张三丰", Limit: 10}, "01", 1},
		{"NameLatinAnyCase", app.CaseQuery{Name: "WANG", Limit: 10}, "04", 1},
		{"State", app.CaseQuery{State: string(domain.StateConcluded), Limit: 10}, "03", 1},
		{"Received", app.CaseQuery{ReceivedFrom: t0.Add(time.Hour), ReceivedBefore: t0.Add(2 * 24 * time.Hour), Limit: 10}, "03 02", 2},
		{"Overdue", app.CaseQuery{OpenDueBefore: today, Limit: 10}, "01", 1},
		{"DueSoon", app.CaseQuery{OpenDueFrom: today, OpenDueTo: today.AddDays(2), Limit: 10}, "02", 1},
		{"Nothing", app.CaseQuery{Name: "赵", Limit: 10}, "", 0},
	}
	for _, tt := range tests {
		view(t, s, func(tx app.Tx) error {
			cs, total, err := tx.FindCases(tt.q)
			got := ""
			for i, c := range cs {
				if i > 0 {
					got += " "
				}
				got += c.ID[len("case-"):]
			}
			if err != nil || got != tt.want || total != tt.total {
				t.Errorf("%s: got [%s] of %d (%v), want [%s] of %d", tt.name, got, total, err, tt.want, tt.total)
			}
			return nil
		})
	}
	view(t, s, func(tx app.Tx) error {
		cs, _, err := tx.FindCases(app.CaseQuery{Number: "370112001-20260302-0001", Limit: 1})
		if err != nil || len(cs) != 1 {
			return fmt.Errorf("find case 1: %v", err)
		}
		c := cs[0]
		if c.Number != "370112001-20260302-0001" || c.Applicant != "张三丰" || c.IDNumber != "11010519491231002X" || c.Phone != "13812345678" ||
			c.State != string(domain.StateAccepted) || c.Due != "2026-03-09" || c.Holder != "370112001" || c.Channel != "window" {
			t.Errorf("a found case, as stored (unmasked: the service masks): got %+v", c)
		}
		return nil
	})
}

// testTalliesFollowCases: the dashboard's counts of cases follow every
// write of a case, new or changed, in the same transaction.
func testTalliesFollowCases(t *testing.T, s app.Store) {
	today := workday.NewDate(2026, 3, 2)
	q := app.DashboardQuery{Today: today, MonthStart: time.Date(2026, 2, 28, 16, 0, 0, 0, time.UTC), Soon: today.AddDays(2), HoursFrom: "2026-02-28T16"}
	figures := func() app.DashboardFigures {
		var f app.DashboardFigures
		update(t, s, func(tx app.Tx) error {
			var err error
			f, err = tx.DashboardFigures(q)
			return err
		})
		return f
	}
	a := mkCase(1, "张三", "", "", domain.StateReceived, 0)
	b := mkCase(2, "李四", "", "", domain.StateReceived, 90)
	putCases(t, s, app.CaseDue{}, a, b)
	f := figures()
	if f.Open != 2 || f.ByState["received"] != 2 || len(f.Hours) != 2 || f.Overdue != 0 {
		t.Fatalf("two new cases: got open %d, by state %v, %d hours, overdue %d", f.Open, f.ByState, len(f.Hours), f.Overdue)
	}
	if f.Hours[0].Channel != "window" || f.Hours[0].Item != "居住证" || f.Hours[0].N != 1 {
		t.Errorf("hourly tally: got %+v", f.Hours[0])
	}
	a.State = domain.StateAccepted
	putCases(t, s, app.CaseDue{Due: today.AddDays(-1)}, a) // overdue
	b.State = domain.StateConcluded
	putCases(t, s, app.CaseDue{}, b)
	putCases(t, s, app.CaseDue{}, b) // the same again changes nothing
	f = figures()
	if f.Open != 1 || f.Overdue != 1 || f.ByState["received"] != 0 || f.ByState["accepted"] != 1 || f.ByState["concluded"] != 1 || len(f.Hours) != 2 {
		t.Fatalf("after accepting one and concluding the other: got open %d, overdue %d, by state %v, %d hours",
			f.Open, f.Overdue, f.ByState, len(f.Hours))
	}
	if _, ok := f.ByState["received"]; ok {
		t.Errorf("a state no case is in any more is still tallied: %v", f.ByState)
	}
}
