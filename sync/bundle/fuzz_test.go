package bundle_test

import (
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"filippo.io/age"

	"yizhan/sync/bundle"
	"yizhan/sync/protocol"
)

// Fixed, test-only keys, so that the committed seed corpus
// (testdata/fuzz/...) holds bundles that open: the fuzzer then mutates
// valid files rather than only noise.
const (
	fuzzHallAge    = "AGE-SECRET-KEY-1RFURVGFRJ6R6CGCUMNG0HYMP4TD7AFYMTP4VXXXSCS99YPZZWJ2QDZY5MV"
	fuzzStationAge = "AGE-SECRET-KEY-1TWENDK0R9GDQ5ZCNF83FS593WPKZLVPXJS5KFJ9T0HYTEXMYG5YQVR4LSC"
)

func fuzzKeys(tb testing.TB) (hallID, stationID *age.X25519Identity, stationSign ed25519.PrivateKey) {
	tb.Helper()
	h, err := age.ParseX25519Identity(fuzzHallAge)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := age.ParseX25519Identity(fuzzStationAge)
	if err != nil {
		tb.Fatal(err)
	}
	return h, s, ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
}

// hallOpener opens exports as the hall, trusting station A01 only.
func hallOpener(hallID *age.X25519Identity, sign ed25519.PrivateKey) bundle.Opener {
	return bundle.Opener{Me: bundle.HallName, Identity: hallID, Kind: bundle.KindExport, Signer: func(from string) (ed25519.PublicKey, error) {
		if from != "A01" {
			return nil, fmt.Errorf("unknown sender %q", from)
		}
		return sign.Public().(ed25519.PublicKey), nil
	}}
}

// checkRefusal requires every refusal to be a *bundle.Error with a reason
// and a Chinese message for the clerk holding the stick.
func checkRefusal(t *testing.T, err error) {
	t.Helper()
	var be *bundle.Error
	if !errors.As(err, &be) || be.Reason == "" || be.Zh == "" {
		t.Fatalf("refusal is not a bundle error with a reason and a message: %#v", err)
	}
}

// FuzzOpen feeds whole files to bundle.Open as the hall: damaged, cut,
// re-signed or hostile bundles must be refused with a bundle error, never
// a panic, and anything that opens must be a well-formed export of A01.
func FuzzOpen(f *testing.F) {
	hallID, _, sign := fuzzKeys(f)
	var valid bytes.Buffer
	if err := bundle.Seal(&valid, exportPayload("A01"), "A01", bundle.HallName, hallID.Recipient(), sign); err != nil {
		f.Fatal(err)
	}
	f.Add(valid.Bytes())
	f.Add(valid.Bytes()[:valid.Len()/2])
	f.Add([]byte(bundle.Magic))
	f.Add([]byte(bundle.Magic + "{}\n\n"))
	o := hallOpener(hallID, sign)
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := bundle.Open(bytes.NewReader(data), o)
		if err != nil {
			checkRefusal(t, err)
			return
		}
		if b.Header.From != "A01" || b.Payload.Station != "A01" || b.Payload.Kind != bundle.KindExport || b.Payload.ID != b.Header.ID {
			t.Fatalf("opened a bundle that does not match its header: %+v / %+v", b.Header, b.Payload)
		}
	})
}

// FuzzInspect feeds files to Inspect, what a relay station runs on a file
// it cannot read: no panic, refusals are bundle errors.
func FuzzInspect(f *testing.F) {
	hallID, _, sign := fuzzKeys(f)
	var valid bytes.Buffer
	if err := bundle.Seal(&valid, exportPayload("A01"), "A01", bundle.HallName, hallID.Recipient(), sign); err != nil {
		f.Fatal(err)
	}
	f.Add(valid.Bytes())
	f.Add([]byte(bundle.Magic + `{"v":1,"id":"x","size":-1}` + "\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := bundle.Inspect(bytes.NewReader(data))
		if err != nil {
			checkRefusal(t, err)
			return
		}
		if h.V != 1 || h.Size < 0 {
			t.Fatalf("Inspect accepted a malformed header: %+v", h)
		}
	})
}

// sealRaw builds a correctly signed and encrypted bundle around arbitrary
// payload bytes, as docs/sync-bundles.md specifies the format: what a
// station with valid keys but hostile (or buggy) software could send.
func sealRaw(tb testing.TB, payload []byte, hallID *age.X25519Identity, sign ed25519.PrivateKey) []byte {
	var ct bytes.Buffer
	aw, err := age.Encrypt(&ct, hallID.Recipient())
	if err != nil {
		tb.Fatal(err)
	}
	zw := gzip.NewWriter(aw)
	zw.Write(payload)
	zw.Close()
	aw.Close()
	hdr, _ := json.Marshal(bundle.Header{V: 1, ID: "01900000-0000-7000-8000-000000000001", Kind: bundle.KindExport,
		From: "A01", To: bundle.HallName, Created: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Size: int64(ct.Len())})
	sum := sha256.Sum256(ct.Bytes())
	msg := append([]byte("yizhan-bundle-v1\x00"), binary.BigEndian.AppendUint32(nil, uint32(len(hdr)))...)
	msg = append(append(msg, hdr...), sum[:]...)
	var out bytes.Buffer
	out.WriteString(bundle.Magic)
	out.Write(hdr)
	out.WriteByte('\n')
	out.WriteString(base64.StdEncoding.EncodeToString(ed25519.Sign(sign, msg)))
	out.WriteByte('\n')
	out.Write(ct.Bytes())
	return out.Bytes()
}

// FuzzOpenPayload fuzzes the sealed payload of a correctly signed bundle:
// the JSON the hall decodes after the signature checks out. It must be
// refused cleanly unless it is a well-formed export that repeats its
// header, and every request inside must decode as the online ones do.
func FuzzOpenPayload(f *testing.F) {
	hallID, _, sign := fuzzKeys(f)
	good, err := json.Marshal(exportPayload("A01"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"v":1,"id":"01900000-0000-7000-8000-000000000001","kind":"export","station":"A01","created":"2026-03-02T09:00:00Z","requests":[null]}`))
	f.Add([]byte(`{"v":1,"id":"01900000-0000-7000-8000-000000000001","kind":"export","station":"B02"}`))
	f.Add([]byte(`[]`))
	o := hallOpener(hallID, sign)
	f.Fuzz(func(t *testing.T, payload []byte) {
		if len(payload) > 1<<20 {
			return
		}
		b, err := bundle.Open(bytes.NewReader(sealRaw(t, payload, hallID, sign)), o)
		if err != nil {
			checkRefusal(t, err)
			return
		}
		if b.Payload.Station != "A01" || b.Payload.Kind != bundle.KindExport {
			t.Fatalf("opened a payload that does not repeat its header: %+v", b.Payload)
		}
		for _, r := range b.Payload.Requests {
			if r == nil {
				continue // HallImport refuses it; Open only decodes
			}
			raw, err := json.Marshal(r)
			if err != nil {
				t.Fatalf("request does not re-encode: %v", err)
			}
			var again protocol.SyncRequest
			if err := protocol.Decode(bytes.NewReader(raw), protocol.MaxRequestBytes*4, &again); err != nil {
				t.Fatalf("a request inside a bundle decodes, but not online: %v\n%s", err, raw)
			}
		}
	})
}
