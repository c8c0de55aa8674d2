package ident

import (
	"fmt"
	"time"
)

// Kinds of form field CheckField checks, as the forms and the station CLI
// name them.
const (
	FieldID    = "id"    // a resident ID number (GB 11643)
	FieldUSCC  = "uscc"  // a unified social credit code (GB 32100)
	FieldPhone = "phone" // a mobile or landline number
	FieldName  = "name"  // a person's name
)

// FieldKinds lists the kinds CheckField knows.
var FieldKinds = []string{FieldID, FieldUSCC, FieldPhone, FieldName}

// CodeFieldKind is the Error.Code of a field kind CheckField does not know.
const CodeFieldKind = "field_kind"

// Field is one form field as CheckField found it: the normalised value and,
// for a resident ID, what the number tells.
type Field struct {
	Kind          string
	Value         string
	BirthDate     string // YYYY-MM-DD (id only)
	Sex           string // id only
	Age           int    // on the day given (id only)
	DivisionKnown bool   // the first six digits are a known division code (id only)
}

// CheckField validates one form field of kind (FieldKinds) as the clerk
// types it, so a form can answer before the rest is filled in; now is the
// day a birth date must not be after. It is the one entry point of such
// checks: the desktop window, the browser UI and the station CLI all call
// it. A refused value, or a kind it does not know, is an *Error.
func CheckField(kind, value string, now time.Time) (Field, error) {
	f := Field{Kind: kind}
	var err error
	switch kind {
	case FieldID:
		var id ResidentID
		if id, err = ParseResidentID(value, now); err == nil {
			f.Value, f.BirthDate, f.Sex, f.Age, f.DivisionKnown = id.Number, id.Birth.Format("2006-01-02"), id.Sex, id.Age(now), id.DivisionKnown()
		}
	case FieldUSCC:
		f.Value, err = CheckUSCC(value)
	case FieldPhone:
		f.Value, err = CheckPhone(value)
	case FieldName:
		f.Value, err = CheckName(value)
	default:
		err = newError("field", CodeFieldKind, fmt.Sprintf("unknown field kind %q", kind),
			"无法校验该字段；可校验：身份证号（id）、统一社会信用代码（uscc）、手机号（phone）、姓名（name）。")
	}
	if err != nil {
		return Field{Kind: kind}, err
	}
	return f, nil
}
