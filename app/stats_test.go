package app_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"
	"time"

	"yizhan/app"
	"yizhan/app/sqlite"
	"yizhan/domain"
	"yizhan/workday"
)

// TestDashboardEqualsRecount runs a seeded mix of counter work, pulls (new
// cases folded from a page, events on cases held here refolded, acks with
// conflicts), calendar changes, rebuilds, restarts and clock moves across
// two months, and checks again and again that every case figure on the
// dashboard equals a count of the cases table done by hand, and that the
// tallies the dashboard reads equal a GROUP BY over the cases.
func TestDashboardEqualsRecount(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprintf("Seed%d", seed), func(t *testing.T) {
			w := newDashWorld(t, seed)
			for i := 0; i < 250; i++ {
				op := w.step(t)
				if i%10 == 9 {
					w.check(t, fmt.Sprintf("step %d (%s)", i, op))
				}
			}
			w.check(t, "the end")
			if w.pulled == 0 || w.refolded == 0 || w.local == 0 {
				t.Fatalf("the mix missed a path: %d local cases, %d pulled, %d refolds", w.local, w.pulled, w.refolded)
			}
		})
	}
}

// dashWorld is one station under a random mix of work.
type dashWorld struct {
	s        *TestStation
	r        *rand.Rand
	other    *remote // another station whose cases the hall sends here
	hall     *remote
	seq      int64    // hall log position
	cases    []string // cases this station opened
	remote   []string // cases pulled from the other station
	local    int
	pulled   int
	refolded int
}

func newDashWorld(t *testing.T, seed uint64) *dashWorld {
	s := MustOpenStation(t)
	return &dashWorld{s: s, r: rand.New(rand.NewPCG(seed, 0x64617368)),
		other: newRemote("370112002", s.Clock), hall: newRemote(domain.HallOffice, s.Clock)}
}

var dashItems = []string{itemStationNow, itemTownship5G, itemHall5G, itemEmployment}

var dashChannels = []string{domain.ChannelWindow, domain.ChannelVillage, domain.ChannelPostal, domain.ChannelHome, domain.ChannelOnline}

// step does one random thing and names it.
func (w *dashWorld) step(t *testing.T) string {
	t.Helper()
	s, r := w.s, w.r
	var err error
	op := ""
	switch n := r.IntN(100); {
	case n < 25:
		op = "open"
		item := dashItems[r.IntN(len(dashItems))]
		in := app.OpenCaseInput{ItemCode: item, Channel: dashChannels[r.IntN(len(dashChannels))],
			Applicant: person("张三", residentID("370112", "19600115", 11), "13812345678")}
		if r.IntN(4) > 0 {
			in.Materials = allMaterials(t, s, item, "")
		}
		var c *domain.Case
		if c, err = s.OpenCase(ctx, s.Clerk, in); err == nil {
			w.cases = append(w.cases, c.ID)
			w.local++
		}
	case n < 55:
		if len(w.cases) == 0 {
			return "nothing"
		}
		id := w.cases[r.IntN(len(w.cases))]
		op, err = w.lifecycle(t, id)
	case n < 65:
		op = "pull new cases"
		var evs []*domain.Event
		for k := 0; k < 1+r.IntN(3); k++ {
			id := fmt.Sprintf("remote-case-%d", len(w.remote))
			w.remote = append(w.remote, id)
			evs = append(evs, w.pulledOpen(t, id, fmt.Sprintf("370112002-20260302-%04d", len(w.remote))))
			if r.IntN(2) == 0 {
				evs = append(evs, w.other.event(t, id, domain.EvAccept, domain.StateReceived, nil))
				if r.IntN(2) == 0 {
					evs = append(evs, w.other.event(t, id, domain.EvForward, domain.StateAccepted, domain.RoutePayload{To: domain.HallOffice}))
				}
			}
		}
		err = w.pull(evs...)
		w.pulled += len(evs)
	case n < 75:
		// The hall's log brings an event on a case this station holds,
		// which is refolded from its stored events.
		op = "pull onto a held case"
		ids := append(append([]string(nil), w.cases...), w.remote...)
		if len(ids) == 0 {
			return "nothing"
		}
		id := ids[r.IntN(len(ids))]
		c, lerr := s.LoadCase(ctx, id)
		if lerr != nil {
			return "nothing"
		}
		var e *domain.Event
		switch c.State {
		case domain.StateReceived:
			e = w.hall.event(t, id, domain.EvNotAccept, domain.StateReceived, domain.ReasonPayload{Reason: "重复申请"})
		case domain.StateAccepted:
			e = w.hall.event(t, id, domain.EvForward, domain.StateAccepted, domain.RoutePayload{To: domain.HallOffice})
		default:
			e = w.hall.event(t, id, domain.EvNote, c.State, domain.NotePayload{Text: "大厅已电话告知"})
		}
		err = w.pull(e)
		w.refolded++
	case n < 80:
		// The hall answers this station's pending events, some as
		// conflicts, which refolds their cases without them.
		op = "acks"
		pending, perr := s.PendingEvents(ctx, 5)
		if perr != nil {
			t.Fatal(perr)
		}
		var acks []app.Ack
		for _, e := range pending {
			w.seq++
			st := app.StatusAccepted
			if e.Kind != domain.EvOpen && r.IntN(3) == 0 {
				st = app.StatusConflict
				w.refolded++
			}
			acks = append(acks, app.Ack{EventID: e.ID, Status: st, HallSeq: w.seq, Reason: "test", Zh: "测试。"})
		}
		err = s.ApplyAcks(ctx, acks)
	case n < 82:
		// A holiday moves the due dates of open cases.
		op = "calendar"
		day := workday.DateOf(s.Clock.Now(), workday.China).AddDays(1 + r.IntN(10))
		err = s.PublishCalendar(ctx, s.Head, workday.YearSpec{Year: 2026, Source: "测试",
			Holidays: []workday.Date{day}})
	case n < 83:
		op = "rebuild"
		_, _, err = s.Rebuild(ctx)
	case n < 84:
		op = "restart"
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		st, db, oerr := sqlite.OpenStation(ctx, app.Config{Dir: s.Dir, Now: s.Clock.Now})
		if oerr != nil {
			t.Fatal(oerr)
		}
		t.Cleanup(func() { st.Close() })
		s.Station, s.DB = st, db
	default:
		op = "clock"
		// Mostly forward, across a month's end; now and then back.
		s.Clock.Add(time.Duration(r.IntN(26*60)-60) * time.Minute)
	}
	if err != nil && domain.ErrorCode(err) == domain.EInternal {
		t.Fatalf("%s: %v", op, err)
	}
	return op
}

// lifecycle takes one step the state machine offers a local case.
func (w *dashWorld) lifecycle(t *testing.T, id string) (string, error) {
	t.Helper()
	s, a := w.s, w.s.Clerk
	c, err := s.LoadCase(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	steps := domain.NextSteps(c.State)
	if len(steps) == 0 {
		return "nothing", nil
	}
	op := opOf[steps[w.r.IntN(len(steps))]]
	switch op {
	case "correction":
		_, err = s.RequestCorrection(ctx, a, id, "材料不齐", []string{"村委会证明"})
	case "supplement":
		_, err = s.Supplement(ctx, a, id, nil)
	case "timeout":
		_, err = s.CorrectionTimeout(ctx, a, id)
	case "accept":
		_, err = s.Accept(ctx, a, id)
	case "not_accept":
		_, err = s.NotAccept(ctx, a, id, "不属于受理范围")
	case "forward":
		_, err = s.Forward(ctx, a, id)
	case "start":
		_, err = s.StartProcess(ctx, a, id)
	case "suspend":
		_, err = s.Suspend(ctx, a, id, "现场核查", "inspection", "G")
	case "resume":
		_, err = s.Resume(ctx, a, id)
	case "conclude":
		_, err = s.Conclude(ctx, a, id, domain.ResultApproved, "", "CERT-1")
	case "delivery":
		_, err = s.StartDelivery(ctx, a, id, domain.Delivery{Method: "pickup"})
	case "deliver":
		_, err = s.Deliver(ctx, a, id, "张三")
	case "evaluate":
		_, err = s.Evaluate(ctx, a, app.EvaluationInput{CaseID: id, Evaluation: domain.Evaluation{Level: 1 + w.r.IntN(5)}})
	default:
		op = "note"
		_, err = s.AddNote(ctx, a, id, "已电话告知")
	}
	return op, err
}

// pulledOpen is another station's open event for a promised item, by a
// random channel.
func (w *dashWorld) pulledOpen(t *testing.T, caseID, number string) *domain.Event {
	t.Helper()
	names := []string{"城乡居民基本养老保险待遇申领", "居民医疗救助申请"}
	return w.other.event(t, caseID, domain.EvOpen, domain.StateNone, domain.OpenPayload{
		Number: number, ItemCode: itemHallPension, ItemVersion: 1, ItemName: names[w.r.IntN(len(names))], ItemKind: domain.KindPromised,
		HandledAt: "hall", Channel: dashChannels[w.r.IntN(len(dashChannels))], Applicant: person("孙二娘", residentID("370112", "19580808", 24), "13811112222"),
		Materials: []domain.CaseMaterial{
			{Code: "M1", Name: "居民身份证", Required: domain.NecessityRequired, ELicense: true, Collected: domain.CollectELicense},
		},
		LegalLimit: workday.Limit{Value: 15, Unit: workday.G}, PromisedLimit: workday.Limit{Value: 10, Unit: workday.G},
	})
}

// pull applies events as one page of the hall's log.
func (w *dashWorld) pull(evs ...*domain.Event) error {
	p := app.Pulled{}
	for _, e := range evs {
		w.seq++
		p.Events = append(p.Events, app.PulledEvent{Event: e, HallSeq: w.seq, Status: app.StatusAccepted})
	}
	p.Cursor = w.seq
	return w.s.ApplyPulled(ctx, p)
}

// check compares the dashboard with a recount by hand and the tallies with
// a GROUP BY over the cases.
func (w *dashWorld) check(t *testing.T, when string) {
	t.Helper()
	s := w.s
	got, err := s.Dashboard(ctx)
	if err != nil {
		t.Fatalf("%s: %v", when, err)
	}
	want := recountDashboard(t, s, got)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: the dashboard differs from a recount of the cases:\ngot  %+v\nwant %+v", when, got, want)
	}
	for _, q := range [][2]string{
		{`SELECT state, due_date, n FROM case_tally_state`, `SELECT state, due_date, count(*) FROM cases GROUP BY 1, 2`},
		{`SELECT hour, channel || '|' || item_name, n FROM case_tally_hour`, `SELECT substr(received_at, 1, 13), channel || '|' || item_name, count(*) FROM cases GROUP BY 1, 2`},
	} {
		if tally, recount := tallyRows(t, s, q[0]), tallyRows(t, s, q[1]); !reflect.DeepEqual(tally, recount) {
			t.Fatalf("%s: tally differs from a recount:\n%s\ngot  %v\nwant %v", when, q[0], tally, recount)
		}
	}
}

func tallyRows(t *testing.T, s *TestStation, q string) map[string]int {
	t.Helper()
	rows, err := s.DB.QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var a, b string
		var n int
		if err := rows.Scan(&a, &b, &n); err != nil {
			t.Fatal(err)
		}
		out[a+"|"+b] = n
	}
	return out
}

// recountDashboard computes the case figures of the dashboard from the
// rows of cases, in Go; the figures not about cases are taken from got.
func recountDashboard(t *testing.T, s *TestStation, got *app.Dashboard) *app.Dashboard {
	t.Helper()
	today := workday.DateOf(s.Clock.Now(), workday.China)
	y, m, _ := today.Date()
	dayStart := today.Time(workday.China)
	monthStart := workday.NewDate(y, m, 1).Time(workday.China)
	from := today.AddDays(-29)
	soon := s.Calendar().Due(today, workday.Limit{Value: workday.DueSoonWorkdays, Unit: workday.G}, nil).Due
	want := *got
	want.Today, want.Month, want.Open, want.Overdue, want.DueSoon = 0, 0, 0, 0, 0
	want.ByState, want.ByChannel, want.Daily, want.TopItems, want.ZeroVisitShare = map[string]int{}, map[string]int{}, nil, []app.ItemCount{}, 0
	daily := map[string]int{}
	items := map[string]int{}
	zero := 0
	rows, err := s.DB.QueryContext(ctx, `SELECT state, due_date, received_at, channel, item_name FROM cases`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var state, due, received, channel, item string
		if err := rows.Scan(&state, &due, &received, &channel, &item); err != nil {
			t.Fatal(err)
		}
		at, err := app.ParseTime(received)
		if err != nil {
			t.Fatal(err)
		}
		want.ByState[state]++
		switch state {
		case "received", "correction", "accepted", "forwarded", "in_process", "suspended":
			want.Open++
			if due != "" && due < today.String() {
				want.Overdue++
			}
			if due >= today.String() && due <= soon.String() {
				want.DueSoon++
			}
		}
		if !at.Before(dayStart) {
			want.Today++
		}
		if !at.Before(monthStart) {
			want.Month++
			want.ByChannel[channel]++
			items[item]++
			switch channel {
			case "village", "postal", "home", "online":
				zero++
			}
		}
		if !at.Before(from.Time(workday.China)) {
			daily[workday.DateOf(at, workday.China).String()]++
		}
	}
	rows.Close()
	for i := 0; i < 30; i++ {
		day := from.AddDays(i).String()
		want.Daily = append(want.Daily, app.DayCount{Day: day, Count: daily[day]})
	}
	for item, n := range items {
		want.TopItems = append(want.TopItems, app.ItemCount{Item: item, Count: n})
	}
	sort.Slice(want.TopItems, func(i, j int) bool {
		a, b := want.TopItems[i], want.TopItems[j]
		return a.Count > b.Count || a.Count == b.Count && a.Item < b.Item
	})
	if len(want.TopItems) > 10 {
		want.TopItems = want.TopItems[:10]
	}
	if want.Month > 0 {
		want.ZeroVisitShare = float64(zero) / float64(want.Month)
	}
	// Handling time: the same average read from the table, not the index.
	var avg float64
	if err := s.DB.QueryRowContext(ctx, `SELECT coalesce(avg(julianday(concluded_at)-julianday(accepted_at)),0) FROM cases NOT INDEXED
		WHERE concluded_at >= ? AND accepted_at<>''`, app.FormatTime(monthStart)).Scan(&avg); err != nil {
		t.Fatal(err)
	}
	want.AvgHandleDays = float64(int(avg*10)) / 10
	return &want
}
