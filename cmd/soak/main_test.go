package main

import "testing"

func TestDeadlineFlake(t *testing.T) {
	cases := map[string]struct {
		out   string
		flake bool
	}{
		"the engine's race": {`fuzz: elapsed: 10s, execs: 411899 (26382/sec), new interesting: 1 (total: 123)
--- FAIL: FuzzParseResidentID (10.07s)
    context deadline exceeded
FAIL
exit status 1`, true},
		"a failing input": {`--- FAIL: FuzzParseResidentID (0.31s)
    --- FAIL: FuzzParseResidentID (0.00s)
        ident_test.go:88: accepted "11010519491231002X" twice
    Failing input written to testdata/fuzz/FuzzParseResidentID/0b1c
    To re-run:
    go test -run=FuzzParseResidentID/0b1c
FAIL`, false},
		"a panic": {`--- FAIL: FuzzDecodeCols (0.02s)
    --- FAIL: FuzzDecodeCols (0.00s)
        testing.go:1591: panic: runtime error: index out of range [recovered]
    context deadline exceeded
FAIL`, false},
		"a test failure and the deadline": {`--- FAIL: FuzzApply (10.01s)
    apply_test.go:40: state rebuilt differs
    context deadline exceeded
FAIL`, false},
		"other failure": {`# yizhan/ident
ident/x.go:3:1: syntax error
FAIL`, false},
	}
	for name, c := range cases {
		if got := deadlineFlake(c.out); got != c.flake {
			t.Errorf("%s: deadlineFlake = %v, want %v", name, got, c.flake)
		}
	}
}
