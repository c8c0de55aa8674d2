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
