package app_test

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"pgregory.net/rapid"

	"yizhan/app"
	appsqlite "yizhan/app/sqlite"
	"yizhan/domain"
	"yizhan/internal/testclock"
)

// defaultPropertyChecks keeps the default run short; -rapid.checks or
// RAPID_CHECKS raises it.
const defaultPropertyChecks = 30

func setDefaultChecks() {
	if os.Getenv("RAPID_CHECKS") != "" {
		return
	}
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "rapid.checks" })
	if !set {
		flag.Set("rapid.checks", "30")
	}
}

// propStation is the state of one property run: the station and the cases
// opened so far.
type propStation struct {
	s     *app.Station
	db    *appsqlite.DB
	clock *testclock.Clock
	clerk app.Actor
	cases []string
	items map[string][]string // base material codes per item
}

// propApplicants mixes valid people, a legal person and invalid input.
var propApplicants = []domain.Applicant{
	person("张三", residentID("370112", "19600115", 11), "13812345678"),
	person("李秀英", residentID("370112", "19760302", 24), "13912345678"),
	person("阿依古丽·买买提", residentID("650102", "19881111", 62), "13300004444"),
	{Type: domain.ApplicantLegal, Name: "示例科技有限公司", IDNumber: "91350100M000100Y43", LegalRep: "王五", Phone: "0531-88888888"},
	person("张三", "110105195001010038", "13812345678"), // bad checksum
	person("张三", residentID("370112", "19600115", 11), "12345"),
	{Type: domain.ApplicantLegal, Name: "示例科技有限公司", IDNumber: "91350100M000100Y43", Phone: "13812345678"}, // no legal rep
}

var propItems = []string{itemStationNow, itemHallPension, itemTownship5G, itemMedicalAid, itemEmployment}

var propCollect = []string{domain.CollectPaper, domain.CollectScan, domain.CollectELicense, domain.CollectRongque,
	domain.CollectCommitment, domain.CollectMissing, "bogus"}

// pick draws one of xs.
func pick[T any](t *rapid.T, label string, xs ...T) T { return rapid.SampledFrom(xs).Draw(t, label) }

func (p *propStation) caseID(t *rapid.T) string {
	if len(p.cases) == 0 || rapid.IntRange(0, 15).Draw(t, "unknown case") == 0 {
		return "no-such-case"
	}
	return rapid.SampledFrom(p.cases).Draw(t, "case")
}

func (p *propStation) events(t *rapid.T) int {
	var n int
	if err := p.db.QueryRowContext(ctx, `SELECT count(*) FROM events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (p *propStation) state(t *rapid.T, id string) domain.State {
	c, err := p.s.LoadCase(ctx, id)
	if err != nil {
		return domain.StateNone
	}
	return c.State
}

// opOf names the operation that makes each event kind.
var opOf = map[domain.EventKind]string{
	domain.EvRequestCorrection: "correction", domain.EvSupplement: "supplement", domain.EvCorrectionTimeout: "timeout",
	domain.EvAccept: "accept", domain.EvNotAccept: "not_accept", domain.EvForward: "forward", domain.EvStartProcess: "start",
	domain.EvSuspend: "suspend", domain.EvResume: "resume", domain.EvConclude: "conclude", domain.EvStartDelivery: "delivery",
	domain.EvDeliver: "deliver", domain.EvEvaluate: "evaluate",
}

var propOps = []string{"open", "material", "correction", "supplement", "timeout", "accept", "not_accept", "forward", "start",
	"suspend", "resume", "conclude", "delivery", "deliver", "evaluate", "note", "update", "clock"}

// arg draws good when valid is set, and any of good and bad otherwise.
func arg[T any](t *rapid.T, label string, valid bool, good T, bad ...T) T {
	if valid {
		return good
	}
	return pick(t, label, append([]T{good}, bad...)...)
}

// step performs one operation and returns its error and how many events it
// adds if it succeeds. Half the time it takes a step the state machine
// offers, with mostly valid arguments, so that runs reach the later states;
// otherwise anything goes, on any case.
func (p *propStation) step(t *rapid.T) (op string, err error, want int) {
	s, a := p.s, p.clerk
	id := p.caseID(t)
	valid := false
	switch rapid.IntRange(0, 9).Draw(t, "mode") {
	case 0, 1:
		op, valid = "open", rapid.IntRange(0, 3).Draw(t, "valid open") > 0
	case 2, 3, 4, 5, 6:
		steps := domain.NextSteps(p.state(t, id))
		if len(steps) == 0 {
			op = "note"
			break
		}
		op, valid = opOf[rapid.SampledFrom(steps).Draw(t, "next")], rapid.IntRange(0, 4).Draw(t, "valid step") > 0
		if op == "accept" {
			if c, err := s.LoadCase(ctx, id); err == nil && !c.Complete() && valid {
				op = "material" // bring what is missing first
			}
		}
	default:
		op = rapid.SampledFrom(propOps).Draw(t, "op")
	}
	want = 1
	switch op {
	case "open":
		item := pick(t, "item", propItems...)
		ap := propApplicants[0]
		if !valid {
			ap = pick(t, "applicant", propApplicants...)
		} else if rapid.Bool().Draw(t, "other applicant") {
			ap = pick(t, "applicant", propApplicants[:4]...)
		}
		in := app.OpenCaseInput{ItemCode: item, Applicant: ap,
			Situation: arg(t, "situation", valid, "", "01", "02", "99"), Channel: arg(t, "channel", valid, "", domain.ChannelVillage, "fax")}
		for _, code := range p.items[item] {
			if rapid.IntRange(0, 3).Draw(t, "bring "+code) > 0 {
				in.Materials = append(in.Materials, app.MaterialInput{Code: code, Collected: arg(t, "collect", valid, domain.CollectPaper, propCollect...), Count: 1})
			}
		}
		var c *domain.Case
		if c, err = s.OpenCase(ctx, a, in); err == nil {
			p.cases = append(p.cases, c.ID)
		}
	case "material":
		code := pick(t, "code", "M1", "M2", "M3", "M4", "M5", "M6", "M99")
		if c, err := s.LoadCase(ctx, id); err == nil && valid {
			if m := c.Missing(); len(m) > 0 {
				code = m[0].Code
			}
		}
		_, err = s.RecordMaterial(ctx, a, id, app.MaterialInput{Code: code, Collected: arg(t, "collect", valid, domain.CollectPaper, propCollect...), Count: 1})
	case "correction":
		_, err = s.RequestCorrection(ctx, a, id, arg(t, "reason", valid, "材料不齐", ""), arg(t, "extra", valid, []string{"村委会证明"}, nil))
	case "supplement":
		_, err = s.Supplement(ctx, a, id, nil)
	case "timeout":
		_, err = s.CorrectionTimeout(ctx, a, id)
	case "accept":
		_, err = s.Accept(ctx, a, id)
	case "not_accept":
		_, err = s.NotAccept(ctx, a, id, arg(t, "reason", valid, "不属于受理范围", "", " "))
	case "forward":
		_, err = s.Forward(ctx, a, id)
	case "start":
		_, err = s.StartProcess(ctx, a, id)
	case "suspend":
		_, err = s.Suspend(ctx, a, id, arg(t, "reason", valid, "现场核查", ""), "inspection", arg(t, "unit", valid, "G", "", "Z", "W"))
	case "resume":
		_, err = s.Resume(ctx, a, id)
	case "conclude":
		result := arg(t, "result", valid, domain.ResultApproved, domain.ResultRefused, domain.ResultReturned, domain.ResultVoided, "bogus")
		_, err = s.Conclude(ctx, a, id, result, arg(t, "reason", valid, "不符合条件", ""), "")
	case "delivery":
		d := domain.Delivery{Method: arg(t, "method", valid, "pickup", "ems", "electronic", "pigeon"), Waybill: arg(t, "waybill", valid, "1180000012345", "")}
		_, err = s.StartDelivery(ctx, a, id, d)
	case "deliver":
		_, err = s.Deliver(ctx, a, id, arg(t, "signer", valid, "张三", ""))
	case "evaluate":
		switch p.state(t, id) {
		case domain.StateConcluded, domain.StateDelivering, domain.StateDelivered:
		default:
			want = 0 // a counter rating that stays at the station
		}
		level := rapid.IntRange(1, 5).Draw(t, "level")
		if !valid {
			level = rapid.IntRange(0, 6).Draw(t, "any level")
		}
		_, err = s.Evaluate(ctx, a, app.EvaluationInput{CaseID: id, Evaluation: domain.Evaluation{Level: level}})
	case "note":
		_, err = s.AddNote(ctx, a, id, pick(t, "text", "", "已电话告知"))
	case "update":
		var u domain.ApplicantUpdate
		if rapid.Bool().Draw(t, "phone") {
			ph := pick(t, "number", "13900001111", "123")
			u.Phone = &ph
		}
		if rapid.Bool().Draw(t, "address") {
			addr := "示例区新地址8号"
			u.Address = &addr
		}
		_, err = s.UpdateApplicant(ctx, a, id, u)
	case "clock":
		// Mostly forward, sometimes back: the PC clock is not to be trusted.
		p.clock.Add(time.Duration(rapid.IntRange(-120, 3*24*60).Draw(t, "minutes")) * time.Minute)
		want = 0
	}
	return op, err, want
}

// check verifies the invariants for every case.
func (p *propStation) check(t *rapid.T) {
	pending, err := p.s.PendingEvents(ctx, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	byCase := map[string][]*domain.Event{}
	for _, e := range pending {
		byCase[e.CaseID] = append(byCase[e.CaseID], e)
	}
	if len(byCase) != len(p.cases) {
		t.Fatalf("got events for %d cases, want %d", len(byCase), len(p.cases))
	}
	for _, id := range p.cases {
		stored, err := p.s.LoadCase(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		folded, err := p.s.StateFromEvents(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(stored, folded) {
			t.Fatalf("case %s: stored state differs from its events:\nstored %+v\nfolded %+v", stored.Number, stored, folded)
		}
		if !stored.State.Valid() {
			t.Fatalf("case %s: state %q is not a state", stored.Number, stored.State)
		}
		// Every consecutive pair of states in the history is a row of the table.
		c := &domain.Case{}
		for _, e := range byCase[id] {
			before, origin := c.State, c.CorrectionFrom
			if err := c.Apply(e); err != nil {
				t.Fatalf("case %s: stored event %s (%s) does not apply: %v", stored.Number, e.ID, e.Kind, err)
			}
			if !e.Kind.IsTransition() {
				if e.Kind != domain.EvOpen && c.State != before {
					t.Fatalf("case %s: %s changed the state %s → %s", stored.Number, e.Kind, before, c.State)
				}
				continue
			}
			tr, ok := domain.FindTransition(e.Kind, before)
			if !ok {
				t.Fatalf("case %s: %s from %s is not in the table", stored.Number, e.Kind, before)
			}
			to := tr.To
			if to == domain.StateNone {
				to = origin
			}
			if c.State != to {
				t.Fatalf("case %s: %s from %s went to %s, the table says %s", stored.Number, e.Kind, before, c.State, to)
			}
		}
		if c.Events != stored.Events {
			t.Fatalf("case %s: got %d events in the history, case counts %d", stored.Number, c.Events, stored.Events)
		}
	}
}

func TestStationProperty(t *testing.T) {
	setDefaultChecks()
	base := t.TempDir()
	bare := mustOpenBare(t, filepath.Join(base, "catalog"), testclock.New(start))
	items := map[string][]string{}
	for _, code := range propItems {
		it, err := bare.Item(ctx, code, 0)
		if err != nil {
			t.Fatal(err)
		}
		ms, _ := it.MaterialsFor("")
		for _, m := range ms {
			items[code] = append(items[code], m.Code)
		}
	}
	catalog := sampleCatalog(t)

	rapid.Check(t, func(rt *rapid.T) {
		dir, err := os.MkdirTemp(base, "prop")
		if err != nil {
			rt.Fatal(err)
		}
		clock := testclock.New(start)
		s, db, err := appsqlite.OpenStation(ctx, app.Config{Dir: dir, Now: clock.Now})
		if err != nil {
			rt.Fatal(err)
		}
		rt.Cleanup(func() { s.Close(); os.RemoveAll(dir) })
		if err := s.Init(ctx, app.Identity{Code: StationCode, Name: "示例镇便民服务中心", Region: "370112"}); err != nil {
			rt.Fatal(err)
		}
		if _, err := s.ImportCatalog(ctx, app.System, catalog); err != nil {
			rt.Fatal(err)
		}
		p := &propStation{s: s, db: db, clock: clock, items: items,
			clerk: app.Actor{ID: "clerk-id", Login: "li", Name: "李窗口", Role: app.RoleClerk}}
		n := rapid.IntRange(1, 50).Draw(rt, "steps")
		for i := 0; i < n; i++ {
			before := p.events(rt)
			op, err, want := p.step(rt)
			got := p.events(rt) - before
			if err != nil {
				want = 0
				if domain.ErrorCode(err) == domain.EInternal {
					rt.Fatalf("step %d %s: internal error %v", i, op, err)
				}
			}
			if got != want {
				rt.Fatalf("step %d %s (err %v): added %d events, want %d", i, op, err, got, want)
			}
			p.check(rt)
		}
	})
}
