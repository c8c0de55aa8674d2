package app_test

import (
	"testing"
	"time"

	"yizhan/app"
)

func TestTime(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 123456789, time.FixedZone("CST", 8*3600))
	s := app.FormatTime(at)
	if s != "2026-03-02T01:00:00.123456789Z" {
		t.Fatalf("got %q, want UTC with nanoseconds", s)
	}
	got, err := app.ParseTime(s)
	if err != nil || !got.Equal(at) {
		t.Fatalf("got %v (%v), want %v", got, err, at)
	}
	if app.FormatTime(time.Time{}) != "" {
		t.Fatalf("zero time must format as empty")
	}
	if z, err := app.ParseTime(""); err != nil || !z.IsZero() {
		t.Fatalf("got %v (%v), want the zero time", z, err)
	}
	// Stored times sort as text in time order.
	if app.FormatTime(at) >= app.FormatTime(at.Add(time.Nanosecond)) {
		t.Fatalf("formatted times do not sort")
	}
}
