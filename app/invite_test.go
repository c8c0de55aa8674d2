package app_test

import (
	"strings"
	"testing"
	"time"

	"yizhan/app"
	"yizhan/domain"
)

// TestRatingInvite: 一次一评 — the clerk's screen offers the rating, the
// window's pad hosts it, and the rating is tied to the ticket, the case and
// the clerk who served.
func TestRatingInvite(t *testing.T) {
	s := MustOpenStation(t)
	tk := mustIssue(t, s, "", "")
	mustCall(t, s, "2")
	c, err := s.OpenCase(ctx, s.Clerk, app.OpenCaseInput{ItemCode: itemStationNow, Applicant: zhang, TicketID: tk.ID,
		Materials: allMaterials(t, s, itemStationNow, "")})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("ErrNoWindow", func(t *testing.T) {
		_, err := s.InviteRating(ctx, s.Clerk, " ", tk.ID, "")
		wantCode(t, err, domain.EInvalid)
	})
	t.Run("ErrNoPadInvitationYet", func(t *testing.T) {
		if inv, err := s.PadInvitation(ctx, "2"); err != nil || inv != nil {
			t.Fatalf("got %+v %v, want none", inv, err)
		}
	})

	// Invited from the case page: the case's own ticket of today comes along.
	inv, err := s.InviteRating(ctx, s.Clerk, "2", "", c.ID)
	if err != nil {
		t.Fatal(err)
	}
	pad, err := s.PadInvitation(ctx, "2")
	if err != nil || pad == nil || pad.ID != inv.ID {
		t.Fatalf("pad sees %+v (%v), want invitation %s", pad, err, inv.ID)
	}
	if pad.TicketNumber != tk.Number || pad.ClerkName != "李窗口" || pad.ItemName == "" {
		t.Fatalf("pad shows %+v, want the ticket, the item and the clerk", pad)
	}
	if other, _ := s.PadInvitation(ctx, "3"); other != nil {
		t.Fatal("another window's pad sees the invitation")
	}
	if strings.Contains(pad.ItemName+pad.ClerkName+pad.TicketNumber, zhang.Name) {
		t.Fatal("the pad shows the applicant")
	}

	id, err := s.PadEvaluate(ctx, inv.ID, domain.Evaluation{Level: 2, Comment: "等候太久"}, "13812345678")
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, `SELECT count(*) FROM evaluations WHERE id=? AND ticket_id=? AND case_id=? AND staff_id=? AND source='pad'`, id, tk.ID, c.ID, s.Clerk.ID); n != 1 {
		t.Fatal("the pad's rating is not tied to the ticket, the case and the clerk")
	}
	if got, _ := s.LoadCase(ctx, c.ID); got.State != domain.StateReceived {
		t.Fatalf("the rating moved the case to %q", got.State)
	}
	if p, _ := s.PadInvitation(ctx, "2"); p != nil {
		t.Fatal("the pad still shows a used invitation")
	}

	t.Run("ErrUsedInvitation", func(t *testing.T) {
		_, err := s.PadEvaluate(ctx, inv.ID, domain.Evaluation{Level: 5}, "")
		wantCode(t, err, domain.ENotFound)
	})
	t.Run("ErrAlreadyRatedVisit", func(t *testing.T) {
		_, err := s.InviteRating(ctx, s.Clerk, "2", tk.ID, "")
		wantCode(t, err, domain.EConflict)
	})
	t.Run("ErrUnknownInvitation", func(t *testing.T) {
		_, err := s.PadEvaluate(ctx, "no-such-invitation", domain.Evaluation{Level: 5}, "")
		wantCode(t, err, domain.ENotFound)
	})

	t.Run("NewerReplacesOlderAndExpires", func(t *testing.T) {
		c2 := mustOpenCase(t, s, itemStationNow, zhang)
		c3 := mustOpenCase(t, s, itemStationNow, zhang)
		old, err := s.InviteRating(ctx, s.Head, "2", "", c2.ID)
		if err != nil {
			t.Fatal(err)
		}
		newer, err := s.InviteRating(ctx, s.Head, "2", "", c3.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p, _ := s.PadInvitation(ctx, "2"); p == nil || p.ID != newer.ID {
			t.Fatalf("pad shows %+v, want the newer invitation", p)
		}
		_, err = s.PadEvaluate(ctx, old.ID, domain.Evaluation{Level: 5}, "")
		wantCode(t, err, domain.ENotFound)
		s.Clock.Add(app.RatingInviteTTL + time.Second)
		if p, _ := s.PadInvitation(ctx, "2"); p != nil {
			t.Fatal("an expired invitation is still on the pad")
		}
		_, err = s.PadEvaluate(ctx, newer.ID, domain.Evaluation{Level: 5}, "")
		wantCode(t, err, domain.ENotFound)
	})
}
