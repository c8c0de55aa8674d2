package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"yizhan/app"
	appsqlite "yizhan/app/sqlite"
	"yizhan/domain"
)

// clockStation opens a new station with code whose wall clock stands at now,
// in a directory the test can open again.
func clockStation(t *testing.T, code string, now time.Time) (string, func() time.Time, *app.Station) {
	t.Helper()
	dir := t.TempDir()
	clock := func() time.Time { return now }
	st, _, err := appsqlite.OpenStation(ctx, app.Config{Dir: dir, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Init(context.Background(), app.Identity{Code: code, Name: "驿站"}); err != nil {
		t.Fatal(err)
	}
	return dir, clock, st
}

// TestClockNotPoisonedAcrossRestart: an event pulled from an office whose
// PC thinks it is two years later must not drag this station's clock along
// — neither when it arrives (HLC.Observe ignores it) nor after a restart,
// when the clock is restored from the events table.
func TestClockNotPoisonedAcrossRestart(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	dir, clock, st := clockStation(t, "ST01", now)
	ctx := context.Background()
	var err error
	future := domain.Stamp{Wall: now.AddDate(2, 0, 0).UnixMilli(), Office: "ST99"}.String()
	e := &domain.Event{ID: "01900000-0000-7000-8000-000000000001", CaseID: "01900000-0000-7000-8000-0000000000c1", Kind: domain.EvNote,
		Office: "ST99", Actor: "x", HLC: future, At: now.AddDate(2, 0, 0), Payload: []byte(`{"text":"x"}`)}
	if err := st.ApplyPulled(ctx, app.Pulled{Events: []app.PulledEvent{{Event: e, HallSeq: 1, Status: app.StatusAccepted}}, Cursor: 1}); err != nil {
		t.Fatal(err)
	}
	check := func(when string, st *app.Station) {
		s, err := domain.ParseStamp(st.Clock().Now())
		if err != nil {
			t.Fatal(err)
		}
		if ahead := time.UnixMilli(s.Wall).Sub(now); ahead > 24*time.Hour {
			t.Fatalf("%s: this station's clock runs %v ahead, dragged by another office's PC", when, ahead)
		}
	}
	check("after the pull", st)
	st.Close()
	st, _, err = appsqlite.OpenStation(ctx, app.Config{Dir: dir, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	check("after a restart", st)
}

// TestClockRestoredPastEveryOffice: after a restart the clock issues stamps
// after the newest one received from any other office, wherever that
// office sorts among them (the restore reads each office's newest stamp).
func TestClockRestoredPastEveryOffice(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	dir, clock, st := clockStation(t, "ST05", now)
	ctx := context.Background()
	var err error
	var page app.Pulled
	newest := ""
	for i, o := range []struct {
		office string
		ahead  time.Duration
	}{{"AA01", time.Hour}, {"ST03", 2 * time.Hour}, {"ZZ09", 30 * time.Minute}} {
		at := now.Add(o.ahead)
		stamp := domain.Stamp{Wall: at.UnixMilli(), Office: o.office}.String()
		if stamp > newest {
			newest = stamp
		}
		e := &domain.Event{ID: fmt.Sprintf("01900000-0000-7000-8000-00000000010%d", i), CaseID: "01900000-0000-7000-8000-0000000000c2",
			Kind: domain.EvNote, Office: o.office, Actor: "x", HLC: stamp, At: at, Payload: []byte(`{"text":"x"}`)}
		page.Events = append(page.Events, app.PulledEvent{Event: e, HallSeq: int64(i + 1), Status: app.StatusAccepted})
	}
	page.Cursor = 3
	if err := st.ApplyPulled(ctx, page); err != nil {
		t.Fatal(err)
	}
	st.Close()
	st, _, err = appsqlite.OpenStation(ctx, app.Config{Dir: dir, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got, err := domain.ParseStamp(st.Clock().Now())
	if err != nil {
		t.Fatal(err)
	}
	want, _ := domain.ParseStamp(newest)
	if got.Wall < want.Wall || got.Wall == want.Wall && got.Logic <= want.Logic {
		t.Fatalf("after a restart the clock issued %s, not after %s, the newest stamp received", st.Clock().Now(), newest)
	}
}
