package hall

import (
	"context"
	"slices"
	"strings"
	"time"

	"yizhan/domain"
	"yizhan/workday"
)

// Call-back outcomes of a bad review, as the 好差评 rules name them.
const (
	CallbackFixed           = "fixed"             // 立行立改: fixed at once
	CallbackFixedByDeadline = "fixed_by_deadline" // 限期整改: fixed by a promised date
	CallbackExplained       = "explained"         // 解释说明: no legal basis to change anything
	CallbackAppealed        = "appealed"          // 申诉: the rating was mistaken or malicious
)

// CallbackStatuses lists the outcomes in the console's order.
var CallbackStatuses = []string{CallbackFixed, CallbackFixedByDeadline, CallbackExplained, CallbackAppealed}

// Callback is the call-back record of a bad review (差评回访): every
// real-name bad review is called back, and the applicant is told the result.
type Callback struct {
	CaseID     string    `json:"case_id"`
	Status     string    `json:"status"`
	Callback   string    `json:"callback"`         // what was said on the call-back
	Result     string    `json:"result"`           // the rectification and what the applicant was told
	FixBy      string    `json:"fix_by,omitempty"` // YYYY-MM-DD, for fixed_by_deadline
	CalledAt   time.Time `json:"called_at"`
	RecordedBy string    `json:"recorded_by"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// BadReview is a case rated 1 or 2, on the hall's rectification list.
type BadReview struct {
	CaseID    string    `json:"case_id"`
	Number    string    `json:"number"`
	Station   string    `json:"station"`
	ItemCode  string    `json:"item_code"`
	ItemName  string    `json:"item_name"`
	Applicant string    `json:"applicant"` // masked
	Level     int       `json:"level"`
	Comment   string    `json:"comment,omitempty"`
	Source    string    `json:"source,omitempty"`
	RealName  bool      `json:"real_name"`
	RatedAt   time.Time `json:"rated_at"`
	Due       string    `json:"due"`     // rectification deadline: ReviewDays working days after the rating
	Overdue   bool      `json:"overdue"` // no call-back recorded and the deadline has passed
	Late      bool      `json:"late"`    // the call-back was recorded after the deadline
	Callback  *Callback `json:"callback,omitempty"`
}

// ReviewFilter selects bad reviews. Empty fields match all.
type ReviewFilter struct {
	Station string
	Open    bool // only those without a call-back
}

// BadReviews lists the bad reviews with their deadlines and call-backs,
// overdue first, then newest first.
func (s *Service) BadReviews(ctx context.Context, f ReviewFilter) ([]BadReview, error) {
	cal, err := s.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	today := workday.DateOf(s.Now(), workday.China)
	var out []BadReview
	err = s.store.View(ctx, func(tx Tx) error {
		cs, err := tx.FindCases(CaseFilter{BadReview: true, Station: f.Station, Limit: -1})
		if err != nil {
			return err
		}
		ids := make([]string, len(cs))
		for i, c := range cs {
			ids[i] = c.ID
		}
		cbs, err := tx.Callbacks(ids)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if c.Evaluation == nil || !c.Evaluation.Bad() {
				continue
			}
			rated, err := ratedAt(tx, c)
			if err != nil {
				return err
			}
			due := cal.Due(workday.DateOf(rated, workday.China), workday.Limit{Value: s.ReviewDays, Unit: workday.G}, nil).Due
			br := BadReview{CaseID: c.ID, Number: c.Number, Station: c.Station, ItemCode: c.ItemCode, ItemName: c.ItemName,
				Applicant: MaskApplicant(c.Applicant).Name, Level: c.Evaluation.Level, Comment: c.Evaluation.Comment,
				Source: c.Evaluation.Source, RealName: c.Evaluation.RealName, RatedAt: rated, Due: due.String(),
				Callback: cbs[c.ID]}
			if br.Callback == nil {
				br.Overdue = today.After(due)
			} else {
				br.Late = workday.DateOf(br.Callback.CalledAt, workday.China).After(due)
			}
			if f.Open && br.Callback != nil {
				continue
			}
			out = append(out, br)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b BadReview) int {
		if a.Overdue != b.Overdue {
			if a.Overdue {
				return -1
			}
			return 1
		}
		return b.RatedAt.Compare(a.RatedAt)
	})
	return out, nil
}

// ratedAt returns when a case was rated: the evaluate event's own time,
// unless the station's clock put it after the hall received it (a clock
// running ahead) or implausibly long before (domain.ClockNote), then the
// time the hall received it.
func ratedAt(tx Tx, c *domain.Case) (time.Time, error) {
	log, err := tx.CaseLog(c.ID, 0)
	if err != nil {
		return time.Time{}, err
	}
	for i := len(log) - 1; i >= 0; i-- {
		le := log[i]
		if le.Status != StatusAccepted || le.Event.Kind != domain.EvEvaluate {
			continue
		}
		if le.Event.At.IsZero() || le.Event.At.After(le.Received) || domain.ClockNote(le.Event.At, le.Received, time.Time{}) != "" {
			return le.Received, nil
		}
		return le.Event.At, nil
	}
	return c.UpdatedAt, nil
}

// CallbackInput is what the console sends to record a call-back.
type CallbackInput struct {
	Status   string `json:"status"`
	Callback string `json:"callback"`
	Result   string `json:"result"`
	FixBy    string `json:"fix_by,omitempty"`
}

// RecordCallback records (or corrects) the call-back of a bad review.
func (s *Service) RecordCallback(ctx context.Context, a Actor, caseID string, in CallbackInput) (*Callback, error) {
	if !slices.Contains(CallbackStatuses, in.Status) {
		return nil, domain.Errorf(domain.EInvalid, "回访结果须为立行立改、限期整改、解释说明或申诉。", "callback: unknown status %q", in.Status)
	}
	if strings.TrimSpace(in.Callback) == "" {
		return nil, domain.Errorf(domain.EInvalid, "请填写回访情况。", "callback: text required")
	}
	if strings.TrimSpace(in.Result) == "" {
		return nil, domain.Errorf(domain.EInvalid, "请填写整改结果（告知申请人的内容）。", "callback: result required")
	}
	if in.Status == CallbackFixedByDeadline {
		if _, err := workday.ParseDate(in.FixBy); err != nil {
			return nil, domain.Errorf(domain.EInvalid, "限期整改须填写整改期限（年-月-日）。", "callback: fix_by date required")
		}
	} else {
		in.FixBy = ""
	}
	now := s.Now()
	var out *Callback
	err := s.store.Update(ctx, func(tx Tx) error {
		c, err := tx.Case(caseID)
		if err != nil {
			return err
		}
		if c == nil {
			return errNoCase(caseID)
		}
		if c.Evaluation == nil || !c.Evaluation.Bad() {
			return domain.Errorf(domain.EConflict, "该办件没有差评，无需回访。", "case %s has no bad review", caseID)
		}
		prev, err := tx.Callbacks([]string{caseID})
		if err != nil {
			return err
		}
		cb := &Callback{CaseID: caseID, Status: in.Status, Callback: strings.TrimSpace(in.Callback),
			Result: strings.TrimSpace(in.Result), FixBy: in.FixBy, CalledAt: now, RecordedBy: a.ID, UpdatedAt: now}
		if p := prev[caseID]; p != nil {
			cb.CalledAt = p.CalledAt // a correction keeps the time of the call
		}
		if err := tx.PutCallback(cb); err != nil {
			return err
		}
		out = cb
		return tx.RecordAccess(&Access{At: now, Actor: a.ID, Action: "review.callback", CaseID: caseID, Detail: in.Status})
	})
	return out, err
}
