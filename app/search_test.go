package app_test

import (
	"strings"
	"testing"
	"time"

	"yizhan/app"
	"yizhan/domain"
)

// TestSearchTwoCharacterName: a clerk searching 张伟 sees the exact name
// first, why each row matched, and the full names (each reveal audited),
// while ID numbers and phones stay masked.
func TestSearchTwoCharacterName(t *testing.T) {
	s := MustOpenStation(t)
	var ids []string
	for i, name := range []string{"张伟", "张伟国", "李张伟", "张伟"} {
		ids = append(ids, residentID("370112", "19700101", 10+i))
		if _, err := s.OpenCase(ctx, s.Clerk, app.OpenCaseInput{ItemCode: itemStationNow,
			Applicant: person(name, ids[i], "1381234567"+string(rune('0'+i)))}); err != nil {
			t.Fatal(err)
		}
		s.Clock.Add(time.Minute) // the later ones are newer
	}
	auditBefore := count(t, s, `SELECT count(*) FROM audit WHERE action='case.reveal'`)
	page, err := s.FindCases(ctx, s.Clerk, app.CaseFilter{Query: "张伟"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range page.Cases {
		got = append(got, c.Applicant+"/"+c.Match)
		if !c.NameShown || !strings.Contains(c.IDNumber, "*") || !strings.Contains(c.Phone, "*") {
			t.Fatalf("row %+v: want the full name, the ID number and phone masked", c)
		}
	}
	want := "张伟/name_exact 张伟/name_exact 李张伟/name 张伟国/name"
	if strings.Join(got, " ") != want {
		t.Fatalf("got %v, want %s (exact names first, then newest first)", got, want)
	}
	if n := count(t, s, `SELECT count(*) FROM audit WHERE action='case.reveal' AND fields='name' AND purpose='search: name_exact'`); n != 2 {
		t.Fatalf("got %d audited reveals of exact matches, want 2", n)
	}
	if n := count(t, s, `SELECT count(*) FROM audit WHERE action='case.reveal'`) - auditBefore; n != len(page.Cases) {
		t.Fatalf("got %d reveals audited for %d rows shown", n, len(page.Cases))
	}

	for _, tt := range []struct{ q, match string }{
		{"370112", "id_prefix"}, {ids[1][14:], "id_suffix"}, {"13812345671", "phone"},
	} {
		page, err := s.FindCases(ctx, s.Clerk, app.CaseFilter{Query: tt.q})
		if err != nil || len(page.Cases) == 0 {
			t.Fatalf("query %s: %+v %v", tt.q, page, err)
		}
		for _, c := range page.Cases {
			if tt.match == "id_suffix" && c.Match != "id_suffix" && c.Match != "phone" {
				t.Fatalf("query %s: row matched %q", tt.q, c.Match)
			}
			if tt.match != "id_suffix" && c.Match != tt.match {
				t.Fatalf("query %s: row matched %q, want %q", tt.q, c.Match, tt.match)
			}
		}
	}

	t.Run("ListWithoutQueryStaysMasked", func(t *testing.T) {
		page, err := s.FindCases(ctx, s.Clerk, app.CaseFilter{State: string(domain.StateReceived)})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page.Cases {
			if c.NameShown || !strings.Contains(c.Applicant, "*") || c.Match != "" {
				t.Fatalf("row %+v of a plain list: want a masked name and no match", c)
			}
		}
	})
}
