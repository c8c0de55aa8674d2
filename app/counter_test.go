package app_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"yizhan/app"
	"yizhan/domain"
	"yizhan/workday"
)

func mustIssue(t *testing.T, s *TestStation, item, appointment string) app.Ticket {
	t.Helper()
	tk, err := s.IssueTicket(ctx, s.Clerk, item, appointment)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func mustCall(t *testing.T, s *TestStation, window string) app.Ticket {
	t.Helper()
	tk, err := s.CallNext(ctx, s.Clerk, window)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func TestQueue(t *testing.T) {
	s := MustOpenStation(t)
	a1 := mustIssue(t, s, itemStationNow, "")
	s.Clock.Add(time.Minute)
	a2 := mustIssue(t, s, itemStationNow, "")
	s.Clock.Add(time.Minute)
	a3 := mustIssue(t, s, itemTownship5G, "")
	s.Clock.Add(time.Minute)
	y1 := mustIssue(t, s, itemStationNow, "appt-1")
	if got := []string{a1.Number, a2.Number, a3.Number, y1.Number}; strings.Join(got, " ") != "A001 A002 A003 Y001" {
		t.Fatalf("got numbers %v", got)
	}

	t.Run("AppointmentFirst", func(t *testing.T) {
		s.Clock.Set(start.Add(10 * time.Minute))
		tk := mustCall(t, s, "1号窗口")
		if tk.ID != y1.ID || tk.Status != "serving" || tk.WaitSecs != 7*60 || tk.Window != "1号窗口" || tk.StaffID != s.Clerk.ID {
			t.Fatalf("got %+v, want Y001 serving after 420 s at window 1", tk)
		}
		s.Clock.Add(5 * time.Minute)
		done, err := s.FinishTicket(ctx, s.Clerk, y1.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		if done.Status != "done" || done.ServeSecs != 300 || done.WaitSecs != 420 {
			t.Fatalf("got %+v, want done after 300 s of service", done)
		}
	})

	t.Run("FIFO", func(t *testing.T) {
		s.Clock.Set(start.Add(16 * time.Minute))
		tk := mustCall(t, s, "1号窗口")
		if tk.ID != a1.ID || tk.WaitSecs != 16*60 {
			t.Fatalf("got %s waiting %d s, want A001 after 960 s", tk.Number, tk.WaitSecs)
		}
	})

	t.Run("TransferKeepsIssueTime", func(t *testing.T) {
		s.Clock.Set(start.Add(20 * time.Minute))
		_, err := s.TransferTicket(ctx, s.Clerk, a1.ID, itemTownship5G, "")
		wantCode(t, err, domain.EInvalid)
		tk, err := s.TransferTicket(ctx, s.Clerk, a1.ID, itemTownship5G, "需办理宅基地事项")
		if err != nil {
			t.Fatal(err)
		}
		if tk.Status != "waiting" || tk.IssuedAt != a1.IssuedAt || tk.ItemCode != itemTownship5G || tk.StartedAt != "" || tk.WaitSecs != 20*60 {
			t.Fatalf("got %+v, want waiting again with the original issue time", tk)
		}
		var tr []map[string]string
		if err := json.Unmarshal([]byte(tk.Transfers), &tr); err != nil || len(tr) != 1 || tr[0]["reason"] != "需办理宅基地事项" || tr[0]["from"] != "1号窗口" {
			t.Fatalf("got transfers %q (%v)", tk.Transfers, err)
		}
		// The transferred citizen keeps their place: issued first, called first.
		s.Clock.Set(start.Add(25 * time.Minute))
		next := mustCall(t, s, "2号窗口")
		if next.ID != a1.ID || next.WaitSecs != 25*60 {
			t.Fatalf("got %s waiting %d s, want A001 after 1500 s", next.Number, next.WaitSecs)
		}
		for _, want := range []string{a2.ID, a3.ID} {
			if got := mustCall(t, s, "3号窗口"); got.ID != want {
				t.Fatalf("got %s, want %s", got.Number, want)
			}
		}
	})

	t.Run("ErrEmptyQueue", func(t *testing.T) {
		_, err := s.CallNext(ctx, s.Clerk, "1号窗口")
		wantCode(t, err, domain.ENotFound)
	})

	t.Run("ErrFinishTwice", func(t *testing.T) {
		if _, err := s.FinishTicket(ctx, s.Clerk, a2.Number, true); err != nil {
			t.Fatalf("finish by number: %v", err)
		}
		_, err := s.FinishTicket(ctx, s.Clerk, a2.ID, false)
		wantCode(t, err, domain.EConflict)
		_, err = s.FinishTicket(ctx, s.Clerk, "nope", false)
		wantCode(t, err, domain.ENotFound)
	})

	t.Run("Queue", func(t *testing.T) {
		q, err := s.Queue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		status := map[string]string{}
		for _, tk := range q {
			status[tk.Number] = tk.Status
		}
		want := map[string]string{"A001": "serving", "A002": "absent", "A003": "serving", "Y001": "done"}
		for n, st := range want {
			if status[n] != st {
				t.Fatalf("got queue %v, want %v", status, want)
			}
		}
		if q[0].Status != "serving" {
			t.Fatalf("got %s first, want serving tickets first", q[0].Status)
		}
	})

	t.Run("NewDayNewNumbers", func(t *testing.T) {
		s.Clock.Set(at(2026, 3, 3, 8))
		if tk := mustIssue(t, s, "", ""); tk.Number != "A001" || tk.Day != "2026-03-03" {
			t.Fatalf("got %s on %s, want A001 on 2026-03-03", tk.Number, tk.Day)
		}
		if q, _ := s.Queue(ctx); len(q) != 1 {
			t.Fatalf("got %d tickets today, want 1", len(q))
		}
	})
}

func TestAppointments(t *testing.T) {
	s := MustOpenStation(t)
	book := func(day, slot, name string) (app.Appointment, error) {
		return s.BookAppointment(ctx, s.Clerk, app.Appointment{Name: name, IDNumber: zhang.IDNumber, Phone: "13812345678",
			ItemCode: itemStationNow, Day: day, Slot: slot})
	}

	t.Run("SlotCapacity", func(t *testing.T) {
		var first app.Appointment
		for i := 0; i < app.SlotCapacity; i++ {
			ap, err := book("2026-03-03", "09:30-10:29", "张三")
			if err != nil {
				t.Fatalf("booking %d: %v", i+1, err)
			}
			if i == 0 {
				first = ap
			}
		}
		_, err := book("2026-03-03", "09:30-10:29", "张三")
		wantCode(t, err, domain.EConflict)
		if _, err := book("2026-03-03", "10:30-11:29", "张三"); err != nil {
			t.Fatalf("another slot: %v", err)
		}
		if err := s.SetAppointmentStatus(ctx, s.Clerk, first.ID, "cancelled"); err != nil {
			t.Fatal(err)
		}
		if _, err := book("2026-03-03", "09:30-10:29", "张三"); err != nil {
			t.Fatalf("a cancellation frees a place: %v", err)
		}
		wantCode(t, s.SetAppointmentStatus(ctx, s.Clerk, first.ID, "served"), domain.ENotFound)
		wantCode(t, s.SetAppointmentStatus(ctx, s.Clerk, first.ID, "forgotten"), domain.EInvalid)
	})

	// A make-up working day (调休) on a weekend later this year.
	var makeUp string
	for d := workday.MustParseDate("2026-03-03"); d.Year() == 2026; d = d.AddDays(1) {
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			if work, _ := s.Calendar().IsWorkday(d); work {
				makeUp = d.String()
				break
			}
		}
	}
	if makeUp == "" {
		t.Fatal("no make-up working day in 2026")
	}

	for _, tt := range []struct {
		name, day, slot string
		want            string
	}{
		{"OK/MakeUpWorkday", makeUp, "08:30-09:29", ""},
		{"ErrSaturday", "2026-03-07", "08:30-09:29", domain.EInvalid},
		{"ErrNationalDay", "2026-10-01", "08:30-09:29", domain.EInvalid},
		{"ErrPast", "2026-02-27", "08:30-09:29", domain.EInvalid},
		{"ErrSlot", "2026-03-04", "12:00-13:00", domain.EInvalid},
		{"ErrDay", "3/4/2026", "08:30-09:29", domain.EInvalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := book(tt.day, tt.slot, "张三")
			wantCode(t, err, tt.want)
		})
	}
	t.Run("ErrPerson", func(t *testing.T) {
		_, err := s.BookAppointment(ctx, s.Clerk, app.Appointment{Name: "张三", Phone: "123", ItemCode: itemStationNow, Day: "2026-03-04", Slot: app.Slots[0]})
		wantCode(t, err, domain.EInvalid)
		_, err = s.BookAppointment(ctx, s.Clerk, app.Appointment{Name: "张三", Phone: "13812345678", ItemCode: "nope", Day: "2026-03-04", Slot: app.Slots[0]})
		wantCode(t, err, domain.ENotFound)
	})

	t.Run("ServedByOpenCase", func(t *testing.T) {
		ap, err := book("2026-03-02", "14:30-15:30", "王五")
		if err != nil {
			t.Fatal(err)
		}
		tk := mustIssue(t, s, itemStationNow, ap.ID)
		c, err := s.OpenCase(ctx, s.Clerk, app.OpenCaseInput{ItemCode: itemStationNow, Applicant: zhang, TicketID: tk.ID, AppointmentID: ap.ID})
		if err != nil {
			t.Fatal(err)
		}
		list, err := s.Appointments(ctx, "2026-03-02")
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].Status != "served" || list[0].Name != "王*" || strings.Contains(list[0].IDNumber, zhang.IDNumber[6:14]) {
			t.Fatalf("got %+v, want one served, masked", list)
		}
		if count(t, s, `SELECT count(*) FROM tickets WHERE id=? AND case_id=?`, tk.ID, c.ID) != 1 {
			t.Fatalf("ticket not linked to the case")
		}
	})

	t.Run("NoShows", func(t *testing.T) {
		if _, err := book("2026-03-04", "08:30-09:29", "赵六"); err != nil {
			t.Fatal(err)
		}
		// On the evening of 4 March the 3 March bookings (six in one slot
		// after a cancellation and a rebooking, one in another) are
		// no-shows; the 4 March one is not yet.
		s.Clock.Set(at(2026, 3, 4, 17))
		if n, err := s.MarkNoShows(ctx); err != nil || n != app.SlotCapacity+1 {
			t.Fatalf("4 March: got %d (%v), want %d", n, err, app.SlotCapacity+1)
		}
		s.Clock.Set(at(2026, 3, 5, 8))
		if n, err := s.MarkNoShows(ctx); err != nil || n != 1 {
			t.Fatalf("5 March: got %d (%v), want 1", n, err)
		}
		if got := count(t, s, `SELECT count(*) FROM appointments WHERE status='pending' AND day < '2026-03-05'`); got != 0 {
			t.Fatalf("got %d pending appointments in the past", got)
		}
		if got := count(t, s, `SELECT count(*) FROM appointments WHERE status='served'`); got != 1 {
			t.Fatalf("a served appointment was marked no-show")
		}
	})
}

func TestEvaluations(t *testing.T) {
	s := MustOpenStation(t)
	c := mustOpenCase(t, s, itemStationNow, zhang)
	for _, step := range []func() (*domain.Case, error){
		func() (*domain.Case, error) { return s.Accept(ctx, s.Clerk, c.ID) },
		func() (*domain.Case, error) { return s.Conclude(ctx, s.Clerk, c.ID, domain.ResultApproved, "", "") },
	} {
		if _, err := step(); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("ErrLevel", func(t *testing.T) {
		for _, ev := range []domain.Evaluation{{Level: 0}, {Level: 6}, {Level: 3, Attitude: 9}} {
			_, err := s.Evaluate(ctx, s.Clerk, app.EvaluationInput{CaseID: c.ID, Evaluation: ev})
			wantCode(t, err, domain.EInvalid)
		}
		_, err := s.Evaluate(ctx, s.Clerk, app.EvaluationInput{Evaluation: domain.Evaluation{Level: 3, Source: "carrier-pigeon"}})
		wantCode(t, err, domain.EInvalid)
	})

	var rect app.Rectification
	t.Run("BadReviewOpensRectification", func(t *testing.T) {
		id, err := s.Evaluate(ctx, s.Head, app.EvaluationInput{CaseID: c.ID, Contact: "13812345678",
			Evaluation: domain.Evaluation{Level: 2, Attitude: 1, Comment: "等太久", Source: "pad", RealName: true}})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.LoadCase(ctx, c.ID)
		if err != nil || got.State != domain.StateConcluded || got.Evaluation == nil || got.Evaluation.Staff != "li" {
			t.Fatalf("got state %q rating %+v (%v), want still concluded, rated, about li", got.State, got.Evaluation, err)
		}
		list, err := s.Rectifications(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 {
			t.Fatalf("got %d rectifications, want 1", len(list))
		}
		rect = list[0]
		// Five working days after Monday 2 March.
		if rect.EvaluationID != id || rect.Due != "2026-03-09" || rect.Status != "open" || rect.Responsible != s.Clerk.ID || rect.Contact != "138****5678" || rect.Overdue {
			t.Fatalf("got %+v, want open, due 2026-03-09, owned by the clerk who took the case", rect)
		}
		s.Clock.Set(at(2026, 3, 10, 9))
		if list, _ := s.Rectifications(ctx, false); !list[0].Overdue {
			t.Fatalf("got %+v, want overdue on 10 March", list[0])
		}
	})

	t.Run("GoodReviewNoRectification", func(t *testing.T) {
		if _, err := s.Evaluate(ctx, s.Clerk, app.EvaluationInput{Evaluation: domain.Evaluation{Level: 5, Source: "qr"}}); err != nil {
			t.Fatal(err)
		}
		if list, _ := s.Rectifications(ctx, true); len(list) != 1 {
			t.Fatalf("got %d rectifications, want still 1", len(list))
		}
	})

	t.Run("TicketReviewOwnedByServingClerk", func(t *testing.T) {
		tk := mustIssue(t, s, "", "")
		mustCall(t, s, "1号窗口")
		if _, err := s.Evaluate(ctx, s.Head, app.EvaluationInput{TicketID: tk.ID, Evaluation: domain.Evaluation{Level: 1}}); err != nil {
			t.Fatal(err)
		}
		list, _ := s.Rectifications(ctx, false)
		if len(list) != 2 || list[1].Responsible != s.Clerk.ID {
			t.Fatalf("got %+v, want a second rectification owned by the clerk", list)
		}
	})

	t.Run("CloseRectification", func(t *testing.T) {
		wantCode(t, s.CloseRectification(ctx, s.Head, rect.ID, "ignored", "已回访", "已整改"), domain.EInvalid)
		wantCode(t, s.CloseRectification(ctx, s.Head, rect.ID, "fixed", " ", "已整改"), domain.EInvalid)
		if err := s.CloseRectification(ctx, s.Head, rect.ID, "fixed", "电话回访，群众认可", "增加午间窗口"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.CloseRectification(ctx, s.Head, rect.ID, "fixed", "再次回访", "重复"), domain.ENotFound)
		all, _ := s.Rectifications(ctx, true)
		var closed app.Rectification
		for _, r := range all {
			if r.ID == rect.ID {
				closed = r
			}
		}
		if closed.Status != "fixed" || closed.Callback != "电话回访，群众认可" || closed.Overdue {
			t.Fatalf("got %+v, want fixed with the call-back", closed)
		}
		if open, _ := s.Rectifications(ctx, false); len(open) != 1 {
			t.Fatalf("got %d open, want 1", len(open))
		}
	})

	t.Run("NoIDNumbers", func(t *testing.T) {
		rows, err := s.DB.QueryContext(ctx, `SELECT * FROM evaluations`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			for i, v := range vals {
				if s, ok := v.(string); ok && strings.Contains(s, zhang.IDNumber) {
					t.Fatalf("evaluation column %s holds the ID number", cols[i])
				}
			}
		}
	})
}

func TestExtendedSession(t *testing.T) {
	s := MustOpenStation(t)
	es, err := s.RecordExtendedSession(ctx, s.Clerk, app.ExtendedSession{Day: "2026-03-02", Kind: "lunch", Start: "12:00", End: "13:30", Staff: "李窗口", Served: 4})
	if err != nil || es.ID == "" {
		t.Fatalf("got %+v (%v)", es, err)
	}
	for _, bad := range []app.ExtendedSession{
		{Day: "2026-03-02", Kind: "lunch", Start: "13:30", End: "12:00"},
		{Day: "2026-03-02", Kind: "party", Start: "12:00", End: "13:00"},
		{Day: "yesterday", Kind: "lunch", Start: "12:00", End: "13:00"},
		{Day: "2026-03-02", Kind: "lunch", Start: "12:00", End: "13:00", Served: -1},
	} {
		_, err := s.RecordExtendedSession(ctx, s.Clerk, bad)
		wantCode(t, err, domain.EInvalid)
	}
}
