package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

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
	var out []*domain.Event
	err := s.view(ctx, func(tx Tx) error {
		var err error
		out, err = tx.PendingEvents(limit, except)
		return err
	})
	return out, err
}

// PendingCount returns how many events wait to be pushed.
func (s *Station) PendingCount(ctx context.Context) (int, error) {
	var n int
	err := s.view(ctx, func(tx Tx) error {
		var err error
		n, err = tx.PendingCount()
		return err
	})
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
		known, err := tx.EventStates(ids)
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
			if err := s.setEventStatus(tx, a.EventID, ev.CaseID, ev.Kind, a.Status, a.HallSeq, a.Reason, a.Zh); err != nil {
				return err
			}
			if _, ok := acked[a.EventID]; !ok {
				acked[a.EventID] = ev.Status
			}
			if !touched[ev.CaseID] {
				touched[ev.CaseID] = true
				order = append(order, ev.CaseID)
			}
		}
		runs, err := tx.CaseRuns(order)
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

// EventState is what the station holds of an event besides the event
// itself: what ApplyAcks and ApplyPulled need to know of it.
type EventState struct {
	CaseID, Kind, Status, Reason string
	HallSeq                      int64 // 0: not in the hall's log (yet)
}

// RunEvent is one event of a case as foldOrderKept sees it.
type RunEvent struct {
	ID, Status string
	HallSeq    int64
}

// StoredEvent is an event to store with its status and hall log position
// (0: none).
type StoredEvent struct {
	Event   *domain.Event
	Status  string
	HallSeq int64
}

// foldOrderKept reports whether acknowledging the events in acked leaves a
// case's fold unchanged: refold folds the accepted events in log order and
// then the pending ones in local order, and a push that the hall accepted
// whole and in order (the usual case) only moves events from the front of
// the pending run to the end of the accepted run. When that holds the
// stored state is already what refold would write, and reading, folding
// and writing the case again is skipped. events are the case's events in
// local order, with their statuses after the ack.
func foldOrderKept(events []RunEvent, acked map[string]string) bool {
	var prevAcc, newAcc, prevPend, newPend []RunEvent
	for _, e := range events {
		status := e.Status
		if was, ok := acked[e.ID]; ok {
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
	bySeq := func(l []RunEvent) { sort.SliceStable(l, func(i, j int) bool { return l[i].HallSeq < l[j].HallSeq }) }
	bySeq(prevAcc)
	bySeq(newAcc)
	prev, next := append(prevAcc, prevPend...), append(newAcc, newPend...)
	if len(prev) != len(next) {
		return false
	}
	for i := range prev {
		if prev[i].ID != next[i].ID {
			return false
		}
	}
	return true
}

func (s *Station) setEventStatus(tx Tx, id, caseID, kind, status string, hallSeq int64, reason, zh string) error {
	if err := tx.SetEventStatus(id, status, hallSeq, reason); err != nil {
		return err
	}
	if status == StatusConflict || status == StatusRejected {
		if zh == "" {
			zh = "该操作与大厅记录冲突，未生效，请核对后处理。"
		}
		return tx.AddConflict(ConflictRecord{EventID: id, CaseID: caseID, Kind: kind, Reason: reason, Zh: zh, At: s.now()})
	}
	return nil
}

// ConflictRecord lists an event as a conflict a person must look at.
type ConflictRecord struct {
	EventID, CaseID, Kind string
	Reason                string // English, for logs and the hall
	Zh                    string // what the clerk reads
	At                    time.Time
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
	held, holding, err := pageHeld(tx, events)
	if err != nil {
		return err
	}
	var ins []StoredEvent
	flush := func() error {
		if len(ins) == 0 {
			return nil
		}
		err := tx.InsertEvents(ins)
		ins = ins[:0]
		return err
	}
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
			ins = append(ins, StoredEvent{Event: e, Status: pe.Status, HallSeq: pe.HallSeq})
			held[e.ID] = &EventState{CaseID: e.CaseID, Kind: string(e.Kind), Status: pe.Status, HallSeq: max(pe.HallSeq, 0)}
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
				h, err := tx.EventState(e.ID)
				if err != nil {
					return fmt.Errorf("pull event %s: %w", e.ID, err)
				}
				if h == nil {
					if stub {
						return fmt.Errorf("pull event %s: the hall sent a stub for an event this station does not hold", e.ID)
					}
					return fmt.Errorf("pull event %s: not held", e.ID)
				}
				have = h
				held[e.ID] = have
			}
			if have.Status == pe.Status && have.HallSeq == pe.HallSeq && have.Reason == pe.Reason {
				continue
			}
			changed[e.CaseID] = true
		}
		if err := flush(); err != nil {
			return err
		}
		if err := s.setEventStatus(tx, e.ID, e.CaseID, string(e.Kind), pe.Status, pe.HallSeq, pe.Reason, pe.Zh); err != nil {
			return err
		}
		if h := held[e.ID]; h != nil {
			// As setEventStatus left the row.
			h.Status, h.Reason = pe.Status, pe.Reason
			if pe.HallSeq > 0 {
				h.HallSeq = pe.HallSeq
			}
		}
	}
	if err := flush(); err != nil {
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
	aside, err := tx.QuarantinedCases(cases)
	if err != nil {
		return nil, fmt.Errorf("pull: %w", err)
	}
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
		if err := s.quarantine(tx, pe, why); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// applyGuarded applies a page's events; if that fails on something the
// data cannot be (a constraint, an event that does not fit), it applies
// them again case by case and sets aside each case that still fails.
func (s *Station) applyGuarded(ctx context.Context, tx Tx, events []PulledEvent) error {
	err := tx.Savepoint(func() error { return s.applyEvents(ctx, tx, events) })
	if err == nil || !quarantinable(err) {
		return err
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
		err := tx.Savepoint(func() error { return s.applyEvents(ctx, tx, byCase[id]) })
		if err == nil {
			continue
		}
		if !quarantinable(err) {
			return err
		}
		why := err
		if errors.Is(err, ErrConstraint) {
			why = domain.Errorf(domain.EConflict, "该办件与本站已有的办件冲突（如办件编号重复），无法保存。", "case %s: %v", id, err)
		}
		for _, pe := range byCase[id] {
			if err := s.quarantine(tx, pe, why); err != nil {
				return err
			}
		}
	}
	return nil
}

// quarantinable reports whether a failure to apply pulled events is the
// events' (a constraint they break, an event that does not fit), not the
// station's (a full disk, a cancelled sync), which must fail the page.
func quarantinable(err error) bool {
	if errors.Is(err, ErrConstraint) {
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
func (s *Station) quarantine(tx Tx, pe PulledEvent, why error) error {
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
	now := s.now()
	if err := tx.PutQuarantine(QuarantineRecord{Quarantined: Quarantined{EventID: e.ID, CaseID: e.CaseID, HallSeq: max(pe.HallSeq, 0),
		Kind: string(e.Kind), Office: e.Office, Code: code, Reason: reason, Zh: zh}, Event: raw, At: now}); err != nil {
		return err
	}
	return tx.AddConflict(ConflictRecord{EventID: e.ID, CaseID: e.CaseID, Kind: string(e.Kind), Reason: "quarantined: " + reason, Zh: zh, At: now})
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

// QuarantineRecord is an event set aside as the store keeps it: what
// Quarantined shows, and the event as it came.
type QuarantineRecord struct {
	Quarantined
	Event []byte // the event's JSON
	At    time.Time
}

// QuarantineList lists the events set aside, newest first; unreported
// only when unreported is set (what sync reports to the hall), at most
// limit.
func (s *Station) QuarantineList(ctx context.Context, unreported bool, limit int) ([]Quarantined, error) {
	var out []Quarantined
	err := s.view(ctx, func(tx Tx) error {
		var err error
		out, err = tx.QuarantineList(unreported, limit)
		return err
	})
	return out, err
}

// MarkQuarantineReported records that the hall has the reports of ids.
func (s *Station) MarkQuarantineReported(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	return s.update(ctx, func(tx Tx) error { return tx.MarkQuarantineReported(ids, s.now()) })
}

// pageHeld reads what the station holds of a page before applying it: its
// stored events among the page's, and the page's cases it has any event of.
func pageHeld(tx Tx, page []PulledEvent) (map[string]*EventState, map[string]bool, error) {
	if len(page) == 0 {
		return map[string]*EventState{}, map[string]bool{}, nil
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
	held, err := tx.EventStates(ids)
	if err != nil {
		return nil, nil, fmt.Errorf("pull: %w", err)
	}
	holding, err := tx.CasesWithEvents(cases)
	if err != nil {
		return nil, nil, fmt.Errorf("pull: %w", err)
	}
	return held, holding, nil
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
	evs, err := tx.CaseEvents(caseID)
	if err != nil {
		return err
	}
	c, _ := domain.Fold(evs)
	if c == nil {
		return nil // the open event has not arrived yet
	}
	return s.putCase(tx, c)
}

// Rebuild refolds every case from its events and reports cases whose stored
// state differed: a support tool, and the check that state is a function of
// the events alone.
func (s *Station) Rebuild(ctx context.Context) (checked, fixed int, err error) {
	var ids []string
	if err := s.view(ctx, func(tx Tx) error {
		var err error
		ids, err = tx.EventCases()
		return err
	}); err != nil {
		return 0, 0, fmt.Errorf("rebuild: %w", err)
	}
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
		evs, err := tx.CaseEvents(caseID)
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
