package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"yizhan/domain"
	"yizhan/ident"
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
	err := s.update(ctx, func(tx Tx) error {
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
func (s *Station) rate(ctx context.Context, tx Tx, a Actor, in EvaluationInput) (string, error) {
	var c *domain.Case
	var err error
	if in.CaseID != "" {
		if c, err = loadCase(tx, in.CaseID); err != nil {
			return "", err
		}
	}
	var tk *Ticket
	if in.TicketID != "" {
		t, err := tx.Ticket(in.TicketID)
		if err != nil {
			return "", fmt.Errorf("evaluation: %w", err)
		}
		if t == nil {
			return "", domain.Errorf(domain.ENotFound, "找不到该号码。", "evaluation: ticket %s not found", in.TicketID)
		}
		tk = t
		if c == nil && t.CaseID != "" {
			if c, err = loadCase(tx, t.CaseID); err != nil {
				return "", err
			}
		}
	}
	if err := s.oneRatingPerVisit(tx, c, tk); err != nil {
		return "", err
	}
	staffID, staffLogin, err := servingClerk(tx, s.officeOrLocal(), a, c, tk)
	if err != nil {
		return "", err
	}
	if in.servedBy != "" {
		staffID = in.servedBy
		if st, err := tx.StaffByID(staffID); err == nil && st != nil {
			staffLogin = st.Login
		}
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
	if err := tx.InsertRating(RatingRecord{ID: id, CaseID: caseID, TicketID: ticketID, StaffID: staffID, Evaluation: ev,
		Contact: in.Contact, EventID: eventID, At: now}); err != nil {
		return "", err
	}
	if ev.Bad() {
		due := s.cal.Due(s.today(), workday.Limit{Value: s.cfg.RectificationDays, Unit: workday.G}, nil).Due
		if err := tx.InsertRectification(RectificationRecord{ID: s.NewID(), EvaluationID: id, Responsible: staffID, Due: due, At: now}); err != nil {
			return "", err
		}
	}
	return id, s.audit(tx, a, "evaluation.add", id, "", "", fmt.Sprintf("level %d", ev.Level))
}

// oneRatingPerVisit refuses a second rating of the same visit: the same
// ticket, or without a ticket the same case on the same day.
func (s *Station) oneRatingPerVisit(tx Tx, c *domain.Case, tk *Ticket) error {
	var n int
	var err error
	switch {
	case tk != nil:
		n, err = tx.RatingsOfTicket(tk.ID)
	case c != nil:
		n, err = tx.RatingsOfCaseSince(c.ID, s.today().Time(workday.China))
	}
	if err != nil {
		return err
	}
	if n > 0 {
		return domain.Errorf(domain.EConflict, "这次办理已经评价过了，谢谢您！", "evaluation: visit already rated")
	}
	return nil
}

// servingClerk is who a rating is about: the clerk who served the ticket,
// else the clerk of this office who last worked the case, else the staff
// member recording it (nobody for the kiosk).
func servingClerk(tx Tx, office string, a Actor, c *domain.Case, tk *Ticket) (id, login string, err error) {
	if tk != nil && tk.StaffID != "" {
		st, err := tx.StaffByID(tk.StaffID)
		if err != nil {
			return "", "", fmt.Errorf("evaluation: serving clerk: %w", err)
		}
		if st != nil {
			return st.ID, st.Login, nil
		}
	}
	if c != nil {
		id, login, err := tx.LastClerk(c.ID, office)
		if err != nil || id != "" {
			return id, login, err
		}
	}
	if requireStaff(a) == nil {
		return a.ID, a.Login, nil
	}
	return "", "", nil
}

// RatingRecord is a rating as the store keeps it.
type RatingRecord struct {
	ID       string
	CaseID   string // "" for a rating of a visit alone
	TicketID string // "" for a rating of a case without a ticket
	StaffID  string // the clerk it is about ("" when nobody)
	// Evaluation holds the level, indicators, comment, source, real-name
	// flag and the case's state when rated.
	Evaluation domain.Evaluation
	Contact    string // the phone for the call-back of a bad review
	EventID    string // the evaluate event taking it to the hall; "" when it stays here
	At         time.Time
}

// RectificationRecord is the follow-up a bad review opens.
type RectificationRecord struct {
	ID           string
	EvaluationID string
	Responsible  string // the staff ID of the clerk answerable
	Due          workday.Date
	At           time.Time
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

// InviteRecord is a rating invitation as the store keeps it.
type InviteRecord struct {
	ID, Window, TicketID, CaseID string
	StaffID                      string // the clerk who invited
	CreatedAt, ExpiresAt         time.Time
	RatingID                     string // set once the citizen rated
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
	expires := now.Add(RatingInviteTTL)
	inv.ExpiresAt = FormatTime(expires)
	err := s.update(ctx, func(tx Tx) error {
		var c *domain.Case
		var tk *Ticket
		var err error
		if caseID != "" {
			if c, err = loadCase(tx, caseID); err != nil {
				return err
			}
			inv.CaseID, inv.ItemName = c.ID, c.ItemName
			if ticketID == "" && c.TicketID != "" {
				// The case's own ticket, when it is today's visit.
				if t, err := tx.Ticket(c.TicketID); err == nil && t != nil && t.Day == s.today().String() {
					ticketID = c.TicketID
				}
			}
		}
		if ticketID != "" {
			t, err := tx.Ticket(ticketID)
			if err != nil {
				return fmt.Errorf("invite rating: %w", err)
			}
			if t == nil {
				return domain.Errorf(domain.ENotFound, "找不到该号码。", "invite rating: ticket %s not found", ticketID)
			}
			tk = t
			inv.TicketID, inv.TicketNumber = t.ID, t.Number
			if c == nil && t.CaseID != "" {
				if c, err = loadCase(tx, t.CaseID); err == nil {
					inv.CaseID, inv.ItemName = c.ID, c.ItemName
				}
			}
		}
		if err := s.oneRatingPerVisit(tx, c, tk); err != nil {
			return err
		}
		if err := tx.ExpireInvites(window, now); err != nil {
			return err
		}
		if err := tx.InsertInvite(InviteRecord{ID: inv.ID, Window: window, TicketID: inv.TicketID, CaseID: inv.CaseID, StaffID: a.ID,
			CreatedAt: now, ExpiresAt: expires}); err != nil {
			return err
		}
		return s.audit(tx, a, "rating.invite", inv.ID, "", "", window)
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
	var inv *RatingInvite
	err := s.view(ctx, func(tx Tx) error {
		r, err := tx.OpenInvite(strings.TrimSpace(window), s.now())
		if err != nil || r == nil {
			return err
		}
		inv = &RatingInvite{ID: r.ID, Window: r.Window, TicketID: r.TicketID, CaseID: r.CaseID, ExpiresAt: FormatTime(r.ExpiresAt)}
		if st, err := tx.StaffByID(r.StaffID); err == nil && st != nil {
			inv.ClerkName = st.Name
		}
		if inv.TicketID != "" {
			if t, err := tx.Ticket(inv.TicketID); err == nil && t != nil {
				inv.TicketNumber = t.Number
			}
		}
		if inv.CaseID != "" {
			if c, err := tx.Case(inv.CaseID); err == nil && c != nil {
				inv.ItemName = c.ItemName
			}
		}
		return nil
	})
	return inv, err
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
	err := s.update(ctx, func(tx Tx) error {
		r, err := tx.Invite(inviteID)
		if err != nil {
			return err
		}
		if r == nil || r.RatingID != "" || !r.ExpiresAt.After(s.now()) {
			return domain.Errorf(domain.ENotFound, "评价邀请已结束，请向窗口工作人员咨询。", "pad rating: invitation %s not open", inviteID)
		}
		in.TicketID, in.CaseID, in.servedBy = r.TicketID, r.CaseID, r.StaffID
		if id, err = s.rate(ctx, tx, kioskActor, in); err != nil {
			return err
		}
		return tx.SetInviteRating(inviteID, id)
	})
	return id, err
}
