package desktop

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"time"

	"yizhan/domain"
	"yizhan/internal/httpstatus"
)

// The browser adapter's wire names. The frontend's transport
// (frontend/src/station/api/transport.ts) speaks them.
const (
	// SessionPath is where a browser takes a session: POST with
	// CSRFHeader set (to anything; "new" by convention). The answer sets
	// the session cookie and carries the session's CSRF token as
	// {"csrf": "..."}. Every POST makes a new session: the token of an
	// existing one is never handed out again.
	SessionPath = "/api/session"
	// CSRFHeader carries the session's token on every call outside the
	// public kiosk set. A page of another origin cannot set it without a
	// CORS preflight, which the adapter never answers.
	CSRFHeader = "X-Yizhan-CSRF"
	// SessionHeader is "required" on a 401 answer that a new browser
	// session would cure (no cookie, an expired one, a wrong token): the
	// transport takes a new session and tries once more.
	SessionHeader = "X-Yizhan-Session"
	// SessionCookie is the session cookie: HttpOnly, SameSite=Strict.
	SessionCookie = "yizhan_ui"
)

// LoopbackHosts are the host names the adapter answers to without
// configuration. A DNS-rebinding page reaches 127.0.0.1 under its own
// name (Host: evil.example) and is refused.
var LoopbackHosts = []string{"127.0.0.1", "localhost", "::1"}

// HTTPConfig tunes Handler. Zero fields take the defaults.
type HTTPConfig struct {
	// Hosts are further host names (no port) the adapter answers to,
	// beside LoopbackHosts: the address of `serve-ui --unsafe-listen`.
	Hosts []string
	// SessionIdle ends a browser session unused for this long. Default 8
	// hours: a working day with a long lunch.
	SessionIdle time.Duration
	// MaxSessions bounds the browser sessions kept in memory; beyond it
	// the least recently used is dropped (its browser signs in again).
	// Default 64.
	MaxSessions int
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// Handler serves the same API methods the desktop window calls, over
// HTTP, for running the frontend in a plain browser (`station serve-ui`,
// tests, support): POST /api/<Method> with {"args":[...]} answers the
// method's result as JSON, or an ErrorObject with a 4xx/5xx status. assets,
// when not nil, is served at / (the built frontend).
//
// The station PC runs other programs and its browser opens other pages, so
// every request is checked before a method runs: the Host must be a
// loopback name (or one in cfg.Hosts), an Origin must be the adapter's
// own, and every method outside the public kiosk set needs a browser
// session of its own — a cookie and the CSRF token the session came with
// — whose sign-in serves that browser only. Who may call which method is
// the table in access.go. s is the station whose core the sessions share;
// its own sign-in (the desktop window's) is never used here.
func Handler(s *API, assets fs.FS, cfg HTTPConfig) http.Handler {
	if cfg.SessionIdle <= 0 {
		cfg.SessionIdle = 8 * time.Hour
	}
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = 64
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	h := &uiHandler{base: s, cfg: cfg, hosts: map[string]bool{}, sessions: map[string]*uiSession{}}
	for _, n := range append(append([]string{}, LoopbackHosts...), cfg.Hosts...) {
		h.hosts[strings.ToLower(n)] = true
	}
	h.mux = http.NewServeMux()
	h.mux.HandleFunc("POST "+SessionPath, h.newSession)
	h.mux.HandleFunc("POST /api/{method}", h.call)
	h.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeErr(w, domain.Errorf(domain.ENotFound, "接口不存在。", "no such endpoint %s %s", r.Method, r.URL.Path))
	})
	if assets != nil {
		h.mux.Handle("/", http.FileServerFS(assets))
	}
	return h
}

// uiHandler is the adapter: the checks, the sessions and the dispatch.
type uiHandler struct {
	base  *API
	cfg   HTTPConfig
	hosts map[string]bool
	mux   *http.ServeMux

	mu       sync.Mutex
	sessions map[string]*uiSession // by SHA-256 of the cookie
}

// uiSession is one browser's session: an API with its own sign-in.
type uiSession struct {
	st   *API
	csrf string
	seen time.Time
}

func (h *uiHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Content-Security-Policy", "frame-ancestors 'none'")
	if err := h.checkHost(r); err != nil {
		h.refuse(w, r, "host", err)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		if err := checkOrigin(r); err != nil {
			h.refuse(w, r, "origin", err)
			return
		}
		hd.Set("Cache-Control", "no-store")
	}
	h.mux.ServeHTTP(w, r)
}

var errHost = domain.Errorf(domain.EForbidden, "请通过本机地址（127.0.0.1）访问驿站界面。", "host not allowed")

// checkHost refuses a Host that is not one of ours: a DNS-rebinding page
// reaches 127.0.0.1 with its own name.
func (h *uiHandler) checkHost(r *http.Request) error {
	host := r.Host
	if hn, _, err := net.SplitHostPort(host); err == nil {
		host = hn
	}
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	if !h.hosts[host] {
		return errHost
	}
	return nil
}

var errOrigin = domain.Errorf(domain.EForbidden, "请求被拒绝：来自其他网页。", "cross-origin request")

// checkOrigin refuses a request a page of another origin made: an Origin
// other than our own (another site, another local port, a sandboxed
// frame's "null"), or fetch metadata saying cross-site. Programs that send
// neither header (curl, the e2e walks) still need a session to do
// anything.
func checkOrigin(r *http.Request) error {
	if o := r.Header.Get("Origin"); o != "" {
		scheme := "http://"
		if r.TLS != nil {
			scheme = "https://"
		}
		if !strings.EqualFold(o, scheme+r.Host) {
			return errOrigin
		}
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
		return nil
	}
	return errOrigin
}

// refuse answers a refused request and logs why, without its body.
func (h *uiHandler) refuse(w http.ResponseWriter, r *http.Request, reason string, err error) {
	logger().Warn("ui request refused", "reason", reason, "method", strings.TrimPrefix(r.URL.Path, "/api/"),
		"code", domain.ErrorCode(err), "err", domain.ErrorMessage(err), "host", r.Host, "origin", r.Header.Get("Origin"),
		"remote", r.RemoteAddr)
	if reason == "session" {
		w.Header().Set(SessionHeader, "required")
	}
	writeErr(w, err)
}

// newSession starts a browser session: a cookie and a CSRF token.
func (h *uiHandler) newSession(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get(CSRFHeader) == "" {
		h.refuse(w, r, "csrf", errCSRF)
		return
	}
	cookie, csrf := randomToken(), randomToken()
	now := h.cfg.Now()
	h.mu.Lock()
	h.expire(now)
	for len(h.sessions) >= h.cfg.MaxSessions {
		h.dropOldest()
	}
	h.sessions[hashToken(cookie)] = &uiSession{st: h.base.forCaller(), csrf: csrf, seen: now}
	h.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: cookie, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	writeJSON(w, http.StatusOK, map[string]string{"csrf": csrf})
}

var (
	errCSRF    = domain.Errorf(domain.EForbidden, "请求被拒绝：缺少界面请求头。请从驿站页面操作。", "missing "+CSRFHeader+" header")
	errSession = domain.Errorf(domain.EUnauthorized, "会话已失效，请刷新页面后重新登录。", "browser session required")
)

// session returns the caller's browser session: its cookie must name one
// and the CSRF header must carry its token.
func (h *uiHandler) session(r *http.Request) (*uiSession, error) {
	c, err := r.Cookie(SessionCookie)
	token := r.Header.Get(CSRFHeader)
	if err != nil || c.Value == "" || token == "" {
		return nil, errSession
	}
	now := h.cfg.Now()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.expire(now)
	s := h.sessions[hashToken(c.Value)]
	if s == nil || subtle.ConstantTimeCompare([]byte(s.csrf), []byte(token)) != 1 {
		return nil, errSession
	}
	s.seen = now
	return s, nil
}

// expire drops idle sessions; h.mu is held.
func (h *uiHandler) expire(now time.Time) {
	for k, s := range h.sessions {
		if now.Sub(s.seen) >= h.cfg.SessionIdle {
			delete(h.sessions, k)
		}
	}
}

// dropOldest drops the least recently used session; h.mu is held.
func (h *uiHandler) dropOldest() {
	var oldest string
	for k, s := range h.sessions {
		if oldest == "" || s.seen.Before(h.sessions[oldest].seen) {
			oldest = k
		}
	}
	delete(h.sessions, oldest)
}

// call runs one bound method for the caller, after checking its access
// class against the caller's session.
func (h *uiHandler) call(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("method")
	class, ok := methodAccess[name]
	if !ok {
		writeErr(w, domain.Errorf(domain.ENotFound, "接口不存在。", "no method %q", name))
		return
	}
	st := h.base.forCaller() // the public kiosk set: nobody signed in
	limit := int64(64 << 10)
	if class != Public {
		sess, err := h.session(r)
		if err != nil {
			h.refuse(w, r, "session", err)
			return
		}
		st = sess.st
		if class >= Member {
			user, locked := st.sess.get()
			if err := allowed(user, locked, rolesFor(class)); err != nil {
				h.refuse(w, r, "sign-in", err)
				return
			}
			limit = 32 << 20 // scans travel as base64
		}
	}
	res, err := invoke(st, name, http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			err = domain.Errorf(domain.EInvalid, "提交的数据过大。", "body larger than %d bytes", limit)
		}
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

var errorType = reflect.TypeFor[error]()

// invoke calls the exported method name on s with JSON arguments decoded
// into the method's own parameter types, so the HTTP adapter cannot drift
// from the Wails bindings.
func invoke(s *API, name string, body io.Reader) (any, error) {
	m := reflect.ValueOf(s).MethodByName(name)
	if !m.IsValid() {
		return nil, domain.Errorf(domain.ENotFound, "接口不存在。", "no method %q", name)
	}
	var req struct {
		Args []json.RawMessage `json:"args"`
	}
	if err := json.NewDecoder(body).Decode(&req); err != nil && err != io.EOF {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, err
		}
		return nil, domain.Errorf(domain.EInvalid, "请求格式不正确。", "decode args: %v", err)
	}
	t := m.Type()
	if len(req.Args) != t.NumIn() {
		return nil, domain.Errorf(domain.EInvalid, "请求参数个数不正确。", "%s takes %d args, got %d", name, t.NumIn(), len(req.Args))
	}
	in := make([]reflect.Value, t.NumIn())
	for i := range in {
		v := reflect.New(t.In(i))
		if err := json.Unmarshal(req.Args[i], v.Interface()); err != nil {
			return nil, domain.Errorf(domain.EInvalid, "请求参数格式不正确。", "%s arg %d: %v", name, i, err)
		}
		in[i] = v.Elem()
	}
	out := m.Call(in)
	var res any
	for _, o := range out {
		if o.Type() == errorType {
			if !o.IsNil() {
				return nil, o.Interface().(error)
			}
			continue
		}
		res = o.Interface()
	}
	return res, nil
}

func writeErr(w http.ResponseWriter, err error) {
	writeJSON(w, httpstatus.Of(domain.ErrorCode(err)), FormatError(err))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

// CheckListen refuses a listen address that is not loopback unless unsafe
// is set (`serve-ui --unsafe-listen`): the adapter has no TLS, and a
// station's data must not be served to the network by accident. It returns
// the host names to add to HTTPConfig.Hosts.
func CheckListen(addr string, unsafe bool) ([]string, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, domain.Errorf(domain.EInvalid, "监听地址格式不正确，应为 主机:端口。", "listen address %q: %v", addr, err)
	}
	h := strings.ToLower(host)
	for _, l := range LoopbackHosts {
		if h == l {
			return nil, nil
		}
	}
	if !unsafe {
		return nil, domain.Errorf(domain.EInvalid, "界面服务只能监听本机地址（127.0.0.1）；确需对外请加 --unsafe-listen。",
			"listen address must be loopback, got %q (use --unsafe-listen to override)", addr)
	}
	if ip := net.ParseIP(h); h == "" || ip != nil && ip.IsUnspecified() {
		return nil, domain.Errorf(domain.EInvalid, "请写明对外监听的具体地址，不能用 0.0.0.0。",
			"listen on a named address, not %q: its name is the Host the adapter answers to", addr)
	}
	return []string{h}, nil
}
