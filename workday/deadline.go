package workday

import "fmt"

// DueSoonWorkdays is how many working days before the due date a case is
// flagged as due soon. Two days leave a clerk time to chase a department
// without the warning becoming noise [judgement, domain brief].
const DueSoonWorkdays = 2

// Pause is a span after acceptance during which the deadline clock stands
// still: a special procedure (特别程序: hearing, inspection, testing, expert
// review and the like) or a wait for the applicant's corrections. The law says
// such time "does not count", so the clock simply skips the days a pause
// spends; Due explains exactly which days those are.
type Pause struct {
	// From is the first suspended day.
	From Date `json:"from"`
	// To is the last suspended day, inclusive; the zero Date means the pause
	// is still open.
	To Date `json:"to,omitzero"`
	// Unit says which days inside the span are spent: every calendar day for
	// Z (a procedure with a calendar-day limit, e.g. a 30-day expert review),
	// only working days for G.
	Unit Unit `json:"unit"`
}

// Open reports whether the pause has not ended yet.
func (p Pause) Open() bool { return p.To.IsZero() }

// Validate checks that the pause has a start, does not end before it starts
// and has a valid unit. Due skips pauses without a start rather than fail,
// because a list of cases must render even with one bad record; validate at
// the edge where the pause is entered.
func (p Pause) Validate() error {
	if p.From.IsZero() {
		return newError(CodePause, "pause has no start date", "暂停缺少开始日期。")
	}
	if !p.To.IsZero() && p.To.Before(p.From) {
		return newError(CodePause, fmt.Sprintf("pause ends %s before it starts %s", p.To, p.From),
			"暂停的结束日期早于开始日期。")
	}
	return p.Unit.Validate()
}

// Deadline is the result of Due.
type Deadline struct {
	// Due is the last day on which concluding the case is on time (the case
	// is due at the end of that day). It is the zero Date while Paused,
	// because no due date exists while the clock stands still.
	Due Date `json:"due,omitzero"`
	// Unit is the unit the limit was counted in (G unless the limit said Z).
	Unit Unit `json:"unit"`
	// Left is, while Paused, how many units of the limit were still on the
	// clock when the open pause stopped it; they run again once it is closed.
	Left int `json:"left,omitempty"`
	// Provisional is set when the computation looked at a day in a year whose
	// holidays are not known, so a holiday notice may still move the date.
	Provisional bool `json:"provisional,omitempty"`
	// Paused is set when an open pause stopped the clock before it ran out.
	Paused bool `json:"paused,omitempty"`
}

// Due computes when a case accepted on accepted must be concluded under lim.
//
// The start day is not counted. Then the clock runs day by day: for a G limit
// each working day advances it by one, for a Z limit each calendar day; the
// case is due on the day the clock reaches lim.Value. A Value of 0 (即办件)
// is due on the day of acceptance.
//
// A day does not advance the clock if a pause spends it: a Z pause spends
// every day from From to To, a G pause only the working days in that span.
// This is "time spent suspended does not count", and it yields the rules of
// the domain brief:
//   - a G limit is pushed by the working days a pause covers; weekend days in
//     a Z pause change nothing, since they would not have counted anyway;
//   - a Z limit is pushed by all calendar days of a Z pause, and by the
//     working days of a G pause;
//   - days before or on the acceptance day, and days after the clock has run
//     out, are not on the clock, so such pauses change nothing: a pause
//     recorded after the due date cannot revive an overdue case;
//   - overlapping pauses spend each day once.
//
// If an open pause (zero To) is reached before the clock runs out, the clock
// stops there for good: the result is Paused, with Left units remaining and
// no Due. To project a date, close the pause at the day it is expected to end
// and call Due again.
//
// A Z limit is not moved off a holiday: the brief counts calendar days
// strictly, and a station that wants to roll forward can do so on the result.
// Due does not validate lim (see Limit.Validate): a negative value counts as
// 0 and any unit other than Z as G.
//
// Cost: the walk jumps over each stretch of days whose pause coverage does
// not change, counting its working days by popcount, and finds the due day
// inside the last stretch by bisection. So even the longest limit
// (MaxLimitValue) with many pauses costs microseconds, not a walk of
// thousands of days per pause (BenchmarkDueWorstCase).
func (c *Calendar) Due(accepted Date, lim Limit, pauses []Pause) Deadline {
	unit := G
	if lim.Unit == Z {
		unit = Z
	}
	dl := Deadline{Unit: unit}
	if accepted.IsZero() {
		return dl
	}
	left := max(lim.Value, 0)
	if unit == Z && len(pauses) == 0 {
		// Calendar days need no calendar: the common Z case costs nothing.
		dl.Due = accepted.AddDays(left)
		return dl
	}
	t := c.load()
	d := accepted
	for left > 0 {
		start := d.AddDays(1)
		inZ, inG, open, next := coverage(start, pauses)
		if open {
			dl.Paused, dl.Left = true, left
			return dl
		}
		// The stretch [start, end] has one coverage; without a further
		// boundary, take one long enough to hold what is left (a week has
		// at least one working day even around the Spring Festival).
		end := start.AddDays(3*left + 30)
		if !next.IsZero() && next.Before(end.AddDays(1)) {
			end = next.AddDays(-1)
		}
		n := t.spent(start, end, unit, inZ, inG)
		if n < left {
			left -= n
			dl.Provisional = dl.Provisional || (unit == G || inG) && !t.knownRange(start, end)
			d = end
			continue
		}
		// The due day is in the stretch: the first day by which left
		// units are spent.
		lo, hi := 0, end.Sub(start)
		for lo < hi {
			mid := (lo + hi) / 2
			if t.spent(start, start.AddDays(mid), unit, inZ, inG) >= left {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		d = start.AddDays(lo)
		dl.Provisional = dl.Provisional || (unit == G || inG) && !t.knownRange(start, d)
		left = 0
	}
	dl.Due = d
	return dl
}

// spent returns how many units of a limit counted in unit the days from d
// to e inclusive advance the clock, when a Z pause (inZ) or a G pause (inG)
// covers all of them or none does.
func (t *table) spent(d, e Date, unit Unit, inZ, inG bool) int {
	switch {
	case inZ || e.Before(d):
		return 0
	case unit == G && inG:
		return 0 // the pause spends exactly the days that would count
	case unit == G:
		return t.workdays(d, e)
	case inG:
		return e.Sub(d) + 1 - t.workdays(d, e) // a Z limit still counts the days off
	}
	return e.Sub(d) + 1
}

// knownRange reports whether every year from d's to e's is known.
func (t *table) knownRange(d, e Date) bool {
	for y := d.Year(); y <= e.Year(); y++ {
		if t.days[y] == nil {
			return false
		}
	}
	return true
}

// coverage reports which kinds of pause cover d, and the next day after d
// on which that can change (the zero Date: never). A pause without a start
// is skipped (see Pause.Validate).
func coverage(d Date, pauses []Pause) (inZ, inG, open bool, next Date) {
	later := func(b Date) {
		if b.After(d) && (next.IsZero() || b.Before(next)) {
			next = b
		}
	}
	for _, p := range pauses {
		if p.From.IsZero() {
			continue
		}
		later(p.From)
		if d.Before(p.From) {
			continue
		}
		switch {
		case p.To.IsZero():
			open = true
		case d.After(p.To):
		case p.Unit == Z:
			inZ = true
			later(p.To.AddDays(1))
		default:
			inG = true
			later(p.To.AddDays(1))
		}
	}
	return inZ, inG, open, next
}

// WorkdaysBetween returns the number of working days in (a, b] when b is
// after a, minus the number in (b, a] when b is before a, and 0 when they are
// equal: b − a counted in working days. So WorkdaysBetween(today, due) is
// the working days left, and negative once a case is overdue. Unknown years
// count Monday to Friday.
func (c *Calendar) WorkdaysBetween(a, b Date) int {
	sign := 1
	if b.Before(a) {
		a, b, sign = b, a, -1
	}
	return sign * c.load().workdays(a.AddDays(1), b)
}

// Status is how a deadline stands on a given day, for lists and warnings.
type Status struct {
	// Overdue is set when the case is not concluded and today is after the
	// due date.
	Overdue bool `json:"overdue"`
	// DueSoon is set when the case is not concluded, not overdue and at most
	// DueSoonWorkdays working days remain.
	DueSoon bool `json:"due_soon"`
	// WorkdaysLeft is WorkdaysBetween(today, due): 0 on the due date itself,
	// negative when overdue. For a paused deadline it is what would remain if
	// the pause were lifted today.
	WorkdaysLeft int `json:"workdays_left"`
}

// Status evaluates d on today. Concluded cases are never overdue or due soon,
// whatever the dates say, because only an open case can still miss its
// deadline; WorkdaysLeft is still reported. A paused deadline is neither
// overdue nor due soon: its clock is not running. A zero Deadline (no due date
// and not paused) yields the zero Status.
func (c *Calendar) Status(d Deadline, today Date, concluded bool) Status {
	if d.Paused {
		// Project the remaining clock as if the pause were lifted at the end
		// of today, with no further pauses.
		p := c.Due(today, Limit{Value: d.Left, Unit: d.Unit}, nil)
		return Status{WorkdaysLeft: c.WorkdaysBetween(today, p.Due)}
	}
	if d.Due.IsZero() {
		return Status{}
	}
	s := Status{WorkdaysLeft: c.WorkdaysBetween(today, d.Due)}
	if concluded {
		return s
	}
	s.Overdue = today.After(d.Due)
	s.DueSoon = !s.Overdue && s.WorkdaysLeft <= DueSoonWorkdays
	return s
}
