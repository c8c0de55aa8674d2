package workday

import (
	"fmt"
	"strconv"
)

// Unit is the unit of a time limit, with the codes of the national
// government-service data standard that the catalog uses.
type Unit string

// The two units a limit or a pause can be counted in.
const (
	// G counts working days (工作日): the unit of the Administrative Licensing
	// Law and of most promised limits.
	G Unit = "G"
	// Z counts calendar days (自然日), used by some special procedures and by
	// items governed by other laws.
	Z Unit = "Z"
)

// MaxLimitValue is the largest limit Validate accepts: ten years of calendar
// days. No item comes near it (the catalog's longest is 180 days); the bound
// catches a typo such as 2000 for 20 before it yields a deadline nobody
// checks, and keeps Due cheap.
const MaxLimitValue = 3650

// Validate reports whether u is G or Z. Units are compared exactly: the
// catalog and the wire format use capital letters only.
func (u Unit) Validate() error {
	if u == G || u == Z {
		return nil
	}
	return newError(CodeLimitUnit, fmt.Sprintf("unit %q is neither G nor Z", string(u)),
		"时限单位不正确，应为工作日（G）或自然日（Z）。")
}

// Limit is a time limit such as a legal limit (法定时限) or a promised limit
// (承诺时限): Value units after acceptance. A Value of 0 means an on-the-spot
// case (即办件), due the day it is accepted.
type Limit struct {
	// Value is the number of units; 0 for 即办件.
	Value int `json:"value"`
	// Unit is G for working days or Z for calendar days.
	Unit Unit `json:"unit"`
}

// Validate checks that the value is between 0 and MaxLimitValue and the unit
// is G or Z.
func (l Limit) Validate() error {
	if l.Value < 0 {
		return newError(CodeLimitValue, fmt.Sprintf("limit value %d is negative", l.Value),
			"时限不能为负数。")
	}
	if l.Value > MaxLimitValue {
		return newError(CodeLimitValue, fmt.Sprintf("limit value %d exceeds %d", l.Value, MaxLimitValue),
			"时限过长，请检查是否录入有误。")
	}
	return l.Unit.Validate()
}

// String returns the limit in the catalog's compact form, e.g. "20G", for logs.
func (l Limit) String() string { return strconv.Itoa(l.Value) + string(l.Unit) }
