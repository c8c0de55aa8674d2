package ident_test

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"yizhan/ident"
)

func TestCheckName(t *testing.T) {
	ok := []struct{ name, in, want string }{
		{"TwoHan", "张三", "张三"},
		{"SpacedOut", " 张  三 ", "张三"},
		{"IdeographicSpace", "张\u3000三", "张三"},
		{"FourHan", "欧阳娜娜", "欧阳娜娜"},
		{"OneHan", "琳", "琳"},
		{"ExtensionA", "王㛃", "王㛃"},
		{"MinorityDot", "阿依古丽·买买提", "阿依古丽·买买提"},
		{"BulletDot", "阿依古丽•买买提", "阿依古丽·买买提"},
		{"FullWidthDot", "阿依古丽．买买提", "阿依古丽·买买提"},
		{"KatakanaDot", "阿依古丽・买买提", "阿依古丽·买买提"},
		{"HalfWidthKatakanaDot", "阿依古丽･买买提", "阿依古丽·买买提"},
		{"ASCIIDot", "阿依古丽.买买提", "阿依古丽·买买提"},
		{"SpacedDot", "阿依古丽 · 买买提", "阿依古丽·买买提"},
		{"TwoDots", "爱新觉罗·溥·仪", "爱新觉罗·溥·仪"},
		{"HanNumeralZero", "张三〇", "张三〇"},
		{"PastedNewline", "张三\n", "张三"},
		{"ZeroWidthSpace", "张\u200b三\ufeff", "张三"},
		{"ThirtyHan", strings.Repeat("阿", 30), strings.Repeat("阿", 30)},
		{"Latin", "John Smith", "John Smith"},
		{"LatinSpaces", "  John   Smith ", "John Smith"},
		{"LatinHyphenApostrophe", "Mary-Jane O'Neil", "Mary-Jane O'Neil"},
		{"CurlyApostrophe", "O’Brien", "O'Brien"},
		{"Accents", "José García", "José García"},
		{"CombiningAccent", "Jose\u0301 Garci\u0301a", "Jose\u0301 Garci\u0301a"},
		{"FullWidthLatin", "ＪＯＨＮ　ＳＭＩＴＨ", "JOHN SMITH"},
		{"LongPassportName", "MARIA DE LOS ANGELES GARCIA FERNANDEZ", "MARIA DE LOS ANGELES GARCIA FERNANDEZ"},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ident.CheckName(tt.in)
			if err != nil {
				t.Fatalf("CheckName(%q): got error %v, want nil", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("CheckName(%q): got %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	bad := []struct{ name, in, code string }{
		{"Empty", "", ident.CodeNameEmpty},
		{"Blank", " \u3000\t", ident.CodeNameEmpty},
		{"OnlyZeroWidth", "\u200b", ident.CodeNameEmpty},
		{"Digit", "张3", ident.CodeNameChars},
		{"FullWidthDigit", "张３", ident.CodeNameChars},
		{"NUL", "张\x00三", ident.CodeNameChars},
		{"BidiOverride", "张\u202e三", ident.CodeNameChars},
		{"Symbol", "张三!", ident.CodeNameChars},
		{"Parenthesis", "王(女+吉)", ident.CodeNameChars},
		{"InvalidUTF8", "张\xff三", ident.CodeNameChars},
		{"Mixed", "张三John", ident.CodeNameMixed},
		{"HyphenInHan", "张-三", ident.CodeNameChars},
		{"LeadingDot", "·张三", ident.CodeNameDot},
		{"TrailingDot", "张三·", ident.CodeNameDot},
		{"DoubleDot", "阿依古丽··买买提", ident.CodeNameDot},
		{"OnlyDots", "··", ident.CodeNameChars},
		{"ThirtyOneHan", strings.Repeat("阿", 31), ident.CodeNameLength},
		{"OneLatin", "A", ident.CodeNameLength},
		{"LongLatin", strings.Repeat("A", 65), ident.CodeNameLength},
		{"LatinDot", "John F. Smith", ident.CodeNameChars},
		{"LatinMiddleDot", "John·Smith", ident.CodeNameChars},
		{"LatinLeadingHyphen", "-John", ident.CodeNameChars},
		{"Cyrillic", "Иван", ident.CodeNameChars},
		{"Arabic", "محمد", ident.CodeNameChars},
		{"Kana", "さくら", ident.CodeNameChars},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ident.CheckName(tt.in)
			if err == nil {
				t.Fatalf("CheckName(%q): got %q, want error %s", tt.in, got, tt.code)
			}
			wantCode(t, err, "name", tt.code)
		})
	}
}

func FuzzCheckName(f *testing.F) {
	for _, s := range []string{"张三", "欧阳娜娜", "阿依古丽·买买提", "阿依古丽•买买提", " 张  三 ",
		"John Smith", "O’Brien", "张3", "·张三", "张\u202e三", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ident.CheckName(s)
		if err != nil {
			var e *ident.Error
			if !errors.As(err, &e) || e.Code == "" || e.Zh == "" || !strings.HasPrefix(e.Error(), "ident: name: ") {
				t.Fatalf("CheckName(%q): got malformed error %#v", s, err)
			}
			return
		}
		if again, err := ident.CheckName(got); err != nil || again != got {
			t.Fatalf("CheckName(%q) not idempotent: got %q, %v", got, again, err)
		}
		n := utf8.RuneCountInString(got)
		if !utf8.ValidString(got) || n < 1 || n > 64 || strings.TrimSpace(got) != got || strings.Contains(got, "  ") {
			t.Fatalf("CheckName(%q): got %q", s, got)
		}
		han := false
		for _, r := range got {
			han = han || unicode.Is(unicode.Han, r)
			if unicode.IsDigit(r) || (unicode.IsNumber(r) && r != '〇') || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || strings.ContainsRune("•・･‧∙⋅．", r) {
				t.Fatalf("CheckName(%q): got %q containing %q", s, got, r)
			}
		}
		if han && (n > 30 || strings.ContainsAny(got, " .-'") || strings.HasPrefix(got, "·") || strings.HasSuffix(got, "·") || strings.Contains(got, "··")) {
			t.Fatalf("CheckName(%q): got malformed Chinese name %q", s, got)
		}
	})
}
