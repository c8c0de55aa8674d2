// Package desktop is the Wails adapter: it exposes the station's services to
// the Vue frontend as methods on API, which Wails binds and calls from
// JavaScript as window.go.desktop.API.<Method>(...). The same methods are
// served over HTTP for browser tests by Handler (see http.go).
//
// Only this package and the root main.go import Wails, so the domain, the
// storage adapters and their tests build and run without a display.
package desktop

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"time"

	"yizhan/app"
	"yizhan/app/hallclient"
	appsqlite "yizhan/app/sqlite"
	"yizhan/domain"
	"yizhan/ident"
)

// Version is the application version shown in the UI. Release builds
// override it with -ldflags "-X yizhan/desktop.Version=...".
var Version = "0.1.0-dev"

// Config says where the station keeps its data.
type Config struct {
	// Dir is the data directory; empty means YIZHAN_STATION_DIR or the
	// per-user application-data directory.
	Dir string
	// Now is the clock (tests inject one).
	Now func() time.Time
}

// App owns the window's lifecycle and the bound API. Startup and
// Shutdown live here, not on API, so they are not exposed to JavaScript.
type App struct {
	API *API
}

// New returns an App whose API is opened in Startup.
func New(cfg Config) *App {
	if cfg.Dir == "" {
		cfg.Dir = DefaultDir()
	}
	return &App{API: &API{core: &core{cfg: cfg}, sess: &signin{}}}
}

// DefaultDir is YIZHAN_STATION_DIR or the OS per-user application-data directory.
func DefaultDir() string {
	if d := os.Getenv("YIZHAN_STATION_DIR"); d != "" {
		return d
	}
	if d, err := os.UserConfigDir(); err == nil {
		return filepath.Join(d, "yizhan", "station")
	}
	return "yizhan-station"
}

// Startup opens the station. An error is kept and reported to the UI by
// every call, so the window can explain what is wrong instead of vanishing.
func (a *App) Startup(ctx context.Context) {
	a.API.ctx = ctx
	a.API.inWails = true
	a.API.openErr = a.API.open()
	a.API.logOpened()
	a.API.restoreWindow()
}

// Shutdown closes the station.
func (a *App) Shutdown(ctx context.Context) {
	if a.API.inWails {
		a.API.saveWindow()
	}
	a.API.close()
}

// API is the object bound to the frontend: the station app's interface to
// its UI, named apart from the station itself (app.Station). Each exported
// method becomes a JavaScript function returning a Promise; an error
// rejects it with the object FormatError builds.
//
// An API is one caller's view of the station: the shared core (the open
// database, sync, background work) and this caller's own sign-in. The
// desktop window is one caller; the HTTP adapter gives every browser
// session an API of its own over the same core (see http.go), so one
// browser's sign-in never serves another client.
type API struct {
	*core
	sess *signin
}

// core is what every caller of one station shares. Its methods stay
// unexported: Wails binds the exported methods of API, promoted ones
// included.
type core struct {
	ctx      context.Context
	cfg      Config
	mu       sync.Mutex
	st       *app.Station
	openErr  error
	bg       func() // stops background work
	syncer   *hallclient.Client
	inWails  bool // running in the Wails window (runtime calls allowed)
	syncStop func()
}

// signin is one caller's session: who signed in, and whether the screen
// is locked.
type signin struct {
	mu     sync.Mutex
	user   *app.Staff
	locked bool
}

// get returns the signed-in staff member (nil when nobody) and the lock.
func (g *signin) get() (*app.Staff, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.user, g.locked
}

// set records a sign-in (user != nil) or a sign-out (nil), unlocked.
func (g *signin) set(user *app.Staff) {
	g.mu.Lock()
	g.user, g.locked = user, false
	g.mu.Unlock()
}

// lock locks the screen of a signed-in session.
func (g *signin) lock() {
	g.mu.Lock()
	if g.user != nil {
		g.locked = true
	}
	g.mu.Unlock()
}

// forCaller returns an API over the same core with a sign-in of its own,
// for one browser session of the HTTP adapter.
func (s *API) forCaller() *API { return &API{core: s.core, sess: &signin{}} }

func (s *core) open() error {
	st, _, err := appsqlite.OpenStation(s.context(), app.Config{Dir: s.cfg.Dir, Now: s.cfg.Now, SigningKey: hallclient.SigningKey(s.cfg.Dir)})
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.st = st
	s.mu.Unlock()
	s.startBackground()
	s.startSync()
	return nil
}

// Open opens the station outside Wails (the HTTP adapter and tests).
func (a *App) Open(ctx context.Context) error {
	a.API.ctx = ctx
	a.API.openErr = a.API.open()
	return a.API.openErr
}

func (s *core) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bg != nil {
		s.bg()
		s.bg = nil
	}
	if s.syncStop != nil {
		s.syncStop()
		s.syncStop = nil
	}
	if s.st != nil {
		s.st.Close()
		s.st = nil
	}
}

func (s *core) station() (*app.Station, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st == nil {
		if s.openErr != nil {
			return nil, s.openErr
		}
		return nil, domain.Errorf(domain.EInternal, "数据库尚未打开，请重启软件。", "station not open")
	}
	return s.st, nil
}

// session returns the station and the signed-in, unlocked staff member.
// With roles, the member must hold one of them: every method that changes
// something or shows personal data goes through here (access.go lists who
// may call what).
func (s *API) session(roles ...string) (*app.Station, app.Actor, error) {
	st, err := s.station()
	if err != nil {
		return nil, app.Actor{}, err
	}
	user, locked := s.sess.get()
	if err := allowed(user, locked, roles); err != nil {
		return nil, app.Actor{}, err
	}
	return st, user.Actor(), nil
}

func (s *core) context() context.Context {
	if s.ctx == nil {
		return context.Background()
	}
	return s.ctx
}

// ErrorObject is what a failed call rejects with in JavaScript.
type ErrorObject struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Zh      string `json:"zh"`
	// Field names the input at fault (name, id, uscc, phone...) when a
	// validator knows it, so the form can put the message beside it.
	Field string `json:"field,omitempty"`
}

// FormatError maps an error to {code, message, zh}: English for logs, the
// Chinese sentence for the clerk. Internal errors keep their detail out of
// the UI.
func FormatError(err error) any {
	if err == nil {
		return nil
	}
	var eo *ErrorObject
	if errors.As(err, &eo) {
		return eo
	}
	eo = &ErrorObject{Code: domain.ErrorCode(err), Message: domain.ErrorMessage(err), Zh: domain.ZhMessage(err)}
	var ie *ident.Error
	if errors.As(err, &ie) {
		eo.Field = ie.Field
	}
	return eo
}

func (e *ErrorObject) Error() string { return e.Code + ": " + e.Message }
