package app

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"yizhan/domain"
	"yizhan/ident"
	"yizhan/workday"
)

// DeadlineView is a case's deadline as a clerk sees it.
type DeadlineView struct {
	Due          string `json:"due,omitempty"`
	LegalDue     string `json:"legal_due,omitempty"`
	WorkdaysLeft int    `json:"workdays_left"`
	Overdue      bool   `json:"overdue"`
	LegalOverdue bool   `json:"legal_overdue"`
	DueSoon      bool   `json:"due_soon"`
	Provisional  bool   `json:"provisional"`
	Paused       bool   `json:"paused"`
}

// Step is an action the state machine allows next.
type Step struct {
	Kind        domain.EventKind `json:"kind"`
	Zh          string           `json:"zh"`
	NeedsReason bool             `json:"needs_reason"`
	Allowed     bool             `json:"allowed"`           // false when this station has no authority for it
	Refusal     string           `json:"refusal,omitempty"` // why not, in Chinese, when not allowed
	// Blocked, when set, says in Chinese why the step cannot be taken yet
	// (受理 while a required material is missing): the UI shows it instead
	// of offering the step.
	Blocked string `json:"blocked,omitempty"`
}

// EventView is one line of a case's timeline.
type EventView struct {
	ID        string          `json:"id"`
	Kind      string          `json:"kind"`
	Zh        string          `json:"zh"`
	From      string          `json:"from,omitempty"`
	Actor     string          `json:"actor"`
	ActorName string          `json:"actor_name"`
	Office    string          `json:"office"`
	At        string          `json:"at"`
	HLC       string          `json:"hlc"`
	Status    string          `json:"status"` // pending, accepted, conflict, rejected
	HallSeq   int64           `json:"hall_seq,omitempty"`
	Reason    string          `json:"reason,omitempty"`
	Payload   json.RawMessage `json:"payload,omitempty"`
}

// CaseView is the case detail screen's data.
type CaseView struct {
	Case      *domain.Case          `json:"case"`
	StateZh   string                `json:"state_zh"`
	Deadline  DeadlineView          `json:"deadline"`
	Steps     []Step                `json:"steps"`
	Missing   []domain.CaseMaterial `json:"missing"`
	Waived    int                   `json:"waived"`
	Events    []EventView           `json:"events"`
	Conflicts []ConflictView        `json:"conflicts"`
	Masked    bool                  `json:"masked"`
}

// Steps returns the steps the state machine allows from the case's state,
// each marked allowed or not by the same rule the hall applies
// (domain.Authorize) with this station's kind and its copy of the catalog,
// and with the reason when not: the UI offers only what the hall would
// take, and says why the rest is not for this station.
func (s *Station) Steps(ctx context.Context, c *domain.Case) ([]Step, error) {
	var f domain.Facts
	if err := s.view(ctx, func(tx Tx) error {
		var err error
		f, err = s.facts(ctx, tx, c, nil)
		return err
	}); err != nil {
		return nil, err
	}
	out := []Step{}
	for _, k := range domain.NextSteps(c.State) {
		t, _ := domain.FindTransition(k, c.State)
		probe := &domain.Event{ID: "probe", CaseID: c.ID, Kind: k, From: c.State, Office: s.code}
		if k == domain.EvForward {
			probe.Payload = []byte(`{"to":"hall"}`)
		}
		st := Step{Kind: k, Zh: k.Zh(), NeedsReason: t.NeedsReason, Allowed: true}
		if err := domain.Authorize(c, probe, f); err != nil {
			st.Allowed, st.Refusal = false, domain.ZhMessage(err)
		}
		if k == domain.EvAccept && !c.Complete() {
			st.Blocked = blockedZh(c)
		}
		out = append(out, st)
	}
	return out, nil
}

// ConflictView is a recorded conflict awaiting a person.
type ConflictView struct {
	EventID    string `json:"event_id"`
	CaseID     string `json:"case_id"`
	CaseNumber string `json:"case_number,omitempty"`
	Kind       string `json:"kind"`
	Reason     string `json:"reason"`
	Zh         string `json:"zh"`
	CreatedAt  string `json:"created_at"`
	ResolvedAt string `json:"resolved_at,omitempty"`
	ResolvedBy string `json:"resolved_by,omitempty"`
	Resolution string `json:"resolution,omitempty"`
}

func (s *Station) deadlineView(c *domain.Case) DeadlineView {
	pd, ld := s.deadlines(c)
	today := s.today()
	open := c.State.Open()
	st := s.cal.Status(pd, today, !open)
	lst := s.cal.Status(ld, today, !open)
	dv := DeadlineView{WorkdaysLeft: st.WorkdaysLeft, Overdue: st.Overdue, LegalOverdue: lst.Overdue, DueSoon: st.DueSoon,
		Provisional: pd.Provisional || ld.Provisional, Paused: pd.Paused}
	if !pd.Due.IsZero() {
		dv.Due = pd.Due.String()
	}
	if !ld.Due.IsZero() {
		dv.LegalDue = ld.Due.String()
	}
	return dv
}

// blockedZh names the required materials still missing, which stop 受理.
func blockedZh(c *domain.Case) string {
	var names []string
	for _, m := range c.Missing() {
		if m.Blocking() {
			names = append(names, m.Name)
		}
	}
	return fmt.Sprintf("%d 项必要材料未收（%s），暂不能受理。", len(names), strings.Join(names, "、"))
}

// ShowCase returns a case with its timeline, deadline and allowed next steps.
// Personal data is masked unless reveal is set, which needs a purpose and is
// written to the access log with the fields shown. Every view is logged.
func (s *Station) ShowCase(ctx context.Context, a Actor, id string, reveal bool, purpose string) (*CaseView, error) {
	if err := requireStaff(a); err != nil {
		return nil, err
	}
	if reveal && strings.TrimSpace(purpose) == "" {
		return nil, domain.Errorf(domain.EInvalid, "查看完整个人信息须填写用途。", "reveal requires a purpose")
	}
	var c *domain.Case
	if err := s.view(ctx, func(tx Tx) error {
		var err error
		c, err = loadCase(tx, id)
		return err
	}); err != nil {
		return nil, err
	}
	var err error
	v := &CaseView{Case: c, StateZh: c.State.Zh(), Deadline: s.deadlineView(c), Missing: c.Missing(), Waived: c.Waived(), Masked: !reveal}
	if v.Steps, err = s.Steps(ctx, c); err != nil {
		return nil, err
	}
	if v.Events, err = s.history(ctx, c.ID); err != nil {
		return nil, err
	}
	if v.Conflicts, err = s.conflicts(ctx, c.ID, true); err != nil {
		return nil, err
	}
	fields := "masked"
	if reveal {
		fields = "name,id_number,phone,address"
	} else {
		maskCase(c)
		for i := range v.Events {
			if personalPayload[domain.EventKind(v.Events[i].Kind)] {
				v.Events[i].Payload = maskedPayload(domain.EventKind(v.Events[i].Kind), v.Events[i].Payload)
			}
		}
	}
	err = s.update(ctx, func(tx Tx) error {
		action := "case.view"
		if reveal {
			action = "case.unmask"
		}
		return s.audit(tx, a, action, c.ID, fields, purpose, c.Number)
	})
	return v, err
}

func maskCase(c *domain.Case) {
	c.Applicant.Name = ident.MaskName(c.Applicant.Name)
	if c.Applicant.Type == domain.ApplicantPerson {
		c.Applicant.IDNumber = ident.MaskID(c.Applicant.IDNumber)
	} else {
		c.Applicant.IDNumber = ident.MaskUSCC(c.Applicant.IDNumber)
	}
	c.Applicant.Phone = ident.MaskPhone(c.Applicant.Phone)
	c.Applicant.AddresseeTel = ident.MaskPhone(c.Applicant.AddresseeTel)
	c.Applicant.Address = maskAddress(c.Applicant.Address)
	c.Applicant.DeliveryAddr = maskAddress(c.Applicant.DeliveryAddr)
	if c.Applicant.Addressee != "" {
		c.Applicant.Addressee = ident.MaskName(c.Applicant.Addressee)
	}
	if c.Delivery != nil {
		d := *c.Delivery
		d.Address, d.Addressee, d.SignedBy = maskAddress(d.Address), ident.MaskName(d.Addressee), ident.MaskName(d.SignedBy)
		c.Delivery = &d
	}
	c.QueryPassword = ""
	if c.Agent != nil {
		ag := *c.Agent
		ag.Name, ag.IDNumber, ag.Phone = ident.MaskName(ag.Name), ident.MaskID(ag.IDNumber), ident.MaskPhone(ag.Phone)
		c.Agent = &ag
	}
}

// maskAddress keeps the first few characters (town, village) only.
func maskAddress(a string) string {
	rs := []rune(a)
	if len(rs) <= 6 {
		return a
	}
	return string(rs[:6]) + "****"
}

// personalPayload marks the event kinds whose payload repeats personal data
// (names, phones, addresses): a masked view leaves their payload out.
var personalPayload = map[domain.EventKind]bool{domain.EvUpdateApplicant: true, domain.EvStartDelivery: true, domain.EvDeliver: true}

// maskedPayload is what a masked view shows of a payload that repeats
// personal data: a delivery keeps its method and waybill (what a clerk
// tracks a letter by) with the address and names masked as in the case;
// an applicant update and a signature show nothing.
func maskedPayload(kind domain.EventKind, payload json.RawMessage) json.RawMessage {
	if kind != domain.EvStartDelivery || len(payload) == 0 {
		return nil
	}
	var d domain.Delivery
	if json.Unmarshal(payload, &d) != nil {
		return nil
	}
	out := domain.Delivery{Method: d.Method, Waybill: d.Waybill, Address: maskAddress(d.Address), Addressee: ident.MaskName(d.Addressee)}
	b, err := json.Marshal(out)
	if err != nil {
		return nil
	}
	return b
}

func (s *Station) history(ctx context.Context, caseID string) ([]EventView, error) {
	var out []EventView
	if err := s.view(ctx, func(tx Tx) error {
		var err error
		out, err = tx.History(caseID)
		return err
	}); err != nil {
		return nil, err
	}
	for i := range out {
		e := &out[i]
		e.Zh = domain.EventKind(e.Kind).Zh()
		if domain.EventKind(e.Kind) == domain.EvOpen {
			// The open payload repeats the applicant unmasked; the case view
			// already shows it masked.
			e.Payload = nil
		}
	}
	return out, nil
}

func (s *Station) conflicts(ctx context.Context, caseID string, all bool) ([]ConflictView, error) {
	var out []ConflictView
	err := s.view(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Conflicts(caseID, all)
		return err
	})
	return out, err
}

// Conflicts lists conflicts; open only unless all is set.
func (s *Station) Conflicts(ctx context.Context, a Actor, all bool) ([]ConflictView, error) {
	if err := requireStaff(a); err != nil {
		return nil, err
	}
	return s.conflicts(ctx, "", all)
}

// ResolveConflict records how a person settled a conflict. The losing event
// stays in the history; resolution is a note of what was done about it.
func (s *Station) ResolveConflict(ctx context.Context, a Actor, eventID, resolution string) error {
	if err := requireStaff(a); err != nil {
		return err
	}
	if strings.TrimSpace(resolution) == "" {
		return domain.Errorf(domain.EInvalid, "请写明处理结果。", "resolve conflict: resolution required")
	}
	return s.update(ctx, func(tx Tx) error {
		ok, err := tx.ResolveConflict(eventID, a.Login, resolution, s.now())
		if err != nil {
			return err
		}
		if !ok {
			return domain.Errorf(domain.ENotFound, "找不到该冲突，或已处理。", "conflict %s not found or resolved", eventID)
		}
		return s.audit(tx, a, "conflict.resolve", eventID, "", "", resolution)
	})
}

// CaseFilter selects cases for the list screen.
type CaseFilter struct {
	Query    string `json:"query,omitempty"` // case number, name, partial ID number or phone
	State    string `json:"state,omitempty"`
	ItemCode string `json:"item_code,omitempty"`
	Channel  string `json:"channel,omitempty"`
	From     string `json:"from,omitempty"` // received on or after, YYYY-MM-DD
	To       string `json:"to,omitempty"`   // received on or before
	Overdue  bool   `json:"overdue,omitempty"`
	DueSoon  bool   `json:"due_soon,omitempty"`
	Holder   string `json:"holder,omitempty"`
	Limit    int    `json:"limit,omitempty"`
	Offset   int    `json:"offset,omitempty"`
}

// CaseSummary is a row of the case list, with personal data masked.
type CaseSummary struct {
	ID          string `json:"id"`
	Number      string `json:"number"`
	ItemName    string `json:"item_name"`
	State       string `json:"state"`
	StateZh     string `json:"state_zh"`
	Result      string `json:"result,omitempty"`
	Channel     string `json:"channel"`
	Applicant   string `json:"applicant"`
	IDNumber    string `json:"id_number"`
	Phone       string `json:"phone"`
	ReceivedAt  string `json:"received_at"`
	Due         string `json:"due,omitempty"`
	Overdue     bool   `json:"overdue"`
	DueSoon     bool   `json:"due_soon"`
	Provisional bool   `json:"provisional,omitempty"`
	Holder      string `json:"holder"`
	// Match says why a row answered a search: number, name_exact, name,
	// id_prefix, id_suffix or phone (empty without a query).
	Match string `json:"match,omitempty"`
	// NameShown is set when Applicant is the full name: a search shows it so
	// the clerk can tell rows apart, and each such reveal is audited.
	NameShown bool `json:"name_shown,omitempty"`
}

// CasePage is one page of results with the total count.
type CasePage struct {
	Total int           `json:"total"`
	Cases []CaseSummary `json:"cases"`
}

var (
	caseNoRe = regexp.MustCompile(`^[A-Za-z0-9]+-\d{8}(-\d*)?$|^[A-Za-z0-9]+-\d{1,8}$`)
	idPartRe = regexp.MustCompile(`^[0-9]{3,17}[0-9Xx]?$`)
)

// FindCases searches cases. The query is read as a case number, a partial ID
// number (prefix or suffix) or phone, or a name fragment — whichever it looks
// like. Results are masked; the search is audited with the query masked.
func (s *Station) FindCases(ctx context.Context, a Actor, f CaseFilter) (CasePage, error) {
	if err := requireStaff(a); err != nil {
		return CasePage{}, err
	}
	q, err := s.caseQuery(f)
	if err != nil {
		return CasePage{}, err
	}
	q.Limit = f.Limit
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 50
	}
	page := CasePage{Cases: []CaseSummary{}}
	if err := s.view(ctx, func(tx Tx) error {
		var err error
		page.Cases, page.Total, err = tx.FindCases(q)
		return err
	}); err != nil {
		return page, err
	}
	today := s.today()
	text := strings.TrimSpace(f.Query)
	kind := queryKind(text)
	for i := range page.Cases {
		cs := &page.Cases[i]
		cs.StateZh = domain.State(cs.State).Zh()
		cs.Match = matchOf(kind, text, cs.Applicant, cs.IDNumber, cs.Phone)
		if text == "" {
			cs.Applicant = ident.MaskName(cs.Applicant)
		} else {
			cs.NameShown = true
		}
		cs.Phone = ident.MaskPhone(cs.Phone)
		if len(cs.IDNumber) == 18 && !strings.HasPrefix(cs.IDNumber, "9") {
			cs.IDNumber = ident.MaskID(cs.IDNumber)
		} else {
			cs.IDNumber = ident.MaskUSCC(cs.IDNumber)
		}
		if cs.Due != "" && domain.State(cs.State).Open() {
			if d, err := workday.ParseDate(cs.Due); err == nil {
				st := s.cal.Status(workday.Deadline{Due: d}, today, false)
				cs.Overdue, cs.DueSoon = st.Overdue, st.DueSoon
			}
		}
	}
	err = s.update(ctx, func(tx Tx) error {
		if err := s.audit(tx, a, "case.search", "", "masked", "", maskQuery(f.Query)+fmt.Sprintf(" -> %d", page.Total)); err != nil {
			return err
		}
		// Every full name a search showed is a reveal, in the access log.
		for _, cs := range page.Cases {
			if cs.NameShown {
				if err := s.audit(tx, a, "case.reveal", cs.ID, "name", "search: "+cs.Match, cs.Number); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return page, err
}

// queryKind tells how caseQuery reads a search: number, id (a partial ID
// number or phone), name, or "" for none.
func queryKind(q string) string {
	switch {
	case q == "":
		return ""
	case caseNoRe.MatchString(q):
		return "number"
	case idPartRe.MatchString(q):
		return "id"
	}
	return "name"
}

// matchOf says why a row answered a search of kind for q.
func matchOf(kind, q, name, idNumber, phone string) string {
	switch kind {
	case "number":
		return "number"
	case "id":
		up := strings.ToUpper(q)
		switch {
		case strings.HasPrefix(phone, q):
			return "phone"
		case strings.HasPrefix(idNumber, up):
			return "id_prefix"
		case strings.HasSuffix(idNumber, up):
			return "id_suffix"
		}
		return "id"
	case "name":
		if name == strings.ReplaceAll(q, " ", "") {
			return "name_exact"
		}
		return "name"
	}
	return ""
}

// maskQuery keeps a search term fit for the audit log.
func maskQuery(q string) string {
	if idPartRe.MatchString(q) {
		if len(q) > 6 {
			return q[:3] + strings.Repeat("*", len(q)-5) + q[len(q)-2:]
		}
		return strings.Repeat("*", len(q))
	}
	return ident.MaskName(q)
}

// caseQuery reads the filter of the list screen: the query as a case
// number, a partial ID number or phone, or a name fragment, whichever it
// looks like, and the dates and deadlines as the store compares them.
func (s *Station) caseQuery(f CaseFilter) (CaseQuery, error) {
	var q CaseQuery
	text := strings.TrimSpace(f.Query)
	switch queryKind(text) {
	case "number":
		q.Number = text
	case "id":
		q.IDOrPhone = text
	case "name":
		q.Name = text
	}
	if f.State != "" && !domain.State(f.State).Valid() {
		return q, domain.Errorf(domain.EInvalid, "办件状态不正确。", "unknown state %q", f.State)
	}
	q.State, q.ItemCode, q.Channel, q.Holder, q.Offset = f.State, f.ItemCode, f.Channel, f.Holder, f.Offset
	for _, d := range []struct {
		v   string
		add int
		dst *time.Time
	}{{f.From, 0, &q.ReceivedFrom}, {f.To, 1, &q.ReceivedBefore}} {
		if d.v == "" {
			continue
		}
		day, err := workday.ParseDate(d.v)
		if err != nil {
			return q, domain.Errorf(domain.EInvalid, "日期格式应为 YYYY-MM-DD。", "bad date %q", d.v)
		}
		// Received times are UTC; a China day starts at 16:00 UTC the day before.
		*d.dst = day.AddDays(d.add).Time(workday.China)
	}
	today := s.today()
	if f.Overdue {
		q.OpenDueBefore = today
	}
	if f.DueSoon {
		q.OpenDueFrom, q.OpenDueTo = today, s.cal.Due(today, workday.Limit{Value: workday.DueSoonWorkdays, Unit: workday.G}, nil).Due
	}
	return q, nil
}
