package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"yizhan/app"
)

// LastAudit returns the sequence and hash of the newest audit row, or 0 and
// "" when the trail is empty.
func (t *txn) LastAudit() (int64, string, error) {
	var seq int64
	var hash string
	err := t.queryRow(`SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&seq, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", fmt.Errorf("audit head: %w", err)
	}
	return seq, hash, nil
}

// AppendAudit appends one row to the audit trail (which its triggers keep
// append-only).
func (t *txn) AppendAudit(r app.AuditRecord) error {
	if _, err := t.exec(`INSERT INTO audit(seq,at,actor,office,action,target,fields,purpose,detail,prev_hash,hash) VALUES(?,?,?,?,?,?,?,?,?,?,?)`,
		r.Seq, r.At, r.Actor, r.Office, r.Action, r.Target, r.Fields, r.Purpose, r.Detail, r.PrevHash, r.Hash); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// WalkAudit calls fn with every audit row in sequence order, reading them
// as it goes.
func (t *txn) WalkAudit(fn func(app.AuditRecord) error) error {
	rows, err := t.query(`SELECT seq,at,actor,office,action,target,fields,purpose,detail,prev_hash,hash FROM audit ORDER BY seq`)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r app.AuditRecord
		if err := rows.Scan(&r.Seq, &r.At, &r.Actor, &r.Office, &r.Action, &r.Target, &r.Fields, &r.Purpose, &r.Detail, &r.PrevHash, &r.Hash); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// AuditPage returns up to limit audit rows about target ("": all), newest
// first, after skipping offset, with how many there are.
func (t *txn) AuditPage(target string, limit, offset int) ([]app.AuditEntry, int, error) {
	where, args := "", []any{}
	if target != "" {
		where, args = ` WHERE target=?`, append(args, target)
	}
	total, err := t.count(`SELECT count(*) FROM audit`+where, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("audit log: count: %w", err)
	}
	rows, err := t.query(`SELECT seq,at,actor,office,action,target,fields,purpose,detail,hash FROM audit`+where+
		` ORDER BY seq DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("audit log: %w", err)
	}
	defer rows.Close()
	var out []app.AuditEntry
	for rows.Next() {
		var e app.AuditEntry
		if err := rows.Scan(&e.Seq, &e.At, &e.Actor, &e.Office, &e.Action, &e.Target, &e.Fields, &e.Purpose, &e.Detail, &e.Hash); err != nil {
			return nil, 0, fmt.Errorf("audit log: %w", err)
		}
		out = append(out, e)
	}
	return out, total, rows.Err()
}

// AuditHash returns the hash of audit row seq, or "" when there is none.
func (t *txn) AuditHash(seq int64) (string, error) {
	var h string
	err := t.queryRow(`SELECT hash FROM audit WHERE seq=?`, seq).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("audit row %d: %w", seq, err)
	}
	return h, nil
}

// CountAudit counts the audit rows of action with detail written at or
// after since.
func (t *txn) CountAudit(action, detail string, since time.Time) (int, error) {
	n, err := t.count(`SELECT count(*) FROM audit WHERE action=? AND detail=? AND at>=?`, action, detail, app.FormatTime(since))
	if err != nil {
		return 0, fmt.Errorf("audit count: %w", err)
	}
	return n, nil
}
