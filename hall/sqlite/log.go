package sqlite

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"yizhan/domain"
	"yizhan/hall"
)

const logCols = `seq,status,code,reason,zh,station,event,received_at`

func scanLog(sc interface{ Scan(...any) error }) (*hall.LogEntry, error) {
	var le hall.LogEntry
	var body, at string
	if err := sc.Scan(&le.Seq, &le.Status, &le.Code, &le.Reason, &le.Zh, &le.Station, &body, &at); err != nil {
		return nil, err
	}
	var e domain.Event
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		return nil, fmt.Errorf("log %d: event: %w", le.Seq, err)
	}
	le.Event = &e
	t, err := parseTime(at)
	if err != nil {
		return nil, fmt.Errorf("log %d: %w", le.Seq, err)
	}
	le.Received = t
	return &le, nil
}

// AppendLog appends an event to the log and returns its position.
func (t *txn) AppendLog(le *hall.LogEntry) (int64, error) {
	e := le.Event
	body, err := json.Marshal(e)
	if err != nil {
		return 0, fmt.Errorf("append %s: %w", e.ID, err)
	}
	res, err := t.exec(`INSERT INTO log(event_id,case_id,station,office,kind,hlc,status,code,reason,zh,event,received_at)
		VALUES(?,?,?,?,?,?,?,?,?,?,?,?)`, e.ID, e.CaseID, le.Station, e.Office, string(e.Kind), e.HLC, le.Status,
		le.Code, le.Reason, le.Zh, string(body), fmtTime(le.Received))
	if isUnique(err) {
		return 0, domain.Errorf(domain.EConflict, "事件已存在。", "append %s: event already in the log", e.ID)
	}
	if err != nil {
		return 0, fmt.Errorf("append %s: %w", e.ID, err)
	}
	seq, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("append %s: %w", e.ID, err)
	}
	le.Seq = seq
	t.appended(le)
	return seq, nil
}

// LogByEventID returns the log entry of an event, or nil.
func (t *txn) LogByEventID(id string) (*hall.LogEntry, error) {
	if le, ok := t.prefetchedLog(id); ok {
		return le, nil
	}
	le, err := scanLog(t.row(`SELECT `+logCols+` FROM log WHERE event_id=?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("log entry %s: %w", id, err)
	}
	return le, nil
}

// CaseLog returns a case's entries before a position, in log order.
func (t *txn) CaseLog(caseID string, before int64) ([]*hall.LogEntry, error) {
	if out, ok := t.prefetchedCaseLog(caseID, before); ok {
		return out, nil
	}
	q := `SELECT ` + logCols + ` FROM log WHERE case_id=? ORDER BY seq`
	args := []any{caseID}
	if before > 0 {
		q = `SELECT ` + logCols + ` FROM log WHERE case_id=? AND seq<? ORDER BY seq`
		args = append(args, before)
	}
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("case log %s: %w", caseID, err)
	}
	defer rows.Close()
	var out []*hall.LogEntry
	for rows.Next() {
		le, err := scanLog(rows)
		if err != nil {
			return nil, fmt.Errorf("case log %s: %w", caseID, err)
		}
		out = append(out, le)
	}
	return out, rows.Err()
}

// LastHLC returns the greatest stamp office issued. Stamps sort as text.
func (t *txn) LastHLC(office string) (string, error) {
	var v sql.NullString
	if err := t.row(`SELECT max(hlc) FROM log WHERE office=?`, office).Scan(&v); err != nil {
		return "", fmt.Errorf("last hlc: %w", err)
	}
	return v.String, nil
}

// PutRejection records a refused event once.
func (t *txn) PutRejection(r *hall.Rejection) error {
	if t.pre != nil {
		delete(t.pre.events, r.EventID)
	}
	_, err := t.exec(`INSERT INTO rejections(event_id,case_id,station,code,reason,zh,received_at) VALUES(?,?,?,?,?,?,?)
		ON CONFLICT(event_id) DO NOTHING`, r.EventID, r.CaseID, r.Station, r.Code, r.Reason, r.Zh, fmtTime(r.Received))
	if err != nil {
		return fmt.Errorf("rejection %s: %w", r.EventID, err)
	}
	return nil
}

// Rejection returns the recorded refusal of an event, or nil.
func (t *txn) Rejection(id string) (*hall.Rejection, error) {
	if r, ok := t.prefetchedRejection(id); ok {
		return r, nil
	}
	var r hall.Rejection
	var at string
	err := t.row(`SELECT event_id,case_id,station,code,reason,zh,received_at FROM rejections WHERE event_id=?`, id).
		Scan(&r.EventID, &r.CaseID, &r.Station, &r.Code, &r.Reason, &r.Zh, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("rejection %s: %w", id, err)
	}
	if r.Received, err = parseTime(at); err != nil {
		return nil, fmt.Errorf("rejection %s: %w", id, err)
	}
	return &r, nil
}

// Case returns the folded state of a case, or nil.
func (t *txn) Case(id string) (*domain.Case, error) {
	if t.prefetchedNoCase(id) {
		return nil, nil
	}
	var body string
	err := t.row(`SELECT body FROM cases WHERE id=?`, id).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("case %s: %w", id, err)
	}
	var c domain.Case
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		return nil, fmt.Errorf("case %s: %w", id, err)
	}
	return &c, nil
}

// PutCase stores a case's folded state.
func (t *txn) PutCase(c *domain.Case, seq int64) error {
	if t.pre != nil {
		delete(t.pre.nocase, c.ID)
	}
	body, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("put case %s: %w", c.ID, err)
	}
	level := 0
	if c.Evaluation != nil {
		level = c.Evaluation.Level
	}
	_, err = t.exec(`INSERT INTO cases(id,number,station,holder,state,updated_at,last_seq,body,item_code,item_name,serial,received_at,eval_level,applicant_name,applicant_id)
		VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT(id) DO UPDATE SET number=excluded.number, station=excluded.station, holder=excluded.holder,
		state=excluded.state, updated_at=excluded.updated_at, last_seq=excluded.last_seq, body=excluded.body,
		item_code=excluded.item_code, item_name=excluded.item_name, serial=excluded.serial,
		received_at=excluded.received_at, eval_level=excluded.eval_level,
		applicant_name=excluded.applicant_name, applicant_id=excluded.applicant_id`,
		c.ID, c.Number, c.Station, c.Holder, string(c.State), fmtTime(c.UpdatedAt), seq, string(body),
		c.ItemCode, c.ItemName, c.Serial, fmtTime(c.StatTimes().ReceivedAt), level,
		strings.TrimSpace(c.Applicant.Name), strings.ToUpper(strings.TrimSpace(c.Applicant.IDNumber)))
	if err != nil {
		return fmt.Errorf("put case %s: %w", c.ID, err)
	}
	for _, h := range hall.CaseBlobs(c) {
		if _, err := t.exec(`INSERT OR IGNORE INTO blob_refs(hash,case_id) VALUES(?,?)`, h, c.ID); err != nil {
			return fmt.Errorf("put case %s: blob ref: %w", c.ID, err)
		}
	}
	return nil
}

// FindCases lists cases, most recently changed first.
func (t *txn) FindCases(f hall.CaseFilter) ([]*domain.Case, error) {
	where := []string{"1=1"}
	var args []any
	eq := func(col, v string) {
		if v != "" {
			where = append(where, col+"=?")
			args = append(args, v)
		}
	}
	eq("state", string(f.State))
	eq("station", f.Station)
	eq("holder", f.Holder)
	eq("item_code", f.Item)
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + likeEscaper.Replace(strings.ToLower(q)) + "%"
		where = append(where, `(lower(number) LIKE ? ESCAPE '\' OR lower(serial) LIKE ? ESCAPE '\'
			OR lower(item_code) LIKE ? ESCAPE '\' OR lower(item_name) LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like, like)
	}
	if !f.From.IsZero() {
		where = append(where, "received_at >= ?")
		args = append(args, fmtTime(f.From))
	}
	if !f.To.IsZero() {
		where = append(where, "received_at < ?")
		args = append(args, fmtTime(f.To))
	}
	if f.BadReview {
		where = append(where, "eval_level BETWEEN 1 AND 2")
	}
	if a := strings.TrimSpace(f.Applicant); a != "" {
		where = append(where, "(applicant_name = ? OR applicant_id = ?)")
		args = append(args, a, strings.ToUpper(a))
	}
	limit := f.Limit
	if limit == 0 {
		limit = 200
	}
	args = append(args, limit, max(f.Offset, 0))
	rows, err := t.query(`SELECT body FROM cases WHERE `+strings.Join(where, " AND ")+
		` ORDER BY last_seq DESC LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("find cases: %w", err)
	}
	defer rows.Close()
	var out []*domain.Case
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, fmt.Errorf("find cases: %w", err)
		}
		var c domain.Case
		if err := json.Unmarshal([]byte(body), &c); err != nil {
			return nil, fmt.Errorf("find cases: %w", err)
		}
		out = append(out, &c)
	}
	return out, rows.Err()
}

// likeEscaper escapes LIKE's wildcards so a query matches literally.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// CaseByNumber returns the ID of the case numbered number, or "". SQLite's
// single writer serialises it against every other Update.
func (t *txn) CaseByNumber(number string) (string, error) {
	var id string
	err := t.row(`SELECT id FROM cases WHERE number=? LIMIT 1`, number).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("case by number: %w", err)
	}
	return id, nil
}

// CaseScope returns the stations a case is delivered to.
func (t *txn) CaseScope(caseID string) ([]string, error) {
	if sc, ok := t.prefetchedScope(caseID); ok {
		return sc, nil
	}
	rows, err := t.query(`SELECT station FROM case_scope WHERE case_id=? ORDER BY station`, caseID)
	if err != nil {
		return nil, fmt.Errorf("case scope %s: %w", caseID, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("case scope %s: %w", caseID, err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// AddScope adds a station to a case's scope.
func (t *txn) AddScope(caseID, station string, seq int64) (bool, error) {
	if t.pre != nil {
		delete(t.pre.scoped, caseID)
	}
	res, err := t.exec(`INSERT INTO case_scope(case_id,station,since_seq) VALUES(?,?,?) ON CONFLICT DO NOTHING`, caseID, station, seq)
	if err != nil {
		return false, fmt.Errorf("case scope %s: %w", caseID, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}
