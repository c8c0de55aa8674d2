package hallclient_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"yizhan/app/hallclient"
	"yizhan/domain"
	"yizhan/hall"
	"yizhan/internal/synctest"
	"yizhan/sync/faultproxy"
)

// quick is an Enroller that retries without sleeping.
func quick(attempts int) *hallclient.Enroller {
	return &hallclient.Enroller{Attempts: attempts, After: func(time.Duration) <-chan time.Time {
		ch := make(chan time.Time, 1)
		ch <- time.Time{}
		return ch
	}}
}

// registry returns the hall's registry entry of code.
func registry(t *testing.T, svc *hall.Service, code string) hall.StationInfo {
	t.Helper()
	list, err := svc.Stations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range list {
		if in.Code == code {
			return in
		}
	}
	t.Fatalf("station %s not in the registry", code)
	return hall.StationInfo{}
}

// syncs checks that a station's credentials work: one clean sync.
func syncs(t *testing.T, st *synctest.TestStation) {
	t.Helper()
	c, err := hallclient.New(st.Station)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.SyncOnce(context.Background()); err != nil {
		t.Fatalf("sync with the enrolled credentials: %v", err)
	}
}

func TestEnroll(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		h := synctest.StartHall(t, 1)
		st := synctest.OpenStation(t, t.TempDir(), "") // not initialised: enrolment does it
		code, err := h.Service().AddStation(ctx, "ST01", "城关镇驿站", "370112")
		if err != nil {
			t.Fatal(err)
		}
		k, err := hallclient.Enroll(ctx, st.Station, h.URL, code)
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
			fi, err := os.Stat(filepath.Join(st.Dir, hallclient.KeyDir, f))
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Fatalf("%s mode %v, want 0600", f, fi.Mode().Perm())
			}
		}
		again, err := hallclient.LoadKeys(st.Dir)
		if err != nil || !again.Enrolled() || again.Token != k.Token || !again.HallSignKey.Equal(k.HallSignKey) {
			t.Fatalf("reloaded keys differ: %v", err)
		}
		// The keys never enter the database, so a backup carries no secret.
		var n int
		st.DB.QueryRow(`SELECT count(*) FROM meta WHERE value LIKE ?`, "%"+k.Token+"%").Scan(&n)
		if n != 0 {
			t.Fatal("token found in the meta table")
		}
	})
	t.Run("ErrBadCode", func(t *testing.T) {
		h := synctest.StartHall(t, 2)
		st := synctest.OpenStation(t, t.TempDir(), "")
		_, err := hallclient.Enroll(ctx, st.Station, h.URL, "AAAA-BBBB-CCCC-DDDD")
		if hallclient.CodeOf(err) != hallclient.CodeRefused {
			t.Fatalf("got %v, want refused", err)
		}
		if domain.ZhMessage(err) == "" || st.Code() != "" {
			t.Fatalf("want a Chinese message and no init; got %q, code %q", domain.ZhMessage(err), st.Code())
		}
	})
	t.Run("ErrOtherStationsCode", func(t *testing.T) {
		// A station initialised as ST09 tries ST01's code: the hall refuses
		// before it records anything, so ST01's code still works for ST01.
		h := synctest.StartHall(t, 3)
		st := synctest.OpenStation(t, t.TempDir(), "ST09")
		code, _ := h.Service().AddStation(ctx, "ST01", "城关镇驿站", "370112")
		_, err := hallclient.Enroll(ctx, st.Station, h.URL, code)
		if domain.ErrorCode(err) != domain.EConflict || !strings.Contains(domain.ZhMessage(err), "ST09") {
			t.Fatalf("got %v (%s), want a conflict naming ST09", err, domain.ZhMessage(err))
		}
		if k, _ := hallclient.LoadKeys(st.Dir); k != nil && k.Enrolled() {
			t.Fatal("credentials stored for a mismatched station")
		}
		if in := registry(t, h.Service(), "ST01"); in.Status != "announced" || in.SignKey != "" {
			t.Fatalf("the hall recorded the wrong PC for ST01: %+v", in)
		}
		right := synctest.OpenStation(t, t.TempDir(), "")
		if _, err := hallclient.Enroll(ctx, right.Station, h.URL, code); err != nil {
			t.Fatalf("ST01's own code after the refused attempt: %v", err)
		}
		syncs(t, right)
	})
	t.Run("ErrOffline", func(t *testing.T) {
		st := synctest.OpenStation(t, t.TempDir(), "")
		_, err := quick(3).Enroll(ctx, st.Station, "http://127.0.0.1:1", "AAAA")
		if hallclient.CodeOf(err) != hallclient.CodeOffline {
			t.Fatalf("got %v, want offline", err)
		}
		// The message says exactly what to do.
		if !strings.Contains(err.Error(), "same code") || !strings.Contains(domain.ZhMessage(err), "同一个登记码") {
			t.Fatalf("message does not say what to do: %v / %s", err, domain.ZhMessage(err))
		}
	})
}

// TestEnrollSurvivesFaults enrols through a link that loses the hall's
// answer or delivers the request twice: the station retries by itself (or,
// when it gives up, the same command again works), and ends with a token
// the hall accepts. Another PC with the same code is refused.
func TestEnrollSurvivesFaults(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		faults   []faultproxy.Fault
		attempts int  // per Enroll call
		again    bool // the first call fails; the clerk runs it again
	}{
		{"AnswerLost", []faultproxy.Fault{faultproxy.DropResponse}, 3, false},
		{"AnswerCut", []faultproxy.Fault{faultproxy.CutBody}, 3, false},
		{"RequestLost", []faultproxy.Fault{faultproxy.DropRequest}, 3, false},
		{"Duplicated", []faultproxy.Fault{faultproxy.Duplicate}, 1, false},
		{"LostThenDuplicated", []faultproxy.Fault{faultproxy.DropResponse, faultproxy.DropResponse, faultproxy.Duplicate}, 4, false},
		{"GaveUpThenAgain", []faultproxy.Fault{faultproxy.DropResponse, faultproxy.DropResponse}, 2, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := synctest.StartHall(t, uint64(40+i))
			h.PublishCatalog(t)
			code, err := h.Service().AddStation(ctx, "ST01", "城关镇驿站", "370112")
			if err != nil {
				t.Fatal(err)
			}
			st := synctest.OpenStation(t, t.TempDir(), "")
			h.Proxy.Script(tt.faults...)
			_, err = quick(tt.attempts).Enroll(ctx, st.Station, h.URL, code)
			if tt.again {
				if hallclient.CodeOf(err) != hallclient.CodeOffline {
					t.Fatalf("first call: got %v, want offline", err)
				}
				// The hall registered the station; the station has no
				// token yet. The same command again fixes it.
				_, err = quick(1).Enroll(ctx, st.Station, h.URL, code)
			}
			if err != nil {
				t.Fatalf("enroll: %v", err)
			}
			if st.Code() != "ST01" {
				t.Fatalf("station code %q", st.Code())
			}
			syncs(t, st)
			other := synctest.OpenStation(t, t.TempDir(), "")
			_, err = quick(1).Enroll(ctx, other.Station, h.URL, code)
			if hallclient.CodeOf(err) != hallclient.CodeRefused || !strings.Contains(domain.ZhMessage(err), "reenrol") {
				t.Fatalf("another PC with the used code: got %v (%s), want refused naming reenrol", err, domain.ZhMessage(err))
			}
			syncs(t, st) // the first PC's token still works
		})
	}
}

// TestReenrolRetry replaces a station's credentials (reenrol) with the
// hall's first answer lost: the retry presents the same new keys.
func TestReenrolRetry(t *testing.T) {
	ctx := context.Background()
	h := synctest.StartHall(t, 50)
	st := synctest.OpenStation(t, t.TempDir(), "ST01")
	h.Enroll(t, st, "ST01")
	old, err := hallclient.LoadKeys(st.Dir)
	if err != nil {
		t.Fatal(err)
	}
	code, err := h.Service().Reenrol(ctx, "ST01")
	if err != nil {
		t.Fatal(err)
	}
	h.Proxy.Script(faultproxy.DropResponse)
	if _, err := quick(1).Enroll(ctx, st.Station, h.URL, code); hallclient.CodeOf(err) != hallclient.CodeOffline {
		t.Fatalf("first attempt: got %v, want offline", err)
	}
	k, err := quick(1).Enroll(ctx, st.Station, h.URL, code)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	if k.SignPublic().Equal(old.SignPublic()) || k.Token == old.Token {
		t.Fatal("reenrolment kept the old keys or token")
	}
	if _, err := os.Stat(filepath.Join(st.Dir, hallclient.KeyDir, "station.next.json")); !os.IsNotExist(err) {
		t.Fatalf("pending keys left behind: %v", err)
	}
	syncs(t, st)
}
