package app

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"fmt"
	"time"

	"yizhan/domain"
	"yizhan/ident"
	"yizhan/sqlite"
)

// Progress is what a citizen sees at the self-service kiosk: no personal data
// beyond a masked name, never the ID number.
type Progress struct {
	Number    string       `json:"number"`
	ItemName  string       `json:"item_name"`
	Applicant string       `json:"applicant"`
	State     string       `json:"state"`
	StateZh   string       `json:"state_zh"`
	Result    string       `json:"result,omitempty"`
	ResultZh  string       `json:"result_zh,omitempty"`
	Due       string       `json:"due,omitempty"`
	Missing   []string     `json:"missing,omitempty"`
	Steps     []ProgressAt `json:"steps"`
}

// ProgressAt is one step of the timeline shown to a citizen.
type ProgressAt struct {
	Zh string `json:"zh"`
	At string `json:"at"`
}

// kioskActor is the actor for the unattended kiosk.
var kioskActor = Actor{ID: "kiosk", Login: "kiosk", Name: "自助终端", Role: "kiosk"}

// Kiosk guessing limits: after kioskMaxFailures wrong tries for one case
// number within kioskLockout, the kiosk stops answering for that number,
// right password or not, until the window has passed. Without it a script
// at an unattended kiosk (or the browser-mode UI) tries all 10^6 query
// passwords of a case number read off a receipt in minutes.
const (
	kioskMaxFailures = 5
	kioskLockout     = 15 * time.Minute
)

// KioskProgress answers "where is my case?" for a case number and its query
// password. A wrong password gives the same answer as an unknown number, so
// the kiosk cannot be used to find out which numbers exist; repeated wrong
// tries lock the number for a while (counted for unknown numbers too, so
// the lock reveals nothing either).
func (s *Station) KioskProgress(ctx context.Context, number, password string) (*Progress, error) {
	notFound := domain.Errorf(domain.ENotFound, "办件编号或查询密码不正确，请核对回执上的信息。", "kiosk: no case for number and password")
	var failures int
	since := sqlite.FormatTime(s.now().Add(-kioskLockout))
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM audit WHERE action='kiosk.query_failed' AND detail=? AND at>=?`,
		maskQuery(number), since).Scan(&failures); err != nil {
		return nil, fmt.Errorf("kiosk: %w", err)
	}
	if failures >= kioskMaxFailures {
		s.db.Tx(ctx, func(tx *sql.Tx) error {
			return s.audit(ctx, tx, kioskActor, "kiosk.query_locked", "", "", "", maskQuery(number))
		})
		return nil, domain.Errorf(domain.EUnauthorized, "查询错误次数过多，请 15 分钟后再试，或持回执到窗口查询。", "kiosk: too many wrong tries for this number")
	}
	c, err := loadCase(ctx, s.db.DB, number)
	if err != nil || c.Number != number || subtle.ConstantTimeCompare([]byte(c.QueryPassword), []byte(password)) != 1 {
		s.db.Tx(ctx, func(tx *sql.Tx) error {
			return s.audit(ctx, tx, kioskActor, "kiosk.query_failed", "", "", "", maskQuery(number))
		})
		return nil, notFound
	}
	p := &Progress{Number: c.Number, ItemName: c.ItemName, Applicant: ident.MaskName(c.Applicant.Name), State: string(c.State), StateZh: c.State.Zh(),
		Result: c.Result, ResultZh: domain.ResultZh(c.Result), Due: s.deadlineView(c).Due, Steps: []ProgressAt{}}
	if c.State == domain.StateCorrection {
		p.Missing = c.CorrectionList
	}
	hist, err := s.history(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range hist {
		k := domain.EventKind(e.Kind)
		if k.IsTransition() || k == domain.EvOpen {
			p.Steps = append(p.Steps, ProgressAt{Zh: e.Zh, At: e.At})
		}
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		return s.audit(ctx, tx, kioskActor, "kiosk.query", c.ID, "masked", "citizen self-service", c.Number)
	})
	return p, err
}

// KioskIssueTicket takes a queue number at the kiosk.
func (s *Station) KioskIssueTicket(ctx context.Context, itemCode string) (Ticket, error) {
	return s.IssueTicket(ctx, kioskActor, itemCode, "")
}

// KioskEvaluate records a visit rating from the kiosk or rating pad.
func (s *Station) KioskEvaluate(ctx context.Context, in EvaluationInput) (string, error) {
	in.Source = "kiosk"
	// A rating of a concluded case moves it to evaluated, as at the counter;
	// the evaluation rows never hold an ID number.
	return s.Evaluate(ctx, kioskActor, in)
}
