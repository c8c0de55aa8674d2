package domain

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Facts are what the deciding side knows from its own records when it
// authorises an event: the sending office's kind and region from the
// registry, and the item version as published. Nothing in Facts comes
// from the event. The hall fills them from its station registry and its
// published catalog; a station fills them with its own kind and its copy
// of the catalog, so a clerk is told at once what the hall would say.
type Facts struct {
	// Office is the authenticated office that sent the event.
	Office string
	// Kind is the office's kind (OfficeHall for the hall).
	Kind OfficeKind
	// Region is the office's administrative region, as registered.
	Region string
	// Item is the case's item version as the hall published it; nil when
	// it was never published (an open is then refused, and the steps of
	// an existing case get the narrowest rights, the hall's).
	Item *Item
	// To is the receiving office of a route; nil when the registry does
	// not know it.
	To *OfficeFacts
}

// OfficeFacts is what the registry says of an office.
type OfficeFacts struct {
	Code   string
	Kind   OfficeKind
	Region string
}

// rights returns the item's rights, or the hall's when the item is unknown.
func (f Facts) rights() Rights {
	if f.Item == nil {
		return DefaultRights(HandledAtHall)
	}
	return f.Item.RightsOf()
}

// Authorize decides whether the office of f may append e to case c (nil for
// an open event). The hall calls it for every event a station pushes and for
// its own commands; stations call it too, so that a clerk is told at once
// rather than after a sync. It trusts nothing the event says about who may
// do what: the office comes from the authenticated connection, the office's
// kind from the registry and the item's rights from the published catalog.
// What the event's payload claims that the hall can derive is checked
// against the published item (CheckOpen); bounds are CheckEvent's.
func Authorize(c *Case, e *Event, f Facts) error {
	if e.Office != f.Office {
		return Errorf(EForbidden, "事件的来源单位与登录单位不一致。", "event %s claims office %q but was sent by %q", e.ID, e.Office, f.Office)
	}
	if stamp, err := ParseStamp(e.HLC); err == nil && stamp.Office != "" && stamp.Office != f.Office {
		return Errorf(EForbidden, "事件时间戳的来源单位与登录单位不一致。", "event %s: stamp of office %q sent by %q", e.ID, stamp.Office, f.Office)
	}
	rights := f.rights()
	if e.Kind == EvOpen {
		if f.Item == nil {
			return Errorf(EInvalid, "该事项不在大厅发布的事项清单中，不能收件。请同步事项清单后重新收件。",
				"open %s: item not in any published catalog version", e.CaseID)
		}
		if !rights.Allows(StepTakeIn, f.Kind) {
			return refuse(e, f, StepTakeIn)
		}
		return CheckOpen(e, f)
	}
	if c == nil || c.State == StateNone {
		return Errorf(EConflict, "办件不存在或尚未同步。", "case %s unknown", e.CaseID)
	}
	holds := f.Office == c.Holder
	sees := holds || f.Office == c.Station || f.Office == HallOffice
	forbid := func(zh, en string) error {
		return Errorf(EForbidden, "本站无权对该办件执行“"+e.Kind.Zh()+"”："+zh, "office %s may not %s case %s: %s", f.Office, e.Kind, c.ID, en)
	}
	if !e.Kind.IsTransition() {
		switch {
		case !sees:
			return forbid("该办件不属于本站。", "outside its scope")
		case e.Kind == EvAssignSerial && f.Office != HallOffice:
			return forbid("申办流水号只能由大厅分配。", "the serial is the hall's")
		case e.Kind == EvRoute:
			return authorizeRoute(c, e, f, rights)
		}
		return nil
	}
	t, ok := FindTransition(e.Kind, e.From)
	if !ok {
		// Not a legal step at all: Apply refuses it as a conflict. Only an
		// office that may see the case gets that far, or a conflict record
		// would leak the case to a stranger.
		if !sees {
			return forbid("该办件不属于本站。", "outside its scope")
		}
		return nil
	}
	if !holds {
		if !sees {
			return forbid("该办件不属于本站。", "outside its scope")
		}
		return forbid("该办件当前由"+holderZh(c.Holder)+"办理。", "held by "+c.Holder)
	}
	if s := StepOf(t, c); s != "" && !rights.Allows(s, f.Kind) {
		return refuse(e, f, s)
	}
	if e.Kind == EvForward {
		if f.Office == HallOffice {
			return forbid("大厅不向自己转报。", "the hall does not forward to itself")
		}
		// Forwarding hands the case to the hall for its next step: only
		// where the catalog lets the hall take it.
		next := StepDecide
		if c.AcceptedAt == nil {
			next = StepAccept
		}
		if !rights.Allows(next, OfficeHall) {
			return forbid("该事项不由大厅"+next.Zh()+"，不能转报大厅。", "the hall may not "+string(next)+" the item")
		}
	}
	return nil
}

// refuse is the refusal of a step the catalog does not grant the office's
// kind for the item.
func refuse(e *Event, f Facts, s Step) error {
	item := "该事项"
	if f.Item != nil {
		item = "事项“" + f.Item.Name + "”"
	}
	return Errorf(EForbidden, fmt.Sprintf("%s不能由%s%s（“%s”）；请按事项清单转报有权办理的单位。", item, f.Kind.Zh(), s.Zh(), e.Kind.Zh()),
		"office %s (%s) may not %s (%s) this item", f.Office, f.Kind, s, e.Kind)
}

func holderZh(h string) string {
	if h == HallOffice {
		return "大厅"
	}
	return h
}

// authorizeRoute decides a route. The hall routes where its clerk decides
// (the hall checks the receiver is registered); a station routes only a
// case it holds, the hall never held, before a decision, to a station of
// its own region or above that may take the case's next step — accept, or
// decide once accepted — which the sender may not: a village station hands
// a township item to its township centre. Anything else would hand the
// applicant's data to an office with no part in the case.
func authorizeRoute(c *Case, e *Event, f Facts, rights Rights) error {
	if f.Office == HallOffice {
		return nil
	}
	forbid := func(zh, en string) error {
		return Errorf(EForbidden, "本站不能移交该办件："+zh, "office %s may not route case %s: %s", f.Office, c.ID, en)
	}
	p, err := decode[RoutePayload](e)
	if err != nil || p.To == "" {
		return Errorf(EInvalid, "移交必须指定接收单位。", "route: destination required")
	}
	switch {
	case f.Office != c.Holder:
		return forbid("该办件当前由"+holderZh(c.Holder)+"办理。", "held by "+c.Holder)
	case c.HallHeld:
		return forbid("大厅已接手该办件。", "the hall has held it")
	case c.State != StateReceived && c.State != StateAccepted:
		return forbid("只有已收件或已受理、尚未转报的办件可以移交。", "state "+string(c.State))
	case p.To == HallOffice:
		return forbid("报送大厅请使用“转报大厅”。", "use forward for the hall")
	case p.To == f.Office:
		return forbid("不能移交给本站。", "to itself")
	case f.To == nil:
		return Errorf(EInvalid, "接收单位 "+p.To+" 不是已登记的站点。", "route: unknown station %q", p.To)
	}
	next := StepDecide
	if c.AcceptedAt == nil {
		next = StepAccept
	}
	switch {
	case rights.Allows(next, f.Kind):
		return forbid("本站可以自行"+next.Zh()+"，无需移交。", "it may "+string(next)+" the item itself")
	case !rights.Allows(next, f.To.Kind):
		return forbid(p.To+"（"+f.To.Kind.Zh()+"）无权"+next.Zh()+"该事项。", "the receiver may not "+string(next)+" the item")
	case f.To.Region == "" || !strings.HasPrefix(f.Region, f.To.Region):
		return forbid(p.To+"不是本站所属区域的上级或本级单位。", "the receiver's region does not contain the sender's")
	}
	return nil
}

// caseNumber is the form domain.CaseNumber gives: office, date, sequence.
var caseNumber = regexp.MustCompile(`^(.+)-([0-9]{8})-([0-9]{4,9})$`)

// CheckNumber checks that a case number is in the form CaseNumber makes,
// under office's own code.
func CheckNumber(number, office string) error {
	m := caseNumber.FindStringSubmatch(number)
	if m == nil || m[1] != office {
		return Errorf(EInvalid, "办件编号须为本站编码-日期-序号（如 "+office+"-20260302-0001）。",
			"case number %q is not %s-YYYYMMDD-NNNN", number, office)
	}
	if _, err := time.Parse("20060102", m[2]); err != nil {
		return Errorf(EInvalid, "办件编号中的日期不正确。", "case number %q: bad date", number)
	}
	return nil
}

// CheckOpen checks an open event against what the hall knows: the number
// carries the sender's code; the item's name, kind, handling level, limits,
// situation and materials checklist are the published version's, field by
// field; every material is collected in a way the item allows. Any
// difference refuses the open, naming the field.
func CheckOpen(e *Event, f Facts) error {
	p, err := decode[OpenPayload](e)
	if err != nil {
		return err
	}
	if err := CheckNumber(p.Number, f.Office); err != nil {
		return err
	}
	it := f.Item
	differs := func(field, zh string) error {
		return Errorf(EInvalid, fmt.Sprintf("收件事件的%s与大厅发布的事项“%s”第 %d 版不一致，已拒绝。请同步事项清单后重新收件。", zh, it.Name, it.Version),
			"open %s: %s differs from published item %s", e.CaseID, field, it.Key())
	}
	switch {
	case p.ItemCode != it.Code || p.ItemVersion != it.Version:
		return differs("item", "事项")
	case p.ItemName != it.CaseName():
		return differs("item_name", "事项名称")
	case p.ItemKind != it.Kind:
		return differs("item_kind", "办件类型")
	case p.HandledAt != it.HandledAt:
		return differs("handled_at", "办理层级")
	case p.LegalLimit != it.LegalLimit:
		return differs("legal_limit", "法定时限")
	case p.PromisedLimit != it.PromisedLimit:
		return differs("promised_limit", "承诺时限")
	}
	if p.Situation == "" && p.SituationName != "" {
		return differs("situation_name", "办理情形")
	}
	if p.Situation != "" {
		s, ok := it.Situation(p.Situation)
		if !ok || s.Name != p.SituationName {
			return differs("situation", "办理情形")
		}
	}
	want, err := it.MaterialsFor(p.Situation)
	if err != nil {
		return differs("situation", "办理情形")
	}
	if len(p.Materials) != len(want) {
		return differs("materials", "材料清单")
	}
	for i, m := range want {
		got := p.Materials[i]
		if got.Code != m.Code || got.Name != m.Name || got.Required != m.Required || got.ELicense != m.ELicense ||
			got.Originals != m.Originals || got.Copies != m.Copies {
			return differs("material "+m.Code, "材料“"+m.Name+"”")
		}
		if err := it.CheckCollect(got, got.Collected); err != nil {
			return err
		}
	}
	if !validChannel(p.Channel) {
		return Errorf(EInvalid, "受理渠道不正确。", "open %s: unknown channel %q", e.CaseID, p.Channel)
	}
	switch p.Applicant.Type {
	case ApplicantPerson, ApplicantLegal, ApplicantOther:
	default:
		return Errorf(EInvalid, "申请人类型须为自然人、法人或其他组织。", "open %s: applicant type %q", e.CaseID, p.Applicant.Type)
	}
	return nil
}

func validChannel(ch string) bool {
	for _, c := range Channels {
		if c == ch {
			return true
		}
	}
	return false
}

// CheckCollect checks that material m may be recorded as collected how:
// an electronic licence only where the material has one, 容缺 only where
// the item allows it and the material is not required, 告知承诺 only where
// the item allows it.
func (it *Item) CheckCollect(m CaseMaterial, how string) error {
	switch how {
	case CollectPaper, CollectScan, CollectMissing:
	case CollectELicense:
		if !m.ELicense {
			return Errorf(EInvalid, fmt.Sprintf("材料“%s”不能用电子证照代替。", m.Name), "material %s has no e-licence", m.Code)
		}
	case CollectRongque:
		if !it.AllowsRongque || m.Required == NecessityRequired {
			return Errorf(EInvalid, fmt.Sprintf("材料“%s”不能容缺受理。", m.Name), "material %s cannot be rongque", m.Code)
		}
	case CollectCommitment:
		if !it.AllowsCommitment {
			return Errorf(EInvalid, "该事项不适用告知承诺制。", "item %s does not allow commitment", it.Code)
		}
	default:
		return Errorf(EInvalid, "材料收取方式不正确。", "unknown collection %q", how)
	}
	return nil
}

// CheckMaterial checks a material event against the published item: the
// material is on the case's list and collected in a way the item allows.
func CheckMaterial(c *Case, e *Event, it *Item) error {
	if it == nil || c == nil {
		return nil
	}
	p, err := decode[MaterialPayload](e)
	if err != nil {
		return err
	}
	for _, m := range c.Materials {
		if m.Code == p.Code {
			return it.CheckCollect(m, p.Collected)
		}
	}
	return nil // Apply refuses a material the case does not have
}

// Clock plausibility. A station's wall clock is kept as it came (it is what
// the clerk's PC said) but flagged when it cannot be right, and then moves
// no statistics (Case.StatTimes).
const (
	// ClockAhead is how far ahead of the hall's receipt an event may say it
	// was made: a day covers time zones and a slightly fast PC.
	ClockAhead = 24 * time.Hour
	// ClockOffline is how far behind the hall's receipt an event may say it
	// was made: a station offline for more than a year is not plausible.
	ClockOffline = 400 * 24 * time.Hour
)

// ClockNote returns why an event's wall-clock time at is implausible, or ""
// when it is plausible: after the hall received the event (beyond
// ClockAhead), before the hall registered the station (since, with a day's
// grace), or more than ClockOffline before the hall received it.
func ClockNote(at, received, since time.Time) string {
	switch {
	case at.IsZero():
		return "no wall-clock time"
	case at.After(received.Add(ClockAhead)):
		return fmt.Sprintf("wall clock %s is %s ahead of the hall's receipt", at.UTC().Format(time.RFC3339), at.Sub(received).Round(time.Hour))
	case !since.IsZero() && at.Before(since.Add(-24*time.Hour)):
		return fmt.Sprintf("wall clock %s is before the station was registered (%s)", at.UTC().Format(time.RFC3339), since.UTC().Format(time.DateOnly))
	case at.Before(received.Add(-ClockOffline)):
		return fmt.Sprintf("wall clock %s is %s behind the hall's receipt", at.UTC().Format(time.RFC3339), received.Sub(at).Round(time.Hour))
	}
	return ""
}
