package hallclient

import (
	"errors"
	"fmt"
)

// Error codes of sync failures. Callers branch on them: offline is retried
// with backoff; revoked, upgrade and not_enrolled stop the background loop
// until a person acts.
const (
	CodeOffline     = "offline"      // the hall cannot be reached, or failed (5xx): retry later
	CodeRevoked     = "revoked"      // the hall refused our credentials (401/403)
	CodeUpgrade     = "upgrade"      // the hall no longer speaks our wire version (426)
	CodeNotEnrolled = "not_enrolled" // no credentials on this station
	CodeRefused     = "refused"      // the hall refused a request as malformed (4xx)
	CodeLocal       = "local"        // a failure on this station (database, disk)
)

// Error is a sync failure with a plain message in English and in Chinese, for
// the status screen and the log. Err is the underlying cause, if any.
type Error struct {
	Code    string
	Status  int // HTTP status, when the hall answered
	Message string
	Zh      string
	Err     error
}

// Error implements error.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// ErrorCode returns the code.
func (e *Error) ErrorCode() string { return e.Code }

// ZhMessage returns the Chinese sentence for the clerk.
func (e *Error) ZhMessage() string { return e.Zh }

// Is matches errors with the same code, so errors.Is(err, ErrNotEnrolled)
// and similar checks work on wrapped copies.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Code == e.Code && t.Message == e.Message
}

// CodeOf returns the sync error code in err's chain, or CodeLocal.
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeLocal
}

// Stops reports whether err needs a person before syncing can resume: the
// background loop stops rather than retrying forever.
func Stops(err error) bool {
	switch CodeOf(err) {
	case CodeRevoked, CodeUpgrade, CodeNotEnrolled:
		return true
	}
	return false
}

func offline(err error) *Error {
	return &Error{Code: CodeOffline, Message: "hall unreachable; will retry", Zh: "无法连接大厅（网络不通或大厅暂停服务），已保存在本机，稍后自动重试。", Err: err}
}

func local(what string, err error) *Error {
	return &Error{Code: CodeLocal, Message: what, Zh: "本机数据读写出错，请重试；如仍失败请联系技术支持。", Err: err}
}

var (
	errRevoked = &Error{Code: CodeRevoked, Message: "the hall refused this station's credentials (revoked or unknown); sync stopped",
		Zh: "大厅已停用本站的同步凭证，同步已停止。请联系大厅重新办理登记。本机数据不受影响。"}
	errUpgrade = &Error{Code: CodeUpgrade, Message: "the hall requires a newer version of this program; sync stopped",
		Zh: "大厅要求升级驿站软件后才能同步，请安装新版本。本机数据不受影响。"}
)
