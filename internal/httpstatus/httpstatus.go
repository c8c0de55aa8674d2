// Package httpstatus maps the domain's error codes to HTTP statuses: the one
// mapping the hall's sync endpoint, the hall console and the station's HTTP
// twin of the desktop bindings share, so that one code never means two
// statuses. It lives outside domain, which knows nothing of transport.
package httpstatus

import (
	"net/http"

	"yizhan/domain"
)

// Of returns the HTTP status for a domain error code; unknown codes (and
// domain.EInternal) are 500.
func Of(code string) int {
	switch code {
	case domain.EInvalid:
		return http.StatusBadRequest
	case domain.EUnauthorized:
		return http.StatusUnauthorized
	case domain.EForbidden:
		return http.StatusForbidden
	case domain.ENotFound:
		return http.StatusNotFound
	case domain.EConflict:
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}
