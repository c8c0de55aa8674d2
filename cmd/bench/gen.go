package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"yizhan/app"
	"yizhan/app/sqlite"
	"yizhan/domain"
	"yizhan/workday"
)

// Items of the bench catalog (catalog.json, the sync tests' catalog).
const (
	stationItem = "370112-RS-001-01-S" // 即办件 handled at the station
	hallItem    = "370112-RS-002-01-S" // 承诺件 handled at the hall
)

var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
var given = []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红建国志斌海燕鹏飞晨阳子涵浩然欣怡梓轩雨桐俊淑珍凤梅春秋菊德福永立新宝山金爱")
var villages = []string{"东营村", "西营村", "南关村", "北关村", "前屯村", "后屯村", "大柳树村", "小柳树村", "王家庄", "李家庄", "张家洼", "刘家峪"}
var phonePrefixes = []string{"130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "177", "180", "186", "187", "188", "189"}

// gen makes realistic cases from a seeded source, as a station's clerks
// would record them: UUIDv7 ids, hybrid-clock stamps, Chinese names and
// addresses, resident ID numbers with a valid check digit.
type gen struct {
	r      *rand.Rand
	office string
	clock  time.Time
	hlc    *domain.HLC
	n      int
}

func newGen(seed uint64, office string, start time.Time) *gen {
	g := &gen{r: rand.New(rand.NewPCG(seed, 0x79697a68616e)), office: office, clock: start}
	g.hlc = domain.NewHLC(office, func() time.Time { return g.clock })
	return g
}

// uuid7 makes a UUIDv7 for time t from the seeded source.
func (g *gen) uuid7(t time.Time) string {
	ms := uint64(t.UnixMilli())
	a, b := g.r.Uint64(), g.r.Uint64()
	return fmt.Sprintf("%08x-%04x-7%03x-%04x-%012x", ms>>16, ms&0xffff, a&0xfff, 0x8000|(a>>12)&0x3fff, b&0xffffffffffff)
}

func (g *gen) name() string {
	f := g.r.Float64()
	rs := []rune{surnames[int(f*f*float64(len(surnames)))], given[g.r.IntN(len(given))]}
	if g.r.IntN(100) < 60 {
		rs = append(rs, given[g.r.IntN(len(given))])
	}
	return string(rs)
}

func (g *gen) residentID() string {
	birth := time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, g.r.IntN(69*365))
	body := fmt.Sprintf("370112%s%03d", birth.Format("20060102"), g.r.IntN(1000))
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range body {
		sum += int(c-'0') * weights[i]
	}
	return body + string("10X98765432"[sum%11])
}

func (g *gen) phone() string {
	return phonePrefixes[g.r.IntN(len(phonePrefixes))] + fmt.Sprintf("%08d", g.r.IntN(100_000_000))
}

func (g *gen) applicant() domain.Applicant {
	return domain.Applicant{Type: domain.ApplicantPerson, Name: g.name(), IDType: "resident_id", IDNumber: g.residentID(),
		Phone: g.phone(), Address: "示例区示例街道" + villages[g.r.IntN(len(villages))] + fmt.Sprint(g.r.IntN(200)+1) + "号"}
}

// event stamps and appends one event made at g.clock.
func (g *gen) event(out []*domain.Event, caseID string, kind domain.EventKind, from domain.State, payload any) []*domain.Event {
	e, err := domain.NewEvent(g.uuid7(g.clock), caseID, kind, from, payload)
	if err != nil {
		panic(err)
	}
	e.Actor, e.ActorName, e.Office, e.HLC, e.At = "clerk1", "李窗口", g.office, g.hlc.Now(), g.clock.UTC().Truncate(time.Millisecond) // as app.Station stamps its events
	return append(out, e)
}

func (g *gen) tick(max time.Duration) {
	g.clock = g.clock.Add(time.Duration(g.r.Int64N(int64(max))) + time.Second)
}

// stationCase is the typical case the bench syncs: five events, two
// materials and one evaluation. An immediate item handled at the station:
// opened with its two-material checklist (the ID card taken as an
// electronic licence, the household register still missing), the register
// recorded on paper, accepted, concluded as approved, and rated by the
// applicant.
func (g *gen) stationCase() []*domain.Event {
	g.n++
	opened := g.clock
	id := g.uuid7(opened)
	// The checklist is the published item's (catalog.json), field for
	// field: the hall refuses an open whose checklist differs.
	mats := []domain.CaseMaterial{
		{Code: "M1", Name: "居民身份证", Required: domain.NecessityRequired, ELicense: true, Originals: 1, Copies: 1, Collected: domain.CollectELicense},
		{Code: "M2", Name: "居民户口簿", Required: domain.NecessityRequired, ELicense: true, Originals: 1, Copies: 1, Collected: domain.CollectMissing},
		{Code: "M3", Name: "城乡居民基本养老保险参保登记表", Required: domain.NecessityRequired, Originals: 1, Collected: domain.CollectPaper, Count: 1},
	}
	open := domain.OpenPayload{Number: domain.CaseNumber(g.office, opened, g.n),
		QueryPassword: fmt.Sprintf("%06d", g.r.IntN(1_000_000)), ItemCode: stationItem, ItemVersion: 1,
		ItemName: "城乡居民基本养老保险参保登记", ItemKind: domain.KindImmediate, HandledAt: "station", Division: "370112",
		Channel: domain.ChannelWindow, Applicant: g.applicant(), Materials: mats,
		LegalLimit: workday.Limit{Value: 3, Unit: workday.G}, PromisedLimit: workday.Limit{Value: 0, Unit: workday.G}}
	var evs []*domain.Event
	evs = g.event(evs, id, domain.EvOpen, domain.StateNone, open)
	g.tick(3 * time.Minute)
	evs = g.event(evs, id, domain.EvMaterial, "", domain.MaterialPayload{Code: "M2", Collected: domain.CollectPaper, Count: 1})
	g.tick(2 * time.Minute)
	evs = g.event(evs, id, domain.EvAccept, domain.StateReceived, nil)
	g.tick(10 * time.Minute)
	evs = g.event(evs, id, domain.EvConclude, domain.StateAccepted, domain.ConcludePayload{Result: domain.ResultApproved})
	g.tick(time.Minute)
	ev := domain.Evaluation{Level: 5 - g.r.IntN(2), Efficiency: 5, Service: 5, Attitude: 5, Source: "pad"}
	if g.r.IntN(10) == 0 {
		ev.Comment = "办事效率高，工作人员态度好"
	}
	evs = g.event(evs, id, domain.EvEvaluate, domain.StateConcluded, ev)
	g.tick(5 * time.Minute)
	return evs
}

// hallCase is a case of an item the hall decides: opened with both
// materials, accepted and forwarded, waiting for the hall's decision.
func (g *gen) hallCase() []*domain.Event {
	g.n++
	opened := g.clock
	id := g.uuid7(opened)
	mats := []domain.CaseMaterial{
		{Code: "M1", Name: "居民身份证", Required: domain.NecessityRequired, ELicense: true, Originals: 1, Copies: 1, Collected: domain.CollectELicense},
		{Code: "M2", Name: "居民户口簿", Required: domain.NecessityRequired, ELicense: true, Originals: 1, Copies: 1, Collected: domain.CollectPaper, Count: 1},
		{Code: "M3", Name: "本人社会保障卡（金融账户）或银行卡", Required: domain.NecessityRequired, Originals: 1, Copies: 1, Collected: domain.CollectPaper, Count: 1},
		{Code: "M4", Name: "城乡居民基本养老保险待遇领取申请表", Required: domain.NecessityRequired, Originals: 1, Collected: domain.CollectPaper, Count: 1},
	}
	open := domain.OpenPayload{Number: domain.CaseNumber(g.office, opened, g.n),
		QueryPassword: fmt.Sprintf("%06d", g.r.IntN(1_000_000)), ItemCode: hallItem, ItemVersion: 1, Situation: "01", SituationName: "本人申领",
		ItemName: "城乡居民基本养老保险待遇申领", ItemKind: domain.KindPromised, HandledAt: "hall", Division: "370112",
		Channel: domain.ChannelVillage, Applicant: g.applicant(), Materials: mats,
		LegalLimit: workday.Limit{Value: 15, Unit: workday.G}, PromisedLimit: workday.Limit{Value: 10, Unit: workday.G}}
	var evs []*domain.Event
	evs = g.event(evs, id, domain.EvOpen, domain.StateNone, open)
	g.tick(5 * time.Minute)
	evs = g.event(evs, id, domain.EvAccept, domain.StateReceived, nil)
	g.tick(10 * time.Minute)
	evs = g.event(evs, id, domain.EvForward, domain.StateAccepted, domain.RoutePayload{To: domain.HallOffice})
	g.tick(5 * time.Minute)
	return evs
}

// cases makes n cases with make and returns their events, case by case.
func (g *gen) cases(n int, mk func() []*domain.Event) [][]*domain.Event {
	out := make([][]*domain.Event, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, mk())
	}
	return out
}

// addPending stores events as a station's clerks made them offline: pending,
// in the order made, with the cases folded (app.Station.Rebuild). It writes
// the events table directly, in large transactions, because recording
// 100,000 cases through the counter services (one fsync per step) would
// take the bench longer than what it measures.
func addPending(ctx context.Context, st *app.Station, db *sqlite.DB, cases [][]*domain.Event) error {
	const per = 20000
	var evs []*domain.Event
	for _, c := range cases {
		evs = append(evs, c...)
	}
	for i := 0; i < len(evs); i += per {
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			stmt, err := tx.PrepareContext(ctx, `INSERT INTO events(id,case_id,kind,from_state,payload,actor,actor_name,office,hlc,at,status) VALUES(?,?,?,?,?,?,?,?,?,?,'pending')`)
			if err != nil {
				return err
			}
			defer stmt.Close()
			for _, e := range evs[i:min(i+per, len(evs))] {
				if _, err := stmt.ExecContext(ctx, e.ID, e.CaseID, string(e.Kind), string(e.From), []byte(e.Payload), e.Actor, e.ActorName,
					e.Office, e.HLC, app.FormatTime(e.At)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("add pending events: %w", err)
		}
	}
	if _, _, err := st.Rebuild(ctx); err != nil {
		return fmt.Errorf("fold pending cases: %w", err)
	}
	return nil
}

// writePouchDocs writes the PouchDB peer's documents: one per case,
// {"_id": case id, "events": [the case's events, byte for byte the JSON
// objects Yizhan sends]}.
func writePouchDocs(path string, cases [][]*domain.Event) (bytes int64, err error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer func() { _ = f.Close() }() // after an error; the end checks Close
	w := bufio.NewWriterSize(f, 1<<20)
	for _, c := range cases {
		doc := struct {
			ID     string          `json:"_id"`
			Events []*domain.Event `json:"events"`
		}{c[0].CaseID, c}
		b, err := json.Marshal(doc)
		if err != nil {
			return 0, err
		}
		bytes += int64(len(b))
		w.Write(b)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	return bytes, f.Close()
}
