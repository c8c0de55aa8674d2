package ident_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"yizhan/ident"
)

func TestMask(t *testing.T) {
	tests := []struct {
		name string
		mask func(string) string
		in   string
		want string
	}{
		{"ID/Example", ident.MaskID, "11010519491231002X", "110105********002X"},
		{"ID/Trimmed", ident.MaskID, " 110105195001010039 ", "110105********0039"},
		{"ID/Empty", ident.MaskID, "", ""},
		{"ID/One", ident.MaskID, "1", "*"},
		{"ID/Two", ident.MaskID, "12", "1*"},
		{"ID/Four", ident.MaskID, "1234", "1**4"},
		{"ID/Legacy15", ident.MaskID, "110105491231002", "1101********002"},
		{"ID/Seventeen", ident.MaskID, "11010519491231002", "1101*********1002"},
		{"ID/Runes", ident.MaskID, "一二三四", "一**四"},
		{"Name/Two", ident.MaskName, "张三", "张*"},
		{"Name/Three", ident.MaskName, "张三丰", "张*丰"},
		{"Name/Four", ident.MaskName, "欧阳娜娜", "欧**娜"},
		{"Name/Minority", ident.MaskName, "阿依古丽·买买提", "阿******提"},
		{"Name/One", ident.MaskName, "琳", "*"},
		{"Name/Empty", ident.MaskName, "  ", ""},
		{"Name/Latin", ident.MaskName, "John Smith", "J********h"},
		{"Phone/Mobile", ident.MaskPhone, "13812345678", "138****5678"},
		{"Phone/Landline", ident.MaskPhone, "0531-88888888", "0531-****8888"},
		{"Phone/Beijing", ident.MaskPhone, "010-62345678", "010-****5678"},
		{"Phone/Landline7", ident.MaskPhone, "0531-8888888", "0531-****888"},
		{"Phone/RunTogether", ident.MaskPhone, "053188888888", "053******888"},
		{"Phone/NotAreaCode", ident.MaskPhone, "13812345678-1", "138*******8-1"},
		{"Phone/Empty", ident.MaskPhone, "", ""},
		{"USCC/Example", ident.MaskUSCC, "91350100M000100Y43", "9135**********0Y43"},
		{"USCC/Short", ident.MaskUSCC, "ABC", "A**"},
		{"USCC/Empty", ident.MaskUSCC, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.mask(tt.in); got != tt.want {
				t.Errorf("mask(%q): got %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// revealed checks that out is in masked positionally (each rune either
// "*" or the input's rune at the same place) and returns which
// positions are shown.
func revealed(t *testing.T, fn, in, out string) []bool {
	t.Helper()
	ir, or := []rune(strings.TrimSpace(in)), []rune(out)
	if len(ir) != len(or) {
		t.Fatalf("%s(%q): got %q with %d runes, want %d", fn, in, out, len(or), len(ir))
	}
	shown := make([]bool, len(or))
	for i := range or {
		if or[i] == '*' {
			continue
		}
		if or[i] != ir[i] {
			t.Fatalf("%s(%q): got %q, rune %d is neither * nor the input's", fn, in, out, i)
		}
		shown[i] = true
	}
	return shown
}

// count returns how many positions are shown.
func count(shown []bool) int {
	n := 0
	for _, s := range shown {
		if s {
			n++
		}
	}
	return n
}

// hiddenRange fails unless positions [from, to) are all hidden.
func hiddenRange(t *testing.T, fn, in, out string, shown []bool, from, to int) {
	t.Helper()
	for i := from; i < to && i < len(shown); i++ {
		if shown[i] {
			t.Fatalf("%s(%q): got %q, position %d must be hidden", fn, in, out, i)
		}
	}
}

// areaCodeLen returns the length of a leading "0dd-" or "0ddd-" area
// code followed by at least one more rune, or 0.
func areaCodeLen(rs []rune) int {
	for _, i := range []int{3, 4} {
		if len(rs) <= i+1 || rs[0] != '0' || rs[i] != '-' {
			continue
		}
		digits := true
		for _, r := range rs[1:i] {
			digits = digits && r >= '0' && r <= '9'
		}
		if digits {
			return i + 1
		}
	}
	return 0
}

func FuzzMask(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "张三", "阿依古丽·买买提", "13812345678",
		"0531-88888888", "91350100M000100Y43", "13812345678-1", "", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in := strings.TrimSpace(s)
		n := utf8.RuneCountInString(in)
		rs := []rune(in)

		out := ident.MaskID(s)
		shown := revealed(t, "MaskID", s, out)
		if n == 18 {
			hiddenRange(t, "MaskID", s, out, shown, 6, 14)
			if mid := string(rs[6:14]); !strings.Contains(mid, "*") && strings.Contains(out, mid) {
				t.Fatalf("MaskID(%q): got %q containing the hidden middle %q", s, out, mid)
			}
		} else if count(shown) > n/2 {
			t.Fatalf("MaskID(%q): got %q showing more than half", s, out)
		}

		out = ident.MaskName(s)
		shown = revealed(t, "MaskName", s, out)
		if c := count(shown); c > 2 || n <= 2 && c > n/2 {
			t.Fatalf("MaskName(%q): got %q showing %d runes", s, out, c)
		}
		if n >= 3 {
			hiddenRange(t, "MaskName", s, out, shown, 1, n-1)
		}

		out = ident.MaskUSCC(s)
		shown = revealed(t, "MaskUSCC", s, out)
		if n == 18 {
			hiddenRange(t, "MaskUSCC", s, out, shown, 4, 14)
		} else if count(shown) > n/2 {
			t.Fatalf("MaskUSCC(%q): got %q showing more than half", s, out)
		}

		out = ident.MaskPhone(s)
		shown = revealed(t, "MaskPhone", s, out)
		switch {
		case n == 11 && rs[0] == '1':
			hiddenRange(t, "MaskPhone", s, out, shown, 3, 7)
		case areaCodeLen(rs) > 0:
			// An area code may be shown; the subscriber part shows at
			// most half.
			if sub := shown[areaCodeLen(rs):]; count(sub) > len(sub)/2 {
				t.Fatalf("MaskPhone(%q): got %q showing more than half the subscriber number", s, out)
			}
		default:
			if count(shown) > n/2 {
				t.Fatalf("MaskPhone(%q): got %q showing more than half", s, out)
			}
		}
		if n > 0 && count(shown) == n {
			t.Fatalf("MaskPhone(%q): got %q hiding nothing", s, out)
		}
	})
}
