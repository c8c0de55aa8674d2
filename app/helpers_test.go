package app_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"yizhan/app"
	appsqlite "yizhan/app/sqlite"
	"yizhan/domain"
	"yizhan/internal/testclock"
)

var ctx = context.Background()

// china is China Standard Time.
var china = time.FixedZone("CST", 8*3600)

// start is when every test station's clock starts: Monday 2 March 2026,
// 09:00 China time.
var start = time.Date(2026, 3, 2, 9, 0, 0, 0, china)

// StationCode is the office code of the test station.
const StationCode = "370112001"

// TestStation is an open station with its fake clock and two signed-up staff.
type TestStation struct {
	*app.Station
	// DB is the station's database, for the checks that read it directly.
	DB    *appsqlite.DB
	Clock *testclock.Clock
	Dir   string
	Head  app.Actor
	Clerk app.Actor
}

// sampleCatalog reads the township sample catalog.
func sampleCatalog(tb testing.TB) []byte {
	tb.Helper()
	b, err := os.ReadFile("testdata/township-sample.json")
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// MustOpenStation opens a station in tb.TempDir() with a fake clock at
// start, initialises it as 370112001, adds a head and a clerk and imports
// the sample catalog. The station is closed when the test ends.
func MustOpenStation(tb testing.TB) *TestStation {
	tb.Helper()
	ts := mustOpenBare(tb, tb.TempDir(), testclock.New(start))
	head, err := ts.AddStaff(ctx, app.System, "wang", "王站长", app.RoleHead, "head-password-1")
	if err != nil {
		tb.Fatalf("add head: %v", err)
	}
	ts.Head = head.Actor()
	clerk, err := ts.AddStaff(ctx, ts.Head, "li", "李窗口", app.RoleClerk, "clerk-password-1")
	if err != nil {
		tb.Fatalf("add clerk: %v", err)
	}
	ts.Clerk = clerk.Actor()
	return ts
}

// mustOpenBare opens and initialises a station and imports the catalog, but
// adds no staff: password hashing is deliberately slow, and the property test
// opens many stations. Its actors are not in the staff table.
func mustOpenBare(tb testing.TB, dir string, clock *testclock.Clock) *TestStation {
	tb.Helper()
	s, db, err := appsqlite.OpenStation(ctx, app.Config{Dir: dir, Now: clock.Now})
	if err != nil {
		tb.Fatalf("open station: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	if err := s.Init(ctx, app.Identity{Code: StationCode, Name: "示例镇便民服务中心", Region: "370112", Kind: "township"}); err != nil {
		tb.Fatalf("init: %v", err)
	}
	if _, err := s.ImportCatalog(ctx, app.System, sampleCatalog(tb)); err != nil {
		tb.Fatalf("import catalog: %v", err)
	}
	return &TestStation{Station: s, DB: db, Clock: clock, Dir: dir,
		Head:  app.Actor{ID: "head-id", Login: "wang", Name: "王站长", Role: app.RoleHead},
		Clerk: app.Actor{ID: "clerk-id", Login: "li", Name: "李窗口", Role: app.RoleClerk}}
}

// residentID returns a valid GB 11643 number for the division, birth date
// (YYYYMMDD) and three-digit order code (odd for men, even for women).
func residentID(division, birth string, order int) string {
	body := fmt.Sprintf("%s%s%03d", division, birth, order%1000)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(body[i]-'0') * w
	}
	return body + string("10X98765432"[sum%11])
}

// person returns a natural-person applicant.
func person(name, id, phone string) domain.Applicant {
	return domain.Applicant{Type: domain.ApplicantPerson, Name: name, IDNumber: id, Phone: phone, Address: "示例区山大路100号2单元"}
}

// Items of the sample catalog the tests use.
const (
	itemStationNow  = "370112-RS-001-01-S" // 即办件 handled at the station: M1 M2 (e-licence) M3 required
	itemHallPension = "370112-RS-002-01-S" // 承诺件 at the hall, 10G, 年满60周岁, situations 01/02
	itemTownship5G  = "370112-ZR-002-01-S" // 承诺件 at the township, 5G: M1 M2 M3 required, M4 optional
	itemHall5G      = "370112-RS-006-01-S" // 承诺件 at the hall, 5G
	itemEmployment  = "370112-RS-007-01-S" // 即办件 for persons and legal persons
	itemMedicalAid  = "370112-YB-005-01-S" // allows 容缺: M5 容缺
)

// allMaterials returns paper inputs for every material of an item's base list.
func allMaterials(tb testing.TB, s *TestStation, code, situation string) []app.MaterialInput {
	tb.Helper()
	it, err := s.Item(ctx, code, 0)
	if err != nil {
		tb.Fatal(err)
	}
	ms, err := it.MaterialsFor(situation)
	if err != nil {
		tb.Fatal(err)
	}
	var out []app.MaterialInput
	for _, m := range ms {
		out = append(out, app.MaterialInput{Code: m.Code, Collected: domain.CollectPaper, Count: 1})
	}
	return out
}

// mustOpenCase opens a case for the applicant with all materials on paper.
func mustOpenCase(tb testing.TB, s *TestStation, item string, ap domain.Applicant) *domain.Case {
	tb.Helper()
	c, err := s.OpenCase(ctx, s.Clerk, app.OpenCaseInput{ItemCode: item, Applicant: ap, Materials: allMaterials(tb, s, item, "")})
	if err != nil {
		tb.Fatalf("open case: %v", err)
	}
	return c
}

// wantCode fails unless err carries the domain error code ("" for nil) and,
// for an error, a Chinese message.
func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := domain.ErrorCode(err); got != code {
		tb.Fatalf("got error code %q (%v), want %q", got, err, code)
	}
	if err != nil && !hasHan(domain.ZhMessage(err)) {
		tb.Fatalf("got Chinese message %q for %v, want a sentence in Chinese", domain.ZhMessage(err), err)
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

// count returns the result of a count(*) query on the station database.
func count(tb testing.TB, s *TestStation, query string, args ...any) int {
	tb.Helper()
	var n int
	if err := s.DB.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	return n
}

// lastAudit returns the newest audit rows' actions, newest first.
func lastAudit(tb testing.TB, s *TestStation, n int) []string {
	tb.Helper()
	rows, err := s.DB.QueryContext(ctx, `SELECT action FROM audit ORDER BY seq DESC LIMIT ?`, n)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		rows.Scan(&a)
		out = append(out, a)
	}
	return out
}

func joinStates(cs []app.CaseSummary) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Number+":"+c.State)
	}
	return strings.Join(out, " ")
}
