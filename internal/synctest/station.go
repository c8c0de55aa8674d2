// Package synctest holds what the sync tests share: stations on real SQLite
// files with a small catalog and a signed-in clerk (TestStation), and Hall,
// a real hall on a SQLite file behind a fault proxy that can be told to
// fail. It builds both sides, so it belongs to neither: only tests import
// it.
package synctest

import (
	"context"
	_ "embed"
	"testing"

	"yizhan/app"
	appsqlite "yizhan/app/sqlite"
	"yizhan/domain"
)

//go:embed catalog.json
var catalogJSON []byte

// Item codes in the test catalog.
const (
	StationItem = "370112-RS-001-01-S" // handled at the station, immediate
	HallItem    = "370112-RS-002-01-S" // handled at the hall
)

// Catalog returns the test catalog JSON.
func Catalog() []byte { return append([]byte(nil), catalogJSON...) }

// TestStation is an open station with a signed-in clerk: the station
// side of a sync test (app.Station with what a test needs around it).
type TestStation struct {
	*app.Station
	// DB is the station's database, for the checks that read it directly.
	DB    *appsqlite.DB
	Actor app.Actor
	Dir   string
}

// OpenStation opens a station in dir (created if needed) with the test
// catalog imported and a station head signed in. Code "" leaves the station
// uninitialised (for enrolment to initialise it).
func OpenStation(tb testing.TB, dir, code string) *TestStation {
	tb.Helper()
	ctx := context.Background()
	st, db, err := appsqlite.OpenStation(ctx, app.Config{Dir: dir})
	if err != nil {
		tb.Fatalf("open station: %v", err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	if code != "" && st.Code() == "" {
		if err := st.Init(ctx, app.Identity{Code: code, Name: "测试驿站 " + code, Region: "370112"}); err != nil {
			tb.Fatalf("init station: %v", err)
		}
	}
	s := &TestStation{Station: st, DB: db, Dir: dir}
	s.ensureStaff(tb)
	return s
}

func (s *TestStation) ensureStaff(tb testing.TB) {
	tb.Helper()
	ctx := context.Background()
	staff, err := s.SignIn(ctx, "head", "password-123")
	if err != nil {
		if _, err := s.AddStaff(ctx, app.System, "head", "站长", app.RoleHead, "password-123"); err != nil {
			tb.Fatalf("add staff: %v", err)
		}
		if staff, err = s.SignIn(ctx, "head", "password-123"); err != nil {
			tb.Fatalf("sign in: %v", err)
		}
	}
	s.Actor = staff.Actor()
	if _, err := s.ImportCatalog(ctx, s.Actor, catalogJSON); err != nil {
		tb.Fatalf("import catalog: %v", err)
	}
}

// OpenCase opens a case of item with all materials collected on paper.
func (s *TestStation) OpenCase(tb testing.TB, item string) *domain.Case {
	tb.Helper()
	ctx := context.Background()
	it, err := s.Item(ctx, item, 0)
	if err != nil {
		tb.Fatalf("item %s: %v", item, err)
	}
	list, err := it.MaterialsFor("")
	if err != nil {
		tb.Fatalf("item %s: %v", item, err)
	}
	var mats []app.MaterialInput
	for _, m := range list {
		mats = append(mats, app.MaterialInput{Code: m.Code, Collected: domain.CollectPaper})
	}
	c, err := s.Station.OpenCase(ctx, s.Actor, app.OpenCaseInput{ItemCode: item, Channel: domain.ChannelWindow, Materials: mats,
		Applicant: domain.Applicant{Name: "张三", IDNumber: "11010519491231002X", Phone: "13800138000"}})
	if err != nil {
		tb.Fatalf("open case: %v", err)
	}
	return c
}

// Note adds a note to a case: a cheap event.
func (s *TestStation) Note(tb testing.TB, caseID, text string) {
	tb.Helper()
	if _, err := s.AddNote(context.Background(), s.Actor, caseID, text); err != nil {
		tb.Fatalf("note: %v", err)
	}
}

// Pending returns the number of pending events.
func (s *TestStation) Pending(tb testing.TB) int {
	tb.Helper()
	n, err := s.PendingCount(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// EventStatus returns an event's status and hall position at the station.
func (s *TestStation) EventStatus(tb testing.TB, id string) (status string, hallSeq int64) {
	tb.Helper()
	var hs *int64
	err := s.DB.QueryRowContext(context.Background(), `SELECT status, hall_seq FROM events WHERE id=?`, id).Scan(&status, &hs)
	if err != nil {
		tb.Fatalf("event %s: %v", id, err)
	}
	if hs != nil {
		hallSeq = *hs
	}
	return status, hallSeq
}

// EventIDs returns every event id the station holds, in local order.
func (s *TestStation) EventIDs(tb testing.TB) []string {
	tb.Helper()
	rows, err := s.DB.QueryContext(context.Background(), `SELECT id FROM events ORDER BY local_seq`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			tb.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return ids
}

// CaseBody returns a case's stored state as JSON, for comparing replicas.
func (s *TestStation) CaseBody(tb testing.TB, id string) string {
	tb.Helper()
	var body string
	if err := s.DB.QueryRowContext(context.Background(), `SELECT body FROM cases WHERE id=?`, id).Scan(&body); err != nil {
		tb.Fatalf("case %s: %v", id, err)
	}
	return body
}
