package hall

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"yizhan/domain"
	"yizhan/ident"
	"yizhan/sync/protocol"
	"yizhan/workday"
)

// Actor is the hall clerk behind a command, for the events and the access log.
type Actor struct {
	ID   string
	Name string
}

// CaseSummary is a case in a hall list: personal data masked, as lists,
// exports and logs must show it.
type CaseSummary struct {
	ID          string       `json:"id"`
	Number      string       `json:"number"`
	Serial      string       `json:"serial,omitempty"`
	Station     string       `json:"station"`
	Holder      string       `json:"holder"`
	State       domain.State `json:"state"`
	StateZh     string       `json:"state_zh"`
	Result      string       `json:"result,omitempty"`
	ItemCode    string       `json:"item_code"`
	ItemName    string       `json:"item_name"`
	HandledAt   string       `json:"handled_at"`
	Applicant   string       `json:"applicant"`
	ApplicantID string       `json:"applicant_id"`
	Phone       string       `json:"phone,omitempty"`
	ReceivedAt  time.Time    `json:"received_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
}

// MaskApplicant returns a copy of ap with name, ID number and phones masked.
func MaskApplicant(ap domain.Applicant) domain.Applicant {
	ap.Name = ident.MaskName(ap.Name)
	if ap.IDType == "uscc" {
		ap.IDNumber = ident.MaskUSCC(ap.IDNumber)
	} else {
		ap.IDNumber = ident.MaskID(ap.IDNumber)
	}
	ap.Phone = ident.MaskPhone(ap.Phone)
	ap.AddresseeTel = ident.MaskPhone(ap.AddresseeTel)
	ap.Addressee = ident.MaskName(ap.Addressee)
	ap.Contact = ident.MaskName(ap.Contact)
	ap.LegalRep = ident.MaskName(ap.LegalRep)
	ap.BirthDate, ap.Address, ap.DeliveryAddr = "", "", ""
	return ap
}

// Cases lists cases matching f with personal data masked.
func (s *Service) Cases(ctx context.Context, f CaseFilter) ([]CaseSummary, error) {
	if f.State != "" && !f.State.Valid() {
		return nil, domain.Errorf(domain.EInvalid, "办件状态不正确："+string(f.State), "unknown state %q", f.State)
	}
	var out []CaseSummary
	err := s.store.View(ctx, func(tx Tx) error {
		cs, err := tx.FindCases(f)
		if err != nil {
			return err
		}
		for _, c := range cs {
			ap := MaskApplicant(c.Applicant)
			out = append(out, CaseSummary{ID: c.ID, Number: c.Number, Serial: c.Serial, Station: c.Station, Holder: c.Holder,
				State: c.State, StateZh: c.State.Zh(), Result: c.Result, ItemCode: c.ItemCode, ItemName: c.ItemName,
				HandledAt: c.HandledAt, Applicant: ap.Name, ApplicantID: ap.IDNumber, Phone: ap.Phone,
				ReceivedAt: c.ReceivedAt, UpdatedAt: c.UpdatedAt})
		}
		return nil
	})
	return out, err
}

// CaseDetail is one case with its history in log order.
type CaseDetail struct {
	Case     *domain.Case        `json:"case"`
	History  []protocol.LogEvent `json:"history"`
	Next     []domain.EventKind  `json:"next"` // steps the state machine allows now
	Deadline DeadlineInfo        `json:"deadline"`
}

// ShowCase returns a case and its history and writes an access record. With
// unmask false the applicant is masked; unmasking needs a purpose, which is
// logged, as the Personal Information Protection Law expects.
func (s *Service) ShowCase(ctx context.Context, a Actor, id string, unmask bool, purpose string) (*CaseDetail, error) {
	if unmask && strings.TrimSpace(purpose) == "" {
		return nil, domain.Errorf(domain.EInvalid, "查看完整个人信息必须填写用途。", "unmask: purpose required")
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	today := workday.DateOf(s.Now(), workday.China)
	var d *CaseDetail
	err = s.store.Update(ctx, func(tx Tx) error {
		c, err := tx.Case(id)
		if err != nil {
			return err
		}
		if c == nil {
			return errNoCase(id)
		}
		log, err := tx.CaseLog(id, 0)
		if err != nil {
			return err
		}
		if !unmask {
			c.Applicant = MaskApplicant(c.Applicant)
			if c.Delivery != nil {
				c.Delivery = maskDelivery(*c.Delivery)
			}
			if c.Agent != nil {
				ag := *c.Agent
				ag.Name, ag.IDNumber, ag.Phone = ident.MaskName(ag.Name), ident.MaskID(ag.IDNumber), ident.MaskPhone(ag.Phone)
				c.Agent = &ag
			}
			c.QueryPassword = ""
		}
		d = &CaseDetail{Case: c, Next: domain.NextSteps(c.State), Deadline: deadlineOf(cal, c, today), History: []protocol.LogEvent{}}
		for _, le := range log {
			ev, _, _, err := entryOf(&Delivery{Log: le})
			if err != nil {
				return err
			}
			if !unmask {
				ev.Event = maskedEvent(le.Event)
			}
			d.History = append(d.History, *ev)
		}
		action, detail := "case.view", ""
		if unmask {
			action, detail = "case.unmask", purpose
		}
		return tx.RecordAccess(&Access{At: s.Now(), Actor: a.ID, Action: action, CaseID: id, Detail: detail})
	})
	return d, err
}

// maskedEvent hides the payloads that carry personal data in clear (the
// applicant on open, changed contact details, the signer on delivery); the
// masked case above shows what a list may show. A delivery keeps its
// method and waybill, what staff track a letter by, with the address and
// addressee masked as in the case.
func maskedEvent(e *domain.Event) *domain.Event {
	switch e.Kind {
	case domain.EvOpen, domain.EvUpdateApplicant, domain.EvDeliver:
		cp := *e
		cp.Payload = nil
		return &cp
	case domain.EvStartDelivery:
		cp := *e
		cp.Payload = nil
		var d domain.Delivery
		if json.Unmarshal(e.Payload, &d) == nil {
			cp.Payload, _ = json.Marshal(maskDelivery(d))
		}
		return &cp
	}
	return e
}

// maskDelivery masks a delivery as the station does: the address keeps
// its first six characters (province, city: where the letter went, not
// to whom), names keep their first and last.
func maskDelivery(d domain.Delivery) *domain.Delivery {
	if rs := []rune(d.Address); len(rs) > 6 {
		d.Address = string(rs[:6]) + "****"
	}
	d.Addressee, d.SignedBy = ident.MaskName(d.Addressee), ident.MaskName(d.SignedBy)
	return &d
}

func errNoCase(id string) error {
	return domain.Errorf(domain.ENotFound, "找不到办件 "+id+"。", "case %s not found", id)
}

// step is one event a hall command makes.
type step struct {
	kind    domain.EventKind
	payload any
}

// takeUp prefixes steps with the review step (审查/承办: start_process)
// when the hall holds the case and has not taken it up yet: approving,
// refusing, suspending or asking for corrections all happen in review. A
// case a station forwarded without accepting it must be accepted first
// (Accept): the acceptance is a legal act with its own date, never made in
// passing.
func takeUp(c *domain.Case, steps ...step) ([]step, error) {
	if c.Holder != domain.HallOffice {
		return steps, nil // Authorize refuses, naming the holder
	}
	switch c.State {
	case domain.StateForwarded:
		if c.AcceptedAt == nil {
			return nil, errNotAccepted(c)
		}
		return append([]step{{kind: domain.EvStartProcess}}, steps...), nil
	case domain.StateAccepted:
		return append([]step{{kind: domain.EvStartProcess}}, steps...), nil
	}
	return steps, nil
}

func errNotAccepted(c *domain.Case) error {
	return domain.Errorf(domain.EConflict, "办件 "+c.Number+" 由站点代收转报，尚未受理：请先受理（hall case accept）或不予受理。",
		"case %s was forwarded unaccepted: accept it first", c.Number)
}

// command makes the events plan returns for the case's current state, each
// based on the state the previous one left, through the same path as a push.
// If any step does not fit, nothing is recorded and the error says why.
func (s *Service) command(ctx context.Context, a Actor, id, action string, plan func(c *domain.Case) ([]step, error)) error {
	now := s.Now()
	return s.store.Update(ctx, func(tx Tx) error {
		b := newBatch(tx, now)
		c, err := b.caseState(id)
		if err != nil {
			return err
		}
		if c == nil {
			return errNoCase(id)
		}
		steps, err := plan(c)
		if err != nil {
			return err
		}
		for _, st := range steps {
			cur, err := b.caseState(id)
			if err != nil {
				return err
			}
			e, err := domain.NewEvent(s.NewID(), id, st.kind, "", st.payload)
			if err != nil {
				return err
			}
			if st.kind.IsTransition() {
				e.From = cur.State
			}
			e.Actor, e.ActorName, e.Office, e.HLC, e.At = a.ID, a.Name, domain.HallOffice, s.hlc.Now(), now
			ack, err := s.process(b, domain.HallOffice, e)
			if err != nil {
				return err
			}
			if ack.Status != protocol.AckAccepted {
				return &domain.Error{Code: ack.Code, Message: ack.Reason, Zh: ack.Zh}
			}
		}
		if err := b.flush(); err != nil {
			return err
		}
		return tx.RecordAccess(&Access{At: now, Actor: a.ID, Action: action, CaseID: id})
	})
}

func needReason(what, reason string) error {
	if strings.TrimSpace(reason) == "" {
		return domain.Errorf(domain.EInvalid, what+"必须填写理由。", "%s: reason required", what)
	}
	return nil
}

// Approve concludes a case as approved (准予), taking a forwarded case up
// first. certNo is the certificate number, if any.
func (s *Service) Approve(ctx context.Context, a Actor, id, certNo string) error {
	return s.command(ctx, a, id, "case.approve", func(c *domain.Case) ([]step, error) {
		return takeUp(c, step{domain.EvConclude, domain.ConcludePayload{Result: domain.ResultApproved, CertNo: certNo}})
	})
}

// Refuse concludes a case as refused (不予许可); a reason is required.
func (s *Service) Refuse(ctx context.Context, a Actor, id, reason string) error {
	return s.conclude(ctx, a, id, domain.ResultRefused, "不予许可", reason)
}

// Return concludes a case as returned (退回); a reason is required.
func (s *Service) Return(ctx context.Context, a Actor, id, reason string) error {
	return s.conclude(ctx, a, id, domain.ResultReturned, "退回", reason)
}

func (s *Service) conclude(ctx context.Context, a Actor, id, result, what, reason string) error {
	if err := needReason(what, reason); err != nil {
		return err
	}
	return s.command(ctx, a, id, "case."+result, func(c *domain.Case) ([]step, error) {
		return takeUp(c, step{domain.EvConclude, domain.ConcludePayload{Result: result, Reason: reason}})
	})
}

// RequestCorrection asks for missing materials (一次性告知), listing every
// item at once.
func (s *Service) RequestCorrection(ctx context.Context, a Actor, id, reason string, items []string) error {
	if err := needReason("补正告知", reason); err != nil {
		return err
	}
	// The one-time notice gives the applicant 5 working days, as the
	// station's does.
	cal, err := s.Calendar(ctx)
	if err != nil {
		return err
	}
	due := cal.Due(workday.DateOf(s.Now(), workday.China), workday.Limit{Value: 5, Unit: workday.G}, nil).Due.String()
	return s.command(ctx, a, id, "case.request_correction", func(c *domain.Case) ([]step, error) {
		return takeUp(c, step{domain.EvRequestCorrection, domain.CorrectionPayload{Reason: reason, Items: items, Due: due}})
	})
}

// Suspend starts a special procedure (特别程序) that stops the clock.
func (s *Service) Suspend(ctx context.Context, a Actor, id, reason string) error {
	return s.SuspendProcedure(ctx, a, id, domain.SuspendPayload{Reason: reason})
}

// SuspendProcedure starts a special procedure naming what it is (hearing,
// inspection, testing, expert review…) and whether its days count as
// working (G) or calendar (Z) days.
func (s *Service) SuspendProcedure(ctx context.Context, a Actor, id string, p domain.SuspendPayload) error {
	if err := needReason("特别程序", p.Reason); err != nil {
		return err
	}
	return s.command(ctx, a, id, "case.suspend", func(c *domain.Case) ([]step, error) {
		return takeUp(c, step{domain.EvSuspend, p})
	})
}

// Resume ends a special procedure.
func (s *Service) Resume(ctx context.Context, a Actor, id string) error {
	return s.command(ctx, a, id, "case.resume", func(c *domain.Case) ([]step, error) {
		return []step{{kind: domain.EvResume}}, nil
	})
}

// AssignSerial gives a case the hall's application serial number (申办流水号).
func (s *Service) AssignSerial(ctx context.Context, a Actor, id, serial string) error {
	if strings.TrimSpace(serial) == "" {
		return domain.Errorf(domain.EInvalid, "请填写申办流水号。", "serial required")
	}
	return s.command(ctx, a, id, "case.assign_serial", func(c *domain.Case) ([]step, error) {
		return []step{{domain.EvAssignSerial, domain.SerialPayload{Serial: strings.TrimSpace(serial)}}}, nil
	})
}

// Route hands a case to another office; the receiving station gets the
// case's whole history on its next pull.
func (s *Service) Route(ctx context.Context, a Actor, id, to string) error {
	if to == "" {
		return domain.Errorf(domain.EInvalid, "移交必须指定接收单位。", "route: destination required")
	}
	return s.command(ctx, a, id, "case.route", func(c *domain.Case) ([]step, error) {
		return []step{{domain.EvRoute, domain.RoutePayload{To: to}}}, nil
	})
}
