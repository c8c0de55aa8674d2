package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"yizhan/app"
)

const ticketCols = `id,number,day,item_code,window,staff_id,status,issued_at,called_at,started_at,ended_at,case_id,transfers,appointment`

func scanTicket(sc interface{ Scan(...any) error }) (app.Ticket, error) {
	var t app.Ticket
	err := sc.Scan(&t.ID, &t.Number, &t.Day, &t.ItemCode, &t.Window, &t.StaffID, &t.Status, &t.IssuedAt, &t.CalledAt, &t.StartedAt, &t.EndedAt, &t.CaseID, &t.Transfers, &t.Appointment)
	return t, err
}

// oneTicket returns the ticket a query finds, or nil.
func (t *txn) oneTicket(what, query string, args ...any) (*app.Ticket, error) {
	tk, err := scanTicket(t.queryRow(`SELECT `+ticketCols+` FROM tickets WHERE `+query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return &tk, nil
}

// InsertTicket stores a newly issued queue ticket.
func (t *txn) InsertTicket(tk app.Ticket) error {
	if _, err := t.exec(`INSERT INTO tickets(id,number,day,item_code,status,issued_at,appointment) VALUES(?,?,?,?,?,?,?)`,
		tk.ID, tk.Number, tk.Day, tk.ItemCode, tk.Status, tk.IssuedAt, tk.Appointment); err != nil {
		return fmt.Errorf("issue ticket: %w", err)
	}
	return nil
}

// NextWaitingTicket returns the ticket of day to call next: appointment
// holders first, then by issue time; nil when nobody waits.
func (t *txn) NextWaitingTicket(day string) (*app.Ticket, error) {
	return t.oneTicket("call next", `day=? AND status='waiting' ORDER BY (appointment='') , issued_at LIMIT 1`, day)
}

// Ticket returns the ticket with id, or nil.
func (t *txn) Ticket(id string) (*app.Ticket, error) {
	return t.oneTicket("ticket "+id, `id=?`, id)
}

// TicketByNumber returns day's ticket numbered number, or nil.
func (t *txn) TicketByNumber(day, number string) (*app.Ticket, error) {
	return t.oneTicket("ticket "+number, `number=? AND day=?`, number, day)
}

// UpdateTicket writes a ticket's status, item, window, clerk, times and
// transfers.
func (t *txn) UpdateTicket(tk app.Ticket) error {
	if _, err := t.exec(`UPDATE tickets SET status=?, item_code=?, window=?, staff_id=?, called_at=?, started_at=?, ended_at=?, transfers=? WHERE id=?`,
		tk.Status, tk.ItemCode, tk.Window, tk.StaffID, tk.CalledAt, tk.StartedAt, tk.EndedAt, tk.Transfers, tk.ID); err != nil {
		return fmt.Errorf("ticket %s: %w", tk.ID, err)
	}
	return nil
}

// LinkTicket records the case a ticket's visit opened.
func (t *txn) LinkTicket(ticketID, caseID string) error {
	if _, err := t.exec(`UPDATE tickets SET case_id=? WHERE id=?`, caseID, ticketID); err != nil {
		return fmt.Errorf("link ticket: %w", err)
	}
	return nil
}

// Queue lists day's tickets: being served first, then waiting, then the
// rest, each by issue time.
func (t *txn) Queue(day string) ([]app.Ticket, error) {
	rows, err := t.query(`SELECT `+ticketCols+` FROM tickets WHERE day=? ORDER BY CASE status WHEN 'serving' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END, issued_at`, day)
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	defer rows.Close()
	out := []app.Ticket{}
	for rows.Next() {
		tk, err := scanTicket(rows)
		if err != nil {
			return nil, fmt.Errorf("queue: %w", err)
		}
		out = append(out, tk)
	}
	return out, rows.Err()
}

// CountBooked counts the appointments of a slot that are pending or served.
func (t *txn) CountBooked(day, slot string) (int, error) {
	n, err := t.count(`SELECT count(*) FROM appointments WHERE day=? AND slot=? AND status IN ('pending','served')`, day, slot)
	if err != nil {
		return 0, fmt.Errorf("book: %w", err)
	}
	return n, nil
}

// InsertAppointment stores a booked appointment.
func (t *txn) InsertAppointment(ap app.Appointment, at time.Time) error {
	now := app.FormatTime(at)
	if _, err := t.exec(`INSERT INTO appointments(id,name,id_number,phone,company,uscc,item_code,day,slot,status,created_at,updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)`,
		ap.ID, ap.Name, ap.IDNumber, ap.Phone, ap.Company, ap.USCC, ap.ItemCode, ap.Day, ap.Slot, ap.Status, now, now); err != nil {
		return fmt.Errorf("book: %w", err)
	}
	return nil
}

// SetAppointmentStatus moves a pending appointment to status and reports
// whether there was one.
func (t *txn) SetAppointmentStatus(id, status string, at time.Time) (bool, error) {
	res, err := t.exec(`UPDATE appointments SET status=?, updated_at=? WHERE id=? AND status='pending'`, status, app.FormatTime(at), id)
	if err != nil {
		return false, fmt.Errorf("appointment %s: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// MarkNoShows marks the pending appointments of days before day as
// no-shows and returns how many.
func (t *txn) MarkNoShows(day string, at time.Time) (int, error) {
	res, err := t.exec(`UPDATE appointments SET status='no_show', updated_at=? WHERE status='pending' AND day < ?`, app.FormatTime(at), day)
	if err != nil {
		return 0, fmt.Errorf("no-shows: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// Appointments lists day's appointments by slot and booking time,
// unmasked.
func (t *txn) Appointments(day string) ([]app.Appointment, error) {
	rows, err := t.query(`SELECT id,name,id_number,phone,company,uscc,item_code,day,slot,status FROM appointments WHERE day=? ORDER BY slot, created_at`, day)
	if err != nil {
		return nil, fmt.Errorf("appointments: %w", err)
	}
	defer rows.Close()
	out := []app.Appointment{}
	for rows.Next() {
		var ap app.Appointment
		if err := rows.Scan(&ap.ID, &ap.Name, &ap.IDNumber, &ap.Phone, &ap.Company, &ap.USCC, &ap.ItemCode, &ap.Day, &ap.Slot, &ap.Status); err != nil {
			return nil, fmt.Errorf("appointments: %w", err)
		}
		out = append(out, ap)
	}
	return out, rows.Err()
}

// Rectifications lists the follow-ups of bad reviews with their ratings,
// by due date; open ones only unless all. Contacts are unmasked.
func (t *txn) Rectifications(all bool) ([]app.Rectification, error) {
	q := `SELECT r.id,r.evaluation_id,e.case_id,e.level,e.comment,e.contact,r.responsible,r.due_date,r.status,r.callback,r.result FROM rectifications r JOIN evaluations e ON e.id=r.evaluation_id`
	if !all {
		q += ` WHERE r.status='open'`
	}
	rows, err := t.query(q + ` ORDER BY r.due_date`)
	if err != nil {
		return nil, fmt.Errorf("rectifications: %w", err)
	}
	defer rows.Close()
	out := []app.Rectification{}
	for rows.Next() {
		var r app.Rectification
		if err := rows.Scan(&r.ID, &r.EvaluationID, &r.CaseID, &r.Level, &r.Comment, &r.Contact, &r.Responsible, &r.Due, &r.Status, &r.Callback, &r.Result); err != nil {
			return nil, fmt.Errorf("rectifications: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CloseRectification records the call-back and outcome of an open
// rectification and reports whether there was one.
func (t *txn) CloseRectification(id, status, callback, result string, at time.Time) (bool, error) {
	res, err := t.exec(`UPDATE rectifications SET status=?, callback=?, result=?, closed_at=? WHERE id=? AND status='open'`,
		status, callback, result, app.FormatTime(at), id)
	if err != nil {
		return false, fmt.Errorf("rectification %s: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// InsertExtendedSession stores a session of extended hours.
func (t *txn) InsertExtendedSession(es app.ExtendedSession, at time.Time) error {
	if _, err := t.exec(`INSERT INTO extended_sessions(id,day,kind,start_time,end_time,staff,served,created_at) VALUES(?,?,?,?,?,?,?,?)`,
		es.ID, es.Day, es.Kind, es.Start, es.End, es.Staff, es.Served, app.FormatTime(at)); err != nil {
		return fmt.Errorf("extended session: %w", err)
	}
	return nil
}

// CountWaiting counts day's waiting tickets, those of appointment holders
// only when appointments is set: the tickets called before a new one.
func (t *txn) CountWaiting(day string, appointments bool) (int, error) {
	q := `SELECT count(*) FROM tickets WHERE day=? AND status='waiting'`
	if appointments {
		q += ` AND appointment<>''`
	}
	n, err := t.count(q, day)
	if err != nil {
		return 0, fmt.Errorf("issue ticket: %w", err)
	}
	return n, nil
}

// QueueBoard returns day's tickets being served, most recently called
// first, at most calls of them, and the numbers of the waiting tickets in
// the order they will be called.
func (t *txn) QueueBoard(day string, calls int) ([]app.BoardCall, []string, error) {
	rows, err := t.query(`SELECT id, number, window, called_at FROM tickets WHERE day=? AND status='serving' ORDER BY called_at DESC LIMIT ?`, day, calls)
	if err != nil {
		return nil, nil, fmt.Errorf("queue board: %w", err)
	}
	out := []app.BoardCall{}
	for rows.Next() {
		var c app.BoardCall
		if err := rows.Scan(&c.ID, &c.Number, &c.Window, &c.CalledAt); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("queue board: %w", err)
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("queue board: %w", err)
	}
	next, err := t.ids(`SELECT number FROM tickets WHERE day=? AND status='waiting' ORDER BY (appointment=''), issued_at`, day)
	if err != nil {
		return nil, nil, fmt.Errorf("queue board: %w", err)
	}
	return out, next, nil
}
