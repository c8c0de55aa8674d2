package console

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"yizhan/domain"
	"yizhan/hall"
	"yizhan/workday"
)

func (s *Server) catalog(w http.ResponseWriter, r *http.Request, _ hall.Staff) error {
	items, err := s.svc.Catalog(r.Context())
	if err != nil {
		return err
	}
	if items == nil {
		items = []hall.CatalogItem{}
	}
	return s.ok(w, r, items)
}

func versionParam(r *http.Request) (int, error) {
	v, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || v < 0 {
		return 0, domain.Errorf(domain.EInvalid, "版本号须为非负整数。", "version: not a non-negative integer")
	}
	return v, nil
}

func (s *Server) catalogItem(w http.ResponseWriter, r *http.Request, _ hall.Staff) error {
	v, err := versionParam(r)
	if err != nil {
		return err
	}
	it, err := s.svc.CatalogItem(r.Context(), r.PathValue("code"), v)
	if err != nil {
		return err
	}
	return s.ok(w, r, it)
}

type publishItemRequest struct {
	Item    json.RawMessage `json:"item"`
	Catalog string          `json:"catalog,omitempty"`
}

// publishItem publishes an edited item as its next version. The item is
// decoded strictly: a misspelt field in the JSON editor is an error, not a
// silently dropped line.
func (s *Server) publishItem(w http.ResponseWriter, r *http.Request, _ hall.Staff) error {
	var req publishItemRequest
	if err := decode(w, r, maxBody, &req); err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(string(req.Item)))
	dec.DisallowUnknownFields()
	var it domain.Item
	if err := dec.Decode(&it); err != nil {
		return domain.Errorf(domain.EInvalid, "事项内容格式不正确："+err.Error(), "item: %v", err)
	}
	res, err := s.svc.PublishItemVersion(r.Context(), &it, req.Catalog)
	if err != nil {
		return err
	}
	return s.ok(w, r, res)
}

type statusRequest struct {
	Status string `json:"status"`
}

func (s *Server) itemStatus(w http.ResponseWriter, r *http.Request, _ hall.Staff) error {
	var req statusRequest
	if err := decode(w, r, maxBody, &req); err != nil {
		return err
	}
	v, err := versionParam(r)
	if err != nil {
		return err
	}
	res, err := s.svc.SetItemStatus(r.Context(), r.PathValue("code"), v, req.Status)
	if err != nil {
		return err
	}
	return s.ok(w, r, res)
}

// publishCatalog publishes a whole catalog file, the body as it is.
func (s *Server) publishCatalog(w http.ResponseWriter, r *http.Request, _ hall.Staff) error {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCatalogBody))
	if err != nil {
		return domain.Errorf(domain.EInvalid, "事项清单文件过大或读取失败。", "catalog body: %v", err)
	}
	res, err := s.svc.PublishCatalog(r.Context(), data)
	if err != nil {
		return err
	}
	return s.ok(w, r, res)
}

func (s *Server) calendar(w http.ResponseWriter, r *http.Request, _ hall.Staff) error {
	years, err := s.svc.CalendarYears(r.Context())
	if err != nil {
		return err
	}
	return s.ok(w, r, years)
}

func (s *Server) publishCalendar(w http.ResponseWriter, r *http.Request, _ hall.Staff) error {
	var y workday.YearSpec
	if err := decode(w, r, maxBody, &y); err != nil {
		return err
	}
	changed, err := s.svc.PublishCalendar(r.Context(), y)
	if err != nil {
		return err
	}
	return s.ok(w, r, map[string]any{"year": y.Year, "changed": changed})
}

func (s *Server) stations(w http.ResponseWriter, r *http.Request, _ hall.Staff) error {
	list, err := s.svc.Stations(r.Context())
	if err != nil {
		return err
	}
	if list == nil {
		list = []hall.StationInfo{}
	}
	for i := range list {
		// Keys are for the CLI and bundles; the console has no use for them.
		list[i].SignKey, list[i].AgeKey = "", ""
	}
	return s.ok(w, r, list)
}

type enrolRequest struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Region string `json:"region,omitempty"`
	Kind   string `json:"kind,omitempty"` // village, township (default), postal or helper
}

// enrolResponse shows the one-time enrolment code: the only time it is
// ever shown, since the hall keeps only its hash.
type enrolResponse struct {
	Station   string    `json:"station"`
	EnrolCode string    `json:"enrol_code"`
	Expires   time.Time `json:"expires"`
}

func (s *Server) enrolStation(w http.ResponseWriter, r *http.Request, _ hall.Staff) error {
	var req enrolRequest
	if err := decode(w, r, maxBody, &req); err != nil {
		return err
	}
	code, err := s.svc.RegisterStation(r.Context(), hall.StationSpec{Code: strings.TrimSpace(req.Code), Name: req.Name,
		Region: req.Region, Kind: req.Kind})
	if err != nil {
		return err
	}
	return s.ok(w, r, enrolResponse{Station: strings.TrimSpace(req.Code), EnrolCode: code, Expires: s.svc.Now().Add(s.svc.EnrolTTL)})
}

func (s *Server) revokeStation(w http.ResponseWriter, r *http.Request, _ hall.Staff) error {
	if err := s.svc.Revoke(r.Context(), r.PathValue("code")); err != nil {
		return err
	}
	return s.ok(w, r, nil)
}

func (s *Server) reviews(w http.ResponseWriter, r *http.Request, _ hall.Staff) error {
	q := r.URL.Query()
	list, err := s.svc.BadReviews(r.Context(), hall.ReviewFilter{Station: q.Get("station"), Open: q.Get("open") == "1"})
	if err != nil {
		return err
	}
	if list == nil {
		list = []hall.BadReview{}
	}
	return s.ok(w, r, list)
}

func (s *Server) recordCallback(w http.ResponseWriter, r *http.Request, me hall.Staff) error {
	var in hall.CallbackInput
	if err := decode(w, r, maxBody, &in); err != nil {
		return err
	}
	cb, err := s.svc.RecordCallback(r.Context(), me.Actor(), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return s.ok(w, r, cb)
}
