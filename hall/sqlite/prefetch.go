package sqlite

import (
	"database/sql"
	"encoding/json"
	"fmt"

	"yizhan/hall"
)

// prefetched is what Prefetch read for one push, answered from memory by
// the lookups a push makes event by event. Each map says what is known;
// a write that could change an answer drops it, so a later lookup asks the
// database again. The write transaction holds SQLite's only write
// connection, so nothing else changes these rows meanwhile.
type prefetched struct {
	events map[string]bool             // event ids whose log entry and rejection are known
	logs   map[string]*hall.LogEntry   // their log entries (absent: none)
	rejs   map[string]*hall.Rejection  // their rejections (absent: none)
	scoped map[string]bool             // case ids whose scope is known
	scopes map[string][]string         // their scopes, in station order
	fresh  map[string][]*hall.LogEntry // case ids with no log entry at Prefetch: the entries appended since
	nocase map[string]bool             // case ids with no folded state
}

var _ hall.Prefetcher = (*txn)(nil)

// Prefetch reads, in five queries, the log entries and rejections of the
// events a push carries, and the scopes, log presence and folded-state
// presence of their cases.
func (t *txn) Prefetch(eventIDs, caseIDs []string) error {
	p := &prefetched{events: map[string]bool{}, logs: map[string]*hall.LogEntry{}, rejs: map[string]*hall.Rejection{},
		scoped: map[string]bool{}, scopes: map[string][]string{}, fresh: map[string][]*hall.LogEntry{},
		nocase: map[string]bool{}}
	evs, err := json.Marshal(eventIDs)
	if err != nil {
		return fmt.Errorf("prefetch: %w", err)
	}
	cases, err := json.Marshal(caseIDs)
	if err != nil {
		return fmt.Errorf("prefetch: %w", err)
	}
	const inList = ` IN (SELECT value FROM json_each(?))`
	err = t.each("log", `SELECT `+logCols+`, event_id FROM log WHERE event_id`+inList, string(evs), func(rows *sql.Rows) error {
		var id string
		le, err := scanLog(rowScanner{rows, &id})
		p.logs[id] = le
		return err
	})
	if err != nil {
		return err
	}
	err = t.each("rejections", `SELECT event_id,case_id,station,code,reason,zh,received_at FROM rejections WHERE event_id`+inList, string(evs), func(rows *sql.Rows) error {
		var r hall.Rejection
		var at string
		if err := rows.Scan(&r.EventID, &r.CaseID, &r.Station, &r.Code, &r.Reason, &r.Zh, &at); err != nil {
			return err
		}
		var err error
		if r.Received, err = parseTime(at); err != nil {
			return fmt.Errorf("rejection %s: %w", r.EventID, err)
		}
		p.rejs[r.EventID] = &r
		return nil
	})
	if err != nil {
		return err
	}
	err = t.each("scopes", `SELECT case_id, station FROM case_scope WHERE case_id`+inList+` ORDER BY case_id, station`, string(cases), func(rows *sql.Rows) error {
		var c, st string
		err := rows.Scan(&c, &st)
		p.scopes[c] = append(p.scopes[c], st)
		return err
	})
	if err != nil {
		return err
	}
	logged, stored := map[string]bool{}, map[string]bool{}
	for _, q := range []struct {
		set   map[string]bool
		query string
	}{
		{logged, `SELECT DISTINCT case_id FROM log WHERE case_id` + inList},
		{stored, `SELECT id FROM cases WHERE id` + inList},
	} {
		err = t.each("cases", q.query, string(cases), func(rows *sql.Rows) error {
			var c string
			err := rows.Scan(&c)
			q.set[c] = true
			return err
		})
		if err != nil {
			return err
		}
	}
	for _, id := range eventIDs {
		p.events[id] = true
	}
	for _, c := range caseIDs {
		p.scoped[c] = true
		if !stored[c] {
			p.nocase[c] = true
		}
		if !logged[c] {
			p.fresh[c] = nil
		}
	}
	t.pre = p
	return nil
}

// each runs one prefetch query with arg and calls scan for each row.
func (t *txn) each(what, q string, arg any, scan func(*sql.Rows) error) error {
	rows, err := t.query(q, arg)
	if err != nil {
		return fmt.Errorf("prefetch %s: %w", what, err)
	}
	for rows.Next() {
		if err := scan(rows); err != nil {
			rows.Close()
			return fmt.Errorf("prefetch %s: %w", what, err)
		}
	}
	if err := closeRows(rows); err != nil {
		return fmt.Errorf("prefetch %s: %w", what, err)
	}
	return nil
}

// rowScanner scans a row of logCols followed by one more column.
type rowScanner struct {
	rows  interface{ Scan(...any) error }
	extra *string
}

func (r rowScanner) Scan(dest ...any) error { return r.rows.Scan(append(dest, r.extra)...) }

func closeRows(rows interface {
	Err() error
	Close() error
}) error {
	err := rows.Err()
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}

// prefetchedLog answers LogByEventID from a prefetch.
func (t *txn) prefetchedLog(id string) (*hall.LogEntry, bool) {
	if t.pre == nil || !t.pre.events[id] {
		return nil, false
	}
	return t.pre.logs[id], true
}

// prefetchedRejection answers Rejection from a prefetch.
func (t *txn) prefetchedRejection(id string) (*hall.Rejection, bool) {
	if t.pre == nil || !t.pre.events[id] {
		return nil, false
	}
	return t.pre.rejs[id], true
}

// prefetchedScope answers CaseScope from a prefetch.
func (t *txn) prefetchedScope(caseID string) ([]string, bool) {
	if t.pre == nil || !t.pre.scoped[caseID] {
		return nil, false
	}
	return append([]string(nil), t.pre.scopes[caseID]...), true
}

// prefetchedCaseLog answers CaseLog for a case that had no log entry at
// Prefetch: the entries this transaction appended.
func (t *txn) prefetchedCaseLog(caseID string, before int64) ([]*hall.LogEntry, bool) {
	if t.pre == nil {
		return nil, false
	}
	list, ok := t.pre.fresh[caseID]
	if !ok {
		return nil, false
	}
	var out []*hall.LogEntry
	for _, le := range list {
		if before <= 0 || le.Seq < before {
			cp := *le
			cp.Received, _ = parseTime(fmtTime(le.Received)) // as read back
			out = append(out, &cp)
		}
	}
	return out, true
}

// prefetchedNoCase reports whether a prefetch knows a case has no folded
// state.
func (t *txn) prefetchedNoCase(id string) bool {
	return t.pre != nil && t.pre.nocase[id]
}

// appended keeps a prefetch true after le was appended to the log.
func (t *txn) appended(le *hall.LogEntry) {
	if t.pre == nil {
		return
	}
	delete(t.pre.events, le.Event.ID)
	if list, ok := t.pre.fresh[le.Event.CaseID]; ok {
		cp := *le
		t.pre.fresh[le.Event.CaseID] = append(list, &cp)
	}
}
