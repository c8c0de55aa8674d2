package app

import (
	"context"
	"fmt"
	"time"

	"yizhan/sqlite"
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
func (s *Station) Dashboard(ctx context.Context) (*Dashboard, error) {
	now := s.now()
	today := workday.DateOf(now, workday.China)
	dayStart := sqlite.FormatTime(today.Time(workday.China))
	y, m, _ := today.Date()
	monthStart := sqlite.FormatTime(workday.NewDate(y, m, 1).Time(workday.China))
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
		{`SELECT count(*) FROM cases WHERE received_at >= ?`, &d.Today, []any{dayStart}},
		{`SELECT count(*) FROM cases WHERE received_at >= ?`, &d.Month, []any{monthStart}},
		{`SELECT count(*) FROM tickets WHERE day = ?`, &d.TicketsToday, []any{today.String()}},
		{`SELECT count(*) FROM tickets WHERE day = ? AND status='waiting'`, &d.Waiting, []any{today.String()}},
		{`SELECT coalesce(avg((julianday(started_at)-julianday(issued_at))*86400),0) FROM tickets WHERE day=? AND started_at<>''`, &avgWait, []any{today.String()}},
		{`SELECT coalesce(avg((julianday(ended_at)-julianday(started_at))*86400),0) FROM tickets WHERE day=? AND ended_at<>''`, &avgServe, []any{today.String()}},
		{`SELECT coalesce(avg(julianday(concluded_at)-julianday(accepted_at)),0) FROM cases WHERE concluded_at >= ? AND accepted_at<>''`, &avgHandle, []any{monthStart}},
		{`SELECT count(*) FROM cases WHERE ` + open, &d.Open, nil},
		{`SELECT count(*) FROM cases WHERE ` + open + ` AND due_date<>'' AND due_date < ?`, &d.Overdue, []any{today.String()}},
		{`SELECT count(*) FROM cases WHERE ` + open + ` AND due_date >= ? AND due_date <= ?`, &d.DueSoon, []any{today.String(), soon.String()}},
		{`SELECT count(*) FROM evaluations WHERE created_at >= ?`, &d.Ratings, []any{monthStart}},
		{`SELECT coalesce(avg(CASE WHEN level>=3 THEN 1.0 ELSE 0.0 END),0) FROM evaluations WHERE created_at >= ?`, &sat, []any{monthStart}},
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
	rows, err := tx.QueryContext(ctx, `SELECT state, count(*) FROM cases GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	for rows.Next() {
		var st string
		var n int
		rows.Scan(&st, &n)
		d.ByState[st] = n
	}
	rows.Close()
	rows, err = tx.QueryContext(ctx, `SELECT channel, count(*) FROM cases WHERE received_at >= ? GROUP BY channel`, monthStart)
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	for rows.Next() {
		var ch string
		var n int
		rows.Scan(&ch, &n)
		d.ByChannel[ch] = n
	}
	rows.Close()
	// Daily counts: bucket UTC receive times into China days in Go, so the
	// query stays a single index range scan.
	from := today.AddDays(-29)
	counts := map[string]int{}
	rows, err = tx.QueryContext(ctx, `SELECT received_at FROM cases WHERE received_at >= ?`, sqlite.FormatTime(from.Time(workday.China)))
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	for rows.Next() {
		var at string
		rows.Scan(&at)
		if t, err := time.Parse(sqlite.TimeFormat, at); err == nil {
			counts[workday.DateOf(t, workday.China).String()]++
		}
	}
	rows.Close()
	for i := 0; i < 30; i++ {
		day := from.AddDays(i).String()
		d.Daily = append(d.Daily, DayCount{Day: day, Count: counts[day]})
	}
	rows, err = tx.QueryContext(ctx, `SELECT item_name, count(*) n FROM cases WHERE received_at >= ? GROUP BY item_name ORDER BY n DESC LIMIT 10`, monthStart)
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	for rows.Next() {
		var ic ItemCount
		rows.Scan(&ic.Item, &ic.Count)
		d.TopItems = append(d.TopItems, ic)
	}
	rows.Close()
	var zero, total float64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(CASE WHEN c.channel IN ('village','postal','home','online') THEN 1 ELSE 0 END),0), count(*) FROM cases c WHERE received_at >= ?`, monthStart).Scan(&zero, &total); err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	if total > 0 {
		d.ZeroVisitShare = zero / total
	}
	return d, nil
}
