package hall

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"filippo.io/age"

	"yizhan/sync/protocol"
)

// Key file names under Dir/keys.
const (
	signKeyFile = "hall_ed25519.key" // base64 of the 32-byte Ed25519 seed
	ageKeyFile  = "hall_age.key"     // "AGE-SECRET-KEY-1..."
)

// Keys are the hall's own key pairs: Ed25519 signs what the hall sends in
// bundles, the age identity opens bundles stations encrypted to the hall.
type Keys struct {
	Sign ed25519.PrivateKey
	Age  *age.X25519Identity
}

// SignPublic returns the Ed25519 public key as base64, the form enrolment
// hands to stations.
func (k *Keys) SignPublic() string {
	return protocol.EncodeSignKey(k.Sign.Public().(ed25519.PublicKey))
}

// AgeRecipient returns the age recipient ("age1...") stations encrypt to.
func (k *Keys) AgeRecipient() string { return k.Age.Recipient().String() }

// LoadKeys reads the hall's keys from dir/keys, creating both on first start.
// If only one of the two exists the directory was damaged or half-restored:
// that is an error rather than a silent new key, because every enrolled
// station trusts the old one. A nil rnd means crypto/rand.
func LoadKeys(dir string, rnd io.Reader) (*Keys, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	kdir := filepath.Join(dir, "keys")
	signPath, agePath := filepath.Join(kdir, signKeyFile), filepath.Join(kdir, ageKeyFile)
	_, errS := os.Stat(signPath)
	_, errA := os.Stat(agePath)
	switch {
	case errors.Is(errS, fs.ErrNotExist) && errors.Is(errA, fs.ErrNotExist):
		return createKeys(kdir, rnd)
	case errS != nil:
		return nil, fmt.Errorf("hall keys: %s: %w", signPath, errS)
	case errA != nil:
		return nil, fmt.Errorf("hall keys: %s: %w", agePath, errA)
	}
	signText, err := readSecret(signPath)
	if err != nil {
		return nil, err
	}
	seed, err := base64.StdEncoding.DecodeString(signText)
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("hall keys: %s: not a base64 Ed25519 seed", signPath)
	}
	ageText, err := readSecret(agePath)
	if err != nil {
		return nil, err
	}
	id, err := age.ParseX25519Identity(ageText)
	if err != nil {
		return nil, fmt.Errorf("hall keys: %s: %w", agePath, err)
	}
	return &Keys{Sign: ed25519.NewKeyFromSeed(seed), Age: id}, nil
}

func createKeys(kdir string, rnd io.Reader) (*Keys, error) {
	if err := os.MkdirAll(kdir, 0o700); err != nil {
		return nil, fmt.Errorf("hall keys: %w", err)
	}
	seed := make([]byte, ed25519.SeedSize)
	if _, err := io.ReadFull(rnd, seed); err != nil {
		return nil, fmt.Errorf("hall keys: random: %w", err)
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, fmt.Errorf("hall keys: age: %w", err)
	}
	// The age key first: if the process dies between the two writes, the
	// next start finds only the age key and refuses loudly, and an operator
	// deletes it; no station has seen either key yet.
	if err := writeSecret(filepath.Join(kdir, ageKeyFile), id.String()); err != nil {
		return nil, err
	}
	if err := writeSecret(filepath.Join(kdir, signKeyFile), base64.StdEncoding.EncodeToString(seed)); err != nil {
		return nil, err
	}
	return &Keys{Sign: ed25519.NewKeyFromSeed(seed), Age: id}, nil
}

// readSecret reads a key file, refusing one that others can read: a key
// copied with loose permissions must be noticed, not used.
func readSecret(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("hall keys: %w", err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("hall keys: %s has mode %v; it must be readable by its owner only (chmod 600)", path, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("hall keys: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// writeSecret writes a key file atomically (temp file, fsync, rename) with
// mode 0600, so a crash never leaves half a key behind.
func writeSecret(path, text string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-key-*")
	if err != nil {
		return fmt.Errorf("hall keys: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("hall keys: %w", err)
	}
	if _, err := tmp.WriteString(text + "\n"); err != nil {
		tmp.Close()
		return fmt.Errorf("hall keys: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("hall keys: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("hall keys: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("hall keys: %w", err)
	}
	return syncDir(filepath.Dir(path))
}

// syncDir fsyncs a directory so a rename in it survives a power cut.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync dir: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync dir: %w", err)
	}
	return nil
}
