package httpapi_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"yizhan/hall"
	"yizhan/hall/httpapi"
	hallsqlite "yizhan/hall/sqlite"
	"yizhan/sync/protocol"
)

// A body sent slowly: without a station's token it is cut at BodyTimeout
// (408, connection closed); with one, the longer StationBodyTimeout holds.
func TestBodyDeadlines(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	store, err := hallsqlite.Open(ctx, filepath.Join(dir, "hall.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc, err := hall.New(ctx, store, hall.Config{Dir: filepath.Join(dir, "data")})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpapi.NewWithConfig(svc, httpapi.Config{BodyTimeout: 300 * time.Millisecond, StationBodyTimeout: 10 * time.Second}))
	defer srv.Close()
	e := &env{t: t, svc: svc, srv: srv}
	token := e.enroll("A01")

	// slow sends the body in three parts 250 ms apart (750 ms in all) and
	// returns the answer's status line.
	slow := func(path, token, body string) string {
		conn, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		auth := ""
		if token != "" {
			auth = "Authorization: Bearer " + token + "\r\n"
		}
		fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: hall\r\n%sContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", path, auth, len(body))
		n := len(body) / 3
		for _, part := range []string{body[:n], body[n : 2*n], body[2*n:]} {
			time.Sleep(250 * time.Millisecond)
			if _, err := io.WriteString(conn, part); err != nil {
				break // the hall has closed the connection
			}
		}
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		line, _ := bufio.NewReader(conn).ReadString('\n')
		return line
	}
	if got := slow(protocol.PathEnroll, "", `{"v":1,"code":"x","sign_key":"","age_key":""}`); !strings.Contains(got, fmt.Sprint(http.StatusRequestTimeout)) {
		t.Errorf("slow enrolment: %q, want 408", got)
	}
	if got := slow(protocol.PathSync, token, `{"v":1,"station":"A01","cursor":0}`); !strings.Contains(got, "200") {
		t.Errorf("slow sync of an enrolled station: %q, want 200", got)
	}
	if got := slow(protocol.PathSync, "A01.wrong", `{"v":1,"station":"A01","cursor":0}`); !strings.Contains(got, "401") {
		t.Errorf("slow sync with a wrong token: %q, want 401", got)
	}
}
