package app

import (
	"context"
	"fmt"
	"sort"
	"time"

	"yizhan/workday"
)

// Dashboard is the station's figures for the dashboard screen.
type Dashboard struct {
	Today          int            `json:"today"` // cases received today
	Month          int            `json:"month"` // cases received this month
	TicketsToday   int            `json:"tickets_today"`
	Waiting        int            `json:"waiting"`       // tickets waiting now
	AvgWaitSecs    int            `json:"avg_wait_secs"` // today's tickets, issue to service start
	AvgServeSecs   int            `json:"avg_serve_secs"`
	AvgHandleDays  float64        `json:"avg_handle_days"` // acceptance to conclusion, concluded this month
	Open           int            `json:"open"`
	Overdue        int            `json:"overdue"`
	DueSoon        int            `json:"due_soon"`
	Ratings        int            `json:"ratings"`      // this month
	Satisfaction   float64        `json:"satisfaction"` // share of ratings 3..5 this month, 0..1
	BadOpen        int            `json:"bad_open"`     // open rectifications
	PendingSync    int            `json:"pending_sync"`
	Conflicts      int            `json:"conflicts"`
	ByState        map[string]int `json:"by_state"`
	Daily          []DayCount     `json:"daily"` // last 30 days
	TopItems       []ItemCount    `json:"top_items"`
	ByChannel      map[string]int `json:"by_channel"`
	ZeroVisitShare float64        `json:"zero_visit_share"`
}

// DayCount is cases received on one day.
type DayCount struct {
	Day   string `json:"day"`
	Count int    `json:"count"`
}

// DashboardQuery bounds the dashboard's figures.
type DashboardQuery struct {
	Today      workday.Date // the tickets of this day; cases due before it are overdue
	MonthStart time.Time    // ratings and conclusions from then on
	Soon       workday.Date // cases due from Today to Soon are due soon
	HoursFrom  string       // the hourly tallies from this hour (hourLayout) on
}

// DashboardFigures are the counts the store reads for the dashboard in one
// transaction; the service derives the rest.
type DashboardFigures struct {
	TicketsToday, Waiting           int
	AvgWaitSecs, AvgServeSecs       float64 // today's tickets: issue to start, start to end
	AvgHandleDays                   float64 // acceptance to conclusion, concluded since MonthStart
	Open, Overdue, DueSoon          int     // open cases; due before Today; due Today..Soon
	Ratings                         int     // since MonthStart
	Satisfaction                    float64 // share of those rated 3 to 5
	BadOpen, PendingSync, Conflicts int
	ByState                         map[string]int
	Hours                           []HourTally
}

// HourTally is the count of cases received in one hour by one channel for
// one item.
type HourTally struct {
	Hour          string // hourLayout, UTC
	Channel, Item string
	N             int
}

// ItemCount is cases per item.
type ItemCount struct {
	Item  string `json:"item"`
	Count int    `json:"count"`
}

// ChangeMark is a cheap fingerprint of what the dashboard counts: the
// newest event, ticket and rating this station holds. It changes whenever a
// case, a ticket or a rating is recorded here or pulled from the hall, so a
// screen showing the figures reloads them only then.
func (s *Station) ChangeMark(ctx context.Context) (string, error) {
	var ev, tk, ra int64
	if err := s.view(ctx, func(tx Tx) error {
		var err error
		ev, tk, ra, err = tx.ChangeCounters()
		return err
	}); err != nil {
		return "", err
	}
	return fmt.Sprintf("%d.%d.%d", ev, tk, ra), nil
}

// Dashboard computes the dashboard figures in one read transaction.
//
// Counts of cases come from the tallies kept beside the cases
// (case_tally_state, case_tally_hour: schema 3, kept by the store in the
// same transaction as every case write), so the dashboard reads a few
// thousand rows however many cases the station holds.
func (s *Station) Dashboard(ctx context.Context) (*Dashboard, error) {
	now := s.now()
	today := workday.DateOf(now, workday.China)
	y, m, _ := today.Date()
	monthStart := workday.NewDate(y, m, 1).Time(workday.China)
	from := today.AddDays(-29)
	d := &Dashboard{ByState: map[string]int{}, ByChannel: map[string]int{}, Daily: []DayCount{}, TopItems: []ItemCount{}}
	soon := s.cal.Due(today, workday.Limit{Value: workday.DueSoonWorkdays, Unit: workday.G}, nil).Due
	// Today, the month and the last 30 days come from one read of the
	// hourly tallies. Every bound is a China midnight, a whole UTC hour, so
	// "hour >= key" counts exactly the cases with received_at >= the bound;
	// the hours are bucketed into China days here.
	todayKey, monthKey, fromKey := hourKey(today.Time(workday.China)), hourKey(monthStart), hourKey(from.Time(workday.China))
	var f DashboardFigures
	// One transaction, so the figures agree with each other.
	err := s.update(ctx, func(tx Tx) error {
		var err error
		f, err = tx.DashboardFigures(DashboardQuery{Today: today, MonthStart: monthStart, Soon: soon, HoursFrom: min(monthKey, fromKey)})
		return err
	})
	if err != nil {
		return nil, err
	}
	d.TicketsToday, d.Waiting, d.Open, d.Overdue, d.DueSoon = f.TicketsToday, f.Waiting, f.Open, f.Overdue, f.DueSoon
	d.Ratings, d.BadOpen, d.PendingSync, d.Conflicts = f.Ratings, f.BadOpen, f.PendingSync, f.Conflicts
	d.AvgWaitSecs, d.AvgServeSecs = int(f.AvgWaitSecs), int(f.AvgServeSecs)
	d.AvgHandleDays = float64(int(f.AvgHandleDays*10)) / 10
	d.Satisfaction = f.Satisfaction
	d.ByState = f.ByState
	counts := map[string]int{}
	items := map[string]int{}
	var zero int
	for _, h := range f.Hours {
		hour, ch, item, n := h.Hour, h.Channel, h.Item, h.N
		if hour >= todayKey {
			d.Today += n
		}
		if hour >= monthKey {
			d.Month += n
			d.ByChannel[ch] += n
			items[item] += n
			if zeroVisitChannels[ch] {
				zero += n
			}
		}
		if hour >= fromKey {
			if t, err := time.Parse(hourLayout, hour); err == nil {
				counts[workday.DateOf(t, workday.China).String()] += n
			}
		}
	}
	for i := 0; i < 30; i++ {
		day := from.AddDays(i).String()
		d.Daily = append(d.Daily, DayCount{Day: day, Count: counts[day]})
	}
	for item, n := range items {
		d.TopItems = append(d.TopItems, ItemCount{Item: item, Count: n})
	}
	sort.Slice(d.TopItems, func(i, j int) bool {
		a, b := d.TopItems[i], d.TopItems[j]
		return a.Count > b.Count || a.Count == b.Count && a.Item < b.Item
	})
	if len(d.TopItems) > 10 {
		d.TopItems = d.TopItems[:10]
	}
	if d.Month > 0 {
		d.ZeroVisitShare = float64(zero) / float64(d.Month)
	}
	return d, nil
}

// zeroVisitChannels are the channels by which an applicant need not come to
// the station ("最多跑零次").
var zeroVisitChannels = map[string]bool{"village": true, "postal": true, "home": true, "online": true}

// hourLayout is an hour of case_tally_hour: the first 13 characters of a
// stored time (TimeFormat), in UTC.
const hourLayout = "2006-01-02T15"

// hourKey returns the case_tally_hour key of the hour t falls in.
func hourKey(t time.Time) string { return t.UTC().Format(hourLayout) }
