package sim

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"
)

// checkCursor verifies, after every sync or reply import, that the
// station's cursor never passed a change it does not have: every delivery
// of its queue up to the cursor is present at the station, with the hall's
// verdict and log position (COUCHDB-1256 is this bug).
func (w *world) checkCursor(s *stationNode) {
	ctx := context.Background()
	cur, err := s.st.Cursor(ctx)
	if err != nil {
		w.violation("station %s: read cursor: %v", s.code, err)
		return
	}
	if cur < s.checked {
		s.checked = 0 // a resync started over
	}
	var last int64
	if err := w.hallDB.QueryRow(`SELECT last_dseq FROM stations WHERE code=?`, s.code).Scan(&last); err != nil {
		w.violation("hall view: station %s: %v", s.code, err)
		return
	}
	if cur > last {
		w.violation("station %s: cursor %d is beyond the hall's last delivery %d", s.code, cur, last)
		return
	}
	rows, err := w.hallDB.Query(`SELECT d.dseq, coalesce(l.event_id,''), coalesce(l.seq,0), coalesce(l.status,''), coalesce(p.key,'')
		FROM deliveries d LEFT JOIN log l ON l.seq = d.log_seq LEFT JOIN published p ON p.seq = d.pub_seq
		WHERE d.station=? AND d.dseq>? AND d.dseq<=? ORDER BY d.dseq`, s.code, s.checked, cur)
	if err != nil {
		w.violation("hall view: deliveries of %s: %v", s.code, err)
		return
	}
	type delivery struct {
		dseq, seq       int64
		id, status, key string
	}
	var ds []delivery
	for rows.Next() {
		var d delivery
		if err := rows.Scan(&d.dseq, &d.id, &d.seq, &d.status, &d.key); err != nil {
			w.violation("hall view: %v", err)
		}
		ds = append(ds, d)
	}
	if err := rows.Err(); err != nil {
		w.violation("hall view: deliveries of %s: %v", s.code, err)
	}
	rows.Close()
	for _, d := range ds {
		if d.id != "" {
			var status string
			var hs sql.NullInt64
			err := s.db.QueryRow(`SELECT status, hall_seq FROM events WHERE id=?`, d.id).Scan(&status, &hs)
			if err != nil || status != d.status || hs.Int64 != d.seq {
				w.violation("station %s: cursor %d passed delivery %d (log %d, event %s, %s) but the station has it as %q at %d (%v)",
					s.code, cur, d.dseq, d.seq, d.id, d.status, status, hs.Int64, err)
			}
			continue
		}
		if !w.hasPublished(s, d.key) {
			w.violation("station %s: cursor %d passed delivery %d (%s) that the station does not have", s.code, cur, d.dseq, d.key)
		}
	}
	s.checked = cur
}

// hasPublished reports whether a station holds a published row's item
// version or calendar year.
func (w *world) hasPublished(s *stationNode, key string) bool {
	var n int
	var err error
	switch {
	case strings.HasPrefix(key, "item:"):
		code, ver, _ := strings.Cut(strings.TrimPrefix(key, "item:"), "@")
		v, _ := strconv.Atoi(ver)
		err = s.db.QueryRow(`SELECT count(*) FROM catalog_items WHERE code=? AND version=?`, code, v).Scan(&n)
	case strings.HasPrefix(key, "calendar:"):
		y, _ := strconv.Atoi(strings.TrimPrefix(key, "calendar:"))
		err = s.db.QueryRow(`SELECT count(*) FROM calendar_years WHERE year=?`, y).Scan(&n)
	}
	if err != nil {
		w.violation("station %s: read %s: %v", s.code, key, err)
	}
	return n > 0
}

// quiesce heals everything and syncs until nothing moves: faults off, the
// hall up, partitions gone, held requests delivered late, bundles still on
// sticks carried (late, in any order), then online syncs until two full
// passes move nothing and no station has pending work.
func (w *world) quiesce() {
	w.calm, w.rates = true, rates{}
	w.step = w.cfg.Steps + 1
	w.logf("quiescence")
	if w.hall.down {
		w.restartHall()
	}
	for _, s := range w.stations {
		s.partitioned, s.crashAt = false, 0
	}
	for len(w.held) > 0 {
		w.deliverHeld()
	}
	// A couple of bundles still on sticks arrive late, out of order; the
	// rest stay in a drawer: online sync must make up for them.
	for i := 0; i < 2 && len(w.toHall) > 0; i++ {
		w.carryToHall()
	}
	for i := 0; i < 2 && len(w.toStation) > 0; i++ {
		w.carryToStation()
	}
	w.rep.Faults["bundle-left-in-drawer"] += len(w.toHall) + len(w.toStation)
	w.toHall, w.toStation = nil, nil
	for _, s := range w.stations {
		if s.move != nil {
			s.tryMove()
		}
	}
	// Online stations sync, USB-only ones make whole trips by stick, until
	// a full pass of both moves nothing twice in a row.
	quiet := 0
	for pass := 0; pass < 60 && quiet < 2; pass++ {
		moved := 0
		for _, s := range w.stations {
			if s.usbOnly {
				moved += w.usbRound(s)
			} else {
				moved += s.sync()
			}
		}
		if moved == 0 && w.pendingWork() == 0 {
			quiet++
		} else {
			quiet = 0
		}
	}
	if quiet < 2 {
		w.violation("no quiescence after 60 passes: %d pending", w.pendingWork())
	}
}

// pendingWork counts events and attachments not yet at the hall.
func (w *world) pendingWork() int {
	n := 0
	for _, s := range w.stations {
		n += w.stationPending(s)
	}
	return n
}

// stationPending counts one station's events and attachments not yet at
// the hall.
func (w *world) stationPending(s *stationNode) int {
	var e, b int
	if err := s.db.QueryRow(`SELECT count(*) FROM events WHERE status='pending'`).Scan(&e); err != nil {
		w.violation("station %s: count pending events: %v", s.code, err)
	}
	if err := s.db.QueryRow(`SELECT count(*) FROM blobs WHERE uploaded=0`).Scan(&b); err != nil {
		w.violation("station %s: count waiting attachments: %v", s.code, err)
	}
	return e + b
}

// canonical re-encodes a case body so that two stores' JSON of one case
// compare equal when their content does.
//
// The hall's own note on a case's clock (domain.Case.Clock) is left out: it
// is the hall's, never folded from events, so no station has it.
func canonical(body string) string {
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		return "invalid: " + err.Error()
	}
	if m, ok := v.(map[string]any); ok {
		delete(m, "clock")
	}
	b, _ := json.Marshal(v)
	return string(b)
}
