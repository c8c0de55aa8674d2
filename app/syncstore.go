package app

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"yizhan/domain"
	"yizhan/sqlite"
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
	rows, err := s.db.QueryContext(ctx, `SELECT id,case_id,kind,from_state,payload,actor,actor_name,office,hlc,at FROM events WHERE status='pending' ORDER BY local_seq LIMIT ?`, limit)
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
	t, err := sqlite.ParseTime(at)
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
func (s *Station) ApplyAcks(ctx context.Context, acks []Ack) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		touched := map[string]bool{}
		for _, a := range acks {
			var caseID, kind string
			err := tx.QueryRowContext(ctx, `SELECT case_id, kind FROM events WHERE id=?`, a.EventID).Scan(&caseID, &kind)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return fmt.Errorf("ack %s: %w", a.EventID, err)
			}
			if err := s.setEventStatus(ctx, tx, a.EventID, caseID, kind, a.Status, a.HallSeq, a.Reason, a.Zh); err != nil {
				return err
			}
			touched[caseID] = true
		}
		for id := range touched {
			if err := s.refold(ctx, tx, id); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Station) setEventStatus(ctx context.Context, tx *sql.Tx, id, caseID, kind, status string, hallSeq int64, reason, zh string) error {
	var hs any
	if hallSeq > 0 {
		hs = hallSeq
	}
	if _, err := tx.ExecContext(ctx, `UPDATE events SET status=?, hall_seq=coalesce(?, hall_seq), reason=? WHERE id=?`, status, hs, reason, id); err != nil {
		return fmt.Errorf("event %s status: %w", id, err)
	}
	if status == StatusConflict || status == StatusRejected {
		if zh == "" {
			zh = "该操作与大厅记录冲突，未生效，请核对后处理。"
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO conflicts(event_id,case_id,kind,reason,zh,created_at) VALUES(?,?,?,?,?,?) ON CONFLICT(event_id) DO NOTHING`,
			id, caseID, kind, reason, zh, sqlite.FormatTime(s.now())); err != nil {
			return fmt.Errorf("event %s conflict: %w", id, err)
		}
	}
	return nil
}

// ApplyPulled applies one pull page: events, catalog items and calendar
// years, and the new cursor, in one transaction, so a cut connection resumes
// exactly after the last page applied.
func (s *Station) ApplyPulled(ctx context.Context, p Pulled) error {
	var cals []workday.YearSpec
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		touched := map[string]bool{}
		for _, pe := range p.Events {
			e := pe.Event
			s.hlc.Observe(e.HLC)
			var have string
			err := tx.QueryRowContext(ctx, `SELECT status FROM events WHERE id=?`, e.ID).Scan(&have)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				if err := insertEvent(ctx, tx, e, pe.Status, pe.HallSeq); err != nil {
					return err
				}
				if pe.Status == StatusConflict {
					if err := s.setEventStatus(ctx, tx, e.ID, e.CaseID, string(e.Kind), pe.Status, pe.HallSeq, pe.Reason, pe.Zh); err != nil {
						return err
					}
				}
			case err != nil:
				return fmt.Errorf("pull event %s: %w", e.ID, err)
			default:
				// Our own event coming back (its ack was lost), or one seen
				// before: take the hall's verdict and position.
				if err := s.setEventStatus(ctx, tx, e.ID, e.CaseID, string(e.Kind), pe.Status, pe.HallSeq, pe.Reason, pe.Zh); err != nil {
					return err
				}
			}
			touched[e.CaseID] = true
		}
		for id := range touched {
			if err := s.refold(ctx, tx, id); err != nil {
				return err
			}
		}
		for _, it := range p.Items {
			if _, err := s.PutItem(ctx, tx, p.Catalog, it); err != nil {
				return fmt.Errorf("pull item %s: %w", it.Key(), err)
			}
		}
		if len(p.Items) > 0 && p.Catalog != "" {
			if err := SetMeta(ctx, tx, "catalog_version", p.Catalog); err != nil {
				return err
			}
		}
		for _, y := range p.Calendars {
			if err := s.putCalendar(ctx, tx, y); err != nil {
				return err
			}
			cals = append(cals, y)
		}
		return SetMeta(ctx, tx, "pull_cursor", strconv.FormatInt(p.Cursor, 10))
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
func (s *Station) refold(ctx context.Context, tx *sql.Tx, caseID string) error {
	evs, err := caseEvents(ctx, tx, caseID)
	if err != nil {
		return err
	}
	c, _ := domain.Fold(evs)
	if c == nil {
		return nil // the open event has not arrived yet
	}
	return s.putCase(ctx, tx, c)
}

func caseEvents(ctx context.Context, tx *sql.Tx, caseID string) ([]*domain.Event, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id,case_id,kind,from_state,payload,actor,actor_name,office,hlc,at FROM events
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
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			var before string
			tx.QueryRowContext(ctx, `SELECT body FROM cases WHERE id=?`, id).Scan(&before)
			if err := s.refold(ctx, tx, id); err != nil {
				return err
			}
			var after string
			tx.QueryRowContext(ctx, `SELECT body FROM cases WHERE id=?`, id).Scan(&after)
			checked++
			if before != after {
				fixed++
			}
		}
		return nil
	})
	return checked, fixed, err
}

// StateFromEvents folds a case from the stored events without writing it.
func (s *Station) StateFromEvents(ctx context.Context, caseID string) (*domain.Case, error) {
	var c *domain.Case
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		evs, err := caseEvents(ctx, tx, caseID)
		if err != nil {
			return err
		}
		c, _ = domain.Fold(evs)
		return nil
	})
	return c, err
}

func (s *Station) putCalendar(ctx context.Context, tx *sql.Tx, y workday.YearSpec) error {
	if err := y.Validate(); err != nil {
		return err
	}
	b, err := json.Marshal(y)
	if err != nil {
		return fmt.Errorf("calendar %d: %w", y.Year, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_years(year,spec) VALUES(?,?) ON CONFLICT(year) DO UPDATE SET spec=excluded.spec`, y.Year, string(b)); err != nil {
		return fmt.Errorf("calendar %d: %w", y.Year, err)
	}
	return nil
}

// PublishCalendar stores a holiday calendar year locally (the hall normally
// sends these by sync) and recomputes the deadlines it may move.
func (s *Station) PublishCalendar(ctx context.Context, a Actor, y workday.YearSpec) error {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.putCalendar(ctx, tx, y); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "calendar.publish", strconv.Itoa(y.Year), "", "", y.Source)
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
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM cases WHERE accepted_at<>'' AND state IN ('accepted','forwarded','in_process','suspended','correction')`)
	if err != nil {
		return fmt.Errorf("recompute deadlines: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			c, err := loadCase(ctx, tx, id)
			if err != nil {
				return err
			}
			if err := s.putCase(ctx, tx, c); err != nil {
				return err
			}
		}
		return nil
	})
}
