package domain

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// EventKind names what an event does to a case.
type EventKind string

// Event kinds. Transitions appear in the Transitions table; the rest change
// fields or add records but never the state.
const (
	EvOpen              EventKind = "open"
	EvRequestCorrection EventKind = "request_correction"
	EvSupplement        EventKind = "supplement"
	EvCorrectionTimeout EventKind = "correction_timeout"
	EvAccept            EventKind = "accept"
	EvNotAccept         EventKind = "not_accept"
	EvForward           EventKind = "forward"
	EvStartProcess      EventKind = "start_process"
	EvSuspend           EventKind = "suspend"
	EvResume            EventKind = "resume"
	EvConclude          EventKind = "conclude"
	EvStartDelivery     EventKind = "start_delivery"
	EvDeliver           EventKind = "deliver"

	// EvEvaluate records a 好差评 rating (payload Evaluation). It is a record
	// of its own, not a step: it never moves the case, in whatever state the
	// case is, so a rating given before delivery cannot end the case's
	// lawful steps. Old stations send it with a From (concluded or
	// delivered), which is ignored like any non-transition's.
	EvEvaluate EventKind = "evaluate"

	EvMaterial        EventKind = "material"         // a material collected, waived or changed
	EvUpdateApplicant EventKind = "update_applicant" // free-form fields, merged field by field
	EvNote            EventKind = "note"
	EvAssignSerial    EventKind = "assign_serial" // the hall's 申办流水号
	EvRoute           EventKind = "route"         // hand the case to another office
)

var kindZh = map[EventKind]string{
	EvOpen: "收件", EvRequestCorrection: "一次性告知补正", EvSupplement: "补齐材料", EvCorrectionTimeout: "逾期未补正办结",
	EvAccept: "受理", EvNotAccept: "不予受理", EvForward: "转报大厅", EvStartProcess: "开始审批", EvSuspend: "特别程序（挂起）",
	EvResume: "恢复办理", EvConclude: "办结", EvStartDelivery: "送达", EvDeliver: "签收", EvEvaluate: "评价",
	EvMaterial: "材料登记", EvUpdateApplicant: "修改申请人信息", EvNote: "备注", EvAssignSerial: "分配申办流水号", EvRoute: "移交",
}

// Zh returns the kind's Chinese name.
func (k EventKind) Zh() string {
	if z, ok := kindZh[k]; ok {
		return z
	}
	return string(k)
}

// Known reports whether k is an event kind this version understands.
func (k EventKind) Known() bool { _, ok := kindZh[k]; return ok }

// IsTransition reports whether events of kind k change the case state.
func (k EventKind) IsTransition() bool {
	for _, t := range Transitions {
		if t.Kind == k {
			return true
		}
	}
	return false
}

// HallOffice is the office code of the central hall.
const HallOffice = "hall"

// Event is one immutable change to a case. It is the unit that sync ships.
type Event struct {
	ID        string          `json:"id"`      // UUIDv7, made where the change happened
	CaseID    string          `json:"case_id"` // UUIDv7 of the case
	Kind      EventKind       `json:"kind"`
	From      State           `json:"from,omitempty"` // for transitions: the state it was based on
	Payload   json.RawMessage `json:"payload,omitempty"`
	Actor     string          `json:"actor"`
	ActorName string          `json:"actor_name,omitempty"`
	Office    string          `json:"office"` // station code, or "hall"
	HLC       string          `json:"hlc"`
	At        time.Time       `json:"at"` // the origin's wall clock: for display only, never for order

	// decoded caches the payload decoded as its kind's type, and from
	// which bytes: bounds, authority and Apply each read the payload, and
	// one decode serves them all.
	decoded     any
	decodedFrom *byte
}

// Payloads of the event kinds.
type (
	// OpenPayload carries everything a case starts with, including the snapshot
	// of the item version's limits and materials.
	OpenPayload struct {
		Number        string         `json:"number"`
		QueryPassword string         `json:"query_password,omitempty"`
		ItemCode      string         `json:"item_code"`
		ItemVersion   int            `json:"item_version"`
		ItemName      string         `json:"item_name"`
		ItemKind      string         `json:"item_kind"`
		HandledAt     string         `json:"handled_at"`
		Situation     string         `json:"situation,omitempty"`
		SituationName string         `json:"situation_name,omitempty"`
		Division      string         `json:"division,omitempty"`
		Channel       string         `json:"channel"`
		Applicant     Applicant      `json:"applicant"`
		Agent         *Agent         `json:"agent,omitempty"`
		Materials     []CaseMaterial `json:"materials"`
		LegalLimit    Limit          `json:"legal_limit"`
		PromisedLimit Limit          `json:"promised_limit"`
		TicketID      string         `json:"ticket_id,omitempty"`
		AppointmentID string         `json:"appointment_id,omitempty"`
	}
	// ReasonPayload carries the reason of a not-accept, timeout or note.
	ReasonPayload struct {
		Reason string `json:"reason"`
	}
	// CorrectionPayload lists every missing item at once (一次性告知).
	CorrectionPayload struct {
		Reason string   `json:"reason"`
		Items  []string `json:"items"`
		Due    string   `json:"due,omitempty"`
	}
	// MaterialPayload records how one material was collected.
	MaterialPayload struct {
		Code       string   `json:"code"`
		Collected  string   `json:"collected"`
		Count      int      `json:"count,omitempty"`
		CertNo     string   `json:"cert_no,omitempty"`
		Blobs      []string `json:"blobs,omitempty"`
		RongqueDue string   `json:"rongque_due,omitempty"`
	}
	// RoutePayload names the office a case goes to.
	RoutePayload struct {
		To string `json:"to"`
	}
	// SuspendPayload starts a special procedure that stops the clock.
	SuspendPayload struct {
		Reason    string `json:"reason"`
		Procedure string `json:"procedure,omitempty"` // hearing, inspection, testing, expert review...
		Unit      string `json:"unit,omitempty"`      // G or Z: how the paused days count
	}
	// ConcludePayload carries the result.
	ConcludePayload struct {
		Result string `json:"result"`
		Reason string `json:"reason,omitempty"`
		CertNo string `json:"cert_no,omitempty"`
	}
	// DeliverPayload records the signature on delivery.
	DeliverPayload struct {
		SignedBy string `json:"signed_by"`
	}
	// SerialPayload is the hall's application serial number.
	SerialPayload struct {
		Serial string `json:"serial"`
	}
	// NotePayload is free text.
	NotePayload struct {
		Text string `json:"text"`
	}
)

// ApplicantUpdate carries the free-form applicant fields that changed; nil
// fields are untouched, so concurrent edits of different fields both survive.
type ApplicantUpdate struct {
	Phone        *string `json:"phone,omitempty"`
	Address      *string `json:"address,omitempty"`
	Contact      *string `json:"contact,omitempty"`
	Addressee    *string `json:"addressee,omitempty"`
	AddresseeTel *string `json:"addressee_tel,omitempty"`
	DeliveryAddr *string `json:"delivery_addr,omitempty"`
}

// NewEvent builds an event with a JSON payload.
func NewEvent(id, caseID string, kind EventKind, from State, payload any) (*Event, error) {
	e := &Event{ID: id, CaseID: caseID, Kind: kind, From: from}
	if payload != nil {
		b, err := json.Marshal(payload)
		if err != nil {
			return nil, fmt.Errorf("event %s: marshal payload: %w", kind, err)
		}
		e.Payload = b
	}
	return e, nil
}

// DecodePayload decodes e's payload as T. The result is cached on the
// event for as long as its payload bytes are the same, so the checks of a
// push and Apply decode an event once: callers must not change what it
// returns (its slices are shared).
func DecodePayload[T any](e *Event) (T, error) { return decode[T](e) }

func decode[T any](e *Event) (T, error) {
	var v T
	if len(e.Payload) == 0 {
		return v, nil
	}
	if e.decodedFrom == &e.Payload[0] {
		if c, ok := e.decoded.(T); ok {
			return c, nil
		}
	}
	if err := json.Unmarshal(e.Payload, &v); err != nil {
		return v, Errorf(EInvalid, "事件内容格式不正确。", "event %s (%s): payload: %v", e.ID, e.Kind, err)
	}
	e.decoded, e.decodedFrom = v, &e.Payload[0]
	return v, nil
}

func needReason(kind EventKind, reason string) error {
	if strings.TrimSpace(reason) == "" {
		return Errorf(EInvalid, fmt.Sprintf("“%s”必须填写理由。", kind.Zh()), "%s: reason required", kind)
	}
	return nil
}

// Apply folds one event into the case. It refuses, leaving the case as it was,
// any event the state machine does not allow from the current state, or whose
// From differs from the current state (it was based on a state that has since
// changed: a conflict). Apply is the single definition of what an event
// means, used at the station, at the hall and when rebuilding from history.
func (c *Case) Apply(e *Event) error {
	if e.CaseID != c.ID && c.State != StateNone {
		return Errorf(EInvalid, "事件不属于该办件。", "event %s is for case %s, not %s", e.ID, e.CaseID, c.ID)
	}
	if !e.Kind.Known() {
		return Errorf(EInvalid, "无法识别的事件类型，请升级软件。", "unknown event kind %q", e.Kind)
	}
	if e.Kind == EvOpen {
		if c.State != StateNone {
			return Errorf(EConflict, "该办件已经收件，不能重复收件。", "case %s already opened", c.ID)
		}
		return c.applyOpen(e)
	}
	if c.State == StateNone {
		return Errorf(EConflict, "办件尚未收件。", "case %s: %s before open", e.CaseID, e.Kind)
	}
	if c.Events >= MaxCaseEvents {
		return Errorf(EInvalid, fmt.Sprintf("办件的事件已达上限（%d 条），请联系大厅。", MaxCaseEvents), "case %s has %d events", c.ID, c.Events)
	}
	next := *c
	// Slices are shared with c; copy the one we mutate in place.
	next.Materials = append([]CaseMaterial(nil), c.Materials...)
	if e.Kind.IsTransition() {
		t, ok := FindTransition(e.Kind, c.State)
		if !ok || e.From != c.State {
			if ok {
				return Errorf(EConflict, "办件状态已被他人改变，本次操作未生效，请刷新后重新办理。",
					"case %s: %s was based on state %q but the case is %q", c.ID, e.Kind, e.From, c.State)
			}
			return errTransition(e.Kind, c.State)
		}
		if err := next.applyTransition(t, e); err != nil {
			return err
		}
		next.State = t.To
		if t.To == StateNone {
			next.State = c.CorrectionFrom
			next.CorrectionFrom = ""
		}
	} else if err := next.applyChange(e); err != nil {
		return err
	}
	if next.Holder == HallOffice {
		next.HallHeld = true
	}
	next.LastEvent = e.ID
	next.Events++
	if e.At.After(next.UpdatedAt) {
		next.UpdatedAt = e.At
	}
	*c = next
	return nil
}

func (c *Case) applyOpen(e *Event) error {
	p, err := decode[OpenPayload](e)
	if err != nil {
		return err
	}
	if p.Number == "" || p.ItemCode == "" {
		return Errorf(EInvalid, "收件事件缺少办件编号或事项。", "open %s: number and item required", e.CaseID)
	}
	*c = Case{
		ID: e.CaseID, Number: p.Number, QueryPassword: p.QueryPassword, Station: e.Office, Holder: e.Office,
		ItemCode: p.ItemCode, ItemVersion: p.ItemVersion, ItemName: p.ItemName, ItemKind: p.ItemKind, HandledAt: p.HandledAt,
		Situation: p.Situation, SituationName: p.SituationName, Division: p.Division, Channel: p.Channel,
		Applicant: p.Applicant, Agent: p.Agent, Materials: p.Materials,
		LegalLimit: p.LegalLimit, PromisedLimit: p.PromisedLimit, State: StateReceived,
		TicketID: p.TicketID, AppointmentID: p.AppointmentID,
		ReceivedAt: e.At, UpdatedAt: e.At, LastEvent: e.ID, Events: 1,
	}
	return nil
}

func (c *Case) applyTransition(t Transition, e *Event) error {
	at := e.At
	if err := c.oneAcceptance(t, e); err != nil {
		return err
	}
	if (e.Kind == EvSuspend || e.Kind == EvRequestCorrection && t.From == StateInProcess) && len(c.Pauses) >= MaxPauses {
		return Errorf(EInvalid, fmt.Sprintf("办件的特别程序和补正已达上限（%d 次），请联系大厅。", MaxPauses), "case %s has %d pauses", c.ID, len(c.Pauses))
	}
	switch e.Kind {
	case EvRequestCorrection:
		p, err := decode[CorrectionPayload](e)
		if err != nil {
			return err
		}
		if err := needReason(e.Kind, p.Reason); err != nil {
			return err
		}
		c.Reason = p.Reason
		c.CorrectionList = p.Items
		c.CorrectionDue = p.Due
		c.CorrectionFrom = t.From
		if t.From == StateInProcess {
			c.Pauses = append(append([]Pause(nil), c.Pauses...), Pause{From: dateOf(at), Unit: "G", Reason: "correction"})
		}
	case EvSupplement:
		// The correction's reason ("申请材料不齐全") belonged to the
		// correction: it must not stay on the case once answered.
		c.CorrectionList, c.CorrectionDue, c.Reason = nil, "", ""
		c.closePause(at)
	case EvCorrectionTimeout:
		c.Result = ResultCorrectionTimeout
		c.ConcludedAt = &at
		c.closePause(at)
	case EvAccept:
		c.AcceptedAt = &at
		c.Reason = "" // nothing stands against an accepted case
	case EvNotAccept:
		p, err := decode[ReasonPayload](e)
		if err != nil {
			return err
		}
		if err := needReason(e.Kind, p.Reason); err != nil {
			return err
		}
		c.Reason = p.Reason
	case EvForward:
		c.Holder = HallOffice
	case EvSuspend:
		p, err := decode[SuspendPayload](e)
		if err != nil {
			return err
		}
		if err := needReason(e.Kind, p.Reason); err != nil {
			return err
		}
		unit := p.Unit
		if unit == "" {
			unit = "G"
		}
		if unit != "G" && unit != "Z" {
			return Errorf(EInvalid, "特别程序的计时单位须为工作日或自然日。", "suspend: unit must be G or Z")
		}
		c.Reason = p.Reason
		c.Pauses = append(append([]Pause(nil), c.Pauses...), Pause{From: dateOf(at), Unit: unitOf(unit), Reason: p.Reason})
	case EvResume:
		c.Reason = "" // the special procedure's reason ends with it
		c.closePause(at)
	case EvConclude:
		p, err := decode[ConcludePayload](e)
		if err != nil {
			return err
		}
		switch p.Result {
		case ResultApproved:
		case ResultRefused, ResultReturned, ResultVoided:
			if err := needReason(e.Kind, p.Reason); err != nil {
				return err
			}
		default:
			return Errorf(EInvalid, "办结结果须为准予、不予许可、退回或作废。", "conclude: unknown result %q", p.Result)
		}
		c.Result, c.Reason, c.CertNo = p.Result, p.Reason, p.CertNo
		c.ConcludedAt = &at
		// Results go back to the station that took the application: it
		// delivers the certificate or the decision.
		c.Holder = c.Station
	case EvStartDelivery:
		p, err := decode[Delivery](e)
		if err != nil {
			return err
		}
		switch p.Method {
		case "pickup", "electronic":
		case "ems":
			if strings.TrimSpace(p.Waybill) == "" {
				return Errorf(EInvalid, "EMS 寄递必须填写运单号。", "start_delivery: ems needs a waybill number")
			}
		default:
			return Errorf(EInvalid, "送达方式须为自取、EMS 或电子送达。", "start_delivery: unknown method %q", p.Method)
		}
		c.Delivery = &p
	case EvDeliver:
		p, err := decode[DeliverPayload](e)
		if err != nil {
			return err
		}
		d := Delivery{}
		if c.Delivery != nil {
			d = *c.Delivery
		}
		d.SignedBy, d.SignedAt = p.SignedBy, at.Format(time.RFC3339)
		c.Delivery = &d
		c.DeliveredAt = &at
	}
	return nil
}

func (c *Case) applyChange(e *Event) error {
	switch e.Kind {
	case EvEvaluate:
		p, err := decode[Evaluation](e)
		if err != nil {
			return err
		}
		if err := p.Validate(); err != nil {
			return err
		}
		// The case shows its latest rating; every rating stays a record of
		// its own in the history (and the station's ratings table).
		c.Evaluation = &p
	case EvMaterial:
		p, err := decode[MaterialPayload](e)
		if err != nil {
			return err
		}
		if c.State.Terminal() {
			return Errorf(EConflict, "办件已结束，不能再登记材料。", "material on %s case", c.State)
		}
		for i := range c.Materials {
			if c.Materials[i].Code == p.Code {
				m := &c.Materials[i]
				switch p.Collected {
				case CollectPaper, CollectScan, CollectELicense, CollectMissing, CollectCommitment:
				case CollectRongque:
					if m.Required == NecessityRequired {
						return Errorf(EInvalid, fmt.Sprintf("材料“%s”为必要材料，不能容缺受理。", m.Name), "material %s cannot be rongque", p.Code)
					}
				default:
					return Errorf(EInvalid, "材料收取方式不正确。", "material %s: unknown collection %q", p.Code, p.Collected)
				}
				if p.Collected == CollectELicense && !m.ELicense {
					return Errorf(EInvalid, fmt.Sprintf("材料“%s”不能用电子证照代替。", m.Name), "material %s has no e-licence", p.Code)
				}
				m.Collected, m.Count, m.CertNo, m.RongqueDue = p.Collected, p.Count, p.CertNo, p.RongqueDue
				if len(m.Blobs)+len(p.Blobs) > MaxMaterialBlobs {
					return Errorf(EInvalid, fmt.Sprintf("材料“%s”的附件已达上限（%d 个）。", m.Name, MaxMaterialBlobs), "material %s: more than %d attachments", p.Code, MaxMaterialBlobs)
				}
				if len(p.Blobs) > 0 {
					m.Blobs = append(append([]string(nil), m.Blobs...), p.Blobs...)
				}
				m.At = e.At.Format(time.RFC3339)
				return nil
			}
		}
		return Errorf(EInvalid, "该办件没有这项材料："+p.Code, "case %s has no material %q", c.ID, p.Code)
	case EvUpdateApplicant:
		p, err := decode[ApplicantUpdate](e)
		if err != nil {
			return err
		}
		set := func(dst *string, v *string) {
			if v != nil {
				*dst = *v
			}
		}
		set(&c.Applicant.Phone, p.Phone)
		set(&c.Applicant.Address, p.Address)
		set(&c.Applicant.Contact, p.Contact)
		set(&c.Applicant.Addressee, p.Addressee)
		set(&c.Applicant.AddresseeTel, p.AddresseeTel)
		set(&c.Applicant.DeliveryAddr, p.DeliveryAddr)
	case EvNote:
		p, err := decode[NotePayload](e)
		if err != nil {
			return err
		}
		if len(c.Notes) >= MaxNotes {
			return Errorf(EInvalid, fmt.Sprintf("办件的备注已达上限（%d 条）。", MaxNotes), "case %s has %d notes", c.ID, len(c.Notes))
		}
		c.Notes = append(append([]string(nil), c.Notes...), p.Text)
	case EvAssignSerial:
		p, err := decode[SerialPayload](e)
		if err != nil {
			return err
		}
		c.Serial = p.Serial
	case EvRoute:
		p, err := decode[RoutePayload](e)
		if err != nil {
			return err
		}
		if p.To == "" {
			return Errorf(EInvalid, "移交必须指定接收单位。", "route: destination required")
		}
		c.Holder = p.To
	}
	return nil
}

func (c *Case) closePause(at time.Time) {
	if n := len(c.Pauses); n > 0 && c.Pauses[n-1].To == "" {
		ps := append([]Pause(nil), c.Pauses...)
		ps[n-1].To = dateOf(at)
		c.Pauses = ps
	}
}

// Validate checks a rating.
func (e Evaluation) Validate() error {
	for _, v := range []int{e.Level, e.Efficiency, e.Service, e.Attitude} {
		if v < 0 || v > 5 {
			return Errorf(EInvalid, "评价等级须为 1 到 5。", "evaluation: level out of range")
		}
	}
	if e.Level < 1 {
		return Errorf(EInvalid, "请选择总体满意度（1 到 5）。", "evaluation: overall level required")
	}
	return nil
}

// Fold rebuilds a case from its events in order. Events that do not apply are
// returned as conflicts, with the reason, and leave the case untouched: the
// same rule the hall uses when it orders events from several offices.
func Fold(events []*Event) (*Case, []Conflict) {
	c := &Case{}
	var conflicts []Conflict
	for _, e := range events {
		if err := c.Apply(e); err != nil {
			conflicts = append(conflicts, Conflict{EventID: e.ID, CaseID: e.CaseID, Reason: err.Error(), Zh: ZhMessage(err)})
		}
	}
	if c.State == StateNone {
		return nil, conflicts
	}
	return c, conflicts
}

// Conflict is an event that did not fit the case when it arrived: kept, never
// dropped, until a person resolves it.
type Conflict struct {
	EventID string `json:"event_id"`
	CaseID  string `json:"case_id"`
	Reason  string `json:"reason"`
	Zh      string `json:"zh"`
}

func dateOf(t time.Time) string { return t.In(chinaZone).Format("2006-01-02") }

var chinaZone = time.FixedZone("CST", 8*3600)

// oneAcceptance keeps a case to one acceptance with one legal date: a case
// is accepted (or refused acceptance) once, and taken up for review only
// once accepted.
func (c *Case) oneAcceptance(t Transition, e *Event) error {
	switch {
	case (e.Kind == EvAccept || e.Kind == EvNotAccept) && c.AcceptedAt != nil:
		return Errorf(EConflict, "该办件已于"+dateOf(*c.AcceptedAt)+"受理，不能重复受理；大厅的下一步是审查。",
			"case %s: already accepted on %s", c.ID, dateOf(*c.AcceptedAt))
	case e.Kind == EvStartProcess && t.From == StateForwarded && c.AcceptedAt == nil:
		return Errorf(EConflict, "该办件由站点代收转报，尚未受理：请先受理，再开始审查。",
			"case %s: start_process before acceptance", c.ID)
	}
	return nil
}
