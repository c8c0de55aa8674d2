// Package console serves the hall console: a web UI for hall staff (the
// built Vue app under /console/) and its JSON API under /console/api/. It
// adapts hall.Service to HTTP: sessions in an HttpOnly, SameSite=Strict
// cookie, a custom header on every POST against cross-site requests, role
// checks from hall.Role, and nothing of the sync API's bearer tokens.
//
// Personal data is masked in every list; a case's full record needs a
// stated purpose, and every view, unmasking, search and export is written
// to the hall's access log.
package console

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"yizhan/domain"
	"yizhan/hall"
	"yizhan/internal/httpstatus"
)

// Prefix is where the console lives on the hall server.
const Prefix = "/console/"

// CookieName is the session cookie.
const CookieName = "yizhan_console"

// CSRFHeader must be on every POST: a cross-site form or fetch cannot set
// it without a CORS preflight, which the hall never answers.
const CSRFHeader = "X-Yizhan-Console"

// DeviceCookie holds the device token of a browser where a member signed
// in: wrong passwords others send for that login do not slow her down
// there (hall/signin.go).
const DeviceCookie = "yizhan_console_device"

// maxBody bounds a JSON request; a whole catalog file may be larger.
const (
	maxBody        = 1 << 20
	maxCatalogBody = 8 << 20
)

// Config tunes the console handler. Zero fields take the defaults.
type Config struct {
	// Assets, if set, is a directory served instead of the embedded build
	// (for development with `vite build --watch`).
	Assets string
	// Secure marks the cookie Secure even when the request came over plain
	// HTTP: set it behind a TLS-terminating proxy. Requests over TLS get a
	// Secure cookie anyway.
	Secure bool
	// Logger receives one line per API request and internal errors; no
	// bodies, no personal data. Default: discard.
	Logger *slog.Logger
	// TrustProxy takes the client's address from the last entry of
	// X-Forwarded-For, which the county's reverse proxy appends. Set it
	// only when the console is reachable through that proxy alone:
	// otherwise a client names its own address, and sign-in delays per
	// address (hall/signin.go) would not hold.
	TrustProxy bool
	// BodyTimeout is how long a request may take to send its body before
	// its session is known (signing in): seconds, so that bodies sent a
	// byte at a time cannot hold the hall's connections. Default 10 s.
	BodyTimeout time.Duration
	// MemberBodyTimeout is the same for a signed-in member (a catalog
	// file of several MiB). Default 2 minutes.
	MemberBodyTimeout time.Duration
}

// Server is the console's HTTP handler.
type Server struct {
	svc    *hall.Service
	cfg    Config
	log    *slog.Logger
	mux    *http.ServeMux
	assets http.Handler
}

// New returns the console handler for requests under Prefix.
func New(svc *hall.Service, cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.BodyTimeout <= 0 {
		cfg.BodyTimeout = 10 * time.Second
	}
	if cfg.MemberBodyTimeout <= 0 {
		cfg.MemberBodyTimeout = 2 * time.Minute
	}
	assets, err := newAssets(cfg.Assets)
	if err != nil {
		return nil, err
	}
	s := &Server{svc: svc, cfg: cfg, log: cfg.Logger, mux: http.NewServeMux(), assets: assets}
	s.routes()
	return s, nil
}

// handler is an API handler that knows who is signed in.
type handler func(w http.ResponseWriter, r *http.Request, me hall.Staff) error

func (s *Server) routes() {
	const api = "/console/api"
	s.mux.HandleFunc("POST "+api+"/session", s.plain(s.signIn))
	s.mux.HandleFunc("GET "+api+"/session", s.with("", s.me))
	s.mux.HandleFunc("POST "+api+"/signout", s.plain(s.signOut))

	s.mux.HandleFunc("GET "+api+"/inbox", s.with(hall.PermViewCases, s.inbox))
	s.mux.HandleFunc("GET "+api+"/cases", s.with(hall.PermViewCases, s.searchCases))
	s.mux.HandleFunc("POST "+api+"/enquiry", s.with(hall.PermViewCases, s.enquiry))
	s.mux.HandleFunc("GET "+api+"/cases/{id}", s.with(hall.PermViewCases, s.showCase))
	s.mux.HandleFunc("POST "+api+"/cases/{id}/unmask", s.with(hall.PermUnmask, s.unmaskCase))
	s.mux.HandleFunc("GET "+api+"/cases/{id}/access", s.with(hall.PermAccessLog, s.caseAccess))
	for action, perm := range caseActions {
		s.mux.HandleFunc("POST "+api+"/cases/{id}/"+action, s.with(perm, s.caseAction(action)))
	}
	s.mux.HandleFunc("GET "+api+"/access", s.with(hall.PermAccessLog, s.accessLog))

	s.mux.HandleFunc("GET "+api+"/catalog", s.with(hall.PermViewCases, s.catalog))
	s.mux.HandleFunc("GET "+api+"/catalog/{code}/{version}", s.with(hall.PermViewCases, s.catalogItem))
	s.mux.HandleFunc("POST "+api+"/catalog/items", s.with(hall.PermPublish, s.publishItem))
	s.mux.HandleFunc("POST "+api+"/catalog/{code}/{version}/status", s.with(hall.PermPublish, s.itemStatus))
	s.mux.HandleFunc("POST "+api+"/catalog/publish", s.with(hall.PermPublish, s.publishCatalog))
	s.mux.HandleFunc("GET "+api+"/calendar", s.with(hall.PermViewCases, s.calendar))
	s.mux.HandleFunc("POST "+api+"/calendar", s.with(hall.PermPublish, s.publishCalendar))

	s.mux.HandleFunc("GET "+api+"/stations", s.with(hall.PermViewCases, s.stations))
	s.mux.HandleFunc("POST "+api+"/stations", s.with(hall.PermStations, s.enrolStation))
	s.mux.HandleFunc("POST "+api+"/stations/{code}/revoke", s.with(hall.PermStations, s.revokeStation))

	s.mux.HandleFunc("GET "+api+"/reviews", s.with(hall.PermViewCases, s.reviews))
	s.mux.HandleFunc("POST "+api+"/reviews/{id}", s.with(hall.PermReviews, s.recordCallback))
	s.mux.HandleFunc("GET "+api+"/stats", s.with(hall.PermViewCases, s.stats))
	s.mux.HandleFunc("GET "+api+"/stats.xlsx", s.with(hall.PermExport, s.statsExcel))

	s.mux.HandleFunc(api+"/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, domain.Errorf(domain.ENotFound, "接口不存在。", "no such console endpoint"))
	})
	s.mux.Handle(Prefix, s.assets)
}

// ServeHTTP serves the console with security headers and one log line per
// API request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "+
		"script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
	if !strings.HasPrefix(r.URL.Path, Prefix+"api/") {
		s.mux.ServeHTTP(w, r)
		return
	}
	start := time.Now()
	setReadDeadline(w, start.Add(s.cfg.BodyTimeout)) // with() extends it for members
	sw := &statusWriter{ResponseWriter: w}
	info := &reqInfo{}
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic in console handler", "panic", p, "path", r.URL.Path)
			if sw.status == 0 {
				s.writeError(sw, r, errors.New("panic"))
			}
		}
		s.log.Info("console request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"ms", time.Since(start).Milliseconds(), "staff", info.login, "remote", r.RemoteAddr)
	}()
	s.mux.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), infoKey{}, info)))
}

type reqInfo struct{ login string }

type infoKey struct{}

func infoOf(r *http.Request) *reqInfo {
	if in, ok := r.Context().Value(infoKey{}).(*reqInfo); ok {
		return in
	}
	return &reqInfo{}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// setReadDeadline sets the connection's read deadline for the rest of the
// request; the zero time removes it.
func setReadDeadline(w http.ResponseWriter, t time.Time) {
	http.NewResponseController(w).SetReadDeadline(t)
}

// codeTimeout is a body that did not arrive before the read deadline (408).
const codeTimeout = "timeout"

var errCSRF = domain.Errorf(domain.EForbidden, "请求被拒绝：缺少控制台请求头。请从控制台页面操作。",
	"missing "+CSRFHeader+" header on a state-changing request")

// checkCSRF refuses a POST without the console's header.
func checkCSRF(r *http.Request) error {
	if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Header.Get(CSRFHeader) == "" {
		return errCSRF
	}
	return nil
}

// plain wraps the handlers that work without a session (sign in, sign out).
func (s *Server) plain(h func(w http.ResponseWriter, r *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := checkCSRF(r); err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	}
}

// with wraps a handler that needs a session and, unless perm is empty, a
// role with perm. The signed-in account becomes the context's actor.
func (s *Server) with(perm hall.Permission, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := checkCSRF(r); err != nil {
			s.writeError(w, r, err)
			return
		}
		me, err := s.svc.SessionStaff(r.Context(), sessionToken(r))
		if err != nil {
			if domain.ErrorCode(err) == domain.EUnauthorized {
				s.clearCookie(w, r)
			}
			s.writeError(w, r, err)
			return
		}
		infoOf(r).login = me.Login
		setReadDeadline(w, time.Now().Add(s.cfg.MemberBodyTimeout))
		if perm != "" && !me.Role.Can(perm) {
			s.writeError(w, r, domain.Errorf(domain.EForbidden, "您的角色（"+me.Role.Zh()+"）无权进行此操作。",
				"role %s lacks %s", me.Role, perm))
			return
		}
		r = r.WithContext(hall.WithActor(r.Context(), me.Actor()))
		if err := h(w, r, me); err != nil {
			s.writeError(w, r, err)
		}
	}
}

func sessionToken(r *http.Request) string {
	c, err := r.Cookie(CookieName)
	if err != nil {
		return ""
	}
	return c.Value
}

func (s *Server) secure(r *http.Request) bool { return s.cfg.Secure || r.TLS != nil }

func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: token, Path: Prefix, HttpOnly: true, Secure: s.secure(r),
		SameSite: http.SameSiteStrictMode})
}

func (s *Server) clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: Prefix, HttpOnly: true, Secure: s.secure(r),
		SameSite: http.SameSiteStrictMode, MaxAge: -1})
}

// apiError is the body of an error answer, as the sync API's.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Zh      string `json:"zh"`
}

// writeError answers with the error's code and messages; internal errors
// say only "internal error" and go to the log in full. A refusal that
// passes with time says when to come back (Retry-After).
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := domain.ErrorCode(err)
	status := httpstatus.Of(code)
	switch code {
	case hall.CodeSlowDown:
		status = http.StatusTooManyRequests
	case hall.CodeBusy:
		status = http.StatusServiceUnavailable
	case codeTimeout:
		status = http.StatusRequestTimeout
		s.log.Warn("request body not received in time", "method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr)
		w.Header().Set("Connection", "close")
	}
	var re *hall.RetryError
	if errors.As(err, &re) {
		w.Header().Set("Retry-After", strconv.Itoa(int((re.After+time.Second-1)/time.Second)))
	}
	body := apiError{Code: code, Message: domain.ErrorMessage(err), Zh: domain.ZhMessage(err)}
	if status == http.StatusInternalServerError {
		s.log.Error("console internal error", "method", r.Method, "path", r.URL.Path, "staff", infoOf(r).login, "err", err)
		body = apiError{Code: domain.EInternal, Message: "internal error", Zh: domain.ZhMessage(errors.New(""))}
	}
	s.writeJSON(w, r, status, body)
}

func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		s.log.Error("console: encode response", "path", r.URL.Path, "err", err)
		status, data = http.StatusInternalServerError, []byte(`{"code":"internal","message":"internal error","zh":""}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	w.Write(data)
}

// decode reads a JSON body strictly: unknown fields, trailing data and
// oversize bodies are refused.
func decode(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return domain.Errorf(domain.EInvalid, "提交的数据过大。", "body larger than %d bytes", limit)
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return domain.Errorf(codeTimeout, "请求数据接收超时，请重试。", "request body not received in time")
		}
		return domain.Errorf(domain.EInvalid, "提交的数据格式不正确。", "decode body: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return domain.Errorf(domain.EInvalid, "提交的数据格式不正确。", "trailing data after the JSON body")
	}
	// The body is in: the deadline has done its work. Left set, it would
	// end the connection's background read and with it the request's
	// context while a sign-in waits for its password check. (A body not
	// read to its end keeps it, so the server gives up draining it.)
	setReadDeadline(w, time.Time{})
	return nil
}

// ok answers 200 with v, or {"ok":true} when v is nil.
func (s *Server) ok(w http.ResponseWriter, r *http.Request, v any) error {
	if v == nil {
		v = map[string]bool{"ok": true}
	}
	s.writeJSON(w, r, http.StatusOK, v)
	return nil
}

type signInRequest struct {
	Login    string `json:"login"`
	Password string `json:"password"`
}

// signIn checks the password and sets the session cookie.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
	var req signInRequest
	if err := decode(w, r, 16<<10, &req); err != nil {
		return err
	}
	from := hall.Client{IP: s.clientIP(r)}
	if c, err := r.Cookie(DeviceCookie); err == nil {
		from.Device = c.Value
	}
	res, err := s.svc.SignInFrom(r.Context(), req.Login, req.Password, from)
	if err != nil {
		return err
	}
	infoOf(r).login = res.Staff.Login
	s.setCookie(w, r, res.Token)
	http.SetCookie(w, &http.Cookie{Name: DeviceCookie, Value: res.Device, Path: Prefix, HttpOnly: true, Secure: s.secure(r),
		SameSite: http.SameSiteStrictMode, MaxAge: int(s.svc.SignInLimits.DeviceTTL / time.Second)})
	return s.ok(w, r, res.Staff)
}

// clientIP is the address sign-in delays are kept by: the connection's
// peer, or behind a trusted proxy the address it appended.
func (s *Server) clientIP(r *http.Request) string {
	if s.cfg.TrustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if ip := strings.TrimSpace(parts[len(parts)-1]); ip != "" {
				return ip
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, me hall.Staff) error {
	return s.ok(w, r, me)
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.SignOut(r.Context(), sessionToken(r)); err != nil {
		return err
	}
	s.clearCookie(w, r)
	return s.ok(w, r, nil)
}

// intParam reads a non-negative integer query parameter, def when absent.
func intParam(r *http.Request, name string, def int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, domain.Errorf(domain.EInvalid, fmt.Sprintf("参数 %s 须为非负整数。", name), "%s: not a non-negative integer", name)
	}
	return n, nil
}
