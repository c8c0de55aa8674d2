// Package workday computes case deadlines in Chinese working days.
//
// The Administrative Licensing Law counts time limits in working days: the
// start day is not counted, and a working day is a Monday to Friday that is
// not a statutory holiday, or a make-up working day (调休上班), which is often
// a Saturday or Sunday. Which days are holidays and make-up days is decided
// each year by a State Council notice published late in the previous year, so
// no rule can compute them: they must be looked up.
//
// A Calendar therefore holds one YearSpec per known year. The years carried by
// github.com/6tail/lunar-go are built in (see BuiltinYears); the hall can
// publish a new or corrected year by sync (Calendar.Publish), and a published
// year replaces the built-in one. For a year nobody has published, the
// Calendar falls back to Monday to Friday and says so, and every Deadline that
// looked at such a year is marked Provisional, because the clerk must not
// trust a date that a holiday notice may still move.
//
// Dates are civil dates (Date), never instants: a deadline is the end of a
// day in China, whatever the time zone of the machine that computes it. Use
// DateOf with China to turn a time.Time into the date a clerk sees on the
// wall calendar.
//
// The package is a leaf: it imports only the standard library and lunar-go,
// so the domain, the storage adapters, the hall server and the desktop client
// share one set of rules. It never reads the clock; "today" is always an
// argument.
package workday
