package app

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"yizhan/domain"
	"yizhan/ident"
	"yizhan/workday"
)

// Ticket is a queue number.
type Ticket struct {
	ID          string `json:"id"`
	Number      string `json:"number"`
	Day         string `json:"day"`
	ItemCode    string `json:"item_code,omitempty"`
	Window      string `json:"window,omitempty"`
	StaffID     string `json:"staff_id,omitempty"`
	Status      string `json:"status"` // waiting, serving, done, absent
	IssuedAt    string `json:"issued_at"`
	CalledAt    string `json:"called_at,omitempty"`
	StartedAt   string `json:"started_at,omitempty"`
	EndedAt     string `json:"ended_at,omitempty"`
	CaseID      string `json:"case_id,omitempty"`
	WaitSecs    int    `json:"wait_secs"`
	ServeSecs   int    `json:"serve_secs,omitempty"`
	Transfers   string `json:"transfers,omitempty"`
	Appointment string `json:"appointment,omitempty"`
}

const ticketCols = `id,number,day,item_code,window,staff_id,status,issued_at,called_at,started_at,ended_at,case_id,transfers,appointment`

func scanTicket(sc interface{ Scan(...any) error }) (Ticket, error) {
	var t Ticket
	err := sc.Scan(&t.ID, &t.Number, &t.Day, &t.ItemCode, &t.Window, &t.StaffID, &t.Status, &t.IssuedAt, &t.CalledAt, &t.StartedAt, &t.EndedAt, &t.CaseID, &t.Transfers, &t.Appointment)
	return t, err
}

func (s *Station) fillTicketTimes(t *Ticket) {
	issued, _ := ParseTime(t.IssuedAt)
	start, _ := ParseTime(t.StartedAt)
	end, _ := ParseTime(t.EndedAt)
	if start.IsZero() {
		if t.Status == "waiting" {
			t.WaitSecs = int(s.now().Sub(issued).Seconds())
		}
	} else {
		t.WaitSecs = int(start.Sub(issued).Seconds())
	}
	if !end.IsZero() && !start.IsZero() {
		t.ServeSecs = int(end.Sub(start).Seconds())
	}
}

// IssueTicket gives the citizen a queue number: a letter for appointment
// holders (Y) or the walk-in letter (A), then a daily sequence.
func (s *Station) IssueTicket(ctx context.Context, a Actor, itemCode, appointmentID string) (Ticket, error) {
	now := s.now()
	day := workday.DateOf(now, workday.China).String()
	prefix := "A"
	if appointmentID != "" {
		prefix = "Y"
	}
	t := Ticket{ID: s.NewID(), Day: day, ItemCode: itemCode, Status: "waiting", IssuedAt: FormatTime(now), Appointment: appointmentID}
	err := s.update(ctx, func(tx Tx) error {
		n, err := tx.NextCounter("ticket:" + prefix + ":" + day)
		if err != nil {
			return err
		}
		t.Number = fmt.Sprintf("%s%03d", prefix, n)
		if _, err := tx.SQL().ExecContext(ctx, `INSERT INTO tickets(id,number,day,item_code,status,issued_at,appointment) VALUES(?,?,?,?,?,?,?)`,
			t.ID, t.Number, t.Day, t.ItemCode, t.Status, t.IssuedAt, appointmentID); err != nil {
			return fmt.Errorf("issue ticket: %w", err)
		}
		return s.audit(tx, a, "ticket.issue", t.ID, "", "", t.Number)
	})
	return t, err
}

// CallNext calls the longest-waiting ticket to the clerk's window; appointment
// holders go first within their slot.
func (s *Station) CallNext(ctx context.Context, a Actor, window string) (Ticket, error) {
	if err := requireStaff(a); err != nil {
		return Ticket{}, err
	}
	var t Ticket
	err := s.update(ctx, func(tx Tx) error {
		day := workday.DateOf(s.now(), workday.China).String()
		row := tx.SQL().QueryRowContext(ctx, `SELECT `+ticketCols+` FROM tickets WHERE day=? AND status='waiting' ORDER BY (appointment='') , issued_at LIMIT 1`, day)
		var err error
		t, err = scanTicket(row)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.ENotFound, "当前没有等候的群众。", "queue empty")
		}
		if err != nil {
			return fmt.Errorf("call next: %w", err)
		}
		now := FormatTime(s.now())
		t.Status, t.CalledAt, t.StartedAt, t.Window, t.StaffID = "serving", now, now, window, a.ID
		if _, err := tx.SQL().ExecContext(ctx, `UPDATE tickets SET status=?, called_at=?, started_at=?, window=?, staff_id=? WHERE id=?`, t.Status, now, now, window, a.ID, t.ID); err != nil {
			return fmt.Errorf("call next: %w", err)
		}
		return s.audit(tx, a, "ticket.call", t.ID, "", "", t.Number+" @"+window)
	})
	s.fillTicketTimes(&t)
	return t, err
}

// FinishTicket marks a ticket done (or absent: called and not there).
func (s *Station) FinishTicket(ctx context.Context, a Actor, id string, absent bool) (Ticket, error) {
	return s.updateTicket(ctx, a, id, func(t *Ticket) error {
		if t.Status != "serving" {
			return domain.Errorf(domain.EConflict, "该号码不在办理中。", "ticket %s is %s", t.Number, t.Status)
		}
		t.Status, t.EndedAt = "done", FormatTime(s.now())
		if absent {
			t.Status = "absent"
		}
		return nil
	}, "ticket.done")
}

// TransferTicket sends a ticket back to the queue for another window or item.
func (s *Station) TransferTicket(ctx context.Context, a Actor, id, toItem, reason string) (Ticket, error) {
	if strings.TrimSpace(reason) == "" {
		return Ticket{}, domain.Errorf(domain.EInvalid, "转号须填写原因。", "transfer: reason required")
	}
	return s.updateTicket(ctx, a, id, func(t *Ticket) error {
		if t.Status != "serving" {
			return domain.Errorf(domain.EConflict, "该号码不在办理中。", "ticket %s is %s", t.Number, t.Status)
		}
		var tr []map[string]string
		json.Unmarshal([]byte(t.Transfers), &tr)
		tr = append(tr, map[string]string{"from": t.Window, "to_item": toItem, "reason": reason, "at": FormatTime(s.now())})
		b, _ := json.Marshal(tr)
		// Waiting continues from the original issue time: a transfer must
		// not make the citizen's wait look shorter.
		t.Transfers, t.Status, t.ItemCode, t.StartedAt, t.CalledAt, t.Window = string(b), "waiting", toItem, "", "", ""
		return nil
	}, "ticket.transfer")
}

func (s *Station) updateTicket(ctx context.Context, a Actor, id string, fn func(t *Ticket) error, action string) (Ticket, error) {
	if err := requireStaff(a); err != nil {
		return Ticket{}, err
	}
	var t Ticket
	err := s.update(ctx, func(tx Tx) error {
		var err error
		t, err = scanTicket(tx.SQL().QueryRowContext(ctx, `SELECT `+ticketCols+` FROM tickets WHERE id=? OR (number=? AND day=?)`, id, id, workday.DateOf(s.now(), workday.China).String()))
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.ENotFound, "找不到该号码。", "ticket %s not found", id)
		}
		if err != nil {
			return fmt.Errorf("ticket %s: %w", id, err)
		}
		if err := fn(&t); err != nil {
			return err
		}
		if _, err := tx.SQL().ExecContext(ctx, `UPDATE tickets SET status=?, item_code=?, window=?, called_at=?, started_at=?, ended_at=?, transfers=? WHERE id=?`,
			t.Status, t.ItemCode, t.Window, t.CalledAt, t.StartedAt, t.EndedAt, t.Transfers, t.ID); err != nil {
			return fmt.Errorf("ticket %s: %w", id, err)
		}
		return s.audit(tx, a, action, t.ID, "", "", t.Number)
	})
	s.fillTicketTimes(&t)
	return t, err
}

// Queue lists today's tickets: waiting ones first, then being served.
func (s *Station) Queue(ctx context.Context) ([]Ticket, error) {
	day := workday.DateOf(s.now(), workday.China).String()
	rows, err := s.db.QueryContext(ctx, `SELECT `+ticketCols+` FROM tickets WHERE day=? ORDER BY CASE status WHEN 'serving' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END, issued_at`, day)
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	defer rows.Close()
	out := []Ticket{}
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return nil, fmt.Errorf("queue: %w", err)
		}
		s.fillTicketTimes(&t)
		out = append(out, t)
	}
	return out, rows.Err()
}

// Slots are the appointment slots of a day.
var Slots = []string{"08:30-09:29", "09:30-10:29", "10:30-11:29", "13:30-14:29", "14:30-15:30"}

// Appointment is a booked visit.
type Appointment struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	IDNumber string `json:"id_number,omitempty"`
	Phone    string `json:"phone"`
	Company  string `json:"company,omitempty"`
	USCC     string `json:"uscc,omitempty"`
	ItemCode string `json:"item_code"`
	Day      string `json:"day"`
	Slot     string `json:"slot"`
	Status   string `json:"status"` // pending, served, cancelled, no_show
}

// SlotCapacity is how many appointments a slot takes.
const SlotCapacity = 6

// BookAppointment books a slot for a citizen.
func (s *Station) BookAppointment(ctx context.Context, a Actor, ap Appointment) (Appointment, error) {
	var err error
	if ap.Name, err = ident.CheckName(ap.Name); err != nil {
		return ap, err
	}
	if ap.Phone, err = ident.CheckPhone(ap.Phone); err != nil {
		return ap, err
	}
	if ap.IDNumber != "" {
		rid, err := ident.ParseResidentID(ap.IDNumber, s.now())
		if err != nil {
			return ap, err
		}
		ap.IDNumber = rid.Number
	}
	if ap.USCC != "" {
		if ap.USCC, err = ident.CheckUSCC(ap.USCC); err != nil {
			return ap, err
		}
	}
	day, err := workday.ParseDate(ap.Day)
	if err != nil {
		return ap, domain.Errorf(domain.EInvalid, "预约日期格式应为 YYYY-MM-DD。", "appointment: bad day %q", ap.Day)
	}
	if day.Before(s.today()) {
		return ap, domain.Errorf(domain.EInvalid, "不能预约过去的日期。", "appointment: day in the past")
	}
	if work, _ := s.cal.IsWorkday(day); !work {
		return ap, domain.Errorf(domain.EInvalid, "该日不是工作日，请另选日期（延时服务请到窗口咨询）。", "appointment: %s is not a working day", ap.Day)
	}
	if !contains(Slots, ap.Slot) {
		return ap, domain.Errorf(domain.EInvalid, "预约时段不正确。", "appointment: unknown slot %q", ap.Slot)
	}
	if _, err := s.Item(ctx, ap.ItemCode, 0); err != nil {
		return ap, err
	}
	ap.ID, ap.Status = s.NewID(), "pending"
	err = s.update(ctx, func(tx Tx) error {
		var n int
		if err := tx.SQL().QueryRowContext(ctx, `SELECT count(*) FROM appointments WHERE day=? AND slot=? AND status IN ('pending','served')`, ap.Day, ap.Slot).Scan(&n); err != nil {
			return fmt.Errorf("book: %w", err)
		}
		if n >= SlotCapacity {
			return domain.Errorf(domain.EConflict, "该时段已约满，请选择其他时段。", "appointment: slot full")
		}
		now := FormatTime(s.now())
		if _, err := tx.SQL().ExecContext(ctx, `INSERT INTO appointments(id,name,id_number,phone,company,uscc,item_code,day,slot,status,created_at,updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)`,
			ap.ID, ap.Name, ap.IDNumber, ap.Phone, ap.Company, ap.USCC, ap.ItemCode, ap.Day, ap.Slot, ap.Status, now, now); err != nil {
			return fmt.Errorf("book: %w", err)
		}
		return s.audit(tx, a, "appointment.book", ap.ID, "", "", ap.Day+" "+ap.Slot)
	})
	return ap, err
}

// SetAppointmentStatus cancels an appointment or marks a no-show or served.
func (s *Station) SetAppointmentStatus(ctx context.Context, a Actor, id, status string) error {
	switch status {
	case "cancelled", "no_show", "served":
	default:
		return domain.Errorf(domain.EInvalid, "预约状态不正确。", "appointment: unknown status %q", status)
	}
	return s.update(ctx, func(tx Tx) error {
		res, err := tx.SQL().ExecContext(ctx, `UPDATE appointments SET status=?, updated_at=? WHERE id=? AND status='pending'`, status, FormatTime(s.now()), id)
		if err != nil {
			return fmt.Errorf("appointment %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return domain.Errorf(domain.ENotFound, "找不到待办的预约。", "appointment %s not pending", id)
		}
		return s.audit(tx, a, "appointment."+status, id, "", "", "")
	})
}

// MarkNoShows marks the pending appointments of past days as no-shows.
func (s *Station) MarkNoShows(ctx context.Context) (int, error) {
	var n int64
	err := s.update(ctx, func(tx Tx) error {
		res, err := tx.SQL().ExecContext(ctx, `UPDATE appointments SET status='no_show', updated_at=? WHERE status='pending' AND day < ?`, FormatTime(s.now()), s.today().String())
		if err != nil {
			return fmt.Errorf("no-shows: %w", err)
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return int(n), err
}

// Appointments lists a day's appointments, masked.
func (s *Station) Appointments(ctx context.Context, day string) ([]Appointment, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id,name,id_number,phone,company,uscc,item_code,day,slot,status FROM appointments WHERE day=? ORDER BY slot, created_at`, day)
	if err != nil {
		return nil, fmt.Errorf("appointments: %w", err)
	}
	defer rows.Close()
	out := []Appointment{}
	for rows.Next() {
		var ap Appointment
		if err := rows.Scan(&ap.ID, &ap.Name, &ap.IDNumber, &ap.Phone, &ap.Company, &ap.USCC, &ap.ItemCode, &ap.Day, &ap.Slot, &ap.Status); err != nil {
			return nil, fmt.Errorf("appointments: %w", err)
		}
		ap.Name, ap.IDNumber, ap.Phone = ident.MaskName(ap.Name), ident.MaskID(ap.IDNumber), ident.MaskPhone(ap.Phone)
		out = append(out, ap)
	}
	return out, rows.Err()
}

// Rectification is the follow-up of a bad review.
type Rectification struct {
	ID           string `json:"id"`
	EvaluationID string `json:"evaluation_id"`
	CaseID       string `json:"case_id,omitempty"`
	Level        int    `json:"level"`
	Comment      string `json:"comment"`
	Contact      string `json:"contact,omitempty"`
	Responsible  string `json:"responsible"`
	Due          string `json:"due"`
	Status       string `json:"status"`
	Callback     string `json:"callback,omitempty"`
	Result       string `json:"result,omitempty"`
	Overdue      bool   `json:"overdue"`
}

// Rectifications lists bad-review follow-ups; open only unless all.
func (s *Station) Rectifications(ctx context.Context, all bool) ([]Rectification, error) {
	q := `SELECT r.id,r.evaluation_id,e.case_id,e.level,e.comment,e.contact,r.responsible,r.due_date,r.status,r.callback,r.result FROM rectifications r JOIN evaluations e ON e.id=r.evaluation_id`
	if !all {
		q += ` WHERE r.status='open'`
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY r.due_date`)
	if err != nil {
		return nil, fmt.Errorf("rectifications: %w", err)
	}
	defer rows.Close()
	out := []Rectification{}
	today := s.today().String()
	for rows.Next() {
		var r Rectification
		if err := rows.Scan(&r.ID, &r.EvaluationID, &r.CaseID, &r.Level, &r.Comment, &r.Contact, &r.Responsible, &r.Due, &r.Status, &r.Callback, &r.Result); err != nil {
			return nil, fmt.Errorf("rectifications: %w", err)
		}
		r.Contact = ident.MaskPhone(r.Contact)
		r.Overdue = r.Status == "open" && r.Due < today
		out = append(out, r)
	}
	return out, rows.Err()
}

// CloseRectification records the call-back and its outcome: fixed (at once),
// fixed_by_deadline, explained (no legal basis) or appealed.
func (s *Station) CloseRectification(ctx context.Context, a Actor, id, status, callback, result string) error {
	switch status {
	case "fixed", "fixed_by_deadline", "explained", "appealed":
	default:
		return domain.Errorf(domain.EInvalid, "整改结果须为立即整改、限期整改、解释说明或申诉。", "rectification: unknown status %q", status)
	}
	if strings.TrimSpace(callback) == "" || strings.TrimSpace(result) == "" {
		return domain.Errorf(domain.EInvalid, "请填写回访情况和整改结果。", "rectification: callback and result required")
	}
	return s.update(ctx, func(tx Tx) error {
		res, err := tx.SQL().ExecContext(ctx, `UPDATE rectifications SET status=?, callback=?, result=?, closed_at=? WHERE id=? AND status='open'`,
			status, callback, result, FormatTime(s.now()), id)
		if err != nil {
			return fmt.Errorf("rectification %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return domain.Errorf(domain.ENotFound, "找不到待处理的整改。", "rectification %s not open", id)
		}
		return s.audit(tx, a, "rectification.close", id, "", "", status)
	})
}

// ExtendedSession records hours worked outside the normal timetable (延时服务).
type ExtendedSession struct {
	ID     string `json:"id"`
	Day    string `json:"day"`
	Kind   string `json:"kind"` // lunch, evening, weekend, appointment
	Start  string `json:"start"`
	End    string `json:"end"`
	Staff  string `json:"staff"`
	Served int    `json:"served"`
}

// RecordExtendedSession stores an extended-hours session.
func (s *Station) RecordExtendedSession(ctx context.Context, a Actor, es ExtendedSession) (ExtendedSession, error) {
	if _, err := workday.ParseDate(es.Day); err != nil {
		return es, domain.Errorf(domain.EInvalid, "日期格式应为 YYYY-MM-DD。", "extended session: bad day")
	}
	switch es.Kind {
	case "lunch", "evening", "weekend", "appointment":
	default:
		return es, domain.Errorf(domain.EInvalid, "延时服务类型须为午间、傍晚、周末或预约。", "extended session: unknown kind %q", es.Kind)
	}
	st, err1 := time.Parse("15:04", es.Start)
	en, err2 := time.Parse("15:04", es.End)
	if err1 != nil || err2 != nil || !en.After(st) {
		return es, domain.Errorf(domain.EInvalid, "请填写正确的起止时间（如 12:00 至 13:30）。", "extended session: bad times")
	}
	if es.Served < 0 {
		return es, domain.Errorf(domain.EInvalid, "服务人数不能为负。", "extended session: negative served")
	}
	es.ID = s.NewID()
	err := s.update(ctx, func(tx Tx) error {
		if _, err := tx.SQL().ExecContext(ctx, `INSERT INTO extended_sessions(id,day,kind,start_time,end_time,staff,served,created_at) VALUES(?,?,?,?,?,?,?,?)`,
			es.ID, es.Day, es.Kind, es.Start, es.End, es.Staff, es.Served, FormatTime(s.now())); err != nil {
			return fmt.Errorf("extended session: %w", err)
		}
		return s.audit(tx, a, "extended.add", es.ID, "", "", es.Day+" "+es.Kind)
	})
	return es, err
}
