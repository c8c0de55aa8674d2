package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"yizhan/hall/postgres/pgtest"
)

// TestSmoke runs a tiny load on SQLite, and on two PostgreSQL instances
// when a server is available, so the benchmark keeps working.
func TestSmoke(t *testing.T) {
	args := []string{"--stations", "6", "--events", "7", "--concurrency", "3", "--configs", "sqlite"}
	t.Run("sqlite", func(t *testing.T) { smoke(t, args) })
	t.Run("pg2", func(t *testing.T) {
		smoke(t, append(args[:6:6], "--pg", pgtest.ServerDSN(t), "--configs", "pg2"))
	})
}

func smoke(t *testing.T, args []string) {
	t.Helper()
	var out bytes.Buffer
	if err := run(context.Background(), args, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	row := strings.Fields(lines[len(lines)-1])
	// config stations events ... errors
	if len(row) != 12 || row[1] != "6" || row[2] != "42" || row[11] != "0" {
		t.Errorf("want 6 stations, 42 events, no errors:\n%s", out.String())
	}
}
