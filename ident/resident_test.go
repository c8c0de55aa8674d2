package ident_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"yizhan/ident"
)

// today is the fixed clerk's date used by the tests: 1 June 2025 in
// China Standard Time.
var today = time.Date(2025, 6, 1, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// withResidentCheck appends the GB 11643 check character to 17 digits.
// It derives the weights as 2^(17-i) mod 11 rather than copying the
// package's table, so the two implementations check each other.
func withResidentCheck(body string) string {
	sum := 0
	for i := 0; i < 17; i++ {
		w := 1
		for j := 0; j < 17-i; j++ {
			w = w * 2 % 11
		}
		sum += int(body[i]-'0') * w
	}
	return body + string("10X98765432"[sum%11])
}

// wantCode fails the test unless err is an *ident.Error with the code,
// the field and non-empty English and Chinese messages.
func wantCode(t *testing.T, err error, field, code string) {
	t.Helper()
	var e *ident.Error
	if !errors.As(err, &e) {
		t.Fatalf("got error %v (%T), want *ident.Error with code %q", err, err, code)
	}
	if e.Code != code {
		t.Errorf("got code %q (%v), want %q", e.Code, e, code)
	}
	if e.Field != field {
		t.Errorf("got field %q, want %q", e.Field, field)
	}
	if e.Message == "" || e.ZhMessage() == "" || e.ZhMessage() != e.Zh {
		t.Errorf("got Message %q, ZhMessage %q; want both set", e.Message, e.ZhMessage())
	}
	if want := "ident: " + field + ": " + e.Message; e.Error() != want {
		t.Errorf("got Error() %q, want %q", e.Error(), want)
	}
}

func TestParseResidentID(t *testing.T) {
	ok := []struct {
		name, in, number, birth, sex string
	}{
		{"ExampleX", "11010519491231002X", "11010519491231002X", "1949-12-31", "F"},
		{"ExampleDigit", "110105195001010039", "110105195001010039", "1950-01-01", "M"},
		{"LowerX", "11010519491231002x", "11010519491231002X", "1949-12-31", "F"},
		{"Spaces", " 110105 19491231 002X\t", "11010519491231002X", "1949-12-31", "F"},
		{"FullWidth", "１１０１０５１９４９１２３１００２ｘ", "11010519491231002X", "1949-12-31", "F"},
		{"IdeographicSpace", "\u300011010519491231002X\u3000", "11010519491231002X", "1949-12-31", "F"},
		{"LeapDay", "370102200002291234", "370102200002291234", "2000-02-29", "M"},
		{"BornToday", withResidentCheck("11010520250601123"), withResidentCheck("11010520250601123"), "2025-06-01", "M"},
		{"Year1880", withResidentCheck("11010518800101002"), withResidentCheck("11010518800101002"), "1880-01-01", "F"},
		{"HongKongPermit", "810000199001011230", "810000199001011230", "1990-01-01", "M"},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			id, err := ident.ParseResidentID(tt.in, today)
			if err != nil {
				t.Fatalf("ParseResidentID(%q): got error %v, want nil", tt.in, err)
			}
			if id.Number != tt.number {
				t.Errorf("got Number %q, want %q", id.Number, tt.number)
			}
			if got := id.Birth.Format(time.DateOnly); got != tt.birth {
				t.Errorf("got Birth %s, want %s", got, tt.birth)
			}
			if id.Birth.Location() != time.UTC || id.Birth.Hour() != 0 {
				t.Errorf("got Birth %v, want midnight UTC", id.Birth)
			}
			if id.Sex != tt.sex {
				t.Errorf("got Sex %q, want %q", id.Sex, tt.sex)
			}
			if id.Division != tt.number[:6] {
				t.Errorf("got Division %q, want %q", id.Division, tt.number[:6])
			}
		})
	}

	bad := []struct {
		name, in, code string
	}{
		{"Empty", "", ident.CodeIDEmpty},
		{"Blank", "  \u3000 ", ident.CodeIDEmpty},
		{"Legacy15", "110105491231002", ident.CodeIDLegacy},
		{"Short", "11010519491231002", ident.CodeIDLength},
		{"Long", "11010519491231002X1", ident.CodeIDLength},
		{"LetterLast", "11010519491231002A", ident.CodeIDCharset},
		{"XNotLast", "1101051949123100X2", ident.CodeIDCharset},
		{"LetterO", "11010519491231O02X", ident.CodeIDCharset},
		{"HanLast", "11010519491231002中", ident.CodeIDCharset},
		{"HanMiddle", "1101051949123100中X", ident.CodeIDCharset},
		{"Hyphen", "110105-19491231-02", ident.CodeIDCharset},
		{"Checksum", "110105194912310021", ident.CodeIDChecksum},
		{"ChecksumXForDigit", "11010519500101003X", ident.CodeIDChecksum},
		{"Feb30", "110105194902300012", ident.CodeIDBirthdate},
		{"Feb29CommonYear", "370102190002291238", ident.CodeIDBirthdate},
		{"Month13", withResidentCheck("11010519491301002"), ident.CodeIDBirthdate},
		{"Day00", withResidentCheck("11010519491200002"), ident.CodeIDBirthdate},
		{"Before1880", "110105187912310016", ident.CodeIDBirthdate},
		{"Future", "110105209912310010", ident.CodeIDFuture},
		{"Tomorrow", withResidentCheck("11010520250602123"), ident.CodeIDFuture},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			id, err := ident.ParseResidentID(tt.in, today)
			if err == nil {
				t.Fatalf("ParseResidentID(%q): got %+v, want error %q", tt.in, id.Number, tt.code)
			}
			wantCode(t, err, "resident id", tt.code)
		})
	}
}

func TestParseResidentID_ErrorText(t *testing.T) {
	_, err := ident.ParseResidentID("110105194912310021", today)
	if got, want := err.Error(), "ident: resident id: checksum mismatch"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	var e *ident.Error
	if !errors.As(err, &e) || !strings.Contains(e.ZhMessage(), "校验位") {
		t.Errorf("got Zh %q, want it to mention 校验位", e.ZhMessage())
	}
	_, err = ident.ParseResidentID("110105194902300012", today)
	if !errors.As(err, &e) || !strings.Contains(e.ZhMessage(), "1949年02月30日") {
		t.Errorf("got Zh %q, want it to quote the date", e.ZhMessage())
	}
}

// TestParseResidentID_Generated cross-checks the package against the
// test's own check character over many random valid numbers.
func TestParseResidentID_Generated(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	start := time.Date(1880, 1, 1, 0, 0, 0, 0, time.UTC)
	days := int(time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC).Sub(start).Hours() / 24)
	for range 2000 {
		birth := start.AddDate(0, 0, r.IntN(days+1))
		body := fmt.Sprintf("%06d%s%03d", r.IntN(1000000), birth.Format("20060102"), r.IntN(1000))
		n := withResidentCheck(body)
		id, err := ident.ParseResidentID(n, today)
		if err != nil {
			t.Fatalf("ParseResidentID(%q): got %v, want nil", n, err)
		}
		if !id.Birth.Equal(birth) {
			t.Fatalf("ParseResidentID(%q): got Birth %v, want %v", n, id.Birth, birth)
		}
		// Every other check character must be refused.
		for _, c := range "0123456789X" {
			if c == rune(n[17]) {
				continue
			}
			if _, err := ident.ParseResidentID(n[:17]+string(c), today); err == nil {
				t.Fatalf("ParseResidentID(%q): got nil error, want checksum error", n[:17]+string(c))
			}
		}
	}
}

func TestResidentID_Age(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	tests := []struct {
		name, number string
		on           time.Time
		want         int
	}{
		{"DayBeforeBirthday", "11010519491231002X", time.Date(2025, 12, 30, 12, 0, 0, 0, time.UTC), 75},
		{"OnBirthday", "11010519491231002X", time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC), 76},
		{"LocalDateCounts", "11010519491231002X", time.Date(2025, 12, 31, 0, 30, 0, 0, cst), 76},
		{"BirthDay", "11010519491231002X", time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), 0},
		{"BeforeBirth", "11010519491231002X", time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC), 0},
		{"LeapCommonFeb28", "370102200002291234", time.Date(2018, 2, 28, 0, 0, 0, 0, time.UTC), 17},
		{"LeapCommonMar1", "370102200002291234", time.Date(2018, 3, 1, 0, 0, 0, 0, time.UTC), 18},
		{"LeapLeapFeb28", "370102200002291234", time.Date(2020, 2, 28, 0, 0, 0, 0, time.UTC), 19},
		{"LeapLeapFeb29", "370102200002291234", time.Date(2020, 2, 29, 0, 0, 0, 0, time.UTC), 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := ident.ParseResidentID(tt.number, today)
			if err != nil {
				t.Fatal(err)
			}
			if got := id.Age(tt.on); got != tt.want {
				t.Errorf("Age(%v): got %d, want %d", tt.on, got, tt.want)
			}
		})
	}
}

func TestResidentID_DivisionKnown(t *testing.T) {
	tests := []struct {
		name, number string
		want         bool
	}{
		{"Beijing", "11010519491231002X", true},
		{"Hunan", "430102198808084564", true},
		{"HongKongPermit", "810000199001011230", true},
		{"ForeignerPermanent", "910000199001011234", false},
		{"Unknown", withResidentCheck("99010519491231002"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := ident.ParseResidentID(tt.number, today)
			if err != nil {
				t.Fatalf("got error %v, want a valid number (division is warn only)", err)
			}
			if got := id.DivisionKnown(); got != tt.want {
				t.Errorf("DivisionKnown(%s): got %v, want %v", tt.number, got, tt.want)
			}
		})
	}
	if (ident.ResidentID{}).DivisionKnown() {
		t.Error("zero ResidentID: got DivisionKnown true, want false")
	}
}

func TestResidentID_String(t *testing.T) {
	id, err := ident.ParseResidentID("11010519491231002X", today)
	if err != nil {
		t.Fatal(err)
	}
	for _, got := range []string{id.String(), fmt.Sprint(id), fmt.Sprintf("%v", id)} {
		if want := "110105********002X"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

func FuzzParseResidentID(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "11010519491231002x", "110105195001010039",
		"110105194902300012", "110105491231002", " １１０１０５１９４９１２３１００２Ｘ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ident.ParseResidentID(s, today)
		if err != nil {
			var e *ident.Error
			if !errors.As(err, &e) || e.Code == "" || e.Zh == "" || !strings.HasPrefix(e.Error(), "ident: resident id: ") {
				t.Fatalf("ParseResidentID(%q): got malformed error %#v", s, err)
			}
			return
		}
		n := id.Number
		if len(n) != 18 || n != strings.ToUpper(n) {
			t.Fatalf("ParseResidentID(%q): got Number %q, want 18 upper-case characters", s, n)
		}
		if want := withResidentCheck(n[:17]); n != want {
			t.Fatalf("ParseResidentID(%q): got %q, want check %q", s, n, want)
		}
		if id.Birth.After(today) || id.Birth.Year() < 1880 || id.Birth.Location() != time.UTC {
			t.Fatalf("ParseResidentID(%q): got Birth %v", s, id.Birth)
		}
		if id.Sex != "M" && id.Sex != "F" || id.Division != n[:6] {
			t.Fatalf("ParseResidentID(%q): got Sex %q Division %q", s, id.Sex, id.Division)
		}
		again, err := ident.ParseResidentID(n, today)
		if err != nil || again.Number != n || !again.Birth.Equal(id.Birth) || again.Sex != id.Sex {
			t.Fatalf("round trip of %q: got %+v, %v", n, again, err)
		}
		if m := ident.MaskID(n); m[6:14] != "********" || m[:6] != n[:6] || m[14:] != n[14:] {
			t.Fatalf("MaskID(%q): got %q", n, m)
		}
	})
}
