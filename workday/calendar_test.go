package workday_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"

	"yizhan/workday"
)

// notice is a State Council holiday notice written the way it is published:
// ranges of days off and single make-up days.
type notice struct {
	year     int
	off      [][2]string // inclusive ranges
	makeUpOn []string
}

func (n notice) spec() workday.YearSpec {
	s := workday.YearSpec{Year: n.year}
	for _, r := range n.off {
		for d, to := workday.MustParseDate(r[0]), workday.MustParseDate(r[1]); !d.After(to); d = d.AddDays(1) {
			s.Holidays = append(s.Holidays, d)
		}
	}
	for _, d := range n.makeUpOn {
		s.Workdays = append(s.Workdays, workday.MustParseDate(d))
	}
	return s
}

// 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）.
var notice2025 = notice{
	year: 2025,
	off: [][2]string{
		{"2025-01-01", "2025-01-01"}, // 元旦
		{"2025-01-28", "2025-02-04"}, // 春节
		{"2025-04-04", "2025-04-06"}, // 清明节
		{"2025-05-01", "2025-05-05"}, // 劳动节
		{"2025-05-31", "2025-06-02"}, // 端午节
		{"2025-10-01", "2025-10-08"}, // 国庆节、中秋节
	},
	makeUpOn: []string{"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"},
}

// 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04).
var notice2026 = notice{
	year: 2026,
	off: [][2]string{
		{"2026-01-01", "2026-01-03"}, // 元旦
		{"2026-02-15", "2026-02-23"}, // 春节
		{"2026-04-04", "2026-04-06"}, // 清明节
		{"2026-05-01", "2026-05-05"}, // 劳动节
		{"2026-06-19", "2026-06-21"}, // 端午节
		{"2026-09-25", "2026-09-27"}, // 中秋节
		{"2026-10-01", "2026-10-07"}, // 国庆节
	},
	makeUpOn: []string{"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"},
}

func TestBuiltinYears(t *testing.T) {
	var want []int
	for y := 2002; y <= 2027; y++ {
		want = append(want, y)
	}
	if got := workday.BuiltinYears(); !slices.Equal(got, want) {
		t.Errorf("BuiltinYears() = %v, want %v (did the lunar-go version change?)", got, want)
	}
	c := workday.New()
	if got := c.Years(); !slices.Equal(got, want) {
		t.Errorf("New().Years() = %v, want %v", got, want)
	}
	for _, y := range want {
		s, ok := c.Spec(y)
		if !ok {
			t.Fatalf("Spec(%d) missing", y)
		}
		if err := s.Validate(); err != nil {
			t.Errorf("built-in %d: %v", y, err)
		}
		if s.Source == "" {
			t.Errorf("built-in %d has no source", y)
		}
	}
	// 2001 is in lunar-go only through two make-up days for New Year 2002.
	if c.Known(2001) || c.Known(2028) {
		t.Error("Known(2001) or Known(2028) = true, want false")
	}
}

// TestBuiltinMatchesNotices compares whole built-in years with the official
// notices, so a lunar-go upgrade that changes them fails loudly.
func TestBuiltinMatchesNotices(t *testing.T) {
	c := workday.New()
	for _, n := range []notice{notice2025, notice2026} {
		t.Run(fmt.Sprint(n.year), func(t *testing.T) {
			got, ok := c.Spec(n.year)
			if !ok {
				t.Fatalf("Spec(%d) missing", n.year)
			}
			want := n.spec()
			if !slices.Equal(got.Holidays, want.Holidays) {
				t.Errorf("holidays\n got %v\nwant %v", got.Holidays, want.Holidays)
			}
			if !slices.Equal(got.Workdays, want.Workdays) {
				t.Errorf("make-up days\n got %v\nwant %v", got.Workdays, want.Workdays)
			}
		})
	}
}

func TestIsWorkday(t *testing.T) {
	c := workday.New()
	for _, tt := range []struct {
		day   string
		work  bool
		known bool
	}{
		{"2023-01-27", false, true}, // Friday in Spring Festival
		{"2023-01-28", true, true},  // make-up Saturday
		{"2023-01-29", true, true},  // make-up Sunday
		{"2025-01-26", true, true},  // Sunday, make-up for Spring Festival
		{"2025-01-27", true, true},  // Monday before the holiday
		{"2025-01-28", false, true}, // 除夕
		{"2025-02-04", false, true}, // last day of Spring Festival
		{"2025-02-05", true, true},
		{"2025-02-08", true, true},  // make-up Saturday
		{"2025-02-09", false, true}, // ordinary Sunday
		{"2025-09-28", true, true},  // make-up Sunday
		{"2025-10-01", false, true},
		{"2025-10-08", false, true}, // Wednesday, last day of National Day
		{"2025-10-09", true, true},
		{"2025-10-11", true, true},  // make-up Saturday
		{"2026-01-04", true, true},  // make-up Sunday after New Year
		{"2026-02-14", true, true},  // make-up Saturday
		{"2026-02-16", false, true}, // Monday in Spring Festival
		{"2026-02-23", false, true}, // Monday, last day of Spring Festival
		{"2026-02-24", true, true},
		{"2026-02-28", true, true},  // make-up Saturday
		{"2026-09-20", true, true},  // make-up Sunday
		{"2026-10-07", false, true}, // Wednesday, last day of National Day
		{"2026-10-08", true, true},
		{"2026-10-10", true, true},   // make-up Saturday
		{"2030-10-01", true, false},  // unknown year: a Tuesday is assumed to be worked
		{"2030-10-05", false, false}, // unknown year: Saturday
	} {
		work, known := c.IsWorkday(workday.MustParseDate(tt.day))
		if work != tt.work || known != tt.known {
			t.Errorf("IsWorkday(%s) = %v, %v; want %v, %v", tt.day, work, known, tt.work, tt.known)
		}
	}
}

func TestPublish(t *testing.T) {
	t.Run("NewYear", func(t *testing.T) {
		c := workday.New()
		spec := workday.YearSpec{
			Year:     2028,
			Holidays: []workday.Date{workday.MustParseDate("2028-01-03"), workday.MustParseDate("2028-01-01")},
			Workdays: []workday.Date{workday.MustParseDate("2028-01-08")},
			Source:   "test notice",
		}
		if err := c.Publish(spec); err != nil {
			t.Fatal(err)
		}
		if !c.Known(2028) || !slices.Contains(c.Years(), 2028) {
			t.Error("2028 not known after Publish")
		}
		if work, known := c.IsWorkday(workday.MustParseDate("2028-01-03")); work || !known {
			t.Errorf("IsWorkday(2028-01-03) = %v, %v; want false, true", work, known)
		}
		if work, _ := c.IsWorkday(workday.MustParseDate("2028-01-08")); !work {
			t.Error("make-up Saturday 2028-01-08 is not a workday")
		}
		// Published specs come back sorted, and as copies.
		got, _ := c.Spec(2028)
		if want := []workday.Date{workday.MustParseDate("2028-01-01"), workday.MustParseDate("2028-01-03")}; !slices.Equal(got.Holidays, want) {
			t.Errorf("Spec(2028).Holidays = %v, want %v", got.Holidays, want)
		}
		got.Holidays[0] = workday.MustParseDate("2028-06-01")
		spec.Holidays[0] = workday.MustParseDate("2028-06-02")
		if again, _ := c.Spec(2028); again.Holidays[0] != workday.MustParseDate("2028-01-01") {
			t.Error("Spec shares its slices with the caller")
		}
		if workday.New().Known(2028) {
			t.Error("Publish on one Calendar leaked into another")
		}
	})
	t.Run("ReplacesBuiltin", func(t *testing.T) {
		c := workday.New()
		// A corrected 2026 that knows only one holiday: the spec replaces the
		// year as a whole, it is not merged with lunar-go's.
		if err := c.Publish(workday.YearSpec{Year: 2026, Holidays: []workday.Date{workday.MustParseDate("2026-03-02")}, Source: "correction"}); err != nil {
			t.Fatal(err)
		}
		for day, want := range map[string]bool{"2026-03-02": false, "2026-02-14": false, "2026-10-01": true, "2026-02-16": true} {
			if work, known := c.IsWorkday(workday.MustParseDate(day)); work != want || !known {
				t.Errorf("IsWorkday(%s) = %v, %v; want %v, true", day, work, known, want)
			}
		}
		if s, _ := c.Spec(2026); s.Source != "correction" {
			t.Errorf("Spec(2026).Source = %q, want the published one", s.Source)
		}
		due := c.Due(workday.MustParseDate("2026-03-01"), workday.Limit{Value: 1, Unit: workday.G}, nil)
		if want := workday.MustParseDate("2026-03-03"); due.Due != want {
			t.Errorf("Due after override = %v, want %v", due.Due, want)
		}
	})
	t.Run("ZeroCalendar", func(t *testing.T) {
		var c workday.Calendar
		if !c.Known(2025) {
			t.Error("zero Calendar lacks the built-in years")
		}
		if err := c.Publish(notice2026.spec()); err != nil {
			t.Fatal(err)
		}
		if !c.Known(2025) || !c.Known(2026) {
			t.Error("Publish on a zero Calendar lost the built-in years")
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		c := workday.New()
		err := c.Publish(workday.YearSpec{Year: 2026, Holidays: []workday.Date{workday.MustParseDate("2027-01-01")}})
		var e *workday.Error
		if !errors.As(err, &e) || e.Code != workday.CodeSpecDate {
			t.Fatalf("Publish = %v, want %s", err, workday.CodeSpecDate)
		}
		if s, _ := c.Spec(2026); len(s.Holidays) < 30 {
			t.Error("a refused spec changed the calendar")
		}
	})
}

func TestYearSpecValidate(t *testing.T) {
	d := workday.MustParseDate
	for _, tt := range []struct {
		name string
		spec workday.YearSpec
		code string
	}{
		{"OK", notice2026.spec(), ""},
		{"ErrYear", workday.YearSpec{Year: 0, Holidays: []workday.Date{d("2026-01-01")}}, workday.CodeSpecYear},
		{"ErrEmpty", workday.YearSpec{Year: 2026}, workday.CodeSpecEmpty},
		{"ErrHolidayOutside", workday.YearSpec{Year: 2026, Holidays: []workday.Date{d("2025-12-31")}}, workday.CodeSpecDate},
		{"ErrWorkdayOutside", workday.YearSpec{Year: 2026, Holidays: []workday.Date{d("2026-01-01")}, Workdays: []workday.Date{d("2027-01-02")}}, workday.CodeSpecDate},
		{"ErrZeroDate", workday.YearSpec{Year: 2026, Holidays: []workday.Date{d("2026-01-01"), {}}}, workday.CodeSpecDate},
		{"ErrConflict", workday.YearSpec{Year: 2026, Holidays: []workday.Date{d("2026-01-01"), d("2026-02-14")}, Workdays: []workday.Date{d("2026-02-14")}}, workday.CodeSpecConflict},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.spec.Validate()
			if tt.code == "" {
				if err != nil {
					t.Fatalf("Validate() = %v", err)
				}
				return
			}
			var e *workday.Error
			if !errors.As(err, &e) || e.Code != tt.code || e.Zh == "" {
				t.Errorf("Validate() = %v, want code %q", err, tt.code)
			}
		})
	}
}

func TestYearSpecJSON(t *testing.T) {
	in := notice2026.spec()
	in.Source = "国务院办公厅关于2026年部分节假日安排的通知"
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out workday.YearSpec
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("round trip changed the spec:\n in %+v\nout %+v", in, out)
	}
	var wire workday.YearSpec
	if err := json.Unmarshal([]byte(`{"year":2027,"holidays":["2027-01-01"],"workdays":[],"source":"x"}`), &wire); err != nil {
		t.Fatal(err)
	}
	if wire.Year != 2027 || len(wire.Holidays) != 1 || wire.Holidays[0] != workday.MustParseDate("2027-01-01") {
		t.Errorf("Unmarshal = %+v", wire)
	}
}

// TestConcurrentPublish runs readers against a publisher; run with -race.
func TestConcurrentPublish(t *testing.T) {
	c := workday.New()
	var wg sync.WaitGroup
	for y := 2030; y < 2040; y++ {
		wg.Go(func() {
			spec := workday.YearSpec{Year: y, Holidays: []workday.Date{workday.NewDate(y, 10, 1)}}
			if err := c.Publish(spec); err != nil {
				t.Error(err)
			}
		})
	}
	for range 10 {
		wg.Go(func() {
			for i := range 200 {
				acc := workday.MustParseDate("2029-12-01").AddDays(i * 13)
				c.Due(acc, workday.Limit{Value: 20, Unit: workday.G}, nil)
				c.IsWorkday(acc)
				c.Years()
			}
		})
	}
	wg.Wait()
	for y := 2030; y < 2040; y++ {
		if !c.Known(y) {
			t.Errorf("year %d lost by a concurrent Publish", y)
		}
	}
}
