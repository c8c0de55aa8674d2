package workday

import (
	"fmt"
	"maps"
	"math/bits"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"
)

// YearSpec is one year's official arrangement of holidays and make-up working
// days, as announced by the State Council and published by the hall. It is
// the unit of sync: the hall sends a whole year, never single days, so a
// station cannot end up with half a notice.
//
// A spec holds only days that break the Monday-to-Friday rule's defaults:
// every day off in a holiday period (weekend days included, as the notice
// counts them) and every make-up day. If a notice for one year moves days in
// the previous year (as the 2002 New Year notice did with 2001-12-29), the
// hall republishes that year too, because a spec never reaches outside its
// year.
type YearSpec struct {
	// Year is the calendar year the spec covers.
	Year int `json:"year"`
	// Holidays are days off, including weekend days inside a holiday period.
	Holidays []Date `json:"holidays"`
	// Workdays are make-up working days (调休上班), usually weekend days.
	Workdays []Date `json:"workdays"`
	// Source says where the spec comes from, e.g. the notice number
	// 国办发明电〔2025〕7号, so a clerk can check a surprising deadline.
	Source string `json:"source"`
}

// Validate checks that the year is plausible, that every date lies in it,
// that no day is both a holiday and a make-up day, and that there is at least
// one holiday: every Chinese year has some, so an empty list is a broken sync
// payload that would otherwise turn every festival into a working day.
func (s YearSpec) Validate() error {
	if s.Year < 1 || s.Year > 9999 {
		return newError(CodeSpecYear, fmt.Sprintf("year spec: year %d out of range", s.Year),
			fmt.Sprintf("节假日安排的年份 %d 不正确。", s.Year))
	}
	if len(s.Holidays) == 0 {
		return newError(CodeSpecEmpty, fmt.Sprintf("year spec %d: no holidays", s.Year),
			fmt.Sprintf("%d 年节假日安排没有任何假日，数据可能不完整。", s.Year))
	}
	check := func(list []Date, kind, zh string) error {
		for _, d := range list {
			if d.IsZero() || d.Year() != s.Year {
				return newError(CodeSpecDate, fmt.Sprintf("year spec %d: %s %q is not in the year", s.Year, kind, d.String()),
					fmt.Sprintf("%d 年节假日安排中的%s“%s”不在该年内。", s.Year, zh, d.String()))
			}
		}
		return nil
	}
	if err := check(s.Holidays, "holiday", "放假日"); err != nil {
		return err
	}
	if err := check(s.Workdays, "make-up workday", "调休上班日"); err != nil {
		return err
	}
	off := make(map[Date]bool, len(s.Holidays))
	for _, d := range s.Holidays {
		off[d] = true
	}
	for _, d := range s.Workdays {
		if off[d] {
			return newError(CodeSpecConflict, fmt.Sprintf("year spec %d: %s is both a holiday and a make-up workday", s.Year, d),
				fmt.Sprintf("%d 年节假日安排中 %s 既是放假日又是调休上班日。", s.Year, d))
		}
	}
	return nil
}

// clone returns a copy with sorted, de-duplicated dates, so that a spec held
// by a Calendar cannot be changed through the caller's slices and compares
// equal however it was listed.
func (s YearSpec) clone() YearSpec {
	norm := func(in []Date) []Date {
		out := slices.Clone(in)
		slices.SortFunc(out, Date.Compare)
		return slices.Compact(out)
	}
	s.Holidays = norm(s.Holidays)
	s.Workdays = norm(s.Workdays)
	if s.Holidays == nil {
		s.Holidays = []Date{}
	}
	if s.Workdays == nil {
		s.Workdays = []Date{}
	}
	return s
}

// yearDays is a year's working days as a bit set indexed by day of the year,
// so that a deadline walk costs a shift and a mask per day.
type yearDays struct {
	first int // day number (Date.n) of January 1
	bits  [6]uint64
}

func newYearDays(s YearSpec) *yearDays {
	first, next := Date{n: yearStart(s.Year)}, Date{n: yearStart(s.Year + 1)}
	y := &yearDays{first: first.n}
	for d := first; d.Before(next); d = d.AddDays(1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			y.set(d, true)
		}
	}
	for _, d := range s.Holidays {
		y.set(d, false)
	}
	for _, d := range s.Workdays {
		y.set(d, true)
	}
	return y
}

func (y *yearDays) set(d Date, work bool) {
	i := d.n - y.first
	if work {
		y.bits[i/64] |= 1 << (i % 64)
	} else {
		y.bits[i/64] &^= 1 << (i % 64)
	}
}

func (y *yearDays) work(d Date) bool {
	i := d.n - y.first
	return y.bits[i/64]&(1<<(i%64)) != 0
}

// count returns the number of working days from d to e inclusive, both in
// the year; popcounts keep Status cheap for cases that are long overdue.
func (y *yearDays) count(d, e Date) int {
	i, j := d.n-y.first, e.n-y.first
	n := 0
	for w := i / 64; w <= j/64; w++ {
		word, lo := y.bits[w], w*64
		if i > lo {
			word &^= 1<<(i-lo) - 1
		}
		if j < lo+63 {
			word &= 1<<(j-lo+1) - 1
		}
		n += bits.OnesCount64(word)
	}
	return n
}

// table is an immutable snapshot of a Calendar. Publish builds a new one and
// swaps it in, so readers never lock and one Due call sees one consistent set
// of years even while the hall publishes another.
type table struct {
	specs map[int]YearSpec
	days  map[int]*yearDays
}

func (t *table) with(s YearSpec) *table {
	n := &table{specs: maps.Clone(t.specs), days: maps.Clone(t.days)}
	n.specs[s.Year] = s
	n.days[s.Year] = newYearDays(s)
	return n
}

// workdays returns the number of working days from d to e inclusive (0 if e
// is before d), one year at a time; unknown years count Monday to Friday.
func (t *table) workdays(d, e Date) int {
	n := 0
	for !d.After(e) {
		y := d.Year()
		last := Date{n: yearStart(y+1) - 1}
		if e.Before(last) {
			last = e
		}
		if yd := t.days[y]; yd != nil {
			n += yd.count(d, last)
		} else {
			n += weekdays(d, last)
		}
		d = last.AddDays(1)
	}
	return n
}

// weekdays returns the number of Mondays to Fridays from d to e inclusive.
func weekdays(d, e Date) int {
	days := e.Sub(d) + 1
	n := days / 7 * 5
	for i := days / 7 * 7; i < days; i++ {
		if wd := d.AddDays(i).Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return n
}

// cursor answers IsWorkday for a walk over consecutive days, remembering the
// current year so that it converts a day number to a year once per year
// rather than once per day.
type cursor struct {
	t           *table
	first, next int // day numbers bounding the cached year
	days        *yearDays
}

func (c *cursor) isWorkday(d Date) (work, known bool) {
	if d.n < c.first || d.n >= c.next {
		y := d.Year()
		c.first, c.next = yearStart(y), yearStart(y+1)
		c.days = c.t.days[y]
	}
	if c.days != nil {
		return c.days.work(d), true
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday, false
}

// lunarFirstYear and lunarLastYear bound the scan of lunar-go's table. Its
// data start with the make-up days of 2001-12-29 for New Year 2002; the upper
// bound only has to lie beyond any year a release could carry.
const (
	lunarFirstYear = 2001
	lunarLastYear  = 2100
)

// lunarModule is the module path, used to name the source of built-in years.
const lunarModule = "github.com/6tail/lunar-go"

// builtin reads lunar-go's holiday table once per process. The table is
// process-wide read-only data inside lunar-go, so every Calendar shares one
// parsed copy; it is built on first use rather than at init so that importing
// the package costs nothing.
var builtin = sync.OnceValue(loadBuiltin)

// loadBuiltin converts lunar-go's holidays into year specs. A year counts as
// carried only if it has at least one day off: 2001 appears in the data only
// through two make-up days for the 2002 New Year, and treating it as known
// would make deadlines in 2001 look certain when they are not.
func loadBuiltin() *table {
	t := &table{specs: map[int]YearSpec{}, days: map[int]*yearDays{}}
	// The version is in the build info of real binaries (not of test
	// binaries); it tells a clerk which release a surprising date came from.
	source := lunarModule
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path == lunarModule {
				source += " " + m.Version
			}
		}
	}
	for y := lunarFirstYear; y <= lunarLastYear; y++ {
		spec := YearSpec{Year: y, Source: source}
		for e := HolidayUtil.GetHolidaysByYear(y).Front(); e != nil; e = e.Next() {
			h := e.Value.(*HolidayUtil.Holiday)
			d, err := ParseDate(h.GetDay())
			if err != nil || d.Year() != y {
				continue // lunar-go's data are well-formed; skip rather than guess
			}
			if h.IsWork() {
				spec.Workdays = append(spec.Workdays, d)
			} else {
				spec.Holidays = append(spec.Holidays, d)
			}
		}
		if len(spec.Holidays) == 0 {
			continue
		}
		spec = spec.clone()
		t.specs[y] = spec
		t.days[y] = newYearDays(spec)
	}
	return t
}

// BuiltinYears returns, in order, the years whose holidays ship with the
// program (from lunar-go). With lunar-go v1.4.7 these are 2002 to 2027.
func BuiltinYears() []int {
	return slices.Sorted(maps.Keys(builtin().specs))
}

// Calendar answers which days are working days, from the built-in years plus
// any years the hall has published. The zero Calendar is ready to use and
// holds the built-in years; New exists for readability at call sites. A
// Calendar is safe for concurrent use.
type Calendar struct {
	mu sync.Mutex // serialises Publish; readers use t without locking
	t  atomic.Pointer[table]
}

// New returns a Calendar holding the built-in years.
func New() *Calendar { return &Calendar{} }

// load returns the current snapshot, the built-in one until a first Publish.
func (c *Calendar) load() *table {
	if t := c.t.Load(); t != nil {
		return t
	}
	return builtin()
}

// Publish installs the holidays and make-up days of one year, replacing the
// built-in or previously published arrangement for that year as a whole: a
// notice is authoritative for its year, and merging day by day could keep a
// holiday the notice has moved. Deadlines computed afterwards use it;
// deadlines already computed are the caller's to recompute.
func (c *Calendar) Publish(s YearSpec) error {
	if err := s.Validate(); err != nil {
		return err
	}
	s = s.clone()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t.Store(c.load().with(s))
	return nil
}

// Known reports whether the holidays of year are known, built in or published.
func (c *Calendar) Known(year int) bool {
	_, ok := c.load().specs[year]
	return ok
}

// Years returns the known years in order.
func (c *Calendar) Years() []int {
	return slices.Sorted(maps.Keys(c.load().specs))
}

// Spec returns the arrangement in force for year, published or built in, and
// whether there is one. The slices are copies the caller may keep.
func (c *Calendar) Spec(year int) (YearSpec, bool) {
	s, ok := c.load().specs[year]
	if !ok {
		return YearSpec{}, false
	}
	return s.clone(), true
}

// IsWorkday reports whether d is a working day: Monday to Friday unless a
// holiday, or a make-up day. For a year that is not known it applies Monday
// to Friday and returns known=false, so the caller can warn instead of
// silently trusting a guess.
func (c *Calendar) IsWorkday(d Date) (work, known bool) {
	cur := cursor{t: c.load()}
	return cur.isWorkday(d)
}
