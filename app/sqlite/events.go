package sqlite

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"yizhan/app"
	"yizhan/domain"
)

const eventCols = `id,case_id,kind,from_state,payload,actor,actor_name,office,hlc,at`

func scanEvent(sc interface{ Scan(...any) error }) (*domain.Event, error) {
	var e domain.Event
	var kind, from, at string
	var payload []byte
	if err := sc.Scan(&e.ID, &e.CaseID, &kind, &from, &payload, &e.Actor, &e.ActorName, &e.Office, &e.HLC, &at); err != nil {
		return nil, err
	}
	e.Kind, e.From = domain.EventKind(kind), domain.State(from)
	if len(payload) > 0 {
		e.Payload = json.RawMessage(payload)
	}
	t, err := app.ParseTime(at)
	if err != nil {
		return nil, err
	}
	e.At = t
	return &e, nil
}

// seqArg is a hall log position as stored: NULL for none.
func seqArg(hallSeq int64) any {
	if hallSeq > 0 {
		return hallSeq
	}
	return nil
}

// jsonList is ids as a JSON array, for json_each: one statement for any
// number of ids.
func jsonList(ids []string) (string, error) {
	b, err := json.Marshal(ids)
	return string(b), err
}

// AppendEvent stores one event with its status and hall position (0:
// none). Its ID must be new.
func (t *txn) AppendEvent(e *domain.Event, status string, hallSeq int64) error {
	_, err := t.exec(`INSERT INTO events(id,case_id,kind,from_state,payload,actor,actor_name,office,hlc,at,hall_seq,status) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)`,
		e.ID, e.CaseID, string(e.Kind), string(e.From), []byte(e.Payload), e.Actor, e.ActorName, e.Office, e.HLC, app.FormatTime(e.At), seqArg(hallSeq), status)
	if err != nil {
		return fmt.Errorf("insert event %s: %w", e.ID, err)
	}
	return nil
}

// insertChunk is the most rows one INSERT carries (12 parameters a row).
const insertChunk = 64

// InsertEvents stores events, in order, many rows to a statement. Each
// must be new (the caller checked it absent in this transaction): one
// already held is an error.
func (t *txn) InsertEvents(evs []app.StoredEvent) error {
	const cols = 12
	args := make([]any, 0, min(len(evs), insertChunk)*cols)
	for done := 0; done < len(evs); {
		k := min(insertChunk, len(evs)-done)
		args = args[:0]
		for _, se := range evs[done : done+k] {
			e := se.Event
			args = append(args, e.ID, e.CaseID, string(e.Kind), string(e.From), []byte(e.Payload), e.Actor, e.ActorName, e.Office,
				e.HLC, app.FormatTime(e.At), seqArg(se.HallSeq), se.Status)
		}
		q := `INSERT INTO events(id,case_id,kind,from_state,payload,actor,actor_name,office,hlc,at,hall_seq,status) VALUES` +
			strings.Repeat(`(?,?,?,?,?,?,?,?,?,?,?,?),`, k-1) + `(?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO NOTHING`
		res, err := t.exec(q, args...)
		if err != nil {
			return fmt.Errorf("insert events: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != int64(k) {
			return fmt.Errorf("insert events: %d of %d new events stored (%v)", n, k, err)
		}
		done += k
	}
	return nil
}

// PendingEvents returns up to limit events not yet acknowledged by the
// hall, in the order they were made, leaving out those in except.
func (t *txn) PendingEvents(limit int, except []string) ([]*domain.Event, error) {
	q := `SELECT ` + eventCols + ` FROM events WHERE status='pending' ORDER BY local_seq LIMIT ?`
	args := []any{limit}
	if len(except) > 0 {
		list, err := jsonList(except)
		if err != nil {
			return nil, fmt.Errorf("pending events: %w", err)
		}
		q = `SELECT ` + eventCols + ` FROM events
			WHERE status='pending' AND id NOT IN (SELECT value FROM json_each(?)) ORDER BY local_seq LIMIT ?`
		args = []any{list, limit}
	}
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("pending events: %w", err)
	}
	defer rows.Close()
	var out []*domain.Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("pending events: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// PendingCount returns how many events wait to be pushed.
func (t *txn) PendingCount() (int, error) {
	n, err := t.count(`SELECT count(*) FROM events WHERE status='pending'`)
	if err != nil {
		return 0, fmt.Errorf("pending events: %w", err)
	}
	return n, nil
}

// EventStates returns what is stored of the events among ids, keyed by ID,
// in one query.
func (t *txn) EventStates(ids []string) (map[string]*app.EventState, error) {
	out := make(map[string]*app.EventState, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list, err := jsonList(ids)
	if err != nil {
		return nil, err
	}
	rows, err := t.query(`SELECT id, case_id, kind, status, coalesce(hall_seq,0), reason FROM events
		WHERE id IN (SELECT value FROM json_each(?))`, list)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var e app.EventState
		if err := rows.Scan(&id, &e.CaseID, &e.Kind, &e.Status, &e.HallSeq, &e.Reason); err != nil {
			return nil, err
		}
		out[id] = &e
	}
	return out, rows.Err()
}

// EventState returns what is stored of one event, or nil.
func (t *txn) EventState(id string) (*app.EventState, error) {
	var e app.EventState
	err := t.queryRow(`SELECT case_id, kind, status, coalesce(hall_seq,0), reason FROM events WHERE id=?`, id).
		Scan(&e.CaseID, &e.Kind, &e.Status, &e.HallSeq, &e.Reason)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("event %s: %w", id, err)
	}
	return &e, nil
}

// CaseRuns returns the events of the given cases in the order they were
// stored here, keyed by case, in one query.
func (t *txn) CaseRuns(caseIDs []string) (map[string][]app.RunEvent, error) {
	out := make(map[string][]app.RunEvent, len(caseIDs))
	if len(caseIDs) == 0 {
		return out, nil
	}
	list, err := jsonList(caseIDs)
	if err != nil {
		return nil, err
	}
	rows, err := t.query(`SELECT case_id, id, status, coalesce(hall_seq,0) FROM events
		WHERE case_id IN (SELECT value FROM json_each(?)) ORDER BY case_id, local_seq`, list)
	if err != nil {
		return nil, fmt.Errorf("case events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		var e app.RunEvent
		if err := rows.Scan(&c, &e.ID, &e.Status, &e.HallSeq); err != nil {
			return nil, fmt.Errorf("case events: %w", err)
		}
		out[c] = append(out[c], e)
	}
	return out, rows.Err()
}

// SetEventStatus records the hall's verdict on an event: its status,
// reason and log position (0 keeps the one stored).
func (t *txn) SetEventStatus(id, status string, hallSeq int64, reason string) error {
	if _, err := t.exec(`UPDATE events SET status=?, hall_seq=coalesce(?, hall_seq), reason=? WHERE id=?`, status, seqArg(hallSeq), reason, id); err != nil {
		return fmt.Errorf("event %s status: %w", id, err)
	}
	return nil
}

// CaseEvents returns the events a case folds from: those in the hall's
// log in log order, then this station's pending ones in the order made.
func (t *txn) CaseEvents(caseID string) ([]*domain.Event, error) {
	rows, err := t.query(`SELECT `+eventCols+` FROM events
		WHERE case_id=? AND status IN ('accepted','pending') ORDER BY hall_seq IS NULL, hall_seq, local_seq`, caseID)
	if err != nil {
		return nil, fmt.Errorf("case events %s: %w", caseID, err)
	}
	defer rows.Close()
	var evs []*domain.Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("case events %s: %w", caseID, err)
		}
		evs = append(evs, e)
	}
	return evs, rows.Err()
}

// EventCases returns the IDs of every case with an event here.
func (t *txn) EventCases() ([]string, error) {
	return t.ids(`SELECT DISTINCT case_id FROM events`)
}

// CasesWithEvents returns which of caseIDs have an event here.
func (t *txn) CasesWithEvents(caseIDs []string) (map[string]bool, error) {
	return t.idSet(`SELECT DISTINCT case_id FROM events WHERE case_id IN (SELECT value FROM json_each(?))`, caseIDs)
}

// ids runs a query of one text column.
func (t *txn) ids(query string, args ...any) ([]string, error) {
	rows, err := t.query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// idSet runs a query of one text column over the JSON list of ids and
// returns the values found.
func (t *txn) idSet(query string, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	list, err := jsonList(ids)
	if err != nil {
		return nil, err
	}
	found, err := t.ids(query, list)
	if err != nil {
		return nil, err
	}
	for _, id := range found {
		out[id] = true
	}
	return out, nil
}

// History returns a case's events as the timeline shows them, in the
// order stored here, with their payloads (the service leaves out what it
// must not show).
func (t *txn) History(caseID string) ([]app.EventView, error) {
	rows, err := t.query(`SELECT id,kind,from_state,actor,actor_name,office,at,hlc,status,coalesce(hall_seq,0),reason,payload FROM events WHERE case_id=? ORDER BY local_seq`, caseID)
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", caseID, err)
	}
	defer rows.Close()
	var out []app.EventView
	for rows.Next() {
		var e app.EventView
		var payload []byte
		if err := rows.Scan(&e.ID, &e.Kind, &e.From, &e.Actor, &e.ActorName, &e.Office, &e.At, &e.HLC, &e.Status, &e.HallSeq, &e.Reason, &payload); err != nil {
			return nil, fmt.Errorf("history %s: %w", caseID, err)
		}
		if len(payload) > 0 {
			e.Payload = payload
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// NewestStamps returns the greatest HLC stamp of the events office made,
// and the greatest of every other office's, "" for none.
func (t *txn) NewestStamps(office string) (own, other string, err error) {
	if err := t.queryRow(`SELECT coalesce(max(hlc),'') FROM events WHERE office=?`, office).Scan(&own); err != nil {
		return "", "", fmt.Errorf("read clock: %w", err)
	}
	// The newest stamp of every other office, one index seek per office
	// (events_office_hlc): "office <> ?" would read every entry of the
	// index, 3.6 million at a million cases.
	if err := t.queryRow(`WITH RECURSIVE offices(office) AS (
			SELECT min(office) FROM events
			UNION ALL
			SELECT (SELECT min(office) FROM events WHERE office > offices.office) FROM offices WHERE offices.office IS NOT NULL)
		SELECT coalesce(max((SELECT max(hlc) FROM events WHERE office = offices.office)), '')
		FROM offices WHERE office IS NOT NULL AND office <> ?`, office).Scan(&other); err != nil {
		return "", "", fmt.Errorf("read clock: %w", err)
	}
	return own, other, nil
}

// AddConflict lists an event as a conflict for a person; a second one of
// the same event is ignored.
func (t *txn) AddConflict(c app.ConflictRecord) error {
	if _, err := t.exec(`INSERT INTO conflicts(event_id,case_id,kind,reason,zh,created_at) VALUES(?,?,?,?,?,?) ON CONFLICT(event_id) DO NOTHING`,
		c.EventID, c.CaseID, c.Kind, c.Reason, c.Zh, app.FormatTime(c.At)); err != nil {
		return fmt.Errorf("event %s conflict: %w", c.EventID, err)
	}
	return nil
}

// Conflicts lists the conflicts of caseID ("": of every case), oldest
// first, with the case number when the case is here; open ones only
// unless all.
func (t *txn) Conflicts(caseID string, all bool) ([]app.ConflictView, error) {
	q := `SELECT c.event_id,c.case_id,coalesce(k.number,''),c.kind,c.reason,c.zh,c.created_at,c.resolved_at,c.resolved_by,c.resolution FROM conflicts c LEFT JOIN cases k ON k.id=c.case_id WHERE 1=1`
	var args []any
	if caseID != "" {
		q += ` AND c.case_id=?`
		args = append(args, caseID)
	}
	if !all {
		q += ` AND c.resolved_at=''`
	}
	rows, err := t.query(q+` ORDER BY c.created_at`, args...)
	if err != nil {
		return nil, fmt.Errorf("conflicts: %w", err)
	}
	defer rows.Close()
	out := []app.ConflictView{}
	for rows.Next() {
		var c app.ConflictView
		if err := rows.Scan(&c.EventID, &c.CaseID, &c.CaseNumber, &c.Kind, &c.Reason, &c.Zh, &c.CreatedAt, &c.ResolvedAt, &c.ResolvedBy, &c.Resolution); err != nil {
			return nil, fmt.Errorf("conflicts: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ResolveConflict records how a person settled an open conflict and
// reports whether there was one.
func (t *txn) ResolveConflict(eventID, by, resolution string, at time.Time) (bool, error) {
	res, err := t.exec(`UPDATE conflicts SET resolved_at=?, resolved_by=?, resolution=? WHERE event_id=? AND resolved_at=''`,
		app.FormatTime(at), by, resolution, eventID)
	if err != nil {
		return false, fmt.Errorf("resolve conflict: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// OpenConflictCount returns how many conflicts wait for a person.
func (t *txn) OpenConflictCount() (int, error) {
	n, err := t.count(`SELECT count(*) FROM conflicts WHERE resolved_at=''`)
	if err != nil {
		return 0, fmt.Errorf("open conflicts: %w", err)
	}
	return n, nil
}

// QuarantinedCases returns which of caseIDs have an event set aside.
func (t *txn) QuarantinedCases(caseIDs []string) (map[string]bool, error) {
	set, err := t.idSet(`SELECT DISTINCT case_id FROM quarantine WHERE case_id IN (SELECT value FROM json_each(?))`, caseIDs)
	if err != nil {
		return nil, fmt.Errorf("quarantine: %w", err)
	}
	return set, nil
}

// PutQuarantine sets a pulled event aside as it came; a second time keeps
// the first record.
func (t *txn) PutQuarantine(q app.QuarantineRecord) error {
	if _, err := t.exec(`INSERT INTO quarantine(event_id,case_id,hall_seq,kind,office,event,code,reason,zh,created_at)
		VALUES(?,?,?,?,?,?,?,?,?,?) ON CONFLICT(event_id) DO NOTHING`,
		q.EventID, q.CaseID, q.HallSeq, q.Kind, q.Office, string(q.Event), q.Code, q.Reason, q.Zh, app.FormatTime(q.At)); err != nil {
		return fmt.Errorf("quarantine %s: %w", q.EventID, err)
	}
	return nil
}

// QuarantineList lists the events set aside, newest first, at most limit;
// only those not yet reported to the hall when unreported.
func (t *txn) QuarantineList(unreported bool, limit int) ([]app.Quarantined, error) {
	q := `SELECT event_id,case_id,hall_seq,kind,office,code,reason,zh,created_at,reported_at<>'' FROM quarantine`
	if unreported {
		q += ` WHERE reported_at=''`
	}
	rows, err := t.query(q+` ORDER BY created_at DESC, event_id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("quarantine: %w", err)
	}
	defer rows.Close()
	out := []app.Quarantined{}
	for rows.Next() {
		var x app.Quarantined
		if err := rows.Scan(&x.EventID, &x.CaseID, &x.HallSeq, &x.Kind, &x.Office, &x.Code, &x.Reason, &x.Zh, &x.At, &x.Reported); err != nil {
			return nil, fmt.Errorf("quarantine: %w", err)
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// MarkQuarantineReported records that the hall has the reports of ids.
func (t *txn) MarkQuarantineReported(ids []string, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	list, err := jsonList(ids)
	if err != nil {
		return fmt.Errorf("quarantine: %w", err)
	}
	if _, err := t.exec(`UPDATE quarantine SET reported_at=? WHERE reported_at='' AND event_id IN (SELECT value FROM json_each(?))`,
		app.FormatTime(at), list); err != nil {
		return fmt.Errorf("quarantine reported: %w", err)
	}
	return nil
}

// Savepoint runs fn inside a savepoint: when fn fails, what it wrote is
// undone and its error returned, and the transaction goes on.
func (t *txn) Savepoint(fn func() error) error {
	t.savepoints++
	name := fmt.Sprintf("sp%d", t.savepoints)
	if _, err := t.exec(`SAVEPOINT ` + name); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	if err := fn(); err != nil {
		if _, rerr := t.exec(`ROLLBACK TO ` + name + `; RELEASE ` + name); rerr != nil {
			return fmt.Errorf("savepoint: %w (after %w)", rerr, err)
		}
		return err
	}
	if _, err := t.exec(`RELEASE ` + name); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	return nil
}
