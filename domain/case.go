package domain

import (
	"time"

	"yizhan/workday"
)

// Applicant types.
const (
	ApplicantPerson = "person"       // 自然人
	ApplicantLegal  = "legal"        // 法人
	ApplicantOther  = "organisation" // 其他组织
)

// Channels a case can come in through.
const (
	ChannelWindow  = "window"  // 窗口
	ChannelVillage = "village" // 村级代办点
	ChannelPostal  = "postal"  // 政邮合作网点
	ChannelHome    = "home"    // 帮办代办上门
	ChannelOnline  = "online"  // 网上预约
)

// Channels lists the valid channels.
var Channels = []string{ChannelWindow, ChannelVillage, ChannelPostal, ChannelHome, ChannelOnline}

// How a material was collected.
const (
	CollectPaper      = "paper"      // 纸质
	CollectScan       = "scan"       // 扫描件/照片
	CollectELicense   = "e_license"  // 电子证照
	CollectRongque    = "rongque"    // 容缺: promised later
	CollectCommitment = "commitment" // 告知承诺
	CollectMissing    = "missing"    // not yet provided
)

// Applicant is the person or organisation a case is for.
type Applicant struct {
	Type     string `json:"type"`
	Name     string `json:"name"`
	IDType   string `json:"id_type"` // resident_id, uscc, passport, other
	IDNumber string `json:"id_number"`
	Phone    string `json:"phone"`
	Address  string `json:"address,omitempty"`
	// Organisations.
	LegalRep string `json:"legal_rep,omitempty"`
	Contact  string `json:"contact,omitempty"`
	// Delivery addressee, when different from the applicant.
	Addressee    string `json:"addressee,omitempty"`
	AddresseeTel string `json:"addressee_tel,omitempty"`
	DeliveryAddr string `json:"delivery_addr,omitempty"`
	BirthDate    string `json:"birth_date,omitempty"` // derived from a resident ID
	Sex          string `json:"sex,omitempty"`        // derived from a resident ID
}

// AttorneyOnPaper is Agent.AttorneyBlob for a power of attorney collected on
// paper rather than scanned.
const AttorneyOnPaper = "paper"

// Agent is the helper or proxy on a case handled with assistance: 帮办 (the
// applicant is present) or 代办 (the agent acts alone under a power of attorney).
type Agent struct {
	Mode          string `json:"mode"` // assist (帮办) or proxy (代办)
	Name          string `json:"name"`
	IDNumber      string `json:"id_number"`
	Phone         string `json:"phone"`
	Relationship  string `json:"relationship"`
	Scope         string `json:"scope,omitempty"`
	ValidUntil    string `json:"valid_until,omitempty"`
	AttorneyBlob  string `json:"attorney_blob,omitempty"` // SHA-256 of the scanned power of attorney, or AttorneyOnPaper
	HelperStaffID string `json:"helper_staff_id,omitempty"`
}

// CaseMaterial is one line of a case's materials checklist.
type CaseMaterial struct {
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	Required   string   `json:"required"` // necessity from the catalog
	ELicense   bool     `json:"e_license"`
	Originals  int      `json:"originals"`
	Copies     int      `json:"copies"`
	Collected  string   `json:"collected"` // how: paper, scan, e_license, rongque, commitment, missing
	Count      int      `json:"count,omitempty"`
	CertNo     string   `json:"cert_no,omitempty"`
	Blobs      []string `json:"blobs,omitempty"` // SHA-256 of scans
	At         string   `json:"at,omitempty"`
	RongqueDue string   `json:"rongque_due,omitempty"`
}

// Provided reports whether the material counts as in hand, including waivers.
func (m CaseMaterial) Provided() bool {
	return m.Collected != "" && m.Collected != CollectMissing
}

// Blocking reports whether the missing material stops acceptance.
func (m CaseMaterial) Blocking() bool {
	return !m.Provided() && m.Required == NecessityRequired
}

// Pause is a span in which the deadline clock stood still.
type Pause struct {
	From   string       `json:"from"` // YYYY-MM-DD
	To     string       `json:"to,omitempty"`
	Unit   workday.Unit `json:"unit"`
	Reason string       `json:"reason"`
}

// Delivery records how the result went back to the applicant.
type Delivery struct {
	Method    string `json:"method"` // pickup, ems, electronic
	Waybill   string `json:"waybill,omitempty"`
	Address   string `json:"address,omitempty"`
	Addressee string `json:"addressee,omitempty"`
	SignedBy  string `json:"signed_by,omitempty"`
	SignedAt  string `json:"signed_at,omitempty"`
}

// Evaluation is a 好差评 rating: five levels, 1–2 are bad reviews. It is the
// payload of an EvEvaluate event and a record of its own: it ties the rating
// to the visit (the queue ticket) and the clerk who served, never moves the
// case, and carries no ID number.
type Evaluation struct {
	Level      int    `json:"level"`
	Efficiency int    `json:"efficiency,omitempty"`
	Service    int    `json:"service,omitempty"`
	Attitude   int    `json:"attitude,omitempty"`
	Comment    string `json:"comment,omitempty"`
	Source     string `json:"source,omitempty"` // pad, kiosk, qr, paper, online
	RealName   bool   `json:"real_name,omitempty"`
	// RatingID is the rating's own UUIDv7, made where it was given: the key
	// that keeps one rating one record wherever it travels.
	RatingID string `json:"rating_id,omitempty"`
	// Ticket is the ID of the queue ticket of the visit rated, when there
	// was one.
	Ticket string `json:"ticket,omitempty"`
	// Staff is the login of the clerk who served the visit rated (the one
	// answerable for a bad review).
	Staff string `json:"staff,omitempty"`
	// CaseState is the state the case was in when it was rated: a rating
	// before delivery stays visible as one.
	CaseState State `json:"case_state,omitempty"`
}

// Bad reports whether the rating is a bad review that needs a call-back.
func (e Evaluation) Bad() bool { return e.Level <= 2 }

// Case is the current state of one application, folded from its events.
type Case struct {
	ID            string `json:"id"`
	Number        string `json:"number"`
	Serial        string `json:"serial,omitempty"` // the hall's 申办流水号
	QueryPassword string `json:"query_password,omitempty"`
	Station       string `json:"station"` // the station that opened it
	Holder        string `json:"holder"`  // who works it now: a station code or "hall"
	// HallHeld is set once the hall has held the case (forwarded, or routed
	// to it): a station may never route such a case away again.
	HallHeld       bool           `json:"hall_held,omitempty"`
	ItemCode       string         `json:"item_code"`
	ItemVersion    int            `json:"item_version"`
	ItemName       string         `json:"item_name"`
	ItemKind       string         `json:"item_kind"`
	HandledAt      string         `json:"handled_at"`
	Situation      string         `json:"situation,omitempty"`
	SituationName  string         `json:"situation_name,omitempty"`
	Division       string         `json:"division,omitempty"`
	Channel        string         `json:"channel"`
	Applicant      Applicant      `json:"applicant"`
	Agent          *Agent         `json:"agent,omitempty"`
	Materials      []CaseMaterial `json:"materials"`
	LegalLimit     workday.Limit  `json:"legal_limit"`
	PromisedLimit  workday.Limit  `json:"promised_limit"`
	State          State          `json:"state"`
	Result         string         `json:"result,omitempty"`
	Reason         string         `json:"reason,omitempty"`
	CorrectionFrom State          `json:"correction_from,omitempty"`
	CorrectionList []string       `json:"correction_list,omitempty"`
	CorrectionDue  string         `json:"correction_due,omitempty"` // the date the one-time notice gives
	CertNo         string         `json:"cert_no,omitempty"`        // certificate issued on approval
	Pauses         []Pause        `json:"pauses,omitempty"`
	Delivery       *Delivery      `json:"delivery,omitempty"`
	Evaluation     *Evaluation    `json:"evaluation,omitempty"`
	TicketID       string         `json:"ticket_id,omitempty"`
	AppointmentID  string         `json:"appointment_id,omitempty"`
	ReceivedAt     time.Time      `json:"received_at"`
	AcceptedAt     *time.Time     `json:"accepted_at,omitempty"`
	ConcludedAt    *time.Time     `json:"concluded_at,omitempty"`
	DeliveredAt    *time.Time     `json:"delivered_at,omitempty"`
	UpdatedAt      time.Time      `json:"updated_at"`
	LastEvent      string         `json:"last_event"`
	Events         int            `json:"events"`
	Notes          []string       `json:"notes,omitempty"`
	// Clock is the hall's own note on the case's times, never folded from
	// events (Apply copies it untouched): set when a station's wall clock was
	// implausible on one of the case's events. Only the hall's copy has it.
	Clock *ClockFlag `json:"clock,omitempty"`
}

// ClockFlag records that events of a case came with an implausible wall
// clock, and when the hall received the ones that set the case's times.
// Statistics and the hall's lists count those times instead (StatTimes):
// the station's clock is kept, for the record, but moves nothing.
type ClockFlag struct {
	Note        string     `json:"note"`
	ReceivedAt  *time.Time `json:"received_at,omitempty"`
	AcceptedAt  *time.Time `json:"accepted_at,omitempty"`
	ConcludedAt *time.Time `json:"concluded_at,omitempty"`
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
}

// StatTimes returns c, or when the hall flagged its clock a copy whose
// received, accepted, concluded and delivered times are the hall's receipt
// of the events that set them: what statistics and deadlines at the hall
// count.
func (c *Case) StatTimes() *Case {
	f := c.Clock
	if f == nil {
		return c
	}
	cp := *c
	if f.ReceivedAt != nil {
		cp.ReceivedAt = *f.ReceivedAt
	}
	set := func(dst **time.Time, v *time.Time) {
		if v != nil && *dst != nil {
			t := *v
			*dst = &t
		}
	}
	set(&cp.AcceptedAt, f.AcceptedAt)
	set(&cp.ConcludedAt, f.ConcludedAt)
	set(&cp.DeliveredAt, f.DeliveredAt)
	return &cp
}

// ReasonApplies reports whether the case's Reason still speaks for its
// current state: the correction asked for, the refusal to accept, the
// special procedure under way, or a conclusion other than approval. Cases
// folded before issue 18 kept a correction's reason after acceptance;
// displays and documents show Reason only when this is true.
func (c *Case) ReasonApplies() bool {
	if c.Reason == "" {
		return false
	}
	switch c.State {
	case StateCorrection, StateNotAccepted, StateSuspended:
		return true
	case StateConcluded, StateDelivering, StateDelivered, StateEvaluated:
		return c.Result != "" && c.Result != ResultApproved
	}
	return false
}

// Missing returns the materials not yet in hand, blocking ones first.
func (c *Case) Missing() []CaseMaterial {
	var block, rest []CaseMaterial
	for _, m := range c.Materials {
		if m.Provided() {
			continue
		}
		if m.Blocking() {
			block = append(block, m)
		} else {
			rest = append(rest, m)
		}
	}
	return append(block, rest...)
}

// Owed returns the missing materials the applicant still has to bring,
// blocking ones first: Missing without the 非必要 (optional) ones, which a
// one-time notice must not ask for.
func (c *Case) Owed() []CaseMaterial {
	var out []CaseMaterial
	for _, m := range c.Missing() {
		if m.Required != NecessityOptional {
			out = append(out, m)
		}
	}
	return out
}

// Waived counts materials that the citizen did not have to bring on paper:
// electronic licences, 容缺 and 告知承诺. Citizens judge us by this number.
func (c *Case) Waived() int {
	n := 0
	for _, m := range c.Materials {
		switch m.Collected {
		case CollectELicense, CollectRongque, CollectCommitment:
			n++
		}
	}
	return n
}

// Complete reports whether nothing blocks acceptance.
func (c *Case) Complete() bool {
	for _, m := range c.Materials {
		if m.Blocking() {
			return false
		}
	}
	return true
}

// Limit is a time limit with its unit (working or calendar days).
type Limit = workday.Limit

func unitOf(s string) workday.Unit { return workday.Unit(s) }
