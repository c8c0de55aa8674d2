package app_test

import (
	"strings"
	"testing"
	"time"

	"yizhan/app"
	"yizhan/domain"
)

// zhang is a 66-year-old man from the district.
var zhang = person("张三", residentID("370112", "19600115", 11), "13812345678")

func TestLifecycleHallItem(t *testing.T) {
	s := MustOpenStation(t)
	// Two of four required materials brought: the ID card by e-licence and
	// the household register on paper.
	c, err := s.OpenCase(ctx, s.Clerk, app.OpenCaseInput{ItemCode: itemHallPension, Situation: "01", Applicant: zhang,
		Materials: []app.MaterialInput{{Code: "M1", Collected: domain.CollectELicense}, {Code: "M2", Collected: domain.CollectPaper, Count: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if c.State != domain.StateReceived || c.Number != StationCode+"-20260302-0001" || c.HandledAt != "hall" {
		t.Fatalf("got state %q number %q handled at %q", c.State, c.Number, c.HandledAt)
	}
	if len(c.QueryPassword) != 6 {
		t.Fatalf("got query password %q, want six digits", c.QueryPassword)
	}
	var missing []string
	for _, m := range c.Missing() {
		missing = append(missing, m.Name)
	}
	if len(missing) != 2 {
		t.Fatalf("got missing %v, want M3 and M4", missing)
	}

	t.Run("ErrAcceptMissingMaterial", func(t *testing.T) {
		_, err := s.Accept(ctx, s.Clerk, c.ID)
		wantCode(t, err, domain.EInvalid)
		for _, name := range missing {
			if !strings.Contains(domain.ZhMessage(err), name) {
				t.Errorf("got %q, want it to name %q", domain.ZhMessage(err), name)
			}
		}
	})

	t.Run("RequestCorrectionListsEveryMissing", func(t *testing.T) {
		got, err := s.RequestCorrection(ctx, s.Clerk, c.ID, "", []string{"村委会证明"})
		if err != nil {
			t.Fatal(err)
		}
		want := append(append([]string(nil), missing...), "村委会证明")
		if strings.Join(got.CorrectionList, "|") != strings.Join(want, "|") {
			t.Fatalf("got correction list %v, want %v", got.CorrectionList, want)
		}
		if got.State != domain.StateCorrection || got.Reason == "" {
			t.Fatalf("got state %q reason %q, want correction with a default reason", got.State, got.Reason)
		}
	})

	t.Run("SupplementRecordsWhatWasBrought", func(t *testing.T) {
		got, err := s.Supplement(ctx, s.Clerk, c.ID, []app.MaterialInput{
			{Code: "M3", Collected: domain.CollectPaper, Count: 1}, {Code: "M4", Collected: domain.CollectPaper, Count: 1}})
		if err != nil {
			t.Fatal(err)
		}
		if got.State != domain.StateReceived || got.CorrectionList != nil || !got.Complete() {
			t.Fatalf("got state %q list %v complete %v, want received, no list, complete", got.State, got.CorrectionList, got.Complete())
		}
		// The correction's reason belonged to the correction.
		if got.Reason != "" {
			t.Fatalf("got reason %q after the supplement, want none", got.Reason)
		}
	})

	t.Run("AcceptForward", func(t *testing.T) {
		got, err := s.Accept(ctx, s.Clerk, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.AcceptedAt == nil || got.State != domain.StateAccepted || got.Reason != "" || got.ReasonApplies() {
			t.Fatalf("got state %q accepted %v reason %q", got.State, got.AcceptedAt, got.Reason)
		}
		got, err = s.Forward(ctx, s.Clerk, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != domain.StateForwarded || got.Holder != domain.HallOffice {
			t.Fatalf("got state %q holder %q, want forwarded to the hall", got.State, got.Holder)
		}
	})

	t.Run("ErrHallDecides", func(t *testing.T) {
		_, err := s.StartProcess(ctx, s.Clerk, c.ID)
		wantCode(t, err, domain.EForbidden)
		_, err = s.Conclude(ctx, s.Clerk, c.ID, domain.ResultApproved, "", "")
		wantCode(t, err, domain.EConflict) // not a step from forwarded at all
	})

	t.Run("History", func(t *testing.T) {
		v, err := s.ShowCase(ctx, s.Clerk, c.ID, false, "")
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, e := range v.Events {
			kinds = append(kinds, e.Kind)
		}
		want := "open request_correction material material supplement accept forward"
		if got := strings.Join(kinds, " "); got != want {
			t.Fatalf("got history %q, want %q", got, want)
		}
		for _, st := range v.Steps {
			if st.Allowed {
				t.Errorf("step %s allowed at the station on a forwarded hall case", st.Kind)
			}
		}
		if v.Deadline.Due != "2026-03-16" {
			t.Fatalf("got due %q, want 2026-03-16 (10 working days after 2 March)", v.Deadline.Due)
		}
	})
}

func TestLifecycleStationItem(t *testing.T) {
	s := MustOpenStation(t)
	c := mustOpenCase(t, s, itemStationNow, zhang)
	if _, err := s.Accept(ctx, s.Clerk, c.ID); err != nil {
		t.Fatal(err)
	}

	t.Run("ErrDeliverBeforeConclude", func(t *testing.T) {
		_, err := s.Deliver(ctx, s.Clerk, c.ID, "张三")
		wantCode(t, err, domain.EConflict)
		_, err = s.StartDelivery(ctx, s.Clerk, c.ID, domain.Delivery{Method: "pickup"})
		wantCode(t, err, domain.EConflict)
	})

	t.Run("StartProcessConclude", func(t *testing.T) {
		got, err := s.StartProcess(ctx, s.Clerk, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != domain.StateInProcess {
			t.Fatalf("got state %q, want in_process", got.State)
		}
		_, err = s.Conclude(ctx, s.Clerk, c.ID, domain.ResultRefused, "", "")
		wantCode(t, err, domain.EInvalid)
		got, err = s.Conclude(ctx, s.Clerk, c.ID, domain.ResultApproved, "", "CERT-001")
		if err != nil {
			t.Fatal(err)
		}
		if got.State != domain.StateConcluded || got.Result != domain.ResultApproved || got.ConcludedAt == nil {
			t.Fatalf("got state %q result %q", got.State, got.Result)
		}
	})

	t.Run("ErrWaybillRequired", func(t *testing.T) {
		_, err := s.StartDelivery(ctx, s.Clerk, c.ID, domain.Delivery{Method: "ems"})
		wantCode(t, err, domain.EInvalid)
	})

	t.Run("StartDeliveryEMS", func(t *testing.T) {
		got, err := s.StartDelivery(ctx, s.Clerk, c.ID, domain.Delivery{Method: "ems", Waybill: "1180000012345"})
		if err != nil {
			t.Fatal(err)
		}
		if got.State != domain.StateDelivering || got.Delivery.Address != zhang.Address || got.Delivery.Addressee != "张三" {
			t.Fatalf("got state %q delivery %+v, want the applicant's address", got.State, got.Delivery)
		}
	})

	t.Run("ErrSignerRequired", func(t *testing.T) {
		_, err := s.Deliver(ctx, s.Clerk, c.ID, " ")
		wantCode(t, err, domain.EInvalid)
	})

	t.Run("DeliverEvaluate", func(t *testing.T) {
		s.Clock.Add(48 * time.Hour)
		got, err := s.Deliver(ctx, s.Clerk, c.ID, "张三")
		if err != nil {
			t.Fatal(err)
		}
		if got.State != domain.StateDelivered || got.DeliveredAt == nil || got.Delivery.SignedBy != "张三" || got.Delivery.Waybill != "1180000012345" {
			t.Fatalf("got state %q delivery %+v", got.State, got.Delivery)
		}
		if _, err := s.Evaluate(ctx, s.Clerk, app.EvaluationInput{CaseID: c.Number, Evaluation: domain.Evaluation{Level: 5, Source: "pad"}}); err != nil {
			t.Fatal(err)
		}
		got, err = s.LoadCase(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != domain.StateDelivered || got.Evaluation == nil || got.Evaluation.Level != 5 || got.Evaluation.CaseState != domain.StateDelivered {
			t.Fatalf("got state %q evaluation %+v, want delivered and rated", got.State, got.Evaluation)
		}
		// One rating per visit: the same case again the same day.
		_, err = s.Evaluate(ctx, s.Clerk, app.EvaluationInput{CaseID: c.ID, Evaluation: domain.Evaluation{Level: 4}})
		wantCode(t, err, domain.EConflict)
	})

	t.Run("NoteAfterRating", func(t *testing.T) {
		if _, err := s.AddNote(ctx, s.Clerk, c.ID, "回访：群众满意"); err != nil {
			t.Fatalf("a note on a rated case: got %v, want nil", err)
		}
	})

	t.Run("EventsAndAudit", func(t *testing.T) {
		// open accept start conclude delivery deliver evaluate note
		if got := count(t, s, `SELECT count(*) FROM events WHERE case_id=?`, c.ID); got != 8 {
			t.Fatalf("got %d events, want 8", got)
		}
		if got := count(t, s, `SELECT count(*) FROM audit WHERE target=? AND action LIKE 'case.%'`, c.ID); got != 8 {
			t.Fatalf("got %d case audit rows, want 8", got)
		}
		if got := count(t, s, `SELECT count(*) FROM events WHERE status='pending'`); got != 8 {
			t.Fatalf("got %d pending events, want all 8 waiting for the hall", got)
		}
	})
}

func TestCaseErrors(t *testing.T) {
	s := MustOpenStation(t)
	c := mustOpenCase(t, s, itemTownship5G, zhang)
	for _, tt := range []struct {
		name string
		call func() error
		want string
	}{
		{"ErrSignInRequired", func() error { _, err := s.Accept(ctx, app.Actor{}, c.ID); return err }, domain.EUnauthorized},
		{"ErrNotFound", func() error { _, err := s.Accept(ctx, s.Clerk, "no-such-case"); return err }, domain.ENotFound},
		{"ErrReasonRequired", func() error { _, err := s.NotAccept(ctx, s.Clerk, c.ID, ""); return err }, domain.EInvalid},
		{"ErrProcessBeforeAccept", func() error { _, err := s.StartProcess(ctx, s.Clerk, c.ID); return err }, domain.EConflict},
		{"ErrResumeNotSuspended", func() error { _, err := s.Resume(ctx, s.Clerk, c.ID); return err }, domain.EConflict},
		{"ErrUnknownMaterial", func() error {
			_, err := s.RecordMaterial(ctx, s.Clerk, c.ID, app.MaterialInput{Code: "M99", Collected: domain.CollectPaper})
			return err
		}, domain.EInvalid},
		{"ErrNoELicence", func() error {
			_, err := s.RecordMaterial(ctx, s.Clerk, c.ID, app.MaterialInput{Code: "M1", Collected: domain.CollectELicense})
			return err
		}, domain.EInvalid},
		{"ErrRongqueNotAllowed", func() error {
			_, err := s.RecordMaterial(ctx, s.Clerk, c.ID, app.MaterialInput{Code: "M4", Collected: domain.CollectRongque})
			return err
		}, domain.EInvalid},
		{"ErrNoteEmpty", func() error { _, err := s.AddNote(ctx, s.Clerk, c.ID, " "); return err }, domain.EInvalid},
		{"ErrPhone", func() error {
			p := "12345"
			_, err := s.UpdateApplicant(ctx, s.Clerk, c.ID, domain.ApplicantUpdate{Phone: &p})
			return err
		}, domain.EInvalid},
		{"ErrNothingToCorrect", func() error { _, err := s.RequestCorrection(ctx, s.Clerk, c.ID, "x", nil); return err }, domain.EInvalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := count(t, s, `SELECT count(*) FROM events`)
			wantCode(t, tt.call(), tt.want)
			if after := count(t, s, `SELECT count(*) FROM events`); after != before {
				t.Fatalf("a refused step added %d events", after-before)
			}
		})
	}

	t.Run("OK/UpdateApplicant", func(t *testing.T) {
		p, addr := "139 0000 1111", "示例区新地址8号"
		got, err := s.UpdateApplicant(ctx, s.Clerk, c.ID, domain.ApplicantUpdate{Phone: &p, Address: &addr})
		if err != nil {
			t.Fatal(err)
		}
		if got.Applicant.Phone != "13900001111" || got.Applicant.Address != addr || got.Applicant.Name != "张三" {
			t.Fatalf("got applicant %+v", got.Applicant)
		}
		page, err := s.FindCases(ctx, s.Clerk, app.CaseFilter{Query: "13900001111"})
		if err != nil || page.Total != 1 {
			t.Fatalf("search by the new phone: got %d (%v), want 1", page.Total, err)
		}
	})

	t.Run("OK/NotAccept", func(t *testing.T) {
		got, err := s.NotAccept(ctx, s.Clerk, c.ID, "不属于本镇受理范围")
		if err != nil {
			t.Fatal(err)
		}
		if got.State != domain.StateNotAccepted || got.Reason != "不属于本镇受理范围" {
			t.Fatalf("got state %q reason %q", got.State, got.Reason)
		}
	})
}

// TestCorrectionAsksOnlyForWhatIsOwed: the one-time notice lists every
// missing material the applicant must bring (必要, and 容缺 ones owed on a
// promise) and never a 非必要 one, which nobody may be sent away for.
func TestCorrectionAsksOnlyForWhatIsOwed(t *testing.T) {
	s := MustOpenStation(t)
	// Situation 02 (委托他人代办) adds two 非必要 materials to the checklist.
	for _, situation := range []string{"01", "02"} {
		c, err := s.OpenCase(ctx, s.Clerk, app.OpenCaseInput{ItemCode: itemHallPension, Situation: situation, Applicant: zhang,
			Materials: []app.MaterialInput{{Code: "M1", Collected: domain.CollectELicense}}})
		if err != nil {
			t.Fatal(err)
		}
		var owed, optional []string
		for _, m := range c.Missing() {
			if m.Required == domain.NecessityOptional {
				optional = append(optional, m.Name)
			} else {
				owed = append(owed, m.Name)
			}
		}
		if situation == "02" && len(optional) == 0 {
			t.Fatalf("situation %q: no optional material missing; the test needs one (materials %+v)", situation, c.Materials)
		}
		got, err := s.RequestCorrection(ctx, s.Clerk, c.ID, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(got.CorrectionList, "|") != strings.Join(owed, "|") {
			t.Errorf("situation %q: notice lists %v, want exactly the owed %v (not the optional %v)", situation, got.CorrectionList, owed, optional)
		}
	}
}
