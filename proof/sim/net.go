package sim

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"yizhan/sync/protocol"
)

// hallURL is the hall's address on the simulated network.
const hallURL = "http://hall.sim"

// rates are the per-request fault probabilities of one run.
type rates struct {
	dropRequest, dropResponse, duplicate, delay, cutBody float64
	hallCrash                                            float64 // the hall dies while serving
	stationCrash                                         float64 // the station dies while waiting
	interleave                                           float64 // other work happens meanwhile
}

// heldRequest is a request the network sat on: the client gave up on it,
// and it reaches the hall later, after newer ones.
type heldRequest struct {
	from   string
	method string
	url    string
	header http.Header
	body   []byte
}

// netError is a transport failure as a dead link, a reset connection or a
// timeout look to the client.
type netError struct{ what string }

func (e *netError) Error() string   { return "sim network: " + e.what }
func (e *netError) Timeout() bool   { return e.what == "timeout" }
func (e *netError) Temporary() bool { return true }

// transport is one station's link to the hall. It calls the hall's handler
// in-process through the fault layer; nothing runs concurrently, so a seed
// replays exactly.
type transport struct {
	w  *world
	st *stationNode
}

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	w := t.w
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("sim network: read request: %w", err)
		}
		body = b
	}
	w.rep.Requests++
	if t.st.dead {
		return nil, &netError{"station is down"}
	}
	if t.st.partitioned {
		w.fault("partitioned-request")
		return nil, &netError{"network unreachable"}
	}
	if !t.st.reaches(req.URL.String()) {
		// The hall no longer answers there for this station: a client
		// that did not follow a move finds nobody.
		w.violation("station %s sent %s %s to %s, not to its hall address %s", t.st.code, req.Method, req.URL.Path, req.URL.Host, t.st.addr)
		return nil, &netError{"no such host"}
	}
	r := w.rates
	x := w.rng.Float64()
	pick := func(p float64) bool {
		if x < p {
			return true
		}
		x -= p
		return false
	}
	held := heldRequest{from: t.st.code, method: req.Method, url: req.URL.String(), header: req.Header.Clone(), body: body}
	fault := w.fault
	if req.URL.Path == protocol.PathEnroll || req.URL.Path == protocol.PathMove {
		// Counted apart too: enrolment and moves must survive them.
		fault = func(kind string) { w.fault(kind); w.fault(strings.TrimPrefix(req.URL.Path, "/v1/") + "-" + kind) }
	}
	switch {
	case pick(r.dropRequest):
		fault("drop-request")
		w.interleave(t.st)
		return nil, &netError{"connection reset"}
	case pick(r.delay):
		// The request sits in the network; the client times out. The
		// scheduler delivers it later, after newer requests.
		fault("delay")
		w.held = append(w.held, held)
		w.interleave(t.st)
		return nil, &netError{"timeout"}
	case pick(r.dropResponse):
		fault("drop-response")
		_, _ = w.serve(held, req, true) // the answer is lost on the way: that is the fault
		w.interleave(t.st)
		return nil, &netError{"connection reset after the request was sent"}
	case pick(r.duplicate):
		fault("duplicate")
		_, _ = w.serve(held, req, true) // the first delivery's answer is lost; the second is returned
		w.interleave(t.st)
		return w.serve(held, req, false)
	case pick(r.cutBody):
		fault("cut-body")
		resp, err := w.serve(held, req, false)
		if err != nil || resp.Request.Method == http.MethodHead {
			return resp, err
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(data[:len(data)/2]), errReader{io.ErrUnexpectedEOF}))
		return resp, nil
	}
	w.interleave(t.st)
	if t.st.dead {
		return nil, &netError{"station is down"}
	}
	return w.serve(held, req, false)
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// serve hands one copy of a request to the hall. With discard the answer is
// thrown away (a dropped answer, a late duplicate). The hall may die while
// serving; then the client sees a reset connection whatever the handler
// wrote.
func (w *world) serve(hr heldRequest, orig *http.Request, discard bool) (*http.Response, error) {
	h := w.hall
	if h.down {
		return nil, &netError{"connection refused: hall is down"}
	}
	sreq := httptest.NewRequest(hr.method, hr.url, bytes.NewReader(hr.body))
	sreq.Header = hr.header.Clone()
	if w.chance(w.rates.hallCrash) {
		h.arm(1 + w.rng.IntN(10))
	}
	rec := httptest.NewRecorder()
	h.handler.ServeHTTP(rec, sreq)
	if h.disarm() {
		w.fault("hall-crash")
		return nil, &netError{"connection reset: hall died"}
	}
	if rec.Code >= 500 {
		// A hall that did not die has no excuse for an internal error.
		w.violation("hall answered %d to %s %s: %s", rec.Code, hr.method, hr.url, rec.Body.String())
	}
	if discard {
		return nil, nil
	}
	resp := rec.Result()
	resp.Request = orig
	return resp, nil
}

// deliverHeld hands a held request to the hall now; its answer goes nowhere.
func (w *world) deliverHeld() {
	if len(w.held) == 0 {
		return
	}
	i := w.rng.IntN(len(w.held))
	hr := w.held[i]
	w.held = append(w.held[:i], w.held[i+1:]...)
	w.fault("late-delivery")
	_, err := w.serve(hr, nil, true)
	w.logf("late %s %s from %s: %v", hr.method, hr.url, hr.from, errText(err))
}
