package workday_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"yizhan/workday"
)

func TestParseDate(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		for _, s := range []string{"2025-01-28", "2024-02-29", "0001-01-01", "9999-12-31", "2000-02-29"} {
			d, err := workday.ParseDate(s)
			if err != nil {
				t.Fatalf("ParseDate(%q): %v", s, err)
			}
			if got := d.String(); got != s {
				t.Errorf("ParseDate(%q).String() = %q", s, got)
			}
		}
	})
	t.Run("ErrDate", func(t *testing.T) {
		for _, s := range []string{"", "2025-02-29", "1900-02-29", "2025-2-28", "20250228", "2025-13-01",
			"2025-00-10", "2025-01-00", "2025-04-31", "0000-01-01", " 2025-01-01", "2025-01-01T00:00:00Z", "２０２５-01-01", "2025/01/01"} {
			_, err := workday.ParseDate(s)
			var e *workday.Error
			if !errors.As(err, &e) || e.Code != workday.CodeDate || e.ZhMessage() == "" {
				t.Errorf("ParseDate(%q) error = %v, want *Error with code %q", s, err, workday.CodeDate)
			}
		}
	})
}

func TestDate(t *testing.T) {
	d := workday.MustParseDate("2025-01-28")
	if y, m, dd := d.Date(); y != 2025 || m != time.January || dd != 28 {
		t.Errorf("Date() = %d, %v, %d", y, m, dd)
	}
	if got, want := d.Weekday(), time.Tuesday; got != want {
		t.Errorf("Weekday() = %v, want %v", got, want)
	}
	if got, want := d.AddDays(4), workday.MustParseDate("2025-02-01"); got != want {
		t.Errorf("AddDays(4) = %v, want %v", got, want)
	}
	if got, want := d.AddDays(-28), workday.MustParseDate("2024-12-31"); got != want {
		t.Errorf("AddDays(-28) = %v, want %v", got, want)
	}
	e := workday.NewDate(2025, time.January, 32) // normalised like time.Date
	if got, want := e, workday.MustParseDate("2025-02-01"); got != want {
		t.Errorf("NewDate(2025, 1, 32) = %v, want %v", got, want)
	}
	if !d.Before(e) || !e.After(d) || d.Equal(e) || !d.Equal(workday.MustParseDate("2025-01-28")) {
		t.Error("Before/After/Equal disagree with the calendar")
	}
	if got := e.Sub(d); got != 4 {
		t.Errorf("Sub = %d, want 4", got)
	}
	if d.Compare(e) != -1 || e.Compare(d) != 1 || d.Compare(d) != 0 {
		t.Error("Compare disagrees with Before/After")
	}
	var zero workday.Date
	if !zero.IsZero() || d.IsZero() || zero.String() != "" {
		t.Errorf("zero Date: IsZero=%v String=%q", zero.IsZero(), zero.String())
	}
	if got, want := d.Time(nil), time.Date(2025, 1, 28, 0, 0, 0, 0, workday.China); !got.Equal(want) {
		t.Errorf("Time(nil) = %v, want %v", got, want)
	}
}

func TestDateOf(t *testing.T) {
	// 16:30 UTC is already half past midnight of the next day in China: the
	// clerk's date, not the server's, is the one that counts.
	utc := time.Date(2025, 1, 27, 16, 30, 0, 0, time.UTC)
	if got, want := workday.DateOf(utc, workday.China), workday.MustParseDate("2025-01-28"); got != want {
		t.Errorf("DateOf(China) = %v, want %v", got, want)
	}
	if got, want := workday.DateOf(utc, nil), workday.MustParseDate("2025-01-28"); got != want {
		t.Errorf("DateOf(nil) = %v, want %v", got, want)
	}
	if got, want := workday.DateOf(utc, time.UTC), workday.MustParseDate("2025-01-27"); got != want {
		t.Errorf("DateOf(UTC) = %v, want %v", got, want)
	}
}

func TestDateJSON(t *testing.T) {
	type doc struct {
		A workday.Date `json:"a"`
		B workday.Date `json:"b,omitzero"`
	}
	b, err := json.Marshal(doc{A: workday.MustParseDate("2023-01-29")})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"a":"2023-01-29"}`; got != want {
		t.Errorf("Marshal = %s, want %s", got, want)
	}
	var v doc
	if err := json.Unmarshal([]byte(`{"a":"2026-02-14","b":""}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != workday.MustParseDate("2026-02-14") || !v.B.IsZero() {
		t.Errorf("Unmarshal = %+v", v)
	}
	if err := json.Unmarshal([]byte(`{"a":"2026-02-30"}`), &v); err == nil {
		t.Error("Unmarshal of 2026-02-30 succeeded, want error")
	}
}

func TestLimit(t *testing.T) {
	t.Run("JSON", func(t *testing.T) {
		// The shape of legal_limit / promised_limit in the catalog.
		var l workday.Limit
		if err := json.Unmarshal([]byte(`{"value": 3, "unit": "G"}`), &l); err != nil {
			t.Fatal(err)
		}
		if want := (workday.Limit{Value: 3, Unit: workday.G}); l != want {
			t.Errorf("got %+v, want %+v", l, want)
		}
		b, _ := json.Marshal(workday.Limit{Value: 60, Unit: workday.Z})
		if got, want := string(b), `{"value":60,"unit":"Z"}`; got != want {
			t.Errorf("Marshal = %s, want %s", got, want)
		}
	})
	t.Run("OK", func(t *testing.T) {
		for _, l := range []workday.Limit{{0, workday.G}, {20, workday.G}, {60, workday.Z}, {workday.MaxLimitValue, workday.Z}} {
			if err := l.Validate(); err != nil {
				t.Errorf("%v: %v", l, err)
			}
		}
	})
	for _, tt := range []struct {
		name string
		l    workday.Limit
		code string
	}{
		{"ErrNegative", workday.Limit{-1, workday.G}, workday.CodeLimitValue},
		{"ErrTooLarge", workday.Limit{workday.MaxLimitValue + 1, workday.Z}, workday.CodeLimitValue},
		{"ErrUnitEmpty", workday.Limit{3, ""}, workday.CodeLimitUnit},
		{"ErrUnitLower", workday.Limit{3, "g"}, workday.CodeLimitUnit},
		{"ErrUnitOther", workday.Limit{3, "W"}, workday.CodeLimitUnit},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var e *workday.Error
			if err := tt.l.Validate(); !errors.As(err, &e) || e.Code != tt.code {
				t.Errorf("Validate() = %v, want code %q", err, tt.code)
			}
		})
	}
}
