package domain_test

import (
	"reflect"
	"testing"
	"time"

	"pgregory.net/rapid"

	"yizhan/domain"
)

// applyAll applies events one by one, skipping the refused ones, and returns
// the case (nil if never opened) and how many were refused.
func applyAll(evs []*domain.Event) (*domain.Case, int) {
	c := &domain.Case{}
	refused := 0
	for _, e := range evs {
		if err := c.Apply(e); err != nil {
			refused++
		}
	}
	if c.State == domain.StateNone {
		return nil, refused
	}
	return c, refused
}

func TestFold(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		_, evs := caseVia(t, "station", domain.EvAccept, domain.EvConclude, domain.EvEvaluate, domain.EvStartDelivery)
		got, conflicts := domain.Fold(evs)
		if len(conflicts) != 0 {
			t.Fatalf("got conflicts %v, want none", conflicts)
		}
		want, _ := applyAll(evs)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Fold differs from step-by-step Apply:\ngot  %+v\nwant %+v", got, want)
		}
		if got.State != domain.StateDelivering || got.Evaluation == nil || got.Events != len(evs) {
			t.Fatalf("got state %q, rating %+v, with %d events; want delivering, rated, with %d", got.State, got.Evaluation, got.Events, len(evs))
		}
	})

	t.Run("Conflicts", func(t *testing.T) {
		c, evs := caseIn(t, domain.StateAccepted)
		// A second clerk accepts too, based on the state they saw.
		dup := event(t, c, domain.EvAccept, domain.StateReceived, nil)
		fwd := event(t, c, domain.EvForward, domain.StateAccepted, validPayload(domain.EvForward))
		evs = append(evs, dup, fwd)
		got, conflicts := domain.Fold(evs)
		if len(conflicts) != 1 || conflicts[0].EventID != dup.ID || conflicts[0].Zh == "" {
			t.Fatalf("got conflicts %+v, want one for %s with a Chinese reason", conflicts, dup.ID)
		}
		want, refused := applyAll(evs)
		if refused != 1 {
			t.Fatalf("got %d refused by Apply, want 1", refused)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Fold differs from step-by-step Apply:\ngot  %+v\nwant %+v", got, want)
		}
		if got.State != domain.StateForwarded || got.Holder != domain.HallOffice {
			t.Fatalf("got state %q holder %q, want forwarded at hall", got.State, got.Holder)
		}
	})

	t.Run("NoOpen", func(t *testing.T) {
		c, evs := caseIn(t, domain.StateAccepted)
		got, conflicts := domain.Fold(evs[1:])
		if got != nil || len(conflicts) != 1 {
			t.Fatalf("got case %v and %d conflicts, want nil and 1 for %s", got, len(conflicts), c.ID)
		}
	})
}

// TestFoldProperty checks that Fold equals applying events one by one for
// random event lists, legal or not.
func TestFoldProperty(t *testing.T) {
	kinds := append(transitionKinds(), domain.EvEvaluate, domain.EvNote, domain.EvMaterial, domain.EvUpdateApplicant, domain.EvAssignSerial, domain.EvRoute, domain.EvOpen)
	states := append([]domain.State{domain.StateNone}, domain.States...)
	rapid.Check(t, func(rt *rapid.T) {
		c, evs := caseIn(t, domain.StateReceived)
		n := rapid.IntRange(0, 30).Draw(rt, "n")
		for i := 0; i < n; i++ {
			k := rapid.SampledFrom(kinds).Draw(rt, "kind")
			from := c.State
			if rapid.IntRange(0, 4).Draw(rt, "stale") == 0 {
				from = rapid.SampledFrom(states).Draw(rt, "from")
			}
			var payload any
			switch k {
			case domain.EvMaterial:
				payload = domain.MaterialPayload{Code: rapid.SampledFrom([]string{"M1", "M2", "M9"}).Draw(rt, "code"),
					Collected: rapid.SampledFrom([]string{domain.CollectPaper, domain.CollectRongque, domain.CollectELicense, "bogus"}).Draw(rt, "collected")}
			case domain.EvNote:
				payload = domain.NotePayload{Text: "备注"}
			case domain.EvUpdateApplicant:
				p := "13900000000"
				payload = domain.ApplicantUpdate{Phone: &p}
			case domain.EvAssignSerial:
				payload = domain.SerialPayload{Serial: "S-1"}
			case domain.EvRoute:
				payload = domain.RoutePayload{To: rapid.SampledFrom([]string{"", "hall", "370112002"}).Draw(rt, "to")}
			case domain.EvOpen:
				evs = append(evs, openEvent(t, c.ID, "370112001", "station"))
				continue
			default:
				if rapid.Bool().Draw(rt, "valid") {
					payload = validPayload(k)
				}
			}
			e := event(t, c, k, from, payload)
			c.Apply(e) // keep c close to the folded case so that states stay reachable
			evs = append(evs, e)
		}
		got, conflicts := domain.Fold(evs)
		want, refused := applyAll(evs)
		if !reflect.DeepEqual(got, want) {
			rt.Fatalf("Fold differs from step-by-step Apply:\ngot  %+v\nwant %+v", got, want)
		}
		if len(conflicts) != refused {
			rt.Fatalf("got %d conflicts, want %d refused events", len(conflicts), refused)
		}
		if !reflect.DeepEqual(got, c) {
			rt.Fatalf("Fold differs from the case built while generating")
		}
	})
}

func TestApply(t *testing.T) {
	t.Run("ErrOtherCase", func(t *testing.T) {
		c, _ := caseIn(t, domain.StateReceived)
		e := event(t, c, domain.EvNote, "", domain.NotePayload{Text: "x"})
		e.CaseID = "another"
		wantCode(t, c.Apply(e), domain.EInvalid)
	})

	t.Run("ErrUnknownKind", func(t *testing.T) {
		c, _ := caseIn(t, domain.StateReceived)
		wantCode(t, c.Apply(event(t, c, "teleport", c.State, nil)), domain.EInvalid)
	})

	t.Run("ErrBeforeOpen", func(t *testing.T) {
		c := &domain.Case{ID: "x"}
		wantCode(t, c.Apply(event(t, c, domain.EvNote, "", domain.NotePayload{Text: "x"})), domain.EConflict)
	})

	t.Run("Material", func(t *testing.T) {
		for _, tt := range []struct {
			name, code, how, want string
		}{
			{"OK", "M2", domain.CollectELicense, ""},
			{"OKRongque", "M2", domain.CollectRongque, ""},
			{"ErrRequiredRongque", "M1", domain.CollectRongque, domain.EInvalid},
			{"ErrNoELicense", "M1", domain.CollectELicense, domain.EInvalid},
			{"ErrUnknownMaterial", "M9", domain.CollectPaper, domain.EInvalid},
			{"ErrUnknownCollection", "M2", "fax", domain.EInvalid},
		} {
			t.Run(tt.name, func(t *testing.T) {
				c, _ := caseIn(t, domain.StateReceived)
				err := c.Apply(event(t, c, domain.EvMaterial, "", domain.MaterialPayload{Code: tt.code, Collected: tt.how}))
				wantCode(t, err, tt.want)
				if tt.want == "" && c.Materials[1].Collected != tt.how {
					t.Fatalf("got collected %q, want %q", c.Materials[1].Collected, tt.how)
				}
			})
		}
		t.Run("ErrTerminal", func(t *testing.T) {
			c, _ := caseIn(t, domain.StateNotAccepted)
			wantCode(t, c.Apply(event(t, c, domain.EvMaterial, "", domain.MaterialPayload{Code: "M2", Collected: domain.CollectPaper})), domain.EConflict)
		})
		t.Run("DoesNotAlias", func(t *testing.T) {
			c, _ := caseIn(t, domain.StateReceived)
			before := *c
			if err := c.Apply(event(t, c, domain.EvMaterial, "", domain.MaterialPayload{Code: "M2", Collected: domain.CollectPaper})); err != nil {
				t.Fatal(err)
			}
			if before.Materials[1].Collected != domain.CollectMissing {
				t.Fatalf("applying a material changed the earlier copy of the case")
			}
		})
	})

	t.Run("UpdateApplicantMergesFields", func(t *testing.T) {
		c, _ := caseIn(t, domain.StateReceived)
		phone, addr := "13900000000", "历城区山大路1号"
		if err := c.Apply(event(t, c, domain.EvUpdateApplicant, "", domain.ApplicantUpdate{Phone: &phone})); err != nil {
			t.Fatal(err)
		}
		if err := c.Apply(event(t, c, domain.EvUpdateApplicant, "", domain.ApplicantUpdate{Address: &addr})); err != nil {
			t.Fatal(err)
		}
		if c.Applicant.Phone != phone || c.Applicant.Address != addr {
			t.Fatalf("got phone %q address %q, want %q and %q", c.Applicant.Phone, c.Applicant.Address, phone, addr)
		}
	})

	t.Run("SuspendResumePause", func(t *testing.T) {
		c, _ := caseIn(t, domain.StateSuspended)
		e := event(t, c, domain.EvResume, c.State, nil)
		e.At = e.At.Add(72 * time.Hour)
		if err := c.Apply(e); err != nil {
			t.Fatal(err)
		}
		if len(c.Pauses) != 1 || c.Pauses[0].From != "2026-03-02" || c.Pauses[0].To != "2026-03-05" {
			t.Fatalf("got pauses %+v, want one from 2026-03-02 to 2026-03-05", c.Pauses)
		}
	})

	t.Run("ConcludeReturnsToStation", func(t *testing.T) {
		c, _ := caseVia(t, "hall", domain.EvAccept, domain.EvForward)
		if c.Holder != domain.HallOffice {
			t.Fatalf("got holder %q after forward, want hall", c.Holder)
		}
		for _, k := range []domain.EventKind{domain.EvStartProcess, domain.EvConclude} {
			e := event(t, c, k, c.State, validPayload(k))
			e.Office = domain.HallOffice
			if err := c.Apply(e); err != nil {
				t.Fatal(err)
			}
		}
		if c.Holder != "370112001" || c.ConcludedAt == nil {
			t.Fatalf("got holder %q concluded %v, want the opening station and a conclusion time", c.Holder, c.ConcludedAt)
		}
	})
}
