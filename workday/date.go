package workday

import (
	"fmt"
	"time"
)

// China is the time zone of every service station (Asia/Shanghai, UTC+8 all
// year since 1991). It is a fixed zone rather than time.LoadLocation so that
// the pads and the hall server need no tzdata installed.
var China = time.FixedZone("CST", 8*3600)

// epochOffset shifts days counted from 1970-01-01 so that 0001-01-01 is day 1
// and the zero Date (day 0) is distinct from every real date.
const epochOffset = 719163

// Date is a civil date: a day on the wall calendar, with no time of day and no
// time zone. Deadlines are whole days, and a time.Time at midnight shifts to
// the previous day as soon as someone formats it in UTC; Date cannot.
//
// The zero Date means "no date" (IsZero). Dates are comparable with == and
// usable as map keys. Years 1 to 9999 are supported.
type Date struct {
	n int // days since 0000-12-31, so that 0001-01-01 is 1 and 0 is the zero Date
}

// NewDate returns the date year-month-day. Out-of-range months and days are
// normalised the way time.Date does (January 32 is February 1), so callers can
// do month arithmetic without checking; use ParseDate for strict input.
func NewDate(year int, month time.Month, day int) Date {
	y, m, d := time.Date(year, month, day, 12, 0, 0, 0, time.UTC).Date()
	return Date{n: daysFromCivil(y, int(m), d) + epochOffset}
}

// DateOf returns the date that t falls on in loc. Pass China for the date a
// clerk sees; a nil loc also means China, because that is the only zone a
// station lives in and a panic would be worse than the obvious default.
func DateOf(t time.Time, loc *time.Location) Date {
	if loc == nil {
		loc = China
	}
	y, m, d := t.In(loc).Date()
	return NewDate(y, m, d)
}

// ParseDate parses a date in the form YYYY-MM-DD, the only form used on the
// wire and in storage. It refuses days that do not exist (2025-02-29), because
// a wrong date in a deadline is worse than an error.
func ParseDate(s string) (Date, error) {
	bad := func() (Date, error) {
		return Date{}, newError(CodeDate, fmt.Sprintf("invalid date %q, want YYYY-MM-DD", s),
			"日期“"+s+"”不正确，应为“年-月-日”格式，如 2025-01-28。")
	}
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return bad()
	}
	num := func(p string) int {
		v := 0
		for i := 0; i < len(p); i++ {
			c := p[i]
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	y, m, d := num(s[0:4]), num(s[5:7]), num(s[8:10])
	if y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return bad()
	}
	return Date{n: daysFromCivil(y, m, d) + epochOffset}, nil
}

// MustParseDate is ParseDate for constants in code and tests; it panics on a
// malformed date because such a date is a programming error.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether d is the zero Date, which means "no date".
func (d Date) IsZero() bool { return d.n == 0 }

// Date returns the year, month and day of d.
func (d Date) Date() (year int, month time.Month, day int) {
	y, m, dd := civilFromDays(d.n - epochOffset)
	return y, time.Month(m), dd
}

// Year returns the year of d.
func (d Date) Year() int {
	y, _, _ := civilFromDays(d.n - epochOffset)
	return y
}

// Month returns the month of d.
func (d Date) Month() time.Month {
	_, m, _ := d.Date()
	return m
}

// Day returns the day of the month of d.
func (d Date) Day() int {
	_, _, dd := d.Date()
	return dd
}

// String returns d as YYYY-MM-DD, or "" for the zero Date so that an unset
// date prints as nothing rather than as a plausible-looking day.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	y, m, dd := d.Date()
	return fmt.Sprintf("%04d-%02d-%02d", y, int(m), dd)
}

// AddDays returns d moved by n calendar days (n may be negative).
func (d Date) AddDays(n int) Date { return Date{n: d.n + n} }

// Sub returns the number of calendar days from u to d, that is d − u.
func (d Date) Sub(u Date) int { return d.n - u.n }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// Day 1, 0001-01-01, was a Monday in the proleptic Gregorian calendar.
	return time.Weekday(((d.n % 7) + 7) % 7)
}

// Before reports whether d is earlier than u.
func (d Date) Before(u Date) bool { return d.n < u.n }

// After reports whether d is later than u.
func (d Date) After(u Date) bool { return d.n > u.n }

// Equal reports whether d and u are the same day; it is the same as d == u and
// exists for symmetry with time.Time.
func (d Date) Equal(u Date) bool { return d.n == u.n }

// Compare returns -1, 0 or +1 as d is before, equal to or after u, for
// slices.SortFunc and friends.
func (d Date) Compare(u Date) int {
	switch {
	case d.n < u.n:
		return -1
	case d.n > u.n:
		return 1
	}
	return 0
}

// Time returns the start of d in loc (China when loc is nil), for callers
// that must hand a date to an API that wants an instant.
func (d Date) Time(loc *time.Location) time.Time {
	if loc == nil {
		loc = China
	}
	y, m, dd := d.Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, loc)
}

// MarshalText encodes d as YYYY-MM-DD (empty for the zero Date); JSON and
// other text encodings use it.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText decodes YYYY-MM-DD; an empty text decodes to the zero Date so
// that an omitted date round-trips.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// daysFromCivil returns the number of days from 1970-01-01 to y-m-d in the
// proleptic Gregorian calendar (Howard Hinnant's algorithm). Integer
// arithmetic keeps deadline walks free of time.Time conversions.
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := m - 3
	if m <= 2 {
		mp = m + 9
	}
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int) (y, m, d int) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// yearStart returns the day number of January 1 of year y; deadline walks
// call it at every year boundary, so it skips NewDate's normalisation.
func yearStart(y int) int { return daysFromCivil(y, 1, 1) + epochOffset }

// daysIn returns the number of days in month m of year y.
func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
