package sqlite_test

import (
	"path/filepath"
	"testing"

	"yizhan/app"
	"yizhan/app/sqlite"
	"yizhan/app/storetest"
)

// TestConformance runs the station store's conformance suite on a real
// database file.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(tb testing.TB) app.Store {
		tb.Helper()
		db, err := sqlite.Open(filepath.Join(tb.TempDir(), "station.db"))
		if err != nil {
			tb.Fatal(err)
		}
		return db
	})
}
