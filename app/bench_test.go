package app_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"yizhan/app"
	"yizhan/app/sqlite"
	"yizhan/domain"
	"yizhan/internal/testclock"
	"yizhan/workday"
)

// Benchmarks. The search benchmarks run over a large station database that
// is built once through ApplyPulled (as if the hall had sent the cases of an
// office "BENCH01") and cached under os.TempDir()/yizhan-bench/, keyed by
// size and generator version, so repeated runs reuse it. YIZHAN_BENCH_CASES
// sets the size (default 1,000,000; CI uses a small number):
//
//	go test -run '^$' -bench . -benchtime 200x ./app/

// benchVersion changes whenever the generated data changes, so that a stale
// cached database is not reused.
const benchVersion = 1

// benchOffice is the office the generated cases come from.
const benchOffice = "BENCH01"

func benchCases(b *testing.B) int {
	b.Helper()
	v := os.Getenv("YIZHAN_BENCH_CASES")
	if v == "" {
		return 1_000_000
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		b.Fatalf("YIZHAN_BENCH_CASES=%q: want a positive number", v)
	}
	return n
}

// Surnames roughly in order of frequency: gen draws the first ones far more
// often, as in a real township.
var benchSurnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")

var benchGiven = []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国建华志强文斌海燕鹏飞晨阳子涵浩然欣怡梓轩雨桐俊杰淑珍凤兰玉梅春梅秋菊德福永强立新宝山金凤爱华")

var benchDivisions = []string{"370112", "370102", "370103", "370104", "370105", "370113", "370114", "370115",
	"370116", "370117", "370124", "370126", "370181", "370202", "370211", "370302", "371302", "371402", "371502", "371602"}

var benchPhonePrefixes = []string{"130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151",
	"152", "153", "155", "156", "157", "158", "159", "166", "177", "180", "181", "182", "183", "185", "186", "187", "188", "189"}

// gen draws realistic applicants from a seeded source.
type gen struct{ r *rand.Rand }

func newGen(seed uint64) *gen { return &gen{r: rand.New(rand.NewPCG(seed, 0x79697a68616e))} }

func (g *gen) surname() rune {
	// Square the draw: the head of the list is common, the tail rare.
	f := g.r.Float64()
	return benchSurnames[int(f*f*float64(len(benchSurnames)))]
}

func (g *gen) name() string {
	rs := []rune{g.surname(), benchGiven[g.r.IntN(len(benchGiven))]}
	if g.r.IntN(100) < 60 {
		rs = append(rs, benchGiven[g.r.IntN(len(benchGiven))])
	}
	return string(rs)
}

func (g *gen) residentID() string {
	birth := time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, g.r.IntN(69*365))
	return residentID(benchDivisions[g.r.IntN(len(benchDivisions))], birth.Format("20060102"), g.r.IntN(1000))
}

func (g *gen) phone() string {
	return benchPhonePrefixes[g.r.IntN(len(benchPhonePrefixes))] + fmt.Sprintf("%08d", g.r.IntN(100_000_000))
}

// benchItem is the item the generated cases are opened against.
var benchItem = struct {
	code, name string
	materials  []domain.CaseMaterial
}{itemHallPension, "城乡居民基本养老保险待遇申领", []domain.CaseMaterial{
	{Code: "M1", Name: "居民身份证", Required: domain.NecessityRequired, ELicense: true, Originals: 1, Copies: 1, Collected: domain.CollectELicense},
	{Code: "M2", Name: "居民户口簿", Required: domain.NecessityRequired, ELicense: true, Originals: 1, Copies: 1, Collected: domain.CollectPaper, Count: 1},
	{Code: "M3", Name: "城乡居民基本养老保险待遇领取申请表", Required: domain.NecessityRequired, Originals: 1, Collected: domain.CollectPaper, Count: 1},
	{Code: "M4", Name: "本人银行账户（社会保障卡）信息", Required: domain.NecessityRequired, Originals: 1, Copies: 1, Collected: domain.CollectScan, Count: 1},
}}

// benchEvents returns the hall log entries of case i: opened by BENCH01
// within the year before start, then about 45% accepted, 20% forwarded and
// 8% concluded by the hall.
func benchEvents(g *gen, i int, seq *int64, hlc *domain.HLC, clk *testclock.Clock) []app.PulledEvent {
	caseID := fmt.Sprintf("b0000000-0000-7000-8000-%012x", i)
	received := start.Add(-time.Duration(g.r.Int64N(int64(365 * 24 * time.Hour))))
	ap := domain.Applicant{Type: domain.ApplicantPerson, Name: g.name(), IDType: "resident_id", IDNumber: g.residentID(),
		Phone: g.phone(), Address: "示例区某某街道某某村" + strconv.Itoa(g.r.IntN(200)+1) + "号"}
	r := g.r.IntN(100)
	steps := []domain.EventKind{domain.EvOpen}
	switch {
	case r < 55:
	case r < 80:
		steps = append(steps, domain.EvAccept)
	case r < 92:
		steps = append(steps, domain.EvAccept, domain.EvForward)
	default:
		steps = append(steps, domain.EvAccept, domain.EvForward, domain.EvStartProcess, domain.EvConclude)
	}
	var out []app.PulledEvent
	from, at := domain.StateNone, received
	for k, kind := range steps {
		var payload any
		office := benchOffice
		switch kind {
		case domain.EvOpen:
			payload = domain.OpenPayload{Number: domain.CaseNumber(benchOffice, received, i%10000+1) + "-" + strconv.Itoa(i/10000),
				QueryPassword: fmt.Sprintf("%06d", g.r.IntN(1_000_000)), ItemCode: benchItem.code, ItemVersion: 1, ItemName: benchItem.name,
				ItemKind: domain.KindPromised, HandledAt: "hall", Division: "370112", Channel: domain.ChannelVillage, Applicant: ap,
				Materials: benchItem.materials, LegalLimit: workday.Limit{Value: 15, Unit: workday.G}, PromisedLimit: workday.Limit{Value: 10, Unit: workday.G}}
		case domain.EvForward:
			payload = domain.RoutePayload{To: domain.HallOffice}
		case domain.EvStartProcess:
			office = domain.HallOffice
		case domain.EvConclude:
			office, payload = domain.HallOffice, domain.ConcludePayload{Result: domain.ResultApproved}
		}
		e, err := domain.NewEvent(fmt.Sprintf("e%07x-0000-7000-8000-%012x", k, i), caseID, kind, from, payload)
		if err != nil {
			panic(err)
		}
		clk.Set(at)
		e.Office, e.Actor, e.ActorName, e.HLC, e.At = office, "bench", "基准测试", hlc.Now(), at.UTC()
		*seq++
		out = append(out, app.PulledEvent{Event: e, HallSeq: *seq, Status: app.StatusAccepted})
		if t, ok := domain.FindTransition(kind, from); ok {
			from = t.To
		} else {
			from = domain.StateReceived
		}
		at = at.Add(time.Duration(g.r.IntN(4*3600)+60) * time.Second)
	}
	return out
}

// benchStation opens the cached station with n generated cases, building it
// first if needed, and returns it with its size in bytes right after the build.
func benchStation(b *testing.B, n int) (*TestStation, int64) {
	b.Helper()
	ms, err := sqlite.Migrations()
	if err != nil {
		b.Fatal(err)
	}
	dir := filepath.Join(os.TempDir(), "yizhan-bench", fmt.Sprintf("cases-%d-g%d-s%d", n, benchVersion, ms[len(ms)-1].Version))
	if _, err := os.Stat(filepath.Join(dir, "size")); err != nil {
		buildBench(b, dir, n)
	}
	sb, err := os.ReadFile(filepath.Join(dir, "size"))
	if err != nil {
		b.Fatal(err)
	}
	size, _ := strconv.ParseInt(string(sb), 10, 64)
	clock := testclock.New(start)
	s, db, err := sqlite.OpenStation(ctx, app.Config{Dir: dir, Now: clock.Now})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return &TestStation{Station: s, DB: db, Clock: clock, Dir: dir,
		Clerk: app.Actor{ID: "clerk-id", Login: "li", Name: "李窗口", Role: app.RoleClerk}}, size
}

// buildBench builds the dataset in a scratch directory and renames it into
// place, so an interrupted build is never reused.
func buildBench(b *testing.B, dir string, n int) {
	b.Helper()
	tmp := fmt.Sprintf("%s.building-%d", dir, os.Getpid())
	os.RemoveAll(tmp)
	began := time.Now()
	clock := testclock.New(start)
	s, db, err := sqlite.OpenStation(ctx, app.Config{Dir: tmp, Now: clock.Now})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Init(ctx, app.Identity{Code: StationCode, Name: "基准测试站", Region: "370112"}); err != nil {
		b.Fatal(err)
	}
	if _, err := s.ImportCatalog(ctx, app.System, sampleCatalog(b)); err != nil {
		b.Fatal(err)
	}
	g := newGen(1)
	remoteClock := testclock.New(start)
	hlc := domain.NewHLC(benchOffice, remoteClock.Now)
	var seq int64
	const pageCases = 2000
	for i := 0; i < n; i += pageCases {
		var page app.Pulled
		for j := i; j < min(i+pageCases, n); j++ {
			page.Events = append(page.Events, benchEvents(g, j, &seq, hlc, remoteClock)...)
		}
		page.Cursor = seq
		if err := s.ApplyPulled(ctx, page); err != nil {
			b.Fatalf("build page at case %d: %v", i, err)
		}
		if i > 0 && i%100_000 == 0 {
			b.Logf("built %d cases in %v", i, time.Since(began).Round(time.Second))
		}
	}
	if _, err := db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		b.Fatal(err)
	}
	if n <= 100_000 { // a full check of a multi-gigabyte file takes minutes
		if err := db.IntegrityCheck(ctx); err != nil {
			b.Fatal(err)
		}
	}
	s.Close()
	fi, err := os.Stat(filepath.Join(tmp, app.DBFile))
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "size"), []byte(strconv.FormatInt(fi.Size(), 10)), 0o600); err != nil {
		b.Fatal(err)
	}
	os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		b.Fatal(err)
	}
	b.Logf("built %d cases (%d MB) in %v", n, fi.Size()>>20, time.Since(began).Round(time.Second))
}

// percentile returns the p-th percentile of ds in milliseconds.
func percentile(ds []time.Duration, p float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(p / 100 * float64(len(s)-1))
	return float64(s[i]) / float64(time.Millisecond)
}

func BenchmarkOpenCase(b *testing.B) {
	s := MustOpenStation(b)
	g := newGen(2)
	mats := allMaterials(b, s, itemHallPension, "")
	ds := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in := app.OpenCaseInput{ItemCode: itemHallPension, Applicant: person(g.name(), g.residentID(), g.phone()), Materials: mats}
		t0 := time.Now()
		if _, err := s.OpenCase(ctx, s.Clerk, in); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t0))
	}
	b.StopTimer()
	b.ReportMetric(percentile(ds, 50), "p50-ms")
	b.ReportMetric(percentile(ds, 99), "p99-ms")
}

func BenchmarkSearch(b *testing.B) {
	n := benchCases(b)
	s, _ := benchStation(b, n)
	states := []string{string(domain.StateReceived), string(domain.StateAccepted), string(domain.StateForwarded), string(domain.StateConcluded)}
	for _, bm := range []struct {
		name   string
		filter func(g *gen) app.CaseFilter
	}{
		{"ByName2Chars", func(g *gen) app.CaseFilter { return app.CaseFilter{Query: string([]rune(g.name())[:2])} }},
		{"ByIDSuffix", func(g *gen) app.CaseFilter { id := g.residentID(); return app.CaseFilter{Query: id[14:]} }},
		{"ByIDPrefix", func(g *gen) app.CaseFilter { id := g.residentID(); return app.CaseFilter{Query: id[:10]} }},
		{"ByState", func(g *gen) app.CaseFilter { return app.CaseFilter{State: states[g.r.IntN(len(states))]} }},
	} {
		b.Run(bm.name, func(b *testing.B) {
			g := newGen(3)
			ds := make([]time.Duration, 0, b.N)
			hits := 0
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				f := bm.filter(g)
				t0 := time.Now()
				page, err := s.FindCases(ctx, s.Clerk, f)
				if err != nil {
					b.Fatal(err)
				}
				ds = append(ds, time.Since(t0))
				hits += page.Total
			}
			b.StopTimer()
			b.ReportMetric(percentile(ds, 95), "p95-ms")
			b.ReportMetric(float64(hits)/float64(b.N), "hits/op")
		})
	}
}

// BenchmarkDatasetSize reports the size of the generated database, right
// after it was built, per 100,000 cases.
func BenchmarkDatasetSize(b *testing.B) {
	n := benchCases(b)
	_, size := benchStation(b, n)
	for i := 0; i < b.N; i++ {
	}
	b.ReportMetric(0, "ns/op") // nothing is timed here
	b.ReportMetric(float64(size)/float64(n)*100_000, "bytes/100k-cases")
	b.ReportMetric(float64(size)/float64(n)*100_000/(1<<20), "MB/100k-cases")
}
