package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"yizhan/hall"
	"yizhan/hall/console"
	hallsqlite "yizhan/hall/sqlite"
)

// BenchmarkSignInConcurrent measures the hall's memory under a crowd of
// console sign-ins: each iteration is 64 sign-ins at once over HTTP, each
// an argon2id check of 19 MiB. It reports the process's peak resident
// memory (VmHWM, Linux) as peak-RSS-MiB; the hashing slots
// (hall.SignInLimits.Hashes) keep it under 300 MiB. Run it alone, so that
// nothing else raised the peak first:
//
//	go test ./hall/console -run '^$' -bench SignInConcurrent -benchtime 5x
func BenchmarkSignInConcurrent(b *testing.B) {
	if _, err := peakRSS(); err != nil {
		b.Skip(err)
	}
	ctx := context.Background()
	dir := b.TempDir()
	store, err := hallsqlite.Open(ctx, filepath.Join(dir, "hall.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	svc, err := hall.New(ctx, store, hall.Config{Dir: filepath.Join(dir, "data")})
	if err != nil {
		b.Fatal(err)
	}
	h, err := console.New(svc, console.Config{})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	if _, err := svc.AddStaff(ctx, "li", "李", hall.RoleApprover, password); err != nil {
		b.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{"login": "li", "password": password})
	before, _ := peakRSS()
	busy := 0
	var mu sync.Mutex
	for b.Loop() {
		var wg sync.WaitGroup
		for range 64 {
			wg.Go(func() {
				req, _ := http.NewRequest(http.MethodPost, srv.URL+"/console/api/session", bytes.NewReader(body))
				req.Header.Set(console.CSRFHeader, "1")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					mu.Lock()
					busy++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
	}
	peak, _ := peakRSS()
	b.ReportMetric(float64(peak>>20), "peak-RSS-MiB")
	b.ReportMetric(float64(before>>20), "start-RSS-MiB")
	b.ReportMetric(float64(busy), "refused")
}

// peakRSS is this process's peak resident memory (VmHWM), in bytes.
func peakRSS() (int64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			_, err := fmt.Sscanf(strings.TrimSpace(v), "%d kB", &kb)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmHWM")
}
