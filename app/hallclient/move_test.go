package hallclient_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"yizhan/app/hallclient"
	"yizhan/domain"
	"yizhan/hall"
	"yizhan/hall/httpapi"
	"yizhan/internal/synctest"
	"yizhan/sync/faultproxy"
	"yizhan/sync/protocol"
)

// mover is a HallMover that retries without sleeping.
func mover() *hallclient.HallMover {
	return &hallclient.HallMover{Attempts: 3, After: func(time.Duration) <-chan time.Time {
		ch := make(chan time.Time, 1)
		ch <- time.Time{}
		return ch
	}}
}

// TestMoveHall: the hall moves to a new address; a station switches to it
// with the code the hall's staff issued, through a link that loses the
// first answer, and its running client follows without a restart. The old
// address can then go away.
func TestMoveHall(t *testing.T) {
	ctx := context.Background()
	h := synctest.StartHall(t, 70)
	h.PublishCatalog(t)
	st := synctest.OpenStation(t, t.TempDir(), "ST01")
	c := h.Enroll(t, st, "ST01")
	st.OpenCase(t, synctest.StationItem)
	mustSync(t, c)

	moved := faultproxy.New(httpapi.New(h.Service(), nil), 71)
	newURL := moved.Start()
	t.Cleanup(moved.Close)
	code, _, err := h.Service().MoveCode(ctx, "ST01", newURL+"/")
	if err != nil {
		t.Fatal(err)
	}
	moved.Script(faultproxy.DropResponse)
	got, err := mover().Move(ctx, st.Station, newURL, code)
	if err != nil || got != newURL {
		t.Fatalf("move: %q %v", got, err)
	}
	if s, _ := hallclient.StatusOf(ctx, st.Station); s.HallURL != newURL {
		t.Fatalf("status shows hall %q, want %q", s.HallURL, newURL)
	}
	h.Proxy.Close() // the old address is gone
	st.OpenCase(t, synctest.StationItem)
	res := mustSync(t, c)
	if res.Pushed == 0 || st.Pending(t) != 0 {
		t.Fatalf("sync after the move: %+v", res)
	}
	if k, _ := hallclient.LoadKeys(st.Dir); k.HallURL != newURL {
		t.Fatalf("keys keep hall %q", k.HallURL)
	}
	// Another station with the code for every station.
	other := synctest.OpenStation(t, t.TempDir(), "ST02")
	enrol, _ := h.Service().AddStation(ctx, "ST02", "二站", "370112")
	if _, err := quick(1).Enroll(ctx, other.Station, newURL, enrol); err != nil {
		t.Fatal(err)
	}
	third := faultproxy.New(httpapi.New(h.Service(), nil), 72)
	thirdURL := third.Start()
	t.Cleanup(third.Close)
	all, _, err := h.Service().MoveCode(ctx, hall.AllStations, thirdURL)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*synctest.Station{st, other} {
		if _, err := mover().Move(ctx, s.Station, thirdURL, all); err != nil {
			t.Fatalf("%s with the all-stations code: %v", s.Code(), err)
		}
	}
}

// TestMoveHallRefused: nobody but the hall's staff can redirect a station,
// and a refused move leaves the address as it was.
func TestMoveHallRefused(t *testing.T) {
	ctx := context.Background()
	h := synctest.StartHall(t, 73)
	st := synctest.OpenStation(t, t.TempDir(), "ST01")
	h.Enroll(t, st, "ST01")
	b := synctest.OpenStation(t, t.TempDir(), "ST02")
	h.Enroll(t, b, "ST02")
	good := faultproxy.New(httpapi.New(h.Service(), nil), 74)
	goodURL := good.Start()
	t.Cleanup(good.Close)
	// A relay the station is tricked into using: it forwards to the real
	// hall, which could then hand it the station's traffic.
	relay := faultproxy.New(httpapi.New(h.Service(), nil), 75)
	relayURL := relay.Start()
	t.Cleanup(relay.Close)
	// A stranger's server that answers every move with its own key.
	_, strangerKey, _ := ed25519.GenerateKey(nil)
	stranger := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req protocol.MoveRequest
		json.NewDecoder(r.Body).Decode(&req)
		sig := ed25519.Sign(strangerKey, protocol.MoveSigMessage("hall", req.Station, req.URL, "", req.Nonce))
		json.NewEncoder(w).Encode(protocol.MoveResponse{V: 1, Station: req.Station, URL: req.URL, Nonce: req.Nonce, Sig: base64.StdEncoding.EncodeToString(sig)})
	}))
	t.Cleanup(stranger.Close)

	codeGood, _, _ := h.Service().MoveCode(ctx, "ST01", goodURL)
	codeB, _, _ := h.Service().MoveCode(ctx, "ST02", goodURL)
	codeStranger, _, _ := h.Service().MoveCode(ctx, "ST01", stranger.URL)
	tests := []struct {
		name, url, code string
		code2           string // the error code wanted
	}{
		{"WrongCode", goodURL, "AAAA-BBBB-CCCC-DDDD", hallclient.CodeRefused},
		{"AnotherStationsCode", goodURL, codeB, hallclient.CodeRefused},
		{"CodeForAnotherAddress", relayURL, codeGood, hallclient.CodeRefused},
		{"StrangerServer", stranger.URL, codeStranger, domain.EForbidden},
		{"Unreachable", "http://127.0.0.1:1", codeGood, hallclient.CodeOffline},
		{"NotAnAddress", "ftp://hall", codeGood, domain.EInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mover().Move(ctx, st.Station, tt.url, tt.code)
			if domain.ErrorCode(err) != tt.code2 || domain.ZhMessage(err) == "" {
				t.Fatalf("got %v (%s), want %s", err, domain.ZhMessage(err), tt.code2)
			}
			if s, _ := hallclient.StatusOf(ctx, st.Station); s.HallURL != h.URL {
				t.Fatalf("address changed to %q by a refused move", s.HallURL)
			}
		})
	}
	t.Run("ReenrolledPC", func(t *testing.T) {
		if _, err := h.Service().Reenrol(ctx, "ST02"); err != nil {
			t.Fatal(err)
		}
		if _, err := mover().Move(ctx, b.Station, goodURL, codeB); hallclient.CodeOf(err) != hallclient.CodeRefused {
			t.Fatalf("a reenrolled station's old PC moved: %v", err)
		}
	})
}
