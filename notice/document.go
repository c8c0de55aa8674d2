package notice

import (
	"crypto/ed25519"
	"strings"

	"yizhan/domain"
)

// Kinds of notice a station prints: 收件凭证 (receipt), 受理通知书 (accept),
// 不予受理通知书 (not_accept), the one-time correction notice (correction),
// the conclusion notice (conclusion), 送达回执 (delivery), and the 移交清单
// of the paper materials that travel with a forwarded case (transfer).
var Kinds = []string{"receipt", "accept", "not_accept", "correction", "conclusion", "delivery", "transfer"}

// ValidKind reports whether kind is one of Kinds.
func ValidKind(kind string) bool {
	for _, k := range Kinds {
		if k == kind {
			return true
		}
	}
	return false
}

// Issuer is the office that issues a notice, as the notice names it.
type Issuer struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Region string `json:"region"`
	Kind   string `json:"kind"` // township, village, postal, helper
	Hall   string `json:"hall,omitempty"`
}

// Document is what a printed notice shows: the unmasked case (the citizen
// takes it home), the issuing office, and the signed QR code text.
type Document struct {
	Kind        string       `json:"kind"` // one of Kinds
	Case        *domain.Case `json:"case"`
	Station     Issuer       `json:"station"`
	Date        string       `json:"date"`
	Due         string       `json:"due,omitempty"`
	LegalDue    string       `json:"legal_due,omitempty"`
	QR          string       `json:"qr"`
	Signed      bool         `json:"signed"` // false before enrolment: the QR then carries the number only
	ClerkName   string       `json:"clerk_name"`
	ResultZh    string       `json:"result_zh,omitempty"`
	Missing     []string     `json:"missing,omitempty"`
	Waived      int          `json:"waived"`
	QueryPasswd string       `json:"query_password,omitempty"`
	// ShortNumber is what the citizen types at the kiosk with the query
	// password (MMDD-NNNN), printed large on the receipt.
	ShortNumber string `json:"short_number,omitempty"`
	// Materials are the case's materials with the catalog's specification
	// of each (e.g. 二寸，白底), for the receipt, the one-time notice and the
	// transfer list.
	Materials []Material `json:"materials"`
}

// Material is one material as a printed notice lists it.
type Material struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Required  string `json:"required"`
	Spec      string `json:"spec,omitempty"`
	Originals int    `json:"originals"`
	Copies    int    `json:"copies"`
	Collected string `json:"collected"`
	Count     int    `json:"count,omitempty"`
}

// Facts are what a notice is made of, gathered by the station's services
// (app.Station.PrintDocument): this package reads no database.
type Facts struct {
	Kind   string
	Case   *domain.Case // unmasked
	Issuer Issuer
	// Date is the day of issue (YYYY-MM-DD, China), Due and LegalDue the
	// case's deadlines as the station computes them ("" for none).
	Date, Due, LegalDue string
	Clerk               string // the name of the clerk who prints it
	Waived              int    // materials the applicant was spared
	// Specs gives each material's specification by code, from the item
	// version the case was opened under (nil when that left the catalog).
	Specs map[string]string
	// Key signs the QR code; nil before enrolment, when the code carries
	// the case number unsigned and the kiosk asks for the query password.
	Key ed25519.PrivateKey
}

// Build makes the notice f describes. Only the receipt carries the query
// password; a correction notice lists what the notice asked for, the
// others what the case still owes.
func Build(f Facts) *Document {
	c := f.Case
	d := &Document{Kind: f.Kind, Case: c, Station: f.Issuer, Date: f.Date, Due: f.Due, LegalDue: f.LegalDue,
		ClerkName: f.Clerk, ResultZh: domain.ResultZh(c.Result), Waived: f.Waived}
	if f.Kind == "receipt" {
		d.QueryPasswd, d.ShortNumber = c.QueryPassword, ShortNumber(c.Number)
	}
	for _, m := range c.Owed() {
		d.Missing = append(d.Missing, m.Name)
	}
	d.Materials = []Material{}
	for _, m := range c.Materials {
		d.Materials = append(d.Materials, Material{Code: m.Code, Name: m.Name, Required: m.Required, Spec: f.Specs[m.Code],
			Originals: m.Originals, Copies: m.Copies, Collected: m.Collected, Count: m.Count})
	}
	if f.Kind == "correction" && len(c.CorrectionList) > 0 {
		d.Missing = c.CorrectionList
	}
	claim := Claim{Kind: f.Kind, Number: c.Number, Station: f.Issuer.Code, Date: f.Date}
	d.QR = claim.message()
	if f.Key != nil {
		if code, err := Sign(claim, f.Key); err == nil {
			d.QR, d.Signed = code, true
		}
	}
	return d
}

// ShortNumber returns the short form of a case number printed on the
// receipt for the kiosk: the month, day and sequence (1127-0042).
func ShortNumber(number string) string {
	parts := strings.Split(number, "-")
	if len(parts) != 3 || len(parts[1]) != 8 {
		return number
	}
	return parts[1][4:] + "-" + parts[2]
}
