package main

import (
	"database/sql"
	"fmt"
	"testing"

	"yizhan/app/sqlite"
)

// bumpUserVersion marks a database as written by a future schema.
func bumpUserVersion(t *testing.T, path string, v int) {
	t.Helper()
	db, err := sql.Open("sqlite3", sqlite.DSN(path))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, v)); err != nil {
		t.Fatal(err)
	}
}
