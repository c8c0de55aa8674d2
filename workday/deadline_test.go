package workday_test

import (
	"encoding/json"
	"errors"
	"testing"

	"yizhan/workday"
)

func TestDue(t *testing.T) {
	d := workday.MustParseDate
	g := func(n int) workday.Limit { return workday.Limit{Value: n, Unit: workday.G} }
	z := func(n int) workday.Limit { return workday.Limit{Value: n, Unit: workday.Z} }
	pause := func(from, to string, u workday.Unit) workday.Pause {
		p := workday.Pause{From: d(from), Unit: u}
		if to != "" {
			p.To = d(to)
		}
		return p
	}
	for _, tt := range []struct {
		name     string
		accepted string
		limit    workday.Limit
		pauses   []workday.Pause
		want     workday.Deadline
	}{
		// The domain brief's example: 01-20 Fri, 01-21..27 off, 01-28 Sat and
		// 01-29 Sun are make-up days.
		{"MakeUpSunday", "2023-01-19", g(3), nil, workday.Deadline{Due: d("2023-01-29"), Unit: workday.G}},

		{"ImmediateG", "2025-03-05", g(0), nil, workday.Deadline{Due: d("2025-03-05"), Unit: workday.G}},
		{"ImmediateZ", "2025-03-05", z(0), nil, workday.Deadline{Due: d("2025-03-05"), Unit: workday.Z}},
		{"ImmediateOnHoliday", "2025-10-03", g(0), nil, workday.Deadline{Due: d("2025-10-03"), Unit: workday.G}},

		// Spring Festival 2025: 01-26 Sun make-up, 01-28..02-04 off, 02-08 Sat make-up.
		{"SpringFestival2025", "2025-01-24", g(5), nil, workday.Deadline{Due: d("2025-02-07"), Unit: workday.G}},
		{"SpringFestival2025MakeUpSunday", "2025-01-24", g(1), nil, workday.Deadline{Due: d("2025-01-26"), Unit: workday.G}},
		{"SpringFestival2025MakeUpSaturday", "2025-02-05", g(3), nil, workday.Deadline{Due: d("2025-02-08"), Unit: workday.G}},
		// National Day 2025: 09-28 Sun make-up, 10-01..10-08 off, 10-11 Sat make-up.
		{"NationalDay2025MakeUpSunday", "2025-09-26", g(1), nil, workday.Deadline{Due: d("2025-09-28"), Unit: workday.G}},
		{"NationalDay2025", "2025-09-30", g(2), nil, workday.Deadline{Due: d("2025-10-10"), Unit: workday.G}},
		{"NationalDay2025MakeUpSaturday", "2025-09-30", g(3), nil, workday.Deadline{Due: d("2025-10-11"), Unit: workday.G}},
		// Spring Festival 2026: 02-14 Sat make-up, 02-15..02-23 off, 02-28 Sat make-up.
		{"SpringFestival2026MakeUpSaturday", "2026-02-13", g(1), nil, workday.Deadline{Due: d("2026-02-14"), Unit: workday.G}},
		{"SpringFestival2026", "2026-02-13", g(2), nil, workday.Deadline{Due: d("2026-02-24"), Unit: workday.G}},
		{"SpringFestival2026LateMakeUp", "2026-02-27", g(1), nil, workday.Deadline{Due: d("2026-02-28"), Unit: workday.G}},
		// National Day 2026: 09-20 Sun make-up, 10-01..10-07 off, 10-10 Sat make-up.
		{"NationalDay2026MakeUpSunday", "2026-09-18", g(1), nil, workday.Deadline{Due: d("2026-09-20"), Unit: workday.G}},
		{"NationalDay2026", "2026-09-30", g(1), nil, workday.Deadline{Due: d("2026-10-08"), Unit: workday.G}},
		{"NationalDay2026MakeUpSaturday", "2026-10-09", g(1), nil, workday.Deadline{Due: d("2026-10-10"), Unit: workday.G}},

		{"AcceptedOnHoliday", "2025-10-03", g(1), nil, workday.Deadline{Due: d("2025-10-09"), Unit: workday.G}},
		{"AcceptedOnSaturday", "2025-03-01", g(1), nil, workday.Deadline{Due: d("2025-03-03"), Unit: workday.G}},
		{"AcceptedOnMakeUpDay", "2025-01-26", g(1), nil, workday.Deadline{Due: d("2025-01-27"), Unit: workday.G}},

		{"ZLimitEndsOnHoliday", "2025-01-20", z(15), nil, workday.Deadline{Due: d("2025-02-04"), Unit: workday.Z}},
		{"ZLimitAcrossYears", "2025-12-20", z(30), nil, workday.Deadline{Due: d("2026-01-19"), Unit: workday.Z}},
		{"ZLimitUnknownYearNotProvisional", "2030-03-01", z(30), nil, workday.Deadline{Due: d("2030-03-31"), Unit: workday.Z}},

		{"UnknownYear", "2030-03-01", g(3), nil, workday.Deadline{Due: d("2030-03-06"), Unit: workday.G, Provisional: true}},
		{"IntoUnknownYear", "2027-12-29", g(3), nil, workday.Deadline{Due: d("2028-01-03"), Unit: workday.G, Provisional: true}},
		{"UpToEndOfKnownYear", "2027-12-27", g(2), nil, workday.Deadline{Due: d("2027-12-29"), Unit: workday.G}},

		// Pauses. 2025-03-03 is a Monday; without pauses 5G is due 03-10.
		{"NoPause", "2025-03-03", g(5), nil, workday.Deadline{Due: d("2025-03-10"), Unit: workday.G}},
		{"PauseG", "2025-03-03", g(5), []workday.Pause{pause("2025-03-05", "2025-03-06", workday.G)},
			workday.Deadline{Due: d("2025-03-12"), Unit: workday.G}},
		{"PauseZOverWeekendOnG", "2025-03-03", g(5), []workday.Pause{pause("2025-03-07", "2025-03-10", workday.Z)},
			workday.Deadline{Due: d("2025-03-12"), Unit: workday.G}},
		{"PauseZOnZ", "2025-03-03", z(10), []workday.Pause{pause("2025-03-05", "2025-03-09", workday.Z)},
			workday.Deadline{Due: d("2025-03-18"), Unit: workday.Z}},
		{"PauseGOnZ", "2025-03-03", z(10), []workday.Pause{pause("2025-03-05", "2025-03-09", workday.G)},
			workday.Deadline{Due: d("2025-03-16"), Unit: workday.Z}},
		{"PauseBeforeAcceptance", "2025-03-03", g(5), []workday.Pause{pause("2025-02-24", "2025-03-03", workday.G)},
			workday.Deadline{Due: d("2025-03-10"), Unit: workday.G}},
		{"PauseAfterDue", "2025-03-03", g(5), []workday.Pause{pause("2025-03-11", "2025-03-20", workday.G)},
			workday.Deadline{Due: d("2025-03-10"), Unit: workday.G}},
		{"PauseOverDueDay", "2025-03-03", g(5), []workday.Pause{pause("2025-03-10", "2025-03-11", workday.G)},
			workday.Deadline{Due: d("2025-03-12"), Unit: workday.G}},
		{"PausesOverlap", "2025-03-03", g(5), []workday.Pause{pause("2025-03-05", "2025-03-06", workday.G), pause("2025-03-06", "2025-03-07", workday.Z)},
			workday.Deadline{Due: d("2025-03-13"), Unit: workday.G}},
		{"PauseOverHoliday", "2025-09-26", g(3), []workday.Pause{pause("2025-09-29", "2025-10-09", workday.G)},
			workday.Deadline{Due: d("2025-10-11"), Unit: workday.G}},
		{"PauseOpen", "2025-03-03", g(5), []workday.Pause{pause("2025-03-06", "", workday.G)},
			workday.Deadline{Unit: workday.G, Paused: true, Left: 3}},
		{"PauseOpenAfterDue", "2025-03-03", g(5), []workday.Pause{pause("2025-03-12", "", workday.G)},
			workday.Deadline{Due: d("2025-03-10"), Unit: workday.G}},
		{"PauseOpenOnZ", "2025-03-03", z(10), []workday.Pause{pause("2025-03-08", "", workday.Z)},
			workday.Deadline{Unit: workday.Z, Paused: true, Left: 6}},
		{"PauseWithoutStartIgnored", "2025-03-03", g(5), []workday.Pause{{To: d("2025-03-20"), Unit: workday.G}},
			workday.Deadline{Due: d("2025-03-10"), Unit: workday.G}},
		{"PauseBackwardsIgnored", "2025-03-03", g(5), []workday.Pause{pause("2025-03-06", "2025-03-05", workday.G)},
			workday.Deadline{Due: d("2025-03-10"), Unit: workday.G}},

		{"NegativeValueIsImmediate", "2025-03-03", g(-2), nil, workday.Deadline{Due: d("2025-03-03"), Unit: workday.G}},
		{"UnknownUnitIsG", "2025-03-03", workday.Limit{Value: 5, Unit: "?"}, nil, workday.Deadline{Due: d("2025-03-10"), Unit: workday.G}},
		{"ZeroAccepted", "", g(5), nil, workday.Deadline{Unit: workday.G}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var acc workday.Date
			if tt.accepted != "" {
				acc = d(tt.accepted)
			}
			if got := workday.New().Due(acc, tt.limit, tt.pauses); got != tt.want {
				t.Errorf("Due(%s, %v, %v)\n got %+v\nwant %+v", tt.accepted, tt.limit, tt.pauses, got, tt.want)
			}
		})
	}
}

func TestDuePublishedYearNotProvisional(t *testing.T) {
	c := workday.New()
	acc, lim := workday.MustParseDate("2027-12-29"), workday.Limit{Value: 3, Unit: workday.G}
	if !c.Due(acc, lim, nil).Provisional {
		t.Fatal("want Provisional before 2028 is published")
	}
	// 2028-01-03 made a holiday by the published notice moves the date on.
	if err := c.Publish(workday.YearSpec{Year: 2028, Holidays: []workday.Date{workday.MustParseDate("2028-01-01"), workday.MustParseDate("2028-01-03")}}); err != nil {
		t.Fatal(err)
	}
	got := c.Due(acc, lim, nil)
	if want := (workday.Deadline{Due: workday.MustParseDate("2028-01-04"), Unit: workday.G}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestWorkdaysBetween(t *testing.T) {
	c := workday.New()
	d := workday.MustParseDate
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"2025-03-03", "2025-03-03", 0},
		{"2025-03-03", "2025-03-04", 1},
		{"2025-03-03", "2025-03-10", 5},
		{"2025-03-10", "2025-03-03", -5},
		{"2025-09-30", "2025-10-09", 1}, // across National Day
		{"2025-09-26", "2025-10-11", 6}, // 09-28 (make-up), 09-29, 09-30, 10-09, 10-10, 10-11 (make-up)
		{"2023-01-19", "2023-01-29", 3}, // the brief's example
		{"2025-02-08", "2025-02-09", 0}, // Saturday make-up to Sunday
		{"2025-02-07", "2025-02-08", 1}, // into a make-up Saturday
		{"2030-03-01", "2030-03-08", 5}, // unknown year, Mon–Fri
		{"2025-12-31", "2026-01-05", 2}, // 01-01..03 off, 01-04 make-up Sunday, 01-05 Monday
	} {
		if got := c.WorkdaysBetween(d(tt.a), d(tt.b)); got != tt.want {
			t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestStatus(t *testing.T) {
	c := workday.New()
	d := workday.MustParseDate
	due := workday.Deadline{Due: d("2025-03-10"), Unit: workday.G} // a Monday
	for _, tt := range []struct {
		name      string
		dl        workday.Deadline
		today     string
		concluded bool
		want      workday.Status
	}{
		{"InTime", due, "2025-03-05", false, workday.Status{WorkdaysLeft: 3}},
		{"DueSoon", due, "2025-03-06", false, workday.Status{DueSoon: true, WorkdaysLeft: 2}},
		{"DueSoonOverWeekend", due, "2025-03-08", false, workday.Status{DueSoon: true, WorkdaysLeft: 1}},
		{"DueToday", due, "2025-03-10", false, workday.Status{DueSoon: true, WorkdaysLeft: 0}},
		{"Overdue", due, "2025-03-11", false, workday.Status{Overdue: true, WorkdaysLeft: -1}},
		{"ConcludedLate", due, "2025-03-11", true, workday.Status{WorkdaysLeft: -1}},
		{"ConcludedEarly", due, "2025-03-06", true, workday.Status{WorkdaysLeft: 2}},
		// Nine calendar days but one working day: the holiday makes it urgent.
		{"DueSoonAcrossHoliday", workday.Deadline{Due: d("2025-10-09"), Unit: workday.G}, "2025-09-30", false, workday.Status{DueSoon: true, WorkdaysLeft: 1}},
		{"ZOnWeekend", workday.Deadline{Due: d("2025-03-16"), Unit: workday.Z}, "2025-03-16", false, workday.Status{DueSoon: true, WorkdaysLeft: 0}},
		// Paused on Friday 03-07 with 3 working days left: if lifted today
		// the clock resumes Monday and ends Wednesday 03-12.
		{"Paused", workday.Deadline{Unit: workday.G, Paused: true, Left: 3}, "2025-03-07", false, workday.Status{WorkdaysLeft: 3}},
		{"PausedLastDay", workday.Deadline{Unit: workday.G, Paused: true, Left: 1}, "2025-03-07", false, workday.Status{WorkdaysLeft: 1}},
		{"PausedZ", workday.Deadline{Unit: workday.Z, Paused: true, Left: 5}, "2025-03-07", false, workday.Status{WorkdaysLeft: 3}},
		{"ZeroDeadline", workday.Deadline{}, "2025-03-07", false, workday.Status{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.Status(tt.dl, d(tt.today), tt.concluded); got != tt.want {
				t.Errorf("Status(%+v, %s, %v) = %+v, want %+v", tt.dl, tt.today, tt.concluded, got, tt.want)
			}
		})
	}
}

func TestPauseValidate(t *testing.T) {
	d := workday.MustParseDate
	for _, p := range []workday.Pause{
		{From: d("2025-03-05"), To: d("2025-03-05"), Unit: workday.G},
		{From: d("2025-03-05"), Unit: workday.Z},
	} {
		if err := p.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v", p, err)
		}
	}
	for _, tt := range []struct {
		name string
		p    workday.Pause
		code string
	}{
		{"ErrNoStart", workday.Pause{To: d("2025-03-05"), Unit: workday.G}, workday.CodePause},
		{"ErrBackwards", workday.Pause{From: d("2025-03-05"), To: d("2025-03-04"), Unit: workday.G}, workday.CodePause},
		{"ErrUnit", workday.Pause{From: d("2025-03-05"), Unit: "D"}, workday.CodeLimitUnit},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var e *workday.Error
			if err := tt.p.Validate(); !errors.As(err, &e) || e.Code != tt.code {
				t.Errorf("Validate() = %v, want code %q", err, tt.code)
			}
		})
	}
	if !(workday.Pause{From: d("2025-03-05")}).Open() {
		t.Error("a pause without an end is not Open")
	}
}

func TestDeadlineJSON(t *testing.T) {
	b, err := json.Marshal(workday.New().Due(workday.MustParseDate("2023-01-19"), workday.Limit{Value: 3, Unit: workday.G}, nil))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"due":"2023-01-29","unit":"G"}`; got != want {
		t.Errorf("Marshal = %s, want %s", got, want)
	}
	b, _ = json.Marshal(workday.Deadline{Unit: workday.G, Paused: true, Left: 3})
	if got, want := string(b), `{"unit":"G","left":3,"paused":true}`; got != want {
		t.Errorf("Marshal paused = %s, want %s", got, want)
	}
	b, _ = json.Marshal(workday.Pause{From: workday.MustParseDate("2025-03-05"), Unit: workday.Z})
	if got, want := string(b), `{"from":"2025-03-05","unit":"Z"}`; got != want {
		t.Errorf("Marshal open pause = %s, want %s", got, want)
	}
}

// BenchmarkDue computes what a case list shows: a deadline and its status for
// each of a thousand cases with catalog-like limits, some of them paused.
func BenchmarkDue(b *testing.B) {
	c := workday.New()
	type kase struct {
		accepted workday.Date
		limit    workday.Limit
		pauses   []workday.Pause
	}
	limits := []workday.Limit{{0, workday.G}, {3, workday.G}, {5, workday.G}, {10, workday.G}, {15, workday.G},
		{20, workday.G}, {30, workday.Z}, {60, workday.Z}, {20, workday.G}, {60, workday.G}}
	start := workday.MustParseDate("2024-06-01")
	cases := make([]kase, 1000)
	for i := range cases {
		k := kase{accepted: start.AddDays(i * 7 % 900), limit: limits[i%len(limits)]}
		if i%10 == 0 {
			k.pauses = []workday.Pause{{From: k.accepted.AddDays(2), To: k.accepted.AddDays(12), Unit: workday.G}}
		}
		cases[i] = k
	}
	today := workday.MustParseDate("2025-09-30")
	b.ReportAllocs()
	for b.Loop() {
		for _, k := range cases {
			dl := c.Due(k.accepted, k.limit, k.pauses)
			c.Status(dl, today, false)
		}
	}
}
