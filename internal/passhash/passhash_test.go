package passhash_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"yizhan/internal/passhash"
)

// stationHash was made by the station's own hashing code before both sides
// shared this package: hashes already in station and hall databases must
// keep signing their owners in.
const stationHash = "$argon2id$v=19$m=19456,t=2,p=1$M32PqbxPaTAkeZxas/8JEw$YHmWC910IApSre5I3SsgnpVpyvmSm5yBx7Xgo5paeTg"

func TestHashAndCheck(t *testing.T) {
	const pw = "正确的密码-123"
	h1, err := passhash.Hash(rand.Reader, pw)
	if err != nil {
		t.Fatal(err)
	}
	h2, err := passhash.Hash(rand.Reader, pw)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q: not argon2id with the documented parameters", h1)
	}
	if h1 == h2 {
		t.Fatal("two hashes of one password are equal: the salt is not fresh")
	}
	if strings.Contains(h1, pw) {
		t.Fatal("the hash contains the password")
	}
	for _, c := range []struct {
		name, hash, pw string
		want           bool
	}{
		{"OK", h1, pw, true},
		{"OKOtherSalt", h2, pw, true},
		{"OKStoredBefore", stationHash, pw, true},
		{"WrongPassword", h1, pw + " ", false},
		{"EmptyPassword", h1, "", false},
		{"NotAHash", "plain text", pw, false},
		{"Empty", "", pw, false},
		{"OtherAlgorithm", strings.Replace(stationHash, "argon2id", "argon2i", 1), pw, false},
		{"BadParams", strings.Replace(stationHash, "m=19456,t=2,p=1", "m=x", 1), pw, false},
		{"BadSalt", strings.Replace(stationHash, "M32PqbxPaTAkeZxas/8JEw", "!!", 1), pw, false},
		{"EmptyKey", stationHash[:strings.LastIndex(stationHash, "$")+1], pw, false},
		{"ZeroPasses", strings.Replace(stationHash, "t=2", "t=0", 1), pw, false},
		{"ZeroThreads", strings.Replace(stationHash, "p=1", "p=0", 1), pw, false},
		{"HugeMemory", strings.Replace(stationHash, "m=19456", "m=4194304", 1), pw, false},
		{"ManyPasses", strings.Replace(stationHash, "t=2", "t=1000", 1), pw, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := passhash.Check(c.hash, c.pw); got != c.want {
				t.Fatalf("Check(%q, %q) = %v, want %v", c.hash, c.pw, got, c.want)
			}
		})
	}
}

// TestHashSaltFromReader: the salt comes from the reader given (tests
// inject one), and a reader that fails is an error, not a weak salt.
func TestHashSaltFromReader(t *testing.T) {
	a, err := passhash.Hash(bytes.NewReader(make([]byte, 16)), "password-1")
	if err != nil {
		t.Fatal(err)
	}
	b, err := passhash.Hash(bytes.NewReader(make([]byte, 16)), "password-1")
	if err != nil || a != b {
		t.Fatalf("the same salt gave %q and %q (%v)", a, b, err)
	}
	boom := errors.New("no entropy")
	if h, err := passhash.Hash(iotest.ErrReader(boom), "password-1"); !errors.Is(err, boom) || h != "" {
		t.Fatalf("Hash with a failing reader = %q, %v; want the reader's error", h, err)
	}
	if h, err := passhash.Hash(bytes.NewReader(make([]byte, 3)), "password-1"); err == nil || h != "" {
		t.Fatalf("Hash with 3 bytes of salt = %q, %v; want an error", h, err)
	}
}
