package sqlite

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"yizhan/domain"
	"yizhan/hall"
)

// FindAccess lists access log lines, newest first.
func (t *txn) FindAccess(f hall.AccessFilter) ([]*hall.Access, error) {
	where := []string{"1=1"}
	var args []any
	if f.Actor != "" {
		where, args = append(where, "actor=?"), append(args, f.Actor)
	}
	if f.CaseID != "" {
		where, args = append(where, "case_id=?"), append(args, f.CaseID)
	}
	if a, ok := strings.CutSuffix(f.Action, "."); ok {
		where, args = append(where, "substr(action, 1, ?)=?"), append(args, len(a)+1, a+".")
	} else if f.Action != "" {
		where, args = append(where, "action=?"), append(args, f.Action)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	rows, err := t.query(`SELECT at,actor,action,case_id,detail FROM access_log WHERE `+strings.Join(where, " AND ")+
		` ORDER BY id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("access log: %w", err)
	}
	defer rows.Close()
	var out []*hall.Access
	for rows.Next() {
		var a hall.Access
		var at string
		if err := rows.Scan(&at, &a.Actor, &a.Action, &a.CaseID, &a.Detail); err != nil {
			return nil, fmt.Errorf("access log: %w", err)
		}
		if a.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("access log: %w", err)
		}
		out = append(out, &a)
	}
	return out, rows.Err()
}

const staffCols = `login,name,role,password_hash,failed,locked_until,disabled,created_at,last_login`

func scanStaff(sc interface{ Scan(...any) error }) (*hall.StaffAccount, error) {
	var a hall.StaffAccount
	var role, locked, created, last string
	var disabled int
	if err := sc.Scan(&a.Login, &a.Name, &role, &a.PasswordHash, &a.Failed, &locked, &disabled, &created, &last); err != nil {
		return nil, err
	}
	a.Role, a.Disabled = hall.Role(role), disabled != 0
	var err error
	for _, p := range []struct {
		dst *time.Time
		v   string
	}{{&a.LockedUntil, locked}, {&a.CreatedAt, created}, {&a.LastLogin, last}} {
		if *p.dst, err = parseTime(p.v); err != nil {
			return nil, fmt.Errorf("staff %s: %w", a.Login, err)
		}
	}
	return &a, nil
}

// CreateStaff inserts a console account.
func (t *txn) CreateStaff(a *hall.StaffAccount) error {
	_, err := t.exec(`INSERT INTO staff(`+staffCols+`) VALUES(?,?,?,?,?,?,?,?,?)`, a.Login, a.Name, string(a.Role),
		a.PasswordHash, a.Failed, fmtTime(a.LockedUntil), boolInt(a.Disabled), fmtTime(a.CreatedAt), fmtTime(a.LastLogin))
	if isUnique(err) {
		return domain.Errorf(domain.EConflict, "登录名“"+a.Login+"”已被使用。", "staff %s exists", a.Login)
	}
	if err != nil {
		return fmt.Errorf("create staff %s: %w", a.Login, err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func notFoundStaff(login string) error {
	return domain.Errorf(domain.ENotFound, "找不到账号 "+login+"。", "staff %s not found", login)
}

// Staff returns one account. The single writer already serialises updates.
func (t *txn) Staff(login string) (*hall.StaffAccount, error) {
	a, err := scanStaff(t.row(`SELECT `+staffCols+` FROM staff WHERE login=?`, login))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFoundStaff(login)
	}
	if err != nil {
		return nil, fmt.Errorf("staff %s: %w", login, err)
	}
	return a, nil
}

// UpdateStaff writes an account.
func (t *txn) UpdateStaff(a *hall.StaffAccount) error {
	res, err := t.exec(`UPDATE staff SET name=?,role=?,password_hash=?,failed=?,locked_until=?,disabled=?,last_login=? WHERE login=?`,
		a.Name, string(a.Role), a.PasswordHash, a.Failed, fmtTime(a.LockedUntil), boolInt(a.Disabled), fmtTime(a.LastLogin), a.Login)
	if err != nil {
		return fmt.Errorf("update staff %s: %w", a.Login, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
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
	defer rows.Close()
	var out []*hall.StaffAccount
	for rows.Next() {
		a, err := scanStaff(rows)
		if err != nil {
			return nil, fmt.Errorf("list staff: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// PutSession inserts or replaces a session.
func (t *txn) PutSession(s *hall.Session) error {
	_, err := t.exec(`INSERT INTO console_sessions(token_hash,login,created_at,expires_at,last_seen) VALUES(?,?,?,?,?)
		ON CONFLICT(token_hash) DO UPDATE SET login=excluded.login, expires_at=excluded.expires_at, last_seen=excluded.last_seen`,
		s.Hash, s.Login, fmtTime(s.Created), fmtTime(s.Expires), fmtTime(s.LastSeen))
	if err != nil {
		return fmt.Errorf("put session: %w", err)
	}
	return nil
}

// Session returns a session by token hash.
func (t *txn) Session(hash string) (*hall.Session, error) {
	var s hall.Session
	var c, e, l string
	err := t.row(`SELECT token_hash,login,created_at,expires_at,last_seen FROM console_sessions WHERE token_hash=?`, hash).
		Scan(&s.Hash, &s.Login, &c, &e, &l)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENotFound, "会话不存在。", "session not found")
	}
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	for _, p := range []struct {
		dst *time.Time
		v   string
	}{{&s.Created, c}, {&s.Expires, e}, {&s.LastSeen, l}} {
		if *p.dst, err = parseTime(p.v); err != nil {
			return nil, fmt.Errorf("session: %w", err)
		}
	}
	return &s, nil
}

// DeleteSessions removes one session, a login's sessions, or expired ones.
func (t *txn) DeleteSessions(hash, login string, now time.Time) error {
	var err error
	switch {
	case hash != "":
		_, err = t.exec(`DELETE FROM console_sessions WHERE token_hash=?`, hash)
	case login != "":
		_, err = t.exec(`DELETE FROM console_sessions WHERE login=?`, login)
	default:
		_, err = t.exec(`DELETE FROM console_sessions WHERE expires_at < ?`, fmtTime(now))
	}
	if err != nil {
		return fmt.Errorf("delete sessions: %w", err)
	}
	return nil
}

// PutCallback inserts or replaces a bad review's call-back.
func (t *txn) PutCallback(cb *hall.Callback) error {
	_, err := t.exec(`INSERT INTO review_callbacks(case_id,status,callback,result,fix_by,called_at,recorded_by,updated_at)
		VALUES(?,?,?,?,?,?,?,?) ON CONFLICT(case_id) DO UPDATE SET status=excluded.status, callback=excluded.callback,
		result=excluded.result, fix_by=excluded.fix_by, called_at=excluded.called_at, recorded_by=excluded.recorded_by,
		updated_at=excluded.updated_at`, cb.CaseID, cb.Status, cb.Callback, cb.Result, cb.FixBy, fmtTime(cb.CalledAt),
		cb.RecordedBy, fmtTime(cb.UpdatedAt))
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
		q += ` WHERE case_id IN (SELECT value FROM json_each(?))`
		ids, err := jsonList(caseIDs)
		if err != nil {
			return nil, err
		}
		args = append(args, ids)
	}
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("callbacks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var cb hall.Callback
		var called, updated string
		if err := rows.Scan(&cb.CaseID, &cb.Status, &cb.Callback, &cb.Result, &cb.FixBy, &called, &cb.RecordedBy, &updated); err != nil {
			return nil, fmt.Errorf("callbacks: %w", err)
		}
		if cb.CalledAt, err = parseTime(called); err != nil {
			return nil, fmt.Errorf("callbacks: %w", err)
		}
		if cb.UpdatedAt, err = parseTime(updated); err != nil {
			return nil, fmt.Errorf("callbacks: %w", err)
		}
		out[cb.CaseID] = &cb
	}
	return out, rows.Err()
}

// jsonList encodes a list for json_each: one bound parameter, however long.
func jsonList(v []string) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode list: %w", err)
	}
	return string(b), nil
}
