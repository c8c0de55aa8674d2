package desktop_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"yizhan/app"
	"yizhan/desktop"
	"yizhan/domain"
)

// TestPrintDocument: a printed notice lists each material with the
// catalog's specification, and a forwarded case prints its transfer list
// (移交清单).
func TestPrintDocument(t *testing.T) {
	a := desktop.New(desktop.Config{Dir: t.TempDir()})
	if err := a.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer a.Shutdown(context.Background())
	s := a.API
	if _, err := s.Setup(desktop.SetupInput{Identity: app.Identity{Code: "370112001", Name: "示例镇"}, AdminLogin: "head", AdminName: "王站长", AdminPassword: "secret123"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SignIn("head", "secret123"); err != nil {
		t.Fatal(err)
	}
	cat, err := os.ReadFile("../app/testdata/township-sample.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportCatalog(string(cat)); err != nil {
		t.Fatal(err)
	}
	c, err := s.OpenCase(app.OpenCaseInput{ItemCode: "370112-ZR-002-01-S",
		Applicant: domain.Applicant{Type: domain.ApplicantPerson, Name: "张三", IDNumber: "11010519491231002X", Phone: "13812345678"},
		Materials: []app.MaterialInput{{Code: "M1", Collected: domain.CollectPaper, Count: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.PrintDocument(c.ID, "receipt")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Materials) != len(c.Materials) || d.ShortNumber == "" || !strings.HasSuffix(c.Number, strings.Split(d.ShortNumber, "-")[1]) {
		t.Fatalf("receipt: %d materials for %d, short number %q", len(d.Materials), len(c.Materials), d.ShortNumber)
	}
	withSpec := 0
	for _, m := range d.Materials {
		if m.Spec != "" {
			withSpec++
		}
	}
	if withSpec == 0 {
		t.Fatalf("no material carries its specification: %+v", d.Materials)
	}
	for _, kind := range []string{"transfer", "correction", "accept"} {
		if _, err := s.PrintDocument(c.ID, kind); err != nil {
			t.Fatalf("print %s: %v", kind, err)
		}
	}
	if _, err := s.PrintDocument(c.ID, "love-letter"); domain.ErrorCode(err) != domain.EInvalid {
		t.Fatalf("unknown kind: %v", err)
	}
}
