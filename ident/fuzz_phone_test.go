package ident_test

import (
	"errors"
	"testing"

	"yizhan/ident"
)

// FuzzCheckPhone feeds phone numbers as clerks and kiosks type them: no
// panic, refusals are ident errors with a Chinese message, and an accepted
// number is in canonical form (11-digit mobile, or area-subscriber) that
// is accepted again unchanged.
func FuzzCheckPhone(f *testing.F) {
	for _, s := range []string{"13800138000", "+86 138 0013 8000", "(0531)88888888", "010-62345678", "０５３１－８８８８８８８８", "400-800-8888", "", "1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ident.CheckPhone(s)
		if err != nil {
			var e *ident.Error
			if !errors.As(err, &e) || e.Zh == "" {
				t.Fatalf("CheckPhone(%q): malformed refusal %#v", s, err)
			}
			return
		}
		if !(len(got) == 11 && got[0] == '1') && !(len(got) >= 11 && len(got) <= 13 && got[0] == '0') {
			t.Fatalf("CheckPhone(%q) = %q: not a canonical number", s, got)
		}
		if again, err := ident.CheckPhone(got); err != nil || again != got {
			t.Fatalf("CheckPhone(%q) = %q, not stable: %q %v", s, got, again, err)
		}
	})
}
