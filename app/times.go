package app

import "time"

// TimeFormat is how the station writes a time as text, in its database and
// in the records it shows (tickets, blobs, the audit trail): sortable as
// text, in UTC, with nanoseconds.
const TimeFormat = "2006-01-02T15:04:05.000000000Z"

// FormatTime formats t as TimeFormat; the zero time gives "".
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(TimeFormat)
}

// ParseTime parses a time written by FormatTime; "" gives the zero time.
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(TimeFormat, s)
}
