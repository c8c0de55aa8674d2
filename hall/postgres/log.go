package postgres

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"yizhan/domain"
	"yizhan/hall"
)

const logCols = `seq,status,code,reason,zh,station,event,received_at`

func scanLog(sc pgx.Row) (*hall.LogEntry, error) {
	var le hall.LogEntry
	var body string
	if err := sc.Scan(&le.Seq, &le.Status, &le.Code, &le.Reason, &le.Zh, &le.Station, &body, &le.Received); err != nil {
		return nil, err
	}
	var e domain.Event
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		return nil, fmt.Errorf("log %d: event: %w", le.Seq, err)
	}
	le.Event = &e
	le.Received = le.Received.UTC()
	return &le, nil
}

// AppendLog appends an event to the log and returns its position. The seq
// comes from an identity sequence; that is safe because the service appends
// to a case only under the case's lock (see Case), and nobody reads the log
// by seq range across cases.
func (t *txn) AppendLog(le *hall.LogEntry) (int64, error) {
	e := le.Event
	body, err := json.Marshal(e)
	if err != nil {
		return 0, fmt.Errorf("append %s: %w", e.ID, err)
	}
	// ON CONFLICT keeps the transaction usable after a known ID, as a
	// failed insert does in SQLite.
	err = t.row(`INSERT INTO log(event_id,case_id,station,office,kind,hlc,status,code,reason,zh,event,received_at)
		VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) ON CONFLICT (event_id) DO NOTHING RETURNING seq`,
		e.ID, e.CaseID, le.Station, e.Office, string(e.Kind), e.HLC, le.Status, le.Code, le.Reason, le.Zh,
		string(body), le.Received).Scan(&le.Seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, domain.Errorf(domain.EConflict, "事件已存在。", "append %s: event already in the log", e.ID)
	}
	if err != nil {
		return 0, fmt.Errorf("append %s: %w", e.ID, err)
	}
	return le.Seq, nil
}

// LogByEventID returns the log entry of an event, or nil. In an Update it
// first locks the ID, so a concurrent push of the same event waits and then
// finds it.
func (t *txn) LogByEventID(id string) (*hall.LogEntry, error) {
	var le *hall.LogEntry
	err := t.lockedRow(lockEvent, id, func(r pgx.Row) error {
		var err error
		le, err = scanLog(r)
		return err
	}, `SELECT `+logCols+` FROM log WHERE event_id=$1`, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("log entry %s: %w", id, err)
	}
	return le, nil
}

// CaseLog returns a case's entries before a position, in log order. Under
// the case's lock every entry of the case is committed, so the seqs are
// complete.
func (t *txn) CaseLog(caseID string, before int64) ([]*hall.LogEntry, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	rows, err := t.query(`SELECT `+logCols+` FROM log WHERE case_id=$1 AND seq<$2 ORDER BY seq`, caseID, before)
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

// LastHLC returns the greatest stamp office issued. Stamps sort as bytes
// (the column's collation is "C").
func (t *txn) LastHLC(office string) (string, error) {
	var v *string
	if err := t.row(`SELECT max(hlc) FROM log WHERE office=$1`, office).Scan(&v); err != nil {
		return "", fmt.Errorf("last hlc: %w", err)
	}
	if v == nil {
		return "", nil
	}
	return *v, nil
}

// PutRejection records a refused event once.
func (t *txn) PutRejection(r *hall.Rejection) error {
	_, err := t.exec(`INSERT INTO rejections(event_id,case_id,station,code,reason,zh,received_at) VALUES($1,$2,$3,$4,$5,$6,$7)
		ON CONFLICT (event_id) DO NOTHING`, r.EventID, r.CaseID, r.Station, r.Code, r.Reason, r.Zh, r.Received)
	if err != nil {
		return fmt.Errorf("rejection %s: %w", r.EventID, err)
	}
	return nil
}

// Rejection returns the recorded refusal of an event, or nil. The service
// asks only after LogByEventID, which holds the ID's lock.
func (t *txn) Rejection(id string) (*hall.Rejection, error) {
	var r hall.Rejection
	err := t.row(`SELECT event_id,case_id,station,code,reason,zh,received_at FROM rejections WHERE event_id=$1`, id).
		Scan(&r.EventID, &r.CaseID, &r.Station, &r.Code, &r.Reason, &r.Zh, &r.Received)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("rejection %s: %w", id, err)
	}
	r.Received = r.Received.UTC()
	return &r, nil
}

// Case returns the folded state of a case, or nil. In an Update it first
// takes the case's lock, held to the end of the transaction: the service
// reads a case before it does anything else to it, so this is what makes
// appends to one case serial across hall processes (see the package
// comment). The lock is taken for an unknown case too, so two opens of one
// case ID cannot both succeed.
func (t *txn) Case(id string) (*domain.Case, error) {
	var body string
	err := t.lockedRow(lockCase, id, func(r pgx.Row) error { return r.Scan(&body) },
		`SELECT body FROM cases WHERE id=$1`, id)
	if errors.Is(err, pgx.ErrNoRows) {
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
	body, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("put case %s: %w", c.ID, err)
	}
	level := 0
	if c.Evaluation != nil {
		level = c.Evaluation.Level
	}
	_, err = t.exec(`INSERT INTO cases(id,number,station,holder,state,updated_at,last_seq,body,item_code,item_name,serial,received_at,eval_level,applicant_name,applicant_id)
		VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)
		ON CONFLICT (id) DO UPDATE SET number=excluded.number, station=excluded.station, holder=excluded.holder,
		state=excluded.state, updated_at=excluded.updated_at, last_seq=excluded.last_seq, body=excluded.body,
		item_code=excluded.item_code, item_name=excluded.item_name, serial=excluded.serial,
		received_at=excluded.received_at, eval_level=excluded.eval_level,
		applicant_name=excluded.applicant_name, applicant_id=excluded.applicant_id`,
		c.ID, c.Number, c.Station, c.Holder, string(c.State), nullTime(c.UpdatedAt), seq, string(body),
		c.ItemCode, c.ItemName, c.Serial, nullTime(c.StatTimes().ReceivedAt), level,
		strings.TrimSpace(c.Applicant.Name), strings.ToUpper(strings.TrimSpace(c.Applicant.IDNumber)))
	if err != nil {
		return fmt.Errorf("put case %s: %w", c.ID, err)
	}
	for _, h := range hall.CaseBlobs(c) {
		if _, err := t.exec(`INSERT INTO blob_refs(hash,case_id) VALUES($1,$2) ON CONFLICT DO NOTHING`, h, c.ID); err != nil {
			return fmt.Errorf("put case %s: blob ref: %w", c.ID, err)
		}
	}
	return nil
}

// FindCases lists cases, most recently changed first.
func (t *txn) FindCases(f hall.CaseFilter) ([]*domain.Case, error) {
	where := []string{"true"}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	eq := func(col, v string) {
		if v != "" {
			where = append(where, col+"="+arg(v))
		}
	}
	eq("state", string(f.State))
	eq("station", f.Station)
	eq("holder", f.Holder)
	eq("item_code", f.Item)
	if q := strings.TrimSpace(f.Query); q != "" {
		p := arg("%" + likeEscaper.Replace(strings.ToLower(q)) + "%")
		where = append(where, `(lower(number) LIKE `+p+` OR lower(serial) LIKE `+p+
			` OR lower(item_code) LIKE `+p+` OR lower(item_name) LIKE `+p+`)`)
	}
	if !f.From.IsZero() {
		where = append(where, "received_at >= "+arg(f.From))
	}
	if !f.To.IsZero() {
		where = append(where, "received_at < "+arg(f.To))
	}
	if f.BadReview {
		where = append(where, "eval_level BETWEEN 1 AND 2")
	}
	if a := strings.TrimSpace(f.Applicant); a != "" {
		where = append(where, "(applicant_name = "+arg(a)+" OR applicant_id = "+arg(strings.ToUpper(a))+")")
	}
	var limit any // NULL: no limit
	switch {
	case f.Limit == 0:
		limit = 200
	case f.Limit > 0:
		limit = f.Limit
	}
	q := `SELECT body FROM cases WHERE ` + strings.Join(where, " AND ") + ` ORDER BY last_seq DESC LIMIT ` + arg(limit) +
		` OFFSET ` + arg(max(f.Offset, 0))
	rows, err := t.query(q, args...)
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

// likeEscaper escapes LIKE's wildcards (backslash is PostgreSQL's default
// escape character) so a query matches literally.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// CaseScope returns the stations a case is delivered to, in code order.
func (t *txn) CaseScope(caseID string) ([]string, error) {
	rows, err := t.query(`SELECT station FROM case_scope WHERE case_id=$1 ORDER BY station`, caseID)
	if err != nil {
		return nil, fmt.Errorf("case scope %s: %w", caseID, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("case scope %s: %w", caseID, err)
	}
	return out, nil
}

// CaseByNumber returns the ID of the case numbered number, or "". In an
// Update it first locks the number, so of two pushes of one number the
// second waits for the first to commit and then finds it.
func (t *txn) CaseByNumber(number string) (string, error) {
	var id string
	err := t.lockedRow(lockNumber, number, func(r pgx.Row) error { return r.Scan(&id) },
		`SELECT id FROM cases WHERE number=$1 LIMIT 1`, number)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("case by number: %w", err)
	}
	return id, nil
}

// AddScope adds a station to a case's scope.
func (t *txn) AddScope(caseID, station string, seq int64) (bool, error) {
	tag, err := t.exec(`INSERT INTO case_scope(case_id,station,since_seq) VALUES($1,$2,$3) ON CONFLICT DO NOTHING`,
		caseID, station, seq)
	if err != nil {
		return false, fmt.Errorf("case scope %s: %w", caseID, err)
	}
	return tag.RowsAffected() > 0, nil
}
