package sqlite

import (
	"fmt"

	"yizhan/app"
)

// DashboardFigures reads the dashboard's counts: the tickets and ratings
// from their tables, the cases from the tallies PutCase keeps beside them
// (case_tally_state, case_tally_hour), so the read costs a few thousand
// rows however many cases the station holds.
func (t *txn) DashboardFigures(q app.DashboardQuery) (app.DashboardFigures, error) {
	f := app.DashboardFigures{ByState: map[string]int{}}
	today, month := q.Today.String(), app.FormatTime(q.MonthStart)
	for _, one := range []struct {
		sql  string
		dst  any
		args []any
	}{
		{`SELECT count(*) FROM tickets WHERE day = ?`, &f.TicketsToday, []any{today}},
		{`SELECT count(*) FROM tickets WHERE day = ? AND status='waiting'`, &f.Waiting, []any{today}},
		{`SELECT coalesce(avg((julianday(started_at)-julianday(issued_at))*86400),0) FROM tickets WHERE day=? AND started_at<>''`, &f.AvgWaitSecs, []any{today}},
		{`SELECT coalesce(avg((julianday(ended_at)-julianday(started_at))*86400),0) FROM tickets WHERE day=? AND ended_at<>''`, &f.AvgServeSecs, []any{today}},
		// concluded_at <> '' lets the partial covering index answer it.
		{`SELECT coalesce(avg(julianday(concluded_at)-julianday(accepted_at)),0) FROM cases WHERE concluded_at >= ? AND concluded_at <> '' AND accepted_at<>''`, &f.AvgHandleDays, []any{month}},
		{`SELECT coalesce(sum(n),0) FROM case_tally_state WHERE ` + openStates, &f.Open, nil},
		{`SELECT coalesce(sum(n),0) FROM case_tally_state WHERE ` + openStates + ` AND due_date<>'' AND due_date < ?`, &f.Overdue, []any{today}},
		{`SELECT coalesce(sum(n),0) FROM case_tally_state WHERE ` + openStates + ` AND due_date >= ? AND due_date <= ?`, &f.DueSoon, []any{today, q.Soon.String()}},
		{`SELECT count(*) FROM evaluations WHERE created_at >= ?`, &f.Ratings, []any{month}},
		{`SELECT coalesce(avg(CASE WHEN level>=3 THEN 1.0 ELSE 0.0 END),0) FROM evaluations WHERE created_at >= ?`, &f.Satisfaction, []any{month}},
		{`SELECT count(*) FROM rectifications WHERE status='open'`, &f.BadOpen, nil},
		{`SELECT count(*) FROM events WHERE status='pending'`, &f.PendingSync, nil},
		{`SELECT count(*) FROM conflicts WHERE resolved_at=''`, &f.Conflicts, nil},
	} {
		if err := t.queryRow(one.sql, one.args...).Scan(one.dst); err != nil {
			return f, fmt.Errorf("dashboard: %w", err)
		}
	}
	rows, err := t.query(`SELECT state, sum(n) FROM case_tally_state GROUP BY state`)
	if err != nil {
		return f, fmt.Errorf("dashboard: %w", err)
	}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			rows.Close()
			return f, fmt.Errorf("dashboard: %w", err)
		}
		f.ByState[st] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return f, fmt.Errorf("dashboard: %w", err)
	}
	rows, err = t.query(`SELECT hour, channel, item_name, n FROM case_tally_hour WHERE hour >= ?`, q.HoursFrom)
	if err != nil {
		return f, fmt.Errorf("dashboard: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var h app.HourTally
		if err := rows.Scan(&h.Hour, &h.Channel, &h.Item, &h.N); err != nil {
			return f, fmt.Errorf("dashboard: %w", err)
		}
		f.Hours = append(f.Hours, h)
	}
	if err := rows.Err(); err != nil {
		return f, fmt.Errorf("dashboard: %w", err)
	}
	return f, nil
}

// ChangeCounters returns the newest event, ticket and rating this station
// holds, by their row order: any recorded or pulled change moves one.
func (t *txn) ChangeCounters() (events, tickets, ratings int64, err error) {
	if err := t.queryRow(`SELECT (SELECT coalesce(max(local_seq),0) FROM events),
		(SELECT coalesce(max(rowid),0) FROM tickets), (SELECT coalesce(max(rowid),0) FROM evaluations)`).Scan(&events, &tickets, &ratings); err != nil {
		return 0, 0, 0, fmt.Errorf("change mark: %w", err)
	}
	return events, tickets, ratings, nil
}
