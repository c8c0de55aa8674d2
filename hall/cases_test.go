package hall_test

import (
	"strings"
	"testing"

	"yizhan/domain"
	"yizhan/hall"
	"yizhan/sync/protocol"
)

var clerk = hall.Actor{ID: "hall-07", Name: "王审批"}

// forwarded opens a hall-handled case at a station and forwards it.
func forwarded(t *testing.T, s *station) *domain.Event {
	t.Helper()
	open := s.open("hall")
	s.mustAck(protocol.AckAccepted, open, s.event(open.CaseID, domain.EvAccept, domain.StateReceived, nil),
		s.event(open.CaseID, domain.EvForward, domain.StateAccepted, nil))
	return open
}

func TestHallApprovesForwardedCase(t *testing.T) {
	f := newHall(t)
	a, b := f.enroll("A01"), f.enroll("B01")
	open := forwarded(t, a)
	a.pullAll()
	if err := f.svc.AssignSerial(f.ctx, clerk, open.CaseID, "SQ-2026-0001"); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Approve(f.ctx, clerk, open.CaseID, "证-001"); err != nil {
		t.Fatal(err)
	}
	evs, _ := a.pullAll()
	var kinds []domain.EventKind
	for _, e := range evs {
		kinds = append(kinds, e.Event.Kind)
		if e.Event.Office != domain.HallOffice || e.Status != protocol.AckAccepted || e.Event.HLC == "" {
			t.Errorf("hall event %s: %+v", e.Event.Kind, e)
		}
	}
	want := []domain.EventKind{domain.EvAssignSerial, domain.EvStartProcess, domain.EvConclude}
	if len(kinds) != 3 || kinds[0] != want[0] || kinds[1] != want[1] || kinds[2] != want[2] {
		t.Errorf("station received %v, want %v", kinds, want)
	}
	c := f.findCase(open.CaseID)
	if c.State != domain.StateConcluded || c.Result != domain.ResultApproved || c.Holder != "A01" || c.Serial != "SQ-2026-0001" {
		t.Errorf("case after approval: %+v", c)
	}
	if evs, _ := b.pullAll(); len(evs) != 0 {
		t.Errorf("B received %d events of A's case", len(evs))
	}
	// The station delivers; the hall and station fold the same case.
	a.mustAck(protocol.AckAccepted, a.event(open.CaseID, domain.EvStartDelivery, domain.StateConcluded, domain.Delivery{Method: "pickup"}))
}

func TestHallCommandRefusals(t *testing.T) {
	f := newHall(t)
	a := f.enroll("A01")
	open := forwarded(t, a)
	tests := []struct {
		name string
		run  func() error
		code string
	}{
		{"RefuseNeedsReason", func() error { return f.svc.Refuse(f.ctx, clerk, open.CaseID, " ") }, domain.EInvalid},
		{"ResumeNotSuspended", func() error { return f.svc.Resume(f.ctx, clerk, open.CaseID) }, domain.EConflict},
		{"UnknownCase", func() error { return f.svc.Approve(f.ctx, clerk, f.newID(), "") }, domain.ENotFound},
		{"RouteNowhere", func() error { return f.svc.Route(f.ctx, clerk, open.CaseID, "NOPE") }, domain.EInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.run(); domain.ErrorCode(err) != tt.code {
				t.Errorf("got %v, want %s", err, tt.code)
			}
		})
	}
	if evs, _ := a.pullAll(); len(evs) != 3 {
		t.Errorf("refused commands left %d entries, want only the station's 3", len(evs))
	}
	// Suspend, resume, refuse: the normal path.
	for _, step := range []func() error{
		func() error { return f.svc.Suspend(f.ctx, clerk, open.CaseID, "现场核查") },
		func() error { return f.svc.Resume(f.ctx, clerk, open.CaseID) },
		func() error {
			return f.svc.RequestCorrection(f.ctx, clerk, open.CaseID, "缺户口簿", []string{"M2"})
		},
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	if c := f.findCase(open.CaseID); c.State != domain.StateCorrection {
		t.Errorf("state %s, want correction", c.State)
	}
	if err := f.svc.Approve(f.ctx, clerk, open.CaseID, ""); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("approve during correction: %v", err)
	}
}

func TestCaseListsMasked(t *testing.T) {
	f := newHall(t)
	a := f.enroll("A01")
	open := forwarded(t, a)
	list, err := f.svc.Cases(f.ctx, hall.CaseFilter{State: domain.StateForwarded})
	if err != nil || len(list) != 1 {
		t.Fatal(list, err)
	}
	c := list[0]
	if c.Applicant != "张*丰" || c.ApplicantID != "110105********002X" || c.Phone != "138****5678" {
		t.Errorf("list not masked: %+v", c)
	}
	if list, _ := f.svc.Cases(f.ctx, hall.CaseFilter{State: domain.StateConcluded}); len(list) != 0 {
		t.Errorf("state filter: %d cases", len(list))
	}
	if _, err := f.svc.Cases(f.ctx, hall.CaseFilter{State: "bogus"}); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("bad state: %v", err)
	}
	d, err := f.svc.ShowCase(f.ctx, clerk, open.CaseID, false, "")
	if err != nil {
		t.Fatal(err)
	}
	body := string(mustJSON(t, d))
	if strings.Contains(body, "张三丰") || strings.Contains(body, "11010519491231002X") || strings.Contains(body, "13812345678") {
		t.Errorf("masked view leaks personal data: %s", body)
	}
	if _, err := f.svc.ShowCase(f.ctx, clerk, open.CaseID, true, ""); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("unmask without purpose: %v", err)
	}
	d, err = f.svc.ShowCase(f.ctx, clerk, open.CaseID, true, "申请人来电核对")
	if err != nil || d.Case.Applicant.Name != "张三丰" || len(d.History) != 3 {
		t.Errorf("unmasked view: %+v %v", d, err)
	}
}
