package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"yizhan/app"
	"yizhan/domain"
)

// CountStaff returns how many accounts the station has.
func (t *txn) CountStaff() (int, error) {
	n, err := t.count(`SELECT count(*) FROM staff`)
	if err != nil {
		return 0, fmt.Errorf("count staff: %w", err)
	}
	return n, nil
}

// CreateStaff inserts an account; EConflict if the login is taken.
func (t *txn) CreateStaff(r app.StaffRecord) error {
	_, err := t.exec(`INSERT INTO staff(id,login,name,role,password_hash,created_at) VALUES(?,?,?,?,?,?)`,
		r.ID, r.Login, r.Name, r.Role, r.PasswordHash, app.FormatTime(r.CreatedAt))
	if IsConstraint(err) && strings.Contains(err.Error(), "UNIQUE") {
		return domain.Errorf(domain.EConflict, "登录名“"+r.Login+"”已被使用。", "staff: login %q taken", r.Login)
	}
	if err != nil {
		return fmt.Errorf("add staff: %w", err)
	}
	return nil
}

const staffCols = `id,login,name,role,password_hash,failed,locked_until,disabled`

func (t *txn) staffWhere(where string, arg string) (*app.StaffRecord, error) {
	var r app.StaffRecord
	var disabled int
	err := t.queryRow(`SELECT `+staffCols+` FROM staff WHERE `+where, arg).
		Scan(&r.ID, &r.Login, &r.Name, &r.Role, &r.PasswordHash, &r.Failed, &r.LockedUntil, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("staff %s: %w", arg, err)
	}
	r.Disabled = disabled != 0
	return &r, nil
}

// StaffByLogin returns the account with login, or nil.
func (t *txn) StaffByLogin(login string) (*app.StaffRecord, error) {
	return t.staffWhere(`login=?`, login)
}

// StaffByID returns the account with id, or nil.
func (t *txn) StaffByID(id string) (*app.StaffRecord, error) { return t.staffWhere(`id=?`, id) }

// SetSignInFailures records an account's wrong passwords in a row and
// the lock they led to (zero: none).
func (t *txn) SetSignInFailures(id string, failed int, lockedUntil time.Time) error {
	if _, err := t.exec(`UPDATE staff SET failed=?, locked_until=? WHERE id=?`, failed, app.FormatTime(lockedUntil), id); err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	return nil
}

// ListStaff lists the accounts ordered by login, with the lock as stored.
func (t *txn) ListStaff() ([]app.Staff, error) {
	rows, err := t.query(`SELECT id,login,name,role,disabled,locked_until FROM staff ORDER BY login`)
	if err != nil {
		return nil, fmt.Errorf("list staff: %w", err)
	}
	defer rows.Close()
	var out []app.Staff
	for rows.Next() {
		var st app.Staff
		var dis int
		if err := rows.Scan(&st.ID, &st.Login, &st.Name, &st.Role, &dis, &st.LockedUntil); err != nil {
			return nil, fmt.Errorf("list staff: %w", err)
		}
		st.Disabled = dis != 0
		out = append(out, st)
	}
	return out, rows.Err()
}

// UpdateStaff writes the fields of ch that are set.
func (t *txn) UpdateStaff(id string, ch app.StaffChange) error {
	var err error
	if ch.Role != nil && err == nil {
		_, err = t.exec(`UPDATE staff SET role=? WHERE id=?`, *ch.Role, id)
	}
	if ch.PasswordHash != nil && err == nil {
		_, err = t.exec(`UPDATE staff SET password_hash=? WHERE id=?`, *ch.PasswordHash, id)
	}
	if ch.Disabled != nil && err == nil {
		_, err = t.exec(`UPDATE staff SET disabled=? WHERE id=?`, boolInt(*ch.Disabled), id)
	}
	if ch.Unlock && err == nil {
		_, err = t.exec(`UPDATE staff SET failed=0, locked_until='' WHERE id=?`, id)
	}
	if err != nil {
		return fmt.Errorf("update staff: %w", err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
