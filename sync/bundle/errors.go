package bundle

import (
	"errors"

	"yizhan/domain"
)

// Reasons a bundle is refused. Callers branch with errors.Is against the
// sentinel errors below.
const (
	ReasonMalformed = "malformed" // not a bundle, or an unreadable one
	ReasonTruncated = "truncated" // cut short (copy interrupted, stick pulled out)
	ReasonTampered  = "tampered"  // bytes changed since it was signed
	ReasonForeign   = "foreign"   // not for us, or from a sender we do not know
	ReasonTooLarge  = "too_large" // over a size limit
	ReasonWrongKind = "wrong_kind"
)

// Error is a refused bundle, with the reason in English for logs and in
// Chinese for the clerk holding the USB stick.
type Error struct {
	Reason  string
	Message string
	Zh      string
	Err     error
}

// Error implements error.
func (e *Error) Error() string {
	msg := "bundle " + e.Reason + ": " + e.Message
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// ZhMessage returns the Chinese message.
func (e *Error) ZhMessage() string { return e.Zh }

// ErrorCode maps the reason to a domain error code for the edges.
func (e *Error) ErrorCode() string {
	if e.Reason == ReasonForeign {
		return domain.EForbidden
	}
	return domain.EInvalid
}

// Is matches any bundle error with the same reason, so that
// errors.Is(err, bundle.ErrTampered) works whatever the message.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Reason == e.Reason
}

// Sentinels for errors.Is.
var (
	ErrMalformed = &Error{Reason: ReasonMalformed}
	ErrTruncated = &Error{Reason: ReasonTruncated}
	ErrTampered  = &Error{Reason: ReasonTampered}
	ErrForeign   = &Error{Reason: ReasonForeign}
	ErrTooLarge  = &Error{Reason: ReasonTooLarge}
	ErrWrongKind = &Error{Reason: ReasonWrongKind}
)

// Malformed is the refusal of a file, or a part of one, that is not a
// bundle this program can read.
func Malformed(msg string, err error) *Error {
	return &Error{Reason: ReasonMalformed, Message: msg, Err: err, Zh: "这不是有效的驿站数据包，或文件已损坏，无法读取。"}
}

func truncated(msg string) *Error {
	return &Error{Reason: ReasonTruncated, Message: msg, Zh: "数据包不完整（复制中断或U盘被拔出），请重新复制后再导入。"}
}

// Tampered is the refusal of a bundle whose signed content does not hold
// together: changed in transit, or re-signed by someone else.
func Tampered(msg string, err error) *Error {
	return &Error{Reason: ReasonTampered, Message: msg, Err: err, Zh: "数据包签名校验失败：文件在途中被改动或损坏，已拒绝导入。请让对方重新导出。"}
}

// Foreign is the refusal of a bundle that is not for this side, or comes
// from a sender it does not know.
func Foreign(msg string, err error) *Error {
	return &Error{Reason: ReasonForeign, Message: msg, Err: err, Zh: "该数据包不是发给本单位的，或来自未登记的发送方，已拒绝导入。"}
}

func tooLarge(msg string) *Error {
	return &Error{Reason: ReasonTooLarge, Message: msg, Zh: "数据包超过大小上限，已拒绝。"}
}

func wrongKind(msg string) *Error {
	return &Error{Reason: ReasonWrongKind, Message: msg, Zh: "数据包类型不对：驿站导入的应是大厅的回执包，大厅导入的应是驿站的导出包。"}
}
