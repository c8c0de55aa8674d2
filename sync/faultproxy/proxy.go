// Package faultproxy is an HTTP proxy for sync tests that misbehaves on
// purpose, the way a township's 2G link, a flaky router or a hall restart
// does: it drops requests, drops answers after the hall acted on them,
// delivers requests twice, delays them, cuts answers mid-body, and can swap
// the hall behind it for a fresh one ("restart").
//
// It wraps an http.Handler (the hall's) rather than a network address, so a
// restart is a handler swap and tests need no ports but the proxy's own,
// served with httptest on 127.0.0.1. Faults are drawn from a seeded source,
// so a failing seed can be replayed (request order across goroutines still
// varies; a single client's run replays exactly), and can also be scripted
// request by request.
package faultproxy

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// Fault is what the proxy does to one request.
type Fault int

// Faults.
const (
	Pass         Fault = iota // forward, answer as the hall did
	DropRequest               // never reaches the hall; the connection closes
	DropResponse              // reaches the hall, which acts on it; the answer is lost
	Duplicate                 // reaches the hall twice; the second answer is returned
	Delay                     // forwarded after a random pause up to MaxDelay
	CutBody                   // forwarded; the answer stops half-way
)

var faultNames = [...]string{"pass", "drop-request", "drop-response", "duplicate", "delay", "cut-body"}

// String names the fault.
func (f Fault) String() string {
	if f >= 0 && int(f) < len(faultNames) {
		return faultNames[f]
	}
	return fmt.Sprintf("fault(%d)", int(f))
}

// Rates are the probabilities of each fault per request; the rest pass.
type Rates struct {
	DropRequest, DropResponse, Duplicate, Delay, CutBody float64
}

// MaxBody bounds a buffered request body (the proxy must hold it to send it
// twice); larger bodies are refused with 413.
const MaxBody = 80 << 20

// Proxy is the misbehaving proxy. Its zero value is not usable; call New.
type Proxy struct {
	// MaxDelay bounds the pause of a Delay fault. Default 50 ms.
	MaxDelay time.Duration

	mu      sync.Mutex
	backend http.Handler
	rnd     *rand.Rand
	rates   Rates
	script  []Fault
	stats   Stats
	srv     *httptest.Server
	onFault func(r *http.Request, body []byte, f Fault)
}

// Stats counts what the proxy did.
type Stats struct {
	Requests int            // every request received
	ByPath   map[string]int // requests per URL path
	Faults   map[Fault]int  // faults applied
	Log      []string       // "METHOD PATH fault", in order
}

// New returns a proxy in front of backend whose random faults come from seed.
// No fault happens until SetRates or Script says so.
func New(backend http.Handler, seed uint64) *Proxy {
	return &Proxy{backend: backend, rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), MaxDelay: 50 * time.Millisecond,
		stats: Stats{ByPath: map[string]int{}, Faults: map[Fault]int{}}}
}

// Start serves the proxy on 127.0.0.1 and returns its base URL. Close stops it.
func (p *Proxy) Start() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.srv == nil {
		p.srv = httptest.NewServer(p)
	}
	return p.srv.URL
}

// Close stops the server started by Start.
func (p *Proxy) Close() {
	p.mu.Lock()
	srv := p.srv
	p.srv = nil
	p.mu.Unlock()
	if srv != nil {
		srv.CloseClientConnections()
		srv.Close()
	}
}

// SetRates sets the random fault probabilities.
func (p *Proxy) SetRates(r Rates) {
	p.mu.Lock()
	p.rates = r
	p.mu.Unlock()
}

// Script queues faults for the next requests, one each, before any random
// ones.
func (p *Proxy) Script(fs ...Fault) {
	p.mu.Lock()
	p.script = append(p.script, fs...)
	p.mu.Unlock()
}

// OnFault sets a hook called with each request, its body and the fault
// chosen for it (tests use it to inspect requests or to block them).
func (p *Proxy) OnFault(fn func(r *http.Request, body []byte, f Fault)) {
	p.mu.Lock()
	p.onFault = fn
	p.mu.Unlock()
}

// SetBackend swaps the handler behind the proxy: a hall restart. Requests in
// flight finish on the old handler.
func (p *Proxy) SetBackend(h http.Handler) {
	p.mu.Lock()
	p.backend = h
	p.mu.Unlock()
}

// Stats returns a copy of the counters.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := Stats{Requests: p.stats.Requests, ByPath: map[string]int{}, Faults: map[Fault]int{}, Log: append([]string(nil), p.stats.Log...)}
	for k, v := range p.stats.ByPath {
		s.ByPath[k] = v
	}
	for k, v := range p.stats.Faults {
		s.Faults[k] = v
	}
	return s
}

// ResetStats zeroes the counters.
func (p *Proxy) ResetStats() {
	p.mu.Lock()
	p.stats = Stats{ByPath: map[string]int{}, Faults: map[Fault]int{}}
	p.mu.Unlock()
}

// choose picks the fault for one request and records it.
func (p *Proxy) choose(r *http.Request) (Fault, http.Handler, time.Duration, func(*http.Request, []byte, Fault)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := Pass
	if len(p.script) > 0 {
		f, p.script = p.script[0], p.script[1:]
	} else {
		x := p.rnd.Float64()
		for _, c := range []struct {
			f Fault
			p float64
		}{{DropRequest, p.rates.DropRequest}, {DropResponse, p.rates.DropResponse}, {Duplicate, p.rates.Duplicate},
			{Delay, p.rates.Delay}, {CutBody, p.rates.CutBody}} {
			if x < c.p {
				f = c.f
				break
			}
			x -= c.p
		}
	}
	var delay time.Duration
	if f == Delay && p.MaxDelay > 0 {
		delay = time.Duration(p.rnd.Int64N(int64(p.MaxDelay)))
	}
	p.stats.Requests++
	p.stats.ByPath[r.URL.Path]++
	p.stats.Faults[f]++
	p.stats.Log = append(p.stats.Log, r.Method+" "+r.URL.Path+" "+f.String())
	return f, p.backend, delay, p.onFault
}

// ServeHTTP forwards r to the backend, with the fault chosen for it.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	if err != nil {
		abort() // the client's upload broke off; so does the answer
	}
	if len(body) > MaxBody {
		http.Error(w, "proxy: body too large", http.StatusRequestEntityTooLarge)
		return
	}
	f, backend, delay, hook := p.choose(r)
	if hook != nil {
		hook(r, body, f)
	}
	switch f {
	case DropRequest:
		abort()
	case Delay:
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			abort()
		}
	}
	rec := forward(backend, r, body)
	if f == Duplicate {
		rec = forward(backend, r, body)
	}
	if f == DropResponse {
		abort()
	}
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	data := rec.Body.Bytes()
	if f == CutBody && len(data) > 0 {
		w.Header().Set("Content-Length", fmt.Sprint(len(data)))
		w.WriteHeader(rec.Code)
		w.Write(data[:len(data)/2])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		abort()
	}
	w.WriteHeader(rec.Code)
	w.Write(data)
}

// forward runs one copy of the request through the backend in memory.
func forward(h http.Handler, r *http.Request, body []byte) *httptest.ResponseRecorder {
	req := r.Clone(r.Context())
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	req.RequestURI = ""
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// abort ends the exchange by closing the connection without a complete
// answer, as a dead link does; net/http treats this panic value as a quiet
// abort.
func abort() { panic(http.ErrAbortHandler) }
