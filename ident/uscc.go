package ident

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Field values of errors about credit and organisation codes.
const (
	usccField    = "credit code"
	orgCodeField = "organisation code"
)

// usccAlphabet is the GB 32100 character set in value order. I, O, S,
// V and Z are left out because they are easily confused with 1, 0, 5,
// U and 2.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are 3^i mod 31 for the first 17 characters.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// orgCodeWeights are the GB 11714 weights for the first 8 characters
// of an organisation code.
var orgCodeWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// CheckUSCC checks s as a GB 32100 unified social credit code
// (统一社会信用代码) and returns it normalised: 18 upper-case ASCII
// characters.
// Whitespace is removed, full-width characters are folded and letters
// are upper-cased, because the code is copied by hand from licences.
//
// Besides the code's own check character, characters 9–17 must be a
// valid GB 11714 organisation code (code CodeUSCCOrgCode): the two
// checks catch different typos. Registration authority, type and
// division (characters 1–8) are not checked against tables, since new
// values appear and a stale table would refuse real organisations. A
// 15-digit number is refused with its own code: it is the business
// registration number of a pre-2015 licence, and the clerk should ask
// for the credit code printed on the current licence.
func CheckUSCC(s string) (string, error) {
	c := strings.ToUpper(compact(s))
	if c == "" {
		return "", newError(usccField, CodeUSCCEmpty, "empty",
			"请填写统一社会信用代码。")
	}
	if len(c) == 15 && allDigits(c) {
		return "", newError(usccField, CodeUSCCLegacy,
			"15-digit registration number; the 18-character credit code is required",
			"这是15位的旧营业执照注册号，请填写营业执照上18位的统一社会信用代码。")
	}
	if n := utf8.RuneCountInString(c); n != 18 {
		return "", newError(usccField, CodeUSCCLength,
			fmt.Sprintf("want 18 characters, got %d", n),
			fmt.Sprintf("统一社会信用代码应为18位，现在是%d位，请核对是否多输或漏输。", n))
	}
	sum := 0
	for i, r := range c {
		v := strings.IndexRune(usccAlphabet, r)
		if v < 0 {
			pos := utf8.RuneCountInString(c[:i]) + 1
			zh := fmt.Sprintf("统一社会信用代码第%d位不是有效字符，只能是数字或大写字母，请核对。", pos)
			if strings.ContainsRune("IOSVZ", r) {
				zh = fmt.Sprintf("统一社会信用代码不使用字母 I、O、S、V、Z，第%d位请核对（可能是数字 1、0、5 或 2）。", pos)
			}
			return "", newError(usccField, CodeUSCCCharset,
				fmt.Sprintf("character %d %q is not in the GB 32100 alphabet", pos, r), zh)
		}
		if i < 17 {
			// c is ASCII up to here, so the byte index is the position.
			sum += v * usccWeights[i]
		}
	}
	// The outer mod 31 matters: when sum is a multiple of 31 the check
	// value is 0, not 31 (which would be out of range).
	if c[17] != usccAlphabet[(31-sum%31)%31] {
		return "", newError(usccField, CodeUSCCChecksum, "checksum mismatch",
			"统一社会信用代码校验位不正确，请逐位核对，特别是最后一位。")
	}
	if err := checkOrgCode(c[8:17]); err != nil {
		return "", newError(usccField, CodeUSCCOrgCode,
			"characters 9-17: "+err.Message,
			"统一社会信用代码第9–17位（组织机构代码）校验不通过，请逐位核对。")
	}
	return c, nil
}

// CheckOrgCode checks s as a GB 11714 organisation code (组织机构代码):
// 8 digits or capital letters and a check character that is a digit or
// X. The printed form "M000100Y-4" is accepted as well as "M000100Y4",
// and letters may be lower-case, because older certificates and
// documents show the code that way. A refusal is an *Error with one of
// the CodeOrgCode constants.
func CheckOrgCode(s string) error {
	if err := checkOrgCode(s); err != nil {
		return err
	}
	return nil
}

// checkOrgCode is CheckOrgCode with a concrete result type, so that
// CheckUSCC can read the message without a type assertion and
// CheckOrgCode never returns a typed nil.
func checkOrgCode(s string) *Error {
	c := strings.ToUpper(strings.ReplaceAll(compact(s), "-", ""))
	if n := utf8.RuneCountInString(c); n != 9 {
		return newError(orgCodeField, CodeOrgCodeLength,
			fmt.Sprintf("want 9 characters, got %d", n),
			fmt.Sprintf("组织机构代码应为9位（不含连字符），现在是%d位，请核对。", n))
	}
	sum := 0
	for i := 0; i < 9; i++ {
		b := c[i]
		var v int
		switch {
		case b >= '0' && b <= '9':
			v = int(b - '0')
		case b >= 'A' && b <= 'Z' && (i < 8 || b == 'X'):
			v = int(b-'A') + 10
		default:
			pos := utf8.RuneCountInString(c[:i]) + 1
			return newError(orgCodeField, CodeOrgCodeCharset,
				fmt.Sprintf("character %d is not a digit or capital letter", pos),
				fmt.Sprintf("组织机构代码第%d位应为数字或大写字母（最后一位为数字或 X），请核对。", pos))
		}
		if i < 8 {
			sum += v * orgCodeWeights[i]
		}
	}
	var want byte
	switch v := 11 - sum%11; v {
	case 10:
		want = 'X'
	case 11:
		want = '0'
	default:
		want = byte('0' + v)
	}
	if c[8] != want {
		return newError(orgCodeField, CodeOrgCodeChecksum, "checksum mismatch",
			"组织机构代码校验位不正确，请逐位核对，特别是最后一位。")
	}
	return nil
}
