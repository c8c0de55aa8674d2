package ident_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"yizhan/ident"
)

// usccAlphabet is GB 32100's character set in value order.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccSum returns Σ value×3^i mod 31 over the first 17 characters,
// deriving the weights rather than copying the package's table.
func usccSum(body string) int {
	sum, w := 0, 1
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(usccAlphabet, body[i]) * w
		w = w * 3 % 31
	}
	return sum % 31
}

// withUSCCCheck appends the GB 32100 check character to 17 characters.
func withUSCCCheck(body string) string {
	return body + string(usccAlphabet[(31-usccSum(body))%31])
}

// withOrgCheck appends the GB 11714 check character to 8 characters.
func withOrgCheck(body string) string {
	w := []int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 8; i++ {
		v := int(body[i] - '0')
		if body[i] >= 'A' {
			v = int(body[i]-'A') + 10
		}
		sum += v * w[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return body + "X"
	case 11:
		return body + "0"
	default:
		return body + string(rune('0'+c))
	}
}

func TestCheckUSCC(t *testing.T) {
	ok := []struct{ name, in, want string }{
		{"Example", "91350100M000100Y43", "91350100M000100Y43"},
		{"Lower", "91350100m000100y43", "91350100M000100Y43"},
		{"Spaces", " 9135 0100 M000 100Y 43 ", "91350100M000100Y43"},
		{"FullWidth", "９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43"},
		{"OrgCheckX", "9135010010000018XL", "9135010010000018XL"},
		// Σ mod 31 = 0, computed with a separate script: the check
		// character is '0'. An implementation that omits the outer
		// mod 31 indexes the alphabet at 31 and panics or refuses it.
		{"SumMultipleOf31", "91100056M000100Y40", "91100056M000100Y40"},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ident.CheckUSCC(tt.in)
			if err != nil {
				t.Fatalf("CheckUSCC(%q): got error %v, want nil", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("CheckUSCC(%q): got %q, want %q", tt.in, got, tt.want)
			}
		})
	}

	bad := []struct{ name, in, code string }{
		{"Empty", " ", ident.CodeUSCCEmpty},
		{"Legacy15", "350100400012345", ident.CodeUSCCLegacy},
		{"Short", "91350100M000100Y4", ident.CodeUSCCLength},
		{"Long", "91350100M000100Y433", ident.CodeUSCCLength},
		{"LetterI", "91350100M000100I43", ident.CodeUSCCCharset},
		{"LetterO", "9135O100M000100Y43", ident.CodeUSCCCharset},
		{"Han", "91350100M000100Y4中", ident.CodeUSCCCharset},
		{"Symbol", "91350100M000100Y4*", ident.CodeUSCCCharset},
		{"Checksum", "91350100M000100Y44", ident.CodeUSCCChecksum},
		{"SumMultipleOf31Wrong", "91100056M000100Y41", ident.CodeUSCCChecksum},
		{"OrgCode", "91350100M000100Y56", ident.CodeUSCCOrgCode},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ident.CheckUSCC(tt.in)
			if err == nil {
				t.Fatalf("CheckUSCC(%q): got %q, want error %q", tt.in, got, tt.code)
			}
			wantCode(t, err, "credit code", tt.code)
		})
	}
}

func TestCheckUSCC_CharsetHint(t *testing.T) {
	_, err := ident.CheckUSCC("91350100M000100I43")
	var e *ident.Error
	if !errors.As(err, &e) || !strings.Contains(e.Zh, "I、O、S、V、Z") || !strings.Contains(e.Zh, "第16位") {
		t.Errorf("got %v, want a hint about I O S V Z at position 16", err)
	}
}

// TestCheckUSCC_SumMultipleOf31 builds codes whose weighted sum is a
// multiple of 31 and checks that exactly the check character '0' is
// accepted.
func TestCheckUSCC_SumMultipleOf31(t *testing.T) {
	found := 0
	for _, org := range []string{"M000100Y", "MA2Y3K5L", "12345678", "D2143569"} {
		for div := 100000; div < 1000000 && found < 40; div += 7 {
			body := fmt.Sprintf("91%06d%s", div, withOrgCheck(org))
			if usccSum(body) != 0 {
				continue
			}
			found++
			code := withUSCCCheck(body)
			t.Run(code, func(t *testing.T) {
				if code[17] != '0' {
					t.Fatalf("test helper: got check %c, want 0", code[17])
				}
				if got, err := ident.CheckUSCC(code); err != nil || got != code {
					t.Fatalf("CheckUSCC(%q): got %q, %v; want accepted", code, got, err)
				}
				for _, c := range usccAlphabet[1:] {
					_, err := ident.CheckUSCC(body + string(c))
					var e *ident.Error
					if !errors.As(err, &e) || e.Code != ident.CodeUSCCChecksum {
						t.Fatalf("CheckUSCC(%q): got %v, want %s", body+string(c), err, ident.CodeUSCCChecksum)
					}
				}
			})
		}
	}
	if found == 0 {
		t.Fatal("found no code with Σ mod 31 = 0")
	}
}

// TestCheckUSCC_Generated cross-checks the package against the test's
// own check characters over random valid codes.
func TestCheckUSCC_Generated(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	pick := func(set string, n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = set[r.IntN(len(set))]
		}
		return string(b)
	}
	for range 5000 {
		code := withUSCCCheck(pick(usccAlphabet, 8) + withOrgCheck(pick(usccAlphabet, 8)))
		if got, err := ident.CheckUSCC(code); err != nil || got != code {
			t.Fatalf("CheckUSCC(%q): got %q, %v; want accepted", code, got, err)
		}
	}
}

func TestCheckOrgCode(t *testing.T) {
	ok := []struct{ name, in string }{
		{"FromExample", "M000100Y4"},
		{"Hyphen", "M000100Y-4"},
		{"Lower", "m000100y-4"},
		{"CheckX", "D2143569-X"},
		{"CheckXLower", "10000018x"},
		{"CheckZero", "100000040"},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			if err := ident.CheckOrgCode(tt.in); err != nil {
				t.Errorf("CheckOrgCode(%q): got %v, want nil", tt.in, err)
			}
		})
	}
	bad := []struct{ name, in, code string }{
		{"Empty", "", ident.CodeOrgCodeLength},
		{"Short", "M000100Y", ident.CodeOrgCodeLength},
		{"Symbol", "M000*00Y4", ident.CodeOrgCodeCharset},
		{"LetterCheckNotX", "M000100YA", ident.CodeOrgCodeCharset},
		{"Han", "M000100Y中", ident.CodeOrgCodeCharset},
		{"Checksum", "M000100Y5", ident.CodeOrgCodeChecksum},
		{"XForZero", "10000004X", ident.CodeOrgCodeChecksum},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			err := ident.CheckOrgCode(tt.in)
			if err == nil {
				t.Fatalf("CheckOrgCode(%q): got nil, want %s", tt.in, tt.code)
			}
			wantCode(t, err, "organisation code", tt.code)
		})
	}
}

func FuzzCheckUSCC(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", "91100056M000100Y40", "91350100m000100y43",
		"91350100M000100I43", "350100400012345", "９１３５０１００Ｍ０００１００Ｙ４３", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ident.CheckUSCC(s)
		if err != nil {
			var e *ident.Error
			if !errors.As(err, &e) || e.Code == "" || e.Zh == "" || !strings.HasPrefix(e.Error(), "ident: credit code: ") {
				t.Fatalf("CheckUSCC(%q): got malformed error %#v", s, err)
			}
			return
		}
		if len(got) != 18 || strings.Trim(got, usccAlphabet) != "" {
			t.Fatalf("CheckUSCC(%q): got %q, want 18 alphabet characters", s, got)
		}
		if want := withUSCCCheck(got[:17]); got != want {
			t.Fatalf("CheckUSCC(%q): got %q, want %q", s, got, want)
		}
		if want := withOrgCheck(got[8:16]); got[8:17] != want {
			t.Fatalf("CheckUSCC(%q): got org code %q, want %q", s, got[8:17], want)
		}
		if again, err := ident.CheckUSCC(got); err != nil || again != got {
			t.Fatalf("CheckUSCC(%q) not idempotent: got %q, %v", got, again, err)
		}
		if err := ident.CheckOrgCode(got[8:17]); err != nil {
			t.Fatalf("CheckOrgCode(%q): got %v", got[8:17], err)
		}
	})
}
