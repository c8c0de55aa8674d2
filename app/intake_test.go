package app_test

import (
	"strings"
	"testing"

	"yizhan/app"
	"yizhan/domain"
)

func TestCheckIntake(t *testing.T) {
	s := MustOpenStation(t)

	t.Run("OK/DerivesAgeAndSex", func(t *testing.T) {
		id := residentID("370112", "19600302", 24) // a woman turning 66 today
		chk, err := s.CheckIntake(ctx, app.OpenCaseInput{ItemCode: itemHallPension, Applicant: person("李秀英", id, "13912345678")})
		if err != nil {
			t.Fatal(err)
		}
		if chk.BirthDate != "1960-03-02" || chk.Sex != "F" || chk.Age != 66 {
			t.Fatalf("got birth %q sex %q age %d, want 1960-03-02 F 66", chk.BirthDate, chk.Sex, chk.Age)
		}
		if len(chk.Warnings) != 0 {
			t.Fatalf("got warnings %v, want none", chk.Warnings)
		}
		if chk.Missing != 4 || chk.Blocking != 4 || chk.Waivable != 2 || len(chk.Materials) != 4 {
			t.Fatalf("got missing %d blocking %d waivable %d of %d, want 4 4 2 of 4", chk.Missing, chk.Blocking, chk.Waivable, len(chk.Materials))
		}
	})

	t.Run("OK/AgeWarning", func(t *testing.T) {
		id := residentID("370112", "19760115", 13) // a man of 50
		chk, err := s.CheckIntake(ctx, app.OpenCaseInput{ItemCode: itemHallPension, Applicant: person("王建国", id, "13912345678")})
		if err != nil {
			t.Fatal(err)
		}
		if chk.Age != 50 || chk.Sex != "M" {
			t.Fatalf("got age %d sex %q, want 50 M", chk.Age, chk.Sex)
		}
		if len(chk.Warnings) != 1 || !strings.Contains(chk.Warnings[0], "60") || !strings.Contains(chk.Warnings[0], "50") {
			t.Fatalf("got warnings %v, want one about 年满60周岁", chk.Warnings)
		}
		// Warnings never block: the clerk decides.
		c, err := s.OpenCase(ctx, s.Clerk, app.OpenCaseInput{ItemCode: itemHallPension, Applicant: person("王建国", id, "13912345678")})
		if err != nil {
			t.Fatal(err)
		}
		if c.Applicant.BirthDate != "1976-01-15" || c.Applicant.Sex != "M" || c.Applicant.IDType != "resident_id" {
			t.Fatalf("got applicant %+v, want derived birth date, sex and ID type", c.Applicant)
		}
	})

	t.Run("OK/UnknownDivisionWarning", func(t *testing.T) {
		id := residentID("990101", "19600115", 11)
		chk, err := s.CheckIntake(ctx, app.OpenCaseInput{ItemCode: itemHallPension, Applicant: person("张三", id, "13912345678")})
		if err != nil {
			t.Fatal(err)
		}
		if len(chk.Warnings) != 1 || !strings.Contains(chk.Warnings[0], "行政区划") {
			t.Fatalf("got warnings %v, want one about the division code", chk.Warnings)
		}
	})

	t.Run("OK/LowerCaseX", func(t *testing.T) {
		c, err := s.OpenCase(ctx, s.Clerk, app.OpenCaseInput{ItemCode: itemStationNow,
			Applicant: person("赵敏", "11010519491231002x", "138-1234-5678")})
		if err != nil {
			t.Fatal(err)
		}
		if c.Applicant.IDNumber != "11010519491231002X" || c.Applicant.Phone != "13812345678" {
			t.Fatalf("got ID %q phone %q, want them normalised", c.Applicant.IDNumber, c.Applicant.Phone)
		}
	})

	t.Run("OK/LegalPerson", func(t *testing.T) {
		ap := domain.Applicant{Type: domain.ApplicantLegal, Name: " 示例科技有限公司 ", IDNumber: "91350100m000100y43",
			LegalRep: "王五", Phone: "0531-88888888"}
		c, err := s.OpenCase(ctx, s.Clerk, app.OpenCaseInput{ItemCode: itemEmployment, Applicant: ap, Materials: allMaterials(t, s, itemEmployment, "")})
		if err != nil {
			t.Fatal(err)
		}
		if c.Applicant.IDType != "uscc" || c.Applicant.IDNumber != "91350100M000100Y43" || c.Applicant.Name != "示例科技有限公司" {
			t.Fatalf("got applicant %+v", c.Applicant)
		}
		chk, err := s.CheckIntake(ctx, app.OpenCaseInput{ItemCode: itemHallPension, Applicant: ap})
		if err != nil {
			t.Fatal(err)
		}
		if len(chk.Warnings) != 1 || !strings.Contains(chk.Warnings[0], "自然人") {
			t.Fatalf("legal person on a natural-person item: got warnings %v", chk.Warnings)
		}
	})

	t.Run("OK/Rongque", func(t *testing.T) {
		in := app.OpenCaseInput{ItemCode: itemMedicalAid, Applicant: zhang, Materials: allMaterials(t, s, itemMedicalAid, "")}
		for i := range in.Materials {
			if in.Materials[i].Code == "M5" {
				in.Materials[i].Collected = domain.CollectRongque
				in.Materials[i].RongqueDue = "2026-03-09"
			}
		}
		c, err := s.OpenCase(ctx, s.Clerk, in)
		if err != nil {
			t.Fatal(err)
		}
		if !c.Complete() || c.Waived() != 1 {
			t.Fatalf("got complete %v waived %d, want complete with one waiver", c.Complete(), c.Waived())
		}
		if _, err := s.Accept(ctx, s.Clerk, c.ID); err != nil {
			t.Fatalf("accept with a 容缺 material: %v", err)
		}
	})

	legal := domain.Applicant{Type: domain.ApplicantLegal, Name: "示例科技有限公司", IDNumber: "91350100M000100Y43", LegalRep: "王五", Phone: "13812345678"}
	for _, tt := range []struct {
		name string
		in   app.OpenCaseInput
	}{
		{"ErrIDChecksum", app.OpenCaseInput{ItemCode: itemStationNow, Applicant: person("张三", "110105195001010038", "13812345678")}},
		{"ErrIDFuture", app.OpenCaseInput{ItemCode: itemStationNow, Applicant: person("张三", residentID("370112", "20270101", 11), "13812345678")}},
		{"ErrIDLength", app.OpenCaseInput{ItemCode: itemStationNow, Applicant: person("张三", "37011219600115", "13812345678")}},
		{"ErrIDLegacy", app.OpenCaseInput{ItemCode: itemStationNow, Applicant: person("张三", "370112600115011", "13812345678")}},
		{"ErrPhone", app.OpenCaseInput{ItemCode: itemStationNow, Applicant: person("张三", zhang.IDNumber, "12812345678")}},
		{"ErrPhoneEmpty", app.OpenCaseInput{ItemCode: itemStationNow, Applicant: person("张三", zhang.IDNumber, "")}},
		{"ErrName", app.OpenCaseInput{ItemCode: itemStationNow, Applicant: person("张3", zhang.IDNumber, "13812345678")}},
		{"ErrUSCCChecksum", app.OpenCaseInput{ItemCode: itemEmployment, Applicant: func() domain.Applicant { a := legal; a.IDNumber = "91350100M000100Y44"; return a }()}},
		{"ErrUSCCLetterO", app.OpenCaseInput{ItemCode: itemEmployment, Applicant: func() domain.Applicant { a := legal; a.IDNumber = "91350100MOOO100Y43"; return a }()}},
		{"ErrLegalRepRequired", app.OpenCaseInput{ItemCode: itemEmployment, Applicant: func() domain.Applicant { a := legal; a.LegalRep = ""; return a }()}},
		{"ErrApplicantType", app.OpenCaseInput{ItemCode: itemStationNow, Applicant: domain.Applicant{Type: "robot", Name: "张三"}}},
		{"ErrChannel", app.OpenCaseInput{ItemCode: itemStationNow, Channel: "fax", Applicant: zhang}},
		{"ErrUnknownSituation", app.OpenCaseInput{ItemCode: itemHallPension, Situation: "07", Applicant: zhang}},
		{"ErrMaterialNotInChecklist", app.OpenCaseInput{ItemCode: itemHallPension, Applicant: zhang, Materials: []app.MaterialInput{{Code: "M5", Collected: domain.CollectPaper}}}},
		{"ErrRequiredRongque", app.OpenCaseInput{ItemCode: itemMedicalAid, Applicant: zhang, Materials: []app.MaterialInput{{Code: "M1", Collected: domain.CollectRongque}}}},
		{"ErrNoELicence", app.OpenCaseInput{ItemCode: itemStationNow, Applicant: zhang, Materials: []app.MaterialInput{{Code: "M3", Collected: domain.CollectELicense}}}},
		{"ErrCommitmentNotAllowed", app.OpenCaseInput{ItemCode: itemStationNow, Applicant: zhang, Materials: []app.MaterialInput{{Code: "M3", Collected: domain.CollectCommitment}}}},
		{"ErrProxyWithoutAttorney", app.OpenCaseInput{ItemCode: itemStationNow, Applicant: zhang,
			Agent: &domain.Agent{Mode: "proxy", Name: "张小三", IDNumber: residentID("370112", "19900101", 15), Relationship: "子女"}}},
		{"ErrAgentMode", app.OpenCaseInput{ItemCode: itemStationNow, Applicant: zhang, Agent: &domain.Agent{Mode: "friend", Name: "张小三"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.CheckIntake(ctx, tt.in)
			wantCode(t, err, domain.EInvalid)
			before := count(t, s, `SELECT count(*) FROM cases`)
			_, err = s.OpenCase(ctx, s.Clerk, tt.in)
			wantCode(t, err, domain.EInvalid)
			if after := count(t, s, `SELECT count(*) FROM cases`); after != before {
				t.Fatalf("a refused intake stored a case")
			}
		})
	}

	t.Run("ErrItemNotFound", func(t *testing.T) {
		_, err := s.OpenCase(ctx, s.Clerk, app.OpenCaseInput{ItemCode: "nope", Applicant: zhang})
		wantCode(t, err, domain.ENotFound)
	})

	t.Run("OK/Proxy", func(t *testing.T) {
		c, err := s.OpenCase(ctx, s.Clerk, app.OpenCaseInput{ItemCode: itemStationNow, Applicant: zhang, Channel: domain.ChannelHome,
			Agent: &domain.Agent{Mode: "proxy", Name: "张小三", IDNumber: residentID("370112", "19900101", 15), Relationship: "子女",
				AttorneyBlob: strings.Repeat("ab", 32), Phone: "13700000000"}})
		if err != nil {
			t.Fatal(err)
		}
		if c.Agent == nil || c.Agent.Name != "张小三" || c.Channel != domain.ChannelHome {
			t.Fatalf("got agent %+v channel %q", c.Agent, c.Channel)
		}
	})

	t.Run("CaseNumbersPerDay", func(t *testing.T) {
		s := MustOpenStation(t)
		a := mustOpenCase(t, s, itemStationNow, zhang)
		b := mustOpenCase(t, s, itemStationNow, zhang)
		s.Clock.Set(at(2026, 3, 3, 8))
		c := mustOpenCase(t, s, itemStationNow, zhang)
		got := []string{a.Number, b.Number, c.Number}
		want := []string{"370112001-20260302-0001", "370112001-20260302-0002", "370112001-20260303-0001"}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("got numbers %v, want %v", got, want)
		}
	})
}
