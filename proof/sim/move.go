package sim

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"yizhan/app/hallclient"
	"yizhan/hall"
)

// pendingMove is a new hall address a station was told to use, with the
// move code its staff were given, not yet confirmed (the link failed).
type pendingMove struct {
	url, code string
	issued    time.Time
}

// moveHall gives the hall a new address for one station, or for every
// station at once, and has the station (or each) switch to it with the
// code the hall issued. From then on the network carries a station's
// requests only to the address it should use: a client that did not follow
// the move would find nobody at the old one.
func (w *world) moveHall(s *stationNode) {
	if w.hall.down || s.cl == nil || s.usbOnly {
		return
	}
	w.moves++
	target, who := fmt.Sprintf("http://hall%d.sim", w.moves), s.code
	if w.chance(0.3) {
		who = hall.AllStations
	}
	var code string
	err, died := w.hall.guarded(w.rates.hallCrash*3, func(svc *hall.Service) error {
		var err error
		code, _, err = svc.MoveCode(context.Background(), who, target)
		return err
	})
	w.logf("hall issues a move code for %s to %s: %s", who, target, outcome(err, died))
	switch {
	case died:
		return
	case err != nil:
		w.violation("hall: move code for %s: %v", who, err)
		return
	}
	w.fault("hall-move")
	for _, t := range w.stations {
		if t == s || who == hall.AllStations && t.cl != nil && !t.usbOnly {
			t.move = &pendingMove{url: target, code: code, issued: w.now}
			t.tryMove()
		}
	}
}

// tryMove asks the hall at the new address to confirm it; the station
// switches only on the hall's signed answer. A link that fails leaves the
// move pending for the next try.
func (s *stationNode) tryMove() {
	w, m := s.w, s.move
	if m == nil || s.cl == nil {
		return
	}
	mv := &hallclient.HallMover{HTTP: &http.Client{Transport: &transport{w: w, st: s}}, Attempts: 2, Rand: seededReader{rng: w.rng},
		After: func(time.Duration) <-chan time.Time {
			ch := make(chan time.Time, 1)
			ch <- s.wall()
			return ch
		}}
	var got string
	err, died := s.op(func(ctx context.Context) error {
		var err error
		got, err = mv.Move(ctx, s.st, m.url, m.code)
		return err
	})
	switch {
	case died:
		// The station may have stored the new address just before it
		// died: it reopens with whatever it stored (open reads it).
		w.logf("%s move to %s: died", s.code, m.url)
		if s.addr == m.url {
			s.move = nil
		}
	case err != nil && hallclient.CodeOf(err) == hallclient.CodeOffline:
		w.logf("%s move to %s: offline, will retry", s.code, m.url)
	case err != nil && w.now.Sub(m.issued) > 6*24*time.Hour:
		// Days offline: the code may have expired (7 days, to the day).
		// The hall issues a fresh one for the same address.
		w.logf("%s move to %s: refused after %v; a new code", s.code, m.url, w.now.Sub(m.issued))
		if w.hall.down {
			return
		}
		code, _, err := w.hall.svc.MoveCode(context.Background(), s.code, m.url)
		if err != nil {
			w.violation("hall: new move code for %s: %v", s.code, err)
			return
		}
		s.move = &pendingMove{url: m.url, code: code, issued: w.now}
	case err != nil:
		w.logf("%s move to %s: %v", s.code, m.url, err)
		w.violation("station %s: move to %s refused: %v", s.code, m.url, err)
		s.move = nil
	default:
		w.logf("%s moved to %s", s.code, got)
		s.addr, s.move = got, nil
	}
}

// reaches reports whether a request to rawURL from s finds the hall: only
// at the address the station uses, or the one it is moving to.
func (s *stationNode) reaches(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	at := u.Scheme + "://" + u.Host
	return at == s.addr || s.move != nil && at == s.move.url
}
