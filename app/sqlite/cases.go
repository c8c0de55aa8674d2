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
	"yizhan/workday"
)

// Case returns the stored, folded case with id or number id, or nil.
func (t *txn) Case(id string) (*domain.Case, error) {
	var body string
	err := t.queryRow(`SELECT body FROM cases WHERE id=? OR number=?`, id, id).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load case %s: %w", id, err)
	}
	var c domain.Case
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		return nil, fmt.Errorf("load case %s: %w", id, err)
	}
	return &c, nil
}

func dateText(d workday.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func timePtrText(t *time.Time) string {
	if t == nil {
		return ""
	}
	return app.FormatTime(*t)
}

// PutCase writes a folded case with its deadlines, and keeps what is
// derived from the cases table beside it in the same transaction: the
// dashboard's tallies (case_tally_state, case_tally_hour, schema 3) and
// the name index (case_name_grams). A case's number, applicant name and
// ID number, receive time, channel and item are written once, with the
// row.
func (t *txn) PutCase(c *domain.Case, due app.CaseDue) error {
	body, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("put case %s: %w", c.ID, err)
	}
	// The row as it was, for the tallies.
	var oldState, oldDue string
	err = t.queryRow(`SELECT state, due_date FROM cases WHERE id=?`, c.ID).Scan(&oldState, &oldDue)
	isNew := errors.Is(err, sql.ErrNoRows)
	if err != nil && !isNew {
		return fmt.Errorf("put case %s: %w", c.ID, err)
	}
	_, err = t.exec(`INSERT INTO cases(id,number,station,holder,item_code,item_version,item_name,state,result,channel,applicant_name,applicant_id,applicant_idrev,applicant_phone,received_at,accepted_at,concluded_at,due_date,legal_due_date,provisional,paused,updated_at,body)
		VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT(id) DO UPDATE SET holder=excluded.holder, state=excluded.state, result=excluded.result, applicant_phone=excluded.applicant_phone,
		  accepted_at=excluded.accepted_at, concluded_at=excluded.concluded_at, due_date=excluded.due_date, legal_due_date=excluded.legal_due_date,
		  provisional=excluded.provisional, paused=excluded.paused, updated_at=excluded.updated_at, body=excluded.body`,
		c.ID, c.Number, c.Station, c.Holder, c.ItemCode, c.ItemVersion, c.ItemName, string(c.State), c.Result, c.Channel,
		c.Applicant.Name, c.Applicant.IDNumber, reverse(c.Applicant.IDNumber), c.Applicant.Phone,
		app.FormatTime(c.ReceivedAt), timePtrText(c.AcceptedAt), timePtrText(c.ConcludedAt), dateText(due.Due), dateText(due.LegalDue),
		boolInt(due.Provisional), boolInt(due.Paused), app.FormatTime(c.UpdatedAt), string(body))
	if err != nil {
		return fmt.Errorf("put case %s: %w", c.ID, err)
	}
	if err := t.tallyCase(isNew, oldState, oldDue, string(c.State), dateText(due.Due), app.FormatTime(c.ReceivedAt), c.Channel, c.ItemName); err != nil {
		return fmt.Errorf("put case %s: %w", c.ID, err)
	}
	// Index the name the first time the case is written. That is not always
	// its first event: a pull page can bring a case with several events,
	// folded and written once.
	if isNew {
		for _, g := range nameGrams(c.Applicant.Name) {
			if _, err := t.exec(`INSERT OR IGNORE INTO case_name_grams(gram,case_id) VALUES(?,?)`, g, c.ID); err != nil {
				return fmt.Errorf("put case %s: name index: %w", c.ID, err)
			}
		}
	}
	return nil
}

// tallyCase keeps the dashboard's tallies (case_tally_state,
// case_tally_hour) equal to counts of the cases table. PutCase, the one
// writer of cases, calls it in the same transaction after writing a case:
// isNew when the row was inserted, with the state and due date the row had
// before otherwise. A case's receive time, channel and item are written
// once, with the row, so only a new case moves the hourly tally.
func (t *txn) tallyCase(isNew bool, oldState, oldDue, state, due, receivedAt, channel, item string) error {
	if !isNew && oldState == state && oldDue == due {
		return nil
	}
	if !isNew {
		var n int
		if err := t.queryRow(`UPDATE case_tally_state SET n = n - 1 WHERE state = ? AND due_date = ? RETURNING n`, oldState, oldDue).Scan(&n); err != nil {
			return fmt.Errorf("tally: %w", err)
		}
		if n == 0 {
			if _, err := t.exec(`DELETE FROM case_tally_state WHERE state = ? AND due_date = ?`, oldState, oldDue); err != nil {
				return fmt.Errorf("tally: %w", err)
			}
		}
	}
	if _, err := t.exec(`INSERT INTO case_tally_state (state, due_date, n) VALUES (?, ?, 1)
		ON CONFLICT (state, due_date) DO UPDATE SET n = n + 1`, state, due); err != nil {
		return fmt.Errorf("tally: %w", err)
	}
	if isNew {
		if _, err := t.exec(`INSERT INTO case_tally_hour (hour, channel, item_name, n) VALUES (substr(?, 1, 13), ?, ?, 1)
			ON CONFLICT (hour, channel, item_name) DO UPDATE SET n = n + 1`, receivedAt, channel, item); err != nil {
			return fmt.Errorf("tally: %w", err)
		}
	}
	return nil
}

// nameGrams returns the single characters and adjacent pairs of a name, so a
// search for one or two characters is an index lookup.
func nameGrams(name string) []string {
	rs := []rune(strings.ToLower(strings.ReplaceAll(name, " ", "")))
	seen := map[string]bool{}
	var out []string
	add := func(g string) {
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	for i := range rs {
		add(string(rs[i]))
		if i+1 < len(rs) {
			add(string(rs[i : i+2]))
		}
	}
	return out
}

// reverse reverses s byte by byte: an ID number reversed makes a search by
// its last digits a range scan of an index.
func reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

// CaseNumberTaken reports whether a case holds number.
func (t *txn) CaseNumberTaken(number string) (bool, error) {
	n, err := t.count(`SELECT count(*) FROM cases WHERE number=?`, number)
	if err != nil {
		return false, fmt.Errorf("case number: %w", err)
	}
	return n > 0, nil
}

// NextCounter increments the counter name (1 the first time) and returns
// its new value.
func (t *txn) NextCounter(name string) (int, error) {
	if t.tx == nil {
		return 0, errReadOnly
	}
	var v int
	err := t.queryRow(`INSERT INTO counters(name,value) VALUES(?,1) ON CONFLICT(name) DO UPDATE SET value=value+1 RETURNING value`, name).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("counter %s: %w", name, err)
	}
	return v, nil
}

// openStates are the states of a case still being worked.
const openStates = `state IN ('received','correction','accepted','forwarded','in_process','suspended')`

// FindCases returns a page of the cases q matches, most recently received
// first (for a name, the exact name first), unmasked, with how many match.
func (t *txn) FindCases(q app.CaseQuery) ([]app.CaseSummary, int, error) {
	conds := []string{"1=1"}
	var args []any
	switch {
	case q.Number != "":
		// A range, not LIKE: LIKE is case-insensitive in SQLite and cannot
		// use the number's index.
		conds = append(conds, "number >= ? AND number < ?")
		args = append(args, q.Number, q.Number+"\xff")
	case q.IDOrPhone != "":
		up := strings.ToUpper(q.IDOrPhone)
		// Prefix or suffix of the ID number, or the phone; each arm can use
		// its own index.
		conds = append(conds, `id IN (SELECT id FROM cases WHERE applicant_id >= ? AND applicant_id < ?
			UNION ALL SELECT id FROM cases WHERE applicant_idrev >= ? AND applicant_idrev < ?
			UNION ALL SELECT id FROM cases WHERE applicant_phone >= ? AND applicant_phone < ?)`)
		r := reverse(up)
		args = append(args, up, up+"\xff", r, r+"\xff", q.IDOrPhone, q.IDOrPhone+"\xff")
	case q.Name != "":
		grams := nameGrams(q.Name)
		rs := []rune(strings.ReplaceAll(q.Name, " ", ""))
		if len(rs) >= 2 {
			// Every adjacent pair must be present; the pairs of a name
			// determine it well enough that the final LIKE rarely drops rows.
			var pairs []string
			for _, g := range grams {
				if len([]rune(g)) == 2 {
					pairs = append(pairs, g)
				}
			}
			grams = pairs
		}
		for _, g := range grams {
			conds = append(conds, "id IN (SELECT case_id FROM case_name_grams WHERE gram=?)")
			args = append(args, g)
		}
		conds = append(conds, "instr(lower(applicant_name), ?) > 0")
		args = append(args, strings.ToLower(string(rs)))
	}
	for _, f := range []struct{ col, v string }{{"state", q.State}, {"item_code", q.ItemCode}, {"channel", q.Channel}, {"holder", q.Holder}} {
		if f.v != "" {
			conds = append(conds, f.col+"=?")
			args = append(args, f.v)
		}
	}
	if !q.ReceivedFrom.IsZero() {
		conds = append(conds, "received_at >= ?")
		args = append(args, app.FormatTime(q.ReceivedFrom))
	}
	if !q.ReceivedBefore.IsZero() {
		conds = append(conds, "received_at < ?")
		args = append(args, app.FormatTime(q.ReceivedBefore))
	}
	if !q.OpenDueBefore.IsZero() {
		conds = append(conds, openStates, "due_date <> ''", "due_date < ?")
		args = append(args, q.OpenDueBefore.String())
	}
	if !q.OpenDueFrom.IsZero() {
		conds = append(conds, openStates, "due_date >= ?", "due_date <= ?")
		args = append(args, q.OpenDueFrom.String(), q.OpenDueTo.String())
	}
	where := strings.Join(conds, " AND ")
	total, err := t.count(`SELECT count(*) FROM cases WHERE `+where, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find cases: count: %w", err)
	}
	// A name search ranks the exact name first (张伟 before 张伟国 and
	// 李张伟), then the newest.
	order, orderArgs := `received_at DESC`, []any{}
	if q.Name != "" {
		order, orderArgs = `(applicant_name = ?) DESC, received_at DESC`, []any{strings.ReplaceAll(q.Name, " ", "")}
	}
	rows, err := t.query(`SELECT id,number,item_name,state,result,channel,applicant_name,applicant_id,applicant_phone,received_at,due_date,provisional,holder FROM cases WHERE `+where+` ORDER BY `+order+` LIMIT ? OFFSET ?`,
		append(append(args, orderArgs...), q.Limit, q.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("find cases: %w", err)
	}
	defer rows.Close()
	out := []app.CaseSummary{}
	for rows.Next() {
		var cs app.CaseSummary
		var prov int
		if err := rows.Scan(&cs.ID, &cs.Number, &cs.ItemName, &cs.State, &cs.Result, &cs.Channel, &cs.Applicant, &cs.IDNumber, &cs.Phone, &cs.ReceivedAt, &cs.Due, &prov, &cs.Holder); err != nil {
			return nil, 0, fmt.Errorf("find cases: %w", err)
		}
		cs.Provisional = prov != 0
		out = append(out, cs)
	}
	return out, total, rows.Err()
}

// CasesByNumbers returns the cases holding any of numbers, most recently
// received first. A row whose stored case cannot be read is left out: the
// kiosk, which asks, answers as if it were absent.
func (t *txn) CasesByNumbers(numbers []string) ([]*domain.Case, error) {
	if len(numbers) == 0 {
		return nil, nil
	}
	args := make([]any, len(numbers))
	for i, n := range numbers {
		args[i] = n
	}
	rows, err := t.query(`SELECT body FROM cases WHERE number IN (?`+strings.Repeat(",?", len(numbers)-1)+`) ORDER BY received_at DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("cases by number: %w", err)
	}
	defer rows.Close()
	var out []*domain.Case
	for rows.Next() {
		var body string
		var c domain.Case
		if rows.Scan(&body) != nil || json.Unmarshal([]byte(body), &c) != nil {
			continue
		}
		out = append(out, &c)
	}
	return out, rows.Err()
}

// OpenAcceptedCases returns the IDs of the cases accepted and still open:
// those whose deadlines a calendar change can move.
func (t *txn) OpenAcceptedCases() ([]string, error) {
	rows, err := t.query(`SELECT id FROM cases WHERE accepted_at<>'' AND state IN ('accepted','forwarded','in_process','suspended','correction')`)
	if err != nil {
		return nil, fmt.Errorf("open cases: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("open cases: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
