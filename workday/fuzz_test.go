package workday_test

import (
	"encoding/json"
	"testing"

	"yizhan/workday"
)

// FuzzYearSpec feeds holiday calendars as the hall publishes them and
// stations receive them by sync: a spec that validates must publish, and
// every deadline computed with it must be a real date on or after the
// acceptance day — no panic, no loop, for any year, limit or pause.
func FuzzYearSpec(f *testing.F) {
	f.Add([]byte(`{"year":2027,"holidays":["2027-01-01"],"workdays":["2027-01-02"],"source":"x"}`), 20, uint8(0), "2027-01-01", "2027-01-05")
	f.Add([]byte(`{"year":9999,"holidays":["9999-12-31"],"workdays":[]}`), 3, uint8(1), "9999-12-30", "")
	f.Add([]byte(`{"year":1,"holidays":["0001-01-01"]}`), 0, uint8(0), "0001-01-01", "")
	f.Fuzz(func(t *testing.T, spec []byte, limit int, unit uint8, from, pauseTo string) {
		var y workday.YearSpec
		if json.Unmarshal(spec, &y) != nil || y.Validate() != nil {
			return
		}
		cal := workday.New()
		if err := cal.Publish(y); err != nil {
			t.Fatalf("a valid spec does not publish: %v", err)
		}
		acc, err := workday.ParseDate(from)
		if err != nil || limit < 0 || limit > 400 || acc.Year() > 9990 {
			return
		}
		u := workday.G
		if unit%2 == 1 {
			u = workday.Z
		}
		var pauses []workday.Pause
		if to, err := workday.ParseDate(pauseTo); err == nil && !to.Before(acc) && to.Year() < 9990 {
			pauses = append(pauses, workday.Pause{From: acc, To: to, Unit: u})
		}
		d := cal.Due(acc, workday.Limit{Value: limit, Unit: u}, pauses)
		if d.Due.IsZero() || d.Due.Before(acc) {
			t.Fatalf("due %v before acceptance %v (limit %d%s, pauses %v)", d.Due, acc, limit, u, pauses)
		}
	})
}
