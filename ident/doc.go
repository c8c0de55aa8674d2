// Package ident checks and masks the personal and organisational
// identifiers a service station records on a case: resident identity
// card numbers (GB 11643), unified social credit codes (GB 32100) with
// their embedded organisation codes (GB 11714), phone numbers and
// personal names.
//
// The package is a leaf: it imports only the standard library, so the
// domain, the storage adapters, the hall server and the desktop client
// can all share one set of rules. Every check returns the normalised
// value the caller should store, or an *Error whose Code is stable for
// machines and whose Zh text tells the clerk what to correct. The
// clerks type on Chinese input methods, so the checks forgive what an
// input method produces (full-width digits, stray spaces, a lower-case
// x) and refuse only what is really wrong.
//
// Time is never read from the clock: functions that depend on the date
// take it as an argument, so tests and the sync replay are
// deterministic.
//
// The Mask functions produce the forms required in lists, exports and
// logs by the Personal Information Protection Law rules in the domain
// brief. They never fail and never panic, whatever the input, because
// they sit on output paths where an error would only hide data that is
// already on screen.
package ident
