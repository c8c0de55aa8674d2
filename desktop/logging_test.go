package desktop_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"yizhan/app"
	"yizhan/desktop"
	"yizhan/domain"
)

// TestAppLogHoldsNoPersonalData drives the adapter as the window does and
// checks that yizhan.log records the session but not the applicant.
func TestAppLogHoldsNoPersonalData(t *testing.T) {
	dir := t.TempDir()
	a := desktop.New(desktop.Config{Dir: dir})
	_, closeLog := a.StartLogging()
	if err := a.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := a.API.Setup(desktop.SetupInput{Identity: app.Identity{Code: "370112001", Name: "示例镇"}, AdminLogin: "head", AdminName: "王站长", AdminPassword: "secret123"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.API.SignIn("head", "secret123"); err != nil {
		t.Fatal(err)
	}
	cat, err := os.ReadFile("../app/testdata/township-sample.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.API.ImportCatalog(string(cat)); err != nil {
		t.Fatal(err)
	}
	ap := domain.Applicant{Type: domain.ApplicantPerson, Name: "欧阳秀英", IDNumber: "11010519491231002X", Phone: "13812345678"}
	if _, err := a.API.OpenCase(app.OpenCaseInput{ItemCode: "370112-RS-001-01-S", Applicant: ap}); err != nil {
		t.Fatal(err)
	}
	a.API.FindCases(app.CaseFilter{Query: "13812345678"})
	a.Shutdown(context.Background())
	closeLog()
	data, err := os.ReadFile(filepath.Join(dir, "logs", desktop.LogName+".log"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(`"msg":"start"`)) || !bytes.Contains(data, []byte(`"msg":"stop"`)) {
		t.Fatalf("log lacks start/stop:\n%s", data)
	}
	for _, p := range []string{"欧阳秀英", "11010519491231002X", "13812345678"} {
		if bytes.Contains(data, []byte(p)) {
			t.Errorf("log contains %q:\n%s", p, data)
		}
	}
}
