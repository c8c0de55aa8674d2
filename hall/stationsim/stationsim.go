// Package stationsim plays stations against a hall without a station's
// database: it makes well-formed events (opens and workflow steps with the
// payloads a clerk would fill in), enrolment requests, and speaks the sync
// protocol over HTTP. The hall's differential and multi-instance tests and
// the cmd/hallload benchmark use it; the real station lives in app/ and
// app/hallclient.
package stationsim

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"filippo.io/age"

	"yizhan/domain"
	"yizhan/sync/protocol"
)

// Maker makes the events of one office: IDs from NewID, stamps from its own
// hybrid logical clock, At from Now. It is not safe for concurrent use.
type Maker struct {
	Office string
	Now    func() time.Time
	NewID  func() string
	hlc    *domain.HLC
}

// NewMaker returns a Maker for office.
func NewMaker(office string, now func() time.Time, newID func() string) *Maker {
	return &Maker{Office: office, Now: now, NewID: newID, hlc: domain.NewHLC(office, now)}
}

// Observe moves the maker's clock past a stamp it received, as a station
// does when it applies a pulled event.
func (m *Maker) Observe(stamp string) { m.hlc.Observe(stamp) }

// Event makes an event of kind on caseID, based on state from (for
// transitions), with payload marshalled as JSON.
func (m *Maker) Event(caseID string, kind domain.EventKind, from domain.State, payload any) *domain.Event {
	e, err := domain.NewEvent(m.NewID(), caseID, kind, from, payload)
	if err != nil {
		panic(fmt.Sprintf("stationsim: %v", err)) // payloads here always marshal
	}
	e.Actor, e.ActorName, e.Office, e.HLC, e.At = "clerk-1", "王芳", m.Office, m.hlc.Now(), m.Now()
	return e
}

// The items of Catalog: one any station handles to the end, one the hall
// approves, one the township centre decides.
const (
	StationItem  = "370112-SIM-001-01-S"
	HallItem     = "370112-SIM-002-01-S"
	TownshipItem = "370112-SIM-003-01-S"
)

// CatalogItem returns the published item the Maker's opens of handledAt
// ("station", "hall" or "township") are made from.
func CatalogItem(handledAt string) *domain.Item {
	it := &domain.Item{Code: StationItem, Version: 1, Status: domain.ItemPublished, Name: "城乡居民基本养老保险参保登记",
		Type: "公共服务", Kind: domain.KindPromised, HandledAt: domain.HandledAtStation,
		LegalLimit: domain.Limit{Value: 20, Unit: "G"}, PromisedLimit: domain.Limit{Value: 10, Unit: "G"},
		Materials: []domain.Material{{Code: "M1", Name: "居民身份证", Required: domain.NecessityRequired, ELicense: true}}}
	switch handledAt {
	case domain.HandledAtHall:
		it.Code, it.Name, it.HandledAt = HallItem, "城乡居民基本养老保险待遇申领", domain.HandledAtHall
	case domain.HandledAtTownship:
		it.Code, it.Name, it.HandledAt = TownshipItem, "临时救助", domain.HandledAtTownship
	}
	return it
}

// Catalog is the catalog (in the JSON form hall.Service.PublishCatalog
// takes) of the items the Maker's opens name: a hall must publish it
// before it takes them.
func Catalog() []byte {
	b, err := json.Marshal(domain.Catalog{Version: "stationsim-1", Region: domain.Region{Code: "370112", Name: "示例区"},
		Items: []*domain.Item{CatalogItem(domain.HandledAtStation), CatalogItem(domain.HandledAtHall), CatalogItem(domain.HandledAtTownship)}})
	if err != nil {
		panic(fmt.Sprintf("stationsim: %v", err)) // a literal always marshals
	}
	return b
}

// Open makes the open event of a new case with a fresh ID. handledAt is
// "station" (the station concludes it), "hall" (the hall approves) or
// "township" (a township centre decides): the open names the item of
// Catalog handled there, exactly as published, and a number of the office's
// own.
func (m *Maker) Open(handledAt string) *domain.Event {
	caseID := m.NewID()
	var seq int64
	for _, r := range caseID[len(caseID)-5:] {
		seq = seq*16 + int64(strings.IndexRune("0123456789abcdef", r)&15)
	}
	return m.Event(caseID, domain.EvOpen, "", OpenPayload(m.Office, m.Now(), int(seq%1000000), handledAt))
}

// OpenPayload is the payload of a lawful open by office of the Catalog item
// handled at handledAt, numbered with seq on now's date.
func OpenPayload(office string, now time.Time, seq int, handledAt string) domain.OpenPayload {
	it := CatalogItem(handledAt)
	return domain.OpenPayload{
		Number: domain.CaseNumber(office, now, seq), ItemCode: it.Code, ItemVersion: it.Version,
		ItemName: it.CaseName(), ItemKind: it.Kind, HandledAt: it.HandledAt, Channel: domain.ChannelVillage,
		Applicant: domain.Applicant{Type: domain.ApplicantPerson, Name: "张三丰", IDType: "resident_id",
			IDNumber: "11010519491231002X", Phone: "13812345678"},
		Materials: []domain.CaseMaterial{{Code: "M1", Name: "居民身份证", Required: domain.NecessityRequired, ELicense: true,
			Collected: domain.CollectPaper}},
		LegalLimit: it.LegalLimit, PromisedLimit: it.PromisedLimit,
	}
}

// Step makes the workflow step kind from state from, with a valid payload.
func (m *Maker) Step(caseID string, kind domain.EventKind, from domain.State) *domain.Event {
	return m.Event(caseID, kind, from, Payload(kind))
}

// Payload returns a payload for kind that passes the domain's checks, or nil
// for kinds that need none.
func Payload(kind domain.EventKind) any {
	switch kind {
	case domain.EvRequestCorrection:
		return domain.CorrectionPayload{Reason: "缺少户口簿", Items: []string{"户口簿"}}
	case domain.EvNotAccept, domain.EvCorrectionTimeout:
		return domain.ReasonPayload{Reason: "不属于受理范围"}
	case domain.EvSuspend:
		return domain.SuspendPayload{Reason: "现场核查", Procedure: "inspection"}
	case domain.EvConclude:
		return domain.ConcludePayload{Result: domain.ResultApproved, CertNo: "Z-001"}
	case domain.EvStartDelivery:
		return domain.Delivery{Method: "pickup"}
	case domain.EvDeliver:
		return domain.DeliverPayload{SignedBy: "张三丰"}
	case domain.EvEvaluate:
		return domain.Evaluation{Level: 5, Source: "pad"}
	case domain.EvNote:
		return domain.NotePayload{Text: "已电话联系申请人"}
	case domain.EvMaterial:
		return domain.MaterialPayload{Code: "M1", Collected: domain.CollectScan}
	}
	return nil
}

// EnrollRequest builds an enrolment request for code with new station keys.
func EnrollRequest(code string, rnd io.Reader) (protocol.EnrollRequest, error) {
	pub, _, err := ed25519.GenerateKey(rnd)
	if err != nil {
		return protocol.EnrollRequest{}, fmt.Errorf("enroll request: %w", err)
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return protocol.EnrollRequest{}, fmt.Errorf("enroll request: %w", err)
	}
	return protocol.EnrollRequest{V: protocol.Version, Code: code, SignKey: protocol.EncodeSignKey(pub),
		AgeKey: id.Recipient().String(), AppVersion: "stationsim"}, nil
}

// Client speaks the hall's HTTP API.
type Client struct {
	HTTP *http.Client // default http.DefaultClient
}

// Enroll exchanges an enrolment code at the hall at base ("http://host:port").
func (c *Client) Enroll(ctx context.Context, base string, req protocol.EnrollRequest) (protocol.EnrollResponse, error) {
	var resp protocol.EnrollResponse
	err := c.post(ctx, base+protocol.PathEnroll, "", req, &resp)
	return resp, err
}

// Sync sends one sync round trip with the station's bearer token.
func (c *Client) Sync(ctx context.Context, base, token string, req protocol.SyncRequest) (protocol.SyncResponse, error) {
	var resp protocol.SyncResponse
	err := c.post(ctx, base+protocol.PathSync, token, req, &resp)
	return resp, err
}

// post sends in as JSON and decodes a 200 answer into out; any other status
// becomes the hall's protocol.Error.
func (c *Client) post(ctx context.Context, url, token string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("post %s: %w", url, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("post %s: %w", url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set(protocol.HeaderAuthorization, "Bearer "+token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("post %s: %w", url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("post %s: read answer: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		var pe protocol.Error
		if json.Unmarshal(data, &pe) != nil || pe.Code == "" {
			return fmt.Errorf("post %s: status %d: %s", url, resp.StatusCode, data)
		}
		return fmt.Errorf("post %s: status %d: %w", url, resp.StatusCode, &pe)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("post %s: decode answer: %w", url, err)
	}
	return nil
}

// IsCode reports whether err carries the protocol error code.
func IsCode(err error, code string) bool {
	var pe *protocol.Error
	return errors.As(err, &pe) && pe.Code == code
}
