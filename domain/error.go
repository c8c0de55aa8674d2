// Package domain holds Yizhan's entities and rules: the service-item catalog,
// cases and the events that change them, the case state machine, and the
// hybrid logical clock that orders events made offline. It knows nothing of
// storage, transport or the user interface.
package domain

import (
	"errors"
	"fmt"
)

// Error codes. They are few on purpose: edges map them to HTTP statuses and UI
// messages, and callers branch on them.
const (
	EConflict     = "conflict"
	EInvalid      = "invalid"
	ENotFound     = "not_found"
	EUnauthorized = "unauthorized"
	EForbidden    = "forbidden"
	EInternal     = "internal"
)

// Error is an application error a user can act on. Message is English for logs
// and the API; Zh is the sentence shown to the clerk.
type Error struct {
	Code    string
	Message string
	Zh      string
}

// Error implements the error interface.
func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// ErrorCode returns the machine-readable code.
func (e *Error) ErrorCode() string { return e.Code }

// ZhMessage returns the Chinese message for the clerk.
func (e *Error) ZhMessage() string { return e.Zh }

// Errorf returns an *Error with the given code, Chinese message and formatted English message.
func Errorf(code, zh, format string, args ...any) *Error {
	return &Error{Code: code, Zh: zh, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first coded error in err's chain, or
// EInternal for anything else (an unexpected failure the user cannot fix).
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var c interface{ ErrorCode() string }
	if errors.As(err, &c) {
		return c.ErrorCode()
	}
	var ie interface{ ZhMessage() string }
	if errors.As(err, &ie) {
		// Validation errors from leaf packages carry a Chinese message but
		// no domain code: they are always invalid input.
		return EInvalid
	}
	return EInternal
}

// ErrorMessage returns the English message for a coded error, or a generic
// "internal error" so that internal detail stays in the log.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	if ErrorCode(err) == EInvalid {
		return err.Error()
	}
	return "internal error"
}

// ZhMessage returns the Chinese message for the clerk.
func ZhMessage(err error) string {
	if err == nil {
		return ""
	}
	var z interface{ ZhMessage() string }
	if errors.As(err, &z) && z.ZhMessage() != "" {
		return z.ZhMessage()
	}
	return "系统内部错误，请重试；如仍失败请联系技术支持（已记录日志）。"
}
