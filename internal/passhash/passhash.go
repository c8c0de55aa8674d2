// Package passhash hashes staff passwords with argon2id, for the station's
// accounts and the hall console's alike, and checks a password against a
// stored hash. Hashes are PHC strings ("$argon2id$v=19$m=...,t=...,p=...$
// salt$key"), so the parameters travel with each hash and may change
// without invalidating the ones already stored.
package passhash

import (
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"io"
	"strings"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters: OWASP's minimum (19 MiB, two passes) keeps a
// sign-in under a tenth of a second on an old station PC.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// Limits on the parameters a stored hash may ask for: a hash planted in a
// database (or a restored backup) must not make one sign-in attempt take
// gigabytes or minutes.
const (
	maxMemory = 256 * 1024 // KiB
	maxTime   = 16
)

// Hash returns the argon2id hash of pw with a fresh salt read from rnd
// (crypto/rand.Reader outside tests).
func Hash(rnd io.Reader, pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := io.ReadFull(rnd, salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// Check reports whether pw matches encoded, a hash made by Hash (with any
// parameters within the limits). A malformed hash matches nothing. The
// comparison takes the same time wherever the keys differ.
func Check(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || m > maxMemory || t > maxTime || t == 0 || p == 0 || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}
