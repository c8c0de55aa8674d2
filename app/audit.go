package app

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"yizhan/domain"
)

// Actor is who does something: a signed-in staff member, or the system.
type Actor struct {
	ID    string `json:"id"`
	Login string `json:"login"`
	Name  string `json:"name"`
	Role  string `json:"role"`
}

// System is the actor for work no person started (migrations, sync).
var System = Actor{ID: "system", Login: "system", Name: "系统", Role: "system"}

// genesis is the prev_hash of the first audit row.
const genesis = "0000000000000000000000000000000000000000000000000000000000000000"

func auditHash(prev string, seq int64, at, actor, office, action, target, fields, purpose, detail string) string {
	h := sha256.New()
	for _, p := range []string{prev, strconv.FormatInt(seq, 10), at, actor, office, action, target, fields, purpose, detail} {
		// Length-prefix every field so that moving text between fields
		// changes the hash.
		fmt.Fprintf(h, "%d:%s|", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// audit appends one row to the hash-chained audit trail, inside tx so that
// the record of an action commits or rolls back with the action itself.
func (s *Station) audit(ctx context.Context, tx *sql.Tx, a Actor, action, target, fields, purpose, detail string) error {
	var prev string
	var seq int64
	err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&seq, &prev)
	if errors.Is(err, sql.ErrNoRows) {
		prev, seq = genesis, 0
	} else if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	seq++
	at := FormatTime(s.now())
	office := s.officeOrLocal()
	h := auditHash(prev, seq, at, a.Login, office, action, target, fields, purpose, detail)
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit(seq,at,actor,office,action,target,fields,purpose,detail,prev_hash,hash) VALUES(?,?,?,?,?,?,?,?,?,?,?)`,
		seq, at, a.Login, office, action, target, fields, purpose, detail, prev, h); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// AuditEntry is one row of the audit trail.
type AuditEntry struct {
	Seq     int64  `json:"seq"`
	At      string `json:"at"`
	Actor   string `json:"actor"`
	Office  string `json:"office"`
	Action  string `json:"action"`
	Target  string `json:"target"`
	Fields  string `json:"fields,omitempty"`
	Purpose string `json:"purpose,omitempty"`
	Detail  string `json:"detail,omitempty"`
	Hash    string `json:"hash"`
}

// AuditReport is the result of verifying the chain.
type AuditReport struct {
	Rows   int64  `json:"rows"`
	Head   string `json:"head"`
	OK     bool   `json:"ok"`
	Broken int64  `json:"broken_at,omitempty"` // first bad sequence number
	Detail string `json:"detail,omitempty"`
}

// VerifyAudit walks the whole audit chain and reports the first row whose
// hash, link or sequence is wrong: an edited row, a deleted row, or a row
// inserted out of turn.
func (s *Station) VerifyAudit(ctx context.Context) (AuditReport, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT seq,at,actor,office,action,target,fields,purpose,detail,prev_hash,hash FROM audit ORDER BY seq`)
	if err != nil {
		return AuditReport{}, fmt.Errorf("verify audit: %w", err)
	}
	defer rows.Close()
	rep := AuditReport{OK: true, Head: genesis}
	prev, want := genesis, int64(1)
	for rows.Next() {
		var e AuditEntry
		var prevHash string
		if err := rows.Scan(&e.Seq, &e.At, &e.Actor, &e.Office, &e.Action, &e.Target, &e.Fields, &e.Purpose, &e.Detail, &prevHash, &e.Hash); err != nil {
			return rep, fmt.Errorf("verify audit: %w", err)
		}
		rep.Rows++
		fail := func(why string) {
			if rep.OK {
				rep.OK, rep.Broken, rep.Detail = false, e.Seq, why
			}
		}
		if e.Seq != want {
			fail(fmt.Sprintf("row %d missing (next row is %d)", want, e.Seq))
		}
		if prevHash != prev {
			fail(fmt.Sprintf("row %d does not link to the row before it", e.Seq))
		}
		if auditHash(prevHash, e.Seq, e.At, e.Actor, e.Office, e.Action, e.Target, e.Fields, e.Purpose, e.Detail) != e.Hash {
			fail(fmt.Sprintf("row %d was altered", e.Seq))
		}
		prev, want = e.Hash, e.Seq+1
		rep.Head = e.Hash
	}
	return rep, rows.Err()
}

// AuditHead returns the sequence and hash of the newest audit row: sync sends
// it to the hall, which notices a history rewritten afterwards.
func (s *Station) AuditHead(ctx context.Context) (int64, string, error) {
	var seq int64
	var h string
	err := s.db.QueryRowContext(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&seq, &h)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, genesis, nil
	}
	return seq, h, err
}

// AuditLog lists audit rows, newest first. Reading the log is itself audited.
func (s *Station) AuditLog(ctx context.Context, a Actor, target string, limit int) ([]AuditEntry, error) {
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	out, _, err := s.AuditPage(ctx, a, target, limit, 0)
	return out, err
}

// AuditPage lists up to limit audit rows (at most 1000), newest first, after
// skipping offset, with the number of rows there are. Reading the log is
// itself audited.
func (s *Station) AuditPage(ctx context.Context, a Actor, target string, limit, offset int) ([]AuditEntry, int, error) {
	if err := requireRole(a, RoleHead); err != nil {
		return nil, 0, err
	}
	if limit < 1 || limit > 1000 || offset < 0 {
		return nil, 0, domain.Errorf(domain.EInvalid, "每页条数应为 1 到 1000，起始位置不能为负。", "audit page: limit %d, offset %d out of range", limit, offset)
	}
	where, args := "", []any{}
	if target != "" {
		where, args = ` WHERE target=?`, append(args, target)
	}
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM audit`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("audit log: count: %w", err)
	}
	out, err := s.auditRows(ctx, `SELECT seq,at,actor,office,action,target,fields,purpose,detail,hash FROM audit`+where+
		` ORDER BY seq DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		return s.audit(ctx, tx, a, "audit.view", target, "", "", strings.TrimSpace(fmt.Sprintf("%d rows", len(out))))
	})
	return out, total, err
}

func (s *Station) auditRows(ctx context.Context, q string, args ...any) ([]AuditEntry, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.Seq, &e.At, &e.Actor, &e.Office, &e.Action, &e.Target, &e.Fields, &e.Purpose, &e.Detail, &e.Hash); err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
