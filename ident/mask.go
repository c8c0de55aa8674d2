package ident

import "strings"

// The Mask functions turn a value into the form shown in lists,
// exports and logs. They work on runes, keep the value's length (one
// "*" per hidden rune, so columns line up and the clerk can see that a
// value is present and complete), trim surrounding whitespace, and
// never fail: they are meant for values the checks already accepted,
// and for anything else they still hide at least half.

// MaskID masks a resident ID for display: an 18-character number keeps
// its division code (first 6) and last 4, e.g. 110105********002X,
// the form the domain brief prescribes, which lets a clerk match a
// card without exposing the birth date. Any other length keeps at most
// half of the runes, split between the two ends.
func MaskID(s string) string {
	rs := []rune(strings.TrimSpace(s))
	if len(rs) == 18 {
		return keepEnds(rs, 6, 4)
	}
	head, tail := halfEnds(len(rs), 6, 4)
	return keepEnds(rs, head, tail)
}

// MaskName masks a personal name by keeping its first and last rune:
// 张三丰 → 张*丰, 欧阳娜娜 → 欧**娜, 阿依古丽·买买提 → 阿******提. A
// two-rune name keeps only the first (张三 → 张*), since showing both
// would hide nothing, and a single rune becomes "*". Dots and spaces
// are masked like letters, so the shape of the name is not revealed.
func MaskName(s string) string {
	rs := []rune(strings.TrimSpace(s))
	switch len(rs) {
	case 0:
		return ""
	case 1:
		return "*"
	case 2:
		return keepEnds(rs, 1, 0)
	}
	return keepEnds(rs, 1, 1)
}

// MaskPhone masks a phone number. A mobile number keeps its first 3
// and last 4 digits (138****5678), the customary form that lets a
// caller confirm the number. A landline in the "0531-88888888" form
// from CheckPhone keeps its area code, which locates only a city, and
// at most the last 4 (and half) of the subscriber number:
// 0531-****8888. Anything else keeps at most half, split between the
// ends.
func MaskPhone(s string) string {
	rs := []rune(strings.TrimSpace(s))
	n := len(rs)
	if n == 11 && rs[0] == '1' && allDigits(string(rs)) {
		return keepEnds(rs, 3, 4)
	}
	if i := areaCodeEnd(rs); i > 0 {
		m := n - i
		tail := min(4, m/2)
		return string(rs[:i]) + keepEnds(rs[i:], 0, tail)
	}
	head, tail := halfEnds(n, 3, 4)
	return keepEnds(rs, head, tail)
}

// MaskUSCC masks a unified social credit code, keeping the first 4
// (registration authority, type and province) and the last 4 runes:
// 9135**********0Y43. Codes of companies are public in the national
// enterprise credit register, but an individual business's code
// (starting 92) points at one person, and lists do not know which is
// which, so every code is masked the same way. Other lengths keep at
// most half.
func MaskUSCC(s string) string {
	rs := []rune(strings.TrimSpace(s))
	if len(rs) == 18 {
		return keepEnds(rs, 4, 4)
	}
	head, tail := halfEnds(len(rs), 4, 4)
	return keepEnds(rs, head, tail)
}

// areaCodeEnd returns the length of a leading "0dd-" or "0ddd-" area
// code including its hyphen, or 0 if rs does not start with one. Only
// a real area code is shown in clear, so that "13812345678-1" cannot
// pass a mobile number through as a "prefix".
func areaCodeEnd(rs []rune) int {
	for _, i := range []int{3, 4} {
		if len(rs) > i+1 && rs[i] == '-' && rs[0] == '0' && allDigits(string(rs[1:i])) {
			return i + 1
		}
	}
	return 0
}

// halfEnds shrinks the wanted head and tail so that together they show
// at most half of n runes, giving the tail priority up to half of what
// may be shown because the end of a number is what clerks compare.
func halfEnds(n, head, tail int) (int, int) {
	visible := n / 2
	tail = min(tail, visible/2)
	head = min(head, visible-tail)
	return head, tail
}

// keepEnds returns rs with all but the first head and last tail runes
// replaced by "*". It assumes head+tail <= len(rs).
func keepEnds(rs []rune, head, tail int) string {
	var b strings.Builder
	b.Grow(len(rs) * 3)
	for i, r := range rs {
		if i < head || i >= len(rs)-tail {
			b.WriteRune(r)
		} else {
			b.WriteByte('*')
		}
	}
	return b.String()
}
