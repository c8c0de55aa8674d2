package app

import (
	"context"
	"errors"
	"time"

	"yizhan/domain"
	"yizhan/workday"
)

// Store is the station's persistence. app/sqlite is its implementation. All
// logic lives in Station: a store only keeps and finds rows.
type Store interface {
	// Update runs fn in one write transaction, committed when fn returns
	// nil and rolled back otherwise. Everything one service call writes
	// goes through a single Update, so it is all or nothing.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn with reads on the store. It writes nothing.
	View(ctx context.Context, fn func(Tx) error) error
	// Backup writes a consistent copy of the database to dst while the
	// station keeps working, for its owner only.
	Backup(ctx context.Context, dst string) error
	// Close releases the store.
	Close() error
}

// Tx is one store transaction, bound to the context it was opened with.
// It is made of the narrow interfaces below, one an area of the station;
// a lookup of one row returns nil (or "") when the row is absent, and the
// service decides what that means.
type Tx interface {
	MetaTx
	AuditTx
	StaffTx
	CatalogTx
	CaseTx
	CounterTx
	RatingTx
	BlobTx
	StatsTx
	EventTx
}

// MetaTx keeps the station's settings (its code, name, kind, the sync
// cursor and status...).
type MetaTx interface {
	// Meta returns a setting, "" when unset.
	Meta(key string) (string, error)
	// SetMeta stores a setting.
	SetMeta(key, value string) error
}

// AuditTx keeps the hash-chained, append-only audit trail. The chain's
// rule (what is hashed, how rows link) is the service's (audit.go); the
// store keeps the rows as given.
type AuditTx interface {
	// LastAudit returns the sequence and hash of the newest row, or 0 and
	// "" when the trail is empty.
	LastAudit() (seq int64, hash string, err error)
	// AppendAudit appends one row.
	AppendAudit(r AuditRecord) error
	// WalkAudit calls fn with every row in sequence order; an error from
	// fn stops the walk and is returned.
	WalkAudit(fn func(AuditRecord) error) error
	// AuditPage returns up to limit rows about target ("": all), newest
	// first, after skipping offset, with how many there are.
	AuditPage(target string, limit, offset int) ([]AuditEntry, int, error)
	// AuditHash returns the hash of row seq, or "" when there is none.
	AuditHash(seq int64) (string, error)
	// CountAudit counts the rows of action with detail written at or
	// after since.
	CountAudit(action, detail string, since time.Time) (int, error)
}

// update runs fn in one write transaction of the store: every service
// that records something goes through here. After a commit that recorded
// something for the hall it raises the change signal (changes.go).
func (s *Station) update(ctx context.Context, fn func(tx Tx) error) error {
	var rec *recorder
	err := s.store.Update(ctx, func(tx Tx) error {
		// A store may run fn again (after a busy database): what a failed
		// run noted does not count.
		rec = &recorder{Tx: tx}
		return fn(rec)
	})
	if err == nil && rec != nil && rec.changed {
		s.changes.publish()
	}
	return err
}

// view runs fn with reads on the store.
func (s *Station) view(ctx context.Context, fn func(tx Tx) error) error {
	return s.store.View(ctx, fn)
}

// StaffTx keeps the station's accounts.
type StaffTx interface {
	// CountStaff returns how many accounts there are.
	CountStaff() (int, error)
	// CreateStaff inserts an account; EConflict if its login is taken.
	CreateStaff(r StaffRecord) error
	// StaffByLogin returns the account with login, or nil.
	StaffByLogin(login string) (*StaffRecord, error)
	// StaffByID returns the account with id, or nil.
	StaffByID(id string) (*StaffRecord, error)
	// SetSignInFailures records an account's wrong passwords in a row and
	// the lock they led to (the zero time: none).
	SetSignInFailures(id string, failed int, lockedUntil time.Time) error
	// ListStaff lists the accounts ordered by login, their lock as stored.
	ListStaff() ([]Staff, error)
	// UpdateStaff writes the fields of ch that are set.
	UpdateStaff(id string, ch StaffChange) error
}

// CatalogTx keeps the hall's catalog of service items, each version as
// published, and the holiday calendar years.
type CatalogTx interface {
	// Item returns an item version, or with version 0 the newest
	// published version of code; nil when there is none.
	Item(code string, version int) (*domain.Item, error)
	// InsertItem stores a new item version of catalog, found by initials
	// (its pinyin initials) in searches.
	InsertItem(catalog string, it *domain.Item, initials string, at time.Time) error
	// UpdateItem rewrites a stored item version: its status and content.
	UpdateItem(it *domain.Item) error
	// FindItems returns the newest published version of each item whose
	// name, handling item, code, basic code or initials contain q (lower
	// case; "" lists all), those whose initials start with q first, then
	// by basic code and code.
	FindItems(q string) ([]FoundItem, error)
	// Items returns every stored item version, by basic code, code and
	// version.
	Items() ([]*domain.Item, error)
	// PutCalendarYear stores or replaces a holiday calendar year.
	PutCalendarYear(y workday.YearSpec) error
	// CalendarYears returns the stored calendar years in order.
	CalendarYears() ([]workday.YearSpec, error)
}

// CaseTx keeps the folded cases (the state each case's events fold to)
// and the counters that number them. A store keeps beside the cases what
// its lists and dashboard need (a name index, tallies) up to date in the
// same transaction as each write.
type CaseTx interface {
	// Case returns the case with ID or case number id, or nil.
	Case(id string) (*domain.Case, error)
	// PutCase inserts or replaces a folded case with its deadlines.
	PutCase(c *domain.Case, due CaseDue) error
	// CaseNumberTaken reports whether a case holds number.
	CaseNumberTaken(number string) (bool, error)
	// NextCounter increments the counter name (to 1 the first time) and
	// returns its new value.
	NextCounter(name string) (int, error)
	// FindCases returns a page of the cases q matches, most recently
	// received first (for a Name, the cases of exactly that name first),
	// unmasked, and how many match in all.
	FindCases(q CaseQuery) ([]CaseSummary, int, error)
	// CasesByNumbers returns the cases holding any of numbers, most
	// recently received first.
	CasesByNumbers(numbers []string) ([]*domain.Case, error)
	// OpenAcceptedCases returns the IDs of the cases accepted and not yet
	// concluded: those whose deadlines a calendar change moves.
	OpenAcceptedCases() ([]string, error)
}

// CaseDue is what the store keeps of a case's deadlines beside it, for
// the lists and counts of cases due.
type CaseDue struct {
	Due, LegalDue workday.Date // promised and legal deadline; zero: none
	Provisional   bool         // either falls in a year without a calendar
	Paused        bool         // the promised deadline's clock is stopped
}

// CaseQuery selects cases for FindCases. Empty fields match all; at most
// one of Number, IDOrPhone and Name is set.
type CaseQuery struct {
	// Number matches the case numbers that start with it.
	Number string
	// IDOrPhone matches an applicant ID number that starts or ends with it
	// (letters compared in upper case), or a phone number that starts
	// with it.
	IDOrPhone string
	// Name matches the applicant names that contain it, spaces left out
	// and letters in lower case.
	Name                             string
	State, ItemCode, Channel, Holder string
	// ReceivedFrom and ReceivedBefore bound the receive time:
	// ReceivedFrom <= t < ReceivedBefore.
	ReceivedFrom, ReceivedBefore time.Time
	// OpenDueBefore keeps the open cases due before that day (overdue).
	OpenDueBefore workday.Date
	// OpenDueFrom and OpenDueTo keep the open cases due from one day to
	// the other, both included (due soon).
	OpenDueFrom, OpenDueTo workday.Date
	// Limit and Offset page the result.
	Limit, Offset int
}

// CounterTx keeps the counter's day: queue tickets, appointments, the
// follow-ups of bad reviews and extended-hours sessions. A lookup returns
// nil when absent; an update of a row in a given state reports whether
// there was one.
type CounterTx interface {
	// InsertTicket stores a newly issued ticket.
	InsertTicket(t Ticket) error
	// NextWaitingTicket returns the waiting ticket of day to call next:
	// appointment holders first, then by issue time.
	NextWaitingTicket(day string) (*Ticket, error)
	// Ticket returns the ticket with id.
	Ticket(id string) (*Ticket, error)
	// TicketByNumber returns day's ticket numbered number.
	TicketByNumber(day, number string) (*Ticket, error)
	// UpdateTicket writes a ticket's status, item, window, clerk, times
	// and transfers.
	UpdateTicket(t Ticket) error
	// LinkTicket records the case a ticket's visit opened.
	LinkTicket(ticketID, caseID string) error
	// Queue lists day's tickets: being served, then waiting, then the
	// rest, each by issue time.
	Queue(day string) ([]Ticket, error)
	// CountWaiting counts day's waiting tickets, those of appointment
	// holders only when appointments is set.
	CountWaiting(day string, appointments bool) (int, error)
	// QueueBoard returns day's tickets being served, most recently called
	// first, at most calls of them, and the numbers of the waiting tickets
	// in the order they will be called.
	QueueBoard(day string, calls int) ([]BoardCall, []string, error)

	// CountBooked counts a slot's appointments pending or served.
	CountBooked(day, slot string) (int, error)
	// InsertAppointment stores a booked appointment.
	InsertAppointment(ap Appointment, at time.Time) error
	// SetAppointmentStatus moves a pending appointment to status.
	SetAppointmentStatus(id, status string, at time.Time) (bool, error)
	// MarkNoShows marks the pending appointments of the days before day
	// as no-shows and returns how many.
	MarkNoShows(day string, at time.Time) (int, error)
	// Appointments lists day's appointments by slot and booking time.
	Appointments(day string) ([]Appointment, error)

	// Rectifications lists the follow-ups of bad reviews with their
	// ratings, by due date; the open ones only unless all.
	Rectifications(all bool) ([]Rectification, error)
	// CloseRectification records the call-back and outcome of an open
	// follow-up.
	CloseRectification(id, status, callback, result string, at time.Time) (bool, error)

	// InsertExtendedSession stores a session of extended hours.
	InsertExtendedSession(es ExtendedSession, at time.Time) error
}

// RatingTx keeps the ratings (好差评) and opens the follow-ups of bad
// ones.
type RatingTx interface {
	// RatingsOfTicket counts the ratings of a ticket's visit.
	RatingsOfTicket(ticketID string) (int, error)
	// RatingsOfCaseSince counts the ratings of a case given without a
	// ticket at or after since.
	RatingsOfCaseSince(caseID string, since time.Time) (int, error)
	// LastClerk returns the account (ID, login) of the staff member whose
	// event of office on the case, a rating aside, is the newest; "" when
	// there is none.
	LastClerk(caseID, office string) (id, login string, err error)
	// InsertRating stores a rating.
	InsertRating(r RatingRecord) error
	// InsertRectification opens the follow-up of a bad review.
	InsertRectification(r RectificationRecord) error

	// ExpireInvites ends, at at, window's invitations not yet rated nor
	// expired.
	ExpireInvites(window string, at time.Time) error
	// InsertInvite stores a rating invitation.
	InsertInvite(r InviteRecord) error
	// OpenInvite returns window's newest invitation not rated and not
	// expired at at, or nil.
	OpenInvite(window string, at time.Time) (*InviteRecord, error)
	// Invite returns the invitation with id, or nil.
	Invite(id string) (*InviteRecord, error)
	// SetInviteRating records the rating an invitation received.
	SetInviteRating(id, ratingID string) error
}

// BlobTx keeps the records of the attachments (the files themselves live
// in the data directory, by SHA-256) and which ones the hall holds.
type BlobTx interface {
	// InsertBlob records an attachment and reports whether it was new.
	InsertBlob(b Blob) (bool, error)
	// PendingBlobs returns up to limit attachments not yet at the hall,
	// oldest first.
	PendingBlobs(limit int) ([]Blob, error)
	// ListBlobs returns up to limit attachments, newest first.
	ListBlobs(limit int) ([]Blob, error)
	// PendingBlobCount returns how many attachments are not at the hall.
	PendingBlobCount() (int, error)
	// MarkBlobUploaded records that the hall holds an attachment.
	MarkBlobUploaded(sha string) error
	// Blob returns an attachment's record, or nil.
	Blob(sha string) (*Blob, error)
}

// StatsTx reads the dashboard's figures.
type StatsTx interface {
	// DashboardFigures reads the counts the dashboard shows, bounded by q.
	DashboardFigures(q DashboardQuery) (DashboardFigures, error)
	// ChangeCounters returns marks of the newest event, ticket and rating
	// held: any of them recorded or pulled moves one.
	ChangeCounters() (events, tickets, ratings int64, err error)
}

// ErrConstraint marks a write the store refused because the data break
// one of its constraints (a case number held by another case, say): the
// data's fault, not the store's. Sync sets aside the pulled events that
// cause one instead of failing the page.
var ErrConstraint = errors.New("the data break a constraint of the store")

// EventTx keeps the events, the unit that travels: those made here until
// the hall acknowledges them, those the hall sent, and the conflicts and
// set-aside events a person must look at.
type EventTx interface {
	// AppendEvent stores one event with its status and hall log position
	// (0: none). Its ID must be new.
	AppendEvent(e *domain.Event, status string, hallSeq int64) error
	// InsertEvents stores events in order, each of which must be new.
	InsertEvents(evs []StoredEvent) error
	// PendingEvents returns up to limit events not yet acknowledged by
	// the hall, in the order made, leaving out those in except.
	PendingEvents(limit int, except []string) ([]*domain.Event, error)
	// PendingCount returns how many events wait to be pushed.
	PendingCount() (int, error)
	// EventStates returns what is held of the events among ids, by ID.
	EventStates(ids []string) (map[string]*EventState, error)
	// EventState returns what is held of one event, or nil.
	EventState(id string) (*EventState, error)
	// CaseRuns returns the events of the given cases in the order they
	// were stored here, by case.
	CaseRuns(caseIDs []string) (map[string][]RunEvent, error)
	// SetEventStatus records the hall's verdict on an event: status,
	// reason and log position (0 keeps the one held).
	SetEventStatus(id, status string, hallSeq int64, reason string) error
	// CaseEvents returns the events a case folds from: those accepted in
	// the hall's log, in log order, then the pending ones in the order
	// made.
	CaseEvents(caseID string) ([]*domain.Event, error)
	// EventCases returns the IDs of every case with an event here.
	EventCases() ([]string, error)
	// CasesWithEvents returns which of caseIDs have an event here.
	CasesWithEvents(caseIDs []string) (map[string]bool, error)
	// History returns a case's events for its timeline, in the order
	// stored here, payloads included.
	History(caseID string) ([]EventView, error)
	// NewestStamps returns the greatest HLC stamp of office's events and
	// the greatest of all other offices' ("" for none).
	NewestStamps(office string) (own, other string, err error)

	// AddConflict lists an event as a conflict; again is no change.
	AddConflict(c ConflictRecord) error
	// Conflicts lists the conflicts of caseID ("": all cases), oldest
	// first, with case numbers; the open ones only unless all.
	Conflicts(caseID string, all bool) ([]ConflictView, error)
	// ResolveConflict records how a person settled an open conflict and
	// reports whether there was one.
	ResolveConflict(eventID, by, resolution string, at time.Time) (bool, error)
	// OpenConflictCount returns how many conflicts wait for a person.
	OpenConflictCount() (int, error)

	// QuarantinedCases returns which of caseIDs have an event set aside.
	QuarantinedCases(caseIDs []string) (map[string]bool, error)
	// PutQuarantine sets a pulled event aside; again keeps the first.
	PutQuarantine(q QuarantineRecord) error
	// QuarantineList lists the events set aside, newest first, at most
	// limit; the ones not yet reported to the hall only when unreported.
	QuarantineList(unreported bool, limit int) ([]Quarantined, error)
	// MarkQuarantineReported records that the hall has the reports of ids.
	MarkQuarantineReported(ids []string, at time.Time) error

	// Savepoint runs fn inside a savepoint: when fn fails, what it wrote
	// is undone and its error returned, and the transaction goes on.
	Savepoint(fn func() error) error
}
