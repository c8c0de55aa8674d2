package app_test

import (
	"strings"
	"testing"

	"yizhan/app"
	"yizhan/domain"
)

// TestSupplement is the second bug found at the counter: after 确认补齐材料 the
// checklist still showed the photo as 未收, yet 受理 was offered. The
// supplement records what was brought, and 受理 is offered only when the
// checklist allows it.
func TestSupplement(t *testing.T) {
	s := MustOpenStation(t)
	// itemTownship5G needs M1 M2 M3; M4 is optional. Only M1 came.
	open := func(t *testing.T) *domain.Case {
		t.Helper()
		c, err := s.OpenCase(ctx, s.Clerk, app.OpenCaseInput{ItemCode: itemTownship5G, Applicant: zhang,
			Materials: []app.MaterialInput{{Code: "M1", Collected: domain.CollectPaper, Count: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.RequestCorrection(ctx, s.Clerk, c.ID, "", nil); err != nil {
			t.Fatal(err)
		}
		return c
	}
	acceptStep := func(t *testing.T, id string) app.Step {
		t.Helper()
		v, err := s.ShowCase(ctx, s.Clerk, id, false, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range v.Steps {
			if st.Kind == domain.EvAccept {
				return st
			}
		}
		t.Fatalf("no accept step among %+v", v.Steps)
		return app.Step{}
	}

	for _, tt := range []struct {
		name      string
		brought   []app.MaterialInput
		code      string
		complete  bool
		blockedBy string // a material the accept step names as missing
	}{
		{"OKEverything", []app.MaterialInput{{Code: "M2", Collected: domain.CollectPaper}, {Code: "M3", Collected: domain.CollectPaper}}, "", true, ""},
		{"OKPartlyAcceptBlocked", []app.MaterialInput{{Code: "M2", Collected: domain.CollectPaper}}, "", false, "M3"},
		{"ErrUnknownMaterial", []app.MaterialInput{{Code: "M2", Collected: domain.CollectPaper}, {Code: "M99", Collected: domain.CollectPaper}}, domain.EInvalid, false, ""},
		{"ErrTwice", []app.MaterialInput{{Code: "M2", Collected: domain.CollectPaper}, {Code: "M2", Collected: domain.CollectScan}}, domain.EInvalid, false, ""},
		{"ErrRequiredAsRongque", []app.MaterialInput{{Code: "M2", Collected: domain.CollectRongque}}, domain.EInvalid, false, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := open(t)
			before := count(t, s, `SELECT count(*) FROM events WHERE case_id=?`, c.ID)
			got, err := s.Supplement(ctx, s.Clerk, c.ID, tt.brought)
			wantCode(t, err, tt.code)
			if tt.code != "" {
				// Nothing of a refused supplement is recorded.
				if n := count(t, s, `SELECT count(*) FROM events WHERE case_id=?`, c.ID); n != before {
					t.Fatalf("a refused supplement recorded %d events", n-before)
				}
				if c, _ := s.LoadCase(ctx, c.ID); c.State != domain.StateCorrection {
					t.Fatalf("got %q, want still correction", c.State)
				}
				return
			}
			if got.State != domain.StateReceived || got.Complete() != tt.complete {
				t.Fatalf("got %q complete %v, want received, complete %v", got.State, got.Complete(), tt.complete)
			}
			for _, m := range got.Materials {
				for _, b := range tt.brought {
					if m.Code == b.Code && m.Collected != b.Collected {
						t.Fatalf("material %s recorded as %q, want %q", m.Code, m.Collected, b.Collected)
					}
				}
			}
			st := acceptStep(t, c.ID)
			if tt.complete && st.Blocked != "" {
				t.Fatalf("accept blocked %q on a complete case", st.Blocked)
			}
			if !tt.complete {
				var name string
				for _, m := range got.Materials {
					if m.Code == tt.blockedBy {
						name = m.Name
					}
				}
				if !strings.Contains(st.Blocked, name) || !strings.Contains(st.Blocked, "不能受理") {
					t.Fatalf("accept step blocked %q, want it to name %q", st.Blocked, name)
				}
				_, err := s.Accept(ctx, s.Clerk, c.ID)
				wantCode(t, err, domain.EInvalid)
			}
		})
	}

	t.Run("ErrNotInCorrection", func(t *testing.T) {
		c := mustOpenCase(t, s, itemStationNow, zhang)
		_, err := s.Supplement(ctx, s.Clerk, c.ID, nil)
		wantCode(t, err, domain.EConflict)
	})
}
