//go:build race

package difftest_test

// raceEnabled shortens the default run: the race detector makes every
// operation several times slower, and `go test -race ./...` must stay quick.
const raceEnabled = true
