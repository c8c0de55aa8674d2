package app

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"yizhan/domain"
	"yizhan/ident"
)

// MaterialInput records how one material was collected at intake or later.
type MaterialInput struct {
	Code       string   `json:"code"`
	Collected  string   `json:"collected"`
	Count      int      `json:"count,omitempty"`
	CertNo     string   `json:"cert_no,omitempty"`
	Blobs      []string `json:"blobs,omitempty"`
	RongqueDue string   `json:"rongque_due,omitempty"`
}

// OpenCaseInput is what the intake wizard collects.
type OpenCaseInput struct {
	ItemCode      string           `json:"item_code"`
	ItemVersion   int              `json:"item_version,omitempty"` // 0: newest published
	Situation     string           `json:"situation,omitempty"`
	Channel       string           `json:"channel"`
	Applicant     domain.Applicant `json:"applicant"`
	Agent         *domain.Agent    `json:"agent,omitempty"`
	Materials     []MaterialInput  `json:"materials,omitempty"`
	TicketID      string           `json:"ticket_id,omitempty"`
	AppointmentID string           `json:"appointment_id,omitempty"`
}

// IntakeCheck is what smart intake tells the clerk before the case is opened:
// the facts derived from the ID number, and warnings about conditions the
// data can check. Warnings never block; the clerk decides.
type IntakeCheck struct {
	BirthDate string                `json:"birth_date,omitempty"`
	Sex       string                `json:"sex,omitempty"`
	Age       int                   `json:"age,omitempty"`
	Warnings  []string              `json:"warnings"`
	Materials []domain.CaseMaterial `json:"materials"`
	Missing   int                   `json:"missing"`
	Blocking  int                   `json:"blocking"`
	Waivable  int                   `json:"waivable"` // could be replaced by e-licence or 容缺
}

// normaliseApplicant validates the applicant per its type and fills the
// fields derived from the ID number.
func (s *Station) normaliseApplicant(ap *domain.Applicant) (ident.ResidentID, error) {
	var rid ident.ResidentID
	switch ap.Type {
	case "", domain.ApplicantPerson:
		ap.Type = domain.ApplicantPerson
		name, err := ident.CheckName(ap.Name)
		if err != nil {
			return rid, err
		}
		ap.Name = name
		if ap.IDType == "" {
			ap.IDType = "resident_id"
		}
		if ap.IDType == "resident_id" {
			rid, err = ident.ParseResidentID(ap.IDNumber, s.now())
			if err != nil {
				return rid, err
			}
			ap.IDNumber = rid.Number
			ap.BirthDate = rid.Birth.Format("2006-01-02")
			ap.Sex = rid.Sex
		} else if strings.TrimSpace(ap.IDNumber) == "" {
			return rid, domain.Errorf(domain.EInvalid, "请填写证件号码。", "applicant: id number required")
		}
	case domain.ApplicantLegal, domain.ApplicantOther:
		if strings.TrimSpace(ap.Name) == "" {
			return rid, domain.Errorf(domain.EInvalid, "请填写单位名称。", "applicant: organisation name required")
		}
		ap.Name = strings.TrimSpace(ap.Name)
		ap.IDType = "uscc"
		code, err := ident.CheckUSCC(ap.IDNumber)
		if err != nil {
			return rid, err
		}
		ap.IDNumber = code
		if ap.Type == domain.ApplicantLegal && strings.TrimSpace(ap.LegalRep) == "" {
			return rid, domain.Errorf(domain.EInvalid, "请填写法定代表人姓名。", "applicant: legal representative required")
		}
	default:
		return rid, domain.Errorf(domain.EInvalid, "申请人类型须为自然人、法人或其他组织。", "applicant: unknown type %q", ap.Type)
	}
	phone, err := ident.CheckPhone(ap.Phone)
	if err != nil {
		return rid, err
	}
	ap.Phone = phone
	if ap.AddresseeTel != "" {
		if ap.AddresseeTel, err = ident.CheckPhone(ap.AddresseeTel); err != nil {
			return rid, err
		}
	}
	return rid, nil
}

func (s *Station) normaliseAgent(ag *domain.Agent) error {
	if ag == nil {
		return nil
	}
	switch ag.Mode {
	case "assist", "proxy":
	default:
		return domain.Errorf(domain.EInvalid, "帮办代办方式须为帮办或代办。", "agent: mode must be assist or proxy")
	}
	name, err := ident.CheckName(ag.Name)
	if err != nil {
		return err
	}
	ag.Name = name
	if ag.Mode == "proxy" {
		rid, err := ident.ParseResidentID(ag.IDNumber, s.now())
		if err != nil {
			return err
		}
		ag.IDNumber = rid.Number
		if strings.TrimSpace(ag.Relationship) == "" {
			return domain.Errorf(domain.EInvalid, "代办须填写代办人与申请人的关系。", "agent: relationship required for proxy")
		}
		if strings.TrimSpace(ag.AttorneyBlob) == "" {
			return domain.Errorf(domain.EInvalid, "代办须收取授权委托书（扫描件或纸质）。", "agent: power of attorney required for proxy")
		}
	} else if ag.IDNumber != "" {
		rid, err := ident.ParseResidentID(ag.IDNumber, s.now())
		if err != nil {
			return err
		}
		ag.IDNumber = rid.Number
	}
	if ag.Phone != "" {
		if ag.Phone, err = ident.CheckPhone(ag.Phone); err != nil {
			return err
		}
	}
	return nil
}

var (
	ageMinRe = regexp.MustCompile(`^年满(\d+)周岁`)
	ageMaxRe = regexp.MustCompile(`^未满(\d+)周岁`)
)

// ageLimits returns the item's checkable age bounds: explicit fields win, or
// a condition that begins with 年满N周岁 / 未满N周岁.
func ageLimits(it *domain.Item) (min, max int) {
	min, max = it.AgeMin, it.AgeMax
	for _, c := range it.Conditions {
		if m := ageMinRe.FindStringSubmatch(c); m != nil && min == 0 {
			min, _ = strconv.Atoi(m[1])
		}
		if m := ageMaxRe.FindStringSubmatch(c); m != nil && max == 0 {
			n, _ := strconv.Atoi(m[1])
			max = n - 1
		}
	}
	return min, max
}

// CheckIntake validates the input as OpenCase would and returns what smart
// intake derives: age and sex from the ID number, warnings about the item's
// conditions, and the materials checklist with what is still missing.
func (s *Station) CheckIntake(ctx context.Context, in OpenCaseInput) (IntakeCheck, error) {
	it, err := s.Item(ctx, in.ItemCode, in.ItemVersion)
	if err != nil {
		return IntakeCheck{}, err
	}
	chk, _, err := s.checkIntake(ctx, it, &in)
	return chk, err
}

func (s *Station) checkIntake(ctx context.Context, it *domain.Item, in *OpenCaseInput) (IntakeCheck, []domain.CaseMaterial, error) {
	chk := IntakeCheck{Warnings: []string{}}
	if it.Status != domain.ItemPublished {
		return chk, nil, domain.Errorf(domain.EInvalid, "事项“"+it.Name+"”已暂停或取消办理，不能收件。", "item %s is %s", it.Key(), it.Status)
	}
	rid, err := s.normaliseApplicant(&in.Applicant)
	if err != nil {
		return chk, nil, err
	}
	if err := s.normaliseAgent(in.Agent); err != nil {
		return chk, nil, err
	}
	if in.Channel == "" {
		in.Channel = domain.ChannelWindow
	}
	okChannel := false
	for _, c := range domain.Channels {
		okChannel = okChannel || c == in.Channel
	}
	if !okChannel {
		return chk, nil, domain.Errorf(domain.EInvalid, "受理渠道不正确。", "unknown channel %q", in.Channel)
	}
	want := map[string]string{domain.ApplicantPerson: "自然人", domain.ApplicantLegal: "法人", domain.ApplicantOther: "法人"}[in.Applicant.Type]
	if len(it.Target) > 0 && !contains(it.Target, want) {
		chk.Warnings = append(chk.Warnings, fmt.Sprintf("该事项面向%s，申请人类型为%s，请核对。", strings.Join(it.Target, "、"), want))
	}
	if rid.Number != "" {
		now := s.now()
		chk.BirthDate, chk.Sex, chk.Age = rid.Birth.Format("2006-01-02"), rid.Sex, rid.Age(now)
		min, max := ageLimits(it)
		if min > 0 && chk.Age < min {
			chk.Warnings = append(chk.Warnings, fmt.Sprintf("申请人 %d 周岁，该事项要求年满 %d 周岁，请核对是否符合条件。", chk.Age, min))
		}
		if max > 0 && chk.Age > max {
			chk.Warnings = append(chk.Warnings, fmt.Sprintf("申请人 %d 周岁，该事项要求不超过 %d 周岁，请核对是否符合条件。", chk.Age, max))
		}
		if !rid.DivisionKnown() {
			chk.Warnings = append(chk.Warnings, "身份证号码前六位不是已知的行政区划代码，请核对。")
		}
		region, _ := s.meta(ctx, "region")
		if region != "" && needsLocalHukou(it) && !strings.HasPrefix(rid.Division, region[:min6(len(region))]) {
			chk.Warnings = append(chk.Warnings, "身份证登记地不在本区，该事项一般要求本地户籍或居住证，请核对。")
		}
	}
	mats, err := it.MaterialsFor(in.Situation)
	if err != nil {
		return chk, nil, err
	}
	got := map[string]MaterialInput{}
	for _, m := range in.Materials {
		got[m.Code] = m
	}
	var list []domain.CaseMaterial
	for _, m := range mats {
		cm := domain.CaseMaterial{Code: m.Code, Name: m.Name, Required: m.Required, ELicense: m.ELicense,
			Originals: m.Originals, Copies: m.Copies, Collected: domain.CollectMissing}
		if g, ok := got[m.Code]; ok {
			if err := checkCollect(it, cm, g.Collected); err != nil {
				return chk, nil, err
			}
			cm.Collected, cm.Count, cm.CertNo, cm.Blobs, cm.RongqueDue = g.Collected, g.Count, g.CertNo, g.Blobs, g.RongqueDue
			cm.At = s.now().UTC().Format("2006-01-02T15:04:05Z")
			delete(got, m.Code)
		}
		if !cm.Provided() {
			chk.Missing++
			if cm.Blocking() {
				chk.Blocking++
			}
			if cm.ELicense || cm.Required == domain.NecessityRongque {
				chk.Waivable++
			}
		}
		list = append(list, cm)
	}
	for code := range got {
		return chk, nil, domain.Errorf(domain.EInvalid, "该事项（情形）不需要材料 "+code+"。", "material %s not in checklist", code)
	}
	chk.Materials = list
	return chk, list, nil
}

func checkCollect(it *domain.Item, m domain.CaseMaterial, how string) error {
	return it.CheckCollect(m, how)
}

func needsLocalHukou(it *domain.Item) bool {
	for _, c := range it.Conditions {
		if strings.Contains(c, "本区户籍") || strings.Contains(c, "本县户籍") {
			return true
		}
	}
	return false
}

func min6(n int) int {
	if n > 6 {
		return 6
	}
	return n
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
