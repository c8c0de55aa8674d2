package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"yizhan/app"
)

// RatingsOfTicket counts the ratings of a ticket's visit.
func (t *txn) RatingsOfTicket(ticketID string) (int, error) {
	n, err := t.count(`SELECT count(*) FROM evaluations WHERE ticket_id=?`, ticketID)
	if err != nil {
		return 0, fmt.Errorf("evaluation: %w", err)
	}
	return n, nil
}

// RatingsOfCaseSince counts the ratings of a case given without a ticket
// at or after since.
func (t *txn) RatingsOfCaseSince(caseID string, since time.Time) (int, error) {
	n, err := t.count(`SELECT count(*) FROM evaluations WHERE case_id=? AND ticket_id='' AND created_at>=?`, caseID, app.FormatTime(since))
	if err != nil {
		return 0, fmt.Errorf("evaluation: %w", err)
	}
	return n, nil
}

// LastClerk returns the account of the staff member whose event of this
// office on the case (a rating aside) is the newest, or "" and "".
func (t *txn) LastClerk(caseID, office string) (id, login string, err error) {
	err = t.queryRow(`SELECT s.id, s.login FROM events e JOIN staff s ON s.login = e.actor
		WHERE e.case_id=? AND e.office=? AND e.kind<>'evaluate' ORDER BY e.local_seq DESC LIMIT 1`, caseID, office).Scan(&id, &login)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("evaluation: serving clerk: %w", err)
	}
	return id, login, nil
}

// InsertRating stores a rating.
func (t *txn) InsertRating(r app.RatingRecord) error {
	ev := r.Evaluation
	if _, err := t.exec(`INSERT INTO evaluations(id,case_id,ticket_id,staff_id,level,efficiency,service,attitude,comment,source,real_name,contact,created_at,case_state,event_id) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		r.ID, r.CaseID, r.TicketID, r.StaffID, ev.Level, ev.Efficiency, ev.Service, ev.Attitude, ev.Comment, ev.Source, boolInt(ev.RealName), r.Contact,
		app.FormatTime(r.At), string(ev.CaseState), r.EventID); err != nil {
		return fmt.Errorf("evaluate: %w", err)
	}
	return nil
}

// InsertRectification opens the follow-up of a bad review.
func (t *txn) InsertRectification(r app.RectificationRecord) error {
	if _, err := t.exec(`INSERT INTO rectifications(id,evaluation_id,responsible,due_date,status,created_at) VALUES(?,?,?,?,?,?)`,
		r.ID, r.EvaluationID, r.Responsible, r.Due.String(), "open", app.FormatTime(r.At)); err != nil {
		return fmt.Errorf("evaluate: rectification: %w", err)
	}
	return nil
}

const inviteCols = `id,window,ticket_id,case_id,staff_id,created_at,expires_at,rating_id`

func (t *txn) oneInvite(what, where string, args ...any) (*app.InviteRecord, error) {
	var r app.InviteRecord
	var created, expires string
	err := t.queryRow(`SELECT `+inviteCols+` FROM rating_invites WHERE `+where, args...).
		Scan(&r.ID, &r.Window, &r.TicketID, &r.CaseID, &r.StaffID, &created, &expires, &r.RatingID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err == nil {
		r.CreatedAt, err = app.ParseTime(created)
	}
	if err == nil {
		r.ExpiresAt, err = app.ParseTime(expires)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return &r, nil
}

// ExpireInvites ends, at at, the invitations of window not yet rated nor
// expired.
func (t *txn) ExpireInvites(window string, at time.Time) error {
	now := app.FormatTime(at)
	if _, err := t.exec(`UPDATE rating_invites SET expires_at=? WHERE window=? AND rating_id='' AND expires_at>?`, now, window, now); err != nil {
		return fmt.Errorf("invite rating: %w", err)
	}
	return nil
}

// InsertInvite stores a rating invitation.
func (t *txn) InsertInvite(r app.InviteRecord) error {
	if _, err := t.exec(`INSERT INTO rating_invites(id,window,ticket_id,case_id,staff_id,created_at,expires_at) VALUES(?,?,?,?,?,?,?)`,
		r.ID, r.Window, r.TicketID, r.CaseID, r.StaffID, app.FormatTime(r.CreatedAt), app.FormatTime(r.ExpiresAt)); err != nil {
		return fmt.Errorf("invite rating: %w", err)
	}
	return nil
}

// OpenInvite returns window's newest invitation not yet rated and not
// expired at at, or nil.
func (t *txn) OpenInvite(window string, at time.Time) (*app.InviteRecord, error) {
	return t.oneInvite("pad invitation", `window=? AND rating_id='' AND expires_at>? ORDER BY created_at DESC LIMIT 1`, window, app.FormatTime(at))
}

// Invite returns the invitation with id, or nil.
func (t *txn) Invite(id string) (*app.InviteRecord, error) {
	return t.oneInvite("pad rating", `id=?`, id)
}

// SetInviteRating records the rating an invitation received.
func (t *txn) SetInviteRating(id, ratingID string) error {
	if _, err := t.exec(`UPDATE rating_invites SET rating_id=? WHERE id=?`, ratingID, id); err != nil {
		return fmt.Errorf("pad rating: %w", err)
	}
	return nil
}
