package protocol

import (
	"crypto/ed25519"
	"encoding/base64"

	"yizhan/domain"
)

// EncodeSignKey returns the wire form of an Ed25519 public key: standard
// base64, as EnrollRequest.SignKey and EnrollResponse.HallSignKey carry it
// and as both sides keep it in their key files and station registry.
func EncodeSignKey(pub ed25519.PublicKey) string {
	return base64.StdEncoding.EncodeToString(pub)
}

// ParseSignKey decodes the wire form of an Ed25519 public key. Both sides
// parse the other's keys with it: the station the hall's from enrolment,
// the hall a station's from its registry when it opens a USB bundle.
func ParseSignKey(s string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, domain.Errorf(domain.EInvalid, "签名公钥格式不正确。", "bad Ed25519 public key")
	}
	return ed25519.PublicKey(b), nil
}
