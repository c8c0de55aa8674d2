package workday_test

import (
	"testing"
	"time"

	"pgregory.net/rapid"

	"yizhan/workday"
)

// The generators cover 2001 to 2031: unknown years on both sides of the
// built-in ones, and the year boundaries where a walk changes table.
var (
	genFirst = workday.MustParseDate("2001-06-01")
	genDays  = workday.MustParseDate("2031-12-31").Sub(genFirst)
)

func drawDate(t *rapid.T, label string) workday.Date {
	return genFirst.AddDays(rapid.IntRange(0, genDays).Draw(t, label))
}

func drawLimit(t *rapid.T) workday.Limit {
	return workday.Limit{
		Value: rapid.IntRange(0, 80).Draw(t, "value"),
		Unit:  rapid.SampledFrom([]workday.Unit{workday.G, workday.Z}).Draw(t, "unit"),
	}
}

// drawPauses draws closed pauses around the acceptance day, some starting
// before it, some overlapping.
func drawPauses(t *rapid.T, accepted workday.Date) []workday.Pause {
	return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) workday.Pause {
		from := accepted.AddDays(rapid.IntRange(-10, 90).Draw(t, "from"))
		return workday.Pause{
			From: from,
			To:   from.AddDays(rapid.IntRange(0, 25).Draw(t, "length")),
			Unit: rapid.SampledFrom([]workday.Unit{workday.G, workday.Z}).Draw(t, "unit"),
		}
	}), 0, 4).Draw(t, "pauses")
}

func TestPropertyDateMatchesTime(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tm := time.Date(1, 1, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, rapid.IntRange(0, 3652058).Draw(t, "days"))
		d := workday.NewDate(tm.Date())
		if y, m, dd := d.Date(); y != tm.Year() || m != tm.Month() || dd != tm.Day() {
			t.Fatalf("NewDate(%v).Date() = %d-%d-%d", tm, y, m, dd)
		}
		if d.Weekday() != tm.Weekday() {
			t.Fatalf("%v: Weekday() = %v, want %v", d, d.Weekday(), tm.Weekday())
		}
		if p, err := workday.ParseDate(d.String()); err != nil || p != d {
			t.Fatalf("ParseDate(%q) = %v, %v", d.String(), p, err)
		}
		k := rapid.IntRange(-2000, 2000).Draw(t, "k")
		if got, want := d.AddDays(k), workday.NewDate(tm.AddDate(0, 0, k).Date()); got != want {
			t.Fatalf("%v.AddDays(%d) = %v, want %v", d, k, got, want)
		}
		if got := workday.NewDate(tm.AddDate(0, 0, k).Date()).Sub(d); got != k {
			t.Fatalf("Sub = %d, want %d", got, k)
		}
	})
}

func TestPropertyDue(t *testing.T) {
	c := workday.New()
	rapid.Check(t, func(t *rapid.T) {
		acc := drawDate(t, "accepted")
		lim := drawLimit(t)
		dl := c.Due(acc, lim, nil)
		if dl.Paused || dl.Due.Before(acc) {
			t.Fatalf("Due(%v, %v) = %+v", acc, lim, dl)
		}
		if lim.Value == 0 && dl.Due != acc {
			t.Fatalf("即办 Due(%v) = %v, want the same day", acc, dl.Due)
		}
		if lim.Unit == workday.Z {
			if want := acc.AddDays(lim.Value); dl.Due != want || dl.Provisional {
				t.Fatalf("Due(%v, %v) = %+v, want %v", acc, lim, dl, want)
			}
			return
		}
		if lim.Value > 0 {
			if work, known := c.IsWorkday(dl.Due); known && !work {
				t.Fatalf("Due(%v, %v) = %v, not a working day", acc, lim, dl.Due)
			}
		}
		if n := c.WorkdaysBetween(acc, dl.Due); n != lim.Value {
			t.Fatalf("Due(%v, %v) = %v with %d working days in between", acc, lim, dl.Due, n)
		}
		provisional := false
		for d := acc.AddDays(1); !d.After(dl.Due); d = d.AddDays(1) {
			if !c.Known(d.Year()) {
				provisional = true
			}
		}
		if dl.Provisional != provisional {
			t.Fatalf("Due(%v, %v).Provisional = %v, want %v", acc, lim, dl.Provisional, provisional)
		}
		// One more unit of limit always means a later day.
		if next := c.Due(acc, workday.Limit{Value: lim.Value + 1, Unit: lim.Unit}, nil); !next.Due.After(dl.Due) {
			t.Fatalf("Due with %d+1 = %v, not after %v", lim.Value, next.Due, dl.Due)
		}
	})
}

// spent reports whether a pause spends d, restating Due's rule independently.
func spent(c *workday.Calendar, d workday.Date, pauses []workday.Pause) bool {
	work, _ := c.IsWorkday(d)
	for _, p := range pauses {
		if !d.Before(p.From) && !d.After(p.To) && (p.Unit == workday.Z || work) {
			return true
		}
	}
	return false
}

func TestPropertyPauses(t *testing.T) {
	c := workday.New()
	rapid.Check(t, func(t *rapid.T) {
		acc := drawDate(t, "accepted")
		lim := drawLimit(t)
		pauses := drawPauses(t, acc)
		base := c.Due(acc, lim, nil)
		got := c.Due(acc, lim, pauses)
		if got.Due.Before(base.Due) {
			t.Fatalf("pauses %v shortened Due(%v, %v) from %v to %v", pauses, acc, lim, base.Due, got.Due)
		}
		// Exactly lim.Value counting days that no pause spends lie in
		// (accepted, due], and the due day is one of them.
		n := 0
		for d := acc.AddDays(1); !d.After(got.Due); d = d.AddDays(1) {
			work, _ := c.IsWorkday(d)
			if (lim.Unit == workday.Z || work) && !spent(c, d, pauses) {
				n++
			}
		}
		if n != lim.Value {
			t.Fatalf("Due(%v, %v, %v) = %v with %d counting days", acc, lim, pauses, got.Due, n)
		}
		if lim.Value > 0 {
			work, _ := c.IsWorkday(got.Due)
			if (lim.Unit == workday.G && !work) || spent(c, got.Due, pauses) {
				t.Fatalf("Due(%v, %v, %v) = %v, a day that does not count", acc, lim, pauses, got.Due)
			}
		}
		// Leaving the last pause open either stops the clock with part of
		// the limit left, or changes nothing because the clock ran out first.
		if len(pauses) > 0 {
			open := append([]workday.Pause(nil), pauses...)
			open[len(open)-1].To = workday.Date{}
			o := c.Due(acc, lim, open)
			if o.Paused {
				if o.Left < 1 || o.Left > lim.Value || !o.Due.IsZero() {
					t.Fatalf("open pause: %+v", o)
				}
			} else if o.Due != got.Due || (lim.Value > 0 && !o.Due.Before(open[len(open)-1].From)) {
				t.Fatalf("open pause from %v: got %+v, want due %v before the pause", open[len(open)-1].From, o, got.Due)
			}
		}
	})
}

func TestPropertyWorkdaysBetween(t *testing.T) {
	c := workday.New()
	rapid.Check(t, func(t *rapid.T) {
		a := drawDate(t, "a")
		b := a.AddDays(rapid.IntRange(-800, 800).Draw(t, "span"))
		want := 0
		lo, hi, sign := a, b, 1
		if hi.Before(lo) {
			lo, hi, sign = b, a, -1
		}
		for d := lo.AddDays(1); !d.After(hi); d = d.AddDays(1) {
			if work, _ := c.IsWorkday(d); work {
				want += sign
			}
		}
		if got := c.WorkdaysBetween(a, b); got != want {
			t.Fatalf("WorkdaysBetween(%v, %v) = %d, want %d", a, b, got, want)
		}
	})
}

// dueByDay is Due as it was first written: a walk of one day at a time,
// checking every pause on every day. Due jumps over stretches of days
// instead; TestPropertyDueMatchesWalk holds it to the walk's answers.
func dueByDay(c *workday.Calendar, accepted workday.Date, lim workday.Limit, pauses []workday.Pause) workday.Deadline {
	unit := workday.G
	if lim.Unit == workday.Z {
		unit = workday.Z
	}
	dl := workday.Deadline{Unit: unit}
	if accepted.IsZero() {
		return dl
	}
	left := max(lim.Value, 0)
	d := accepted
	for left > 0 {
		d = d.AddDays(1)
		inZ, inG, open := false, false, false
		for _, p := range pauses {
			if p.From.IsZero() || d.Before(p.From) {
				continue
			}
			switch {
			case p.To.IsZero():
				open = true
			case d.After(p.To):
			case p.Unit == workday.Z:
				inZ = true
			default:
				inG = true
			}
		}
		if open {
			dl.Paused, dl.Left = true, left
			return dl
		}
		work := true
		if unit == workday.G || inG {
			var known bool
			if work, known = c.IsWorkday(d); !known {
				dl.Provisional = true
			}
		}
		if (unit == workday.G && !work) || inZ || (inG && work) {
			continue
		}
		left--
	}
	dl.Due = d
	return dl
}

func TestPropertyDueMatchesWalk(t *testing.T) {
	c := workday.New()
	rapid.Check(t, func(t *rapid.T) {
		acc := drawDate(t, "accepted")
		lim := workday.Limit{Value: rapid.IntRange(0, 800).Draw(t, "value"),
			Unit: rapid.SampledFrom([]workday.Unit{workday.G, workday.Z}).Draw(t, "unit")}
		pauses := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) workday.Pause {
			from := acc.AddDays(rapid.IntRange(-30, 900).Draw(t, "from"))
			p := workday.Pause{From: from, To: from.AddDays(rapid.IntRange(0, 200).Draw(t, "length")),
				Unit: rapid.SampledFrom([]workday.Unit{workday.G, workday.Z}).Draw(t, "unit")}
			if rapid.IntRange(0, 9).Draw(t, "open") == 0 {
				p.To = workday.Date{}
			}
			return p
		}), 0, 8).Draw(t, "pauses")
		if got, want := c.Due(acc, lim, pauses), dueByDay(c, acc, lim, pauses); got != want {
			t.Fatalf("Due(%v, %v, %v) = %+v, the day-by-day walk gives %+v", acc, lim, pauses, got, want)
		}
	})
}

// BenchmarkDueWorstCase is the longest limit a catalog or a case may carry,
// in working days, with sixty special procedures along the way: what one
// row of a hall list may cost at most.
func BenchmarkDueWorstCase(b *testing.B) {
	c := workday.New()
	acc := workday.MustParseDate("2026-03-02")
	var pauses []workday.Pause
	for i := 0; i < 60; i++ {
		from := acc.AddDays(1 + i*40)
		pauses = append(pauses, workday.Pause{From: from, To: from.AddDays(10), Unit: workday.G})
	}
	lim := workday.Limit{Value: workday.MaxLimitValue, Unit: workday.G}
	b.ReportAllocs()
	for b.Loop() {
		c.Due(acc, lim, pauses)
	}
}
