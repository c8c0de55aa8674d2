package ident

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// residentField is the Field value of errors about resident IDs.
const residentField = "resident id"

// minBirthYear is the earliest birth year accepted. Nobody born earlier
// is alive, so an earlier year is a typo in characters 7–10.
const minBirthYear = 1880

// residentWeights are the GB 11643 weights 2^(17-i) mod 11 for the
// first 17 characters.
var residentWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// residentCheck maps Σ digit×weight mod 11 to the check character.
const residentCheck = "10X98765432"

// ResidentID is a checked 18-character resident identity number
// (公民身份号码, GB 11643) with the facts encoded in it. Residence permits
// for Hong Kong, Macao and Taiwan residents and the 2023 foreigner's
// permanent residence card use the same layout and check, so they
// parse too; only DivisionKnown tells them apart.
type ResidentID struct {
	// Number is the normalised number: 18 ASCII characters, the last
	// one a digit or upper-case X. Store and compare this form.
	Number string
	// Birth is the birth date at midnight UTC. It is a calendar date,
	// not an instant, so it is kept in UTC to make equality and
	// storage independent of the station's time zone.
	Birth time.Time
	// Sex is "M" or "F", from the parity of character 17 (odd is
	// male), as the standard defines it.
	Sex string
	// Division is the first 6 characters, the administrative division
	// (GB/T 2260) where the number was first issued. It is not the
	// current address and may name a division that no longer exists.
	Division string
}

// ParseResidentID checks s as a GB 11643 resident identity number and
// returns its normalised form with the facts it encodes. today is the
// clerk's current date (only its year, month and day in its own
// location are used); it is a parameter so that tests and sync replay
// do not depend on the clock.
//
// Whitespace anywhere and full-width digits are removed or folded,
// because clerks copy numbers in groups and type on Chinese input
// methods; a lower-case x is accepted and stored upper-case. The
// 15-digit first-generation numbers are refused with their own code:
// they were replaced in 2013 and cannot be checked, so the clerk must
// ask for the 18-digit number. A refusal is an *Error with one of the
// CodeID constants.
func ParseResidentID(s string, today time.Time) (ResidentID, error) {
	n := strings.ToUpper(compact(s))
	if n == "" {
		return ResidentID{}, newError(residentField, CodeIDEmpty, "empty",
			"请填写身份证号码。")
	}
	if len(n) == 15 && allDigits(n) {
		return ResidentID{}, newError(residentField, CodeIDLegacy,
			"15-digit first-generation number; the 18-digit number is required",
			"这是15位的旧身份证号码，已停止使用，请填写18位身份证号码（见居民身份证或户口簿）。")
	}
	if c := utf8.RuneCountInString(n); c != 18 {
		return ResidentID{}, newError(residentField, CodeIDLength,
			fmt.Sprintf("want 18 characters, got %d", c),
			fmt.Sprintf("身份证号码应为18位，现在是%d位，请核对是否多输或漏输。", c))
	}
	// n has 18 runes. Any multi-byte rune starts within the first 18
	// bytes and fails the loop, so after it n is 18 ASCII bytes.
	for i := 0; i < 18; i++ {
		c := n[i]
		if c >= '0' && c <= '9' || i == 17 && c == 'X' {
			continue
		}
		if i == 17 {
			return ResidentID{}, newError(residentField, CodeIDCharset,
				"character 18 must be a digit or X",
				"身份证号码最后一位应为数字或字母 X，请核对。")
		}
		pos := utf8.RuneCountInString(n[:i]) + 1
		return ResidentID{}, newError(residentField, CodeIDCharset,
			fmt.Sprintf("character %d is not a digit", pos),
			fmt.Sprintf("身份证号码第%d位应为数字，请核对。", pos))
	}

	birth, err := residentBirth(n[6:14], today)
	if err != nil {
		return ResidentID{}, err
	}
	if n[17] != residentCheckChar(n[:17]) {
		return ResidentID{}, newError(residentField, CodeIDChecksum, "checksum mismatch",
			"身份证号码校验位不正确，请逐位核对号码，特别是最后一位（X 为大写或小写均可）。")
	}
	sex := "F"
	if (n[16]-'0')%2 == 1 {
		sex = "M"
	}
	return ResidentID{Number: n, Birth: birth, Sex: sex, Division: n[:6]}, nil
}

// residentBirth parses the eight digits YYYYMMDD and checks that they
// are a real date between minBirthYear and today.
func residentBirth(d string, today time.Time) (time.Time, error) {
	y := atoi(d[0:4])
	m := atoi(d[4:6])
	day := atoi(d[6:8])
	shown := fmt.Sprintf("%s年%s月%s日", d[0:4], d[4:6], d[6:8])
	birth := time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC)
	if birth.Year() != y || int(birth.Month()) != m || birth.Day() != day {
		// time.Date normalises 1949-02-30 to 1949-03-02; a change
		// means the digits do not name a calendar date.
		return time.Time{}, newError(residentField, CodeIDBirthdate,
			fmt.Sprintf("birth date %s is not a calendar date", d),
			fmt.Sprintf("身份证号码第7–14位的出生日期（%s）不是有效日期，请核对。", shown))
	}
	if y < minBirthYear {
		return time.Time{}, newError(residentField, CodeIDBirthdate,
			fmt.Sprintf("birth year %d is before %d", y, minBirthYear),
			fmt.Sprintf("身份证号码中的出生年份（%d年）不合理，请核对第7–10位。", y))
	}
	if birth.After(dateOf(today)) {
		return time.Time{}, newError(residentField, CodeIDFuture,
			fmt.Sprintf("birth date %s is in the future", d),
			fmt.Sprintf("身份证号码中的出生日期（%s）晚于今天，请核对第7–14位。", shown))
	}
	return birth, nil
}

// residentCheckChar computes the GB 11643 check character of 17
// ASCII digits.
func residentCheckChar(body string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(body[i]-'0') * residentWeights[i]
	}
	return residentCheck[sum%11]
}

// Age returns the completed years of age on the given date (周岁), the
// measure eligibility rules use. Only the year, month and day of on in
// its own location count. A person born on 29 February completes a
// year on 1 March in common years, as time.AddDate normalises it;
// this is the later of the two possible readings, so nobody is treated
// as of age a day early. Before the birth date Age returns 0.
func (id ResidentID) Age(on time.Time) int {
	day := dateOf(on)
	if day.Before(id.Birth) {
		return 0
	}
	years := day.Year() - id.Birth.Year()
	if day.Before(id.Birth.AddDate(years, 0, 0)) {
		years--
	}
	return years
}

// DivisionKnown reports whether the first two digits are a
// province-level code of GB/T 2260, or 81, 82, 83 used by residence
// permits for Hong Kong, Macao and Taiwan residents. It is a warning
// only, never a reason to refuse: divisions are renamed and merged, and
// foreigners' permanent residence numbers (starting with 9) are valid
// without one. The table is deliberately coarse so that it never needs
// updating when counties change.
func (id ResidentID) DivisionKnown() bool {
	if len(id.Division) < 2 {
		return false
	}
	switch id.Division[:2] {
	case "11", "12", "13", "14", "15",
		"21", "22", "23",
		"31", "32", "33", "34", "35", "36", "37",
		"41", "42", "43", "44", "45", "46",
		"50", "51", "52", "53", "54",
		"61", "62", "63", "64", "65",
		"71", "81", "82", "83":
		return true
	}
	return false
}

// String returns the masked number, so that a ResidentID printed by
// fmt or a text logger does not leak the full number. Use Number to
// store or compare it. JSON encoding still includes every field.
func (id ResidentID) String() string {
	return MaskID(id.Number)
}

// dateOf returns the calendar date of t in t's location as midnight
// UTC, so that dates compare independently of time zones.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// allDigits reports whether s is non-empty ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// atoi converts ASCII digits already checked by the caller.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
