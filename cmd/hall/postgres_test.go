package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"yizhan/hall/postgres/pgtest"
	"yizhan/sync/protocol"
)

// TestServePostgres runs the server on a PostgreSQL schema (--db
// postgres://...), enrols over HTTP, and reads the registry with the CLI
// from the same database.
func TestServePostgres(t *testing.T) {
	dsn := pgtest.Schema(t)
	t.Setenv("YIZHAN_HALL_DIR", t.TempDir())
	t.Setenv("YIZHAN_HALL_DB", "")
	code, out, errs := hallCLI(t, "station", "add", "A01", "示例村", "--db", dsn)
	enrol := enrolCode.FindString(out)
	if code != 0 || enrol == "" {
		t.Fatalf("station add: %d %q %q", code, out, errs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--db", dsn}, &bytes.Buffer{}, logs)
	}()
	addr := waitForAddr(t, logs)

	pub, _, _ := ed25519.GenerateKey(nil)
	id, _ := age.GenerateX25519Identity()
	body, _ := json.Marshal(protocol.EnrollRequest{V: 1, Code: enrol, SignKey: base64.StdEncoding.EncodeToString(pub), AgeKey: id.Recipient().String()})
	resp, err := http.Post("http://"+addr+protocol.PathEnroll, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("enroll: %d", resp.StatusCode)
	}
	t.Setenv("YIZHAN_HALL_DB", dsn) // the environment selects PostgreSQL too
	if code, out, errs := hallCLI(t, "station", "list"); code != 0 || !strings.Contains(out, "enrolled") {
		t.Errorf("CLI while serving: %d %s %s", code, out, errs)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d: %s", code, logs.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not shut down")
	}
}
