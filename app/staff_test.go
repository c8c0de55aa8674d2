package app_test

import (
	"strings"
	"testing"
	"time"

	"yizhan/app"
	"yizhan/domain"
)

func TestAddStaff(t *testing.T) {
	s := MustOpenStation(t)

	t.Run("OK/Argon2id", func(t *testing.T) {
		st, err := s.AddStaff(ctx, s.Head, " Zhao ", "赵窗口", app.RoleClerk, "clerk-password-1")
		if err != nil {
			t.Fatal(err)
		}
		if st.Login != "zhao" {
			t.Fatalf("got login %q, want it trimmed and lower-case", st.Login)
		}
		rows, err := s.DB.QueryContext(ctx, `SELECT login, password_hash FROM staff`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		hashes := map[string]bool{}
		for rows.Next() {
			var login, hash string
			rows.Scan(&login, &hash)
			if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
				t.Errorf("%s: got hash %q, want argon2id", login, hash)
			}
			if strings.Contains(hash, "password") {
				t.Errorf("%s: the hash contains the password", login)
			}
			if hashes[hash] {
				t.Errorf("two accounts with the same password share a hash: no salt")
			}
			hashes[hash] = true
		}
		if len(hashes) != 3 {
			t.Fatalf("got %d accounts, want 3", len(hashes))
		}
	})

	for _, tt := range []struct {
		name                  string
		actor                 app.Actor
		login, role, password string
		want                  string
	}{
		{"ErrOnlyHead", s.Clerk, "sun", app.RoleClerk, "long-enough-1", domain.EForbidden},
		{"ErrNotSignedIn", app.Actor{}, "sun", app.RoleClerk, "long-enough-1", domain.EForbidden},
		{"ErrPasswordTooShort", s.Head, "sun", app.RoleClerk, "short", domain.EInvalid},
		{"ErrLoginWithSpace", s.Head, "sun wu", app.RoleClerk, "long-enough-1", domain.EInvalid},
		{"ErrLoginEmpty", s.Head, " ", app.RoleClerk, "long-enough-1", domain.EInvalid},
		{"ErrRole", s.Head, "sun", "mayor", "long-enough-1", domain.EInvalid},
		{"ErrLoginTaken", s.Head, "LI", app.RoleClerk, "long-enough-1", domain.EConflict},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := count(t, s, `SELECT count(*) FROM staff`)
			_, err := s.AddStaff(ctx, tt.actor, tt.login, "孙悟空", tt.role, tt.password)
			wantCode(t, err, tt.want)
			if after := count(t, s, `SELECT count(*) FROM staff`); after != before {
				t.Fatalf("a refused AddStaff added an account")
			}
		})
	}

	t.Run("OK/HeadAddsHelper", func(t *testing.T) {
		if _, err := s.AddStaff(ctx, s.Head, "helper1", "帮办员", app.RoleHelper, "helper-password-1"); err != nil {
			t.Fatal(err)
		}
		if got := lastAudit(t, s, 1); got[0] != "staff.add" {
			t.Fatalf("got audit %v, want staff.add", got)
		}
	})
}

func TestSignIn(t *testing.T) {
	s := MustOpenStation(t)

	t.Run("OK", func(t *testing.T) {
		st, err := s.SignIn(ctx, "LI", "clerk-password-1")
		if err != nil {
			t.Fatal(err)
		}
		if st.ID != s.Clerk.ID || st.Role != app.RoleClerk {
			t.Fatalf("got %+v, want the clerk", st)
		}
	})

	t.Run("ErrUnknownLoginLooksLikeWrongPassword", func(t *testing.T) {
		_, errUnknown := s.SignIn(ctx, "nobody", "clerk-password-1")
		_, errWrong := s.SignIn(ctx, "li", "wrong-password")
		wantCode(t, errUnknown, domain.EUnauthorized)
		wantCode(t, errWrong, domain.EUnauthorized)
		if domain.ZhMessage(errUnknown) != domain.ZhMessage(errWrong) {
			t.Fatalf("got %q and %q: an unknown login must read like a wrong password", domain.ZhMessage(errUnknown), domain.ZhMessage(errWrong))
		}
		if _, err := s.SignIn(ctx, "li", "clerk-password-1"); err != nil {
			t.Fatalf("a success resets the count: %v", err)
		}
	})

	t.Run("SuccessResetsCount", func(t *testing.T) {
		for round := 0; round < 3; round++ {
			for i := 0; i < 4; i++ {
				s.SignIn(ctx, "li", "wrong-password")
			}
			if _, err := s.SignIn(ctx, "li", "clerk-password-1"); err != nil {
				t.Fatalf("round %d: four wrong passwords locked the account: %v", round, err)
			}
		}
	})

	t.Run("Lockout", func(t *testing.T) {
		for i := 1; i <= 5; i++ {
			_, err := s.SignIn(ctx, "li", "wrong-password")
			wantCode(t, err, domain.EUnauthorized)
			if i == 5 && !strings.Contains(domain.ZhMessage(err), "锁定") {
				t.Fatalf("fifth wrong password: got %q, want the account locked", domain.ZhMessage(err))
			}
		}
		s.Clock.Add(14 * time.Minute)
		_, err := s.SignIn(ctx, "li", "clerk-password-1")
		wantCode(t, err, domain.EUnauthorized)
		if !strings.Contains(domain.ZhMessage(err), "锁定") {
			t.Fatalf("right password while locked: got %q, want a lockout message", domain.ZhMessage(err))
		}
		list, err := s.ListStaff(ctx, s.Head)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range list {
			if (st.Login == "li") != (st.LockedUntil != "") {
				t.Fatalf("got %s locked until %q", st.Login, st.LockedUntil)
			}
		}
		s.Clock.Add(time.Minute + time.Second)
		if _, err := s.SignIn(ctx, "li", "clerk-password-1"); err != nil {
			t.Fatalf("after the lockout: got %v, want signed in", err)
		}
	})

	t.Run("HeadUnlocks", func(t *testing.T) {
		for i := 0; i < 5; i++ {
			s.SignIn(ctx, "li", "wrong-password")
		}
		wantCode(t, s.UpdateStaff(ctx, s.Clerk, s.Clerk.ID, nil, nil, nil, true), domain.EForbidden)
		if err := s.UpdateStaff(ctx, s.Head, s.Clerk.ID, nil, nil, nil, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SignIn(ctx, "li", "clerk-password-1"); err != nil {
			t.Fatalf("after unlock: %v", err)
		}
	})

	t.Run("OwnPassword", func(t *testing.T) {
		pw := "a-new-password-2"
		if err := s.UpdateStaff(ctx, s.Clerk, s.Clerk.ID, nil, &pw, nil, false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SignIn(ctx, "li", "clerk-password-1"); err == nil {
			t.Fatal("the old password still works")
		}
		if _, err := s.SignIn(ctx, "li", pw); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.UpdateStaff(ctx, s.Clerk, s.Head.ID, nil, &pw, nil, false), domain.EForbidden)
		role := app.RoleHead
		wantCode(t, s.UpdateStaff(ctx, s.Clerk, s.Clerk.ID, &role, nil, nil, false), domain.EForbidden)
	})

	t.Run("ErrDisabled", func(t *testing.T) {
		yes := true
		if err := s.UpdateStaff(ctx, s.Head, s.Clerk.ID, nil, nil, &yes, false); err != nil {
			t.Fatal(err)
		}
		_, err := s.SignIn(ctx, "li", "a-new-password-2")
		wantCode(t, err, domain.EUnauthorized)
		if !strings.Contains(domain.ZhMessage(err), "停用") {
			t.Fatalf("got %q, want a disabled-account message", domain.ZhMessage(err))
		}
	})

	t.Run("Audited", func(t *testing.T) {
		if got := count(t, s, `SELECT count(*) FROM audit WHERE action='staff.signin_failed'`); got < 10 {
			t.Fatalf("got %d failed sign-ins audited, want every one", got)
		}
	})
}
