// Package httpapi serves the hall's sync API over HTTP: enrolment, the
// sync round trip, and resumable attachment uploads, with bearer
// authentication, body limits, optional gzip both ways and protocol.Error
// bodies. It adapts hall.Service to HTTP and holds no logic of its own.
package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"yizhan/domain"
	"yizhan/hall"
	"yizhan/internal/httpstatus"
	"yizhan/sync/protocol"
)

// MaxEnrollBytes bounds an enrolment request, the one body anyone may send
// without a token.
const MaxEnrollBytes = 16 << 10

// MaxMissingHashes bounds one blob-missing query.
const MaxMissingHashes = 10000

type server struct {
	svc *hall.Service
	log *slog.Logger
	cfg Config
}

// Config tunes the handler. Zero fields take the defaults.
type Config struct {
	// Logger receives one line per request; no bodies. Default: discard.
	Logger *slog.Logger
	// BodyTimeout is how long a request without a station's token
	// (enrolment) may take to send its body: seconds, so that bodies sent
	// a byte at a time cannot hold the hall's connections. Default 10 s.
	BodyTimeout time.Duration
	// StationBodyTimeout is the same once the station's token checked
	// out: a 256 KiB attachment chunk on a 2G link takes ~15 s. Default
	// 2 minutes.
	StationBodyTimeout time.Duration
}

// DefaultBodyTimeout is Config.BodyTimeout's default.
const DefaultBodyTimeout = 10 * time.Second

// New returns the hall's HTTP handler with the default Config and logger.
// Every path but enrolment, the move confirmation (move.go) and the health
// check needs "Authorization: Bearer <station>.<secret>".
func New(svc *hall.Service, logger *slog.Logger) http.Handler {
	return NewWithConfig(svc, Config{Logger: logger})
}

// NewWithConfig returns the hall's HTTP handler tuned by cfg.
func NewWithConfig(svc *hall.Service, cfg Config) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.BodyTimeout <= 0 {
		cfg.BodyTimeout = DefaultBodyTimeout
	}
	if cfg.StationBodyTimeout <= 0 {
		cfg.StationBodyTimeout = 2 * time.Minute
	}
	s := &server{svc: svc, log: cfg.Logger, cfg: cfg}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+protocol.PathEnroll, s.enroll)
	mux.HandleFunc("POST "+protocol.PathMove, s.move)
	mux.HandleFunc("POST "+protocol.PathSync, s.auth(s.sync))
	mux.HandleFunc("POST "+protocol.PathBlobMissing, s.auth(s.blobMissing))
	mux.HandleFunc("HEAD "+protocol.PathBlob+"{hash}", s.auth(s.blobHead))
	mux.HandleFunc("PUT "+protocol.PathBlob+"{hash}", s.auth(s.blobPut))
	mux.HandleFunc("GET "+protocol.PathHealth, s.health)
	return s.logged(mux)
}

// reqInfo collects what the access log line says about a request.
type reqInfo struct {
	station string
}

type infoKey struct{}

// statusWriter remembers the status and size of the answer for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
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
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// setReadDeadline sets the connection's read deadline for the rest of the
// request; the zero time removes it. A writer that cannot (HTTP/2 before
// Go supported it) keeps the server's own read timeout.
func setReadDeadline(w http.ResponseWriter, t time.Time) {
	_ = http.NewResponseController(w).SetReadDeadline(t) // a writer without a connection (a test recorder) has no deadline
}

// logged writes one structured line per request: method, path, status,
// sizes, duration and the station code. Bodies are never logged: they hold
// applicants' personal data. It also gives every request the short body
// deadline of a client nobody knows yet; auth extends it for stations.
func (s *server) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		setReadDeadline(w, start.Add(s.cfg.BodyTimeout))
		info := &reqInfo{}
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("panic in handler", "panic", p, "method", r.Method, "path", r.URL.Path)
				if sw.status == 0 {
					s.writeError(sw, r, errors.New("panic"))
				}
			}
			s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "in", r.ContentLength,
				"out", sw.bytes, "ms", time.Since(start).Milliseconds(), "station", info.station, "remote", r.RemoteAddr)
		}()
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), infoKey{}, info)))
	})
}

func infoOf(r *http.Request) *reqInfo {
	if in, ok := r.Context().Value(infoKey{}).(*reqInfo); ok {
		return in
	}
	return &reqInfo{}
}

type stationHandler func(w http.ResponseWriter, r *http.Request, st *hall.StationRecord)

// auth checks the bearer token and passes the station on.
func (s *server) auth(h stationHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := r.Header.Get(protocol.HeaderAuthorization)
		scheme, token, ok := strings.Cut(v, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			s.writeError(w, r, domain.Errorf(domain.EUnauthorized, "缺少站点身份凭据。", "bearer token required"))
			return
		}
		st, err := s.svc.Authenticate(r.Context(), strings.TrimSpace(token))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		infoOf(r).station = st.Code
		setReadDeadline(w, time.Now().Add(s.cfg.StationBodyTimeout))
		h(w, r, st)
	}
}

// statusOf maps an error code to its HTTP status: the protocol's own codes,
// then the domain's.
func statusOf(code string) int {
	switch code {
	case protocol.CodeRevoked:
		return http.StatusForbidden
	case protocol.CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case protocol.CodeUpgrade:
		return http.StatusUpgradeRequired
	case protocol.CodeQuota:
		return http.StatusRequestEntityTooLarge
	case protocol.CodeTimeout:
		return http.StatusRequestTimeout
	}
	return httpstatus.Of(code)
}

// writeError answers with a protocol.Error. Internal errors say only
// "internal error"; their detail goes to the log.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := domain.ErrorCode(err)
	body := protocol.Error{Code: code, Message: messageOf(err), Zh: domain.ZhMessage(err)}
	status := statusOf(code)
	if status == http.StatusInternalServerError {
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "station", infoOf(r).station, "err", err)
		body = protocol.Error{Code: domain.EInternal, Message: "internal error", Zh: domain.ZhMessage(errors.New(""))}
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="yizhan-hall"`)
	}
	if code == protocol.CodeTimeout {
		s.log.Warn("request body not received in time", "method", r.Method, "path", r.URL.Path,
			"station", infoOf(r).station, "remote", r.RemoteAddr)
		w.Header().Set("Connection", "close")
	}
	s.writeJSON(w, r, status, &body)
}

func messageOf(err error) string {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Message
	}
	var pe *protocol.Error
	if errors.As(err, &pe) {
		return pe.Message
	}
	return domain.ErrorMessage(err)
}

func (s *server) health(w http.ResponseWriter, r *http.Request) {
	if err := s.svc.Health(r.Context()); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"status": "ok", "v": protocol.Version})
}

func (s *server) enroll(w http.ResponseWriter, r *http.Request) {
	var req protocol.EnrollRequest
	if err := decodeVersioned(w, r, MaxEnrollBytes, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	resp, err := s.svc.Enroll(r.Context(), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	infoOf(r).station = resp.Station
	s.writeJSON(w, r, http.StatusOK, &resp)
}

func (s *server) sync(w http.ResponseWriter, r *http.Request, st *hall.StationRecord) {
	var req protocol.SyncRequest
	if err := decodeVersioned(w, r, protocol.MaxRequestBytes, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	resp, err := s.svc.Sync(r.Context(), st, req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	// A refused event does not fail the request (one bad event must not
	// block a station's queue), so it would leave no trace in the access
	// log: say which, and why. Reasons name codes and IDs, never personal
	// data.
	for _, a := range resp.Acks {
		if a.Status == protocol.AckRejected && !a.Duplicate {
			s.log.Warn("event refused", "station", st.Code, "event", a.ID, "code", a.Code, "reason", a.Reason)
		}
	}
	s.writeSync(w, r, &resp)
}
