package domain_test

import (
	"errors"
	"fmt"
	"regexp"
	"testing"
	"time"

	"yizhan/domain"
)

func TestCaseNumber(t *testing.T) {
	// 23:30 UTC on 1 March is already 2 March in China.
	at := time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC)
	if got, want := domain.CaseNumber("370112001", at, 42), "370112001-20260302-0042"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestValidOfficeCode(t *testing.T) {
	for _, tt := range []struct {
		code string
		want string
	}{
		{"370112001", ""}, {"BENCH01", ""}, {"hall", domain.EInvalid}, {"x", domain.EInvalid},
		{"370112-001", domain.EInvalid}, {"站点", domain.EInvalid}, {"", domain.EInvalid},
	} {
		t.Run(fmt.Sprintf("%q", tt.code), func(t *testing.T) {
			wantCode(t, domain.ValidOfficeCode(tt.code), tt.want)
		})
	}
}

func TestNewQueryPassword(t *testing.T) {
	re := regexp.MustCompile(`^\d{6}$`)
	for i := 0; i < 100; i++ {
		if p := domain.NewQueryPassword(); !re.MatchString(p) {
			t.Fatalf("got %q, want six digits", p)
		}
	}
}

func TestErrorCode(t *testing.T) {
	coded := domain.Errorf(domain.EConflict, "冲突。", "conflict %d", 1)
	wrapped := fmt.Errorf("ctx: %w", coded)
	for _, tt := range []struct {
		name          string
		err           error
		code, msg, zh string
	}{
		{"Nil", nil, "", "", ""},
		{"Coded", wrapped, domain.EConflict, "conflict 1", "冲突。"},
		{"Internal", errors.New("disk on fire"), domain.EInternal, "internal error", "系统内部错误，请重试；如仍失败请联系技术支持（已记录日志）。"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := domain.ErrorCode(tt.err); got != tt.code {
				t.Errorf("got code %q, want %q", got, tt.code)
			}
			if got := domain.ErrorMessage(tt.err); got != tt.msg {
				t.Errorf("got message %q, want %q", got, tt.msg)
			}
			if got := domain.ZhMessage(tt.err); got != tt.zh {
				t.Errorf("got zh %q, want %q", got, tt.zh)
			}
		})
	}
}
