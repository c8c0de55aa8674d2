package faultproxy_test

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"yizhan/sync/faultproxy"
)

func TestFaults(t *testing.T) {
	var hits atomic.Int64
	backend := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		hits.Add(1)
		w.Write([]byte(strings.Repeat("answer to "+string(b)+"; ", 100)))
	})
	p := faultproxy.New(backend, 1)
	url := p.Start()
	t.Cleanup(p.Close)
	post := func() (string, error) {
		resp, err := http.Post(url+"/x", "text/plain", strings.NewReader("q"))
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return string(b), err
	}
	for _, tc := range []struct {
		fault   faultproxy.Fault
		hits    int64
		wantErr bool
	}{
		{faultproxy.Pass, 1, false},
		{faultproxy.DropRequest, 0, true},
		{faultproxy.DropResponse, 1, true},
		{faultproxy.Duplicate, 2, false},
		{faultproxy.Delay, 1, false},
		{faultproxy.CutBody, 1, true},
	} {
		t.Run(tc.fault.String(), func(t *testing.T) {
			hits.Store(0)
			p.Script(tc.fault)
			body, err := post()
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if !tc.wantErr && !strings.HasPrefix(body, "answer to q") {
				t.Fatalf("body %q", body)
			}
			if got := hits.Load(); got != tc.hits {
				t.Fatalf("backend saw %d requests, want %d", got, tc.hits)
			}
		})
	}
	t.Run("Restart", func(t *testing.T) {
		p.SetBackend(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("new hall")) }))
		if body, err := post(); err != nil || body != "new hall" {
			t.Fatalf("after restart: %q %v", body, err)
		}
	})
	if s := p.Stats(); s.Requests != 7 || s.ByPath["/x"] != 7 {
		t.Fatalf("stats %+v", s)
	}
}
