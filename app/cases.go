package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"yizhan/domain"
	"yizhan/ident"
	"yizhan/workday"
)

// OpenCase receives an application (收件): it validates the applicant and the
// agent, snapshots the item version's limits and materials checklist, gives
// the case its number and query password, and records the open event and any
// materials collected, all in one transaction.
func (s *Station) OpenCase(ctx context.Context, a Actor, in OpenCaseInput) (*domain.Case, error) {
	if err := requireStaff(a); err != nil {
		return nil, err
	}
	if err := s.requireInit(); err != nil {
		return nil, err
	}
	var out *domain.Case
	err := s.update(ctx, func(tx Tx) error {
		it, err := s.item(tx, in.ItemCode, in.ItemVersion)
		if err != nil {
			return err
		}
		_, mats, err := s.checkIntake(ctx, it, &in)
		if err != nil {
			return err
		}
		now := s.now()
		number, err := s.nextCaseNumber(tx, now)
		if err != nil {
			return err
		}
		p := domain.OpenPayload{
			Number: number, QueryPassword: domain.NewQueryPassword(),
			ItemCode: it.Code, ItemVersion: it.Version, ItemName: it.CaseName(), ItemKind: it.Kind, HandledAt: it.HandledAt,
			Situation: in.Situation, Channel: in.Channel, Applicant: in.Applicant, Agent: in.Agent, Materials: mats,
			LegalLimit: it.LegalLimit, PromisedLimit: it.PromisedLimit, TicketID: in.TicketID, AppointmentID: in.AppointmentID,
		}
		if st, ok := it.Situation(in.Situation); ok {
			p.SituationName = st.Name
		}
		region, _ := s.meta(ctx, "region")
		p.Division = region
		e, err := domain.NewEvent(s.NewID(), s.NewID(), domain.EvOpen, domain.StateNone, p)
		if err != nil {
			return err
		}
		c, err := s.appendEvent(ctx, tx, a, nil, e)
		if err != nil {
			return err
		}
		if in.TicketID != "" {
			if err := tx.LinkTicket(in.TicketID, c.ID); err != nil {
				return fmt.Errorf("open case: %w", err)
			}
		}
		if in.AppointmentID != "" {
			if _, err := tx.SetAppointmentStatus(in.AppointmentID, "served", now); err != nil {
				return fmt.Errorf("open case: link appointment: %w", err)
			}
		}
		out = c
		return nil
	})
	return out, err
}

// loadCase reads a case's folded state by ID or case number, or ENotFound.
func loadCase(tx Tx, id string) (*domain.Case, error) {
	c, err := tx.Case(id)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, domain.Errorf(domain.ENotFound, "找不到该办件："+id, "case %s not found", id)
	}
	return c, nil
}

// appendEvent stamps a locally made event, checks it against authority and
// the state machine, stores it and the new case state, and audits it. It is
// the one path by which a clerk's action becomes a recorded change.
func (s *Station) appendEvent(ctx context.Context, tx Tx, a Actor, c *domain.Case, e *domain.Event) (*domain.Case, error) {
	e.Office, e.Actor, e.ActorName = s.code, a.Login, a.Name
	// At is for display (order comes from the stamp): milliseconds, like
	// the stamp, so that it costs next to nothing on the wire
	// (protocol.MediaCols sends it as its difference from the stamp).
	e.HLC, e.At = s.hlc.Now(), s.now().UTC().Truncate(time.Millisecond)
	if err := domain.CheckEvent(e); err != nil {
		return nil, err
	}
	f, err := s.facts(ctx, tx, c, e)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(c, e, f); err != nil {
		return nil, err
	}
	if err := domain.CheckMaterial(c, e, f.Item); err != nil {
		return nil, err
	}
	next := &domain.Case{}
	if c != nil {
		cp := *c
		next = &cp
	}
	if err := next.Apply(e); err != nil {
		return nil, err
	}
	if err := tx.AppendEvent(e, StatusPending, 0); err != nil {
		return nil, err
	}
	if err := s.putCase(tx, next); err != nil {
		return nil, err
	}
	if err := s.audit(tx, a, "case."+string(e.Kind), next.ID, "", "", next.Number); err != nil {
		return nil, err
	}
	return next, nil
}

// Kind returns the station's kind as the hall registers it (meta "kind",
// set at enrolment and by the hall's sync answers); a station that never
// heard is a township centre, the hall's default.
func (s *Station) Kind(ctx context.Context) domain.OfficeKind {
	k, _ := s.meta(ctx, "kind")
	if kind, err := domain.ParseStationKind(k); err == nil {
		return kind
	}
	return domain.DefaultStationKind
}

// facts are this station's own facts for Authorize: its kind and region,
// and the case's item version from its copy of the hall's catalog (for an
// open, the item the open names). The hall decides again with its own.
func (s *Station) facts(ctx context.Context, tx Tx, c *domain.Case, e *domain.Event) (domain.Facts, error) {
	f := domain.Facts{Office: s.code, Kind: s.Kind(ctx)}
	f.Region, _ = s.meta(ctx, "region")
	code, version := "", 0
	switch {
	case e != nil && e.Kind == domain.EvOpen:
		var p struct {
			Code    string `json:"item_code"`
			Version int    `json:"item_version"`
		}
		if json.Unmarshal(e.Payload, &p) == nil {
			code, version = p.Code, p.Version
		}
	case c != nil:
		code, version = c.ItemCode, c.ItemVersion
	}
	if code != "" && version > 0 {
		it, err := s.item(tx, code, version)
		if err != nil && domain.ErrorCode(err) != domain.ENotFound {
			return f, err
		}
		f.Item = it
	}
	return f, nil
}

// deadlines computes a case's promised and legal deadlines with this
// station's calendar, by the one definition the hall uses too.
func (s *Station) deadlines(c *domain.Case) (promised, legal workday.Deadline) {
	return c.Deadlines(s.cal)
}

// putCase writes the folded case with its deadlines by this station's
// calendar.
func (s *Station) putCase(tx Tx, c *domain.Case) error {
	pd, ld := s.deadlines(c)
	return tx.PutCase(c, CaseDue{Due: pd.Due, LegalDue: ld.Due, Provisional: pd.Provisional || ld.Provisional, Paused: pd.Paused})
}

// record loads a case, lets build make the event from the current state, and
// appends it: every lifecycle step goes through here.
func (s *Station) record(ctx context.Context, a Actor, caseID string, build func(c *domain.Case) (*domain.Event, error)) (*domain.Case, error) {
	if err := requireStaff(a); err != nil {
		return nil, err
	}
	var out *domain.Case
	err := s.update(ctx, func(tx Tx) error {
		c, err := loadCase(tx, caseID)
		if err != nil {
			return err
		}
		e, err := build(c)
		if err != nil {
			return err
		}
		out, err = s.appendEvent(ctx, tx, a, c, e)
		return err
	})
	return out, err
}

func (s *Station) step(ctx context.Context, a Actor, caseID string, kind domain.EventKind, payload any) (*domain.Case, error) {
	return s.record(ctx, a, caseID, func(c *domain.Case) (*domain.Event, error) {
		return domain.NewEvent(s.NewID(), c.ID, kind, c.State, payload)
	})
}

// RecordMaterial records how one material was collected (or that it is still
// missing). Use it after intake to complete a case.
func (s *Station) RecordMaterial(ctx context.Context, a Actor, caseID string, m MaterialInput) (*domain.Case, error) {
	return s.record(ctx, a, caseID, func(c *domain.Case) (*domain.Event, error) {
		it, err := s.Item(ctx, c.ItemCode, c.ItemVersion)
		if err != nil {
			return nil, err
		}
		return s.materialEvent(it, c, m)
	})
}

// materialEvent checks one material input against the case and its item and
// makes its event.
func (s *Station) materialEvent(it *domain.Item, c *domain.Case, m MaterialInput) (*domain.Event, error) {
	var cm *domain.CaseMaterial
	for i := range c.Materials {
		if c.Materials[i].Code == m.Code {
			cm = &c.Materials[i]
		}
	}
	if cm == nil {
		return nil, domain.Errorf(domain.EInvalid, "该办件没有这项材料："+m.Code, "case %s has no material %q", c.Number, m.Code)
	}
	if err := checkCollect(it, *cm, m.Collected); err != nil {
		return nil, err
	}
	return domain.NewEvent(s.NewID(), c.ID, domain.EvMaterial, "", domain.MaterialPayload{
		Code: m.Code, Collected: m.Collected, Count: m.Count, CertNo: m.CertNo, Blobs: m.Blobs, RongqueDue: m.RongqueDue})
}

// RequestCorrection records the one-time notice (一次性告知) listing every
// missing material at once, plus anything else the clerk adds.
func (s *Station) RequestCorrection(ctx context.Context, a Actor, caseID, reason string, extra []string) (*domain.Case, error) {
	return s.record(ctx, a, caseID, func(c *domain.Case) (*domain.Event, error) {
		var items []string
		for _, m := range c.Owed() {
			items = append(items, m.Name)
		}
		items = append(items, extra...)
		if len(items) == 0 {
			return nil, domain.Errorf(domain.EInvalid, "材料已齐全，无需补正。如需补充其他材料，请写明。", "request correction: nothing missing")
		}
		if strings.TrimSpace(reason) == "" {
			reason = "申请材料不齐全"
		}
		due := s.cal.Due(s.today(), workday.Limit{Value: 5, Unit: workday.G}, nil).Due
		return domain.NewEvent(s.NewID(), c.ID, domain.EvRequestCorrection, c.State, domain.CorrectionPayload{Reason: reason, Items: items, Due: due.String()})
	})
}

// Supplement records what the applicant brought in answer to the correction
// notice (补齐材料): each material in brought, then the supplement step, in
// one transaction, so the checklist shows what came and acceptance is offered
// only when nothing required is missing. brought may be empty when the
// notice asked only for something outside the checklist.
func (s *Station) Supplement(ctx context.Context, a Actor, caseID string, brought []MaterialInput) (*domain.Case, error) {
	if err := requireStaff(a); err != nil {
		return nil, err
	}
	var out *domain.Case
	err := s.update(ctx, func(tx Tx) error {
		c, err := loadCase(tx, caseID)
		if err != nil {
			return err
		}
		if c.State != domain.StateCorrection {
			return domain.Errorf(domain.EConflict, fmt.Sprintf("当前状态“%s”下不能补齐材料。请刷新办件。", c.State.Zh()),
				"supplement: case %s is %s", c.Number, c.State)
		}
		it, err := s.item(tx, c.ItemCode, c.ItemVersion)
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, m := range brought {
			if seen[m.Code] {
				return domain.Errorf(domain.EInvalid, "同一材料只能登记一次："+m.Code, "supplement: material %s twice", m.Code)
			}
			seen[m.Code] = true
			e, err := s.materialEvent(it, c, m)
			if err != nil {
				return err
			}
			if c, err = s.appendEvent(ctx, tx, a, c, e); err != nil {
				return err
			}
		}
		e, err := domain.NewEvent(s.NewID(), c.ID, domain.EvSupplement, c.State, nil)
		if err != nil {
			return err
		}
		out, err = s.appendEvent(ctx, tx, a, c, e)
		return err
	})
	return out, err
}

// CorrectionTimeout concludes a case whose corrections never came.
func (s *Station) CorrectionTimeout(ctx context.Context, a Actor, caseID string) (*domain.Case, error) {
	return s.step(ctx, a, caseID, domain.EvCorrectionTimeout, domain.ReasonPayload{Reason: "逾期未补正"})
}

// Accept accepts a case (受理): the clock starts. A required material still
// missing refuses acceptance, listing what is missing.
func (s *Station) Accept(ctx context.Context, a Actor, caseID string) (*domain.Case, error) {
	return s.record(ctx, a, caseID, func(c *domain.Case) (*domain.Event, error) {
		if !c.Complete() {
			var names []string
			for _, m := range c.Missing() {
				if m.Blocking() {
					names = append(names, m.Name)
				}
			}
			return nil, domain.Errorf(domain.EInvalid, "必要材料未齐全，不能受理："+strings.Join(names, "、")+"。请出具一次性告知书。",
				"accept %s: required materials missing: %d", c.Number, len(names))
		}
		return domain.NewEvent(s.NewID(), c.ID, domain.EvAccept, c.State, nil)
	})
}

// NotAccept refuses to accept a case (不予受理); the reason is required.
func (s *Station) NotAccept(ctx context.Context, a Actor, caseID, reason string) (*domain.Case, error) {
	return s.step(ctx, a, caseID, domain.EvNotAccept, domain.ReasonPayload{Reason: reason})
}

// Forward sends an accepted case to the hall.
func (s *Station) Forward(ctx context.Context, a Actor, caseID string) (*domain.Case, error) {
	return s.step(ctx, a, caseID, domain.EvForward, domain.RoutePayload{To: domain.HallOffice})
}

// StartProcess starts review at the station for items it handles to the end.
func (s *Station) StartProcess(ctx context.Context, a Actor, caseID string) (*domain.Case, error) {
	return s.step(ctx, a, caseID, domain.EvStartProcess, nil)
}

// Suspend starts a special procedure; the deadline clock pauses.
func (s *Station) Suspend(ctx context.Context, a Actor, caseID, reason, procedure, unit string) (*domain.Case, error) {
	return s.step(ctx, a, caseID, domain.EvSuspend, domain.SuspendPayload{Reason: reason, Procedure: procedure, Unit: unit})
}

// Resume ends a special procedure.
func (s *Station) Resume(ctx context.Context, a Actor, caseID string) (*domain.Case, error) {
	return s.step(ctx, a, caseID, domain.EvResume, nil)
}

// Conclude records the result of a case the station handles itself.
func (s *Station) Conclude(ctx context.Context, a Actor, caseID, result, reason, certNo string) (*domain.Case, error) {
	return s.step(ctx, a, caseID, domain.EvConclude, domain.ConcludePayload{Result: result, Reason: reason, CertNo: certNo})
}

// StartDelivery hands the result over for pickup or mails it by EMS.
func (s *Station) StartDelivery(ctx context.Context, a Actor, caseID string, d domain.Delivery) (*domain.Case, error) {
	return s.record(ctx, a, caseID, func(c *domain.Case) (*domain.Event, error) {
		if d.Method == "ems" && d.Address == "" {
			d.Address = firstNonEmpty(c.Applicant.DeliveryAddr, c.Applicant.Address)
			d.Addressee = firstNonEmpty(d.Addressee, c.Applicant.Addressee, c.Applicant.Name)
			if d.Address == "" {
				return nil, domain.Errorf(domain.EInvalid, "EMS 寄递需要收件地址。", "delivery: ems needs an address")
			}
		}
		return domain.NewEvent(s.NewID(), c.ID, domain.EvStartDelivery, c.State, d)
	})
}

// Deliver records the applicant's signature for the result.
func (s *Station) Deliver(ctx context.Context, a Actor, caseID, signedBy string) (*domain.Case, error) {
	if strings.TrimSpace(signedBy) == "" {
		return nil, domain.Errorf(domain.EInvalid, "请填写签收人。", "deliver: signer required")
	}
	return s.step(ctx, a, caseID, domain.EvDeliver, domain.DeliverPayload{SignedBy: signedBy})
}

// UpdateApplicant changes free-form applicant fields (phone, address...).
func (s *Station) UpdateApplicant(ctx context.Context, a Actor, caseID string, u domain.ApplicantUpdate) (*domain.Case, error) {
	return s.record(ctx, a, caseID, func(c *domain.Case) (*domain.Event, error) {
		if u.Phone != nil {
			ph, err := ident.CheckPhone(*u.Phone)
			if err != nil {
				return nil, err
			}
			u.Phone = &ph
		}
		return domain.NewEvent(s.NewID(), c.ID, domain.EvUpdateApplicant, "", u)
	})
}

// AddNote adds a free-text note to a case.
func (s *Station) AddNote(ctx context.Context, a Actor, caseID, text string) (*domain.Case, error) {
	if strings.TrimSpace(text) == "" || utf8.RuneCountInString(text) > 2000 {
		return nil, domain.Errorf(domain.EInvalid, "备注须为 1 到 2000 字。", "note: 1-2000 characters")
	}
	return s.step(ctx, a, caseID, domain.EvNote, domain.NotePayload{Text: text})
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
