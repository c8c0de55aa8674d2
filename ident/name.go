package ident

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// nameField is the Field value of errors about names.
const nameField = "name"

// Name length limits in runes. Chinese names are usually 2–4 Han
// characters, but transliterated names of ethnic minorities run to a
// dozen or more; 30 leaves room while catching pasted addresses.
// Foreigners' passport names are often longer than 30 letters
// (several given names and family names), hence a separate limit.
const (
	maxHanName   = 30
	minLatinName = 2
	maxLatinName = 64
)

// middleDot is the interpunct (U+00B7) that separates the parts of a
// transliterated ethnic-minority or foreign name in Chinese, as on
// resident identity cards.
const middleDot = '·'

// CheckName checks s as a personal name and returns its normalised
// form. Two kinds of name are accepted, never mixed:
//
//   - Chinese names: Han characters (1–30), optionally divided by "·"
//     as in 阿依古丽·买买提. Spaces are removed, because clerks space
//     out two-character names ("张  三") to align them. The look-alike
//     dots "•", "．", "・", "･", "‧", "∙", "⋅" and the ASCII "." are
//     turned into "·", because input methods offer all of them and a
//     search must find the name however it was typed.
//   - Latin-script names of foreigners as on the passport: letters
//     (accented letters included), single spaces, hyphens and
//     apostrophes (’ becomes '), 2–64 characters, starting and ending
//     with a letter. Runs of spaces are collapsed to one; case is kept.
//
// Digits, symbols, control characters and other scripts are refused.
// Zero-width spaces and byte-order marks that copy and paste bring
// along are dropped silently; other invisible format characters (such
// as direction overrides, which can disguise a name) are refused.
func CheckName(s string) (string, error) {
	rs := make([]rune, 0, utf8.RuneCountInString(s))
	var han, latin bool
	for _, r := range s {
		r = foldWidth(r)
		switch {
		case r == 0x200B || r == 0x200C || r == 0x200D || r == 0x2060 || r == 0xFEFF:
			continue
		case strings.ContainsRune("•・･‧∙⋅", r):
			r = middleDot
		case r == '’' || r == '‘':
			r = '\''
		}
		switch {
		case unicode.IsNumber(r) && r != '〇':
			// Before the Han test: the Hangzhou numerals 〡–〩 are Han
			// script but digits all the same. 〇 is kept: it is a real
			// character in some registered names.
			return "", newError(nameField, CodeNameChars, "contains a digit",
				"姓名中不能有数字，请核对。")
		case unicode.Is(unicode.Han, r):
			han = true
		case unicode.Is(unicode.Latin, r) && unicode.IsLetter(r):
			latin = true
		case unicode.IsSpace(r) || r == middleDot || r == '.' || r == '-' || r == '\'':
		case unicode.Is(unicode.Mn, r) && len(rs) > 0 && (unicode.IsLetter(rs[len(rs)-1]) || unicode.Is(unicode.Mn, rs[len(rs)-1])):
			// A combining accent on a decomposed Latin letter.
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError:
			return "", newError(nameField, CodeNameChars, "contains a control or invisible character",
				"姓名中有看不见的控制字符（可能是复制粘贴带入的），请删除后重新输入。")
		default:
			return "", newError(nameField, CodeNameChars, fmt.Sprintf("character %q not allowed", r),
				fmt.Sprintf("姓名中不能有“%c”。中国公民请用汉字（少数民族姓名可用间隔号“·”），外籍人员请按护照填写拉丁字母。", r))
		}
		rs = append(rs, r)
	}
	switch {
	case han && latin:
		return "", newError(nameField, CodeNameMixed, "mixes Han characters and Latin letters",
			"姓名不能同时有汉字和字母：中国公民填写汉字姓名，外籍人员按护照填写字母姓名。")
	case han:
		return hanName(rs)
	case latin:
		return latinName(rs)
	}
	for _, r := range rs {
		if !unicode.IsSpace(r) {
			return "", newError(nameField, CodeNameChars, "no letters",
				"姓名中没有汉字或字母，请重新填写。")
		}
	}
	return "", newError(nameField, CodeNameEmpty, "empty", "请填写姓名。")
}

// hanName normalises a name already known to be Han characters, dots,
// spaces and possibly Latin punctuation.
func hanName(rs []rune) (string, error) {
	out := make([]rune, 0, len(rs))
	for _, r := range rs {
		switch {
		case unicode.IsSpace(r):
			continue
		case r == '.':
			r = middleDot
		case r == '-' || r == '\'' || unicode.Is(unicode.Mn, r):
			return "", newError(nameField, CodeNameChars, fmt.Sprintf("character %q not allowed in a Chinese name", r),
				fmt.Sprintf("汉字姓名中不能有“%c”，少数民族姓名请用间隔号“·”分隔。", r))
		}
		if r == middleDot && (len(out) == 0 || out[len(out)-1] == middleDot) {
			return "", misplacedDot()
		}
		out = append(out, r)
	}
	if out[len(out)-1] == middleDot {
		return "", misplacedDot()
	}
	if len(out) > maxHanName {
		return "", newError(nameField, CodeNameLength,
			fmt.Sprintf("%d characters, at most %d", len(out), maxHanName),
			fmt.Sprintf("姓名过长（%d个字），最多%d个字，请核对。", len(out), maxHanName))
	}
	return string(out), nil
}

// misplacedDot is the refusal for a "·" at either end or doubled.
func misplacedDot() *Error {
	return newError(nameField, CodeNameDot, "misplaced middle dot",
		"间隔号“·”只能放在名字中间，且不能连续出现，请核对。")
}

// latinName normalises a name already known to be Latin letters,
// spaces and punctuation.
func latinName(rs []rune) (string, error) {
	out := make([]rune, 0, len(rs))
	for _, r := range rs {
		if r == middleDot || r == '.' {
			return "", newError(nameField, CodeNameChars, fmt.Sprintf("character %q not allowed in a Latin name", r),
				fmt.Sprintf("外文姓名中不能有“%c”，请按护照填写，名字之间用空格分隔。", r))
		}
		if unicode.IsSpace(r) {
			if len(out) == 0 || out[len(out)-1] == ' ' {
				continue
			}
			r = ' '
		}
		out = append(out, r)
	}
	if len(out) > 0 && out[len(out)-1] == ' ' {
		out = out[:len(out)-1]
	}
	if len(out) < minLatinName || len(out) > maxLatinName {
		return "", newError(nameField, CodeNameLength,
			fmt.Sprintf("%d characters, want %d to %d", len(out), minLatinName, maxLatinName),
			fmt.Sprintf("外文姓名应为%d–%d个字符，现在是%d个，请按护照核对。", minLatinName, maxLatinName, len(out)))
	}
	if !unicode.IsLetter(out[0]) || !(unicode.IsLetter(out[len(out)-1]) || unicode.Is(unicode.Mn, out[len(out)-1])) {
		return "", newError(nameField, CodeNameChars, "must start and end with a letter",
			"外文姓名应以字母开头和结尾，请按护照核对。")
	}
	return string(out), nil
}
