// Package notice signs and checks the QR code printed on every document a
// station hands a citizen. The code carries the case number signed with the
// station's Ed25519 key, so anyone holding the hall's list of station keys
// can tell a real receipt from a forged one, offline.
package notice

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Prefix marks a Yizhan receipt code and its format version.
const Prefix = "YZ1"

// Claim is what a receipt asserts.
type Claim struct {
	Kind    string // receipt, accept, not_accept, correction, conclusion, delivery
	Number  string // case number
	Station string // issuing station code
	Date    string // YYYY-MM-DD of issue
}

func (c Claim) message() string {
	return strings.Join([]string{Prefix, c.Kind, c.Number, c.Station, c.Date}, "|")
}

// Sign returns the text to encode in the QR code.
func Sign(c Claim, key ed25519.PrivateKey) (string, error) {
	for _, f := range []string{c.Kind, c.Number, c.Station, c.Date} {
		if f == "" || strings.Contains(f, "|") {
			return "", fmt.Errorf("notice: empty or bad field in %+v", c)
		}
	}
	sig := ed25519.Sign(key, []byte(c.message()))
	return c.message() + "|" + base64.RawURLEncoding.EncodeToString(sig), nil
}

// ErrForged is returned for a code whose signature does not verify.
var ErrForged = errors.New("notice: signature does not match the station's key")

// Parse splits a scanned code into its claim and signature without checking it.
func Parse(code string) (Claim, []byte, error) {
	parts := strings.Split(strings.TrimSpace(code), "|")
	if len(parts) != 6 || parts[0] != Prefix {
		return Claim{}, nil, fmt.Errorf("notice: not a Yizhan receipt code")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[5])
	if err != nil || len(sig) != ed25519.SignatureSize {
		return Claim{}, nil, fmt.Errorf("notice: malformed signature")
	}
	return Claim{Kind: parts[1], Number: parts[2], Station: parts[3], Date: parts[4]}, sig, nil
}

// Verify checks a scanned code; keyOf looks up a station's public key.
func Verify(code string, keyOf func(station string) (ed25519.PublicKey, error)) (Claim, error) {
	c, sig, err := Parse(code)
	if err != nil {
		return Claim{}, err
	}
	pub, err := keyOf(c.Station)
	if err != nil {
		return c, fmt.Errorf("notice: station %s: %w", c.Station, err)
	}
	if !ed25519.Verify(pub, []byte(c.message()), sig) {
		return c, ErrForged
	}
	return c, nil
}
