// Package app holds the station's application services: intake, materials,
// the case lifecycle, counter work, staff and audit. The desktop UI, the
// station CLI, sync and the tests all call these, and nothing else writes the
// station database.
package app

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"filippo.io/age"
	"github.com/google/uuid"

	"yizhan/domain"
	"yizhan/workday"
)

// Config tunes a station. Zero values take the defaults.
type Config struct {
	// Dir is the data directory: the database, attachments, keys and logs.
	Dir string
	// Now is the clock; tests inject a fake one.
	Now func() time.Time
	// NewID makes record and event IDs (UUIDv7 by default).
	NewID func() string
	// MaxFailedLogins locks an account after this many wrong passwords in a row.
	MaxFailedLogins int
	// LockoutDuration is how long a locked account stays locked.
	LockoutDuration time.Duration
	// RectificationDays is the working days a bad review has to be put right
	// (a district setting; 5 by default).
	RectificationDays int
	// SigningKey returns the key that signs this station's printed QR
	// codes (nil before enrolment): PrintDocument signs with it, and the
	// kiosk takes a scanned code it verifies as proof instead of the query
	// password. The key lives with the hall client's credentials
	// (hallclient.SigningKey), which this package does not import.
	SigningKey func() (ed25519.PrivateKey, error)
}

// Station is an open station: its store and the services over it.
type Station struct {
	store Store
	cfg   Config
	cal   *workday.Calendar
	hlc   *domain.HLC
	code  string
	name  string
	blobs string
	// blobID encrypts and decrypts attachments at rest (atrest.go).
	blobID *age.X25519Identity
	// changes carries the change signal to its subscribers (changes.go).
	changes changeHub
}

// DBFile is the database file name inside the data directory.
const DBFile = "station.db"

// New opens the station whose data directory is cfg.Dir over store, its
// database (app/sqlite.OpenDir): it loads the station's identity, clock and
// holiday calendar and the key that encrypts attachments. The station owns
// the store from then on (Close closes it); when New fails, the store is
// the caller's to close.
func New(ctx context.Context, store Store, cfg Config) (*Station, error) {
	if cfg.Dir == "" {
		return nil, errors.New("open station: data directory required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.NewID == nil {
		cfg.NewID = func() string { return uuid.Must(uuid.NewV7()).String() }
	}
	if cfg.MaxFailedLogins == 0 {
		cfg.MaxFailedLogins = 5
	}
	if cfg.LockoutDuration == 0 {
		cfg.LockoutDuration = 15 * time.Minute
	}
	if cfg.RectificationDays == 0 {
		cfg.RectificationDays = 5
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("open station: %w", err)
	}
	s := &Station{store: store, cfg: cfg, cal: workday.New(), blobs: filepath.Join(cfg.Dir, "blobs")}
	var err error
	if s.blobID, err = loadBlobKey(cfg.Dir); err != nil {
		return nil, fmt.Errorf("open station: %w", err)
	}
	if err := s.load(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Station) load(ctx context.Context) error {
	s.code, _ = s.meta(ctx, "station_code")
	s.name, _ = s.meta(ctx, "station_name")
	s.hlc = domain.NewHLC(s.officeOrLocal(), s.cfg.Now)
	// Our own stamps restore the clock as they are; stamps received from
	// other offices go through Observe, which ignores one far in the
	// future, as it did when they arrived: restoring from them directly
	// would let one PC with a wrong year drag this clock along at every
	// restart.
	var own, other string
	if err := s.view(ctx, func(tx Tx) error {
		var err error
		own, other, err = tx.NewestStamps(s.officeOrLocal())
		return err
	}); err != nil {
		return fmt.Errorf("open station: %w", err)
	}
	s.hlc.Restore(own)
	s.hlc.Observe(other)
	var years []workday.YearSpec
	if err := s.view(ctx, func(tx Tx) error {
		var err error
		years, err = tx.CalendarYears()
		return err
	}); err != nil {
		return fmt.Errorf("open station: %w", err)
	}
	for _, y := range years {
		if err := s.cal.Publish(y); err != nil {
			return fmt.Errorf("open station: calendar: %w", err)
		}
	}
	return nil
}

func (s *Station) officeOrLocal() string {
	if s.code == "" {
		return "local"
	}
	return s.code
}

// Close closes the station's store.
func (s *Station) Close() error { return s.store.Close() }

// Calendar returns the working-day calendar in use.
func (s *Station) Calendar() *workday.Calendar { return s.cal }

// Clock returns the station's hybrid logical clock.
func (s *Station) Clock() *domain.HLC { return s.hlc }

// Now returns the station's current time.
func (s *Station) Now() time.Time { return s.cfg.Now() }

// NewID returns a fresh record ID.
func (s *Station) NewID() string { return s.cfg.NewID() }

// Code returns the station's office code ("" before init).
func (s *Station) Code() string { return s.code }

// Name returns the station's display name.
func (s *Station) Name() string { return s.name }

// BlobDir is where attachments are kept, by SHA-256.
func (s *Station) BlobDir() string { return s.blobs }

// Identity is what a station is.
type Identity struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Region string `json:"region"`
	Kind   string `json:"kind"` // township, village, postal, helper
	Hall   string `json:"hall,omitempty"`
}

// Init sets the station's identity. It may be called once; the code is in
// every case number and event and cannot change afterwards.
func (s *Station) Init(ctx context.Context, id Identity) error {
	if err := domain.ValidOfficeCode(id.Code); err != nil {
		return err
	}
	if id.Name == "" {
		return domain.Errorf(domain.EInvalid, "请填写站点名称。", "init: station name required")
	}
	kind, err := domain.ParseStationKind(id.Kind)
	if err != nil {
		return err
	}
	id.Kind = string(kind)
	err = s.update(ctx, func(tx Tx) error {
		have, err := tx.Meta("station_code")
		if err != nil {
			return fmt.Errorf("init: %w", err)
		}
		if have != "" && have != id.Code {
			return domain.Errorf(domain.EConflict, "本站已初始化为 "+have+"，站点编码不能更改。", "init: station already initialised as %s", have)
		}
		for k, v := range map[string]string{"station_code": id.Code, "station_name": id.Name, "region": id.Region, "kind": id.Kind} {
			if err := tx.SetMeta(k, v); err != nil {
				return fmt.Errorf("init: %w", err)
			}
		}
		return s.audit(tx, System, "station.init", id.Code, "", "", id.Name)
	})
	if err != nil {
		return err
	}
	s.code, s.name = id.Code, id.Name
	s.hlc = domain.NewHLC(s.code, s.cfg.Now)
	return s.load(ctx)
}

// SetOffice records the station's kind, region and name as the hall
// registers them (they decide what the station's screens offer); an
// unknown kind or an empty value leaves the setting as it was.
func (s *Station) SetOffice(ctx context.Context, kind, region, name string) error {
	kv := map[string]string{}
	if k, err := domain.ParseStationKind(kind); err == nil && kind != "" {
		kv["kind"] = string(k)
	}
	if region != "" {
		kv["region"] = region
	}
	if name != "" {
		kv["station_name"] = name
	}
	changed := false
	for k, v := range kv {
		if have, _ := s.meta(ctx, k); have != v {
			changed = true
		}
	}
	if !changed {
		return nil
	}
	err := s.update(ctx, func(tx Tx) error {
		for k, v := range kv {
			if err := tx.SetMeta(k, v); err != nil {
				return err
			}
		}
		return s.audit(tx, System, "station.office", s.code, "", "", fmt.Sprintf("kind=%s region=%s", kv["kind"], kv["region"]))
	})
	if err != nil {
		return err
	}
	if name != "" {
		s.name = name
	}
	return nil
}

// Identity returns the station's identity.
func (s *Station) Identity(ctx context.Context) (Identity, error) {
	id := Identity{Code: s.code, Name: s.name}
	id.Region, _ = s.meta(ctx, "region")
	id.Kind, _ = s.meta(ctx, "kind")
	id.Hall, _ = s.meta(ctx, "hall_url")
	return id, nil
}

func (s *Station) requireInit() error {
	if s.code == "" {
		return domain.Errorf(domain.EInvalid, "本站尚未初始化，请先在设置中填写站点编码和名称。", "station not initialised")
	}
	return nil
}

// meta reads a station setting ("" when unset).
func (s *Station) meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.view(ctx, func(tx Tx) error {
		var err error
		v, err = tx.Meta(key)
		return err
	})
	return v, err
}

// Meta returns a station setting ("" when unset).
func (s *Station) Meta(ctx context.Context, key string) (string, error) { return s.meta(ctx, key) }

func (s *Station) now() time.Time { return s.cfg.Now() }

func (s *Station) today() workday.Date { return workday.DateOf(s.now(), workday.China) }
