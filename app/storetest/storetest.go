// Package storetest is the conformance suite every app.Store must pass, as
// hall/storetest is for the hall's stores: app/sqlite runs it on a real
// database file. It holds a store to what the station's services rely on:
// a failed Update leaves nothing behind, a View writes nothing, a
// savepoint undoes only its own writes, lookups answer nil for a missing
// row, lists come in the order the screens show, the tallies beside the
// cases always equal a count of the cases, and a write the data do not
// allow is app.ErrConstraint.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"yizhan/app"
	"yizhan/domain"
)

// Run runs the suite. open returns a new, empty, migrated store; the suite
// closes it.
func Run(t *testing.T, open func(tb testing.TB) app.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, app.Store)
	}{
		{"Meta", testMeta},
		{"Rollback", testRollback},
		{"ViewWritesNothing", testViewWritesNothing},
		{"Savepoint", testSavepoint},
		{"Audit", testAudit},
		{"Staff", testStaff},
		{"Catalog", testCatalog},
		{"Calendar", testCalendar},
		{"Cases", testCases},
		{"CaseNumberConstraint", testCaseNumberConstraint},
		{"FindCases", testFindCases},
		{"TalliesFollowCases", testTalliesFollowCases},
		{"Tickets", testTickets},
		{"Appointments", testAppointments},
		{"Ratings", testRatings},
		{"Invites", testInvites},
		{"ChangeCounters", testChangeCounters},
		{"Blobs", testBlobs},
		{"Events", testEvents},
		{"EventVerdicts", testEventVerdicts},
		{"Conflicts", testConflicts},
		{"Quarantine", testQuarantine},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("close the store: %v", err)
				}
			})
			tt.fn(t, s)
		})
	}
}

var (
	ctx = context.Background()
	// t0 is a Monday morning in China, 2 March 2026 09:00 (01:00 UTC).
	t0 = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
)

func update(t *testing.T, s app.Store, fn func(app.Tx) error) {
	t.Helper()
	if err := s.Update(ctx, fn); err != nil {
		t.Fatal(err)
	}
}

func view(t *testing.T, s app.Store, fn func(app.Tx) error) {
	t.Helper()
	if err := s.View(ctx, fn); err != nil {
		t.Fatal(err)
	}
}

func testMeta(t *testing.T, s app.Store) {
	view(t, s, func(tx app.Tx) error {
		if v, err := tx.Meta("station_code"); err != nil || v != "" {
			t.Errorf("unset setting: got %q, %v; want \"\"", v, err)
		}
		return nil
	})
	update(t, s, func(tx app.Tx) error {
		if err := tx.SetMeta("station_code", "370112001"); err != nil {
			return err
		}
		return tx.SetMeta("region", "370112")
	})
	update(t, s, func(tx app.Tx) error { return tx.SetMeta("region", "370113") })
	view(t, s, func(tx app.Tx) error {
		for k, want := range map[string]string{"station_code": "370112001", "region": "370113"} {
			if got, err := tx.Meta(k); err != nil || got != want {
				t.Errorf("%s: got %q, %v; want %q", k, got, err, want)
			}
		}
		return nil
	})
}

func testRollback(t *testing.T, s app.Store) {
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx app.Tx) error {
		if err := tx.SetMeta("k", "v"); err != nil {
			return err
		}
		if err := tx.AppendAudit(auditRow(1, "prev", "x")); err != nil {
			return err
		}
		if _, err := tx.NextCounter("c"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want %v", err, boom)
	}
	view(t, s, func(tx app.Tx) error {
		if v, _ := tx.Meta("k"); v != "" {
			t.Errorf("a rolled-back setting stayed: %q", v)
		}
		if seq, _, _ := tx.LastAudit(); seq != 0 {
			t.Errorf("a rolled-back audit row stayed: %d", seq)
		}
		return nil
	})
	update(t, s, func(tx app.Tx) error {
		if n, err := tx.NextCounter("c"); err != nil || n != 1 {
			t.Errorf("counter after a rolled-back increment: %d, %v; want 1", n, err)
		}
		return nil
	})
}

func testViewWritesNothing(t *testing.T, s app.Store) {
	err := s.View(ctx, func(tx app.Tx) error { return tx.SetMeta("k", "v") })
	if err == nil {
		t.Fatal("a write in a View succeeded")
	}
	view(t, s, func(tx app.Tx) error {
		if v, _ := tx.Meta("k"); v != "" {
			t.Errorf("a View wrote %q", v)
		}
		return nil
	})
}

func testSavepoint(t *testing.T, s app.Store) {
	boom := errors.New("boom")
	update(t, s, func(tx app.Tx) error {
		if err := tx.SetMeta("before", "1"); err != nil {
			return err
		}
		err := tx.Savepoint(func() error {
			if err := tx.SetMeta("inside", "1"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Errorf("failed savepoint: got %v, want %v", err, boom)
		}
		if err := tx.Savepoint(func() error { return tx.SetMeta("kept", "1") }); err != nil {
			return err
		}
		// A second failure after a success: savepoints one after the other.
		_ = tx.Savepoint(func() error {
			if err := tx.SetMeta("kept", "2"); err != nil {
				return err
			}
			return boom
		})
		return tx.SetMeta("after", "1")
	})
	view(t, s, func(tx app.Tx) error {
		for k, want := range map[string]string{"before": "1", "inside": "", "kept": "1", "after": "1"} {
			if got, _ := tx.Meta(k); got != want {
				t.Errorf("%s: got %q, want %q", k, got, want)
			}
		}
		return nil
	})
}

// testChangeCounters: recording an event, a ticket or a rating moves the
// marks a screen polls to know the figures changed.
func testChangeCounters(t *testing.T, s app.Store) {
	marks := func() string {
		var out string
		view(t, s, func(tx app.Tx) error {
			e, tk, r, err := tx.ChangeCounters()
			out = fmt.Sprint(e, tk, r)
			return err
		})
		return out
	}
	seen := map[string]bool{marks(): true}
	for i, write := range []func(app.Tx) error{
		func(tx app.Tx) error {
			return tx.AppendEvent(event("e1", "A", domain.EvOpen, "li", "370112001", 0), app.StatusPending, 0)
		},
		func(tx app.Tx) error { return tx.InsertTicket(ticket("t1", "A001", "2026-03-02", 0, "")) },
		func(tx app.Tx) error {
			return tx.InsertRating(app.RatingRecord{ID: "r1", Evaluation: domain.Evaluation{Level: 5}, At: t0})
		},
	} {
		update(t, s, write)
		m := marks()
		if seen[m] {
			t.Errorf("write %d left the marks at %s", i, m)
		}
		seen[m] = true
	}
}
