package app

import (
	"context"
	"encoding/json"
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
	// Ahead is how many are called before this ticket, as of its issue
	// (printed on the ticket).
	Ahead int `json:"ahead,omitempty"`
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
		// Who CallNext takes first: appointment holders, then by issue time.
		if t.Ahead, err = tx.CountWaiting(day, appointmentID != ""); err != nil {
			return err
		}
		if err := tx.InsertTicket(t); err != nil {
			return err
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
		next, err := tx.NextWaitingTicket(day)
		if err != nil {
			return err
		}
		if next == nil {
			return domain.Errorf(domain.ENotFound, "当前没有等候的群众。", "queue empty")
		}
		t = *next
		now := FormatTime(s.now())
		t.Status, t.CalledAt, t.StartedAt, t.Window, t.StaffID = "serving", now, now, window, a.ID
		if err := tx.UpdateTicket(t); err != nil {
			return err
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
		found, err := tx.Ticket(id)
		if err == nil && found == nil {
			found, err = tx.TicketByNumber(workday.DateOf(s.now(), workday.China).String(), id)
		}
		if err != nil {
			return err
		}
		if found == nil {
			return domain.Errorf(domain.ENotFound, "找不到该号码。", "ticket %s not found", id)
		}
		t = *found
		if err := fn(&t); err != nil {
			return err
		}
		if err := tx.UpdateTicket(t); err != nil {
			return err
		}
		return s.audit(tx, a, action, t.ID, "", "", t.Number)
	})
	s.fillTicketTimes(&t)
	return t, err
}

// Queue lists today's tickets: waiting ones first, then being served.
func (s *Station) Queue(ctx context.Context) ([]Ticket, error) {
	var out []Ticket
	err := s.view(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Queue(workday.DateOf(s.now(), workday.China).String())
		return err
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		s.fillTicketTimes(&out[i])
	}
	return out, nil
}

// QueueBoard is what the waiting-room display shows: the numbers being
// called to which window, newest first, and the next numbers. Numbers and
// windows only: no names, nothing personal.
type QueueBoard struct {
	Calls   []BoardCall `json:"calls"`
	Next    []string    `json:"next"`
	Waiting int         `json:"waiting"`
}

// BoardCall is one number called to a window.
type BoardCall struct {
	ID       string `json:"id"`
	Number   string `json:"number"`
	Window   string `json:"window"`
	CalledAt string `json:"called_at"`
}

// Board returns today's queue board: up to 8 current calls and the next 10
// numbers in the order CallNext takes them.
func (s *Station) Board(ctx context.Context) (*QueueBoard, error) {
	day := workday.DateOf(s.now(), workday.China).String()
	b := &QueueBoard{}
	var next []string
	if err := s.view(ctx, func(tx Tx) error {
		var err error
		b.Calls, next, err = tx.QueueBoard(day, 8)
		return err
	}); err != nil {
		return nil, err
	}
	b.Waiting = len(next)
	b.Next = append([]string{}, next[:min(len(next), 10)]...)
	return b, nil
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
		n, err := tx.CountBooked(ap.Day, ap.Slot)
		if err != nil {
			return err
		}
		if n >= SlotCapacity {
			return domain.Errorf(domain.EConflict, "该时段已约满，请选择其他时段。", "appointment: slot full")
		}
		if err := tx.InsertAppointment(ap, s.now()); err != nil {
			return err
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
		ok, err := tx.SetAppointmentStatus(id, status, s.now())
		if err != nil {
			return err
		}
		if !ok {
			return domain.Errorf(domain.ENotFound, "找不到待办的预约。", "appointment %s not pending", id)
		}
		return s.audit(tx, a, "appointment."+status, id, "", "", "")
	})
}

// MarkNoShows marks the pending appointments of past days as no-shows.
func (s *Station) MarkNoShows(ctx context.Context) (int, error) {
	var n int
	err := s.update(ctx, func(tx Tx) error {
		var err error
		n, err = tx.MarkNoShows(s.today().String(), s.now())
		return err
	})
	return n, err
}

// Appointments lists a day's appointments, masked.
func (s *Station) Appointments(ctx context.Context, day string) ([]Appointment, error) {
	var out []Appointment
	err := s.view(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Appointments(day)
		return err
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		ap := &out[i]
		ap.Name, ap.IDNumber, ap.Phone = ident.MaskName(ap.Name), ident.MaskID(ap.IDNumber), ident.MaskPhone(ap.Phone)
	}
	return out, nil
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
	var out []Rectification
	err := s.view(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Rectifications(all)
		return err
	})
	if err != nil {
		return nil, err
	}
	today := s.today().String()
	for i := range out {
		r := &out[i]
		r.Contact = ident.MaskPhone(r.Contact)
		r.Overdue = r.Status == "open" && r.Due < today
	}
	return out, nil
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
		ok, err := tx.CloseRectification(id, status, callback, result, s.now())
		if err != nil {
			return err
		}
		if !ok {
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
		if err := tx.InsertExtendedSession(es, s.now()); err != nil {
			return err
		}
		return s.audit(tx, a, "extended.add", es.ID, "", "", es.Day+" "+es.Kind)
	})
	return es, err
}
