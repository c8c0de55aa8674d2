package domain

import (
	"encoding/json"
	"fmt"
	"strings"

	"yizhan/workday"
)

// Item types (事项类型) as the national catalog standard names them.
var ItemTypes = []string{"行政许可", "行政确认", "行政裁决", "行政给付", "行政奖励", "行政备案", "其他行政权力", "公共服务"}

// Case kinds: 即办件 are done on the spot, 承诺件 within a promised limit.
const (
	KindImmediate = "即办件"
	KindPromised  = "承诺件"
)

// Material necessity values.
const (
	NecessityRequired = "必要"
	NecessityRongque  = "容缺" // may be accepted missing on a written promise
	NecessityOptional = "非必要"
)

// Item statuses. Only published items may open new cases.
const (
	ItemPublished = "published"
	ItemSuspended = "suspended"
	ItemCancelled = "cancelled"
)

// Catalog is a set of service items as the hall publishes it (事项清单).
// Its JSON form is the one of app/testdata/township-sample.json.
type Catalog struct {
	Version string  `json:"catalog_version"`
	Region  Region  `json:"region"`
	Note    string  `json:"note,omitempty"`
	Items   []*Item `json:"items"`
}

// Region is an administrative division.
type Region struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Item is one handling item (办理项) of the catalog at one version: the unit a
// case is opened against. Versions are immutable once published; a change is a
// new version.
type Item struct {
	BasicCode     string        `json:"basic_code"`
	Code          string        `json:"implementation_code"` // opaque, from the hall; never made locally
	Version       int           `json:"version,omitempty"`
	Status        string        `json:"status,omitempty"`
	EffectiveDate string        `json:"effective_date,omitempty"`
	Name          string        `json:"name"`
	HandlingItem  string        `json:"handling_item"`
	Type          string        `json:"type"`
	Department    string        `json:"department"`
	Target        []string      `json:"target"`
	Kind          string        `json:"kind"`
	LegalLimit    workday.Limit `json:"legal_limit"`
	PromisedLimit workday.Limit `json:"promised_limit"`
	Visits        int           `json:"visits"`
	HandledAt     string        `json:"handled_at"` // station, township or hall
	// Rights says which kinds of office may take in, accept, decide and
	// deliver cases of the item; nil: DefaultRights(HandledAt).
	Rights             *Rights     `json:"rights,omitempty"`
	OnlineDepth        string      `json:"online_depth,omitempty"`
	Fee                Fee         `json:"fee"`
	AllowsRongque      bool        `json:"allows_rongque"`
	AllowsCommitment   bool        `json:"allows_commitment"`
	Delivery           []string    `json:"delivery"`
	Conditions         []string    `json:"conditions"`
	Locations          []Location  `json:"locations,omitempty"`
	Materials          []Material  `json:"materials"`
	Situations         []Situation `json:"situations,omitempty"`
	AgeMin             int         `json:"age_min,omitempty"` // checkable condition: applicant at least this old
	AgeMax             int         `json:"age_max,omitempty"` // checkable condition: applicant at most this old
	RegionPrefix       string      `json:"region_prefix,omitempty"`
	LegalBasis         string      `json:"legal_basis,omitempty"`
	AcceptanceStandard string      `json:"acceptance_standard,omitempty"`
}

// Fee describes what the applicant pays; most township items are free.
type Fee struct {
	Charged    bool   `json:"charged"`
	Name       string `json:"name,omitempty"`
	Standard   string `json:"standard"`
	Waiver     string `json:"waiver,omitempty"`
	LegalBasis string `json:"legal_basis,omitempty"`
}

// Location is a place an item is handled, with its hours.
type Location struct {
	Name    string `json:"name"`
	Address string `json:"address,omitempty"`
	Hours   string `json:"hours,omitempty"`
	Phone   string `json:"phone,omitempty"`
}

// Material is one paper the catalog asks for.
type Material struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Source     string `json:"source"`
	Originals  int    `json:"originals"`
	Copies     int    `json:"copies"`
	Required   string `json:"required"` // 必要, 容缺 or 非必要
	ELicense   bool   `json:"e_license"`
	Spec       string `json:"spec"`
	Note       string `json:"note"`
	LegalBasis string `json:"legal_basis,omitempty"`
}

// Situation is a variant of an item (办理情形) that adds materials.
type Situation struct {
	Code           string   `json:"code"`
	Name           string   `json:"name"`
	ExtraMaterials []string `json:"extra_materials"`
}

// Key identifies an item version across the whole system.
func (it *Item) Key() string { return fmt.Sprintf("%s@%d", it.Code, it.Version) }

// CaseName is the item's name as a case shows it: with the handling item
// (新设, 变更…) when the catalog names one.
func (it *Item) CaseName() string {
	if it.HandlingItem == "" {
		return it.Name
	}
	return it.Name + "（" + it.HandlingItem + "）"
}

// Immediate reports whether cases of the item are due the day they are accepted.
func (it *Item) Immediate() bool { return it.Kind == KindImmediate }

// Normalize fills defaults that the sample and older catalogs leave out.
func (it *Item) Normalize() {
	if it.Version == 0 {
		it.Version = 1
	}
	if it.Status == "" {
		it.Status = ItemPublished
	}
	if it.Kind == KindImmediate && it.PromisedLimit.Unit == "" {
		it.PromisedLimit = workday.Limit{Value: 0, Unit: workday.G}
	}
}

// Validate checks an item for what a case needs from it.
func (it *Item) Validate() error {
	bad := func(en, zh string) error {
		return Errorf(EInvalid, fmt.Sprintf("事项“%s”（%s）%s", it.Name, it.Code, zh), "catalog item %q: %s", it.Code, en)
	}
	if strings.TrimSpace(it.Code) == "" {
		return Errorf(EInvalid, "事项缺少实施编码。", "catalog item %q: implementation code required", it.Name)
	}
	if strings.TrimSpace(it.Name) == "" {
		return bad("name required", "缺少名称。")
	}
	if it.Kind != KindImmediate && it.Kind != KindPromised {
		return bad("kind must be 即办件 or 承诺件", "办件类型须为即办件或承诺件。")
	}
	if err := it.LegalLimit.Validate(); err != nil {
		return bad("legal limit: "+err.Error(), "法定时限不正确。")
	}
	if err := it.PromisedLimit.Validate(); err != nil {
		return bad("promised limit: "+err.Error(), "承诺时限不正确。")
	}
	switch it.Status {
	case ItemPublished, ItemSuspended, ItemCancelled:
	default:
		return bad("unknown status "+it.Status, "状态不正确。")
	}
	switch it.HandledAt {
	case "", HandledAtStation, HandledAtTownship, HandledAtHall:
	default:
		return bad("handled_at must be station, township or hall", "办理层级须为站点、乡镇或大厅。")
	}
	if it.Rights != nil {
		if err := it.Rights.Validate(); err != nil {
			return bad(err.Error(), "各类站点的办理权限不完整或有未知的站点类型。")
		}
	}
	if err := checkItemBounds(it); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, m := range it.Materials {
		if m.Code == "" || m.Name == "" {
			return bad("material code and name required", "有材料缺少编号或名称。")
		}
		if seen[m.Code] {
			return bad("duplicate material "+m.Code, "材料编号重复："+m.Code)
		}
		seen[m.Code] = true
		switch m.Required {
		case NecessityRequired, NecessityRongque, NecessityOptional:
		default:
			return bad("material "+m.Code+": necessity must be 必要, 容缺 or 非必要", "材料“"+m.Name+"”的必要性须为必要、容缺或非必要。")
		}
	}
	sits := map[string]bool{}
	for _, s := range it.Situations {
		if sits[s.Code] {
			return bad("duplicate situation "+s.Code, "办理情形编号重复："+s.Code)
		}
		sits[s.Code] = true
		for _, c := range s.ExtraMaterials {
			if !seen[c] {
				return bad("situation "+s.Code+" names unknown material "+c, "办理情形“"+s.Name+"”引用了不存在的材料 "+c)
			}
		}
	}
	return nil
}

// Situation returns the situation with the given code.
func (it *Item) Situation(code string) (Situation, bool) {
	for _, s := range it.Situations {
		if s.Code == code {
			return s, true
		}
	}
	return Situation{}, false
}

// MaterialsFor returns the materials a case in the given situation needs: the
// base materials (those no situation adds) plus the situation's extras, in
// catalog order. An empty situation code means the base list.
func (it *Item) MaterialsFor(situation string) ([]Material, error) {
	extra := map[string]bool{}
	for _, s := range it.Situations {
		for _, c := range s.ExtraMaterials {
			extra[c] = true
		}
	}
	want := map[string]bool{}
	if situation != "" {
		s, ok := it.Situation(situation)
		if !ok {
			return nil, Errorf(EInvalid, fmt.Sprintf("事项“%s”没有编号为 %s 的办理情形。", it.Name, situation), "item %s has no situation %q", it.Code, situation)
		}
		for _, c := range s.ExtraMaterials {
			want[c] = true
		}
	}
	var out []Material
	for _, m := range it.Materials {
		if !extra[m.Code] || want[m.Code] {
			out = append(out, m)
		}
	}
	return out, nil
}

// ParseCatalog decodes and validates a catalog from its JSON form. Items are
// normalised (version 1, published) where the file leaves that out.
func ParseCatalog(data []byte) (*Catalog, error) {
	var c Catalog
	dec := json.NewDecoder(strings.NewReader(string(data)))
	if err := dec.Decode(&c); err != nil {
		return nil, Errorf(EInvalid, "事项清单文件格式不正确，无法读取："+err.Error(), "catalog: decode: %v", err)
	}
	if len(c.Items) == 0 {
		return nil, Errorf(EInvalid, "事项清单中没有事项。", "catalog: no items")
	}
	seen := map[string]bool{}
	for i, it := range c.Items {
		if it == nil {
			return nil, Errorf(EInvalid, fmt.Sprintf("事项清单第 %d 项为空。", i+1), "catalog: item %d is null", i+1)
		}
		it.Normalize()
		if err := it.Validate(); err != nil {
			return nil, err
		}
		if seen[it.Key()] {
			return nil, Errorf(EInvalid, "事项清单中实施编码重复："+it.Code, "catalog: duplicate item %s", it.Key())
		}
		seen[it.Key()] = true
	}
	return &c, nil
}
