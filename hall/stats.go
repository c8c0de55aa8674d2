package hall

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"yizhan/domain"
	"yizhan/workday"
)

// StatsFilter selects the cases statistics count: those received in
// [From, To), optionally of one station or item.
type StatsFilter struct {
	From, To time.Time
	Station  string
	Item     string
}

// StatRow is the figures of one group of cases (a station, an item or a
// month of receipt). Rates are 0..1 and meaningless when their
// denominator (Timed, Rated) is 0; the console shows a dash then.
type StatRow struct {
	Key   string `json:"key"`   // station code, item code, or month YYYY-MM
	Label string `json:"label"` // station or item name; the month again
	// Intake counts cases received.
	Intake int `json:"intake"`
	// Concluded counts those concluded (any result).
	Concluded int `json:"concluded"`
	// Timed counts concluded cases that had a promised due date (accepted
	// ones): the denominator of OnTimeRate.
	Timed int `json:"timed"`
	// OnTime counts Timed cases concluded on or before the due date.
	OnTime     int     `json:"on_time"`
	OnTimeRate float64 `json:"on_time_rate"`
	// AvgHandleDays is the mean time from acceptance to conclusion, in
	// calendar days, over Timed cases; AvgHandleWorkdays the same in
	// working days. Stations do not send queue tickets to the hall, so
	// waiting time at the counter cannot be computed here; this is the
	// applicant's wait for a result instead.
	AvgHandleDays     float64 `json:"avg_handle_days"`
	AvgHandleWorkdays float64 `json:"avg_handle_workdays"`
	// Rated counts cases with an evaluation; Satisfied those rated 3 to 5;
	// Bad those rated 1 or 2.
	Rated        int     `json:"rated"`
	Satisfied    int     `json:"satisfied"`
	Satisfaction float64 `json:"satisfaction"`
	Bad          int     `json:"bad"`
	// Overdue counts cases still open today and past their promised date.
	Overdue int `json:"overdue"`

	handleDays, handleWork float64
}

// Stats is the hall's statistics for a period.
type Stats struct {
	From      string    `json:"from"` // first day, YYYY-MM-DD (China time)
	To        string    `json:"to"`   // last day, inclusive
	Total     StatRow   `json:"total"`
	ByStation []StatRow `json:"by_station"`
	ByItem    []StatRow `json:"by_item"`
	ByMonth   []StatRow `json:"by_month"`
	// WaitingNote says what the hall can and cannot measure.
	WaitingNote string `json:"waiting_note"`
}

// WaitingNote is the statement shown with the statistics: stations keep
// queue tickets locally and do not sync them.
const WaitingNote = "counter waiting time needs queue tickets, which stations do not send to the hall; handling time (acceptance to conclusion) is shown instead"

// maxStatsDays bounds a statistics period: a year and a bit.
const maxStatsDays = 400

func (r *StatRow) add(c *domain.Case, cal *workday.Calendar, today workday.Date) {
	c = c.StatTimes() // a station's implausible clock moves no figure
	r.Intake++
	pd, _ := c.Deadlines(cal)
	if c.ConcludedAt != nil {
		r.Concluded++
		if c.AcceptedAt != nil && !pd.Due.IsZero() {
			r.Timed++
			done := workday.DateOf(*c.ConcludedAt, workday.China)
			if !done.After(pd.Due) {
				r.OnTime++
			}
			r.handleDays += c.ConcludedAt.Sub(*c.AcceptedAt).Hours() / 24
			r.handleWork += float64(max(cal.WorkdaysBetween(workday.DateOf(*c.AcceptedAt, workday.China), done), 0))
		}
	} else if c.State.Open() && !pd.Due.IsZero() && today.After(pd.Due) {
		r.Overdue++
	}
	if c.Evaluation != nil && c.Evaluation.Level > 0 {
		r.Rated++
		if c.Evaluation.Level >= 3 {
			r.Satisfied++
		} else {
			r.Bad++
		}
	}
}

func (r *StatRow) finish() {
	if r.Timed > 0 {
		r.OnTimeRate = float64(r.OnTime) / float64(r.Timed)
		r.AvgHandleDays = round2(r.handleDays / float64(r.Timed))
		r.AvgHandleWorkdays = round2(r.handleWork / float64(r.Timed))
	}
	if r.Rated > 0 {
		r.Satisfaction = float64(r.Satisfied) / float64(r.Rated)
	}
}

func round2(v float64) float64 { return float64(int64(v*100+0.5)) / 100 }

// Stats computes intake, on-time rate, handling time and satisfaction by
// station, item and month of receipt for cases received in the period.
// It reads every case of the period; a period is at most 400 days.
func (s *Service) Stats(ctx context.Context, f StatsFilter) (*Stats, error) {
	if f.From.IsZero() || f.To.IsZero() || !f.To.After(f.From) {
		return nil, domain.Errorf(domain.EInvalid, "请选择统计的起止日期。", "stats: period required")
	}
	if f.To.Sub(f.From) > maxStatsDays*24*time.Hour {
		return nil, domain.Errorf(domain.EInvalid, fmt.Sprintf("统计期间最长 %d 天。", maxStatsDays), "stats: period longer than %d days", maxStatsDays)
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	var cs []*domain.Case
	names := map[string]string{}
	err = s.store.View(ctx, func(tx Tx) error {
		var err error
		if cs, err = tx.FindCases(CaseFilter{From: f.From, To: f.To, Station: f.Station, Item: f.Item, Limit: -1}); err != nil {
			return err
		}
		sts, err := tx.Stations()
		for _, st := range sts {
			names[st.Code] = st.Name
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	today := workday.DateOf(s.Now(), workday.China)
	out := &Stats{From: workday.DateOf(f.From, workday.China).String(),
		To: workday.DateOf(f.To.Add(-time.Nanosecond), workday.China).String(), WaitingNote: WaitingNote}
	byStation, byItem, byMonth := map[string]*StatRow{}, map[string]*StatRow{}, map[string]*StatRow{}
	group := func(m map[string]*StatRow, key, label string) *StatRow {
		r, ok := m[key]
		if !ok {
			r = &StatRow{Key: key, Label: label}
			m[key] = r
		}
		return r
	}
	// Every month of the period appears, empty or not, so a chart's axis
	// has no holes.
	for d := workday.DateOf(f.From, workday.China); !d.After(workday.DateOf(f.To.Add(-time.Nanosecond), workday.China)); d = d.AddDays(1) {
		m := d.String()[:7]
		group(byMonth, m, m)
	}
	for _, c := range cs {
		month := c.StatTimes().ReceivedAt.In(workday.China).Format("2006-01")
		name := names[c.Station]
		if name == "" {
			name = c.Station
		}
		for _, r := range []*StatRow{&out.Total, group(byStation, c.Station, name), group(byItem, c.ItemCode, c.ItemName),
			group(byMonth, month, month)} {
			r.add(c, cal, today)
		}
	}
	out.Total.Key, out.Total.Label = "total", "合计"
	out.Total.finish()
	out.ByStation, out.ByItem, out.ByMonth = rowsSorted(byStation, false), rowsSorted(byItem, true), rowsSorted(byMonth, false)
	return out, nil
}

// rowsSorted returns the groups finished, by key, or by intake (largest
// first) when byIntake is set.
func rowsSorted(m map[string]*StatRow, byIntake bool) []StatRow {
	out := make([]StatRow, 0, len(m))
	for _, r := range m {
		r.finish()
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b StatRow) int {
		if byIntake && a.Intake != b.Intake {
			return b.Intake - a.Intake
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out
}
