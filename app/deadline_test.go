package app_test

import (
	"testing"
	"time"

	"yizhan/app"
	"yizhan/domain"
	"yizhan/workday"
)

// at returns the given China-time instant.
func at(year int, month time.Month, day, hour int) time.Time {
	return time.Date(year, month, day, hour, 0, 0, 0, china)
}

// deadline returns the case's deadline as the case screen shows it.
func deadline(tb testing.TB, s *TestStation, id string) app.DeadlineView {
	tb.Helper()
	v, err := s.ShowCase(ctx, s.Clerk, id, false, "")
	if err != nil {
		tb.Fatal(err)
	}
	return v.Deadline
}

// summary returns the case's row in the case list.
func summary(tb testing.TB, s *TestStation, number string) app.CaseSummary {
	tb.Helper()
	page, err := s.FindCases(ctx, s.Clerk, app.CaseFilter{Query: number})
	if err != nil {
		tb.Fatal(err)
	}
	if len(page.Cases) != 1 {
		tb.Fatalf("search %s: got %d cases, want 1", number, len(page.Cases))
	}
	return page.Cases[0]
}

func TestDeadlines(t *testing.T) {
	t.Run("OK/SpringFestival", func(t *testing.T) {
		// Accepted on Friday 24 January 2025 with 5 working days: the
		// official arrangement makes Sunday 26 January a working day and
		// 28 January to 4 February holidays, so the case is due on
		// Friday 7 February (26, 27 January, 5, 6, 7 February).
		s := MustOpenStation(t)
		s.Clock.Set(at(2025, 1, 24, 10))
		c := mustOpenCase(t, s, itemHall5G, zhang)
		if _, err := s.Accept(ctx, s.Clerk, c.ID); err != nil {
			t.Fatal(err)
		}
		dv := deadline(t, s, c.ID)
		if dv.Due != "2025-02-07" || dv.LegalDue != "2025-02-20" || dv.Provisional {
			t.Fatalf("got due %q legal %q provisional %v, want 2025-02-07 and 2025-02-20", dv.Due, dv.LegalDue, dv.Provisional)
		}
		if got := summary(t, s, c.Number).Due; got != "2025-02-07" {
			t.Fatalf("got listed due %q, want 2025-02-07", got)
		}
	})

	t.Run("OK/SuspendResumeExtends", func(t *testing.T) {
		s := MustOpenStation(t)
		c := mustOpenCase(t, s, itemTownship5G, zhang)
		for _, step := range []func() (*domain.Case, error){
			func() (*domain.Case, error) { return s.Accept(ctx, s.Clerk, c.ID) },
			func() (*domain.Case, error) { return s.StartProcess(ctx, s.Clerk, c.ID) },
		} {
			if _, err := step(); err != nil {
				t.Fatal(err)
			}
		}
		if got := deadline(t, s, c.ID).Due; got != "2026-03-09" {
			t.Fatalf("got due %q, want 2026-03-09", got)
		}

		// Tuesday to Wednesday in a site inspection (G): two working days.
		s.Clock.Set(at(2026, 3, 3, 9))
		if _, err := s.Suspend(ctx, s.Clerk, c.ID, "现场勘验", "inspection", "G"); err != nil {
			t.Fatal(err)
		}
		dv := deadline(t, s, c.ID)
		if !dv.Paused || dv.Due != "" || dv.Overdue || dv.DueSoon {
			t.Fatalf("while suspended: got %+v, want paused without a due date", dv)
		}
		if got := summary(t, s, c.Number); got.Due != "" || got.State != string(domain.StateSuspended) {
			t.Fatalf("while suspended: got listed due %q state %q", got.Due, got.State)
		}
		s.Clock.Set(at(2026, 3, 5, 9))
		if _, err := s.Resume(ctx, s.Clerk, c.ID); err != nil {
			t.Fatal(err)
		}
		if got := deadline(t, s, c.ID).Due; got != "2026-03-11" {
			t.Fatalf("after a two-working-day suspension: got due %q, want 2026-03-11", got)
		}

		// Friday to Sunday in an expert review counted in calendar days:
		// only Friday was a working day, so one more day.
		s.Clock.Set(at(2026, 3, 6, 9))
		if _, err := s.Suspend(ctx, s.Clerk, c.ID, "专家评审", "expert review", "Z"); err != nil {
			t.Fatal(err)
		}
		s.Clock.Set(at(2026, 3, 9, 9))
		if _, err := s.Resume(ctx, s.Clerk, c.ID); err != nil {
			t.Fatal(err)
		}
		if got := deadline(t, s, c.ID).Due; got != "2026-03-12" {
			t.Fatalf("after a weekend expert review: got due %q, want 2026-03-12", got)
		}
		if got := summary(t, s, c.Number).Due; got != "2026-03-12" {
			t.Fatalf("got listed due %q, want 2026-03-12", got)
		}
	})

	t.Run("OK/ImmediateDueSameDay", func(t *testing.T) {
		s := MustOpenStation(t)
		c := mustOpenCase(t, s, itemStationNow, zhang)
		if _, err := s.Accept(ctx, s.Clerk, c.ID); err != nil {
			t.Fatal(err)
		}
		dv := deadline(t, s, c.ID)
		if dv.Due != "2026-03-02" || dv.Overdue || !dv.DueSoon || dv.WorkdaysLeft != 0 {
			t.Fatalf("got %+v, want due today, due soon, not overdue", dv)
		}
		s.Clock.Set(at(2026, 3, 3, 9))
		if dv := deadline(t, s, c.ID); !dv.Overdue || dv.DueSoon {
			t.Fatalf("next day: got %+v, want overdue", dv)
		}
	})

	t.Run("OK/Provisional", func(t *testing.T) {
		// 2028 holidays are not known yet: a deadline reaching into 2028 is
		// provisional until the hall publishes the year.
		s := MustOpenStation(t)
		s.Clock.Set(at(2027, 12, 28, 10))
		c := mustOpenCase(t, s, itemHallPension, zhang)
		if _, err := s.Accept(ctx, s.Clerk, c.ID); err != nil {
			t.Fatal(err)
		}
		if dv := deadline(t, s, c.ID); dv.Due != "2028-01-11" || !dv.Provisional {
			t.Fatalf("got %+v, want a provisional 2028-01-11", dv)
		}
		if !summary(t, s, c.Number).Provisional {
			t.Fatalf("listed case not marked provisional")
		}
		spec := workday.YearSpec{Year: 2028, Source: "test notice",
			Holidays: []workday.Date{workday.MustParseDate("2028-01-01"), workday.MustParseDate("2028-01-02"), workday.MustParseDate("2028-01-03")}}
		if err := s.PublishCalendar(ctx, s.Head, spec); err != nil {
			t.Fatal(err)
		}
		if dv := deadline(t, s, c.ID); dv.Due != "2028-01-12" || dv.Provisional {
			t.Fatalf("after publishing 2028: got %+v, want a firm 2028-01-12", dv)
		}
		if got := summary(t, s, c.Number); got.Due != "2028-01-12" || got.Provisional {
			t.Fatalf("after publishing 2028: got listed due %q provisional %v", got.Due, got.Provisional)
		}
	})
}

func TestFindCasesDeadlineFlags(t *testing.T) {
	s := MustOpenStation(t)
	now := mustOpenCase(t, s, itemStationNow, zhang)        // due 2 March
	five := mustOpenCase(t, s, itemTownship5G, zhang)       // due 9 March
	unaccepted := mustOpenCase(t, s, itemTownship5G, zhang) // no due date
	done := mustOpenCase(t, s, itemStationNow, zhang)       // concluded on the spot
	for _, id := range []string{now.ID, five.ID, done.ID} {
		if _, err := s.Accept(ctx, s.Clerk, id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Conclude(ctx, s.Clerk, done.ID, domain.ResultApproved, "", ""); err != nil {
		t.Fatal(err)
	}
	find := func(f app.CaseFilter) map[string]bool {
		t.Helper()
		page, err := s.FindCases(ctx, s.Clerk, f)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, c := range page.Cases {
			got[c.ID] = true
			if f.Overdue && !c.Overdue {
				t.Errorf("case %s found as overdue but its row says not overdue", c.Number)
			}
			if f.DueSoon && !c.DueSoon {
				t.Errorf("case %s found as due soon but its row says not due soon", c.Number)
			}
		}
		if len(got) != page.Total {
			t.Errorf("got %d rows, total %d", len(got), page.Total)
		}
		return got
	}
	for _, tt := range []struct {
		name             string
		when             time.Time
		overdue, dueSoon []string
	}{
		{"Monday", at(2026, 3, 2, 17), nil, []string{now.ID}},
		{"Tuesday", at(2026, 3, 3, 9), []string{now.ID}, nil},
		{"Thursday", at(2026, 3, 5, 9), []string{now.ID}, []string{five.ID}}, // 6 and 9 March left
		{"DueDay", at(2026, 3, 9, 16), []string{now.ID}, []string{five.ID}},
		{"DayAfter", at(2026, 3, 10, 9), []string{now.ID, five.ID}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s.Clock.Set(tt.when)
			for _, f := range []struct {
				filter app.CaseFilter
				want   []string
			}{{app.CaseFilter{Overdue: true}, tt.overdue}, {app.CaseFilter{DueSoon: true}, tt.dueSoon}} {
				got := find(f.filter)
				if len(got) != len(f.want) {
					t.Fatalf("filter %+v: got %d cases, want %d", f.filter, len(got), len(f.want))
				}
				for _, id := range f.want {
					if !got[id] {
						t.Fatalf("filter %+v: case %s missing", f.filter, id)
					}
				}
				if got[unaccepted.ID] || got[done.ID] {
					t.Fatalf("filter %+v: an unaccepted or concluded case was flagged", f.filter)
				}
			}
		})
	}
	t.Run("ConcludedIsNotOverdue", func(t *testing.T) {
		if _, err := s.Conclude(ctx, s.Clerk, now.ID, domain.ResultApproved, "", ""); err != nil {
			t.Fatal(err)
		}
		if got := find(app.CaseFilter{Overdue: true}); got[now.ID] {
			t.Fatalf("a concluded case is still listed as overdue")
		}
		if dv := deadline(t, s, now.ID); dv.Overdue {
			t.Fatalf("got %+v, want a concluded case never overdue", dv)
		}
	})
}
