package hall

import (
	"context"
	"time"

	"yizhan/domain"
)

// Store is the hall's persistence. The SQLite store in hall/sqlite is the
// first implementation; a PostgreSQL one must pass the same conformance suite
// (hall/storetest). All logic lives in Service: a store only keeps and finds
// rows, so two stores cannot disagree about what an event means.
type Store interface {
	// Update runs fn in one read-write transaction, committed when fn
	// returns nil and rolled back otherwise. Everything one request writes
	// goes through a single Update, so a push is all or nothing. A store
	// with concurrent writers may roll back and run fn again after a
	// deadlock or serialization failure: fn must not carry state from one
	// run to the next.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction that sees one consistent
	// snapshot.
	View(ctx context.Context, fn func(Tx) error) error
	// Close releases the store.
	Close() error
}

// Tx is one store transaction, bound to the context it was opened with.
// Lookups of one row return a domain error with code ENotFound when the row
// is absent, except where a method says it returns nil.
type Tx interface {
	// CreateStation inserts a new station; EConflict if the code exists.
	CreateStation(st *StationRecord) error
	// Station returns one station with its computed fields filled.
	Station(code string) (*StationRecord, error)
	// StationByEnrolHash finds the station whose enrolment code hashes to
	// hash: a pending code, or a used one kept until it expires so that
	// the station that used it may ask again.
	StationByEnrolHash(hash string) (*StationRecord, error)
	// UpdateStation writes every stored field of st except LastDSeq, which
	// only Enqueue moves. A store with concurrent writers must not let it
	// overwrite a write committed since st was read (PostgreSQL: a row
	// revision check that makes Update retry).
	UpdateStation(st *StationRecord) error
	// Stations lists every station, ordered by code, with computed fields.
	Stations() ([]*StationRecord, error)
	// ActiveStations lists the codes of enrolled, unrevoked stations, in
	// order: the recipients of published catalog items and calendars. It
	// must conflict with a concurrent enrolment (SQLite: the single writer;
	// PostgreSQL: an advisory lock that an enrolling UpdateStation takes
	// shared), or a station enrolling while a catalog is published could
	// miss it in both the fan-out and its own backfill.
	ActiveStations() ([]string, error)

	// AppendLog appends e to the global log, assigns and returns its Seq.
	// The event ID is unique: appending a known ID is an error.
	AppendLog(e *LogEntry) (int64, error)
	// LogByEventID returns the log entry of an event, or nil. In an Update
	// it serialises the transaction against others asking for the same ID
	// until it ends, so concurrent pushes of one event append it once.
	LogByEventID(id string) (*LogEntry, error)
	// CaseLog returns a case's log entries with Seq < before (0: all),
	// in log order.
	CaseLog(caseID string, before int64) ([]*LogEntry, error)
	// LastHLC returns the greatest HLC stamp of the events office made, or "".
	LastHLC(office string) (string, error)
	// PutRejection records a refused event so that a repeated push gets the
	// same answer; a second rejection of the same ID is ignored.
	PutRejection(r *Rejection) error
	// Rejection returns the recorded refusal of an event, or nil.
	Rejection(id string) (*Rejection, error)

	// Case returns the hall's folded state of a case, or nil. In an Update
	// it serialises the transaction against others reading the same case
	// until it ends: the service reads a case before it appends to it, so
	// appends to one case are serial and take increasing log seqs.
	Case(id string) (*domain.Case, error)
	// PutCase stores the folded state of a case after log entry seq, and
	// records the blobs it references (CaseBlobs) for blob collection.
	PutCase(c *domain.Case, seq int64) error
	// FindCases lists cases matching f, most recently updated first.
	FindCases(f CaseFilter) ([]*domain.Case, error)
	// CaseByNumber returns the ID of the case numbered number, or "". In
	// an Update it serialises the transaction against others asking for
	// the same number until it ends (PostgreSQL: an advisory lock on the
	// number), so two pushes of one number cannot both find it free.
	CaseByNumber(number string) (string, error)
	// CaseScope returns the stations a case is delivered to, in order.
	CaseScope(caseID string) ([]string, error)
	// AddScope puts station into a case's scope and reports whether it was
	// new there.
	AddScope(caseID, station string, seq int64) (bool, error)

	// Enqueue appends refs, in order, to the station's delivery queue.
	//
	// Each row gets the station's next delivery sequence number (dseq),
	// taken from a per-station counter that the implementation must lock
	// until the transaction ends (SQLite: the database write lock;
	// PostgreSQL: an UPDATE of the station's counter row). That lock is
	// what makes the station's cursor safe: a sequence or autoincrement
	// would let a later transaction commit dseq 6 while dseq 5 is still
	// uncommitted, a pull would hand out 6, the cursor would move past 5,
	// and 5 would never be delivered (COUCHDB-1256). With the lock, dseqs
	// of one station commit in order, so every dseq a reader can see has
	// all smaller ones visible too. Callers enqueue stations in code
	// order, so two transactions never wait on each other in a cycle.
	Enqueue(station string, refs []Ref) error
	// Deliveries returns up to limit queued rows of station with
	// dseq > after, in dseq order, each joined with its log entry or
	// published row. A log entry comes with Raw, the event's JSON as
	// stored, and an Event holding only ID, CaseID and Kind: a pull page
	// passes the stored bytes through instead of decoding every event.
	Deliveries(station string, after int64, limit int) ([]*Delivery, error)

	// Publish appends a published catalog item or calendar year and
	// returns its Seq.
	Publish(p *Published) (int64, error)
	// LatestPublished returns the newest row with key, or nil. In an Update
	// it serialises the transaction against others reading the same key.
	LatestPublished(key string) (*Published, error)
	// CurrentPublished returns the newest row of every key, in Seq order:
	// what a newly enrolled station must receive.
	CurrentPublished() ([]*Published, error)

	// BlobOwned reports whether station has uploaded the blob completely.
	BlobOwned(hash, station string) (bool, error)
	// AddBlobOwner records that station uploaded and the hall verified a blob.
	AddBlobOwner(hash, station string, size int64, at time.Time) error
	// BlobUsage returns the bytes of the blobs station uploaded completely.
	BlobUsage(station string) (int64, error)
	// UnreferencedBlobs returns up to limit blobs that no stored case
	// references (PutCase keeps the references) and that every station
	// uploaded before before.
	UnreferencedBlobs(before time.Time, limit int) ([]string, error)
	// DeleteBlobOwners forgets every upload of hash unless a case
	// references it by now, and reports whether it did.
	DeleteBlobOwners(hash string) (bool, error)

	// RecordAccess appends to the hall's access and command log.
	RecordAccess(a *Access) error
	// FindAccess lists access log lines matching f, newest first.
	FindAccess(f AccessFilter) ([]*Access, error)

	// CreateStaff inserts a console account; EConflict if the login exists.
	CreateStaff(a *StaffAccount) error
	// Staff returns one console account by login. In an Update it locks
	// the account's row until the transaction ends (PostgreSQL: FOR
	// UPDATE), so concurrent failed sign-ins all count.
	Staff(login string) (*StaffAccount, error)
	// UpdateStaff writes every stored field of an existing account.
	UpdateStaff(a *StaffAccount) error
	// ListStaff lists the console accounts ordered by login.
	ListStaff() ([]*StaffAccount, error)
	// PutSession inserts or replaces a console session by its token hash.
	PutSession(s *Session) error
	// Session returns a console session by token hash.
	Session(hash string) (*Session, error)
	// DeleteSessions removes the session with token hash, or with hash ""
	// every session of login, or with both "" every session that expired
	// before now.
	DeleteSessions(hash, login string, now time.Time) error

	// PutQuarantine records a station's report of an event it could not
	// apply; a second report of the same event by the same station is
	// ignored.
	PutQuarantine(q *Quarantine) error
	// Quarantined lists the reports of station ("": of every station),
	// newest first, at most limit (0: 200).
	Quarantined(station string, limit int) ([]*Quarantine, error)

	// PutCallback inserts or replaces the call-back record of a bad review.
	PutCallback(cb *Callback) error
	// Callbacks returns the call-back records of the given cases (nil: all),
	// keyed by case ID.
	Callbacks(caseIDs []string) (map[string]*Callback, error)
}

// Prefetcher is a Tx that can read at once what a push will ask of it
// event by event. Before deciding a push's events the service calls
// Prefetch with their IDs and their cases' IDs; the store may then answer
// LogByEventID, Rejection, Case, CaseScope and CaseLog for those from what it
// read, as long as every answer is what the database would give at that
// point of the transaction (including the transaction's own writes since).
// A store that cannot keep that true under concurrent writers does not
// implement it.
type Prefetcher interface {
	Prefetch(eventIDs, caseIDs []string) error
}

// StationRecord is one enrolled (or announced) station as the hall's
// registry records it.
type StationRecord struct {
	Code         string
	Name         string
	Region       string
	Kind         domain.OfficeKind // village, township, postal or helper
	EnrolHash    string            // SHA-256 hex of the enrolment code; kept after use (retries), "" once withdrawn
	EnrolExpires time.Time         // the enrolment code is refused after this
	TokenHash    string            // SHA-256 hex of the bearer secret; "" before enrolment
	SignKey      string            // Ed25519 public key, base64
	AgeKey       string            // age X25519 recipient
	AppVersion   string
	CreatedAt    time.Time
	EnrolledAt   time.Time
	RevokedAt    time.Time
	LastSeen     time.Time
	Cursor       int64  // the last cursor the station reported applied
	AuditSeq     int64  // audit head last received
	AuditHash    string // its hash
	TamperedAt   time.Time
	TamperNote   string
	// AuditVerifiedSeq and AuditVerifiedHash are the last head the
	// station proved its chain extends (AuditSeq is the newest head it
	// reported, which its next request must prove).
	AuditVerifiedSeq  int64
	AuditVerifiedHash string
	// AuditNamed are the heads the hall recorded since the verified one,
	// oldest first; the newest is AuditSeq/AuditHash, which every answer
	// names. A station whose answers were lost proves an older one.
	AuditNamed []AuditMark
	// AuditProven is set once the station has proved a head; from then on
	// every request must prove one. AuditMisses counts its requests in a
	// row that proved nothing new (stale, or answers lost).
	AuditProven bool
	AuditMisses int
	// OfficeSends is how many more sync answers carry the station's kind
	// and region to it.
	OfficeSends int

	// Computed by the store, never written by UpdateStation.
	LastDSeq    int64 // the station's newest delivery sequence number
	Conflicts   int   // log entries with status conflict that the station pushed
	Quarantined int   // events the station reported it could not apply
}

// AuditMark is one audit row's position and hash.
type AuditMark struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// Quarantine is a station's report of an event from its pull pages that it
// could not apply: it set the event aside and applied the rest.
type Quarantine struct {
	Station  string    `json:"station"`
	EventID  string    `json:"event_id"`
	CaseID   string    `json:"case_id"`
	LogSeq   int64     `json:"log_seq,omitempty"`
	Code     string    `json:"code"`
	Reason   string    `json:"reason"`
	Reported time.Time `json:"reported_at"`
}

// Enrolled reports whether the station has exchanged its code for a token.
func (st *StationRecord) Enrolled() bool { return !st.EnrolledAt.IsZero() }

// Revoked reports whether the station's credentials were revoked.
func (st *StationRecord) Revoked() bool { return !st.RevokedAt.IsZero() }

// Log entry statuses: the two a log entry can have.
const (
	StatusAccepted = "accepted"
	StatusConflict = "conflict"
)

// LogEntry is one event in the hall's global, append-only log.
type LogEntry struct {
	Seq      int64
	Status   string // StatusAccepted or StatusConflict
	Code     string // for conflicts: the domain error code
	Reason   string
	Zh       string
	Station  string // the authenticated office that sent it ("hall" for hall commands)
	Event    *domain.Event
	Received time.Time
	// Raw is the event's JSON as the log stores it, set by Deliveries
	// (whose Event then holds only ID, CaseID and Kind).
	Raw []byte
}

// Rejection is a pushed event the hall refused; it is not in the log.
type Rejection struct {
	EventID  string
	CaseID   string
	Station  string
	Code     string
	Reason   string
	Zh       string
	Received time.Time
}

// Ref names what a delivery row carries: exactly one of a log entry or a
// published row.
type Ref struct {
	LogSeq int64
	PubSeq int64
}

// Delivery is one row of a station's delivery queue.
type Delivery struct {
	DSeq int64
	Log  *LogEntry  // set for events
	Pub  *Published // set for catalog items and calendar years
}

// Kinds of published rows.
const (
	PubItem     = "item"
	PubCalendar = "calendar"
)

// Published is a catalog item version or calendar year the hall published.
// A key ("item:CODE@VERSION", "calendar:YEAR") may be published again (an
// item's status change, a corrected calendar): the newest row counts.
type Published struct {
	Seq       int64
	Key       string
	Kind      string // PubItem or PubCalendar
	Catalog   string // catalog version the item came with
	Body      []byte // the item or year spec as JSON
	Published time.Time
}

// CaseFilter selects cases for the hall's lists. Empty fields match all.
type CaseFilter struct {
	State   domain.State
	Station string // origin station
	Holder  string
	// Item matches the implementation code exactly.
	Item string
	// Query matches a substring of the case number, the hall serial, the
	// item code or the item name, ignoring ASCII case. It never matches
	// personal data: finding a person needs their case number.
	Query string
	// From and To bound the time the case was received: From <= t < To.
	From, To time.Time
	// BadReview keeps only cases rated 1 or 2 (差评).
	BadReview bool
	// Applicant matches the applicant's whole name or whole ID number (or
	// credit code), exactly: a telephone enquiry (hall.Service.Enquiry),
	// audited with its purpose. Never a fragment of personal data.
	Applicant string
	// Limit caps the rows: 0 is the store's default of 200, negative is
	// no limit (statistics read every case of a period).
	Limit int
	// Offset skips rows, for paging.
	Offset int
}

// Access is one line of the hall's access and command log: who looked at or
// changed which case, and why. Kept apart from the event log because views
// change nothing but must still be accountable.
type Access struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	CaseID string    `json:"case_id,omitempty"`
	Detail string    `json:"detail,omitempty"`
}

// AccessFilter selects access log lines. Empty fields match all.
type AccessFilter struct {
	Actor  string
	CaseID string
	// Action matches the action exactly, or with a trailing "." every
	// action it prefixes ("case." for all case actions).
	Action string
	Limit  int // 0: 200
}
