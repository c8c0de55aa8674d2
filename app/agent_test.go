package app_test

import (
	"testing"

	"yizhan/app"
	"yizhan/domain"
)

// TestProxyAttorneyOnPaper: a 代办 case whose power of attorney was taken
// on paper opens (intake and the CLI record it as "paper"); a value that is
// neither a scan's SHA-256 nor "paper" is refused.
func TestProxyAttorneyOnPaper(t *testing.T) {
	s := MustOpenStation(t)
	for _, tt := range []struct {
		name, attorney, code string
	}{
		{"OKPaper", domain.AttorneyOnPaper, ""},
		{"ErrNotAHash", "scan-of-the-letter", domain.EInvalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.OpenCase(ctx, s.Clerk, app.OpenCaseInput{ItemCode: itemStationNow, Applicant: zhang,
				Agent: &domain.Agent{Mode: "proxy", Name: "张小明", IDNumber: residentID("370112", "19900101", 33), Phone: "13900000000",
					Relationship: "儿子", AttorneyBlob: tt.attorney}})
			wantCode(t, err, tt.code)
		})
	}
}
