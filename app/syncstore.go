package app

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"yizhan/domain"
	"yizhan/workday"
)

// Event statuses at the station.
const (
	StatusPending  = "pending"  // made here, not yet acknowledged by the hall
	StatusAccepted = "accepted" // in the hall's log, counts for state
	StatusConflict = "conflict" // in the hall's log as a conflict: kept, does not count
	StatusRejected = "rejected" // refused by the hall (authority, malformed): kept, does not count
)

// PendingEvents returns local events the hall has not acknowledged yet, in the
// order they were made, up to limit events.
func (s *Station) PendingEvents(ctx context.Context, limit int) ([]*domain.Event, error) {
	return s.PendingEventsExcept(ctx, limit, nil)
}

// PendingEventsExcept is PendingEvents leaving out the events in except:
// sync reads the next batch while the hall's answer about the previous one
// is still being recorded.
func (s *Station) PendingEventsExcept(ctx context.Context, limit int, except []string) ([]*domain.Event, error) {
	q := `SELECT id,case_id,kind,from_state,payload,actor,actor_name,office,hlc,at FROM events WHERE status='pending' ORDER BY local_seq LIMIT ?`
	args := []any{limit}
	if len(except) > 0 {
		list, err := json.Marshal(except)
		if err != nil {
			return nil, fmt.Errorf("pending events: %w", err)
		}
		q = `SELECT id,case_id,kind,from_state,payload,actor,actor_name,office,hlc,at FROM events
			WHERE status='pending' AND id NOT IN (SELECT value FROM json_each(?)) ORDER BY local_seq LIMIT ?`
		args = []any{string(list), limit}
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("pending events: %w", err)
	}
	defer rows.Close()
	var out []*domain.Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("pending events: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func scanEvent(sc interface{ Scan(...any) error }) (*domain.Event, error) {
	var e domain.Event
	var kind, from, at string
	var payload []byte
	if err := sc.Scan(&e.ID, &e.CaseID, &kind, &from, &payload, &e.Actor, &e.ActorName, &e.Office, &e.HLC, &at); err != nil {
		return nil, err
	}
	e.Kind, e.From = domain.EventKind(kind), domain.State(from)
	if len(payload) > 0 {
		e.Payload = json.RawMessage(payload)
	}
	t, err := ParseTime(at)
	if err != nil {
		return nil, err
	}
	e.At = t
	return &e, nil
}

// PendingCount returns how many events wait to be pushed.
func (s *Station) PendingCount(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM events WHERE status='pending'`).Scan(&n)
	return n, err
}

// Ack is the hall's answer about one pushed event.
type Ack struct {
	EventID string
	Status  string // accepted, conflict or rejected (a duplicate is reported as what it was)
	HallSeq int64  // log position; 0 for rejected
	Reason  string
	Zh      string
}

// PulledEvent is an event in the hall's log as a pull page carries it.
type PulledEvent struct {
	Event   *domain.Event
	HallSeq int64
	Status  string // accepted or conflict
	Reason  string
	Zh      string
}

// Pulled is one pull page, applied in one transaction with its cursor.
type Pulled struct {
	Events    []PulledEvent
	Items     []*domain.Item
	Catalog   string
	Calendars []workday.YearSpec
	Cursor    int64
}

// ApplyAcks records the hall's answers to a push. Conflicts and rejections
// are kept as conflicts for staff to see; the affected cases are refolded so
// the screen shows what the hall decided.
//
// The acknowledged events, and then the events of their cases, are read in
// one query each, not one per event or case.
func (s *Station) ApplyAcks(ctx context.Context, acks []Ack) error {
	return s.update(ctx, func(tx Tx) error {
		ids := make([]string, len(acks))
		for i, a := range acks {
			ids[i] = a.EventID
		}
		known, err := eventStates(ctx, tx, ids)
		if err != nil {
			return fmt.Errorf("acks: %w", err)
		}
		touched := map[string]bool{}
		var order []string
		acked := map[string]string{} // event id -> its status before the ack
		for _, a := range acks {
			ev, ok := known[a.EventID]
			if !ok {
				continue
			}
			if err := s.setEventStatus(ctx, tx, a.EventID, ev.caseID, ev.kind, a.Status, a.HallSeq, a.Reason, a.Zh); err != nil {
				return err
			}
			if _, ok := acked[a.EventID]; !ok {
				acked[a.EventID] = ev.status
			}
			if !touched[ev.caseID] {
				touched[ev.caseID] = true
				order = append(order, ev.caseID)
			}
		}
		runs, err := caseRuns(ctx, tx, order)
		if err != nil {
			return err
		}
		for _, id := range order {
			if foldOrderKept(runs[id], acked) {
				continue // the case folds from the same events in the same order: its state stands
			}
			if err := s.refold(ctx, tx, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// eventState is what ApplyAcks and ApplyPulled need of a stored event.
type eventState struct {
	caseID, kind, status, reason string
	hallSeq                      int64
}

// eventStates reads the stored events among ids, keyed by id, in one query.
func eventStates(ctx context.Context, tx Tx, ids []string) (map[string]*eventState, error) {
	out := make(map[string]*eventState, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := tx.SQL().QueryContext(ctx, `SELECT id, case_id, kind, status, coalesce(hall_seq,0), reason FROM events
		WHERE id IN (SELECT value FROM json_each(?))`, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var e eventState
		if err := rows.Scan(&id, &e.caseID, &e.kind, &e.status, &e.hallSeq, &e.reason); err != nil {
			return nil, err
		}
		out[id] = &e
	}
	return out, rows.Err()
}

// runEvent is one event of a case as foldOrderKept sees it.
type runEvent struct {
	id, status string
	seq        int64
}

// caseRuns reads the events of the given cases in local order, keyed by
// case, in one query.
func caseRuns(ctx context.Context, tx Tx, caseIDs []string) (map[string][]runEvent, error) {
	out := make(map[string][]runEvent, len(caseIDs))
	if len(caseIDs) == 0 {
		return out, nil
	}
	list, err := json.Marshal(caseIDs)
	if err != nil {
		return nil, err
	}
	rows, err := tx.SQL().QueryContext(ctx, `SELECT case_id, id, status, coalesce(hall_seq,0) FROM events
		WHERE case_id IN (SELECT value FROM json_each(?)) ORDER BY case_id, local_seq`, string(list))
	if err != nil {
		return nil, fmt.Errorf("case events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		var e runEvent
		if err := rows.Scan(&c, &e.id, &e.status, &e.seq); err != nil {
			return nil, fmt.Errorf("case events: %w", err)
		}
		out[c] = append(out[c], e)
	}
	return out, rows.Err()
}

// foldOrderKept reports whether acknowledging the events in acked leaves a
// case's fold unchanged: refold folds the accepted events in log order and
// then the pending ones in local order, and a push that the hall accepted
// whole and in order (the usual case) only moves events from the front of
// the pending run to the end of the accepted run. When that holds the
// stored state is already what refold would write, and reading, folding
// and writing the case again is skipped. events are the case's events in
// local order, with their statuses after the ack.
func foldOrderKept(events []runEvent, acked map[string]string) bool {
	var prevAcc, newAcc, prevPend, newPend []runEvent
	for _, e := range events {
		status := e.status
		if was, ok := acked[e.id]; ok {
			// Before the ack it counted as it was then; now as the hall said.
			switch was {
			case StatusPending:
				prevPend = append(prevPend, e)
			case StatusAccepted:
				prevAcc = append(prevAcc, e) // its position does not change
			}
			switch status {
			case StatusAccepted:
				newAcc = append(newAcc, e)
			case StatusPending:
				newPend = append(newPend, e)
			}
			continue
		}
		switch {
		case status == StatusAccepted:
			prevAcc, newAcc = append(prevAcc, e), append(newAcc, e)
		case status == StatusPending:
			prevPend, newPend = append(prevPend, e), append(newPend, e)
		}
	}
	bySeq := func(l []runEvent) { sort.SliceStable(l, func(i, j int) bool { return l[i].seq < l[j].seq }) }
	bySeq(prevAcc)
	bySeq(newAcc)
	prev, next := append(prevAcc, prevPend...), append(newAcc, newPend...)
	if len(prev) != len(next) {
		return false
	}
	for i := range prev {
		if prev[i].id != next[i].id {
			return false
		}
	}
	return true
}

func (s *Station) setEventStatus(ctx context.Context, tx Tx, id, caseID, kind, status string, hallSeq int64, reason, zh string) error {
	var hs any
	if hallSeq > 0 {
		hs = hallSeq
	}
	if _, err := tx.SQL().ExecContext(ctx, `UPDATE events SET status=?, hall_seq=coalesce(?, hall_seq), reason=? WHERE id=?`, status, hs, reason, id); err != nil {
		return fmt.Errorf("event %s status: %w", id, err)
	}
	if status == StatusConflict || status == StatusRejected {
		if zh == "" {
			zh = "该操作与大厅记录冲突，未生效，请核对后处理。"
		}
		if _, err := tx.SQL().ExecContext(ctx, `INSERT INTO conflicts(event_id,case_id,kind,reason,zh,created_at) VALUES(?,?,?,?,?,?) ON CONFLICT(event_id) DO NOTHING`,
			id, caseID, kind, reason, zh, FormatTime(s.now())); err != nil {
			return fmt.Errorf("event %s conflict: %w", id, err)
		}
	}
	return nil
}

// ApplyPulled applies one pull page: events, catalog items and calendar
// years, and the new cursor, in one transaction, so a cut connection resumes
// exactly after the last page applied.
//
// Nothing another station sent can stop the page: an event out of bounds,
// or a case this station cannot store (a case number it already holds for
// another case), is set aside in quarantine, listed as a conflict and
// reported to the hall, and the rest of the page applies.
func (s *Station) ApplyPulled(ctx context.Context, p Pulled) error {
	var cals []workday.YearSpec
	err := s.update(ctx, func(tx Tx) error {
		events, err := s.screenPulled(ctx, tx, p.Events)
		if err != nil {
			return err
		}
		if err := s.applyGuarded(ctx, tx, events); err != nil {
			return err
		}
		for _, it := range p.Items {
			if _, err := s.putValidItem(tx, p.Catalog, it); err != nil {
				return fmt.Errorf("pull item %s: %w", it.Key(), err)
			}
		}
		if len(p.Items) > 0 && p.Catalog != "" {
			if err := tx.SetMeta("catalog_version", p.Catalog); err != nil {
				return err
			}
		}
		for _, y := range p.Calendars {
			if err := s.putCalendar(tx, y); err != nil {
				return err
			}
			cals = append(cals, y)
		}
		return tx.SetMeta("pull_cursor", strconv.FormatInt(p.Cursor, 10))
	})
	if err != nil {
		return err
	}
	for _, y := range cals {
		if err := s.cal.Publish(y); err != nil {
			return err
		}
	}
	if len(cals) > 0 {
		return s.recomputeDeadlines(ctx)
	}
	return nil
}

// applyEvents stores a page's events (or some of them) and refolds the
// cases they touch: the work of ApplyPulled before the catalog and cursor.
//
// A case this station has never held an event of (the common case of a
// first pull, or a case routed here) is folded from the page's own events;
// only a case with earlier local history is refolded from the database.
func (s *Station) applyEvents(ctx context.Context, tx Tx, events []PulledEvent) error {
	// fresh: for each case in the page, in first-seen order, whether it
	// had no local event before this page.
	fresh := map[string]bool{}
	var order []string
	accepted := map[string][]PulledEvent{}
	changed := map[string]bool{} // cases with an event new or changed by this page
	// What the station held before the page, read in two queries:
	// its cases with events, and the page's events it has. held is
	// kept up to date with what the page writes.
	held, holding, err := s.pageHeld(ctx, tx, events)
	if err != nil {
		return err
	}
	ins := &eventInserts{}
	for _, pe := range events {
		e := pe.Event
		s.hlc.Observe(e.HLC)
		if _, seen := fresh[e.CaseID]; !seen {
			fresh[e.CaseID] = !holding[e.CaseID]
			order = append(order, e.CaseID)
		}
		// The entry of an event this station pushed in the same request
		// is a stub (no stamp, no office): it confirms an event the
		// station holds and is never stored as one.
		stub := e.HLC == "" && e.Office == ""
		added := false
		if !stub && held[e.ID] == nil {
			// New here (held is complete for the page's events): it
			// goes in with the next batch of inserts.
			ins.add(e, pe.Status, pe.HallSeq)
			held[e.ID] = &eventState{caseID: e.CaseID, kind: string(e.Kind), status: pe.Status, hallSeq: max(pe.HallSeq, 0)}
			added = true
		}
		if pe.Status == StatusAccepted {
			accepted[e.CaseID] = append(accepted[e.CaseID], pe)
		}
		if added {
			changed[e.CaseID] = true
			if pe.Status != StatusConflict {
				continue
			}
		} else {
			// Our own event coming back, or one seen before: take the
			// hall's verdict and position, unless the ack already did.
			fresh[e.CaseID] = false
			have := held[e.ID]
			if have == nil {
				var h eventState
				err := tx.SQL().QueryRowContext(ctx, `SELECT status, coalesce(hall_seq,0), reason FROM events WHERE id=?`, e.ID).Scan(&h.status, &h.hallSeq, &h.reason)
				if stub && errors.Is(err, sql.ErrNoRows) {
					return fmt.Errorf("pull event %s: the hall sent a stub for an event this station does not hold", e.ID)
				}
				if err != nil {
					return fmt.Errorf("pull event %s: %w", e.ID, err)
				}
				have = &h
				held[e.ID] = have
			}
			if have.status == pe.Status && have.hallSeq == pe.HallSeq && have.reason == pe.Reason {
				continue
			}
			changed[e.CaseID] = true
		}
		if err := ins.flush(ctx, tx); err != nil {
			return err
		}
		if err := s.setEventStatus(ctx, tx, e.ID, e.CaseID, string(e.Kind), pe.Status, pe.HallSeq, pe.Reason, pe.Zh); err != nil {
			return err
		}
		if h := held[e.ID]; h != nil {
			// As setEventStatus left the row.
			h.status, h.reason = pe.Status, pe.Reason
			if pe.HallSeq > 0 {
				h.hallSeq = pe.HallSeq
			}
		}
	}
	if err := ins.flush(ctx, tx); err != nil {
		return err
	}
	for _, id := range order {
		if !changed[id] {
			continue // nothing about the case changed here
		}
		if fresh[id] {
			if err := s.foldPage(ctx, tx, accepted[id]); err != nil {
				return err
			}
			continue
		}
		if err := s.refold(ctx, tx, id); err != nil {
			return err
		}
	}
	return nil
}

// screenPulled sets aside the page's events that are out of bounds
// (domain.CheckEvent) or belong to a case already set aside, and returns
// the others.
func (s *Station) screenPulled(ctx context.Context, tx Tx, page []PulledEvent) ([]PulledEvent, error) {
	if len(page) == 0 {
		return page, nil
	}
	var cases []string
	seen := map[string]bool{}
	for _, pe := range page {
		if !seen[pe.Event.CaseID] {
			seen[pe.Event.CaseID] = true
			cases = append(cases, pe.Event.CaseID)
		}
	}
	list, err := json.Marshal(cases)
	if err != nil {
		return nil, fmt.Errorf("pull: %w", err)
	}
	rows, err := tx.SQL().QueryContext(ctx, `SELECT DISTINCT case_id FROM quarantine WHERE case_id IN (SELECT value FROM json_each(?))`, string(list))
	if err != nil {
		return nil, fmt.Errorf("pull: quarantine: %w", err)
	}
	aside := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return nil, fmt.Errorf("pull: quarantine: %w", err)
		}
		aside[c] = true
	}
	rows.Close()
	out := page[:0:0]
	for _, pe := range page {
		e := pe.Event
		stub := e.HLC == "" && e.Office == ""
		var why error
		switch {
		case aside[e.CaseID]:
			why = domain.Errorf(domain.EConflict, "该办件此前已被隔离。", "case %s is in quarantine", e.CaseID)
		case !stub:
			why = domain.CheckEvent(e)
		}
		if why == nil {
			out = append(out, pe)
			continue
		}
		if err := s.quarantine(ctx, tx, pe, why); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// applyGuarded applies a page's events; if that fails on something the
// data cannot be (a constraint, an event that does not fit), it applies
// them again case by case and sets aside each case that still fails.
func (s *Station) applyGuarded(ctx context.Context, tx Tx, events []PulledEvent) error {
	if _, err := tx.SQL().ExecContext(ctx, `SAVEPOINT pulled`); err != nil {
		return fmt.Errorf("pull: %w", err)
	}
	err := s.applyEvents(ctx, tx, events)
	if err == nil {
		_, err = tx.SQL().ExecContext(ctx, `RELEASE pulled`)
		return err
	}
	if !s.quarantinable(err) {
		return err
	}
	if _, err := tx.SQL().ExecContext(ctx, `ROLLBACK TO pulled; RELEASE pulled`); err != nil {
		return fmt.Errorf("pull: %w", err)
	}
	var order []string
	byCase := map[string][]PulledEvent{}
	for _, pe := range events {
		id := pe.Event.CaseID
		if _, ok := byCase[id]; !ok {
			order = append(order, id)
		}
		byCase[id] = append(byCase[id], pe)
	}
	for _, id := range order {
		if _, err := tx.SQL().ExecContext(ctx, `SAVEPOINT pulled_case`); err != nil {
			return fmt.Errorf("pull: %w", err)
		}
		err := s.applyEvents(ctx, tx, byCase[id])
		if err == nil {
			if _, err := tx.SQL().ExecContext(ctx, `RELEASE pulled_case`); err != nil {
				return fmt.Errorf("pull: %w", err)
			}
			continue
		}
		if !s.quarantinable(err) {
			return err
		}
		if _, err := tx.SQL().ExecContext(ctx, `ROLLBACK TO pulled_case; RELEASE pulled_case`); err != nil {
			return fmt.Errorf("pull: %w", err)
		}
		why := err
		if s.db.IsConstraint(err) {
			why = domain.Errorf(domain.EConflict, "该办件与本站已有的办件冲突（如办件编号重复），无法保存。", "case %s: %v", id, err)
		}
		for _, pe := range byCase[id] {
			if err := s.quarantine(ctx, tx, pe, why); err != nil {
				return err
			}
		}
	}
	return nil
}

// quarantinable reports whether a failure to apply pulled events is the
// events' (a constraint they break, an event that does not fit), not the
// station's (a full disk, a cancelled sync), which must fail the page.
func (s *Station) quarantinable(err error) bool {
	if s.db.IsConstraint(err) {
		return true
	}
	switch domain.ErrorCode(err) {
	case domain.EInvalid, domain.EConflict:
		return true
	}
	return false
}

// quarantine keeps a pulled event aside, as it came, with why it could
// not be applied, and lists it as a conflict for the clerk. Setting an
// event aside twice keeps the first record.
func (s *Station) quarantine(ctx context.Context, tx Tx, pe PulledEvent, why error) error {
	e := pe.Event
	raw, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("quarantine %s: %w", e.ID, err)
	}
	code, reason := domain.ErrorCode(why), domain.ErrorMessage(why)
	if reason == "internal error" {
		reason = why.Error()
	}
	zh := "大厅转来的“" + e.Kind.Zh() + "”无法在本站应用，已隔离并报告大厅：" + domain.ZhMessage(why)
	now := FormatTime(s.now())
	if _, err := tx.SQL().ExecContext(ctx, `INSERT INTO quarantine(event_id,case_id,hall_seq,kind,office,event,code,reason,zh,created_at)
		VALUES(?,?,?,?,?,?,?,?,?,?) ON CONFLICT(event_id) DO NOTHING`,
		e.ID, e.CaseID, max(pe.HallSeq, 0), string(e.Kind), e.Office, string(raw), code, reason, zh, now); err != nil {
		return fmt.Errorf("quarantine %s: %w", e.ID, err)
	}
	if _, err := tx.SQL().ExecContext(ctx, `INSERT INTO conflicts(event_id,case_id,kind,reason,zh,created_at) VALUES(?,?,?,?,?,?)
		ON CONFLICT(event_id) DO NOTHING`, e.ID, e.CaseID, string(e.Kind), "quarantined: "+reason, zh, now); err != nil {
		return fmt.Errorf("quarantine %s: %w", e.ID, err)
	}
	return nil
}

// Quarantined is an event of a pull page this station set aside.
type Quarantined struct {
	EventID  string `json:"event_id"`
	CaseID   string `json:"case_id"`
	HallSeq  int64  `json:"hall_seq,omitempty"`
	Kind     string `json:"kind"`
	Office   string `json:"office"`
	Code     string `json:"code"`
	Reason   string `json:"reason"`
	Zh       string `json:"zh"`
	At       string `json:"at"`
	Reported bool   `json:"reported"`
}

// QuarantineList lists the events set aside, newest first; unreported
// only when unreported is set (what sync reports to the hall), at most
// limit.
func (s *Station) QuarantineList(ctx context.Context, unreported bool, limit int) ([]Quarantined, error) {
	q := `SELECT event_id,case_id,hall_seq,kind,office,code,reason,zh,created_at,reported_at<>'' FROM quarantine`
	if unreported {
		q += ` WHERE reported_at=''`
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY created_at DESC, event_id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("quarantine: %w", err)
	}
	defer rows.Close()
	out := []Quarantined{}
	for rows.Next() {
		var x Quarantined
		if err := rows.Scan(&x.EventID, &x.CaseID, &x.HallSeq, &x.Kind, &x.Office, &x.Code, &x.Reason, &x.Zh, &x.At, &x.Reported); err != nil {
			return nil, fmt.Errorf("quarantine: %w", err)
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// MarkQuarantineReported records that the hall has the reports of ids.
func (s *Station) MarkQuarantineReported(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return fmt.Errorf("quarantine: %w", err)
	}
	_, err = s.db.ExecContext(ctx, `UPDATE quarantine SET reported_at=? WHERE reported_at='' AND event_id IN (SELECT value FROM json_each(?))`,
		FormatTime(s.now()), string(list))
	if err != nil {
		return fmt.Errorf("quarantine reported: %w", err)
	}
	return nil
}

// pageHeld reads what the station holds of a page before applying it: its
// stored events among the page's, and the page's cases it has any event of.
func (s *Station) pageHeld(ctx context.Context, tx Tx, page []PulledEvent) (map[string]*eventState, map[string]bool, error) {
	if len(page) == 0 {
		return map[string]*eventState{}, map[string]bool{}, nil
	}
	ids := make([]string, len(page))
	var cases []string
	seen := map[string]bool{}
	for i, pe := range page {
		ids[i] = pe.Event.ID
		if !seen[pe.Event.CaseID] {
			seen[pe.Event.CaseID] = true
			cases = append(cases, pe.Event.CaseID)
		}
	}
	held, err := eventStates(ctx, tx, ids)
	if err != nil {
		return nil, nil, fmt.Errorf("pull: %w", err)
	}
	list, err := json.Marshal(cases)
	if err != nil {
		return nil, nil, fmt.Errorf("pull: %w", err)
	}
	rows, err := tx.SQL().QueryContext(ctx, `SELECT DISTINCT case_id FROM events WHERE case_id IN (SELECT value FROM json_each(?))`, string(list))
	if err != nil {
		return nil, nil, fmt.Errorf("pull: %w", err)
	}
	defer rows.Close()
	holding := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, nil, fmt.Errorf("pull: %w", err)
		}
		holding[c] = true
	}
	return held, holding, rows.Err()
}

// eventInserts collects a page's new events and inserts them, in page
// order, many rows to a statement.
type eventInserts struct {
	args []any
	n    int
}

// insertChunk is the most rows one INSERT carries (12 parameters a row).
const insertChunk = 64

func (b *eventInserts) add(e *domain.Event, status string, hallSeq int64) {
	var hs any
	if hallSeq > 0 {
		hs = hallSeq
	}
	b.args = append(b.args, e.ID, e.CaseID, string(e.Kind), string(e.From), []byte(e.Payload), e.Actor, e.ActorName, e.Office,
		e.HLC, FormatTime(e.At), hs, status)
	b.n++
}

// flush inserts the collected events. Each was checked absent in this
// transaction, so each must go in.
func (b *eventInserts) flush(ctx context.Context, tx Tx) error {
	const cols = 12
	for done := 0; done < b.n; {
		k := min(insertChunk, b.n-done)
		q := `INSERT INTO events(id,case_id,kind,from_state,payload,actor,actor_name,office,hlc,at,hall_seq,status) VALUES` +
			strings.Repeat(`(?,?,?,?,?,?,?,?,?,?,?,?),`, k-1) + `(?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO NOTHING`
		res, err := tx.SQL().ExecContext(ctx, q, b.args[done*cols:(done+k)*cols]...)
		if err != nil {
			return fmt.Errorf("insert events: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != int64(k) {
			return fmt.Errorf("insert events: %d of %d new events stored (%v)", n, k, err)
		}
		done += k
	}
	b.args, b.n = b.args[:0], 0
	return nil
}

// foldPage folds a case that had no local history from the events of the
// page the hall accepted: what refold would read back, without reading it.
func (s *Station) foldPage(ctx context.Context, tx Tx, accepted []PulledEvent) error {
	sort.SliceStable(accepted, func(i, j int) bool { return accepted[i].HallSeq < accepted[j].HallSeq })
	evs := make([]*domain.Event, len(accepted))
	for i, pe := range accepted {
		// As stored and read back: times in UTC.
		e := *pe.Event
		e.At = e.At.UTC()
		evs[i] = &e
	}
	c, _ := domain.Fold(evs)
	if c == nil {
		return nil // the open event has not arrived yet
	}
	return s.putCase(tx, c)
}

// Cursor returns the last hall log position applied here.
func (s *Station) Cursor(ctx context.Context) (int64, error) {
	v, err := s.meta(ctx, "pull_cursor")
	if err != nil || v == "" {
		return 0, err
	}
	return strconv.ParseInt(v, 10, 64)
}

// refold rebuilds a case from its events: first those in the hall's log, in
// log order, then this station's pending ones on top in the order they were
// made. The hall's order is the only one that decides; pending events that
// no longer fit stay pending until the hall records them as conflicts.
func (s *Station) refold(ctx context.Context, tx Tx, caseID string) error {
	evs, err := caseEvents(ctx, tx, caseID)
	if err != nil {
		return err
	}
	c, _ := domain.Fold(evs)
	if c == nil {
		return nil // the open event has not arrived yet
	}
	return s.putCase(tx, c)
}

func caseEvents(ctx context.Context, tx Tx, caseID string) ([]*domain.Event, error) {
	rows, err := tx.SQL().QueryContext(ctx, `SELECT id,case_id,kind,from_state,payload,actor,actor_name,office,hlc,at FROM events
		WHERE case_id=? AND status IN ('accepted','pending') ORDER BY hall_seq IS NULL, hall_seq, local_seq`, caseID)
	if err != nil {
		return nil, fmt.Errorf("case events %s: %w", caseID, err)
	}
	defer rows.Close()
	var evs []*domain.Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("case events %s: %w", caseID, err)
		}
		evs = append(evs, e)
	}
	return evs, rows.Err()
}

// Rebuild refolds every case from its events and reports cases whose stored
// state differed: a support tool, and the check that state is a function of
// the events alone.
func (s *Station) Rebuild(ctx context.Context) (checked, fixed int, err error) {
	var ids []string
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT case_id FROM events`)
	if err != nil {
		return 0, 0, fmt.Errorf("rebuild: %w", err)
	}
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	err = s.update(ctx, func(tx Tx) error {
		for _, id := range ids {
			before, err := caseJSON(tx, id)
			if err != nil {
				return err
			}
			if err := s.refold(ctx, tx, id); err != nil {
				return err
			}
			after, err := caseJSON(tx, id)
			if err != nil {
				return err
			}
			checked++
			if before != after {
				fixed++
			}
		}
		return nil
	})
	return checked, fixed, err
}

// caseJSON returns the stored case id as JSON ("null" when absent), for
// comparing what Rebuild found with what it wrote.
func caseJSON(tx Tx, id string) (string, error) {
	c, err := tx.Case(id)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(c)
	return string(b), err
}

// StateFromEvents folds a case from the stored events without writing it.
func (s *Station) StateFromEvents(ctx context.Context, caseID string) (*domain.Case, error) {
	var c *domain.Case
	err := s.update(ctx, func(tx Tx) error {
		evs, err := caseEvents(ctx, tx, caseID)
		if err != nil {
			return err
		}
		c, _ = domain.Fold(evs)
		return nil
	})
	return c, err
}

func (s *Station) putCalendar(tx Tx, y workday.YearSpec) error {
	if err := y.Validate(); err != nil {
		return err
	}
	return tx.PutCalendarYear(y)
}

// PublishCalendar stores a holiday calendar year locally (the hall normally
// sends these by sync) and recomputes the deadlines it may move.
func (s *Station) PublishCalendar(ctx context.Context, a Actor, y workday.YearSpec) error {
	err := s.update(ctx, func(tx Tx) error {
		if err := s.putCalendar(tx, y); err != nil {
			return err
		}
		return s.audit(tx, a, "calendar.publish", strconv.Itoa(y.Year), "", "", y.Source)
	})
	if err != nil {
		return err
	}
	if err := s.cal.Publish(y); err != nil {
		return err
	}
	return s.recomputeDeadlines(ctx)
}

// recomputeDeadlines refreshes stored due dates of open cases after the
// calendar changed, so overdue filters stay right.
func (s *Station) recomputeDeadlines(ctx context.Context) error {
	var ids []string
	if err := s.view(ctx, func(tx Tx) error {
		var err error
		ids, err = tx.OpenAcceptedCases()
		return err
	}); err != nil {
		return fmt.Errorf("recompute deadlines: %w", err)
	}
	return s.update(ctx, func(tx Tx) error {
		for _, id := range ids {
			c, err := loadCase(tx, id)
			if err != nil {
				return err
			}
			if err := s.putCase(tx, c); err != nil {
				return err
			}
		}
		return nil
	})
}
