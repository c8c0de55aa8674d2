// Command mkfixture writes the upgrade fixture of the current station schema:
// app/sqlite/testdata/schema-v<N>.db, a station database with realistic data in
// every table (cases in every state, their events and audit rows, tickets,
// appointments, ratings, attachments, sync acknowledgements), and
// schema-v<N>.json, what the upgrade test expects to find in it after any
// later version has migrated it.
//
//	go run ./app/sqlite/internal/mkfixture            # from the repository root
//
// A fixture is written once, when a schema version is released, and is never
// regenerated: it stands for the databases stations already have. The
// command therefore refuses to overwrite one (docs/upgrades.md).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"time"

	"yizhan/app"
	"yizhan/app/sqlite"
	"yizhan/domain"
	"yizhan/internal/testclock"
	"yizhan/workday"
)

// Manifest is schema-v<N>.json.
type Manifest struct {
	Schema    int               `json:"schema"`
	Generated string            `json:"generated_by"`
	Counts    map[string]int    `json:"counts"`     // rows per table
	Cases     map[string]string `json:"cases"`      // case number -> state
	Applicant map[string]string `json:"applicants"` // case number -> applicant name
	AuditRows int64             `json:"audit_rows"`
	AuditHead string            `json:"audit_head"`
	Station   string            `json:"station"`
	Tickets   map[string]string `json:"tickets"` // ticket number -> status
}

var ctx = context.Background()

func main() {
	out := flag.String("out", "app/sqlite/testdata", "fixture directory")
	catalog := flag.String("catalog", "app/testdata/township-sample.json", "catalog to import")
	force := flag.Bool("force", false, "overwrite an existing fixture (only while the schema is unreleased)")
	flag.Parse()
	ms, err := sqlite.Migrations()
	if err != nil {
		log.Fatal(err)
	}
	v := ms[len(ms)-1].Version
	dbOut := filepath.Join(*out, fmt.Sprintf("schema-v%d.db", v))
	jsonOut := filepath.Join(*out, fmt.Sprintf("schema-v%d.json", v))
	if _, err := os.Stat(dbOut); err == nil && !*force {
		log.Fatalf("%s exists: fixtures of released schemas are frozen (see docs/upgrades.md)", dbOut)
	}
	work, err := os.MkdirTemp("", "mkfixture")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(work)

	// Create the schema at exactly v, then fill it through the services.
	db, err := sqlite.OpenAt(filepath.Join(work, app.DBFile), v)
	if err != nil {
		log.Fatal(err)
	}
	db.Close()
	m, err := fill(work, *catalog)
	if err != nil {
		log.Fatal(err)
	}
	m.Schema = v

	st, db, err := sqlite.OpenStation(ctx, app.Config{Dir: work})
	if err != nil {
		log.Fatal(err)
	}
	os.Remove(dbOut)
	if err := db.Backup(ctx, dbOut); err != nil { // VACUUM INTO: one compact file, no WAL
		log.Fatal(err)
	}
	st.Close()
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(jsonOut, append(b, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("wrote %s and %s: %v\n", dbOut, jsonOut, m.Counts)
}

// china is China Standard Time.
var china = time.FixedZone("CST", 8*3600)

// fill runs a fortnight of a township station through the services.
func fill(dir, catalogPath string) (*Manifest, error) {
	clk := testclock.New(time.Date(2026, 3, 2, 9, 0, 0, 0, china))
	st, db, err := sqlite.OpenStation(ctx, app.Config{Dir: dir, Now: clk.Now})
	if err != nil {
		return nil, err
	}
	defer st.Close()
	must := func(err error, what string) {
		if err != nil {
			log.Fatalf("%s: %v", what, err)
		}
	}
	must(st.Init(ctx, app.Identity{Code: "370112001", Name: "示例镇便民服务中心", Region: "370112", Kind: "township"}), "init")
	headS, err := st.AddStaff(ctx, app.System, "wang", "王站长", app.RoleHead, "head-password-1")
	must(err, "head")
	head := headS.Actor()
	clerkS, err := st.AddStaff(ctx, head, "li", "李窗口", app.RoleClerk, "clerk-password-1")
	must(err, "clerk")
	clerk := clerkS.Actor()
	_, err = st.AddStaff(ctx, head, "zhao", "赵帮办", app.RoleHelper, "helper-password-1")
	must(err, "helper")
	cat, err := os.ReadFile(catalogPath)
	must(err, "catalog")
	_, err = st.ImportCatalog(ctx, head, cat)
	must(err, "import catalog")
	must(st.PublishCalendar(ctx, head, workday.YearSpec{Year: 2027, Source: "国办发明电〔2026〕12号（测试）",
		Holidays: []workday.Date{workday.MustParseDate("2027-01-01")}}), "calendar")

	person := func(name, id, phone string) domain.Applicant {
		return domain.Applicant{Type: domain.ApplicantPerson, Name: name, IDNumber: id, Phone: phone, Address: "示例区山大路100号2单元"}
	}
	materials := func(code string) []app.MaterialInput {
		it, err := st.Item(ctx, code, 0)
		must(err, "item "+code)
		ms, err := it.MaterialsFor("")
		must(err, "materials "+code)
		var out []app.MaterialInput
		for _, m := range ms {
			out = append(out, app.MaterialInput{Code: m.Code, Collected: domain.CollectPaper, Count: 1})
		}
		return out
	}
	open := func(item, name, id, phone string, full bool) *domain.Case {
		in := app.OpenCaseInput{ItemCode: item, Applicant: person(name, id, phone)}
		if full {
			in.Materials = materials(item)
		}
		c, err := st.OpenCase(ctx, clerk, in)
		must(err, "open case for "+name)
		clk.Add(7 * time.Minute)
		return c
	}
	const (
		stationNow = "370112-RS-001-01-S" // 即办件 at the station
		township5G = "370112-ZR-002-01-S" // 承诺件 at the township
		hall5G     = "370112-RS-006-01-S" // 承诺件 at the hall
	)
	// Valid GB 11643 numbers.
	ids := []string{"11010519491231002X", residentID("19600115", 11), residentID("19850723", 22), residentID("19700312", 31),
		residentID("19991111", 44), residentID("19550505", 51), residentID("19880808", 62), residentID("20010203", 73), residentID("19661212", 85)}

	// received, with the one-time notice's list still open
	c1 := open(stationNow, "张三", ids[0], "13812345678", false)
	// correction requested
	c2 := open(township5G, "李四", ids[1], "13912345678", false)
	_, err = st.RequestCorrection(ctx, clerk, c2.ID, "", []string{"村委会证明"})
	must(err, "correction")
	// not accepted
	c3 := open(township5G, "王五", ids[2], "13712345678", true)
	_, err = st.NotAccept(ctx, clerk, c3.ID, "不属于本镇受理范围")
	must(err, "not accept")
	// forwarded to the hall (with an attachment on a material)
	c4 := open(hall5G, "赵六", ids[3], "13612345678", true)
	sha, err := st.ImportBlob(ctx, clerk, "户口簿.pdf", "application/pdf", bytes.NewReader([]byte("%PDF-1.4 fixture scan of a household register\n")))
	must(err, "blob")
	_, err = st.RecordMaterial(ctx, clerk, c4.ID, app.MaterialInput{Code: c4.Materials[0].Code, Collected: domain.CollectScan, Blobs: []string{sha}})
	must(err, "scan")
	_, err = st.Accept(ctx, clerk, c4.ID)
	must(err, "accept c4")
	_, err = st.Forward(ctx, clerk, c4.ID)
	must(err, "forward")
	// suspended in process
	c5 := open(township5G, "孙七", ids[4], "13512345678", true)
	_, err = st.Accept(ctx, clerk, c5.ID)
	must(err, "accept c5")
	_, err = st.StartProcess(ctx, clerk, c5.ID)
	must(err, "process c5")
	_, err = st.Suspend(ctx, clerk, c5.ID, "现场勘验", "inspection", "G")
	must(err, "suspend")
	// refused
	c6 := open(township5G, "周八", ids[5], "13412345678", true)
	_, err = st.Accept(ctx, clerk, c6.ID)
	must(err, "accept c6")
	_, err = st.StartProcess(ctx, clerk, c6.ID)
	must(err, "process c6")
	_, err = st.Conclude(ctx, clerk, c6.ID, domain.ResultRefused, "不符合申领条件", "")
	must(err, "refuse")
	// delivering by EMS
	c7 := open(stationNow, "吴九", ids[6], "15012345678", true)
	_, err = st.Accept(ctx, clerk, c7.ID)
	must(err, "accept c7")
	_, err = st.StartProcess(ctx, clerk, c7.ID)
	must(err, "process c7")
	_, err = st.Conclude(ctx, clerk, c7.ID, domain.ResultApproved, "", "CERT-2026-0007")
	must(err, "approve c7")
	_, err = st.StartDelivery(ctx, clerk, c7.ID, domain.Delivery{Method: "ems", Waybill: "1180000012345"})
	must(err, "ems")
	// rated before the delivery was signed for (schema 4: a rating is not a step)
	_, err = st.Evaluate(ctx, clerk, app.EvaluationInput{CaseID: c7.ID, Evaluation: domain.Evaluation{Level: 4, Source: "kiosk"}})
	must(err, "rating before delivery")
	// delivered, rated badly (a rectification), noted, phone changed
	c8 := open(stationNow, "郑十", ids[7], "15112345678", true)
	_, err = st.Accept(ctx, clerk, c8.ID)
	must(err, "accept c8")
	_, err = st.StartProcess(ctx, clerk, c8.ID)
	must(err, "process c8")
	_, err = st.Conclude(ctx, clerk, c8.ID, domain.ResultApproved, "", "CERT-2026-0008")
	must(err, "approve c8")
	_, err = st.StartDelivery(ctx, clerk, c8.ID, domain.Delivery{Method: "pickup"})
	must(err, "pickup")
	_, err = st.Deliver(ctx, clerk, c8.ID, "郑十")
	must(err, "deliver")
	p := "15212345678"
	_, err = st.UpdateApplicant(ctx, clerk, c8.ID, domain.ApplicantUpdate{Phone: &p})
	must(err, "update applicant")
	_, err = st.Evaluate(ctx, clerk, app.EvaluationInput{CaseID: c8.ID, Contact: "15212345678",
		Evaluation: domain.Evaluation{Level: 2, Source: "pad", Comment: "等待时间太长"}})
	must(err, "bad review")
	_, err = st.AddNote(ctx, clerk, c8.ID, "回访：已致歉并说明原因")
	must(err, "note")
	// delivered and rated well
	c9 := open(stationNow, "冯十一", ids[8], "15312345678", true)
	for _, step := range []func() error{
		func() error { _, err := st.Accept(ctx, clerk, c9.ID); return err },
		func() error { _, err := st.StartProcess(ctx, clerk, c9.ID); return err },
		func() error {
			_, err := st.Conclude(ctx, clerk, c9.ID, domain.ResultApproved, "", "CERT-2026-0009")
			return err
		},
		func() error {
			_, err := st.StartDelivery(ctx, clerk, c9.ID, domain.Delivery{Method: "pickup"})
			return err
		},
		func() error { _, err := st.Deliver(ctx, clerk, c9.ID, "冯十一"); return err },
		func() error {
			_, err := st.Evaluate(ctx, clerk, app.EvaluationInput{CaseID: c9.ID, Evaluation: domain.Evaluation{Level: 5, Source: "pad"}})
			return err
		},
	} {
		must(step(), "c9")
	}
	_ = c1
	// accepted; in process; delivered but not rated
	c10 := open(township5G, "卫十四", residentID("19771010", 93), "15512345678", true)
	_, err = st.Accept(ctx, clerk, c10.ID)
	must(err, "accept c10")
	c11 := open(township5G, "蒋十五", residentID("19830303", 105), "15612345678", true)
	_, err = st.Accept(ctx, clerk, c11.ID)
	must(err, "accept c11")
	_, err = st.StartProcess(ctx, clerk, c11.ID)
	must(err, "process c11")
	c12 := open(stationNow, "沈十六", residentID("19920606", 117), "15712345678", true)
	for _, step := range []func() error{
		func() error { _, err := st.Accept(ctx, clerk, c12.ID); return err },
		func() error { _, err := st.StartProcess(ctx, clerk, c12.ID); return err },
		func() error {
			_, err := st.Conclude(ctx, clerk, c12.ID, domain.ResultApproved, "", "CERT-2026-0012")
			return err
		},
		func() error {
			_, err := st.StartDelivery(ctx, clerk, c12.ID, domain.Delivery{Method: "pickup"})
			return err
		},
		func() error { _, err := st.Deliver(ctx, clerk, c12.ID, "沈十六"); return err },
	} {
		must(step(), "c12")
	}

	// The queue: served, absent, transferred, waiting; an appointment.
	ap, err := st.BookAppointment(ctx, clerk, app.Appointment{Name: "陈十二", Phone: "18612345678", ItemCode: stationNow,
		Day: "2026-03-03", Slot: app.Slots[1]})
	must(err, "appointment")
	_, err = st.BookAppointment(ctx, clerk, app.Appointment{Name: "褚十三", Phone: "18712345678", ItemCode: township5G,
		Day: "2026-03-03", Slot: app.Slots[2]})
	must(err, "appointment 2")
	must(st.SetAppointmentStatus(ctx, clerk, ap.ID, "cancelled"), "cancel appointment")
	t1, err := st.IssueTicket(ctx, clerk, stationNow, "")
	must(err, "ticket 1")
	t2, err := st.IssueTicket(ctx, clerk, township5G, "")
	must(err, "ticket 2")
	t3, err := st.IssueTicket(ctx, clerk, stationNow, "")
	must(err, "ticket 3")
	_, err = st.IssueTicket(ctx, clerk, stationNow, "")
	must(err, "ticket 4")
	_, err = st.CallNext(ctx, clerk, "1号窗口")
	must(err, "call")
	_, err = st.FinishTicket(ctx, clerk, t1.ID, false)
	must(err, "finish")
	_, err = st.Evaluate(ctx, head, app.EvaluationInput{TicketID: t1.ID, Evaluation: domain.Evaluation{Level: 5, Source: "paper"}})
	must(err, "ticket rating")
	// Rating invitations (schema 6): one rated on the pad, one still open.
	inv, err := st.InviteRating(ctx, clerk, "1", "", c12.ID)
	must(err, "invite rating")
	_, err = st.PadEvaluate(ctx, inv.ID, domain.Evaluation{Level: 4}, "")
	must(err, "pad rating")
	_, err = st.InviteRating(ctx, clerk, "1", "", c10.ID)
	must(err, "open invitation")
	_, err = st.CallNext(ctx, clerk, "1号窗口")
	must(err, "call 2")
	_, err = st.FinishTicket(ctx, clerk, t2.ID, true)
	must(err, "absent")
	_, err = st.CallNext(ctx, clerk, "1号窗口")
	must(err, "call 3")
	_, err = st.TransferTicket(ctx, clerk, t3.ID, township5G, "事项选错")
	must(err, "transfer")
	_, err = st.RecordExtendedSession(ctx, clerk, app.ExtendedSession{Day: "2026-03-02", Kind: "lunch", Start: "12:00", End: "13:30", Staff: "李窗口", Served: 4})
	must(err, "extended session")

	// The hall acknowledged the first events; one was a conflict.
	evs, err := st.PendingEvents(ctx, 10)
	must(err, "pending")
	var acks []app.Ack
	for i, e := range evs {
		status := "accepted"
		if i == len(evs)-1 {
			status = "conflict"
		}
		acks = append(acks, app.Ack{EventID: e.ID, Status: status, HallSeq: int64(100 + i), Reason: "fixture", Zh: "测试"})
	}
	must(st.ApplyAcks(ctx, acks), "acks")
	// A pull page from another station's case that this station set aside
	// (its note is out of bounds): quarantined, the rest applied.
	bad, err := domain.NewEvent("01900000-0000-7000-8000-00000000f001", "01900000-0000-7000-8000-00000000f000", domain.EvNote, "",
		domain.NotePayload{Text: string(make([]rune, domain.MaxTextLen+1))})
	must(err, "quarantined event")
	bad.Office, bad.Actor, bad.HLC, bad.At = "370112099", "clerk", "0019c6f1a2b3c.000000.370112099", time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	must(st.ApplyPulled(ctx, app.Pulled{Events: []app.PulledEvent{{Event: bad, HallSeq: 41, Status: app.StatusAccepted}}, Cursor: 41}), "quarantine")
	must(st.SetMetas(ctx, map[string]string{"pull_cursor": "42"}), "meta")

	// The manifest: what must survive any upgrade.
	m := &Manifest{Generated: "go run ./app/sqlite/internal/mkfixture", Counts: map[string]int{}, Cases: map[string]string{},
		Applicant: map[string]string{}, Tickets: map[string]string{}, Station: st.Code()}
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	must(err, "tables")
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	sort.Strings(tables)
	for _, tbl := range tables {
		var n int
		must(db.QueryRowContext(ctx, `SELECT count(*) FROM "`+tbl+`"`).Scan(&n), "count "+tbl)
		m.Counts[tbl] = n
	}
	rows, err = db.QueryContext(ctx, `SELECT number, state, applicant_name FROM cases`)
	must(err, "cases")
	for rows.Next() {
		var num, state, name string
		rows.Scan(&num, &state, &name)
		m.Cases[num] = state
		m.Applicant[num] = name
	}
	rows.Close()
	rows, err = db.QueryContext(ctx, `SELECT number, status FROM tickets`)
	must(err, "tickets")
	for rows.Next() {
		var num, status string
		rows.Scan(&num, &status)
		m.Tickets[num] = status
	}
	rows.Close()
	rep, err := st.VerifyAudit(ctx)
	must(err, "audit")
	if !rep.OK {
		log.Fatalf("audit chain broken: %+v", rep)
	}
	m.AuditRows, m.AuditHead = rep.Rows, rep.Head
	states := map[string]bool{}
	for _, s := range m.Cases {
		states[s] = true
	}
	if len(states) < len(domain.States) {
		log.Fatalf("only %d case states covered: %v", len(states), m.Cases)
	}
	return m, nil
}

// residentID returns a valid GB 11643 number of the district for the birth
// date (YYYYMMDD) and order code.
func residentID(birth string, order int) string {
	body := fmt.Sprintf("370112%s%03d", birth, order%1000)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(body[i]-'0') * w
	}
	return body + string("10X98765432"[sum%11])
}
