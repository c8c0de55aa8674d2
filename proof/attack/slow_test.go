package attack_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"runtime"
	"testing"
	"time"

	"yizhan/proof/internal/procs"
)

// Slow clients holding connections (slowloris): many connections that send
// half a request header and then nothing. The real `hall serve` (built from
// cmd/hall) must keep answering everyone else at once, and must close each
// slow connection itself once its header timeout has passed (10 s), so a
// few hundred of them cannot hold its connection slots or file descriptors
// for ever. (No request ever completes, so none reaches the access log:
// this refusal happens below it, in net/http.)
func TestAttackSlowClientsHoldingConnections(t *testing.T) {
	if testing.Short() || runtime.GOOS != "linux" {
		t.Skip("needs the built hall binary and 12 s")
	}
	ctx := context.Background()
	dir := t.TempDir()
	bins, err := procs.Build(ctx, dir, "cmd/hall")
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	srv, addr, err := procs.StartServer(ctx, nil, bins["hall"], "serve", "--listen", "127.0.0.1:0", "--dir", data)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Kill()
	const slow = 200
	var conns []net.Conn
	for i := 0; i < slow; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		defer c.Close()
		if _, err := c.Write([]byte("POST /v1/sync HTTP/1.1\r\nHost: hall\r\nAuthorization: Bearer x.y\r\n")); err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	start := time.Now()
	hc := &http.Client{Timeout: 3 * time.Second}
	resp, err := hc.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatalf("with %d slow clients attached, a normal client is not served: %v", slow, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || time.Since(start) > 2*time.Second {
		t.Fatalf("health check: %d after %v", resp.StatusCode, time.Since(start))
	}
	deadline := time.Now().Add(20 * time.Second)
	closed := 0
	buf := make([]byte, 512)
	for _, c := range conns {
		c.SetReadDeadline(deadline)
		_, err := c.Read(buf)
		for err == nil {
			_, err = c.Read(buf) // a 408 answer, then the close
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("a slow connection was still open after %v", time.Since(start))
		}
		closed++
	}
	if closed != slow {
		t.Fatalf("%d of %d slow connections closed", closed, slow)
	}
	t.Logf("%d slow connections closed by the hall after %v; other clients served meanwhile", slow, time.Since(start).Round(time.Second))
}
