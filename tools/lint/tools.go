//go:build tools

// Package tools pins the Go linters CI runs (make lint): staticcheck and
// errcheck, at versions the Go module proxy serves. scripts/install-lint.sh
// builds them from here into bin/; this separate module keeps their
// requirements out of the main module's go.mod.
package tools

import (
	_ "github.com/kisielk/errcheck"
	_ "honnef.co/go/tools/cmd/staticcheck"
)
