package ident

import (
	"strings"
	"unicode"
)

// Field values of errors about phone numbers.
const (
	mobileField = "mobile"
	phoneField  = "phone"
)

// CheckMobile checks s as a mainland China mobile number and returns
// it as 11 digits matching ^1[3-9]\d{9}$, the form stored and masked.
//
// It forgives what people write on forms: spaces, hyphens, full-width
// digits ("138-1234-5678", "138 1234 5678") and the country prefix
// +86, 86 or 0086. It does not track carriers' number blocks, which
// change too often for a table to stay correct offline.
func CheckMobile(s string) (string, error) {
	d, ok := phoneDigits(s)
	if d == "" && ok {
		return "", newError(mobileField, CodePhoneEmpty, "empty", "请填写手机号码。")
	}
	if ok {
		d = stripCountry(d)
	}
	if !ok || !isMobile(d) {
		return "", newError(mobileField, CodePhoneFormat, "not an 11-digit mobile number",
			"手机号码应为以1开头的11位数字（第二位为3–9），请核对。")
	}
	return d, nil
}

// CheckPhone checks s as a mobile or a landline number, because the
// contact for a village committee or a business is often a landline.
// A mobile number is returned as by CheckMobile. A landline number is
// returned as "area-subscriber", e.g. "0531-88888888" or
// "010-62345678", whether it was written with a hyphen, spaces,
// parentheses "(0531)88888888" or run together "053188888888".
//
// The area code is required: a case travels between station, hall and
// county, where a bare local number is ambiguous. It is read as 010 or
// 02x (three digits) and otherwise as 0xxx (four digits), which is
// how mainland area codes are allocated, so run-together numbers split
// unambiguously. The subscriber number has 7 or 8 digits and does not
// start with 0 or 1. Extensions, service numbers (400, 95xxx) and
// numbers outside the mainland are refused; record those in a note.
func CheckPhone(s string) (string, error) {
	d, ok := phoneDigits(s)
	if d == "" && ok {
		return "", newError(phoneField, CodePhoneEmpty, "empty", "请填写联系电话。")
	}
	if !ok {
		return "", phoneFormatError()
	}
	if m := stripCountry(d); isMobile(m) {
		return m, nil
	}
	if d[0] != '0' {
		if (len(d) == 7 || len(d) == 8) && d[0] >= '2' {
			return "", newError(phoneField, CodePhoneArea, "landline number without area code",
				"座机号码请加上区号，例如 0531-88888888。")
		}
		return "", phoneFormatError()
	}
	// 3+7 to 4+8 digits; 00 starts an international call and 010 is
	// the only area code beginning with 01.
	if len(d) < 10 || len(d) > 12 || d[1] == '0' || d[1] == '1' && d[2] != '0' {
		return "", phoneFormatError()
	}
	area := 4
	if d[1] == '1' || d[1] == '2' {
		area = 3
	}
	sub := d[area:]
	if len(sub) < 7 || len(sub) > 8 || sub[0] < '2' {
		return "", phoneFormatError()
	}
	return d[:area] + "-" + sub, nil
}

// phoneFormatError is the refusal shared by the landline paths.
func phoneFormatError() *Error {
	return newError(phoneField, CodePhoneFormat, "neither a mobile nor a landline number",
		"电话号码格式不正确：手机号为11位数字；座机号为区号加7–8位号码，例如 0531-88888888。")
}

// phoneDigits folds width and drops the separators people write in
// phone numbers (whitespace, hyphens, parentheses, a leading plus). It
// reports false if anything else but digits remains.
func phoneDigits(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		r = foldWidth(r)
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case unicode.IsSpace(r), r == '-', r == '(', r == ')', r == '+' && b.Len() == 0:
		default:
			return "", false
		}
	}
	return b.String(), true
}

// stripCountry removes a +86, 86 or 0086 prefix from a mobile number.
// It only strips when 11 digits remain, so landline numbers that happen
// to start with 86 are left alone.
func stripCountry(d string) string {
	for _, p := range []string{"0086", "86"} {
		if len(d) == len(p)+11 && strings.HasPrefix(d, p) {
			return d[len(p):]
		}
	}
	return d
}

// isMobile reports whether d matches ^1[3-9]\d{9}$.
func isMobile(d string) bool {
	return len(d) == 11 && d[0] == '1' && d[1] >= '3' && allDigits(d)
}
