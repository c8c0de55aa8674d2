package client_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"yizhan/domain"
	"yizhan/sync/client"
	"yizhan/sync/internal/synctest"
)

func TestEnroll(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		h := synctest.StartHall(t, 1)
		st := synctest.OpenStation(t, t.TempDir(), "") // not initialised: enrolment does it
		code, err := h.Service().AddStation(ctx, "ST01", "城关镇驿站", "370112")
		if err != nil {
			t.Fatal(err)
		}
		k, err := client.Enroll(ctx, st.Station, h.URL, code)
		if err != nil {
			t.Fatalf("enroll: %v", err)
		}
		if got, want := st.Code(), "ST01"; got != want {
			t.Fatalf("station code %q, want %q", got, want)
		}
		if got, want := st.Name(), "城关镇驿站"; got != want {
			t.Fatalf("station name %q, want %q", got, want)
		}
		if u, _ := st.Meta(ctx, "hall_url"); u != h.URL {
			t.Fatalf("hall_url %q, want %q", u, h.URL)
		}
		for _, f := range []string{"station.json", "hall.json"} {
			fi, err := os.Stat(filepath.Join(st.Dir, client.KeyDir, f))
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Fatalf("%s mode %v, want 0600", f, fi.Mode().Perm())
			}
		}
		again, err := client.LoadKeys(st.Dir)
		if err != nil || !again.Enrolled() || again.Token != k.Token || !again.HallSignKey.Equal(k.HallSignKey) {
			t.Fatalf("reloaded keys differ: %v", err)
		}
		// The keys never enter the database, so a backup carries no secret.
		var n int
		st.DB().QueryRow(`SELECT count(*) FROM meta WHERE value LIKE ?`, "%"+k.Token+"%").Scan(&n)
		if n != 0 {
			t.Fatal("token found in the meta table")
		}
	})
	t.Run("ErrBadCode", func(t *testing.T) {
		h := synctest.StartHall(t, 2)
		st := synctest.OpenStation(t, t.TempDir(), "")
		_, err := client.Enroll(ctx, st.Station, h.URL, "AAAA-BBBB-CCCC-DDDD")
		if client.CodeOf(err) != client.CodeRefused {
			t.Fatalf("got %v, want refused", err)
		}
		if domain.ZhMessage(err) == "" || st.Code() != "" {
			t.Fatalf("want a Chinese message and no init; got %q, code %q", domain.ZhMessage(err), st.Code())
		}
	})
	t.Run("ErrOtherCode", func(t *testing.T) {
		h := synctest.StartHall(t, 3)
		st := synctest.OpenStation(t, t.TempDir(), "ST09")
		code, _ := h.Service().AddStation(ctx, "ST01", "城关镇驿站", "370112")
		_, err := client.Enroll(ctx, st.Station, h.URL, code)
		if domain.ErrorCode(err) != domain.EConflict {
			t.Fatalf("got %v, want conflict", err)
		}
		if k, _ := client.LoadKeys(st.Dir); k != nil && k.Enrolled() {
			t.Fatal("credentials stored for a mismatched station")
		}
	})
	t.Run("ErrOffline", func(t *testing.T) {
		st := synctest.OpenStation(t, t.TempDir(), "")
		_, err := client.Enroll(ctx, st.Station, "http://127.0.0.1:1", "AAAA")
		if client.CodeOf(err) != client.CodeOffline {
			t.Fatalf("got %v, want offline", err)
		}
	})
}
