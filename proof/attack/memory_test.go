package attack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"runtime"
	"sync"
	"testing"

	"yizhan/hall/console"
	"yizhan/proof/internal/procs"
)

// Exhausting the hall's memory with sign-ins: 64 console sign-ins at once,
// three times over, against the real `hall serve`. Each password check is
// argon2id with 19 MiB; unbounded, 32 at once took the hall from 84 to
// 978 MiB. The checks run a few at a time, so the hall's peak resident
// memory stays under 300 MiB and every sign-in still gets an answer
// (signed in, or "busy, retry" — never a crash).
func TestAttackConsoleSignInMemory(t *testing.T) {
	if testing.Short() || runtime.GOOS != "linux" {
		t.Skip("needs the built hall binary and /proc")
	}
	ctx := context.Background()
	bins, err := procs.Build(ctx, t.TempDir(), "cmd/hall")
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	env := []string{"YIZHAN_HALL_STAFF_PASSWORD=" + consolePassword}
	if _, errs, err := procs.Run(ctx, env, bins["hall"], "staff", "add", "li", "李", "approver", "--dir", data); err != nil {
		t.Fatalf("staff add: %v %s", err, errs)
	}
	srv, addr, err := procs.StartServer(ctx, nil, bins["hall"], "serve", "--listen", "127.0.0.1:0", "--dir", data, "--log-dir", "-")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Kill()
	start, _ := srv.PeakRSS()
	body, _ := json.Marshal(map[string]string{"login": "li", "password": consolePassword})
	statuses := map[int]int{}
	var mu sync.Mutex
	for round := 0; round < 3; round++ {
		var wg sync.WaitGroup
		for i := 0; i < 64; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/console/api/session", bytes.NewReader(body))
				req.Header.Set(console.CSRFHeader, "1")
				resp, err := http.DefaultClient.Do(req)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					statuses[0]++
					return
				}
				resp.Body.Close()
				statuses[resp.StatusCode]++
			}()
		}
		wg.Wait()
	}
	peak, err := srv.PeakRSS()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("hall peak RSS %d MiB (%d MiB after start) under 3 × 64 concurrent sign-ins; answers %v", peak>>20, start>>20, statuses)
	if peak > 300<<20 {
		t.Errorf("peak RSS %d MiB, want under 300 MiB", peak>>20)
	}
	if statuses[0] > 0 || statuses[http.StatusOK] == 0 || statuses[http.StatusOK]+statuses[http.StatusServiceUnavailable] != 3*64 {
		t.Errorf("answers %v: want every sign-in answered, signed in or busy", statuses)
	}
}
