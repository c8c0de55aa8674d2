package protocol_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"testing"

	"yizhan/domain"
	"yizhan/sync/protocol"
)

// TestSignKeyEncoding: a key survives the wire form both ways, and a value
// that is not one is refused as invalid input, never half-parsed.
func TestSignKeyEncoding(t *testing.T) {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	got, err := protocol.ParseSignKey(protocol.EncodeSignKey(pub))
	if err != nil || !got.Equal(pub) {
		t.Fatalf("round trip: got %x, %v; want %x", got, err, pub)
	}
	for name, s := range map[string]string{
		"empty":       "",
		"not base64":  "not a key!",
		"too short":   base64.StdEncoding.EncodeToString(pub[:31]),
		"too long":    base64.StdEncoding.EncodeToString(append(append([]byte(nil), pub...), 0)),
		"url base64":  base64.RawURLEncoding.EncodeToString(pub),
		"private key": base64.StdEncoding.EncodeToString(make([]byte, ed25519.PrivateKeySize)),
	} {
		t.Run(name, func(t *testing.T) {
			if k, err := protocol.ParseSignKey(s); err == nil || domain.ErrorCode(err) != domain.EInvalid {
				t.Fatalf("ParseSignKey(%q) = %x, %v; want an invalid-input error", s, k, err)
			}
		})
	}
}
