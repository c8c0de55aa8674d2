package app

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"yizhan/domain"
	"yizhan/internal/passhash"
)

// Staff roles on a station.
const (
	RoleClerk  = "clerk"  // 窗口人员
	RoleHead   = "head"   // 站长: manages staff, sees the audit log
	RoleHelper = "helper" // 帮办代办员
)

// Staff is a station account.
type Staff struct {
	ID          string `json:"id"`
	Login       string `json:"login"`
	Name        string `json:"name"`
	Role        string `json:"role"`
	Disabled    bool   `json:"disabled"`
	LockedUntil string `json:"locked_until,omitempty"`
}

// StaffRecord is an account as the store keeps it: what Staff shows, and
// what signing in checks.
type StaffRecord struct {
	Staff
	PasswordHash string
	Failed       int // wrong passwords in a row
	CreatedAt    time.Time
}

// StaffChange is an edit of an account: the fields set are written.
type StaffChange struct {
	Role         *string
	PasswordHash *string
	Disabled     *bool
	Unlock       bool // clear the wrong-password count and the lock
}

// Actor returns the staff member as an actor.
func (st Staff) Actor() Actor { return Actor{ID: st.ID, Login: st.Login, Name: st.Name, Role: st.Role} }

// hashPassword hashes a new password. crypto/rand.Reader does not fail
// (the runtime stops the program first), so neither does this.
func hashPassword(pw string) string {
	h, _ := passhash.Hash(rand.Reader, pw)
	return h
}

func validPassword(pw string) error {
	if utf8.RuneCountInString(pw) < 8 {
		return domain.Errorf(domain.EInvalid, "密码至少 8 位。", "password must be at least 8 characters")
	}
	return nil
}

// AddStaff creates an account. The first account of a station may be created
// by the system (at init); after that only a station head may add staff.
func (s *Station) AddStaff(ctx context.Context, a Actor, login, name, role, password string) (Staff, error) {
	login = strings.TrimSpace(strings.ToLower(login))
	if login == "" || len(login) > 32 || strings.ContainsAny(login, " \t") {
		return Staff{}, domain.Errorf(domain.EInvalid, "登录名须为 1 到 32 位，不含空格。", "staff: bad login %q", login)
	}
	if strings.TrimSpace(name) == "" {
		return Staff{}, domain.Errorf(domain.EInvalid, "请填写姓名。", "staff: name required")
	}
	switch role {
	case RoleClerk, RoleHead, RoleHelper:
	default:
		return Staff{}, domain.Errorf(domain.EInvalid, "角色须为窗口人员、站长或帮办代办员。", "staff: unknown role %q", role)
	}
	if err := validPassword(password); err != nil {
		return Staff{}, err
	}
	st := Staff{ID: s.NewID(), Login: login, Name: strings.TrimSpace(name), Role: role}
	err := s.update(ctx, func(tx Tx) error {
		n, err := tx.CountStaff()
		if err != nil {
			return err
		}
		if n > 0 {
			if err := requireRole(a, RoleHead); err != nil {
				return err
			}
		}
		if err := tx.CreateStaff(StaffRecord{Staff: st, PasswordHash: hashPassword(password), CreatedAt: s.now()}); err != nil {
			return err
		}
		return s.audit(tx, a, "staff.add", st.ID, "", "", login+" "+role)
	})
	return st, err
}

// SignIn checks a password. After MaxFailedLogins wrong passwords in a row the
// account is locked for LockoutDuration, whatever password comes next, so a
// shared counter PC cannot be used to guess a colleague's password.
func (s *Station) SignIn(ctx context.Context, login, password string) (Staff, error) {
	login = strings.TrimSpace(strings.ToLower(login))
	var st Staff
	bad := domain.Errorf(domain.EUnauthorized, "登录名或密码不正确。", "sign in %q: bad credentials", login)
	var result error
	err := s.update(ctx, func(tx Tx) error {
		rec, err := tx.StaffByLogin(login)
		if err != nil {
			return fmt.Errorf("sign in: %w", err)
		}
		if rec == nil {
			// Hash anyway so that timing does not reveal which logins exist.
			passhash.Check(dummyHash, password)
			result = bad
			return s.audit(tx, System, "staff.signin_failed", login, "", "", "unknown login")
		}
		st = rec.Staff
		st.Disabled = false
		hash, failed := rec.PasswordHash, rec.Failed
		now := s.now()
		if rec.Disabled {
			result = domain.Errorf(domain.EUnauthorized, "该账号已停用，请联系站长。", "sign in %q: disabled", login)
			return s.audit(tx, st.Actor(), "staff.signin_failed", st.ID, "", "", "disabled")
		}
		if until, _ := ParseTime(st.LockedUntil); until.After(now) {
			mins := int(until.Sub(now).Minutes()) + 1
			result = domain.Errorf(domain.EUnauthorized, fmt.Sprintf("密码错误次数过多，账号已锁定，请 %d 分钟后再试或联系站长解锁。", mins), "sign in %q: locked until %s", login, st.LockedUntil)
			return s.audit(tx, st.Actor(), "staff.signin_failed", st.ID, "", "", "locked")
		}
		if !passhash.Check(hash, password) {
			failed++
			var locked time.Time
			if failed >= s.cfg.MaxFailedLogins {
				locked = now.Add(s.cfg.LockoutDuration)
				failed = 0
				result = domain.Errorf(domain.EUnauthorized, "密码连续错误次数过多，账号已锁定。", "sign in %q: locked", login)
			} else {
				result = bad
			}
			if err := tx.SetSignInFailures(st.ID, failed, locked); err != nil {
				return err
			}
			return s.audit(tx, st.Actor(), "staff.signin_failed", st.ID, "", "", fmt.Sprintf("wrong password, locked=%v", !locked.IsZero()))
		}
		if err := tx.SetSignInFailures(st.ID, 0, time.Time{}); err != nil {
			return err
		}
		st.LockedUntil = ""
		return s.audit(tx, st.Actor(), "staff.signin", st.ID, "", "", "")
	})
	if err != nil {
		return Staff{}, err
	}
	if result != nil {
		return Staff{}, result
	}
	return st, nil
}

var dummyHash = hashPassword("yizhan-timing-equaliser")

// ListStaff lists the station's accounts.
func (s *Station) ListStaff(ctx context.Context, a Actor) ([]Staff, error) {
	var out []Staff
	err := s.view(ctx, func(tx Tx) error {
		var err error
		out, err = tx.ListStaff()
		return err
	})
	if err != nil {
		return nil, err
	}
	now := s.now()
	for i := range out {
		if t, _ := ParseTime(out[i].LockedUntil); !t.After(now) {
			out[i].LockedUntil = ""
		}
	}
	return out, nil
}

// UpdateStaff changes role, password, disabled flag or unlocks; head only
// (anyone may change their own password).
func (s *Station) UpdateStaff(ctx context.Context, a Actor, id string, role *string, password *string, disabled *bool, unlock bool) error {
	self := a.ID == id && role == nil && disabled == nil && !unlock
	if !self {
		if err := requireRole(a, RoleHead); err != nil {
			return err
		}
	}
	return s.update(ctx, func(tx Tx) error {
		if rec, err := tx.StaffByID(id); err != nil || rec == nil {
			return domain.Errorf(domain.ENotFound, "找不到该账号。", "staff %s not found", id)
		}
		var ch StaffChange
		var changed []string
		if role != nil {
			switch *role {
			case RoleClerk, RoleHead, RoleHelper:
			default:
				return domain.Errorf(domain.EInvalid, "角色不正确。", "staff: unknown role %q", *role)
			}
			ch.Role = role
			changed = append(changed, "role")
		}
		if password != nil {
			if err := validPassword(*password); err != nil {
				return err
			}
			h := hashPassword(*password)
			ch.PasswordHash = &h
			changed = append(changed, "password")
		}
		if disabled != nil {
			ch.Disabled = disabled
			changed = append(changed, "disabled")
		}
		if unlock {
			ch.Unlock = true
			changed = append(changed, "unlock")
		}
		if err := tx.UpdateStaff(id, ch); err != nil {
			return err
		}
		return s.audit(tx, a, "staff.update", id, strings.Join(changed, ","), "", "")
	})
}

func requireRole(a Actor, roles ...string) error {
	for _, r := range roles {
		if a.Role == r {
			return nil
		}
	}
	if a.Role == "system" {
		return nil
	}
	return domain.Errorf(domain.EForbidden, "您没有权限执行此操作，请由站长办理。", "actor %s (%s) lacks role %v", a.Login, a.Role, roles)
}

func requireStaff(a Actor) error {
	if a.ID == "" || a.Login == "" {
		return domain.Errorf(domain.EUnauthorized, "请先登录。", "no signed-in staff")
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
