package domain

import (
	"fmt"
	"slices"
	"strings"
)

// OfficeKind is what kind of office a station is, as the hall's registry
// records it: it decides, with the item's rights in the catalog, which steps
// of a case the office may take.
type OfficeKind string

// The kinds of office that serve citizens, from the village up
// (docs/authority.md, "Kinds of office").
const (
	OfficeVillage  OfficeKind = "village"  // 村级便民服务站: takes in and forwards
	OfficeTownship OfficeKind = "township" // 乡镇/街道便民服务中心: accepts, handles items to the end
	OfficePostal   OfficeKind = "postal"   // 政邮合作网点: takes in and forwards by mail
	OfficeHelper   OfficeKind = "helper"   // 帮办代办员: takes in at home, delivers
	OfficeHall     OfficeKind = "hall"     // 政务服务大厅/行政审批局
)

// OfficeKinds lists the kinds, stations first.
var OfficeKinds = []OfficeKind{OfficeVillage, OfficeTownship, OfficePostal, OfficeHelper, OfficeHall}

// StationKinds lists the kinds a station (not the hall) may have.
var StationKinds = []OfficeKind{OfficeVillage, OfficeTownship, OfficePostal, OfficeHelper}

// DefaultStationKind is the kind of a station registered without one, and of
// every station registered before kinds existed: a township centre, which
// may do what every station could do before.
const DefaultStationKind = OfficeTownship

var officeKindZh = map[OfficeKind]string{
	OfficeVillage: "村级便民服务站", OfficeTownship: "乡镇（街道）便民服务中心", OfficePostal: "政邮合作网点",
	OfficeHelper: "帮办代办员", OfficeHall: "政务服务大厅",
}

// Zh returns the kind's Chinese name.
func (k OfficeKind) Zh() string {
	if z, ok := officeKindZh[k]; ok {
		return z
	}
	return string(k)
}

// Valid reports whether k is a known kind.
func (k OfficeKind) Valid() bool { _, ok := officeKindZh[k]; return ok }

// ParseStationKind checks a station's kind; "" is the default.
func ParseStationKind(s string) (OfficeKind, error) {
	k := OfficeKind(strings.TrimSpace(s))
	if k == "" {
		return DefaultStationKind, nil
	}
	if !slices.Contains(StationKinds, k) {
		return "", Errorf(EInvalid, "站点类型须为村级服务站（village）、乡镇中心（township）、邮政网点（postal）或帮办员（helper）。",
			"station kind %q: village, township, postal or helper", s)
	}
	return k, nil
}

// Step is one of the four things an office may do with a case of an item:
// the catalog grants each to kinds of office.
type Step string

// The steps of a case that the catalog grants.
const (
	StepTakeIn  Step = "take_in" // 收件/代收: open, ask for corrections, forward
	StepAccept  Step = "accept"  // 受理 (or 不予受理), in the organ's own name
	StepDecide  Step = "decide"  // 审查/决定: take up, suspend, conclude
	StepDeliver Step = "deliver" // 送达
)

var stepZh = map[Step]string{StepTakeIn: "收件", StepAccept: "受理", StepDecide: "审批决定", StepDeliver: "送达"}

// Zh returns the step's Chinese name.
func (s Step) Zh() string { return stepZh[s] }

// Rights says, for one item, which kinds of office may take each step. The
// catalog carries it per item; an item without it gets DefaultRights of its
// handled_at.
type Rights struct {
	TakeIn  []OfficeKind `json:"take_in"`
	Accept  []OfficeKind `json:"accept"`
	Decide  []OfficeKind `json:"decide"`
	Deliver []OfficeKind `json:"deliver"`
}

// Allows reports whether an office of kind k may take step s.
func (r Rights) Allows(s Step, k OfficeKind) bool {
	var list []OfficeKind
	switch s {
	case StepTakeIn:
		list = r.TakeIn
	case StepAccept:
		list = r.Accept
	case StepDecide:
		list = r.Decide
	case StepDeliver:
		list = r.Deliver
	}
	return slices.Contains(list, k)
}

// Validate checks that every step names known kinds and at least one.
func (r Rights) Validate() error {
	for _, s := range []struct {
		step  Step
		kinds []OfficeKind
	}{{StepTakeIn, r.TakeIn}, {StepAccept, r.Accept}, {StepDecide, r.Decide}, {StepDeliver, r.Deliver}} {
		if len(s.kinds) == 0 {
			return fmt.Errorf("rights: no office may %s", s.step)
		}
		for _, k := range s.kinds {
			if !k.Valid() {
				return fmt.Errorf("rights: %s: unknown office kind %q", s.step, k)
			}
		}
	}
	return nil
}

// Where an item is handled to the end (the catalog's handled_at).
const (
	HandledAtStation  = "station"  // any station, at the counter
	HandledAtTownship = "township" // the township centre
	HandledAtHall     = "hall"     // the hall decides
)

// DefaultRights derives an item's rights from its handled_at, the national
// default (docs/authority.md): village stations, postal counters and field
// helpers take in and forward, and deliver the result; township centres
// also accept, and decide the items handled at the township; the hall
// accepts and decides everything. An item handled at the station ("station":
// information collection and the like) may be taken to the end by any
// station but a field helper. An unknown handled_at is the hall's, the
// narrowest.
func DefaultRights(handledAt string) Rights {
	stations := []OfficeKind{OfficeVillage, OfficeTownship, OfficePostal, OfficeHelper, OfficeHall}
	counters := []OfficeKind{OfficeVillage, OfficeTownship, OfficePostal, OfficeHelper}
	r := Rights{TakeIn: stations, Accept: []OfficeKind{OfficeTownship, OfficeHall}, Decide: []OfficeKind{OfficeHall}, Deliver: counters}
	switch handledAt {
	case HandledAtStation:
		r.Accept = []OfficeKind{OfficeVillage, OfficeTownship, OfficePostal, OfficeHall}
		r.Decide = r.Accept
	case HandledAtTownship:
		r.Decide = []OfficeKind{OfficeTownship, OfficeHall}
	}
	return r
}

// RightsOf returns the item's rights: its own, or the default of its
// handled_at.
func (it *Item) RightsOf() Rights {
	if it.Rights != nil {
		return *it.Rights
	}
	return DefaultRights(it.HandledAt)
}
