package ident_test

import (
	"testing"

	"yizhan/ident"
)

func TestCheckMobile(t *testing.T) {
	ok := []struct{ name, in, want string }{
		{"Plain", "13812345678", "13812345678"},
		{"Spaces", " 138 1234 5678 ", "13812345678"},
		{"Hyphens", "138-1234-5678", "13812345678"},
		{"Plus86", "+86 138 1234 5678", "13812345678"},
		{"Prefix86", "8613812345678", "13812345678"},
		{"Prefix0086", "008613812345678", "13812345678"},
		{"FullWidth", "１３８１２３４５６７８", "13812345678"},
		{"Second9", "19912345678", "19912345678"},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ident.CheckMobile(tt.in)
			if err != nil {
				t.Fatalf("CheckMobile(%q): got error %v, want nil", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("CheckMobile(%q): got %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	bad := []struct{ name, in, code string }{
		{"Empty", "", ident.CodePhoneEmpty},
		{"Second2", "12812345678", ident.CodePhoneFormat},
		{"Short", "1381234567", ident.CodePhoneFormat},
		{"Long", "138123456789", ident.CodePhoneFormat},
		{"StartsWith2", "23812345678", ident.CodePhoneFormat},
		{"Letter", "1381234567a", ident.CodePhoneFormat},
		{"Landline", "0531-88888888", ident.CodePhoneFormat},
		{"PlusInside", "138+12345678", ident.CodePhoneFormat},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ident.CheckMobile(tt.in)
			if err == nil {
				t.Fatalf("CheckMobile(%q): got %q, want error %s", tt.in, got, tt.code)
			}
			wantCode(t, err, "mobile", tt.code)
		})
	}
}

func TestCheckPhone(t *testing.T) {
	ok := []struct{ name, in, want string }{
		{"Mobile", "138 1234 5678", "13812345678"},
		{"MobilePlus86", "+8613812345678", "13812345678"},
		{"Landline", "0531-88888888", "0531-88888888"},
		{"LandlineRunTogether", "053188888888", "0531-88888888"},
		{"LandlineParens", "(0531)88888888", "0531-88888888"},
		{"LandlineSpace", "0531 8888888", "0531-8888888"},
		{"Beijing", "010-62345678", "010-62345678"},
		{"BeijingRunTogether", "01062345678", "010-62345678"},
		{"Guangzhou", "020 8234 5678", "020-82345678"},
		{"FullWidthHyphen", "０５３１－８８８８８８８８", "0531-88888888"},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ident.CheckPhone(tt.in)
			if err != nil {
				t.Fatalf("CheckPhone(%q): got error %v, want nil", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("CheckPhone(%q): got %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	bad := []struct{ name, in, code string }{
		{"Empty", " ", ident.CodePhoneEmpty},
		{"NoAreaCode", "88888888", ident.CodePhoneArea},
		{"NoAreaCode7", "8888888", ident.CodePhoneArea},
		{"SubscriberStarts0", "0531-08888888", ident.CodePhoneFormat},
		{"SubscriberStarts1", "010-12345678", ident.CodePhoneFormat},
		{"Area011", "011-62345678", ident.CodePhoneFormat},
		{"International", "00-12345678", ident.CodePhoneFormat},
		{"SubscriberTooLong", "0531-888888888", ident.CodePhoneFormat},
		{"SubscriberTooShort", "0531-888888", ident.CodePhoneFormat},
		{"Extension", "0531-88888888-801", ident.CodePhoneFormat},
		{"Letter", "0531-8888888a", ident.CodePhoneFormat},
		{"BadMobile", "12812345678", ident.CodePhoneFormat},
		{"ServiceNumber", "4008123456", ident.CodePhoneFormat},
		{"AreaOnly", "0", ident.CodePhoneFormat},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ident.CheckPhone(tt.in)
			if err == nil {
				t.Fatalf("CheckPhone(%q): got %q, want error %s", tt.in, got, tt.code)
			}
			wantCode(t, err, "phone", tt.code)
		})
	}
}
