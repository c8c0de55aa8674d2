package app_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"yizhan/app"
	"yizhan/domain"
)

// people are the applicants of the search tests; IDs and phones differ in
// every position the tests search by.
var people = []domain.Applicant{
	person("张三", residentID("370112", "19600115", 11), "13812345678"),
	person("张三丰", residentID("370102", "19550301", 23), "13987654321"),
	person("李张三", residentID("110105", "19800707", 35), "15000001111"),
	person("王五", residentID("370112", "19900909", 47), "18600002222"),
	person("欧阳娜娜", residentID("370181", "20000202", 58), "17700003333"),
	person("阿依古丽·买买提", residentID("650102", "19881111", 62), "13300004444"),
	person("赵敏", "11010519491231002X", "13600005555"),
}

// searchStation opens a station with one case per person, the first four on
// 2 March and the rest on 3 March; the first is accepted.
func searchStation(t *testing.T) (*TestStation, []*domain.Case) {
	t.Helper()
	s := MustOpenStation(t)
	var cs []*domain.Case
	for i, p := range people {
		if i == 4 {
			s.Clock.Set(at(2026, 3, 3, 10))
		}
		item := itemStationNow
		if i%2 == 1 {
			item = itemTownship5G
		}
		cs = append(cs, mustOpenCase(t, s, item, p))
	}
	if _, err := s.Accept(ctx, s.Clerk, cs[0].ID); err != nil {
		t.Fatal(err)
	}
	return s, cs
}

// names returns the applicants' real names of the found cases, sorted.
func names(t *testing.T, cs []*domain.Case, page app.CasePage) string {
	t.Helper()
	byID := map[string]string{}
	for _, c := range cs {
		byID[c.ID] = c.Applicant.Name
	}
	var out []string
	for _, r := range page.Cases {
		out = append(out, byID[r.ID])
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

func TestFindCases(t *testing.T) {
	s, cs := searchStation(t)
	for _, tt := range []struct {
		name  string
		query string
		want  string // sorted names
	}{
		{"FullCaseNumber", cs[2].Number, "李张三"},
		{"CaseNumberDay", "370112001-20260303", "欧阳娜娜,赵敏,阿依古丽·买买提"},
		{"TwoCharacterName", "张三", "张三,张三丰,李张三"},
		{"ThreeCharacterName", "张三丰", "张三丰"},
		{"NameMiddle", "李张", "李张三"},
		{"NameEnd", "三丰", "张三丰"},
		{"OneCharacter", "丰", "张三丰"},
		{"OneCharacterSurname", "张", "张三,张三丰,李张三"},
		{"MinorityName", "古丽", "阿依古丽·买买提"},
		{"NameWithSpace", "欧阳 娜娜", "欧阳娜娜"},
		{"NoSuchName", "孙悟空", ""},
		{"IDPrefixDivision", "370112", "张三,王五"},
		{"IDPrefixLong", "3701121960", "张三"},
		{"IDFull", people[1].IDNumber, "张三丰"},
		{"IDSuffix", people[3].IDNumber[14:], "王五"},
		{"IDSuffixX", "002X", "赵敏"},
		{"IDSuffixLowerX", "002x", "赵敏"},
		{"PhoneFull", "15000001111", "李张三"},
		{"PhonePrefix", "1398765", "张三丰"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			page, err := s.FindCases(ctx, s.Clerk, app.CaseFilter{Query: tt.query})
			if err != nil {
				t.Fatal(err)
			}
			if got := names(t, cs, page); got != tt.want {
				t.Fatalf("query %q: got %q, want %q", tt.query, got, tt.want)
			}
			if page.Total != len(page.Cases) {
				t.Fatalf("got total %d for %d rows", page.Total, len(page.Cases))
			}
		})
	}

	t.Run("Filters", func(t *testing.T) {
		for _, tt := range []struct {
			name   string
			filter app.CaseFilter
			want   string
		}{
			{"State", app.CaseFilter{State: string(domain.StateAccepted)}, "张三"},
			{"StateAndName", app.CaseFilter{Query: "张", State: string(domain.StateReceived)}, "张三丰,李张三"},
			{"From", app.CaseFilter{From: "2026-03-03"}, "欧阳娜娜,赵敏,阿依古丽·买买提"},
			{"To", app.CaseFilter{To: "2026-03-02"}, "张三,张三丰,李张三,王五"},
			{"FromTo", app.CaseFilter{From: "2026-03-02", To: "2026-03-02", Query: "三"}, "张三,张三丰,李张三"},
			{"Item", app.CaseFilter{ItemCode: itemTownship5G}, "张三丰,王五,阿依古丽·买买提"},
			{"ItemAndDay", app.CaseFilter{ItemCode: itemTownship5G, From: "2026-03-03"}, "阿依古丽·买买提"},
			{"Holder", app.CaseFilter{Holder: StationCode}, "张三,张三丰,李张三,欧阳娜娜,王五,赵敏,阿依古丽·买买提"},
			{"Channel", app.CaseFilter{Channel: domain.ChannelHome}, ""},
			{"Empty", app.CaseFilter{}, "张三,张三丰,李张三,欧阳娜娜,王五,赵敏,阿依古丽·买买提"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				page, err := s.FindCases(ctx, s.Clerk, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				if got := names(t, cs, page); got != tt.want {
					t.Fatalf("filter %+v: got %q, want %q", tt.filter, got, tt.want)
				}
			})
		}
	})

	t.Run("Paging", func(t *testing.T) {
		var seen []string
		for off := 0; off < 7; off += 3 {
			page, err := s.FindCases(ctx, s.Clerk, app.CaseFilter{Limit: 3, Offset: off})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != 7 {
				t.Fatalf("got total %d, want 7", page.Total)
			}
			for _, c := range page.Cases {
				seen = append(seen, c.Number)
			}
		}
		if len(seen) != 7 || seen[0] != cs[6].Number {
			t.Fatalf("got %v, want all 7 cases newest first", seen)
		}
	})

	t.Run("Masked", func(t *testing.T) {
		var rows []app.CaseSummary
		for _, q := range []string{"", "张三", "370112", "002X", "15000001111", cs[0].Number} {
			page, err := s.FindCases(ctx, s.Clerk, app.CaseFilter{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			rows = append(rows, page.Cases...)
		}
		for _, r := range rows {
			b, _ := json.Marshal(r)
			for _, p := range people {
				// A search shows the full name (to tell rows apart; audited
				// as a reveal); the list without a query shows none.
				secrets := []string{p.IDNumber, p.Phone}
				if !r.NameShown {
					secrets = append(secrets, p.Name)
				}
				for _, secret := range secrets {
					if strings.Contains(string(b), secret) {
						t.Fatalf("case summary %s shows %q in full", b, secret)
					}
				}
			}
			if !strings.Contains(r.IDNumber, "*") || !strings.Contains(r.Phone, "*") || (!r.NameShown && !strings.Contains(r.Applicant, "*")) {
				t.Fatalf("got unmasked fields in %+v", r)
			}
		}
	})

	t.Run("AuditMasksQuery", func(t *testing.T) {
		if _, err := s.FindCases(ctx, s.Clerk, app.CaseFilter{Query: people[1].IDNumber}); err != nil {
			t.Fatal(err)
		}
		var detail string
		s.DB.QueryRowContext(ctx, `SELECT detail FROM audit WHERE action='case.search' ORDER BY seq DESC LIMIT 1`).Scan(&detail)
		if detail == "" || strings.Contains(detail, people[1].IDNumber) {
			t.Fatalf("got audit detail %q, want the ID number masked", detail)
		}
	})

	t.Run("SQLInjection", func(t *testing.T) {
		for _, q := range []string{"'", `"`, "%", "_", "%%", "__", "; DROP TABLE cases;--", "' OR '1'='1", `" OR 1=1 --`,
			"370112%", "张%", "_三", `\`, "'); DELETE FROM cases; --", "1' UNION SELECT * FROM staff --"} {
			t.Run(q, func(t *testing.T) {
				for _, f := range []app.CaseFilter{{Query: q}, {ItemCode: q}, {Holder: q}, {Channel: q}} {
					page, err := s.FindCases(ctx, s.Clerk, f)
					if err != nil {
						t.Fatalf("filter %+v: got %v, want no error", f, err)
					}
					if page.Total != 0 || len(page.Cases) != 0 {
						t.Fatalf("filter %+v: got %d rows, want none", f, page.Total)
					}
				}
				if got := count(t, s, `SELECT count(*) FROM cases`); got != len(people) {
					t.Fatalf("got %d cases after the search, want %d", got, len(people))
				}
			})
		}
		for _, f := range []app.CaseFilter{{State: "'; DROP TABLE cases;--"}, {From: "2026-03-02' OR '1'='1"}, {To: "%"}} {
			_, err := s.FindCases(ctx, s.Clerk, f)
			wantCode(t, err, domain.EInvalid)
		}
		if got := count(t, s, `SELECT count(*) FROM sqlite_master WHERE type='table' AND name='cases'`); got != 1 {
			t.Fatalf("the cases table is gone")
		}
	})

	t.Run("ErrSignInRequired", func(t *testing.T) {
		_, err := s.FindCases(ctx, app.Actor{}, app.CaseFilter{})
		wantCode(t, err, domain.EUnauthorized)
	})
}

func TestShowCase(t *testing.T) {
	s := MustOpenStation(t)
	ap := person("张三丰", residentID("370102", "19550301", 23), "13987654321")
	ap.DeliveryAddr = "示例区华山街道某某村委会东100米"
	c := mustOpenCase(t, s, itemStationNow, ap)
	newPhone := "13700001234"
	steps := []func() error{
		func() error { _, err := s.Accept(ctx, s.Clerk, c.ID); return err },
		func() error {
			_, err := s.UpdateApplicant(ctx, s.Clerk, c.ID, domain.ApplicantUpdate{Phone: &newPhone})
			return err
		},
		func() error {
			_, err := s.Conclude(ctx, s.Clerk, c.ID, domain.ResultApproved, "", "")
			return err
		},
		func() error {
			_, err := s.StartDelivery(ctx, s.Clerk, c.ID, domain.Delivery{Method: "ems", Waybill: "1180000012345", Address: ap.DeliveryAddr, Addressee: ap.Name})
			return err
		},
		func() error { _, err := s.Deliver(ctx, s.Clerk, c.ID, "张三丰"); return err },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("OK/Masked", func(t *testing.T) {
		v, err := s.ShowCase(ctx, s.Clerk, c.ID, false, "")
		if err != nil {
			t.Fatal(err)
		}
		if !v.Masked || v.Case.QueryPassword != "" {
			t.Fatalf("got masked %v password %q", v.Masked, v.Case.QueryPassword)
		}
		b, _ := json.Marshal(v)
		for _, secret := range []string{ap.Name, ap.IDNumber, ap.Phone, newPhone, ap.DeliveryAddr, ap.Address} {
			if strings.Contains(string(b), secret) {
				t.Fatalf("masked case view shows %q in full: %s", secret, b)
			}
		}
		// The history still says how the result went out: the clerk
		// tracks the letter by its waybill.
		var delivery string
		for _, e := range v.Events {
			if e.Kind == string(domain.EvStartDelivery) {
				delivery = string(e.Payload)
			}
		}
		if !strings.Contains(delivery, `"waybill":"1180000012345"`) || !strings.Contains(delivery, `"method":"ems"`) || !strings.Contains(delivery, "****") {
			t.Fatalf("masked history shows the delivery as %s, want method, waybill and a masked address", delivery)
		}
		if got := lastAudit(t, s, 1); got[0] != "case.view" {
			t.Fatalf("got audit %v, want case.view", got)
		}
		var fields, purpose string
		s.DB.QueryRowContext(ctx, `SELECT fields, purpose FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&fields, &purpose)
		if fields != "masked" {
			t.Fatalf("got access fields %q, want masked", fields)
		}
	})

	t.Run("ErrRevealNeedsPurpose", func(t *testing.T) {
		before := count(t, s, `SELECT count(*) FROM audit`)
		_, err := s.ShowCase(ctx, s.Clerk, c.ID, true, " ")
		wantCode(t, err, domain.EInvalid)
		if after := count(t, s, `SELECT count(*) FROM audit`); after != before {
			t.Fatalf("a refused reveal wrote %d audit rows", after-before)
		}
	})

	t.Run("OK/Reveal", func(t *testing.T) {
		v, err := s.ShowCase(ctx, s.Clerk, c.Number, true, "核对身份")
		if err != nil {
			t.Fatal(err)
		}
		if v.Masked || v.Case.Applicant.IDNumber != ap.IDNumber || v.Case.Applicant.Phone != newPhone || v.Case.Applicant.Name != ap.Name {
			t.Fatalf("got applicant %+v, want it in full", v.Case.Applicant)
		}
		var action, fields, purpose, target string
		s.DB.QueryRowContext(ctx, `SELECT action, fields, purpose, target FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&action, &fields, &purpose, &target)
		if action != "case.unmask" || purpose != "核对身份" || target != c.ID || !strings.Contains(fields, "id_number") {
			t.Fatalf("got access row %q %q %q %q, want case.unmask with purpose and fields", action, fields, purpose, target)
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := s.ShowCase(ctx, s.Clerk, "nope", false, "")
		wantCode(t, err, domain.ENotFound)
	})
}
