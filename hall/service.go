// Package hall is the central hall's side of sync: the station registry and
// credentials, the global event log with its authority and conflict rules,
// per-station delivery queues, the published catalog and calendar, hall-side
// case commands and attachment blobs. It works over a Store, so the SQLite
// store can be replaced by a PostgreSQL one that passes the same suite.
package hall

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/google/uuid"

	"yizhan/domain"
	"yizhan/workday"
)

// Config tunes a Service. Zero fields take the defaults documented on each.
type Config struct {
	// Dir is the hall's data directory. It holds keys/ (the hall's signing
	// and age keys, mode 0600, never in the database so that a database
	// dump or backup does not carry them) and blobs/ (attachments).
	Dir string
	// Now is the clock; tests inject a fake one. Default time.Now.
	Now func() time.Time
	// NewID makes event IDs for hall commands. Default UUIDv7, whose time
	// order keeps index inserts local.
	NewID func() string
	// Rand is the randomness for enrolment codes, tokens and keys.
	// Default crypto/rand.Reader.
	Rand io.Reader
	// EnrolTTL is how long a one-time enrolment code stays valid. Default 7
	// days: long enough to drive to a village, short enough that a lost
	// slip of paper soon stops mattering.
	EnrolTTL time.Duration
	// PageEntries caps the entries of one pull page whatever the byte
	// budget. Default 2000: a page of full events stays within the default
	// byte budget (1 MiB) anyway, and pages of stubs (a station's own
	// events coming back) move the cursor in fewer round trips.
	PageEntries int
	// SeenEvery is how stale a station's last-seen time may get before a
	// no-op sync writes it. Default one minute: a sync that brings nothing
	// stays read-only (no fsync) most of the time.
	SeenEvery time.Duration
	// Logger receives warnings (tampered audit chains); no personal data is
	// logged. Default: discard.
	Logger *slog.Logger

	// BlobQuota is how many bytes of attachments one station may keep at
	// the hall, unfinished uploads included; an upload past it is refused
	// (413 quota) with a message naming the quota. Default 20 GiB: years
	// of a busy township's scans.
	BlobQuota int64
	// PartialTTL is how long an unfinished upload may stay untouched
	// before CollectBlobs deletes it. Default 7 days.
	PartialTTL time.Duration
	// BlobGrace is how long after its last upload an attachment that no
	// case references is kept before CollectBlobs deletes it. Default 30
	// days: a station uploads a scan and the event naming it in the same
	// sync, so only junk waits that long.
	BlobGrace time.Duration

	// SignInLimits tunes how console sign-ins slow password guessing and how
	// many password hashes run at once (signin.go).
	SignInLimits SignInLimits
	// SessionTTL is the longest a console session lasts, however active.
	// Default 12 hours: one working day, then sign in again.
	SessionTTL time.Duration
	// SessionIdle ends a console session nobody used for this long.
	// Default 30 minutes: a hall PC left signed in at lunch locks itself.
	SessionIdle time.Duration
	// ReviewDays is the rectification limit of a bad review in working
	// days after the rating (a district setting). Default 5.
	ReviewDays int
}

// Service is the hall's application service. It is safe for concurrent use;
// the store serialises what must be serial.
type Service struct {
	Config
	store Store
	keys  *Keys
	hlc   *domain.HLC

	blobMu    sync.Mutex
	blobLocks map[string]*blobLock
	gcMu      sync.RWMutex // CollectBlobs deletes while no upload is being finished

	guard   guard         // console sign-in failures
	hashSem chan struct{} // password-hashing slots

	calMu sync.Mutex
	cal   *workday.Calendar // built-in plus published years; nil: reload
	calAt time.Time

	itemMu sync.Mutex
	items  map[string]*domain.Item // published item versions, by "item:CODE@VERSION"
}

// New opens the hall's service over store: it fills defaults, loads or
// creates the hall's keys in cfg.Dir, and restores the hall's clock from
// the log so stamps never go backwards across restarts.
func New(ctx context.Context, store Store, cfg Config) (*Service, error) {
	if cfg.Dir == "" {
		return nil, fmt.Errorf("hall: data directory required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.NewID == nil {
		cfg.NewID = func() string { return uuid.Must(uuid.NewV7()).String() }
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.EnrolTTL <= 0 {
		cfg.EnrolTTL = 7 * 24 * time.Hour
	}
	if cfg.PageEntries <= 0 {
		cfg.PageEntries = 2000
	}
	if cfg.SeenEvery <= 0 {
		cfg.SeenEvery = time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.SignInLimits.fill()
	if cfg.BlobQuota <= 0 {
		cfg.BlobQuota = 20 << 30
	}
	if cfg.PartialTTL <= 0 {
		cfg.PartialTTL = 7 * 24 * time.Hour
	}
	if cfg.BlobGrace <= 0 {
		cfg.BlobGrace = 30 * 24 * time.Hour
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.SessionIdle <= 0 {
		cfg.SessionIdle = 30 * time.Minute
	}
	if cfg.ReviewDays <= 0 {
		cfg.ReviewDays = 5
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("hall: data directory: %w", err)
	}
	keys, err := LoadKeys(cfg.Dir, cfg.Rand)
	if err != nil {
		return nil, err
	}
	s := &Service{Config: cfg, store: store, keys: keys, hlc: domain.NewHLC(domain.HallOffice, cfg.Now),
		blobLocks: map[string]*blobLock{}, items: map[string]*domain.Item{}, guard: guard{recs: map[string]*strikes{}},
		hashSem: make(chan struct{}, cfg.SignInLimits.Hashes)}
	var last string
	if err := store.View(ctx, func(tx Tx) error {
		var err error
		last, err = tx.LastHLC(domain.HallOffice)
		return err
	}); err != nil {
		return nil, fmt.Errorf("hall: restore clock: %w", err)
	}
	s.hlc.Restore(last)
	return s, nil
}

// Keys returns the hall's key pairs.
func (s *Service) Keys() *Keys { return s.keys }

// Health checks that the store answers.
func (s *Service) Health(ctx context.Context) error {
	return s.store.View(ctx, func(tx Tx) error {
		_, err := tx.ActiveStations()
		return err
	})
}

// Stations returns the registry: every station with last seen, cursor lag,
// pending conflicts, app version, audit head and tamper flag.
func (s *Service) Stations(ctx context.Context) ([]StationInfo, error) {
	var out []StationInfo
	err := s.store.View(ctx, func(tx Tx) error {
		sts, err := tx.Stations()
		if err != nil {
			return err
		}
		for _, st := range sts {
			out = append(out, infoOf(st))
		}
		return nil
	})
	return out, err
}

// StationInfo is a station as the registry shows it: no secrets, no hashes.
type StationInfo struct {
	Code       string     `json:"code"`
	Name       string     `json:"name"`
	Region     string     `json:"region,omitempty"`
	Kind       string     `json:"kind"`   // village, township, postal or helper
	Status     string     `json:"status"` // announced, enrolled, revoked
	AppVersion string     `json:"app_version,omitempty"`
	LastSeen   *time.Time `json:"last_seen,omitempty"`
	Cursor     int64      `json:"cursor"`
	Lag        int64      `json:"lag"`       // deliveries queued but not yet applied
	Conflicts  int        `json:"conflicts"` // conflicts among the events it pushed
	// Quarantined counts the events of its pull pages the station reported
	// it set aside instead of applying (Service.Quarantined lists them).
	Quarantined int    `json:"quarantined"`
	AuditSeq    int64  `json:"audit_seq,omitempty"`
	AuditHash   string `json:"audit_hash,omitempty"`
	Tampered    bool   `json:"tampered,omitempty"`
	TamperNote  string `json:"tamper_note,omitempty"`
	SignKey     string `json:"sign_key,omitempty"`
	AgeKey      string `json:"age_key,omitempty"`
}

// Quarantined lists what stations reported they set aside from their pull
// pages (of one station, or of all with ""), newest first: events another
// station sent that the receiver could not apply. The rest of their sync
// went on; these are for a person to look into.
func (s *Service) Quarantined(ctx context.Context, station string) ([]*Quarantine, error) {
	var out []*Quarantine
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Quarantined(station, 500)
		return err
	})
	return out, err
}

func infoOf(st *StationRecord) StationInfo {
	in := StationInfo{Code: st.Code, Name: st.Name, Region: st.Region, Kind: string(stationKind(st)), Quarantined: st.Quarantined,
		Status: "announced", AppVersion: st.AppVersion,
		Cursor: st.Cursor, Lag: max(st.LastDSeq-st.Cursor, 0), Conflicts: st.Conflicts, AuditSeq: st.AuditSeq,
		AuditHash: st.AuditHash, Tampered: !st.TamperedAt.IsZero(), TamperNote: st.TamperNote,
		SignKey: st.SignKey, AgeKey: st.AgeKey}
	switch {
	case st.Revoked():
		in.Status = "revoked"
	case st.Enrolled() && st.TokenHash != "":
		// A reenrolled station has no credentials until its new PC
		// enrols: it shows as announced again.
		in.Status = "enrolled"
	}
	if !st.LastSeen.IsZero() {
		t := st.LastSeen
		in.LastSeen = &t
	}
	return in
}
