//go:build tools

// Package tools pins the Wails CLI that builds the desktop app.
//
// The Wails v2.9.2 CLI does not compile on Go 1.26 with the
// golang.org/x/tools version it requires (v0.17.0), so this separate module
// raises x/tools to a version that does. scripts/install-wails.sh builds the
// CLI from here into bin/wails; the main module never sees these requirements.
package tools

import _ "github.com/wailsapp/wails/v2/cmd/wails"
