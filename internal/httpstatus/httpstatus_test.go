package httpstatus_test

import (
	"net/http"
	"testing"

	"yizhan/domain"
	"yizhan/internal/httpstatus"
)

func TestOf(t *testing.T) {
	for code, want := range map[string]int{
		domain.EInvalid: http.StatusBadRequest, domain.EUnauthorized: http.StatusUnauthorized,
		domain.EForbidden: http.StatusForbidden, domain.ENotFound: http.StatusNotFound,
		domain.EConflict: http.StatusConflict, domain.EInternal: http.StatusInternalServerError,
		"": http.StatusInternalServerError, "something-new": http.StatusInternalServerError,
	} {
		if got := httpstatus.Of(code); got != want {
			t.Errorf("Of(%q) = %d, want %d", code, got, want)
		}
	}
}
