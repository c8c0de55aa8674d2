package notice_test

import (
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"

	"yizhan/notice"
)

func TestSignVerify(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	otherPub, _, _ := ed25519.GenerateKey(nil)
	c := notice.Claim{Kind: "receipt", Number: "370112001-20261127-0001", Station: "370112001", Date: "2026-11-27"}
	code, err := notice.Sign(c, priv)
	if err != nil {
		t.Fatal(err)
	}
	keys := func(k ed25519.PublicKey) func(string) (ed25519.PublicKey, error) {
		return func(string) (ed25519.PublicKey, error) { return k, nil }
	}
	t.Run("OK", func(t *testing.T) {
		got, err := notice.Verify(code, keys(pub))
		if err != nil || got != c {
			t.Fatalf("got %+v, %v; want %+v", got, err, c)
		}
	})
	t.Run("ErrOtherStationKey", func(t *testing.T) {
		if _, err := notice.Verify(code, keys(otherPub)); !errors.Is(err, notice.ErrForged) {
			t.Fatalf("got %v, want ErrForged", err)
		}
	})
	t.Run("ErrEditedNumber", func(t *testing.T) {
		forged := strings.Replace(code, "-0001|", "-0002|", 1)
		if _, err := notice.Verify(forged, keys(pub)); !errors.Is(err, notice.ErrForged) {
			t.Fatalf("got %v, want ErrForged", err)
		}
	})
	t.Run("ErrGarbage", func(t *testing.T) {
		for _, s := range []string{"", "YZ1|a|b", "XX|a|b|c|d|e", "YZ1|a|b|c|d|!!"} {
			if _, err := notice.Verify(s, keys(pub)); err == nil {
				t.Errorf("%q: accepted", s)
			}
		}
	})
	t.Run("ErrPipeInField", func(t *testing.T) {
		if _, err := notice.Sign(notice.Claim{Kind: "r", Number: "a|b", Station: "s", Date: "d"}, priv); err == nil {
			t.Fatal("signed a field with a separator")
		}
	})
}
