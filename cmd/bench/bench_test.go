package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// TestQuick runs the whole bench at its quick sizes, every part end to end,
// so that it cannot rot: the figures are not checked (the machine is
// shared), only that each part ran and produced its rows. The PouchDB peer
// runs when cmd/bench/pouch is installed (make bench-quick installs it).
func TestQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("the bench smoke run takes about a minute")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	rep, err := run(ctx, quickConfig(), options{peer: "installed", cache: t.TempDir(), command: "go test ./cmd/bench"})
	if rep != nil {
		var b strings.Builder
		rep.text(&b)
		t.Log("\n" + b.String())
	}
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]bool{}
	for _, r := range rep.Rows {
		sections[strings.Fields(r.Section)[0]] = true
		if r.Ours == "" {
			t.Errorf("row %q has no figure", r.Figure)
		}
	}
	for _, s := range []string{"floor", "initial", "no-op", "per", "pull", "catch-up", "2G", "satellite", "local"} {
		if !sections[s] {
			t.Errorf("no %q rows in the table", s)
		}
	}
	if _, err := os.Stat("pouch/node_modules"); err == nil {
		found := false
		for _, r := range rep.Rows {
			found = found || r.Peer != ""
		}
		if !found {
			t.Error("the PouchDB peer is installed but no row has a peer figure")
		}
	}
}
