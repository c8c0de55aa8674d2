package hall

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"runtime"
	"strings"
	"sync"
	"time"

	"yizhan/domain"
	"yizhan/internal/passhash"
)

// Console sign-in, as anyone on the network sees it. Wrong passwords never
// lock an account — a lock is what a stranger wants — they slow the next
// try instead: per login, per client address and per browser, each after
// a few free failures, with waits that double up to a cap. A browser where
// a member signed in before carries a signed device token (a cookie) and
// is judged on its own record only, so strangers guessing at a login
// cannot keep its owner out. Attempts that must wait are refused before the
// password is hashed and write nothing to the database; only failures on
// real accounts are recorded there. Password hashing (argon2id, 19 MiB a
// time) runs a few at a time, so a crowd of sign-ins cannot exhaust the
// hall's memory.

// Codes of the sign-in refusals beyond the domain's.
const (
	// CodeSlowDown: too many wrong passwords; try again after RetryAfter
	// (HTTP 429).
	CodeSlowDown = "slow_down"
	// CodeBusy: too many sign-ins at once; try again shortly (HTTP 503).
	CodeBusy = "busy"
)

// MaxLoginBytes and MaxPasswordBytes bound what a sign-in may send; longer
// is refused before any work (accounts' logins are at most 32 characters).
const (
	MaxLoginBytes    = 64
	MaxPasswordBytes = 1024
)

// RetryError is a refusal that passes with time: the console answers it
// with a Retry-After header.
type RetryError struct {
	Err   *domain.Error
	After time.Duration
}

func (e *RetryError) Error() string { return e.Err.Error() }

// Unwrap returns the coded error, for domain.ErrorCode and friends.
func (e *RetryError) Unwrap() error { return e.Err }

// SignInLimits tune how the console slows password guessing. Zero fields
// take the defaults.
type SignInLimits struct {
	// LoginFree wrong passwords in a row for one login pass freely; each
	// further try waits, from one second doubling up to LoginMaxDelay.
	// Defaults 5 and one minute: a member at a new browser waits at most
	// a minute however hard strangers guess at her login.
	LoginFree     int
	LoginMaxDelay time.Duration
	// ClientFree and ClientMaxDelay are the same per client address (an
	// IPv6 address by its /64). Defaults 10 and 15 minutes.
	ClientFree     int
	ClientMaxDelay time.Duration
	// DeviceFree and DeviceMaxDelay are the same per trusted browser
	// (one with a device token). Defaults 5 and 15 minutes.
	DeviceFree     int
	DeviceMaxDelay time.Duration
	// Forget is how long after its last failure a record is dropped.
	// Default one hour.
	Forget time.Duration
	// Tracked bounds the records kept of each kind; beyond it the oldest
	// go. Default 10000.
	Tracked int
	// DeviceTTL is how long a browser stays trusted after its last
	// sign-in there. Default 90 days.
	DeviceTTL time.Duration
	// Hashes is how many password hashes run at once (19 MiB each).
	// Default GOMAXPROCS, at most 4: more would not run faster.
	Hashes int
	// HashWait is how long a sign-in waits for a hashing slot before
	// the answer "busy". Default 10 seconds.
	HashWait time.Duration
}

func (l *SignInLimits) fill() {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defD := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.LoginFree, 5)
	defD(&l.LoginMaxDelay, time.Minute)
	def(&l.ClientFree, 10)
	defD(&l.ClientMaxDelay, 15*time.Minute)
	def(&l.DeviceFree, 5)
	defD(&l.DeviceMaxDelay, 15*time.Minute)
	defD(&l.Forget, time.Hour)
	def(&l.Tracked, 10000)
	defD(&l.DeviceTTL, 90*24*time.Hour)
	def(&l.Hashes, min(runtime.GOMAXPROCS(0), 4))
	defD(&l.HashWait, 10*time.Second)
}

// Client is where a sign-in comes from: the client's address and the
// device token its browser holds ("" for none).
type Client struct {
	IP     string
	Device string
}

// SignInResult is a successful sign-in: the session token, the account
// and a fresh device token for the browser to keep.
type SignInResult struct {
	Token  string
	Staff  Staff
	Device string
}

// strikes is the failure record of one login, address or browser.
type strikes struct {
	n     int       // failures in a row
	last  time.Time // the last failure
	until time.Time // no try before this
}

// guard keeps the failure records in memory: they protect a running hall
// and need not survive a restart.
type guard struct {
	mu   sync.Mutex
	recs map[string]*strikes
}

// limitOf returns the free failures and the cap of a record key's kind.
func (l *SignInLimits) limitOf(key string) (int, time.Duration) {
	switch key[0] {
	case 'l':
		return l.LoginFree, l.LoginMaxDelay
	case 'd':
		return l.DeviceFree, l.DeviceMaxDelay
	}
	return l.ClientFree, l.ClientMaxDelay
}

// wait returns how long the caller must still wait before trying under
// keys (0: go ahead).
func (g *guard) wait(keys []string, now time.Time) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	var w time.Duration
	for _, k := range keys {
		if r := g.recs[k]; r != nil && r.until.After(now) {
			w = max(w, r.until.Sub(now))
		}
	}
	return w
}

// fail records a wrong password under keys.
func (g *guard) fail(l *SignInLimits, keys []string, now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, k := range keys {
		r := g.recs[k]
		if r == nil || now.Sub(r.last) >= l.Forget {
			if r == nil {
				g.makeRoom(l, k, now)
			}
			r = &strikes{}
			g.recs[k] = r
		}
		r.n++
		r.last = now
		free, cap := l.limitOf(k)
		if r.n >= free {
			d := time.Second << min(r.n-free, 30)
			r.until = now.Add(min(d, cap))
		}
	}
}

// makeRoom keeps the records of k's kind under the bound; g.mu is held.
func (g *guard) makeRoom(l *SignInLimits, k string, now time.Time) {
	n, oldest := 0, ""
	for key, r := range g.recs {
		if key[0] != k[0] {
			continue
		}
		if now.Sub(r.last) >= l.Forget && !r.until.After(now) {
			delete(g.recs, key)
			continue
		}
		n++
		if oldest == "" || r.last.Before(g.recs[oldest].last) {
			oldest = key
		}
	}
	if n >= l.Tracked && oldest != "" {
		delete(g.recs, oldest)
	}
}

// succeed forgets the records under keys.
func (g *guard) succeed(keys []string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, k := range keys {
		delete(g.recs, k)
	}
}

// clientKey is the record key of an address: IPv6 by its /64, which one
// customer usually holds whole.
func clientKey(ip string) string {
	if p := net.ParseIP(ip); p != nil {
		if p.To4() == nil {
			return "c" + p.Mask(net.CIDRMask(64, 128)).String()
		}
		return "c" + p.String()
	}
	return "c" + ip
}

// deviceKey derives the hall's key for device tokens from its signing
// key, so it survives restarts and needs no file of its own.
func (s *Service) deviceKey() []byte {
	h := sha256.New()
	h.Write([]byte("yizhan console device token v1\x00"))
	h.Write(s.keys.Sign.Seed())
	return h.Sum(nil)
}

// deviceToken signs "this browser signed in as login at now".
func (s *Service) deviceToken(login string, now time.Time) string {
	var ts [8]byte
	binary.BigEndian.PutUint64(ts[:], uint64(now.Unix()))
	m := hmac.New(sha256.New, s.deviceKey())
	m.Write([]byte(login))
	m.Write(ts[:])
	return base64.RawURLEncoding.EncodeToString(append(ts[:], m.Sum(nil)...))
}

// trustedDevice reports whether token is a device token for login that
// has not expired, and returns its record key.
func (s *Service) trustedDevice(token, login string, now time.Time) (string, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != 8+sha256.Size {
		return "", false
	}
	m := hmac.New(sha256.New, s.deviceKey())
	m.Write([]byte(login))
	m.Write(raw[:8])
	if !hmac.Equal(m.Sum(nil), raw[8:]) {
		return "", false
	}
	at := time.Unix(int64(binary.BigEndian.Uint64(raw[:8])), 0)
	if now.Sub(at) > s.SignInLimits.DeviceTTL || at.After(now.Add(time.Minute)) {
		return "", false
	}
	return "d" + token, true
}

var errBusy = domain.Errorf(CodeBusy, "登录的人较多，请稍候几秒再试。", "too many sign-ins at once")

// hashSlot waits for one of the password-hashing slots and returns its
// release, or CodeBusy after HashWait.
func (s *Service) hashSlot(ctx context.Context) (func(), error) {
	t := time.NewTimer(s.SignInLimits.HashWait)
	defer t.Stop()
	select {
	case s.hashSem <- struct{}{}:
		return func() { <-s.hashSem }, nil
	case <-t.C:
		return nil, &RetryError{Err: errBusy, After: 5 * time.Second}
	case <-ctx.Done():
		return nil, fmt.Errorf("sign in: %w", ctx.Err())
	}
}

// hashNew hashes a new password in a hashing slot.
func (s *Service) hashNew(ctx context.Context, pw string) (string, error) {
	release, err := s.hashSlot(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	return passhash.Hash(s.Rand, pw)
}

// SignInFrom checks a console password for a sign-in from client and opens
// a session. See the top of this file for how guessing is slowed: a try
// that must wait gets a *RetryError with code CodeSlowDown and nothing is
// checked or recorded.
func (s *Service) SignInFrom(ctx context.Context, login, password string, from Client) (SignInResult, error) {
	login = normLogin(login)
	now := s.Now()
	bad := domain.Errorf(domain.EUnauthorized, "登录名或密码不正确。", "sign in: bad credentials")
	keys := []string{"l" + login, clientKey(from.IP)}
	if dk, ok := s.trustedDevice(from.Device, login, now); ok {
		// The member's own browser: judged on its own record only.
		keys = []string{dk}
	}
	if login == "" || len(login) > MaxLoginBytes || len(password) > MaxPasswordBytes {
		// Nothing to check and nothing to record; still a failure of
		// this address, so floods of them are slowed too.
		s.guard.fail(&s.SignInLimits, keys[len(keys)-1:], now)
		s.Logger.Warn("console sign-in failed", "reason", "login or password too long", "login_bytes", len(login), "ip", from.IP)
		return SignInResult{}, bad
	}
	if w := s.guard.wait(keys, now); w > 0 {
		secs := int((w + time.Second - 1) / time.Second)
		s.Logger.Warn("console sign-in slowed", "login", login, "ip", from.IP, "retry_after_s", secs)
		return SignInResult{}, &RetryError{After: time.Duration(secs) * time.Second, Err: domain.Errorf(CodeSlowDown,
			fmt.Sprintf("密码错误次数较多，请 %d 秒后再试。", secs), "sign in %q: wait %ds after wrong passwords", login, secs)}
	}
	var acct *StaffAccount
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		acct, err = tx.Staff(login)
		return err
	})
	if err != nil && domain.ErrorCode(err) != domain.ENotFound {
		return SignInResult{}, err
	}
	release, serr := s.hashSlot(ctx)
	if serr != nil {
		return SignInResult{}, serr
	}
	var ok bool
	if acct == nil {
		passhash.Check(dummyPasswordHash, password) // the same time as for a real login
	} else {
		ok = passhash.Check(acct.PasswordHash, password)
	}
	release()
	if acct == nil {
		// No account: nothing to record in the database (strangers could
		// fill it); the log has it.
		s.guard.fail(&s.SignInLimits, keys, now)
		s.Logger.Warn("console sign-in failed", "reason", "unknown login", "ip", from.IP)
		return SignInResult{}, bad
	}
	res, err := s.openSession(ctx, login, acct.PasswordHash, ok, now)
	var re *RetryError
	if errors.As(err, &re) || domain.ErrorCode(err) == domain.EUnauthorized {
		s.guard.fail(&s.SignInLimits, keys, now)
		s.Logger.Warn("console sign-in failed", "reason", domain.ErrorMessage(err), "login", login, "ip", from.IP)
		return SignInResult{}, err
	}
	if err != nil {
		return SignInResult{}, err
	}
	// The login's owner, or her browser, is proved; the address is not
	// cleared: one account of its own must not reset a sprayer's waits.
	var proved []string
	for _, k := range keys {
		if k[0] != 'c' {
			proved = append(proved, k)
		}
	}
	s.guard.succeed(proved)
	res.Device = s.deviceToken(login, now)
	return res, nil
}

// SignIn checks a console password and opens a session, as SignInFrom
// for a client of unknown address and no device token. It returns the
// session token (for the cookie; the hall keeps only its hash) and the
// account.
func (s *Service) SignIn(ctx context.Context, login, password string) (string, Staff, error) {
	res, err := s.SignInFrom(ctx, login, password, Client{})
	return res.Token, res.Staff, err
}

func normLogin(login string) string { return strings.ToLower(strings.TrimSpace(login)) }
