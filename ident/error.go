package ident

// Error codes returned in Error.Code. They are part of the API: the
// edges (HTTP, Wails, exports) branch on them and the UI may map them
// to its own strings, so they are never renamed, only added.
const (
	CodeIDEmpty     = "id_empty"     // No resident ID was given.
	CodeIDLegacy    = "id_legacy"    // A 15-digit first-generation ID was given.
	CodeIDLength    = "id_length"    // The resident ID is not 18 characters.
	CodeIDCharset   = "id_charset"   // A character is not a digit (or X in the last place).
	CodeIDBirthdate = "id_birthdate" // Characters 7–14 are not a plausible calendar date.
	CodeIDFuture    = "id_future"    // The birth date lies after today.
	CodeIDChecksum  = "id_checksum"  // The check character does not match.

	CodeUSCCEmpty    = "uscc_empty"    // No credit code was given.
	CodeUSCCLegacy   = "uscc_legacy"   // A 15-digit business registration number was given.
	CodeUSCCLength   = "uscc_length"   // The credit code is not 18 characters.
	CodeUSCCCharset  = "uscc_charset"  // A character is outside the GB 32100 alphabet.
	CodeUSCCChecksum = "uscc_checksum" // The check character does not match.
	CodeUSCCOrgCode  = "uscc_orgcode"  // Characters 9–17 are not a valid organisation code.

	CodeOrgCodeLength   = "orgcode_length"   // The organisation code is not 9 characters.
	CodeOrgCodeCharset  = "orgcode_charset"  // A character is not a digit or capital letter.
	CodeOrgCodeChecksum = "orgcode_checksum" // The check character does not match.

	CodePhoneEmpty  = "phone_empty"  // No phone number was given.
	CodePhoneFormat = "phone_format" // The number is neither a mobile nor a landline number.
	CodePhoneArea   = "phone_area"   // A landline number lacks its area code.

	CodeNameEmpty  = "name_empty"  // No name was given.
	CodeNameChars  = "name_chars"  // The name holds digits, symbols or control characters.
	CodeNameMixed  = "name_mixed"  // The name mixes Han characters and Latin letters.
	CodeNameDot    = "name_dot"    // A "·" separator is misplaced.
	CodeNameLength = "name_length" // The name is too short or too long.
)

// Error reports why a value was refused. The checks return it as
// *Error so callers can use errors.As; it carries both an English
// message for logs and the API and a Chinese sentence for the clerk,
// because the clerk needs to know what to correct, not what failed.
type Error struct {
	// Field names the kind of value that failed, in English, e.g.
	// "resident id". The caller knows which form field it passed in
	// and adds that itself.
	Field string
	// Code is a stable machine code, one of the Code constants.
	Code string
	// Message is a short lower-case English explanation for logs.
	Message string
	// Zh is a complete Chinese sentence telling the clerk what to do.
	Zh string
}

// Error returns the English form, e.g. "ident: resident id: checksum
// mismatch", so that wrapped errors read well in logs.
func (e *Error) Error() string {
	return "ident: " + e.Field + ": " + e.Message
}

// ZhMessage returns the Chinese sentence shown to the clerk. It exists
// so UI adapters can depend on a method rather than on the field.
func (e *Error) ZhMessage() string {
	return e.Zh
}

// newError builds an *Error; it keeps the call sites to one line.
func newError(field, code, msg, zh string) *Error {
	return &Error{Field: field, Code: code, Message: msg, Zh: zh}
}
