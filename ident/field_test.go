package ident_test

import (
	"errors"
	"testing"
	"time"

	"yizhan/ident"
)

func TestCheckField(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		kind, value string
		want        string // normalised value
		code        string // refusal code, "" for valid
	}{
		{ident.FieldID, "11010519491231002x", "11010519491231002X", ""},
		{ident.FieldID, "110105194912310021", "", ident.CodeIDChecksum},
		{ident.FieldUSCC, "91350100M000100Y43", "91350100M000100Y43", ""},
		{ident.FieldUSCC, "91350100M000100Y44", "", ident.CodeUSCCChecksum},
		{ident.FieldPhone, "138 1234 5678", "13812345678", ""},
		{ident.FieldPhone, "12345", "", ident.CodePhoneFormat},
		{ident.FieldName, " 张三 ", "张三", ""},
		{ident.FieldName, "张3", "", ident.CodeNameChars},
		{"email", "a@b.c", "", ident.CodeFieldKind},
	}
	for _, tt := range tests {
		t.Run(tt.kind+"/"+tt.value, func(t *testing.T) {
			f, err := ident.CheckField(tt.kind, tt.value, now)
			if tt.code != "" {
				var e *ident.Error
				if !errors.As(err, &e) || e.Code != tt.code || e.Zh == "" {
					t.Fatalf("got %#v, want a refusal %s with a Chinese sentence", err, tt.code)
				}
				return
			}
			if err != nil || f.Value != tt.want || f.Kind != tt.kind {
				t.Fatalf("got %+v %v, want value %q", f, err, tt.want)
			}
		})
	}
	f, _ := ident.CheckField(ident.FieldID, "11010519491231002X", now)
	if f.BirthDate != "1949-12-31" || f.Age != 76 || f.Sex == "" || !f.DivisionKnown {
		t.Errorf("what the ID tells: %+v", f)
	}
}
