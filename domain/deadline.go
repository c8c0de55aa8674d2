package domain

import "yizhan/workday"

// Deadlines computes a case's promised and legal deadlines on cal: counted
// from the day it was accepted (China time), skipping the days its pauses
// (special procedures, corrections after acceptance) spent. A 即办件 is due
// on the day of acceptance whatever its promised limit says. Both are zero
// for a case not yet accepted. The station and the hall use this one
// definition, so a due date reads the same on both sides of a sync.
func (c *Case) Deadlines(cal *workday.Calendar) (promised, legal workday.Deadline) {
	if c.AcceptedAt == nil {
		return
	}
	acc := workday.DateOf(*c.AcceptedAt, workday.China)
	var ps []workday.Pause
	for _, p := range c.Pauses {
		from, err := workday.ParseDate(p.From)
		if err != nil {
			continue
		}
		wp := workday.Pause{From: from, Unit: p.Unit}
		if p.To != "" {
			if to, err := workday.ParseDate(p.To); err == nil {
				// The day the procedure ended is itself back on the clock.
				wp.To = to.AddDays(-1)
				if wp.To.Before(wp.From) {
					continue
				}
			}
		}
		ps = append(ps, wp)
	}
	pl := c.PromisedLimit
	if c.ItemKind == KindImmediate {
		pl = workday.Limit{Value: 0, Unit: workday.G}
	}
	return cal.Due(acc, pl, ps), cal.Due(acc, c.LegalLimit, ps)
}
