package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"yizhan/domain"
	"yizhan/ident"
	"yizhan/sqlite"
	"yizhan/workday"
)

// EvaluationInput is a rating from the rating pad, the kiosk, a QR code or a
// paper form: of a case, of a queue ticket (a visit), or both.
type EvaluationInput struct {
	CaseID   string `json:"case_id,omitempty"`
	TicketID string `json:"ticket_id,omitempty"`
	domain.Evaluation
	Contact string `json:"contact,omitempty"` // for the call-back of a real-name bad review
	// servedBy, when set, is the staff ID of the clerk the rating is about
	// (the one who invited it on the pad).
	servedBy string
}

// RatingSources are the channels a rating comes through.
var RatingSources = []string{"pad", "kiosk", "qr", "paper", "online"}

// Evaluate records a 好差评 rating. A rating is a record of its own: it
// never moves the case, whatever state the case is in (a rating given before
// the delivery is recorded must not end the case's steps). It is tied to the
// visit (the queue ticket) and to the clerk who served it, who owns the
// rectification a bad review (1 or 2) opens, due in RectificationDays
// working days. One rating per visit: per ticket, or per case and day when
// there is no ticket.
func (s *Station) Evaluate(ctx context.Context, a Actor, in EvaluationInput) (string, error) {
	if err := s.checkRating(&in); err != nil {
		return "", err
	}
	var id string
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = s.rate(ctx, tx, a, in)
		return err
	})
	return id, err
}

// checkRating validates what a citizen entered, before any lookup.
func (s *Station) checkRating(in *EvaluationInput) error {
	if err := in.Evaluation.Validate(); err != nil {
		return err
	}
	if in.Source == "" {
		in.Source = "pad"
	}
	if !contains(RatingSources, in.Source) {
		return domain.Errorf(domain.EInvalid, "评价渠道不正确。", "evaluation: unknown source %q", in.Source)
	}
	if len([]rune(in.Comment)) > 500 {
		return domain.Errorf(domain.EInvalid, "评价意见不能超过 500 字。", "evaluation: comment over 500 characters")
	}
	if in.Contact != "" {
		ph, err := ident.CheckPhone(in.Contact)
		if err != nil {
			return err
		}
		in.Contact = ph
	}
	return nil
}

// ratingTravels reports whether a rating of a case in state st is sent to
// the hall as an evaluate event today: the states in which a case is done.
// Ratings in other states stay at the station until the hall counts every
// rating (issue 14); their rows keep an empty event_id for that step.
func ratingTravels(st domain.State) bool {
	switch st {
	case domain.StateConcluded, domain.StateDelivering, domain.StateDelivered:
		return true
	}
	return false
}

// rate records a checked rating inside tx and returns its ID.
func (s *Station) rate(ctx context.Context, tx *sql.Tx, a Actor, in EvaluationInput) (string, error) {
	var c *domain.Case
	var err error
	if in.CaseID != "" {
		if c, err = loadCase(ctx, tx, in.CaseID); err != nil {
			return "", err
		}
	}
	var tk *Ticket
	if in.TicketID != "" {
		t, err := scanTicket(tx.QueryRowContext(ctx, `SELECT `+ticketCols+` FROM tickets WHERE id=?`, in.TicketID))
		if errors.Is(err, sql.ErrNoRows) {
			return "", domain.Errorf(domain.ENotFound, "找不到该号码。", "evaluation: ticket %s not found", in.TicketID)
		}
		if err != nil {
			return "", fmt.Errorf("evaluation: ticket: %w", err)
		}
		tk = &t
		if c == nil && t.CaseID != "" {
			if c, err = loadCase(ctx, tx, t.CaseID); err != nil {
				return "", err
			}
		}
	}
	if err := s.oneRatingPerVisit(ctx, tx, c, tk); err != nil {
		return "", err
	}
	staffID, staffLogin, err := servingClerk(ctx, tx, s.officeOrLocal(), a, c, tk)
	if err != nil {
		return "", err
	}
	if in.servedBy != "" {
		staffID = in.servedBy
		tx.QueryRowContext(ctx, `SELECT login FROM staff WHERE id=?`, staffID).Scan(&staffLogin)
	}
	id := s.NewID()
	ev := in.Evaluation
	ev.RatingID, ev.Ticket, ev.Staff, ev.CaseState = id, "", staffLogin, ""
	caseID, ticketID, eventID := "", "", ""
	if tk != nil {
		ev.Ticket, ticketID = tk.ID, tk.ID
	}
	if c != nil {
		caseID, ev.CaseState = c.ID, c.State
		if ratingTravels(c.State) {
			// From stays empty: a rating is not based on a state. (A hall of
			// an older version records it as a conflict instead of letting
			// it end the case: docs/upgrades.md.)
			e, err := domain.NewEvent(s.NewID(), c.ID, domain.EvEvaluate, domain.StateNone, ev)
			if err != nil {
				return "", err
			}
			if _, err := s.appendEvent(ctx, tx, a, c, e); err != nil {
				return "", err
			}
			eventID = e.ID
		}
	}
	now := s.now()
	if _, err := tx.ExecContext(ctx, `INSERT INTO evaluations(id,case_id,ticket_id,staff_id,level,efficiency,service,attitude,comment,source,real_name,contact,created_at,case_state,event_id) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		id, caseID, ticketID, staffID, ev.Level, ev.Efficiency, ev.Service, ev.Attitude, ev.Comment, ev.Source, boolInt(ev.RealName), in.Contact,
		sqlite.FormatTime(now), string(ev.CaseState), eventID); err != nil {
		return "", fmt.Errorf("evaluate: %w", err)
	}
	if ev.Bad() {
		due := s.cal.Due(s.today(), workday.Limit{Value: s.cfg.RectificationDays, Unit: workday.G}, nil).Due
		if _, err := tx.ExecContext(ctx, `INSERT INTO rectifications(id,evaluation_id,responsible,due_date,status,created_at) VALUES(?,?,?,?,?,?)`,
			s.NewID(), id, staffID, due.String(), "open", sqlite.FormatTime(now)); err != nil {
			return "", fmt.Errorf("evaluate: rectification: %w", err)
		}
	}
	return id, s.audit(ctx, tx, a, "evaluation.add", id, "", "", fmt.Sprintf("level %d", ev.Level))
}

// oneRatingPerVisit refuses a second rating of the same visit: the same
// ticket, or without a ticket the same case on the same day.
func (s *Station) oneRatingPerVisit(ctx context.Context, tx *sql.Tx, c *domain.Case, tk *Ticket) error {
	var n int
	var err error
	switch {
	case tk != nil:
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM evaluations WHERE ticket_id=?`, tk.ID).Scan(&n)
	case c != nil:
		midnight := s.today().Time(workday.China)
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM evaluations WHERE case_id=? AND ticket_id='' AND created_at>=?`,
			c.ID, sqlite.FormatTime(midnight)).Scan(&n)
	}
	if err != nil {
		return fmt.Errorf("evaluation: %w", err)
	}
	if n > 0 {
		return domain.Errorf(domain.EConflict, "这次办理已经评价过了，谢谢您！", "evaluation: visit already rated")
	}
	return nil
}

// servingClerk is who a rating is about: the clerk who served the ticket,
// else the clerk of this office who last worked the case, else the staff
// member recording it (nobody for the kiosk).
func servingClerk(ctx context.Context, tx *sql.Tx, office string, a Actor, c *domain.Case, tk *Ticket) (id, login string, err error) {
	if tk != nil && tk.StaffID != "" {
		err = tx.QueryRowContext(ctx, `SELECT id, login FROM staff WHERE id=?`, tk.StaffID).Scan(&id, &login)
		if err == nil || !errors.Is(err, sql.ErrNoRows) {
			return id, login, wrapErr("evaluation: serving clerk", err)
		}
	}
	if c != nil {
		err = tx.QueryRowContext(ctx, `SELECT s.id, s.login FROM events e JOIN staff s ON s.login = e.actor
			WHERE e.case_id=? AND e.office=? AND e.kind<>'evaluate' ORDER BY e.local_seq DESC LIMIT 1`, c.ID, office).Scan(&id, &login)
		if err == nil || !errors.Is(err, sql.ErrNoRows) {
			return id, login, wrapErr("evaluation: serving clerk", err)
		}
	}
	if requireStaff(a) == nil {
		return a.ID, a.Login, nil
	}
	return "", "", nil
}

func wrapErr(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

// RatingInviteTTL is how long a rating invitation waits on the pad.
const RatingInviteTTL = 10 * time.Minute

// RatingInvite is a clerk's invitation to rate the visit just served, shown
// on the rating pad (or kiosk screen) of the clerk's window.
type RatingInvite struct {
	ID           string `json:"id"`
	Window       string `json:"window"`
	TicketID     string `json:"ticket_id,omitempty"`
	TicketNumber string `json:"ticket_number,omitempty"`
	CaseID       string `json:"case_id,omitempty"`
	ItemName     string `json:"item_name,omitempty"`
	ClerkName    string `json:"clerk_name"`
	ExpiresAt    string `json:"expires_at"`
}

// InviteRating asks the citizen just served at window to rate the visit on
// the window's rating pad: the clerk's screen offers it, the pad hosts it.
// The invitation ties the rating to the ticket (when there is one), the case
// (when there is one; the case's own ticket of today when no ticket is
// given) and the inviting clerk. A newer invitation at the same window
// replaces an older one.
func (s *Station) InviteRating(ctx context.Context, a Actor, window, ticketID, caseID string) (*RatingInvite, error) {
	if err := requireStaff(a); err != nil {
		return nil, err
	}
	window = strings.TrimSpace(window)
	if window == "" {
		return nil, domain.Errorf(domain.EInvalid, "请先设置本机窗口号，评价器按窗口号显示邀请。", "invite rating: window required")
	}
	if ticketID == "" && caseID == "" {
		return nil, domain.Errorf(domain.EInvalid, "评价须对应一个号码或一个办件。", "invite rating: neither ticket nor case")
	}
	inv := &RatingInvite{ID: s.NewID(), Window: window, ClerkName: a.Name}
	now := s.now()
	inv.ExpiresAt = sqlite.FormatTime(now.Add(RatingInviteTTL))
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var c *domain.Case
		var tk *Ticket
		var err error
		if caseID != "" {
			if c, err = loadCase(ctx, tx, caseID); err != nil {
				return err
			}
			inv.CaseID, inv.ItemName = c.ID, c.ItemName
			if ticketID == "" && c.TicketID != "" {
				// The case's own ticket, when it is today's visit.
				var day string
				if tx.QueryRowContext(ctx, `SELECT day FROM tickets WHERE id=?`, c.TicketID).Scan(&day) == nil && day == s.today().String() {
					ticketID = c.TicketID
				}
			}
		}
		if ticketID != "" {
			t, err := scanTicket(tx.QueryRowContext(ctx, `SELECT `+ticketCols+` FROM tickets WHERE id=?`, ticketID))
			if errors.Is(err, sql.ErrNoRows) {
				return domain.Errorf(domain.ENotFound, "找不到该号码。", "invite rating: ticket %s not found", ticketID)
			}
			if err != nil {
				return fmt.Errorf("invite rating: %w", err)
			}
			tk = &t
			inv.TicketID, inv.TicketNumber = t.ID, t.Number
			if c == nil && t.CaseID != "" {
				if c, err = loadCase(ctx, tx, t.CaseID); err == nil {
					inv.CaseID, inv.ItemName = c.ID, c.ItemName
				}
			}
		}
		if err := s.oneRatingPerVisit(ctx, tx, c, tk); err != nil {
			return err
		}
		nowS := sqlite.FormatTime(now)
		if _, err := tx.ExecContext(ctx, `UPDATE rating_invites SET expires_at=? WHERE window=? AND rating_id='' AND expires_at>?`, nowS, window, nowS); err != nil {
			return fmt.Errorf("invite rating: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO rating_invites(id,window,ticket_id,case_id,staff_id,created_at,expires_at) VALUES(?,?,?,?,?,?,?)`,
			inv.ID, window, inv.TicketID, inv.CaseID, a.ID, nowS, inv.ExpiresAt); err != nil {
			return fmt.Errorf("invite rating: %w", err)
		}
		return s.audit(ctx, tx, a, "rating.invite", inv.ID, "", "", window)
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// PadInvitation returns the open invitation of a window for its rating pad,
// or nil: the ticket number, the item and the clerk's name, nothing about
// the citizen.
func (s *Station) PadInvitation(ctx context.Context, window string) (*RatingInvite, error) {
	inv := &RatingInvite{}
	var staffID string
	err := s.db.QueryRowContext(ctx, `SELECT id, window, ticket_id, case_id, staff_id, expires_at FROM rating_invites
		WHERE window=? AND rating_id='' AND expires_at>? ORDER BY created_at DESC LIMIT 1`,
		strings.TrimSpace(window), sqlite.FormatTime(s.now())).Scan(&inv.ID, &inv.Window, &inv.TicketID, &inv.CaseID, &staffID, &inv.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pad invitation: %w", err)
	}
	s.db.QueryRowContext(ctx, `SELECT name FROM staff WHERE id=?`, staffID).Scan(&inv.ClerkName)
	if inv.TicketID != "" {
		s.db.QueryRowContext(ctx, `SELECT number FROM tickets WHERE id=?`, inv.TicketID).Scan(&inv.TicketNumber)
	}
	if inv.CaseID != "" {
		s.db.QueryRowContext(ctx, `SELECT item_name FROM cases WHERE id=?`, inv.CaseID).Scan(&inv.ItemName)
	}
	return inv, nil
}

// PadEvaluate records the rating given on the pad for an open invitation:
// tied to its ticket, its case and the clerk who invited it. An invitation
// takes one rating.
func (s *Station) PadEvaluate(ctx context.Context, inviteID string, ev domain.Evaluation, contact string) (string, error) {
	in := EvaluationInput{Evaluation: ev, Contact: contact}
	in.Source = "pad"
	if err := s.checkRating(&in); err != nil {
		return "", err
	}
	var id string
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var staffID, expires, ratingID string
		err := tx.QueryRowContext(ctx, `SELECT ticket_id, case_id, staff_id, expires_at, rating_id FROM rating_invites WHERE id=?`, inviteID).
			Scan(&in.TicketID, &in.CaseID, &staffID, &expires, &ratingID)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && (ratingID != "" || expires <= sqlite.FormatTime(s.now()))) {
			return domain.Errorf(domain.ENotFound, "评价邀请已结束，请向窗口工作人员咨询。", "pad rating: invitation %s not open", inviteID)
		}
		if err != nil {
			return fmt.Errorf("pad rating: %w", err)
		}
		in.servedBy = staffID
		if id, err = s.rate(ctx, tx, kioskActor, in); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE rating_invites SET rating_id=? WHERE id=?`, id, inviteID)
		return err
	})
	return id, err
}
