package hall_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"yizhan/domain"
	"yizhan/hall"
	"yizhan/hall/stationsim"
	"yizhan/workday"
)

// These tests cover what the hall console asks of the service: accounts
// and sessions, the inbox with deadlines, statistics, bad reviews and
// catalog versions.

func TestSignInDelaysAndSessions(t *testing.T) {
	f := newHall(t)
	if _, err := f.svc.AddStaff(f.ctx, "Li", "李审批", hall.RoleApprover, "short"); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("short password: got %v, want invalid", err)
	}
	if _, err := f.svc.AddStaff(f.ctx, "li", "李审批", "boss", "long enough pw"); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("unknown role: got %v, want invalid", err)
	}
	st, err := f.svc.AddStaff(f.ctx, " Li ", "李审批", hall.RoleApprover, "correct horse")
	if err != nil || st.Login != "li" || !st.Role.Can(hall.PermDecide) || st.Role.Can(hall.PermPublish) {
		t.Fatalf("add staff: %+v %v", st, err)
	}
	if _, err := f.svc.AddStaff(f.ctx, "li", "again", hall.RoleClerk, "correct horse"); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("duplicate: got %v, want conflict", err)
	}
	token, me, err := f.svc.SignIn(f.ctx, "LI", "correct horse")
	if err != nil || me.Login != "li" || token == "" {
		t.Fatalf("sign in: %+v %v", me, err)
	}
	if got, err := f.svc.SessionStaff(f.ctx, token); err != nil || got.Login != "li" {
		t.Errorf("session: %+v %v", got, err)
	}
	// Idle for longer than SessionIdle: the session ends.
	f.clock.Add(f.svc.SessionIdle + time.Second)
	if _, err := f.svc.SessionStaff(f.ctx, token); domain.ErrorCode(err) != domain.EUnauthorized {
		t.Errorf("idle session: got %v, want unauthorized", err)
	}
	// Activity keeps a session alive, but never past SessionTTL.
	token, _, err = f.svc.SignIn(f.ctx, "li", "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	for elapsed := time.Duration(0); elapsed < f.svc.SessionTTL-10*time.Minute; elapsed += 10 * time.Minute {
		f.clock.Add(10 * time.Minute)
		if _, err := f.svc.SessionStaff(f.ctx, token); err != nil {
			t.Fatalf("active session after %v: %v", elapsed, err)
		}
	}
	f.clock.Add(11 * time.Minute)
	if _, err := f.svc.SessionStaff(f.ctx, token); domain.ErrorCode(err) != domain.EUnauthorized {
		t.Errorf("session past its TTL: got %v, want unauthorized", err)
	}
	// Sign out ends the session.
	token, _, _ = f.svc.SignIn(f.ctx, "li", "correct horse")
	if err := f.svc.SignOut(f.ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SessionStaff(f.ctx, token); domain.ErrorCode(err) != domain.EUnauthorized {
		t.Errorf("signed out: got %v, want unauthorized", err)
	}
	// Wrong passwords never lock the account: after five the next try
	// waits (slow_down, with the time to wait), and the right password
	// works once the wait is over; the member's own browser (its device
	// token) is not kept waiting by strangers.
	own, err := f.svc.SignInFrom(f.ctx, "li", "correct horse", hall.Client{IP: "10.0.0.5"})
	if err != nil || own.Device == "" {
		t.Fatalf("sign-in with a device token: %v %q", err, own.Device)
	}
	for i := 0; i < 5; i++ {
		if _, _, err := f.svc.SignIn(f.ctx, "li", "wrong password"); domain.ErrorCode(err) != domain.EUnauthorized {
			t.Fatalf("wrong password %d: %v", i, err)
		}
	}
	_, _, err = f.svc.SignIn(f.ctx, "li", "correct horse")
	var re *hall.RetryError
	if !errors.As(err, &re) || domain.ErrorCode(err) != hall.CodeSlowDown || re.After != time.Second || domain.ZhMessage(err) == "" {
		t.Errorf("after five wrong passwords: got %v, want slow_down for 1s", err)
	}
	if _, err := f.svc.SignInFrom(f.ctx, "li", "correct horse", hall.Client{IP: "10.0.0.5", Device: own.Device}); err != nil {
		t.Errorf("the member's own browser: %v", err)
	}
	if _, err := f.svc.SignInFrom(f.ctx, "wang", "correct horse", hall.Client{IP: "10.0.0.5", Device: own.Device}); domain.ErrorCode(err) != domain.EUnauthorized {
		t.Errorf("li's device token for another login: %v", err) // no such account: bad credentials
	}
	f.clock.Add(time.Second)
	token, _, err = f.svc.SignIn(f.ctx, "li", "correct horse")
	if err != nil {
		t.Fatalf("after the wait: %v", err)
	}
	if list, _ := f.svc.ListStaff(f.ctx); len(list) == 0 || list[0].LockedUntil != nil {
		t.Errorf("the account shows a lock: %+v", list)
	}
	// Disabling ends the sessions at once.
	yes := true
	if _, err := f.svc.UpdateStaff(f.ctx, "li", hall.StaffUpdate{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SessionStaff(f.ctx, token); domain.ErrorCode(err) != domain.EUnauthorized {
		t.Errorf("disabled account's session: got %v, want unauthorized", err)
	}
	if _, _, err := f.svc.SignIn(f.ctx, "li", "correct horse"); domain.ErrorCode(err) != domain.EUnauthorized {
		t.Errorf("disabled account signed in: %v", err)
	}
	if _, _, err := f.svc.SignIn(f.ctx, "nobody", "whatever pw"); domain.ErrorCode(err) != domain.EUnauthorized {
		t.Errorf("unknown login: %v", err)
	}
	log, err := f.svc.AccessLog(f.ctx, hall.AccessFilter{Action: "console."})
	if err != nil || len(log) < 8 {
		t.Errorf("sign-ins are logged: %d lines, %v", len(log), err)
	}
}

func TestStatsNumbers(t *testing.T) {
	f := newHall(t)
	f.clock.Set(time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC))
	for _, code := range []string{"ITEM-1", "ITEM-2"} {
		it := stationsim.CatalogItem(domain.HandledAtStation)
		it.Code, it.Name = code, code+" 名称"
		if _, err := f.svc.PublishItemVersion(f.ctx, it, ""); err != nil {
			t.Fatal(err)
		}
	}
	a, b := f.enroll("A01"), f.enroll("B01")
	openAccept := func(s *station, item string) string {
		o := s.open("station")
		var p domain.OpenPayload
		json.Unmarshal(o.Payload, &p)
		p.ItemCode, p.ItemName = item, item+" 名称"
		o.Payload = mustJSON(t, p)
		s.mustAck("accepted", o, s.event(o.CaseID, domain.EvAccept, domain.StateReceived, nil))
		return o.CaseID
	}
	conclude := func(s *station, id string, level int) {
		s.mustAck("accepted", s.event(id, domain.EvConclude, domain.StateAccepted, domain.ConcludePayload{Result: domain.ResultApproved}),
			s.event(id, domain.EvEvaluate, domain.StateConcluded, domain.Evaluation{Level: level, Source: "pad", RealName: true}))
	}
	a1 := openAccept(a, "ITEM-1")
	a.mustAck("accepted", a.event(a1, domain.EvForward, domain.StateAccepted, nil))
	a2 := openAccept(a, "ITEM-1")
	conclude(a, a2, 5)
	b1 := openAccept(b, "ITEM-2")
	openAccept(b, "ITEM-2")
	f.clock.Add(20 * 24 * time.Hour) // 2026-03-22, a Sunday
	conclude(b, b1, 2)

	st, err := f.svc.Stats(f.ctx, hall.StatsFilter{From: time.Date(2026, 1, 1, 0, 0, 0, 0, workday.China),
		To: time.Date(2026, 4, 1, 0, 0, 0, 0, workday.China)})
	if err != nil {
		t.Fatal(err)
	}
	tot := st.Total
	if tot.Intake != 4 || tot.Concluded != 2 || tot.Timed != 2 || tot.OnTime != 1 || tot.OnTimeRate != 0.5 ||
		tot.Rated != 2 || tot.Satisfied != 1 || tot.Bad != 1 || tot.Satisfaction != 0.5 || tot.Overdue != 2 {
		t.Errorf("total: %+v", tot)
	}
	// Handling: A2 0 days, B1 20 calendar days = 14 working days (03-03..03-20).
	if math.Abs(tot.AvgHandleDays-10) > 0.01 || math.Abs(tot.AvgHandleWorkdays-7) > 0.01 {
		t.Errorf("handling time: %v days, %v workdays; want 10 and 7", tot.AvgHandleDays, tot.AvgHandleWorkdays)
	}
	if len(st.ByStation) != 2 {
		t.Fatalf("by station: %+v", st.ByStation)
	}
	sa, sb := st.ByStation[0], st.ByStation[1]
	if sa.Key != "A01" || sa.Label != "A01 便民服务站" || sa.Intake != 2 || sa.OnTimeRate != 1 || sa.Satisfaction != 1 || sa.Overdue != 1 {
		t.Errorf("A01: %+v", sa)
	}
	if sb.Key != "B01" || sb.Intake != 2 || sb.OnTime != 0 || sb.Timed != 1 || sb.Bad != 1 || sb.Overdue != 1 {
		t.Errorf("B01: %+v", sb)
	}
	if len(st.ByItem) != 2 || st.ByItem[0].Key != "ITEM-1" || st.ByItem[0].Label != "ITEM-1 名称" || st.ByItem[0].Intake != 2 {
		t.Errorf("by item: %+v", st.ByItem)
	}
	if len(st.ByMonth) != 3 || st.ByMonth[0].Key != "2026-01" || st.ByMonth[0].Intake != 0 || st.ByMonth[2].Intake != 4 {
		t.Errorf("by month (every month of the period): %+v", st.ByMonth)
	}
	if st.From != "2026-01-01" || st.To != "2026-03-31" || st.WaitingNote == "" {
		t.Errorf("period %s..%s, note %q", st.From, st.To, st.WaitingNote)
	}
	// Filters.
	only, err := f.svc.Stats(f.ctx, hall.StatsFilter{From: time.Date(2026, 3, 1, 0, 0, 0, 0, workday.China),
		To: time.Date(2026, 3, 2, 0, 0, 0, 0, workday.China)})
	if err != nil || only.Total.Intake != 0 {
		t.Errorf("a day before the cases: %+v %v", only.Total, err)
	}
	if byItem, _ := f.svc.Stats(f.ctx, hall.StatsFilter{From: time.Date(2026, 3, 1, 0, 0, 0, 0, workday.China),
		To: time.Date(2026, 4, 1, 0, 0, 0, 0, workday.China), Item: "ITEM-2"}); byItem.Total.Intake != 2 {
		t.Errorf("item filter: %+v", byItem.Total)
	}
	if _, err := f.svc.Stats(f.ctx, hall.StatsFilter{From: time.Date(2024, 1, 1, 0, 0, 0, 0, workday.China),
		To: time.Date(2026, 1, 1, 0, 0, 0, 0, workday.China)}); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("two-year period: got %v, want invalid", err)
	}

	// The bad review: due 5 working days after Sunday 03-22, i.e. Friday 03-27.
	revs, err := f.svc.BadReviews(f.ctx, hall.ReviewFilter{})
	if err != nil || len(revs) != 1 {
		t.Fatalf("bad reviews: %+v %v", revs, err)
	}
	r := revs[0]
	if r.CaseID != b1 || r.Level != 2 || r.Due != "2026-03-27" || r.Overdue || r.Callback != nil || r.Applicant != "张*丰" {
		t.Errorf("bad review: %+v", r)
	}
	f.clock.Add(6 * 24 * time.Hour) // 03-28
	if revs, _ := f.svc.BadReviews(f.ctx, hall.ReviewFilter{Open: true}); len(revs) != 1 || !revs[0].Overdue {
		t.Errorf("past its deadline without a call-back: %+v", revs)
	}
	sup := hall.Actor{ID: "sup", Name: "督查"}
	if _, err := f.svc.RecordCallback(f.ctx, sup, b1, hall.CallbackInput{Status: "fixed_by_deadline", Callback: "已回访", Result: "整改"}); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("fixed_by_deadline without a date: %v", err)
	}
	if _, err := f.svc.RecordCallback(f.ctx, sup, a2, hall.CallbackInput{Status: "fixed", Callback: "x", Result: "y"}); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("call-back of a good review: %v", err)
	}
	cb, err := f.svc.RecordCallback(f.ctx, sup, b1, hall.CallbackInput{Status: "fixed", Callback: "已电话回访申请人", Result: "已当场整改并告知"})
	if err != nil || cb.RecordedBy != "sup" {
		t.Fatalf("call-back: %+v %v", cb, err)
	}
	revs, _ = f.svc.BadReviews(f.ctx, hall.ReviewFilter{})
	if len(revs) != 1 || revs[0].Overdue || !revs[0].Late || revs[0].Callback == nil || revs[0].Callback.Status != "fixed" {
		t.Errorf("after the call-back: %+v", revs)
	}
	if open, _ := f.svc.BadReviews(f.ctx, hall.ReviewFilter{Open: true}); len(open) != 0 {
		t.Errorf("open list after the call-back: %+v", open)
	}

	// The inbox: A1 is the hall's, overdue since 03-16.
	inbox, err := f.svc.Inbox(f.ctx)
	if err != nil || len(inbox) != 1 || inbox[0].ID != a1 {
		t.Fatalf("inbox: %+v %v", inbox, err)
	}
	dl := inbox[0].Deadline
	if dl.Due != "2026-03-16" || !dl.Overdue || dl.WorkdaysLeft >= 0 || inbox[0].Applicant != "张*丰" || inbox[0].ApplicantID != "110105********002X" {
		t.Errorf("inbox row: %+v", inbox[0])
	}
	if err := f.svc.StartProcess(f.ctx, hall.Actor{ID: "clerk"}, a1); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Approve(f.ctx, hall.Actor{ID: "approver"}, a1, "Z-1"); err != nil {
		t.Fatal(err)
	}
	if inbox, _ := f.svc.Inbox(f.ctx); len(inbox) != 0 {
		t.Errorf("approved case still in the inbox: %+v", inbox)
	}
}

func TestSearchLogsCriteria(t *testing.T) {
	f := newHall(t)
	a := f.enroll("A01")
	o := a.open("hall")
	a.mustAck("accepted", o)
	clerk := hall.Actor{ID: "clerk"}
	rows, err := f.svc.SearchCases(f.ctx, clerk, hall.CaseFilter{Query: "a01-2026"})
	if err != nil || len(rows) != 1 || rows[0].ApplicantID != "110105********002X" {
		t.Fatalf("search: %+v %v", rows, err)
	}
	log, _ := f.svc.AccessLog(f.ctx, hall.AccessFilter{Actor: "clerk", Action: "case.search"})
	if len(log) != 1 || log[0].Detail != "q=a01-2026" {
		t.Errorf("search access record: %+v", log)
	}
	if _, err := f.svc.SearchCases(f.ctx, clerk, hall.CaseFilter{State: "nonsense"}); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("bad state: %v", err)
	}
}

func TestCatalogVersions(t *testing.T) {
	f := newBareHall(t)
	ctx := hall.WithActor(context.Background(), hall.Actor{ID: "sup"})
	if _, err := f.svc.PublishCatalog(ctx, readSample(t)); err != nil {
		t.Fatal(err)
	}
	items, err := f.svc.Catalog(f.ctx)
	if err != nil || len(items) != 40 || items[0].Latest != 1 {
		t.Fatalf("catalog: %d items %v", len(items), err)
	}
	code := "370112-RS-002-01-S"
	it, err := f.svc.CatalogItem(f.ctx, code, 0)
	if err != nil || it.Version != 1 {
		t.Fatalf("item: %+v %v", it, err)
	}
	it.PromisedLimit.Value = 7
	it.Version = 1 // whatever it says, the next version is 2
	res, err := f.svc.PublishItemVersion(ctx, it, "")
	if err != nil || res.Added != 1 || res.Catalog != code+"@v2" {
		t.Fatalf("new version: %+v %v", res, err)
	}
	it2, _ := f.svc.CatalogItem(f.ctx, code, 0)
	if it2.Version != 2 || it2.PromisedLimit.Value != 7 {
		t.Errorf("newest version: %+v", it2)
	}
	if old, _ := f.svc.CatalogItem(f.ctx, code, 1); old.PromisedLimit.Value == 7 {
		t.Error("version 1 changed: published versions are immutable")
	}
	if _, err := f.svc.SetItemStatus(ctx, code, 1, domain.ItemSuspended); err != nil {
		t.Fatal(err)
	}
	items, _ = f.svc.Catalog(f.ctx)
	for _, ci := range items {
		if ci.Code == code && (ci.Latest != 2 || len(ci.Versions) != 2 || ci.Versions[1].Status != domain.ItemSuspended) {
			t.Errorf("versions: %+v", ci)
		}
	}
	bad := *it2
	bad.Kind = "nonsense"
	if _, err := f.svc.PublishItemVersion(ctx, &bad, ""); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("invalid item: %v", err)
	}
	log, _ := f.svc.AccessLog(f.ctx, hall.AccessFilter{Action: "catalog.publish"})
	if len(log) != 3 || log[0].Actor != "sup" {
		t.Errorf("publications are logged under the console's actor: %+v", log)
	}
	// Calendars: a published year joins the built-in ones and counts.
	y := workday.YearSpec{Year: 2030, Holidays: []workday.Date{workday.MustParseDate("2030-01-01")}, Source: "test"}
	if _, err := f.svc.PublishCalendar(ctx, y); err != nil {
		t.Fatal(err)
	}
	years, err := f.svc.CalendarYears(f.ctx)
	if err != nil || years[0].Year != 2030 || !years[0].Published || years[1].Published {
		t.Errorf("calendar years: %+v %v", years[:2], err)
	}
}
