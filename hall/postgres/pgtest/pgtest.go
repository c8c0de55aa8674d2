// Package pgtest gives tests a PostgreSQL schema of their own. The server
// comes from $YIZHAN_PG_DSN (start one with
// `eval "$(bash scripts/pg-start.sh)"`); without it PostgreSQL tests skip,
// except in CI (CI=true), where they fail: there they must never skip.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvDSN names the environment variable holding the test server's DSN.
const EnvDSN = "YIZHAN_PG_DSN"

// ServerDSN returns $YIZHAN_PG_DSN, skipping the test when it is unset
// outside CI and failing it in CI.
func ServerDSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(EnvDSN)
	if dsn != "" {
		return dsn
	}
	if os.Getenv("CI") == "true" || os.Getenv("YIZHAN_REQUIRE_PG") != "" {
		tb.Fatalf("%s is not set: PostgreSQL tests never skip in CI or scripts/test.sh (start one with scripts/pg-start.sh)", EnvDSN)
	}
	tb.Skipf("%s not set: skipping PostgreSQL test (eval \"$(bash scripts/pg-start.sh)\" to run it)", EnvDSN)
	return ""
}

// Schema creates an empty schema with a random name, drops it when the test
// ends, and returns a DSN whose connections use it (search_path). Tests on
// separate schemas of one server run in parallel.
func Schema(tb testing.TB) string {
	tb.Helper()
	dsn := ServerDSN(tb)
	b := make([]byte, 6)
	rand.Read(b)
	name := "yz_test_" + hex.EncodeToString(b)
	admin(tb, dsn, `CREATE SCHEMA `+name)
	tb.Cleanup(func() { admin(tb, dsn, `DROP SCHEMA `+name+` CASCADE`) })
	out, err := WithSearchPath(dsn, name)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// WithSearchPath returns dsn with its search_path set to schema, for URL and
// key=value DSNs alike.
func WithSearchPath(dsn, schema string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("pgtest: dsn: %w", err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	return dsn + " search_path=" + schema, nil
}

func admin(tb testing.TB, dsn, stmt string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		tb.Fatalf("pgtest: connect to %s: %v", EnvDSN, err)
	}
	defer func() { _ = conn.Close(ctx) }() // an admin connection, its work done
	if _, err := conn.Exec(ctx, stmt); err != nil {
		tb.Fatalf("pgtest: %s: %v", stmt, err)
	}
}
