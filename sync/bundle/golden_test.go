package bundle_test

import (
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"filippo.io/age"

	"yizhan/sync/bundle"
)

// TestGoldenBundlesOpen: the golden bundles of every format version this
// program reads (testdata/golden, sealed once with the keys in keys.json
// when their version was current) open with the current code, say their
// version in header and payload, and decode to exactly the JSON sealed in
// them: no field lost or renamed. The import of each, end to end at a
// station and a hall, is app/hallclient's TestGoldenBundlesImport.
func TestGoldenBundlesOpen(t *testing.T) {
	var k struct {
		StationSignSeed string `json:"station_sign_seed"`
		StationAge      string `json:"station_age_identity"`
		HallSignSeed    string `json:"hall_sign_seed"`
		HallAge         string `json:"hall_age_identity"`
	}
	data, err := os.ReadFile(filepath.Join("testdata", "golden", "keys.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &k); err != nil {
		t.Fatal(err)
	}
	signer := func(seed string) func(string) (ed25519.PublicKey, error) {
		b, err := base64.StdEncoding.DecodeString(seed)
		if err != nil || len(b) != ed25519.SeedSize {
			t.Fatalf("keys.json: bad seed: %v", err)
		}
		pub := ed25519.NewKeyFromSeed(b).Public().(ed25519.PublicKey)
		return func(string) (ed25519.PublicKey, error) { return pub, nil }
	}
	identity := func(s string) *age.X25519Identity {
		id, err := age.ParseX25519Identity(s)
		if err != nil {
			t.Fatalf("keys.json: %v", err)
		}
		return id
	}
	for v := bundle.MinVersion; v <= bundle.Version; v++ {
		for _, c := range []struct {
			kind string
			o    bundle.Opener
		}{
			{bundle.KindExport, bundle.Opener{Me: bundle.HallName, Identity: identity(k.HallAge), Kind: bundle.KindExport, Signer: signer(k.StationSignSeed)}},
			{bundle.KindReply, bundle.Opener{Me: "ST01", Identity: identity(k.StationAge), Kind: bundle.KindReply, Signer: signer(k.HallSignSeed)}},
		} {
			t.Run(fmt.Sprintf("v%d-%s", v, c.kind), func(t *testing.T) {
				path := filepath.Join("testdata", "golden", fmt.Sprintf("v%d-%s.bundle", v, c.kind))
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				b, err := bundle.Open(bytes.NewReader(data), c.o)
				if err != nil {
					t.Fatalf("open %s: %v", path, err)
				}
				if b.Header.V != v || b.Payload.V != v || b.Header.Kind != c.kind {
					t.Fatalf("header v%d %s, payload v%d; want v%d %s", b.Header.V, b.Header.Kind, b.Payload.V, v, c.kind)
				}
				if len(b.Payload.Requests)+len(b.Payload.Replies) == 0 {
					t.Fatal("the golden bundle carries no request and no reply")
				}
				ar, err := age.Decrypt(bytes.NewReader(data[len(data)-int(b.Header.Size):]), c.o.Identity)
				if err != nil {
					t.Fatal(err)
				}
				zr, err := gzip.NewReader(ar)
				if err != nil {
					t.Fatal(err)
				}
				sealed, err := io.ReadAll(zr)
				if err != nil {
					t.Fatal(err)
				}
				var again bytes.Buffer
				enc := json.NewEncoder(&again)
				enc.SetEscapeHTML(false)
				if err := enc.Encode(b.Payload); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(again.Bytes(), sealed) {
					t.Fatalf("the payload does not survive decoding:\nsealed  %.300s\nencoded %.300s", sealed, again.Bytes())
				}
			})
		}
	}
}
