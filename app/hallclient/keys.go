package hallclient

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"filippo.io/age"

	"yizhan/internal/atomicfile"
	"yizhan/sync/protocol"
)

// KeyDir is the folder under the station's data directory that holds its
// secrets. Keys live in files, never in the database: a database backup
// goes to USB sticks and support staff, and must not carry the station's
// identity with it.
const KeyDir = "keys"

// File names inside KeyDir. The bearer token is kept in hall.json beside the
// hall's public keys rather than in the meta table for the same reason: it
// is a secret, and the database travels.
const (
	stationKeyFile = "station.json"
	hallFile       = "hall.json"
)

// Keys are a station's credentials: its own Ed25519 signing key and age
// X25519 identity (made on the station; only the public halves ever leave),
// and what enrolment gave it — its code, the bearer token and the hall's
// public keys.
type Keys struct {
	SignKey ed25519.PrivateKey
	AgeKey  *age.X25519Identity

	Station     string            // office code the hall assigned
	Token       string            // bearer secret "<station>.<secret>"
	HallSignKey ed25519.PublicKey // verifies reply bundles
	HallAgeKey  *age.X25519Recipient
	HallURL     string
	EnrolledAt  time.Time
}

// Enrolled reports whether the station has completed enrolment.
func (k *Keys) Enrolled() bool { return k != nil && k.Token != "" && k.Station != "" }

// SignPublic returns the station's Ed25519 public key.
func (k *Keys) SignPublic() ed25519.PublicKey { return k.SignKey.Public().(ed25519.PublicKey) }

// AgeRecipient returns the station's age recipient ("age1...").
func (k *Keys) AgeRecipient() *age.X25519Recipient { return k.AgeKey.Recipient() }

type stationKeyJSON struct {
	V        int    `json:"v"`
	SignSeed string `json:"sign_seed"` // base64 Ed25519 seed
	AgeKey   string `json:"age_identity"`
}

type hallJSON struct {
	V           int       `json:"v"`
	Station     string    `json:"station"`
	Token       string    `json:"token"`
	HallSignKey string    `json:"hall_sign_key"`
	HallAgeKey  string    `json:"hall_age_key"`
	HallURL     string    `json:"hall_url"`
	EnrolledAt  time.Time `json:"enrolled_at"`
}

// ErrNotEnrolled is returned when a station that never enrolled tries to sync.
var ErrNotEnrolled = &Error{Code: CodeNotEnrolled, Message: "station not enrolled with a hall",
	Zh: "本站尚未在大厅登记，请先用大厅提供的登记码办理登记（station enroll）。"}

// LoadKeys reads the station's keys from dataDir. It returns the station's
// own keys even before enrolment (Enrolled() is then false), and
// ErrNotEnrolled when no keys exist at all.
func LoadKeys(dataDir string) (*Keys, error) {
	dir := filepath.Join(dataDir, KeyDir)
	k, err := loadStationKeys(filepath.Join(dir, stationKeyFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotEnrolled
	}
	if err != nil {
		return nil, err
	}
	var h hallJSON
	if err := readJSON(filepath.Join(dir, hallFile), &h); errors.Is(err, fs.ErrNotExist) {
		return k, nil
	} else if err != nil {
		return nil, err
	}
	pub, err := protocol.ParseSignKey(h.HallSignKey)
	if err != nil {
		return nil, fmt.Errorf("keys: %s: %w", hallFile, err)
	}
	rcp, err := age.ParseX25519Recipient(h.HallAgeKey)
	if err != nil {
		return nil, fmt.Errorf("keys: %s: hall age key: %w", hallFile, err)
	}
	k.Station, k.Token, k.HallSignKey, k.HallAgeKey, k.HallURL, k.EnrolledAt = h.Station, h.Token, pub, rcp, h.HallURL, h.EnrolledAt
	return k, nil
}

// genKeys makes a fresh set of station key pairs, in memory.
func genKeys() (*Keys, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("keys: generate: %w", err)
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, fmt.Errorf("keys: generate: %w", err)
	}
	return &Keys{SignKey: priv, AgeKey: id}, nil
}

// loadStationKeys reads a station key pair file (an fs.ErrNotExist error
// when there is none).
func loadStationKeys(path string) (*Keys, error) {
	var sk stationKeyJSON
	if err := readJSON(path, &sk); err != nil {
		return nil, err
	}
	seed, err := base64.StdEncoding.DecodeString(sk.SignSeed)
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("keys: %s: bad signing key", filepath.Base(path))
	}
	id, err := age.ParseX25519Identity(sk.AgeKey)
	if err != nil {
		return nil, fmt.Errorf("keys: %s: %w", filepath.Base(path), err)
	}
	return &Keys{SignKey: ed25519.NewKeyFromSeed(seed), AgeKey: id}, nil
}

func (k *Keys) stationJSON() stationKeyJSON {
	return stationKeyJSON{V: 1, SignSeed: base64.StdEncoding.EncodeToString(k.SignKey.Seed()), AgeKey: k.AgeKey.String()}
}

// saveStation writes the station's own key pairs.
func (k *Keys) saveStation(dataDir string) error {
	return writeJSON(filepath.Join(dataDir, KeyDir, stationKeyFile), k.stationJSON())
}

// saveHall stores what enrolment returned.
func (k *Keys) saveHall(dataDir string) error {
	h := hallJSON{V: 1, Station: k.Station, Token: k.Token, HallSignKey: protocol.EncodeSignKey(k.HallSignKey),
		HallAgeKey: k.HallAgeKey.String(), HallURL: k.HallURL, EnrolledAt: k.EnrolledAt.UTC()}
	return writeJSON(filepath.Join(dataDir, KeyDir, hallFile), h)
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("keys: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("keys: %s: %w", filepath.Base(path), err)
	}
	return nil
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("keys: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("keys: %w", err)
	}
	return atomicfile.Write(path, b, 0o600)
}

// SigningKey returns the function app.Config.SigningKey wants: the key that
// signs the QR codes of the station in data directory dir, read when
// needed (enrolment makes it; nil before).
func SigningKey(dir string) func() (ed25519.PrivateKey, error) {
	return func() (ed25519.PrivateKey, error) {
		k, err := LoadKeys(dir)
		if err != nil {
			return nil, err
		}
		return k.SignKey, nil
	}
}
