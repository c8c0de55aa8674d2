package sqlite

import (
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
	rows, err := t.query(`SELECT `+logCols+`, event_id FROM log WHERE event_id`+inList, string(evs))
	if err != nil {
		return fmt.Errorf("prefetch log: %w", err)
	}
	for rows.Next() {
		var id string
		le, err := scanLog(rowScanner{rows, &id})
		if err != nil {
			rows.Close()
			return fmt.Errorf("prefetch log: %w", err)
		}
		p.logs[id] = le
	}
	if err := closeRows(rows); err != nil {
		return fmt.Errorf("prefetch log: %w", err)
	}
	rows, err = t.query(`SELECT event_id,case_id,station,code,reason,zh,received_at FROM rejections WHERE event_id`+inList, string(evs))
	if err != nil {
		return fmt.Errorf("prefetch rejections: %w", err)
	}
	for rows.Next() {
		var r hall.Rejection
		var at string
		if err := rows.Scan(&r.EventID, &r.CaseID, &r.Station, &r.Code, &r.Reason, &r.Zh, &at); err != nil {
			rows.Close()
			return fmt.Errorf("prefetch rejections: %w", err)
		}
		if r.Received, err = parseTime(at); err != nil {
			rows.Close()
			return fmt.Errorf("prefetch rejection %s: %w", r.EventID, err)
		}
		p.rejs[r.EventID] = &r
	}
	if err := closeRows(rows); err != nil {
		return fmt.Errorf("prefetch rejections: %w", err)
	}
	rows, err = t.query(`SELECT case_id, station FROM case_scope WHERE case_id`+inList+` ORDER BY case_id, station`, string(cases))
	if err != nil {
		return fmt.Errorf("prefetch scopes: %w", err)
	}
	for rows.Next() {
		var c, st string
		if err := rows.Scan(&c, &st); err != nil {
			rows.Close()
			return fmt.Errorf("prefetch scopes: %w", err)
		}
		p.scopes[c] = append(p.scopes[c], st)
	}
	if err := closeRows(rows); err != nil {
		return fmt.Errorf("prefetch scopes: %w", err)
	}
	logged := map[string]bool{}
	rows, err = t.query(`SELECT DISTINCT case_id FROM log WHERE case_id`+inList, string(cases))
	if err != nil {
		return fmt.Errorf("prefetch cases: %w", err)
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return fmt.Errorf("prefetch cases: %w", err)
		}
		logged[c] = true
	}
	if err := closeRows(rows); err != nil {
		return fmt.Errorf("prefetch cases: %w", err)
	}
	stored := map[string]bool{}
	rows, err = t.query(`SELECT id FROM cases WHERE id`+inList, string(cases))
	if err != nil {
		return fmt.Errorf("prefetch cases: %w", err)
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return fmt.Errorf("prefetch cases: %w", err)
		}
		stored[c] = true
	}
	if err := closeRows(rows); err != nil {
		return fmt.Errorf("prefetch cases: %w", err)
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
