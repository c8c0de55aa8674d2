package hall

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"yizhan/domain"
	"yizhan/ident"
	"yizhan/workday"
)

// calendarTTL is how long a process trusts its calendar before reading the
// published years again: another hall process may have published one.
const calendarTTL = time.Minute

// Calendar returns the working-day calendar the hall counts deadlines on:
// the built-in years plus every year the hall has published.
func (s *Service) Calendar(ctx context.Context) (*workday.Calendar, error) {
	s.calMu.Lock()
	cal, at := s.cal, s.calAt
	s.calMu.Unlock()
	now := s.Now()
	if cal != nil && now.Sub(at) < calendarTTL && !now.Before(at) {
		return cal, nil
	}
	cal = workday.New()
	err := s.store.View(ctx, func(tx Tx) error {
		pubs, err := tx.CurrentPublished()
		if err != nil {
			return err
		}
		for _, p := range pubs {
			if p.Kind != PubCalendar {
				continue
			}
			var y workday.YearSpec
			if err := json.Unmarshal(p.Body, &y); err != nil {
				return fmt.Errorf("calendar %s: %w", p.Key, err)
			}
			if err := cal.Publish(y); err != nil {
				return fmt.Errorf("calendar %s: %w", p.Key, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.calMu.Lock()
	s.cal, s.calAt = cal, now
	s.calMu.Unlock()
	return cal, nil
}

// dropCalendar makes the next Calendar read the published years again.
func (s *Service) dropCalendar() {
	s.calMu.Lock()
	s.cal = nil
	s.calMu.Unlock()
}

// DeadlineInfo is how a case stands against its limits today.
type DeadlineInfo struct {
	Due          string `json:"due,omitempty"`       // promised limit, YYYY-MM-DD
	LegalDue     string `json:"legal_due,omitempty"` // legal limit
	WorkdaysLeft int    `json:"workdays_left"`       // negative once overdue
	Overdue      bool   `json:"overdue"`
	LegalOverdue bool   `json:"legal_overdue"`
	DueSoon      bool   `json:"due_soon"`
	Provisional  bool   `json:"provisional,omitempty"` // a year's holidays are not known yet
	Paused       bool   `json:"paused,omitempty"`      // a special procedure stopped the clock
}

// deadlineOf evaluates a case's deadlines on today.
func deadlineOf(cal *workday.Calendar, c *domain.Case, today workday.Date) DeadlineInfo {
	// A station's implausible clock moves no deadline at the hall.
	pd, ld := c.StatTimes().Deadlines(cal)
	open := c.State.Open()
	st := cal.Status(pd, today, !open)
	lst := cal.Status(ld, today, !open)
	di := DeadlineInfo{WorkdaysLeft: st.WorkdaysLeft, Overdue: st.Overdue, LegalOverdue: lst.Overdue, DueSoon: st.DueSoon,
		Provisional: pd.Provisional || ld.Provisional, Paused: pd.Paused}
	if !pd.Due.IsZero() {
		di.Due = pd.Due.String()
	}
	if !ld.Due.IsZero() {
		di.LegalDue = ld.Due.String()
	}
	return di
}

// CaseRow is a case in the console's lists: masked, with its deadline and
// the steps the state machine allows now.
type CaseRow struct {
	CaseSummary
	Deadline DeadlineInfo       `json:"deadline"`
	Next     []domain.EventKind `json:"next"`
}

func summaryOf(c *domain.Case) CaseSummary {
	ap := MaskApplicant(c.Applicant)
	return CaseSummary{ID: c.ID, Number: c.Number, Serial: c.Serial, Station: c.Station, Holder: c.Holder,
		State: c.State, StateZh: c.State.Zh(), Result: c.Result, ItemCode: c.ItemCode, ItemName: c.ItemName,
		HandledAt: c.HandledAt, Applicant: ap.Name, ApplicantID: ap.IDNumber, Phone: ap.Phone,
		ReceivedAt: c.ReceivedAt, UpdatedAt: c.UpdatedAt}
}

func (s *Service) rowsOf(cal *workday.Calendar, cs []*domain.Case) []CaseRow {
	today := workday.DateOf(s.Now(), workday.China)
	out := make([]CaseRow, 0, len(cs))
	for _, c := range cs {
		out = append(out, CaseRow{CaseSummary: summaryOf(c), Deadline: deadlineOf(cal, c, today), Next: domain.NextSteps(c.State)})
	}
	return out
}

// Inbox lists the cases the hall holds and has not concluded — forwarded
// and waiting to be taken up, in process, suspended, waiting for
// corrections — overdue first, then by due date.
func (s *Service) Inbox(ctx context.Context) ([]CaseRow, error) {
	cal, err := s.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	var cs []*domain.Case
	err = s.store.View(ctx, func(tx Tx) error {
		all, err := tx.FindCases(CaseFilter{Holder: domain.HallOffice, Limit: -1})
		for _, c := range all {
			if c.State.Open() {
				cs = append(cs, c)
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	rows := s.rowsOf(cal, cs)
	slices.SortStableFunc(rows, func(a, b CaseRow) int {
		if a.Deadline.Overdue != b.Deadline.Overdue {
			if a.Deadline.Overdue {
				return -1
			}
			return 1
		}
		da, db := a.Deadline.Due, b.Deadline.Due
		switch {
		case da == db:
			return a.ReceivedAt.Compare(b.ReceivedAt)
		case da == "":
			return 1
		case db == "":
			return -1
		}
		return strings.Compare(da, db)
	})
	return rows, nil
}

// SearchCases finds cases across stations, masked, with deadlines. A search
// with any criterion is written to the access log with the criteria, as a
// view of the list.
func (s *Service) SearchCases(ctx context.Context, a Actor, f CaseFilter) ([]CaseRow, error) {
	if f.State != "" && !f.State.Valid() {
		return nil, domain.Errorf(domain.EInvalid, "办件状态不正确："+string(f.State), "unknown state %q", f.State)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	var cs []*domain.Case
	err = s.store.View(ctx, func(tx Tx) error {
		var err error
		cs, err = tx.FindCases(f)
		return err
	})
	if err != nil {
		return nil, err
	}
	if crit := criteria(f); crit != "" {
		now := s.Now()
		if err := s.store.Update(ctx, func(tx Tx) error {
			return tx.RecordAccess(&Access{At: now, Actor: a.ID, Action: "case.search", Detail: crit})
		}); err != nil {
			return nil, err
		}
	}
	return s.rowsOf(cal, cs), nil
}

// Enquiry finds the cases of one applicant, by the whole name or the whole
// ID number (or credit code) a caller gives on the telephone, across every
// station. It needs a purpose; the results are masked; the enquiry is
// written to the access log once per case found (or once when nothing is
// found), with the purpose and the query masked.
func (s *Service) Enquiry(ctx context.Context, a Actor, applicant, purpose string) ([]CaseRow, error) {
	applicant, purpose = strings.TrimSpace(applicant), strings.TrimSpace(purpose)
	if purpose == "" {
		return nil, domain.Errorf(domain.EInvalid, "按申请人查询须填写用途（如：来电查询进度）。", "enquiry: purpose required")
	}
	if len([]rune(applicant)) < 2 {
		return nil, domain.Errorf(domain.EInvalid, "请输入申请人完整姓名或完整证件号码。", "enquiry: whole name or ID number required")
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	var cs []*domain.Case
	now := s.Now()
	masked := ident.MaskName(applicant)
	if len(applicant) >= 15 {
		masked = ident.MaskID(strings.ToUpper(applicant))
	}
	detail := "purpose=" + purpose + " applicant=" + masked
	err = s.store.Update(ctx, func(tx Tx) error {
		var err error
		if cs, err = tx.FindCases(CaseFilter{Applicant: applicant, Limit: 100}); err != nil {
			return err
		}
		if len(cs) == 0 {
			return tx.RecordAccess(&Access{At: now, Actor: a.ID, Action: "case.enquiry", Detail: detail})
		}
		for _, c := range cs {
			if err := tx.RecordAccess(&Access{At: now, Actor: a.ID, Action: "case.enquiry", CaseID: c.ID, Detail: detail}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.rowsOf(cal, cs), nil
}

// criteria describes a filter for the access log.
func criteria(f CaseFilter) string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	add("q", f.Query)
	add("state", string(f.State))
	add("station", f.Station)
	add("holder", f.Holder)
	add("item", f.Item)
	if !f.From.IsZero() {
		add("from", f.From.Format(time.DateOnly))
	}
	if !f.To.IsZero() {
		add("to", f.To.Format(time.DateOnly))
	}
	return strings.Join(parts, " ")
}

// AccessLog lists access log lines: who viewed, unmasked, exported or
// changed what.
func (s *Service) AccessLog(ctx context.Context, f AccessFilter) ([]*Access, error) {
	var out []*Access
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.FindAccess(f)
		return err
	})
	return out, err
}

// RecordAccess writes one line to the access log, for what the service does
// not see itself (an export written by an adapter). A zero At is now.
func (s *Service) RecordAccess(ctx context.Context, a Access) error {
	if a.At.IsZero() {
		a.At = s.Now()
	}
	return s.store.Update(ctx, func(tx Tx) error { return tx.RecordAccess(&a) })
}

// StartProcess takes a case up for review at the hall (审查/承办): a case a
// station accepted and forwarded, or one the hall accepted itself. It never
// accepts the case again: the applicant's clock keeps running from the one
// acceptance.
func (s *Service) StartProcess(ctx context.Context, a Actor, id string) error {
	return s.command(ctx, a, id, "case.start_process", func(c *domain.Case) ([]step, error) {
		if c.State == domain.StateForwarded && c.AcceptedAt == nil {
			return nil, errNotAccepted(c)
		}
		return []step{{kind: domain.EvStartProcess}}, nil
	})
}

// Accept accepts (受理) a case a station took in and forwarded without
// accepting it, as the organ that accepts in its own name: the case's one
// acceptance, dated by the hall. A case a station already accepted is not
// accepted again; its next step at the hall is review (StartProcess).
func (s *Service) Accept(ctx context.Context, a Actor, id string) error {
	return s.command(ctx, a, id, "case.accept", func(c *domain.Case) ([]step, error) {
		if c.AcceptedAt != nil {
			return nil, domain.Errorf(domain.EConflict,
				"办件 "+c.Number+" 已于 "+c.AcceptedAt.In(workday.China).Format("2006-01-02")+" 受理，不能再次受理；大厅的步骤是审查（hall case review）。",
				"case %s was accepted on %s: review it instead", c.Number, c.AcceptedAt.Format(time.DateOnly))
		}
		return []step{{kind: domain.EvAccept}}, nil
	})
}

// NotAccept refuses to accept (不予受理) a case a station took in and
// forwarded without accepting it; a reason is required.
func (s *Service) NotAccept(ctx context.Context, a Actor, id, reason string) error {
	if err := needReason("不予受理", reason); err != nil {
		return err
	}
	return s.command(ctx, a, id, "case.not_accept", func(c *domain.Case) ([]step, error) {
		return []step{{domain.EvNotAccept, domain.ReasonPayload{Reason: reason}}}, nil
	})
}

// TakeUp is the console's one button for a case waiting at the hall:
// accept it when a station forwarded it unaccepted, otherwise review it.
func (s *Service) TakeUp(ctx context.Context, a Actor, id string) error {
	return s.command(ctx, a, id, "case.take_up", func(c *domain.Case) ([]step, error) {
		if c.State == domain.StateForwarded && c.AcceptedAt == nil {
			return []step{{kind: domain.EvAccept}}, nil
		}
		return []step{{kind: domain.EvStartProcess}}, nil
	})
}
