package sqlite_test

// Upgrade tests: every released station schema has a fixture in testdata
// (written once by `go run ./app/sqlite/internal/mkfixture`, see
// docs/upgrades.md). They live in an external test package because they open
// the fixtures through package app, as the desktop app does.

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"yizhan/app"
	"yizhan/app/sqlite"
	"yizhan/domain"
	"yizhan/internal/migrate"
)

type manifest struct {
	Schema    int               `json:"schema"`
	Counts    map[string]int    `json:"counts"`
	Cases     map[string]string `json:"cases"`
	Applicant map[string]string `json:"applicants"`
	AuditRows int64             `json:"audit_rows"`
	AuditHead string            `json:"audit_head"`
	Station   string            `json:"station"`
	Tickets   map[string]string `json:"tickets"`
}

// fixtures returns the fixture databases, oldest schema first.
func fixtures(t *testing.T) []string {
	t.Helper()
	fs, err := filepath.Glob("testdata/schema-v*.db")
	if err != nil || len(fs) == 0 {
		t.Fatalf("no fixtures in app/sqlite/testdata (%v)", err)
	}
	sort.Strings(fs)
	return fs
}

// TestEverySchemaHasAFixture fails when a migration is added without the
// fixture of the schema it replaces... and of itself once released.
func TestEverySchemaHasAFixture(t *testing.T) {
	for v := 1; v <= latest(t); v++ {
		if _, err := os.Stat(fmt.Sprintf("testdata/schema-v%d.db", v)); err != nil {
			t.Errorf("schema %d has no fixture: run `go run ./app/sqlite/internal/mkfixture` when releasing it (docs/upgrades.md)", v)
		}
	}
}

// copyFixture copies a fixture into a fresh station data directory.
func copyFixture(t *testing.T, src string) (dir, db string) {
	t.Helper()
	dir = t.TempDir()
	db = filepath.Join(dir, app.DBFile)
	in, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db, in, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, db
}

func readManifest(t *testing.T, fixture string) manifest {
	t.Helper()
	b, err := os.ReadFile(strings.TrimSuffix(fixture, ".db") + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestUpgradeFixtures opens every earlier schema's database with this
// program and checks that every row survived and the audit chain verifies.
func TestUpgradeFixtures(t *testing.T) {
	for _, fx := range fixtures(t) {
		t.Run(filepath.Base(fx), func(t *testing.T) {
			m := readManifest(t, fx)
			dir, dbPath := copyFixture(t, fx)
			st, db, err := sqlite.OpenStation(ctx, app.Config{Dir: dir})
			if err != nil {
				t.Fatalf("open schema-v%d database: %v", m.Schema, err)
			}
			defer st.Close()
			if v, _ := db.SchemaVersion(ctx); v != latest(t) {
				t.Fatalf("schema after open: %d, want %d", v, latest(t))
			}
			if m.Schema < latest(t) {
				if _, err := os.Stat(fmt.Sprintf("%s.schema-%d.bak", dbPath, m.Schema)); err != nil {
					t.Errorf("no copy kept before the upgrade: %v", err)
				}
			}
			for table, want := range m.Counts {
				if table == "case_tally_state" && m.Schema < 4 {
					// Schema 4 moves the legacy evaluated cases back to
					// the state they were rated in, merging their tally
					// rows; mustTalliesEqualRecount checks them below.
					continue
				}
				var got int
				if err := db.QueryRowContext(ctx, `SELECT count(*) FROM "`+table+`"`).Scan(&got); err != nil {
					t.Errorf("table %s: %v", table, err)
					continue
				}
				if got != want {
					t.Errorf("table %s: %d rows after the upgrade, %d before", table, got, want)
				}
			}
			for num, state := range m.Cases {
				var gotState, gotName string
				if err := db.QueryRowContext(ctx, `SELECT state, applicant_name FROM cases WHERE number=?`, num).Scan(&gotState, &gotName); err != nil {
					t.Errorf("case %s: %v", num, err)
					continue
				}
				if state == string(domain.StateEvaluated) {
					// Schema 4: a rating is not a step. The case is back in
					// the state its rating was based on.
					state = ratedIn(t, db, num)
				}
				if gotState != state || gotName != m.Applicant[num] {
					t.Errorf("case %s: %s/%s, want %s/%s", num, gotState, gotName, state, m.Applicant[num])
				}
			}
			for num, status := range m.Tickets {
				var got string
				if err := db.QueryRowContext(ctx, `SELECT status FROM tickets WHERE number=?`, num).Scan(&got); err != nil || got != status {
					t.Errorf("ticket %s: %q (%v), want %q", num, got, err, status)
				}
			}
			if err := db.IntegrityCheck(ctx); err != nil {
				t.Fatal(err)
			}
			mustTalliesEqualRecount(t, db, "after the upgrade")
			rep, err := st.VerifyAudit(ctx)
			if err != nil || !rep.OK || rep.Rows != m.AuditRows || rep.Head != m.AuditHead {
				t.Fatalf("audit after the upgrade: %+v %v, want %d rows ending %s", rep, err, m.AuditRows, m.AuditHead)
			}
			if st.Code() != m.Station {
				t.Fatalf("station code %q, want %q", st.Code(), m.Station)
			}

			// The upgraded station works: the head signs in with the old
			// password, finds a case by name and opens a new one.
			head, err := st.SignIn(ctx, "wang", "head-password-1")
			if err != nil {
				t.Fatalf("sign in after the upgrade: %v", err)
			}
			page, err := st.FindCases(ctx, head.Actor(), app.CaseFilter{Query: m.Applicant["370112001-20260302-0001"]})
			if err != nil || page.Total != 1 {
				t.Fatalf("search by name after the upgrade: %+v %v", page, err)
			}
			if _, err := st.OpenCase(ctx, head.Actor(), app.OpenCaseInput{ItemCode: "370112-RS-001-01-S",
				Applicant: domain.Applicant{Type: domain.ApplicantPerson, Name: "新申请人", IDNumber: "11010519491231002X", Phone: "13800000000"}}); err != nil {
				t.Fatalf("open a case after the upgrade: %v", err)
			}
			mustTalliesEqualRecount(t, db, "after a new case")
			if rep, err := st.VerifyAudit(ctx); err != nil || !rep.OK {
				t.Fatalf("audit after new work: %+v %v", rep, err)
			}
		})
	}
}

// ratedIn returns the state a case was in when the old state machine moved
// it to evaluated: the from of its evaluate event.
func ratedIn(t *testing.T, db *sqlite.DB, number string) string {
	t.Helper()
	var from string
	if err := db.QueryRowContext(ctx, `SELECT e.from_state FROM events e JOIN cases c ON c.id = e.case_id
		WHERE c.number=? AND e.kind='evaluate' ORDER BY e.local_seq LIMIT 1`, number).Scan(&from); err != nil {
		t.Fatalf("case %s: its evaluate event: %v", number, err)
	}
	return from
}

// TestUpgradeUnsticksRatedCases: a station whose citizen rated a concluded
// case before the delivery was recorded (schema 3 and before moved it to
// evaluated, where no step was left) gets the case back as concluded on
// upgrade, keeps the rating, and can record the delivery.
func TestUpgradeUnsticksRatedCases(t *testing.T) {
	fx := fixtures(t)
	for _, f := range fx {
		m := readManifest(t, f)
		if m.Schema != 3 {
			continue
		}
		dir, dbPath := copyFixture(t, f)
		raw, err := sql.Open("sqlite3", "file:"+dbPath)
		if err != nil {
			t.Fatal(err)
		}
		// What the old Evaluate wrote for a rating of the concluded case
		// 0006: an evaluate event based on concluded, the case evaluated.
		const num = "370112001-20260302-0006"
		for _, q := range []string{
			`INSERT INTO events(id,case_id,kind,from_state,payload,actor,actor_name,office,hlc,at,status)
				SELECT '01900000-0000-7000-8000-0000000000ee', id, 'evaluate', 'concluded', '{"level":5,"source":"pad"}', 'li', '李窗口',
					'370112001', '0019d0000000a.000000.370112001', '2026-03-02T05:00:00.000000000Z', 'pending' FROM cases WHERE number='` + num + `'`,
			`UPDATE case_tally_state SET n = n - 1 WHERE state='concluded'`,
			`DELETE FROM case_tally_state WHERE n = 0`,
			`INSERT INTO case_tally_state(state,due_date,n) SELECT 'evaluated', due_date, 1 FROM cases WHERE number='` + num + `'
				ON CONFLICT(state,due_date) DO UPDATE SET n = n + 1`,
			`UPDATE cases SET state='evaluated', body=json_set(json_set(body,'$.state','evaluated'),'$.evaluation',json('{"level":5,"source":"pad"}'))
				WHERE number='` + num + `'`,
		} {
			if _, err := raw.Exec(q); err != nil {
				t.Fatalf("make the stuck case: %v", err)
			}
		}
		raw.Close()

		st, db, err := sqlite.OpenStation(ctx, app.Config{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		c, err := st.LoadCase(ctx, num)
		if err != nil || c.State != domain.StateConcluded || c.Evaluation == nil || c.Evaluation.Level != 5 {
			t.Fatalf("after the upgrade: %+v %v, want concluded with its rating", c, err)
		}
		folded, err := st.StateFromEvents(ctx, c.ID)
		if err != nil || folded.State != c.State {
			t.Fatalf("the events fold to %v (%v), the stored case is %s", folded, err, c.State)
		}
		mustTalliesEqualRecount(t, db, "after unsticking")
		head, err := st.SignIn(ctx, "wang", "head-password-1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.StartDelivery(ctx, head.Actor(), c.ID, domain.Delivery{Method: "pickup"}); err != nil {
			t.Fatalf("delivery after the upgrade: %v", err)
		}
		if c, err = st.Deliver(ctx, head.Actor(), c.ID, "周八"); err != nil || c.State != domain.StateDelivered {
			t.Fatalf("deliver after the upgrade: %v %v", c, err)
		}
		return
	}
	t.Fatal("no schema-3 fixture")
}

// mustTalliesEqualRecount checks the dashboard's tallies of cases (schema
// 3), which an upgrade builds from the cases and putCase keeps, against a
// GROUP BY over the cases.
func mustTalliesEqualRecount(t *testing.T, db *sqlite.DB, when string) {
	t.Helper()
	for _, q := range [][2]string{
		{`SELECT state || '|' || due_date, n FROM case_tally_state`, `SELECT state || '|' || due_date, count(*) FROM cases GROUP BY state, due_date`},
		{`SELECT hour || '|' || channel || '|' || item_name, n FROM case_tally_hour`,
			`SELECT substr(received_at, 1, 13) || '|' || channel || '|' || item_name, count(*) FROM cases GROUP BY 1`},
	} {
		var got, want map[string]int
		for i, dst := range []*map[string]int{&got, &want} {
			rows, err := db.QueryContext(ctx, q[i])
			if err != nil {
				t.Fatalf("%s: %v", when, err)
			}
			*dst = map[string]int{}
			for rows.Next() {
				var k string
				var n int
				if err := rows.Scan(&k, &n); err != nil {
					t.Fatal(err)
				}
				(*dst)[k] = n
			}
			rows.Close()
		}
		if len(want) == 0 || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %s gives %v, a recount %v", when, q[0], got, want)
		}
	}
}

// TestNewerDatabaseRefusedUntouched: a database written by a newer Yizhan is
// not opened, the clerk is told to upgrade, and the file is byte-identical.
func TestNewerDatabaseRefusedUntouched(t *testing.T) {
	fx := fixtures(t)
	dir, dbPath := copyFixture(t, fx[len(fx)-1])
	raw, err := sql.Open("sqlite3", "file:"+dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, latest(t)+1)); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	before := fileHash(t, dbPath)

	_, _, err = sqlite.OpenStation(ctx, app.Config{Dir: dir})
	if err == nil {
		t.Fatal("a newer database was opened")
	}
	if domain.ErrorCode(err) != domain.EInvalid || !strings.Contains(domain.ZhMessage(err), "升级") || !strings.Contains(domain.ErrorMessage(err), "newer") {
		t.Fatalf("got %q / %q, want a clear 'upgrade first' message", domain.ErrorMessage(err), domain.ZhMessage(err))
	}
	if _, err := sqlite.Open(dbPath); !errors.Is(err, migrate.ErrTooNew) {
		t.Fatalf("sqlite.Open: %v, want ErrTooNew", err)
	}
	if after := fileHash(t, dbPath); after != before {
		t.Fatal("refusing the database changed the file")
	}
	for _, side := range []string{"-wal", "-journal"} {
		if info, err := os.Stat(dbPath + side); err == nil && info.Size() > 0 {
			t.Fatalf("refusing the database left %s (%d bytes)", side, info.Size())
		}
	}
	if ents, _ := filepath.Glob(dbPath + ".schema-*.bak"); len(ents) > 0 {
		t.Fatalf("a refused database was copied: %v", ents)
	}
}

// dump is the database's logical content: schema, version and every row.
func dump(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var b strings.Builder
	var v int
	db.QueryRow(`PRAGMA user_version`).Scan(&v)
	fmt.Fprintf(&b, "user_version %d\n", v)
	rows, err := db.Query(`SELECT type, name, coalesce(sql,'') FROM sqlite_master ORDER BY type, name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var typ, name, s string
		rows.Scan(&typ, &name, &s)
		fmt.Fprintf(&b, "%s %s %s\n", typ, name, s)
		if typ == "table" {
			tables = append(tables, name)
		}
	}
	rows.Close()
	for _, tbl := range tables {
		rows, err := db.Query(`SELECT * FROM "` + tbl + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			lines = append(lines, fmt.Sprintf("%v", vals))
		}
		rows.Close()
		sort.Strings(lines)
		fmt.Fprintf(&b, "%s %d\n%s\n", tbl, len(lines), strings.Join(lines, "\n"))
	}
	return b.String()
}

// TestFailedMigrationLeavesDatabaseAsItWas upgrades a fixture with two
// extra migrations, the second of which fails half-way: nothing of either
// may remain, and the station still opens.
func TestFailedMigrationLeavesDatabaseAsItWas(t *testing.T) {
	fx := fixtures(t)
	dir, dbPath := copyFixture(t, fx[len(fx)-1])
	before := dump(t, dbPath)
	ms, err := sqlite.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	n := latest(t)
	bad := append(append([]migrate.Migration(nil), ms...),
		migrate.Migration{Version: n + 1, Name: fmt.Sprintf("%04d_good.sql", n+1), SQL: `
			CREATE TABLE upgrade_probe (x TEXT);
			ALTER TABLE cases ADD COLUMN probe TEXT NOT NULL DEFAULT '';
			UPDATE cases SET state = 'probe';
			DELETE FROM tickets;`},
		migrate.Migration{Version: n + 2, Name: fmt.Sprintf("%04d_bad.sql", n+2), SQL: `
			UPDATE staff SET name = 'probe';
			CREATE TABLE upgrade_probe2 (y TEXT);
			INSERT INTO no_such_table VALUES (1);`},
	)
	db, err := sqlite.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	err = db.MigrateWith(ctx, bad, 0)
	db.Close()
	if err == nil || !strings.Contains(err.Error(), "_bad.sql") || !strings.Contains(err.Error(), "no_such_table") {
		t.Fatalf("got %v, want the failing migration named", err)
	}
	if after := dump(t, dbPath); after != before {
		t.Fatalf("a failed migration changed the database:\n--- before\n%.2000s\n--- after\n%.2000s", before, after)
	}
	bak := fmt.Sprintf("%s.schema-%d.bak", dbPath, n)
	if got := dump(t, bak); got != before {
		t.Fatal("the copy kept before the upgrade differs from the database")
	}
	st, _, err := sqlite.OpenStation(ctx, app.Config{Dir: dir})
	if err != nil {
		t.Fatalf("open after the failed upgrade: %v", err)
	}
	defer st.Close()
	if rep, err := st.VerifyAudit(ctx); err != nil || !rep.OK {
		t.Fatalf("audit: %+v %v", rep, err)
	}
}
