package hall

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"yizhan/domain"
	"yizhan/internal/passhash"
)

// Role is what a hall console account may do.
type Role string

// The hall's roles. A person needing two roles gets two accounts: approving
// and supervising the approver must stay apart.
const (
	RoleClerk      Role = "clerk"      // 受理员: takes up forwarded cases, asks for corrections, returns
	RoleApprover   Role = "approver"   // 审批员: also approves, refuses, suspends
	RoleSupervisor Role = "supervisor" // 督查: catalog, calendar, stations, bad reviews, statistics
	RoleAdmin      Role = "admin"      // 管理员: what a supervisor does, and accounts
)

// Roles lists the roles in the order the console shows them.
var Roles = []Role{RoleClerk, RoleApprover, RoleSupervisor, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Zh returns the role's Chinese name.
func (r Role) Zh() string {
	switch r {
	case RoleClerk:
		return "受理员"
	case RoleApprover:
		return "审批员"
	case RoleSupervisor:
		return "督查"
	case RoleAdmin:
		return "管理员"
	}
	return string(r)
}

// Permission is one thing the console lets a role do.
type Permission string

// Permissions checked by the console. Reading cases (masked) and the
// registry is open to every role; what changes something is not.
const (
	PermViewCases  Permission = "cases.view"      // inbox, search, detail (masked), statistics
	PermUnmask     Permission = "cases.unmask"    // full personal data, with a purpose
	PermHandle     Permission = "cases.handle"    // take up, correction, return, serial, route
	PermDecide     Permission = "cases.decide"    // approve, refuse, suspend, resume
	PermPublish    Permission = "catalog.publish" // catalog versions and calendars
	PermStations   Permission = "stations.manage" // enrol and revoke
	PermReviews    Permission = "reviews.manage"  // bad-review call-backs
	PermExport     Permission = "stats.export"    // Excel export
	PermAccessLog  Permission = "access.view"     // read the access log
	PermStaffAdmin Permission = "staff.manage"    // accounts
)

var rolePerms = map[Role][]Permission{
	RoleClerk:      {PermViewCases, PermUnmask, PermHandle},
	RoleApprover:   {PermViewCases, PermUnmask, PermHandle, PermDecide},
	RoleSupervisor: {PermViewCases, PermUnmask, PermPublish, PermStations, PermReviews, PermExport, PermAccessLog},
	RoleAdmin:      {PermViewCases, PermUnmask, PermPublish, PermStations, PermReviews, PermExport, PermAccessLog, PermStaffAdmin},
}

// Can reports whether the role has permission p.
func (r Role) Can(p Permission) bool {
	for _, x := range rolePerms[r] {
		if x == p {
			return true
		}
	}
	return false
}

// Permissions returns the role's permissions, for the console to show only
// what the user may do.
func (r Role) Permissions() []Permission { return append([]Permission(nil), rolePerms[r]...) }

// StaffAccount is a hall console account as stored.
type StaffAccount struct {
	Login        string
	Name         string
	Role         Role
	PasswordHash string    // argon2id, PHC string format
	Failed       int       // wrong passwords in a row (shown; never locks)
	LockedUntil  time.Time // set by versions before 0.2 only; an admin's unlock clears it
	Disabled     bool
	CreatedAt    time.Time
	LastLogin    time.Time
}

// Staff is an account as lists show it: no hash.
type Staff struct {
	Login       string       `json:"login"`
	Name        string       `json:"name"`
	Role        Role         `json:"role"`
	RoleZh      string       `json:"role_zh"`
	Disabled    bool         `json:"disabled"`
	LockedUntil *time.Time   `json:"locked_until,omitempty"`
	LastLogin   *time.Time   `json:"last_login,omitempty"`
	Permissions []Permission `json:"permissions"`
}

// Actor returns the account as the actor of commands and access records.
func (s Staff) Actor() Actor { return Actor{ID: s.Login, Name: s.Name} }

func staffOf(a *StaffAccount, now time.Time) Staff {
	st := Staff{Login: a.Login, Name: a.Name, Role: a.Role, RoleZh: a.Role.Zh(), Disabled: a.Disabled,
		Permissions: a.Role.Permissions()}
	if a.LockedUntil.After(now) {
		t := a.LockedUntil
		st.LockedUntil = &t
	}
	if !a.LastLogin.IsZero() {
		t := a.LastLogin
		st.LastLogin = &t
	}
	return st
}

// Session is a signed-in console session. The token itself is only in the
// browser's cookie; the hall keeps its SHA-256.
type Session struct {
	Hash     string
	Login    string
	Created  time.Time
	Expires  time.Time // absolute end, whatever the activity
	LastSeen time.Time // idle sessions end after SessionIdle
}

// dummyPasswordHash is checked against when a login is unknown, so that the
// answer takes as long as for a known one.
var dummyPasswordHash, _ = passhash.Hash(rand.Reader, "yizhan-hall-timing")

func checkNewPassword(pw string) error {
	if utf8.RuneCountInString(pw) < 10 {
		return domain.Errorf(domain.EInvalid, "密码至少 10 位。", "password must be at least 10 characters")
	}
	if len(pw) > MaxPasswordBytes {
		return domain.Errorf(domain.EInvalid, "密码过长。", "password longer than %d bytes", MaxPasswordBytes)
	}
	return nil
}

// AddStaff creates a console account.
func (s *Service) AddStaff(ctx context.Context, login, name string, role Role, password string) (Staff, error) {
	login = normLogin(login)
	if login == "" || len(login) > 32 || strings.ContainsAny(login, " \t.") {
		return Staff{}, domain.Errorf(domain.EInvalid, "登录名须为 1 到 32 位，不含空格和点。", "staff: bad login %q", login)
	}
	if strings.TrimSpace(name) == "" {
		return Staff{}, domain.Errorf(domain.EInvalid, "请填写姓名。", "staff: name required")
	}
	if !role.Valid() {
		return Staff{}, domain.Errorf(domain.EInvalid, "角色须为受理员、审批员、督查或管理员。", "staff: unknown role %q", role)
	}
	if err := checkNewPassword(password); err != nil {
		return Staff{}, err
	}
	hash, err := s.hashNew(ctx, password)
	if err != nil {
		return Staff{}, err
	}
	now := s.Now()
	a := &StaffAccount{Login: login, Name: strings.TrimSpace(name), Role: role, PasswordHash: hash, CreatedAt: now}
	err = s.store.Update(ctx, func(tx Tx) error {
		if err := tx.CreateStaff(a); err != nil {
			return err
		}
		return tx.RecordAccess(&Access{At: now, Actor: actorFrom(ctx).ID, Action: "staff.add", Detail: login + " " + string(role)})
	})
	if err != nil {
		return Staff{}, err
	}
	return staffOf(a, now), nil
}

// ListStaff lists the console accounts.
func (s *Service) ListStaff(ctx context.Context) ([]Staff, error) {
	now := s.Now()
	var out []Staff
	err := s.store.View(ctx, func(tx Tx) error {
		list, err := tx.ListStaff()
		if err != nil {
			return err
		}
		for _, a := range list {
			out = append(out, staffOf(a, now))
		}
		return nil
	})
	return out, err
}

// StaffUpdate changes an account; nil fields stay as they are.
type StaffUpdate struct {
	Name     *string
	Role     *Role
	Password *string
	Disabled *bool
	Unlock   bool
}

// UpdateStaff changes an account. A new password, a new role or disabling
// ends the account's sessions.
func (s *Service) UpdateStaff(ctx context.Context, login string, upd StaffUpdate) (Staff, error) {
	login = normLogin(login)
	var hash string
	if upd.Password != nil {
		if err := checkNewPassword(*upd.Password); err != nil {
			return Staff{}, err
		}
		var err error
		if hash, err = s.hashNew(ctx, *upd.Password); err != nil {
			return Staff{}, err
		}
	}
	if upd.Role != nil && !upd.Role.Valid() {
		return Staff{}, domain.Errorf(domain.EInvalid, "角色不正确。", "staff: unknown role %q", *upd.Role)
	}
	now := s.Now()
	var out Staff
	err := s.store.Update(ctx, func(tx Tx) error {
		a, err := tx.Staff(login)
		if err != nil {
			return err
		}
		var changed []string
		if upd.Name != nil && strings.TrimSpace(*upd.Name) != "" {
			a.Name = strings.TrimSpace(*upd.Name)
			changed = append(changed, "name")
		}
		if upd.Role != nil {
			a.Role = *upd.Role
			changed = append(changed, "role="+string(*upd.Role))
		}
		if hash != "" {
			a.PasswordHash = hash
			changed = append(changed, "password")
		}
		if upd.Disabled != nil {
			a.Disabled = *upd.Disabled
			changed = append(changed, fmt.Sprintf("disabled=%v", *upd.Disabled))
		}
		if upd.Unlock {
			a.Failed, a.LockedUntil = 0, time.Time{}
			changed = append(changed, "unlock")
		}
		if err := tx.UpdateStaff(a); err != nil {
			return err
		}
		if upd.Role != nil || hash != "" || (upd.Disabled != nil && *upd.Disabled) {
			if err := tx.DeleteSessions("", login, time.Time{}); err != nil {
				return err
			}
		}
		out = staffOf(a, now)
		return tx.RecordAccess(&Access{At: now, Actor: actorFrom(ctx).ID, Action: "staff.update",
			Detail: login + " " + strings.Join(changed, ",")})
	})
	return out, err
}

// openSession finishes a sign-in whose password was checked (ok) against
// hash: in one transaction it refuses a disabled account (or one an older
// version locked), records a wrong password on the account, or opens the
// session. A wrong password never locks the account (see signin.go).
func (s *Service) openSession(ctx context.Context, login, hash string, ok bool, now time.Time) (SignInResult, error) {
	bad := domain.Errorf(domain.EUnauthorized, "登录名或密码不正确。", "sign in %q: bad credentials", login)
	raw := make([]byte, 32)
	if _, err := io.ReadFull(s.Rand, raw); err != nil {
		return SignInResult{}, fmt.Errorf("sign in: random: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	var result error
	var st Staff
	err := s.store.Update(ctx, func(tx Tx) error {
		result = nil
		a, err := tx.Staff(login)
		if err != nil {
			return err
		}
		fail := func(detail string, e error) error {
			result = e
			return tx.RecordAccess(&Access{At: now, Actor: login, Action: "console.signin_failed", Detail: detail})
		}
		switch {
		case a.Disabled:
			return fail("disabled", domain.Errorf(domain.EUnauthorized, "该账号已停用，请联系管理员。", "sign in %q: disabled", login))
		case a.LockedUntil.After(now):
			mins := int(a.LockedUntil.Sub(now).Minutes()) + 1
			return fail("locked", domain.Errorf(domain.EUnauthorized,
				fmt.Sprintf("账号已被锁定，请 %d 分钟后再试或联系管理员解锁。", mins), "sign in %q: locked", login))
		case !ok || a.PasswordHash != hash:
			a.Failed++
			if err := tx.UpdateStaff(a); err != nil {
				return err
			}
			return fail("wrong password", bad)
		}
		a.Failed, a.LastLogin = 0, now
		if err := tx.UpdateStaff(a); err != nil {
			return err
		}
		if err := tx.DeleteSessions("", "", now); err != nil {
			return err
		}
		if err := tx.PutSession(&Session{Hash: hashText(token), Login: login, Created: now,
			Expires: now.Add(s.SessionTTL), LastSeen: now}); err != nil {
			return err
		}
		st = staffOf(a, now)
		return tx.RecordAccess(&Access{At: now, Actor: login, Action: "console.signin"})
	})
	if err != nil {
		return SignInResult{}, err
	}
	if result != nil {
		return SignInResult{}, result
	}
	return SignInResult{Token: token, Staff: st}, nil
}

// sessionTouchEvery is how stale a session's last-seen time may get before
// a request writes it: most console requests stay read-only.
const sessionTouchEvery = time.Minute

// SessionStaff returns the account behind a session token, or
// EUnauthorized when the session is unknown, expired, idle for longer than
// SessionIdle, or its account is disabled.
func (s *Service) SessionStaff(ctx context.Context, token string) (Staff, error) {
	unauth := domain.Errorf(domain.EUnauthorized, "登录已过期，请重新登录。", "no valid console session")
	if token == "" {
		return Staff{}, unauth
	}
	hash := hashText(token)
	now := s.Now()
	var sess *Session
	var acct *StaffAccount
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		if sess, err = tx.Session(hash); err != nil {
			return err
		}
		acct, err = tx.Staff(sess.Login)
		return err
	})
	if domain.ErrorCode(err) == domain.ENotFound {
		return Staff{}, unauth
	}
	if err != nil {
		return Staff{}, err
	}
	if subtle.ConstantTimeCompare([]byte(sess.Hash), []byte(hash)) != 1 {
		return Staff{}, unauth
	}
	if !now.Before(sess.Expires) || now.Sub(sess.LastSeen) >= s.SessionIdle || acct.Disabled {
		err := s.store.Update(ctx, func(tx Tx) error { return tx.DeleteSessions(hash, "", time.Time{}) })
		if err != nil {
			return Staff{}, err
		}
		return Staff{}, unauth
	}
	if now.Sub(sess.LastSeen) >= sessionTouchEvery {
		sess.LastSeen = now
		if err := s.store.Update(ctx, func(tx Tx) error { return tx.PutSession(sess) }); err != nil {
			return Staff{}, err
		}
	}
	return staffOf(acct, now), nil
}

// SignOut ends a session.
func (s *Service) SignOut(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	hash := hashText(token)
	now := s.Now()
	return s.store.Update(ctx, func(tx Tx) error {
		sess, err := tx.Session(hash)
		if domain.ErrorCode(err) == domain.ENotFound {
			return nil
		}
		if err != nil {
			return err
		}
		if err := tx.DeleteSessions(hash, "", time.Time{}); err != nil {
			return err
		}
		return tx.RecordAccess(&Access{At: now, Actor: sess.Login, Action: "console.signout"})
	})
}
