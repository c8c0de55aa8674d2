package ident

import (
	"strings"
	"unicode"
)

// foldWidth maps full-width ASCII variants (U+FF01–U+FF5E) and the
// ideographic space to their ASCII forms. Chinese input methods in
// full-width mode produce "１１０１" instead of "1101"; the clerk sees
// no difference, so the checks must not either.
func foldWidth(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	}
	return r
}

// compact folds width and removes every whitespace rune. Identifier
// numbers never contain spaces, but clerks group digits when copying
// from paper ("110105 19491231 002X").
func compact(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = foldWidth(r)
		if unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
