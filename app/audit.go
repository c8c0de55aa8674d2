package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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
func (s *Station) audit(tx Tx, a Actor, action, target, fields, purpose, detail string) error {
	seq, prev, err := tx.LastAudit()
	if err != nil {
		return err
	}
	if seq == 0 {
		prev = genesis
	}
	seq++
	at := FormatTime(s.now())
	office := s.officeOrLocal()
	return tx.AppendAudit(AuditRecord{AuditEntry: AuditEntry{Seq: seq, At: at, Actor: a.Login, Office: office, Action: action,
		Target: target, Fields: fields, Purpose: purpose, Detail: detail,
		Hash: auditHash(prev, seq, at, a.Login, office, action, target, fields, purpose, detail)}, PrevHash: prev})
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

// AuditRecord is an audit row as the store keeps it: the entry and the
// hash of the row before it, which the entry's hash covers.
type AuditRecord struct {
	AuditEntry
	PrevHash string
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
	rep := AuditReport{OK: true, Head: genesis}
	prev, want := genesis, int64(1)
	err := s.view(ctx, func(tx Tx) error {
		return tx.WalkAudit(func(e AuditRecord) error {
			rep.Rows++
			fail := func(why string) {
				if rep.OK {
					rep.OK, rep.Broken, rep.Detail = false, e.Seq, why
				}
			}
			if e.Seq != want {
				fail(fmt.Sprintf("row %d missing (next row is %d)", want, e.Seq))
			}
			if e.PrevHash != prev {
				fail(fmt.Sprintf("row %d does not link to the row before it", e.Seq))
			}
			if auditHash(e.PrevHash, e.Seq, e.At, e.Actor, e.Office, e.Action, e.Target, e.Fields, e.Purpose, e.Detail) != e.Hash {
				fail(fmt.Sprintf("row %d was altered", e.Seq))
			}
			prev, want = e.Hash, e.Seq+1
			rep.Head = e.Hash
			return nil
		})
	})
	if err != nil {
		return rep, fmt.Errorf("verify audit: %w", err)
	}
	return rep, nil
}

// AuditHead returns the sequence and hash of the newest audit row: sync sends
// it to the hall, which notices a history rewritten afterwards.
func (s *Station) AuditHead(ctx context.Context) (int64, string, error) {
	var seq int64
	var h string
	err := s.view(ctx, func(tx Tx) error {
		var err error
		seq, h, err = tx.LastAudit()
		return err
	})
	if err == nil && seq == 0 {
		h = genesis
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
	var out []AuditEntry
	var total int
	err := s.view(ctx, func(tx Tx) error {
		var err error
		out, total, err = tx.AuditPage(target, limit, offset)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	err = s.update(ctx, func(tx Tx) error {
		return s.audit(tx, a, "audit.view", target, "", "", strings.TrimSpace(fmt.Sprintf("%d rows", len(out))))
	})
	return out, total, err
}
