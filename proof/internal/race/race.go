//go:build !race

// Package race reports whether the race detector is built in, so the long
// proof suites can run a short version under `go test -race` (which `make
// test` uses) and their full length in the separate non-race run.
package race

// Enabled is true when the binary was built with -race.
const Enabled = false
