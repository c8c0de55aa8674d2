package postgres

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"yizhan/domain"
	"yizhan/hall"
)

// FindAccess lists access log lines, newest first.
func (t *txn) FindAccess(f hall.AccessFilter) ([]*hall.Access, error) {
	where := []string{"true"}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Actor != "" {
		where = append(where, "actor="+arg(f.Actor))
	}
	if f.CaseID != "" {
		where = append(where, "case_id="+arg(f.CaseID))
	}
	if a, ok := strings.CutSuffix(f.Action, "."); ok {
		where = append(where, "starts_with(action, "+arg(a+".")+")")
	} else if f.Action != "" {
		where = append(where, "action="+arg(f.Action))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	rows, err := t.query(`SELECT at,actor,action,case_id,detail FROM access_log WHERE `+strings.Join(where, " AND ")+
		` ORDER BY id DESC LIMIT `+arg(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("access log: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*hall.Access, error) {
		var a hall.Access
		err := r.Scan(&a.At, &a.Actor, &a.Action, &a.CaseID, &a.Detail)
		a.At = a.At.UTC()
		return &a, err
	})
	if err != nil {
		return nil, fmt.Errorf("access log: %w", err)
	}
	return out, nil
}

const staffCols = `login,name,role,password_hash,failed,locked_until,disabled,created_at,last_login`

func scanStaff(sc pgx.Row) (*hall.StaffAccount, error) {
	var a hall.StaffAccount
	var role string
	var locked, last *time.Time
	if err := sc.Scan(&a.Login, &a.Name, &role, &a.PasswordHash, &a.Failed, &locked, &a.Disabled, &a.CreatedAt, &last); err != nil {
		return nil, err
	}
	a.Role, a.LockedUntil, a.LastLogin, a.CreatedAt = hall.Role(role), timeOf(locked), timeOf(last), a.CreatedAt.UTC()
	return &a, nil
}

// CreateStaff inserts a console account.
func (t *txn) CreateStaff(a *hall.StaffAccount) error {
	tag, err := t.exec(`INSERT INTO staff(`+staffCols+`) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (login) DO NOTHING`,
		a.Login, a.Name, string(a.Role), a.PasswordHash, a.Failed, nullTime(a.LockedUntil), a.Disabled, a.CreatedAt,
		nullTime(a.LastLogin))
	if err != nil {
		return fmt.Errorf("create staff %s: %w", a.Login, err)
	}
	if tag.RowsAffected() == 0 {
		return domain.Errorf(domain.EConflict, "登录名“"+a.Login+"”已被使用。", "staff %s exists", a.Login)
	}
	return nil
}

func notFoundStaff(login string) error {
	return domain.Errorf(domain.ENotFound, "找不到账号 "+login+"。", "staff %s not found", login)
}

// Staff returns one account. In an Update it locks the row (FOR UPDATE), so
// two hall processes counting failed sign-ins of one account count both.
func (t *txn) Staff(login string) (*hall.StaffAccount, error) {
	q := `SELECT ` + staffCols + ` FROM staff WHERE login=$1`
	if !t.readOnly {
		q += ` FOR UPDATE`
	}
	a, err := scanStaff(t.row(q, login))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFoundStaff(login)
	}
	if err != nil {
		return nil, fmt.Errorf("staff %s: %w", login, err)
	}
	return a, nil
}

// UpdateStaff writes an account.
func (t *txn) UpdateStaff(a *hall.StaffAccount) error {
	tag, err := t.exec(`UPDATE staff SET name=$1,role=$2,password_hash=$3,failed=$4,locked_until=$5,disabled=$6,last_login=$7
		WHERE login=$8`, a.Name, string(a.Role), a.PasswordHash, a.Failed, nullTime(a.LockedUntil), a.Disabled,
		nullTime(a.LastLogin), a.Login)
	if err != nil {
		return fmt.Errorf("update staff %s: %w", a.Login, err)
	}
	if tag.RowsAffected() == 0 {
		return notFoundStaff(a.Login)
	}
	return nil
}

// ListStaff lists the accounts by login.
func (t *txn) ListStaff() ([]*hall.StaffAccount, error) {
	rows, err := t.query(`SELECT ` + staffCols + ` FROM staff ORDER BY login`)
	if err != nil {
		return nil, fmt.Errorf("list staff: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*hall.StaffAccount, error) { return scanStaff(r) })
	if err != nil {
		return nil, fmt.Errorf("list staff: %w", err)
	}
	return out, nil
}

// PutSession inserts or replaces a session.
func (t *txn) PutSession(s *hall.Session) error {
	_, err := t.exec(`INSERT INTO console_sessions(token_hash,login,created_at,expires_at,last_seen) VALUES($1,$2,$3,$4,$5)
		ON CONFLICT (token_hash) DO UPDATE SET login=excluded.login, expires_at=excluded.expires_at, last_seen=excluded.last_seen`,
		s.Hash, s.Login, s.Created, s.Expires, s.LastSeen)
	if err != nil {
		return fmt.Errorf("put session: %w", err)
	}
	return nil
}

// Session returns a session by token hash.
func (t *txn) Session(hash string) (*hall.Session, error) {
	var s hall.Session
	err := t.row(`SELECT token_hash,login,created_at,expires_at,last_seen FROM console_sessions WHERE token_hash=$1`, hash).
		Scan(&s.Hash, &s.Login, &s.Created, &s.Expires, &s.LastSeen)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.Errorf(domain.ENotFound, "会话不存在。", "session not found")
	}
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	s.Created, s.Expires, s.LastSeen = s.Created.UTC(), s.Expires.UTC(), s.LastSeen.UTC()
	return &s, nil
}

// DeleteSessions removes one session, a login's sessions, or expired ones.
func (t *txn) DeleteSessions(hash, login string, now time.Time) error {
	var err error
	switch {
	case hash != "":
		_, err = t.exec(`DELETE FROM console_sessions WHERE token_hash=$1`, hash)
	case login != "":
		_, err = t.exec(`DELETE FROM console_sessions WHERE login=$1`, login)
	default:
		_, err = t.exec(`DELETE FROM console_sessions WHERE expires_at < $1`, now)
	}
	if err != nil {
		return fmt.Errorf("delete sessions: %w", err)
	}
	return nil
}

// PutCallback inserts or replaces a bad review's call-back.
func (t *txn) PutCallback(cb *hall.Callback) error {
	_, err := t.exec(`INSERT INTO review_callbacks(case_id,status,callback,result,fix_by,called_at,recorded_by,updated_at)
		VALUES($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (case_id) DO UPDATE SET status=excluded.status, callback=excluded.callback,
		result=excluded.result, fix_by=excluded.fix_by, called_at=excluded.called_at, recorded_by=excluded.recorded_by,
		updated_at=excluded.updated_at`, cb.CaseID, cb.Status, cb.Callback, cb.Result, cb.FixBy, cb.CalledAt, cb.RecordedBy,
		cb.UpdatedAt)
	if err != nil {
		return fmt.Errorf("put callback %s: %w", cb.CaseID, err)
	}
	return nil
}

// Callbacks returns the call-backs of the given cases, or all.
func (t *txn) Callbacks(caseIDs []string) (map[string]*hall.Callback, error) {
	out := map[string]*hall.Callback{}
	if caseIDs != nil && len(caseIDs) == 0 {
		return out, nil
	}
	q := `SELECT case_id,status,callback,result,fix_by,called_at,recorded_by,updated_at FROM review_callbacks`
	var args []any
	if caseIDs != nil {
		q += ` WHERE case_id = ANY($1)`
		args = append(args, caseIDs)
	}
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("callbacks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var cb hall.Callback
		if err := rows.Scan(&cb.CaseID, &cb.Status, &cb.Callback, &cb.Result, &cb.FixBy, &cb.CalledAt, &cb.RecordedBy, &cb.UpdatedAt); err != nil {
			return nil, fmt.Errorf("callbacks: %w", err)
		}
		cb.CalledAt, cb.UpdatedAt = cb.CalledAt.UTC(), cb.UpdatedAt.UTC()
		out[cb.CaseID] = &cb
	}
	return out, rows.Err()
}
