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

// ItemCount is cases per item.
type ItemCount struct {
	Item  string `json:"item"`
	Count int    `json:"count"`
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
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	defer tx.Rollback()
	one := func(q string, dst any, args ...any) error {
		if err := tx.QueryRowContext(ctx, q, args...).Scan(dst); err != nil {
			return fmt.Errorf("dashboard: %w", err)
		}
		return nil
	}
	var avgWait, avgServe, avgHandle, sat float64
	open := `state IN ('received','correction','accepted','forwarded','in_process','suspended')`
	soon := s.cal.Due(today, workday.Limit{Value: workday.DueSoonWorkdays, Unit: workday.G}, nil).Due
	for _, q := range []struct {
		sql  string
		dst  any
		args []any
	}{
		{`SELECT count(*) FROM tickets WHERE day = ?`, &d.TicketsToday, []any{today.String()}},
		{`SELECT count(*) FROM tickets WHERE day = ? AND status='waiting'`, &d.Waiting, []any{today.String()}},
		{`SELECT coalesce(avg((julianday(started_at)-julianday(issued_at))*86400),0) FROM tickets WHERE day=? AND started_at<>''`, &avgWait, []any{today.String()}},
		{`SELECT coalesce(avg((julianday(ended_at)-julianday(started_at))*86400),0) FROM tickets WHERE day=? AND ended_at<>''`, &avgServe, []any{today.String()}},
		// concluded_at <> '' lets the partial covering index answer it.
		{`SELECT coalesce(avg(julianday(concluded_at)-julianday(accepted_at)),0) FROM cases WHERE concluded_at >= ? AND concluded_at <> '' AND accepted_at<>''`, &avgHandle, []any{FormatTime(monthStart)}},
		{`SELECT coalesce(sum(n),0) FROM case_tally_state WHERE ` + open, &d.Open, nil},
		{`SELECT coalesce(sum(n),0) FROM case_tally_state WHERE ` + open + ` AND due_date<>'' AND due_date < ?`, &d.Overdue, []any{today.String()}},
		{`SELECT coalesce(sum(n),0) FROM case_tally_state WHERE ` + open + ` AND due_date >= ? AND due_date <= ?`, &d.DueSoon, []any{today.String(), soon.String()}},
		{`SELECT count(*) FROM evaluations WHERE created_at >= ?`, &d.Ratings, []any{FormatTime(monthStart)}},
		{`SELECT coalesce(avg(CASE WHEN level>=3 THEN 1.0 ELSE 0.0 END),0) FROM evaluations WHERE created_at >= ?`, &sat, []any{FormatTime(monthStart)}},
		{`SELECT count(*) FROM rectifications WHERE status='open'`, &d.BadOpen, nil},
		{`SELECT count(*) FROM events WHERE status='pending'`, &d.PendingSync, nil},
		{`SELECT count(*) FROM conflicts WHERE resolved_at=''`, &d.Conflicts, nil},
	} {
		if err := one(q.sql, q.dst, q.args...); err != nil {
			return nil, err
		}
	}
	d.AvgWaitSecs, d.AvgServeSecs = int(avgWait), int(avgServe)
	d.AvgHandleDays = float64(int(avgHandle*10)) / 10
	d.Satisfaction = sat
	rows, err := tx.QueryContext(ctx, `SELECT state, sum(n) FROM case_tally_state GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("dashboard: %w", err)
		}
		d.ByState[st] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}

	// Today, the month and the last 30 days in one read of the hourly
	// tallies. Every bound is a China midnight, a whole UTC hour, so
	// "hour >= key" counts exactly the cases with received_at >= the bound;
	// the hours are bucketed into China days here.
	todayKey, monthKey, fromKey := hourKey(today.Time(workday.China)), hourKey(monthStart), hourKey(from.Time(workday.China))
	counts := map[string]int{}
	items := map[string]int{}
	var zero int
	rows, err = tx.QueryContext(ctx, `SELECT hour, channel, item_name, n FROM case_tally_hour WHERE hour >= ?`, min(monthKey, fromKey))
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	for rows.Next() {
		var hour, ch, item string
		var n int
		if err := rows.Scan(&hour, &ch, &item, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("dashboard: %w", err)
		}
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
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
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
