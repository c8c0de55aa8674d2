package app

import (
	"context"
	"crypto/ed25519"
	"crypto/subtle"
	"fmt"
	"regexp"
	"strings"
	"time"

	"yizhan/domain"
	"yizhan/ident"
	"yizhan/notice"
	"yizhan/workday"
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

// KioskQuery names a case at the kiosk, in one of two ways that both prove
// the citizen holds its papers: the signed QR code of any notice the
// station printed for it (scanned: a scanner types it and Enter), or its
// number with the query password printed on the receipt. The number may be
// given in full (370112001-20261127-0042) or short: the date and sequence
// the receipt prints large (1127-0042, typed 11270042 on the keypad).
type KioskQuery struct {
	Receipt  string `json:"receipt,omitempty"`
	Number   string `json:"number,omitempty"`
	Password string `json:"password,omitempty"`
}

var (
	shortNumberRe = regexp.MustCompile(`^(\d{4})-?(\d{4,})$`)
	fullNumberRe  = regexp.MustCompile(`^[A-Za-z0-9]{2,20}-\d{8}-\d{4,}$`)
)

// KioskProgress answers "where is my case?" for a case number (full or
// short) and its query password. See KioskLookup.
func (s *Station) KioskProgress(ctx context.Context, number, password string) (*Progress, error) {
	return s.KioskLookup(ctx, KioskQuery{Number: number, Password: password})
}

// KioskLookup answers "where is my case?" at the kiosk. A wrong password
// gives the same answer as an unknown number, so the kiosk cannot be used to
// find out which numbers exist; repeated wrong tries lock the number for a
// while (counted for unknown numbers too, so the lock reveals nothing
// either). Every answer is audited.
func (s *Station) KioskLookup(ctx context.Context, q KioskQuery) (*Progress, error) {
	c, err := s.kioskCase(ctx, q)
	if err != nil {
		return nil, err
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
	err = s.update(ctx, func(tx Tx) error {
		return s.audit(tx, kioskActor, "kiosk.query", c.ID, "masked", "citizen self-service", c.Number)
	})
	return p, err
}

// kioskCase finds the case a kiosk query names, or refuses with one answer
// for every way of being wrong.
func (s *Station) kioskCase(ctx context.Context, q KioskQuery) (*domain.Case, error) {
	notFound := domain.Errorf(domain.ENotFound, "办件编号或查询密码不正确，请核对回执上的信息。", "kiosk: no case for number and password")
	if strings.TrimSpace(q.Receipt) != "" {
		claim, _, err := notice.Parse(q.Receipt)
		if err != nil {
			return nil, domain.Errorf(domain.ENotFound, "无法识别该二维码，请扫描本站打印的收件凭证或通知书上的二维码。", "kiosk: not a receipt code: %v", err)
		}
		if c, ok := s.verifiedReceipt(ctx, q.Receipt, claim); ok {
			return c, nil
		}
		// An unsigned (before enrolment) or unverifiable code still names
		// the case: it then needs the password like a typed number.
		q.Number = claim.Number
		if q.Password == "" {
			return nil, domain.Errorf(domain.ENotFound, "该二维码无法核验，请输入查询密码。", "kiosk: receipt code not verified")
		}
	}
	// One lock per case, however its number is typed: full and short forms
	// count against the same key (so the short form is no way around the
	// lock of the full one).
	key := maskQuery(lockKey(q.Number))
	var failures int
	if err := s.view(ctx, func(tx Tx) error {
		var err error
		failures, err = tx.CountAudit("kiosk.query_failed", key, s.now().Add(-kioskLockout))
		return err
	}); err != nil {
		return nil, fmt.Errorf("kiosk: %w", err)
	}
	if failures >= kioskMaxFailures {
		s.update(ctx, func(tx Tx) error {
			return s.audit(tx, kioskActor, "kiosk.query_locked", "", "", "", key)
		})
		return nil, domain.Errorf(domain.EUnauthorized, "查询错误次数过多，请 15 分钟后再试，或持回执到窗口查询。", "kiosk: too many wrong tries for this number")
	}
	for _, c := range s.kioskCandidates(ctx, q.Number) {
		if subtle.ConstantTimeCompare([]byte(c.QueryPassword), []byte(strings.TrimSpace(q.Password))) == 1 {
			return c, nil
		}
	}
	s.update(ctx, func(tx Tx) error {
		return s.audit(tx, kioskActor, "kiosk.query_failed", "", "", "", key)
	})
	return nil, notFound
}

// lockKey is the form of a typed number that wrong tries are counted under:
// the short number (MMDD-NNNN) for a full or short one.
func lockKey(number string) string {
	number = strings.TrimSpace(number)
	if fullNumberRe.MatchString(number) {
		return notice.ShortNumber(number)
	}
	if m := shortNumberRe.FindStringSubmatch(number); m != nil {
		return m[1] + "-" + m[2]
	}
	return number
}

// verifiedReceipt returns the case a signed QR code of this station names,
// when its signature verifies with this station's key.
func (s *Station) verifiedReceipt(ctx context.Context, code string, claim notice.Claim) (*domain.Case, bool) {
	if s.cfg.SigningKey == nil || claim.Station != s.code {
		return nil, false
	}
	key, err := s.cfg.SigningKey()
	if err != nil || key == nil {
		return nil, false
	}
	pub := key.Public().(ed25519.PublicKey)
	if _, err := notice.Verify(code, func(string) (ed25519.PublicKey, error) { return pub, nil }); err != nil {
		s.update(ctx, func(tx Tx) error {
			return s.audit(tx, kioskActor, "kiosk.receipt_forged", "", "", "", maskQuery(claim.Number))
		})
		return nil, false
	}
	var c *domain.Case
	if err := s.view(ctx, func(tx Tx) error {
		var err error
		c, err = loadCase(tx, claim.Number)
		return err
	}); err != nil || c.Number != claim.Number {
		return nil, false
	}
	return c, true
}

// kioskCandidates returns the cases a typed number may mean: the one with
// that full number, or for a short number (MMDD-NNNN) this station's cases
// of that day and sequence in any year, newest first.
func (s *Station) kioskCandidates(ctx context.Context, number string) []*domain.Case {
	number = strings.TrimSpace(number)
	var nums []string
	if fullNumberRe.MatchString(number) {
		nums = []string{number}
	} else {
		m := shortNumberRe.FindStringSubmatch(number)
		if m == nil || s.code == "" {
			return nil
		}
		// The full numbers it may stand for, this year and the fifteen
		// before: looked up by the unique index on number, not by scanning
		// the cases.
		for y := s.today().Year(); y >= s.today().Year()-15; y-- {
			nums = append(nums, fmt.Sprintf("%s-%04d%s-%s", s.code, y, m[1], m[2]))
		}
	}
	var out []*domain.Case
	if err := s.view(ctx, func(tx Tx) error {
		var err error
		out, err = tx.CasesByNumbers(nums)
		return err
	}); err != nil {
		return nil
	}
	return out
}

// KioskIssueTicket takes a queue number at the kiosk.
func (s *Station) KioskIssueTicket(ctx context.Context, itemCode string) (Ticket, error) {
	return s.IssueTicket(ctx, kioskActor, itemCode, "")
}

// KioskQueueBoard is the waiting-room display's board (no sign-in: numbers
// and windows only).
func (s *Station) KioskQueueBoard(ctx context.Context) (*QueueBoard, error) {
	return s.Board(ctx)
}

// KioskItems lists every item the station takes in, for the kiosk's ticket
// screen: those it handles itself and those decided at the hall, which it
// receives and forwards.
func (s *Station) KioskItems(ctx context.Context) ([]ItemSummary, error) {
	return s.FindItems(ctx, "")
}

// KioskRatingInput is a rating given at the kiosk or on the rating pad. It
// must be tied to a case (the same proof as a progress query: a signed QR
// code, or the number and query password) or to today's ticket of a visit
// that was served; a rating tied to nothing could be anyone's.
type KioskRatingInput struct {
	Case         *KioskQuery `json:"case,omitempty"`
	TicketNumber string      `json:"ticket_number,omitempty"` // today's ticket number, e.g. A003
	domain.Evaluation
	Contact string `json:"contact,omitempty"`
}

// KioskEvaluate records a rating from the kiosk or the rating pad.
func (s *Station) KioskEvaluate(ctx context.Context, in KioskRatingInput) (string, error) {
	ev := EvaluationInput{Evaluation: in.Evaluation, Contact: in.Contact}
	ev.Source = "kiosk"
	if err := s.checkRating(&ev); err != nil {
		return "", err
	}
	if in.Case == nil && strings.TrimSpace(in.TicketNumber) == "" {
		return "", domain.Errorf(domain.EInvalid, "请先扫描收件凭证上的二维码、输入办件编号和查询密码，或输入取号单上的号码，再评价。",
			"kiosk rating: tied to neither a case nor a ticket")
	}
	if in.Case != nil {
		c, err := s.kioskCase(ctx, *in.Case)
		if err != nil {
			return "", err
		}
		ev.CaseID = c.ID
	}
	var id string
	err := s.update(ctx, func(tx Tx) error {
		if t := strings.ToUpper(strings.TrimSpace(in.TicketNumber)); t != "" {
			tk, err := tx.TicketByNumber(workday.DateOf(s.now(), workday.China).String(), t)
			if err != nil {
				return fmt.Errorf("kiosk rating: %w", err)
			}
			if tk == nil || (tk.Status != "serving" && tk.Status != "done") {
				return domain.Errorf(domain.ENotFound, "找不到今天已办理的这个号码，请核对取号单。", "kiosk rating: no served ticket %q today", t)
			}
			if ev.CaseID != "" && tk.CaseID != "" && tk.CaseID != ev.CaseID {
				return domain.Errorf(domain.EInvalid, "取号单与办件不符，请核对。", "kiosk rating: ticket %s is for another case", t)
			}
			ev.TicketID = tk.ID
		}
		var err error
		id, err = s.rate(ctx, tx, kioskActor, ev)
		return err
	})
	return id, err
}
