package desktop_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"yizhan/app"
	"yizhan/desktop"
	"yizhan/domain"
)

func post(t *testing.T, srv *httptest.Server, method string, args ...any) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"args": args})
	resp, err := http.Post(srv.URL+"/api/"+method, "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestHandler(t *testing.T) {
	a := desktop.New(desktop.Config{Dir: t.TempDir()})
	if err := a.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer a.Shutdown(context.Background())
	srv := httptest.NewServer(desktop.Handler(a.API, nil))
	defer srv.Close()

	t.Run("SetupAndSignIn", func(t *testing.T) {
		code, out := post(t, srv, "Setup", desktop.SetupInput{Identity: app.Identity{Code: "370112001", Name: "示例镇"}, AdminLogin: "head", AdminName: "王站长", AdminPassword: "secret123"})
		if code != 200 || out["initialised"] != true {
			t.Fatalf("Setup: got %d %v", code, out)
		}
		if code, out := post(t, srv, "SignIn", "head", "wrong-password"); code != 401 || out["zh"] == "" || out["code"] != "unauthorized" {
			t.Fatalf("bad password: got %d %v, want 401 with a Chinese message", code, out)
		}
		if code, out := post(t, srv, "SignIn", "head", "secret123"); code != 200 || out["role"] != "head" {
			t.Fatalf("SignIn: got %d %v", code, out)
		}
	})
	t.Run("ErrBadArgs", func(t *testing.T) {
		if code, _ := post(t, srv, "SignIn", "only-one"); code != 400 {
			t.Fatalf("got %d, want 400", code)
		}
		if code, _ := post(t, srv, "NoSuchMethod"); code != 404 {
			t.Fatalf("got %d, want 404", code)
		}
	})
	t.Run("LockedSessionRefused", func(t *testing.T) {
		post(t, srv, "Lock")
		if code, out := post(t, srv, "FindCases", app.CaseFilter{}); code != 401 {
			t.Fatalf("locked: got %d %v, want 401", code, out)
		}
		if code, _ := post(t, srv, "Unlock", "secret123"); code != 200 {
			t.Fatalf("unlock: got %d", code)
		}
		if code, _ := post(t, srv, "FindCases", app.CaseFilter{}); code != 200 {
			t.Fatalf("after unlock: got %d", code)
		}
	})
}

func TestFormatError(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		code string
		msg  string
	}{
		{"Coded", fmt.Errorf("open case: %w", domain.Errorf(domain.EInvalid, "姓名必填", "name required")), "invalid", "name required"},
		{"Internal", fmt.Errorf("disk: %w", fmt.Errorf("io error at /secret/path")), "internal", "internal error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := desktop.FormatError(tc.err).(*desktop.ErrorObject)
			if got.Code != tc.code || got.Message != tc.msg || got.Zh == "" {
				t.Fatalf("got %+v, want code %s message %q and a Chinese message", got, tc.code, tc.msg)
			}
		})
	}
}
