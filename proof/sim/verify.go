package sim

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"yizhan/domain"
)

// logRow is one entry of the hall's log.
type logRow struct {
	seq                               int64
	id, caseID, station, status, code string
	ev                                *domain.Event
}

// localEvent is one event as a station holds it.
type localEvent struct {
	caseID, office, status string
	hallSeq                int64
}

// hallState is what the hall holds at the end of a run.
type hallState struct {
	log        []logRow
	byID       map[string][]logRow
	rejected   map[string]string // event id -> station
	cases      map[string]string // case id -> canonical body
	scope      map[string]map[string]bool
	delivered  map[string]map[int64]bool // station -> log seqs delivered
	lastDSeq   map[string]int64
	owners     map[string]bool // hash+"/"+station
	tampered   map[string]string
	caseNumber map[string]string
	offices    map[string]domain.OfficeFacts // the registry: kind and region
	items      map[string]*domain.Item       // published item versions by code@version
}

// facts are the hall's facts for replaying e by office on case c, as
// hall.Service.facts gathers them.
func (hs *hallState) facts(office string, c *domain.Case, e *domain.Event) domain.Facts {
	f := domain.Facts{Office: office, Kind: domain.OfficeHall}
	if o, ok := hs.offices[office]; ok {
		f.Kind, f.Region = o.Kind, o.Region
	}
	switch {
	case e.Kind == domain.EvOpen:
		var p domain.OpenPayload
		if json.Unmarshal(e.Payload, &p) == nil {
			f.Item = hs.items[fmt.Sprintf("%s@%d", p.ItemCode, p.ItemVersion)]
		}
	case c != nil:
		f.Item = hs.items[fmt.Sprintf("%s@%d", c.ItemCode, c.ItemVersion)]
	}
	if e.Kind == domain.EvRoute {
		var p domain.RoutePayload
		if json.Unmarshal(e.Payload, &p) == nil {
			if o, ok := hs.offices[p.To]; ok {
				f.To = &o
			}
		}
	}
	return f
}

// check verifies every promise at quiescence. Each failure is a violation.
func (w *world) check() {
	hs, err := w.loadHall()
	if err != nil {
		w.violation("read the hall's database: %v", err)
		return
	}
	w.rep.LogEntries, w.rep.Rejections, w.rep.Cases = len(hs.log), len(hs.rejected), len(hs.cases)
	for _, le := range hs.log {
		if le.status == "conflict" {
			w.rep.Conflicts++
		}
	}
	w.checkLog(hs)
	for code, note := range hs.tampered {
		w.violation("hall flags station %s as tampered, but nobody tampered: %s", code, note)
	}
	numbers := map[string]string{}
	for id, n := range hs.caseNumber {
		if other, ok := numbers[n]; ok {
			w.violation("case number %s used by cases %s and %s", n, other, id)
		}
		numbers[n] = id
	}
	for _, s := range w.stations {
		w.checkStation(s, hs)
	}
	var ok string
	if err := w.hallDB.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		w.violation("hall database integrity_check: %s %v", ok, err)
	}
}

// loadHall reads the hall's database.
func (w *world) loadHall() (*hallState, error) {
	hs := &hallState{byID: map[string][]logRow{}, rejected: map[string]string{}, cases: map[string]string{},
		scope: map[string]map[string]bool{}, delivered: map[string]map[int64]bool{}, lastDSeq: map[string]int64{},
		owners: map[string]bool{}, tampered: map[string]string{}, caseNumber: map[string]string{},
		offices: map[string]domain.OfficeFacts{}, items: map[string]*domain.Item{}}
	q := func(query string, scan func(*sql.Rows) error) error {
		rows, err := w.hallDB.Query(query)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	err := q(`SELECT seq, event_id, case_id, station, status, code, event FROM log ORDER BY seq`, func(r *sql.Rows) error {
		var le logRow
		var body string
		if err := r.Scan(&le.seq, &le.id, &le.caseID, &le.station, &le.status, &le.code, &body); err != nil {
			return err
		}
		le.ev = &domain.Event{}
		if err := json.Unmarshal([]byte(body), le.ev); err != nil {
			return err
		}
		hs.log = append(hs.log, le)
		hs.byID[le.id] = append(hs.byID[le.id], le)
		return nil
	})
	if err == nil {
		err = q(`SELECT event_id, station FROM rejections`, func(r *sql.Rows) error {
			var id, st string
			err := r.Scan(&id, &st)
			hs.rejected[id] = st
			return err
		})
	}
	if err == nil {
		err = q(`SELECT id, number, body FROM cases`, func(r *sql.Rows) error {
			var id, num, body string
			err := r.Scan(&id, &num, &body)
			hs.cases[id], hs.caseNumber[id] = canonical(body), num
			return err
		})
	}
	if err == nil {
		err = q(`SELECT case_id, station FROM case_scope`, func(r *sql.Rows) error {
			var id, st string
			err := r.Scan(&id, &st)
			if hs.scope[id] == nil {
				hs.scope[id] = map[string]bool{}
			}
			hs.scope[id][st] = true
			return err
		})
	}
	if err == nil {
		err = q(`SELECT station, log_seq FROM deliveries WHERE log_seq IS NOT NULL`, func(r *sql.Rows) error {
			var st string
			var seq int64
			err := r.Scan(&st, &seq)
			if hs.delivered[st] == nil {
				hs.delivered[st] = map[int64]bool{}
			}
			hs.delivered[st][seq] = true
			return err
		})
	}
	if err == nil {
		err = q(`SELECT code, last_dseq, tampered_at, tamper_note, kind, region FROM stations`, func(r *sql.Rows) error {
			var code, at, note, kind, region string
			var last int64
			err := r.Scan(&code, &last, &at, &note, &kind, &region)
			hs.lastDSeq[code] = last
			hs.offices[code] = domain.OfficeFacts{Code: code, Kind: domain.OfficeKind(kind), Region: region}
			if at != "" {
				hs.tampered[code] = note
			}
			return err
		})
	}
	if err == nil {
		err = q(`SELECT body FROM published WHERE kind='item'`, func(r *sql.Rows) error {
			var body string
			if err := r.Scan(&body); err != nil {
				return err
			}
			it := &domain.Item{}
			if err := json.Unmarshal([]byte(body), it); err != nil {
				return err
			}
			hs.items[it.Key()] = it
			return nil
		})
	}
	if err == nil {
		err = q(`SELECT hash, station FROM blob_owners`, func(r *sql.Rows) error {
			var h, st string
			err := r.Scan(&h, &st)
			hs.owners[h+"/"+st] = true
			return err
		})
	}
	return hs, err
}

// checkLog replays the hall's log from scratch: every accepted entry must
// pass authority and the state machine at its place in the log, every
// conflict entry must truly not fit there, no event may appear twice, and
// the hall's stored case states must equal the replay.
func (w *world) checkLog(hs *hallState) {
	for id, les := range hs.byID {
		if len(les) > 1 {
			w.rep.Duplicated++
			w.violation("event %s is in the hall's log %d times", id, len(les))
		}
		if _, ok := hs.rejected[id]; ok {
			w.rep.Duplicated++
			w.violation("event %s is both in the log and rejected", id)
		}
	}
	folded := map[string]*domain.Case{}
	for _, le := range hs.log {
		prev := folded[le.caseID]
		f := hs.facts(le.station, prev, le.ev)
		if err := domain.Authorize(prev, le.ev, f); err != nil {
			w.violation("log %d (%s by %s): fails authority on replay: %v", le.seq, le.ev.Kind, le.station, err)
			continue
		}
		if err := domain.CheckMaterial(prev, le.ev, f.Item); err != nil {
			w.violation("log %d (%s by %s): fails the item's rules on replay: %v", le.seq, le.ev.Kind, le.station, err)
			continue
		}
		next := &domain.Case{}
		if prev != nil {
			cp := *prev
			next = &cp
		}
		err := next.Apply(le.ev)
		switch le.status {
		case "accepted":
			if err != nil {
				w.violation("log %d (%s): accepted, but does not apply on replay: %v", le.seq, le.ev.Kind, err)
				continue
			}
			if le.ev.Kind.IsTransition() {
				from := domain.StateNone
				if prev != nil {
					from = prev.State
				}
				t, ok := domain.FindTransition(le.ev.Kind, from)
				want := t.To
				if ok && want == domain.StateNone {
					want = prev.CorrectionFrom
				}
				if !ok || next.State != want {
					w.violation("log %d: %s from %q led to %q: not a step of the state machine", le.seq, le.ev.Kind, from, next.State)
				}
			}
			folded[le.caseID] = next
		case "conflict":
			if err == nil || domain.ErrorCode(err) != domain.EConflict {
				w.violation("log %d (%s): recorded as a conflict, but on replay it gives %v", le.seq, le.ev.Kind, err)
			}
		}
	}
	for id, c := range folded {
		b, _ := json.Marshal(c)
		if got, want := hs.cases[id], canonical(string(b)); got != want {
			w.violation("case %s: the hall's stored state differs from its log's fold:\n stored %s\n folded %s", id, got, want)
		}
	}
}

// checkStation verifies one station against the hall.
func (w *world) checkStation(s *stationNode, hs *hallState) {
	ctx := context.Background()
	db := s.db
	events := map[string]localEvent{}
	rows, err := db.Query(`SELECT id, case_id, office, status, coalesce(hall_seq,0) FROM events ORDER BY local_seq`)
	if err != nil {
		w.violation("station %s: read events: %v", s.code, err)
		return
	}
	for rows.Next() {
		var id string
		var e localEvent
		if err := rows.Scan(&id, &e.caseID, &e.office, &e.status, &e.hallSeq); err != nil {
			w.violation("station %s: read events: %v", s.code, err)
		}
		events[id] = e
	}
	if err := rows.Err(); err != nil {
		w.violation("station %s: read events: %v", s.code, err)
	}
	rows.Close()
	for _, id := range s.acked {
		if _, ok := events[id]; !ok {
			w.rep.Lost++
			w.violation("station %s: event %s was acknowledged to the clerk but is gone", s.code, id)
		}
	}
	conflicts := map[string]bool{}
	crows, err := db.Query(`SELECT event_id FROM conflicts`)
	if err != nil {
		w.violation("station %s: read conflicts: %v", s.code, err)
	} else {
		for crows.Next() {
			var id string
			if err := crows.Scan(&id); err != nil {
				w.violation("station %s: read conflicts: %v", s.code, err)
			}
			conflicts[id] = true
		}
		if err := crows.Err(); err != nil {
			w.violation("station %s: read conflicts: %v", s.code, err)
		}
		crows.Close()
	}
	for id, e := range events {
		les := hs.byID[id]
		switch {
		case e.status == "pending":
			w.violation("station %s: event %s still pending at quiescence", s.code, id)
		case len(les) > 0:
			le := les[0]
			if e.status != le.status || e.hallSeq != le.seq {
				w.violation("station %s: event %s is %s@%d here but %s@%d at the hall", s.code, id, e.status, e.hallSeq, le.status, le.seq)
			}
			if le.status == "conflict" && le.station == s.code && !conflicts[id] {
				w.violation("station %s: its event %s is a conflict at the hall but not in its conflict list", s.code, id)
			}
		case hs.rejected[id] == s.code:
			if e.status != "rejected" || !conflicts[id] {
				w.violation("station %s: event %s was rejected by the hall but is %s here (listed %v)", s.code, id, e.status, conflicts[id])
			}
		case e.office == s.code:
			w.rep.Lost++
			w.violation("station %s: its event %s (%s) never reached the hall", s.code, id, e.status)
		default:
			w.violation("station %s: holds event %s of %s that the hall does not have", s.code, id, e.office)
		}
	}
	for _, le := range hs.log {
		if le.station == s.code {
			if _, ok := events[le.id]; !ok {
				w.rep.Lost++
				w.violation("station %s: lost its own event %s that the hall has at %d", s.code, le.id, le.seq)
			}
		}
		if hs.scope[le.caseID][s.code] && !hs.delivered[s.code][le.seq] {
			w.violation("hall: log %d of case %s never queued for %s, which is in the case's scope", le.seq, le.caseID, s.code)
		}
	}
	w.checkCases(s, hs)
	w.checkLocal(ctx, s, hs)
}

// checkCases compares every case in the station's scope with the hall's
// and refuses any case outside it.
func (w *world) checkCases(s *stationNode, hs *hallState) {
	local := map[string]string{}
	rows, err := s.db.Query(`SELECT id, body FROM cases`)
	if err != nil {
		w.violation("station %s: read cases: %v", s.code, err)
		return
	}
	for rows.Next() {
		var id, body string
		if err := rows.Scan(&id, &body); err != nil {
			w.violation("station %s: read cases: %v", s.code, err)
		}
		local[id] = canonical(body)
	}
	if err := rows.Err(); err != nil {
		w.violation("station %s: read cases: %v", s.code, err)
	}
	rows.Close()
	for id, body := range local {
		if !hs.scope[id][s.code] {
			w.violation("station %s holds case %s outside its scope", s.code, id)
			continue
		}
		if body != hs.cases[id] {
			w.violation("case %s differs at %s:\n station %s\n hall    %s", id, s.code, body, hs.cases[id])
		}
	}
	for id, sc := range hs.scope {
		if sc[s.code] && local[id] == "" {
			w.violation("station %s is in the scope of case %s but does not have it", s.code, id)
		}
	}
}

// checkLocal checks what a station must hold on its own: cursor at the end
// of its queue, attachments at the hall, an intact audit chain, state that
// is a function of the events, a database that passes integrity_check, and
// HLC stamps that never went backwards across restarts.
func (w *world) checkLocal(ctx context.Context, s *stationNode, hs *hallState) {
	st := s.st
	if cur, err := st.Cursor(ctx); err != nil || cur != hs.lastDSeq[s.code] {
		w.violation("station %s: cursor %d at quiescence, hall's last delivery %d (%v)", s.code, cur, hs.lastDSeq[s.code], err)
	}
	if rep, err := st.VerifyAudit(ctx); err != nil || !rep.OK {
		w.violation("station %s: audit chain broken: %+v %v", s.code, rep, err)
	}
	if _, fixed, err := st.Rebuild(ctx); err != nil || fixed != 0 {
		w.violation("station %s: %d cases differ from their events' fold (%v)", s.code, fixed, err)
	}
	if err := s.db.IntegrityCheck(ctx); err != nil {
		w.violation("station %s: %v", s.code, err)
	}
	rows, err := s.db.Query(`SELECT hlc FROM events WHERE office=? ORDER BY local_seq`, s.code)
	if err != nil {
		w.violation("station %s: read stamps: %v", s.code, err)
	} else {
		prev := ""
		for rows.Next() {
			var h string
			if err := rows.Scan(&h); err != nil {
				w.violation("station %s: read stamps: %v", s.code, err)
			}
			if h <= prev {
				w.violation("station %s: HLC went backwards: %s after %s", s.code, h, prev)
			}
			prev = h
		}
		if err := rows.Err(); err != nil {
			w.violation("station %s: read stamps: %v", s.code, err)
		}
		rows.Close()
	}
	blobs, err := st.Blobs(ctx, 100000)
	if err != nil {
		w.violation("station %s: blobs: %v", s.code, err)
	}
	for _, b := range blobs {
		if !hs.owners[b.SHA256+"/"+s.code] {
			w.violation("station %s: attachment %s never verified at the hall", s.code, b.SHA256)
			continue
		}
		data, err := os.ReadFile(filepath.Join(w.hall.dir, "blobs", b.SHA256[:2], b.SHA256))
		sum := sha256.Sum256(data)
		if err != nil || hex.EncodeToString(sum[:]) != b.SHA256 {
			w.violation("hall: attachment %s missing or damaged (%v)", b.SHA256, err)
		}
	}
}
