package app_test

import (
	"crypto/ed25519"
	"strings"
	"testing"
	"time"

	"yizhan/app"
	appsqlite "yizhan/app/sqlite"
	"yizhan/domain"
	"yizhan/internal/testclock"
	"yizhan/notice"
)

// kioskStation is a station whose receipts are signed with key.
func kioskStation(t *testing.T, key ed25519.PrivateKey) *TestStation {
	t.Helper()
	clock := testclock.New(start)
	dir := t.TempDir()
	s, db, err := appsqlite.OpenStation(ctx, app.Config{Dir: dir, Now: clock.Now,
		SigningKey: func() (ed25519.PrivateKey, error) { return key, nil }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Init(ctx, app.Identity{Code: StationCode, Name: "示例镇便民服务中心", Region: "370112", Kind: "township"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportCatalog(ctx, app.System, sampleCatalog(t)); err != nil {
		t.Fatal(err)
	}
	head, err := s.AddStaff(ctx, app.System, "wang", "王站长", app.RoleHead, "head-password-1")
	if err != nil {
		t.Fatal(err)
	}
	clerk, err := s.AddStaff(ctx, head.Actor(), "li", "李窗口", app.RoleClerk, "clerk-password-1")
	if err != nil {
		t.Fatal(err)
	}
	return &TestStation{Station: s, DB: db, Clock: clock, Dir: dir, Head: head.Actor(), Clerk: clerk.Actor()}
}

func signed(t *testing.T, key ed25519.PrivateKey, kind, number string) string {
	t.Helper()
	code, err := notice.Sign(notice.Claim{Kind: kind, Number: number, Station: StationCode, Date: "2026-03-02"}, key)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// TestKioskLookup: a case is found at the kiosk by its signed receipt QR
// code alone, or by its number, in full or short, with the query password;
// never by a number alone.
func TestKioskLookup(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(nil)
	_, otherKey, _ := ed25519.GenerateKey(nil)
	s := kioskStation(t, key)
	c := mustOpenCase(t, s, itemStationNow, zhang)
	short := notice.ShortNumber(c.Number)
	if short != "0302-0001" {
		t.Fatalf("short number %q, want 0302-0001", short)
	}
	for _, tt := range []struct {
		name string
		q    app.KioskQuery
		code string
	}{
		{"OKFullNumber", app.KioskQuery{Number: c.Number, Password: c.QueryPassword}, ""},
		{"OKShortNumber", app.KioskQuery{Number: short, Password: c.QueryPassword}, ""},
		{"OKShortNumberKeypad", app.KioskQuery{Number: strings.ReplaceAll(short, "-", ""), Password: c.QueryPassword}, ""},
		{"OKSignedReceipt", app.KioskQuery{Receipt: signed(t, key, "receipt", c.Number)}, ""},
		{"OKSignedAcceptNotice", app.KioskQuery{Receipt: signed(t, key, "accept", c.Number)}, ""},
		{"ErrNumberAlone", app.KioskQuery{Number: c.Number}, domain.ENotFound},
		{"ErrWrongPassword", app.KioskQuery{Number: short, Password: "000000"}, domain.ENotFound},
		{"ErrForgedReceipt", app.KioskQuery{Receipt: signed(t, otherKey, "receipt", c.Number)}, domain.ENotFound},
		{"ErrEditedReceipt", app.KioskQuery{Receipt: strings.Replace(signed(t, key, "receipt", c.Number), "-0001|", "-0002|", 1)}, domain.ENotFound},
		{"ErrNotAReceipt", app.KioskQuery{Receipt: "https://example.com/"}, domain.ENotFound},
		{"OKForgedReceiptWithPassword", app.KioskQuery{Receipt: signed(t, otherKey, "receipt", c.Number), Password: c.QueryPassword}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := s.KioskLookup(ctx, tt.q)
			wantCode(t, err, tt.code)
			if err == nil && (p.Number != c.Number || p.Applicant != "张*") {
				t.Fatalf("got %+v, want case %s with a masked name", p, c.Number)
			}
		})
	}
	if n := count(t, s, `SELECT count(*) FROM audit WHERE action='kiosk.receipt_forged'`); n == 0 {
		t.Fatal("a forged receipt code is not audited")
	}

	t.Run("ShortNumberAcrossYears", func(t *testing.T) {
		// The same day and sequence a year later: each password finds its own case.
		s.Clock.Set(start.AddDate(1, 0, 0))
		c2 := mustOpenCase(t, s, itemStationNow, zhang)
		if notice.ShortNumber(c2.Number) != short {
			t.Skipf("sequence differs: %s", c2.Number)
		}
		for _, want := range []*domain.Case{c, c2} {
			p, err := s.KioskLookup(ctx, app.KioskQuery{Number: short, Password: want.QueryPassword})
			if err != nil || p.Number != want.Number {
				t.Fatalf("got %v (%v), want %s", p, err, want.Number)
			}
		}
	})
}

// TestKioskRating is issue 12's finding: a kiosk rating by sequential case
// number moved a concluded case awaiting delivery to evaluated. A kiosk
// rating now needs the same proof as a progress query (or a served ticket of
// today), and never moves the case.
func TestKioskRating(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(nil)
	s := kioskStation(t, key)
	c := concludedCase(t, s)
	rate := func(in app.KioskRatingInput) (string, error) {
		in.Level = 1
		in.Comment = "态度差"
		return s.KioskEvaluate(ctx, in)
	}
	for _, tt := range []struct {
		name string
		in   app.KioskRatingInput
		code string
	}{
		{"ErrTiedToNothing", app.KioskRatingInput{}, domain.EInvalid},
		{"ErrNumberWithoutPassword", app.KioskRatingInput{Case: &app.KioskQuery{Number: c.Number}}, domain.ENotFound},
		{"ErrWrongPassword", app.KioskRatingInput{Case: &app.KioskQuery{Number: c.Number, Password: "999999"}}, domain.ENotFound},
		{"ErrTicketNotServed", app.KioskRatingInput{TicketNumber: "A099"}, domain.ENotFound},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := count(t, s, `SELECT count(*) FROM evaluations`)
			_, err := rate(tt.in)
			wantCode(t, err, tt.code)
			if n := count(t, s, `SELECT count(*) FROM evaluations`); n != before {
				t.Fatal("a refused kiosk rating was recorded")
			}
		})
	}

	t.Run("OKSignedReceipt", func(t *testing.T) {
		id, err := rate(app.KioskRatingInput{Case: &app.KioskQuery{Receipt: signed(t, key, "conclusion", c.Number)}})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := s.LoadCase(ctx, c.ID)
		if got.State != domain.StateConcluded {
			t.Fatalf("a kiosk rating moved the case to %q", got.State)
		}
		if n := count(t, s, `SELECT count(*) FROM evaluations WHERE id=? AND case_id=? AND source='kiosk' AND staff_id=?`, id, c.ID, s.Clerk.ID); n != 1 {
			t.Fatal("the kiosk rating is not tied to the case and the clerk who handled it")
		}
		if _, err := s.StartDelivery(ctx, s.Clerk, c.ID, domain.Delivery{Method: "pickup"}); err != nil {
			t.Fatalf("delivery after the kiosk rating: %v", err)
		}
	})

	t.Run("OKServedTicket", func(t *testing.T) {
		tk := mustIssue(t, s, "", "")
		mustCall(t, s, "3号窗口")
		if _, err := rate(app.KioskRatingInput{TicketNumber: strings.ToLower(tk.Number)}); err != nil {
			t.Fatal(err)
		}
		_, err := rate(app.KioskRatingInput{TicketNumber: tk.Number})
		wantCode(t, err, domain.EConflict) // one rating per visit
	})

	t.Run("ErrGuessingLocksTheNumber", func(t *testing.T) {
		c2 := concludedCase(t, s)
		for i := 0; i < 6; i++ {
			rate(app.KioskRatingInput{Case: &app.KioskQuery{Number: c2.Number, Password: "00000" + string(rune('0'+i))}})
		}
		_, err := rate(app.KioskRatingInput{Case: &app.KioskQuery{Number: c2.Number, Password: c2.QueryPassword}})
		wantCode(t, err, domain.EUnauthorized)
		// The short number is no way around the lock of the full one.
		_, err = s.KioskLookup(ctx, app.KioskQuery{Number: notice.ShortNumber(c2.Number), Password: c2.QueryPassword})
		wantCode(t, err, domain.EUnauthorized)
		s.Clock.Add(time.Hour)
		if _, err := rate(app.KioskRatingInput{Case: &app.KioskQuery{Number: c2.Number, Password: c2.QueryPassword}}); err != nil {
			t.Fatalf("an hour later: %v", err)
		}
	})
}
