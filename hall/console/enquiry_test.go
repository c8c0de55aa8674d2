package console_test

import (
	"net/http"
	"strings"
	"testing"

	"yizhan/hall"
)

// TestEnquiry: a citizen phones the hall. The console finds the case by
// the whole name or ID number given, with a purpose, shows it masked, and
// logs the enquiry against the case.
func TestEnquiry(t *testing.T) {
	f := newFixture(t)
	id := f.st.forwarded() // applicant 张三丰, 11010519491231002X
	other := f.enroll("B01")
	other.forwarded()
	c := f.signedIn(hall.RoleClerk)

	for _, tt := range []struct {
		name      string
		applicant string
		purpose   string
		status    int
		want      int // cases found
	}{
		{"OKName", "张三丰", "来电查询办理进度", 200, 2},
		{"OKIDNumber", "11010519491231002x", "来电查询办理进度", 200, 2},
		{"OKNobody", "李四", "来电查询办理进度", 200, 0},
		{"ErrNoPurpose", "张三丰", " ", http.StatusBadRequest, 0},
		{"ErrFragment", "张", "来电查询", http.StatusBadRequest, 0},
		{"OKFragmentOfIDFindsNothing", "002X", "来电查询", 200, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, body := c.do("POST", "/console/api/enquiry", map[string]string{"applicant": tt.applicant, "purpose": tt.purpose})
			if status != tt.status {
				t.Fatalf("got %d %s, want %d", status, body, tt.status)
			}
			if status != 200 {
				return
			}
			if n := strings.Count(string(body), `"number"`); n != tt.want {
				t.Fatalf("found %d cases, want %d: %s", n, tt.want, body)
			}
			for _, full := range []string{"张三丰", "11010519491231002X", "13812345678"} {
				if strings.Contains(string(body), full) {
					t.Fatalf("the enquiry shows %s unmasked", full)
				}
			}
		})
	}
	var log []hall.Access
	f.signedIn(hall.RoleSupervisor).json("GET", "/console/api/cases/"+id+"/access", nil, &log)
	enquiries := 0
	for _, a := range log {
		if a.Action == "case.enquiry" && a.Actor == "clerk" && strings.Contains(a.Detail, "purpose=来电查询办理进度") && !strings.Contains(a.Detail, "11010519491231002X") && !strings.Contains(a.Detail, "张三丰") {
			enquiries++
		}
	}
	if enquiries != 2 {
		t.Fatalf("the case's access log has %d enquiries with their purpose and a masked query, want 2: %+v", enquiries, log)
	}
	// GET carries no applicant: the ID number must not travel in a URL.
	if status, _ := c.do("GET", "/console/api/enquiry?applicant=x", nil); status == 200 {
		t.Fatal("the enquiry answered a GET")
	}
}
