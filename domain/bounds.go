package domain

import (
	"encoding/json"
	"fmt"
	"regexp"
	"time"
	"unicode/utf8"

	"yizhan/workday"
)

// Bounds on every field an event or a catalog item carries. An event comes
// from a station the hall does not trust, and a pulled event from a station
// the receiver never met: each number and text has a bound here, checked by
// CheckEvent where an event enters a side (the hall on push, the station on
// pull and before it records its own), so a lying station cannot make a
// deadline computation, a page or a case body arbitrarily expensive. The
// bounds are far above what a lawful clerk types: the UI's own limits are
// lower, so nothing recorded lawfully is refused. docs/authority.md lists
// them.
const (
	MaxCodeLen   = 64   // ids, codes, logins, stamps, case and certificate numbers (bytes)
	MaxNameLen   = 100  // names of people, organisations, procedures (runes)
	MaxLineLen   = 500  // addresses, item and material names, comments, correction items (runes)
	MaxTextLen   = 2000 // reasons and notes (runes)
	MaxMaterials = 60   // materials of one case
	// MaxCorrectionItems bounds the items of one correction notice.
	MaxCorrectionItems = 60
	MaxEventBlobs      = 20  // attachments named by one material event
	MaxMaterialBlobs   = 200 // attachments one material of a case may gather
	MaxCount           = 999 // copies of a material
	MaxPauses          = 60  // special procedures and corrections of one case
	MaxNotes           = 500 // notes on one case
	MaxCaseEvents      = 20000
	// MaxLimit is the largest time limit a case or an item may have.
	MaxLimit = workday.MaxLimitValue
)

// maxPayload is the largest payload of each event kind, in bytes; kinds not
// listed get defaultMaxPayload. The wire's own bound (64 KiB) is the ceiling.
var maxPayload = map[EventKind]int{
	EvOpen: 64 << 10, EvRequestCorrection: 48 << 10, EvNote: 16 << 10, EvNotAccept: 16 << 10,
	EvCorrectionTimeout: 16 << 10, EvSuspend: 16 << 10, EvConclude: 16 << 10, EvEvaluate: 8 << 10,
	EvMaterial: 8 << 10,
}

const defaultMaxPayload = 4 << 10

// MaxPayload returns the largest payload an event of kind may carry.
func MaxPayload(kind EventKind) int {
	if n, ok := maxPayload[kind]; ok {
		return n
	}
	return defaultMaxPayload
}

var (
	sha256Hex   = regexp.MustCompile(`^[0-9a-f]{64}$`)
	queryPwd    = regexp.MustCompile(`^[0-9]{6}$`)
	dateOnlyFmt = "2006-01-02"
)

// bounds collects the first violation while fields are checked one by one.
type bounds struct {
	kind EventKind
	err  error
}

func (b *bounds) fail(field, en, zh string) {
	if b.err == nil {
		b.err = Errorf(EInvalid, fmt.Sprintf("“%s”事件的%s%s", b.kind.Zh(), zh, "，已拒绝。"), "%s: %s %s", b.kind, field, en)
	}
}

// code checks an ASCII-ish identifier: bytes, not runes.
func (b *bounds) code(field, v string) {
	if len(v) > MaxCodeLen {
		b.fail(field, fmt.Sprintf("longer than %d bytes", MaxCodeLen), "编号过长")
	}
}

func (b *bounds) text(field, v string, max int) {
	if len(v) > 4*max || utf8.RuneCountInString(v) > max {
		b.fail(field, fmt.Sprintf("longer than %d characters", max), fmt.Sprintf("文字过长（最多 %d 字）", max))
	}
}

func (b *bounds) date(field, v string) {
	if v == "" {
		return
	}
	if _, err := time.Parse(dateOnlyFmt, v); err != nil {
		b.fail(field, "is not a YYYY-MM-DD date", "日期格式不正确")
	}
}

func (b *bounds) limit(field string, l workday.Limit) {
	if err := l.Validate(); err != nil {
		b.fail(field, fmt.Sprintf("must be 0..%d G or Z", MaxLimit), fmt.Sprintf("时限须为 0 到 %d 个工作日或自然日", MaxLimit))
	}
}

func (b *bounds) count(field string, n, max int) {
	if n < 0 || n > max {
		b.fail(field, fmt.Sprintf("must be 0..%d", max), fmt.Sprintf("数量须在 0 到 %d 之间", max))
	}
}

func (b *bounds) blobs(field string, hashes []string) {
	b.count(field, len(hashes), MaxEventBlobs)
	for _, h := range hashes {
		if !sha256Hex.MatchString(h) {
			b.fail(field, "must be lower-case SHA-256 hex", "附件编号格式不正确")
		}
	}
}

func (b *bounds) applicant(ap Applicant) {
	b.code("applicant.type", ap.Type)
	b.text("applicant.name", ap.Name, MaxLineLen)
	b.code("applicant.id_type", ap.IDType)
	b.code("applicant.id_number", ap.IDNumber)
	b.code("applicant.phone", ap.Phone)
	b.text("applicant.address", ap.Address, MaxLineLen)
	b.text("applicant.legal_rep", ap.LegalRep, MaxNameLen)
	b.text("applicant.contact", ap.Contact, MaxNameLen)
	b.text("applicant.addressee", ap.Addressee, MaxNameLen)
	b.code("applicant.addressee_tel", ap.AddresseeTel)
	b.text("applicant.delivery_addr", ap.DeliveryAddr, MaxLineLen)
	b.code("applicant.birth_date", ap.BirthDate)
	b.code("applicant.sex", ap.Sex)
}

func (b *bounds) material(m CaseMaterial) {
	b.code("material.code", m.Code)
	b.text("material.name", m.Name, MaxLineLen)
	b.code("material.required", m.Required)
	b.count("material.originals", m.Originals, MaxCount)
	b.count("material.copies", m.Copies, MaxCount)
	b.code("material.collected", m.Collected)
	b.count("material.count", m.Count, MaxCount)
	b.code("material.cert_no", m.CertNo)
	b.blobs("material.blobs", m.Blobs)
	b.code("material.at", m.At)
	b.date("material.rongque_due", m.RongqueDue)
}

// CheckEvent checks an event's envelope and payload against the bounds of
// its kind. It does not decide whether the event fits its case (Apply) or
// whether its office may make it (Authorize): only that nothing in it is
// out of bounds. The error is EInvalid, with the field named.
func CheckEvent(e *Event) error {
	b := &bounds{kind: e.Kind}
	if !e.Kind.Known() {
		return Errorf(EInvalid, "无法识别的事件类型，请升级软件。", "unknown event kind %q", e.Kind)
	}
	if e.From != "" && !e.From.Valid() {
		b.fail("from", "is not a state", "所依据的状态不正确")
	}
	b.code("id", e.ID)
	b.code("case_id", e.CaseID)
	b.code("actor", e.Actor)
	b.text("actor_name", e.ActorName, MaxNameLen)
	b.code("office", e.Office)
	b.code("hlc", e.HLC)
	if n := MaxPayload(e.Kind); len(e.Payload) > n {
		b.fail("payload", fmt.Sprintf("larger than %d bytes", n), fmt.Sprintf("内容过大（最多 %d 字节）", n))
	}
	if b.err != nil {
		return b.err
	}
	if err := b.payload(e); err != nil {
		return err
	}
	return b.err
}

// payload decodes the payload as its kind's type and checks its fields.
func (b *bounds) payload(e *Event) error {
	switch e.Kind {
	case EvOpen:
		p, err := decode[OpenPayload](e)
		if err != nil {
			return err
		}
		b.code("number", p.Number)
		if p.QueryPassword != "" && !queryPwd.MatchString(p.QueryPassword) {
			b.fail("query_password", "must be six digits", "查询密码须为 6 位数字")
		}
		b.code("item_code", p.ItemCode)
		b.count("item_version", p.ItemVersion, 1<<30)
		b.text("item_name", p.ItemName, MaxLineLen)
		b.code("item_kind", p.ItemKind)
		b.code("handled_at", p.HandledAt)
		b.code("situation", p.Situation)
		b.text("situation_name", p.SituationName, MaxLineLen)
		b.code("division", p.Division)
		b.code("channel", p.Channel)
		b.applicant(p.Applicant)
		if a := p.Agent; a != nil {
			b.code("agent.mode", a.Mode)
			b.text("agent.name", a.Name, MaxNameLen)
			b.code("agent.id_number", a.IDNumber)
			b.code("agent.phone", a.Phone)
			b.text("agent.relationship", a.Relationship, MaxNameLen)
			b.text("agent.scope", a.Scope, MaxLineLen)
			b.date("agent.valid_until", a.ValidUntil)
			// The power of attorney is a scan (its SHA-256) or, collected on
			// paper, the literal "paper" (as intake and the CLI record it).
			if a.AttorneyBlob != "" && a.AttorneyBlob != AttorneyOnPaper {
				b.blobs("agent.attorney_blob", []string{a.AttorneyBlob})
			}
			b.code("agent.helper_staff_id", a.HelperStaffID)
		}
		b.count("materials", len(p.Materials), MaxMaterials)
		for _, m := range p.Materials {
			b.material(m)
		}
		b.limit("legal_limit", p.LegalLimit)
		b.limit("promised_limit", p.PromisedLimit)
		b.code("ticket_id", p.TicketID)
		b.code("appointment_id", p.AppointmentID)
	case EvRequestCorrection:
		p, err := decode[CorrectionPayload](e)
		if err != nil {
			return err
		}
		b.text("reason", p.Reason, MaxTextLen)
		b.count("items", len(p.Items), MaxCorrectionItems)
		for _, it := range p.Items {
			b.text("items", it, MaxLineLen)
		}
		b.date("due", p.Due)
	case EvNotAccept, EvCorrectionTimeout:
		p, err := decode[ReasonPayload](e)
		if err != nil {
			return err
		}
		b.text("reason", p.Reason, MaxTextLen)
	case EvMaterial:
		p, err := decode[MaterialPayload](e)
		if err != nil {
			return err
		}
		b.code("code", p.Code)
		b.code("collected", p.Collected)
		b.count("count", p.Count, MaxCount)
		b.code("cert_no", p.CertNo)
		b.blobs("blobs", p.Blobs)
		b.date("rongque_due", p.RongqueDue)
	case EvRoute, EvForward:
		p, err := decode[RoutePayload](e)
		if err != nil {
			return err
		}
		b.code("to", p.To)
	case EvSuspend:
		p, err := decode[SuspendPayload](e)
		if err != nil {
			return err
		}
		b.text("reason", p.Reason, MaxTextLen)
		b.text("procedure", p.Procedure, MaxNameLen)
		b.code("unit", p.Unit)
	case EvConclude:
		p, err := decode[ConcludePayload](e)
		if err != nil {
			return err
		}
		b.code("result", p.Result)
		b.text("reason", p.Reason, MaxTextLen)
		b.code("cert_no", p.CertNo)
	case EvStartDelivery:
		p, err := decode[Delivery](e)
		if err != nil {
			return err
		}
		b.code("method", p.Method)
		b.code("waybill", p.Waybill)
		b.text("address", p.Address, MaxLineLen)
		b.text("addressee", p.Addressee, MaxNameLen)
		if p.SignedBy != "" || p.SignedAt != "" {
			// Only a signature (deliver) says who signed and when.
			b.fail("signed_by", "is set by deliver, not start_delivery", "签收人只能在签收时登记")
		}
	case EvDeliver:
		p, err := decode[DeliverPayload](e)
		if err != nil {
			return err
		}
		b.text("signed_by", p.SignedBy, MaxNameLen)
	case EvEvaluate:
		p, err := decode[Evaluation](e)
		if err != nil {
			return err
		}
		for _, v := range []int{p.Level, p.Efficiency, p.Service, p.Attitude} {
			b.count("level", v, 5)
		}
		b.text("comment", p.Comment, MaxLineLen)
		b.code("source", p.Source)
		b.code("rating_id", p.RatingID)
		b.code("ticket", p.Ticket)
		b.code("staff", p.Staff)
		if p.CaseState != "" && !p.CaseState.Valid() {
			b.fail("case_state", "is not a state", "评价时的办件状态不正确")
		}
	case EvUpdateApplicant:
		p, err := decode[ApplicantUpdate](e)
		if err != nil {
			return err
		}
		str := func(v *string) string {
			if v == nil {
				return ""
			}
			return *v
		}
		b.code("phone", str(p.Phone))
		b.text("address", str(p.Address), MaxLineLen)
		b.text("contact", str(p.Contact), MaxNameLen)
		b.text("addressee", str(p.Addressee), MaxNameLen)
		b.code("addressee_tel", str(p.AddresseeTel))
		b.text("delivery_addr", str(p.DeliveryAddr), MaxLineLen)
	case EvNote:
		p, err := decode[NotePayload](e)
		if err != nil {
			return err
		}
		b.text("text", p.Text, MaxTextLen)
	case EvAssignSerial:
		p, err := decode[SerialPayload](e)
		if err != nil {
			return err
		}
		b.code("serial", p.Serial)
	default:
		// Kinds without a payload of their own (accept, forward…): a
		// payload, if any, is bounded by size alone.
		if len(e.Payload) > 0 && !json.Valid(e.Payload) {
			return Errorf(EInvalid, "事件内容格式不正确。", "event %s (%s): payload is not JSON", e.ID, e.Kind)
		}
	}
	return nil
}

// checkItemBounds bounds what a catalog item carries into every case opened
// under it.
func checkItemBounds(it *Item) error {
	b := &bounds{kind: EvOpen}
	b.code("implementation_code", it.Code)
	b.code("basic_code", it.BasicCode)
	b.text("name", it.CaseName(), MaxLineLen)
	b.limit("legal_limit", it.LegalLimit)
	b.limit("promised_limit", it.PromisedLimit)
	b.count("materials", len(it.Materials), MaxMaterials)
	for _, m := range it.Materials {
		b.code("material.code", m.Code)
		b.text("material.name", m.Name, MaxLineLen)
		b.count("material.originals", m.Originals, MaxCount)
		b.count("material.copies", m.Copies, MaxCount)
	}
	for _, s := range it.Situations {
		b.code("situation.code", s.Code)
		b.text("situation.name", s.Name, MaxLineLen)
	}
	if b.err != nil {
		return Errorf(EInvalid, fmt.Sprintf("事项“%s”（%s）的内容超出限制：%s", it.Name, it.Code, ZhMessage(b.err)),
			"catalog item %q: %s", it.Code, ErrorMessage(b.err))
	}
	return nil
}
