package workday

// Error codes returned in Error.Code. They are part of the API: the edges
// branch on them and the UI may map them to its own strings, so they are
// never renamed, only added.
const (
	CodeDate         = "date"          // A date is not a real YYYY-MM-DD day.
	CodeLimitValue   = "limit_value"   // A time limit is negative or implausibly large.
	CodeLimitUnit    = "limit_unit"    // A time unit is neither G nor Z.
	CodePause        = "pause"         // A pause has no start or ends before it starts.
	CodeSpecYear     = "spec_year"     // A year spec names no plausible year.
	CodeSpecDate     = "spec_date"     // A holiday or make-up day lies outside the spec's year.
	CodeSpecConflict = "spec_conflict" // A day is both a holiday and a make-up working day.
	CodeSpecEmpty    = "spec_empty"    // A year spec lists no holidays at all.
)

// Error reports why a date, limit, pause or year spec was refused. It carries
// an English message for logs and a Chinese sentence for the clerk, like the
// other leaf packages, so the domain can classify it as invalid input without
// knowing this package.
type Error struct {
	// Code is a stable machine code, one of the Code constants.
	Code string
	// Message is a short lower-case English explanation for logs.
	Message string
	// Zh is a complete Chinese sentence telling the clerk what is wrong.
	Zh string
}

// Error returns the English form, prefixed with the package name so that
// wrapped errors say where they came from.
func (e *Error) Error() string { return "workday: " + e.Message }

// ZhMessage returns the Chinese sentence shown to the clerk. UI adapters
// depend on the method rather than on the field.
func (e *Error) ZhMessage() string { return e.Zh }

// newError keeps the call sites to one line.
func newError(code, msg, zh string) *Error {
	return &Error{Code: code, Message: msg, Zh: zh}
}
