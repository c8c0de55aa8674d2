package console

import (
	"net/http"
	"strings"
	"time"

	"yizhan/domain"
	"yizhan/hall"
	"yizhan/workday"
)

func (s *Server) inbox(w http.ResponseWriter, r *http.Request, _ hall.Staff) error {
	rows, err := s.svc.Inbox(r.Context())
	if err != nil {
		return err
	}
	if rows == nil {
		rows = []hall.CaseRow{}
	}
	return s.ok(w, r, rows)
}

// dateParam reads a YYYY-MM-DD query parameter as the start of that day in
// China time; zero when absent.
func dateParam(r *http.Request, name string) (time.Time, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	d, err := workday.ParseDate(v)
	if err != nil {
		return time.Time{}, domain.Errorf(domain.EInvalid, "日期须为 年-月-日。", "%s: %v", name, err)
	}
	return d.Time(workday.China), nil
}

func (s *Server) searchCases(w http.ResponseWriter, r *http.Request, me hall.Staff) error {
	q := r.URL.Query()
	f := hall.CaseFilter{Query: strings.TrimSpace(q.Get("q")), State: domain.State(q.Get("state")), Station: q.Get("station"),
		Holder: q.Get("holder"), Item: q.Get("item")}
	var err error
	if f.From, err = dateParam(r, "from"); err != nil {
		return err
	}
	if f.To, err = dateParam(r, "to"); err != nil {
		return err
	}
	if !f.To.IsZero() {
		f.To = f.To.AddDate(0, 0, 1) // the last day counts
	}
	if f.Limit, err = intParam(r, "limit", 100); err != nil {
		return err
	}
	if f.Offset, err = intParam(r, "offset", 0); err != nil {
		return err
	}
	rows, err := s.svc.SearchCases(r.Context(), me.Actor(), f)
	if err != nil {
		return err
	}
	if rows == nil {
		rows = []hall.CaseRow{}
	}
	return s.ok(w, r, rows)
}

// enquiryRequest is a telephone enquiry: the applicant's whole name or ID
// number, and why (POST, so the ID number stays out of URLs and logs).
type enquiryRequest struct {
	Applicant string `json:"applicant"`
	Purpose   string `json:"purpose"`
}

func (s *Server) enquiry(w http.ResponseWriter, r *http.Request, me hall.Staff) error {
	var req enquiryRequest
	if err := decode(w, r, maxBody, &req); err != nil {
		return err
	}
	rows, err := s.svc.Enquiry(r.Context(), me.Actor(), req.Applicant, req.Purpose)
	if err != nil {
		return err
	}
	if rows == nil {
		rows = []hall.CaseRow{}
	}
	return s.ok(w, r, rows)
}

// caseView is a case as the detail screen shows it.
type caseView struct {
	*hall.CaseDetail
	StateZh string `json:"state_zh"`
	Masked  bool   `json:"masked"`
}

func (s *Server) detail(r *http.Request, me hall.Staff, id string, unmask bool, purpose string) (*caseView, error) {
	d, err := s.svc.ShowCase(r.Context(), me.Actor(), id, unmask, purpose)
	if err != nil {
		return nil, err
	}
	return &caseView{CaseDetail: d, StateZh: d.Case.State.Zh(), Masked: !unmask}, nil
}

func (s *Server) showCase(w http.ResponseWriter, r *http.Request, me hall.Staff) error {
	v, err := s.detail(r, me, r.PathValue("id"), false, "")
	if err != nil {
		return err
	}
	return s.ok(w, r, v)
}

type unmaskRequest struct {
	Purpose string `json:"purpose"`
}

func (s *Server) unmaskCase(w http.ResponseWriter, r *http.Request, me hall.Staff) error {
	var req unmaskRequest
	if err := decode(w, r, maxBody, &req); err != nil {
		return err
	}
	v, err := s.detail(r, me, r.PathValue("id"), true, req.Purpose)
	if err != nil {
		return err
	}
	return s.ok(w, r, v)
}

// caseActions maps each case action of the console to the permission it
// needs: clerks take cases up, ask for corrections and return them;
// approvers also decide and start special procedures.
var caseActions = map[string]hall.Permission{
	"accept":     hall.PermHandle,
	"correction": hall.PermHandle,
	"return":     hall.PermHandle,
	"serial":     hall.PermHandle,
	"route":      hall.PermHandle,
	"approve":    hall.PermDecide,
	"refuse":     hall.PermDecide,
	"suspend":    hall.PermDecide,
	"resume":     hall.PermDecide,
}

// actionRequest carries the fields of every case action; each uses some.
type actionRequest struct {
	Reason    string   `json:"reason,omitempty"`
	Items     []string `json:"items,omitempty"`
	CertNo    string   `json:"cert_no,omitempty"`
	Procedure string   `json:"procedure,omitempty"`
	Unit      string   `json:"unit,omitempty"`
	Serial    string   `json:"serial,omitempty"`
	To        string   `json:"to,omitempty"`
}

// caseAction runs one hall command on a case and answers with the case as
// it now stands (masked).
func (s *Server) caseAction(action string) handler {
	return func(w http.ResponseWriter, r *http.Request, me hall.Staff) error {
		var req actionRequest
		if err := decode(w, r, maxBody, &req); err != nil {
			return err
		}
		ctx, a, id := r.Context(), me.Actor(), r.PathValue("id")
		var err error
		switch action {
		case "accept":
			// Accept a case forwarded unaccepted, review one a station
			// accepted: the one acceptance stays the station's.
			err = s.svc.TakeUp(ctx, a, id)
		case "correction":
			err = s.svc.RequestCorrection(ctx, a, id, req.Reason, req.Items)
		case "return":
			err = s.svc.Return(ctx, a, id, req.Reason)
		case "serial":
			err = s.svc.AssignSerial(ctx, a, id, req.Serial)
		case "route":
			err = s.svc.Route(ctx, a, id, req.To)
		case "approve":
			err = s.svc.Approve(ctx, a, id, req.CertNo)
		case "refuse":
			err = s.svc.Refuse(ctx, a, id, req.Reason)
		case "suspend":
			err = s.svc.SuspendProcedure(ctx, a, id, domain.SuspendPayload{Reason: req.Reason, Procedure: req.Procedure, Unit: req.Unit})
		case "resume":
			err = s.svc.Resume(ctx, a, id)
		}
		if err != nil {
			return err
		}
		v, err := s.detail(r, me, id, false, "")
		if err != nil {
			return err
		}
		return s.ok(w, r, v)
	}
}

func (s *Server) caseAccess(w http.ResponseWriter, r *http.Request, _ hall.Staff) error {
	list, err := s.svc.AccessLog(r.Context(), hall.AccessFilter{CaseID: r.PathValue("id"), Limit: 500})
	if err != nil {
		return err
	}
	if list == nil {
		list = []*hall.Access{}
	}
	return s.ok(w, r, list)
}

func (s *Server) accessLog(w http.ResponseWriter, r *http.Request, _ hall.Staff) error {
	q := r.URL.Query()
	limit, err := intParam(r, "limit", 200)
	if err != nil {
		return err
	}
	list, err := s.svc.AccessLog(r.Context(), hall.AccessFilter{Actor: q.Get("actor"), CaseID: q.Get("case"),
		Action: q.Get("action"), Limit: min(limit, 1000)})
	if err != nil {
		return err
	}
	if list == nil {
		list = []*hall.Access{}
	}
	return s.ok(w, r, list)
}
