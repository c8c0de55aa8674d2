package bundle_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"filippo.io/age"

	"yizhan/sync/bundle"
	"yizhan/sync/protocol"
)

// party is one side's keys.
type party struct {
	name string
	sign ed25519.PrivateKey
	age  *age.X25519Identity
}

func newParty(t *testing.T, name string) *party {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return &party{name: name, sign: priv, age: id}
}

func (p *party) pub() ed25519.PublicKey { return p.sign.Public().(ed25519.PublicKey) }

// opener opens as p, trusting the given senders.
func (p *party) opener(kind string, trusted ...*party) bundle.Opener {
	return bundle.Opener{Me: p.name, Identity: p.age, Kind: kind, Signer: func(from string) (ed25519.PublicKey, error) {
		for _, t := range trusted {
			if t.name == from {
				return t.pub(), nil
			}
		}
		return nil, fmt.Errorf("unknown sender %q", from)
	}}
}

func exportPayload(station string) *bundle.Payload {
	return &bundle.Payload{V: 1, ID: "01900000-0000-7000-8000-000000000001", Kind: bundle.KindExport, Station: station,
		Created: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
		Requests: []*protocol.SyncRequest{{V: protocol.Version, Station: station, Cursor: 7,
			Audit: &protocol.AuditHead{Seq: 3, Hash: "abc"}}}}
}

// sealExport seals an export from st to the hall.
func sealExport(t *testing.T, st, h *party) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := bundle.Seal(&buf, exportPayload(st.name), st.name, bundle.HallName, h.age.Recipient(), st.sign); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSealOpen(t *testing.T) {
	st, h := newParty(t, "ST01"), newParty(t, bundle.HallName)
	data := sealExport(t, st, h)
	t.Run("OK", func(t *testing.T) {
		b, err := bundle.Open(bytes.NewReader(data), h.opener(bundle.KindExport, st))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(b.Payload, exportPayload("ST01")) {
			t.Fatalf("payload changed in transit:\n got %+v\nwant %+v", b.Payload, exportPayload("ST01"))
		}
		if b.Header.From != "ST01" || b.Header.To != bundle.HallName || b.Header.Kind != bundle.KindExport {
			t.Fatalf("header %+v", b.Header)
		}
	})
	t.Run("ErrTamperedAnyByte", func(t *testing.T) {
		// Every single-byte change anywhere in the file is refused.
		for i := 0; i < len(data); i++ {
			bad := bytes.Clone(data)
			bad[i] ^= 0x20
			if _, err := bundle.Open(bytes.NewReader(bad), h.opener(bundle.KindExport, st)); err == nil {
				t.Fatalf("byte %d of %d changed, bundle accepted", i, len(data))
			}
		}
		bad := bytes.Clone(data)
		bad[len(bad)-10] ^= 1 // inside the ciphertext
		_, err := bundle.Open(bytes.NewReader(bad), h.opener(bundle.KindExport, st))
		if !errors.Is(err, bundle.ErrTampered) {
			t.Fatalf("got %v, want tampered", err)
		}
		var be *bundle.Error
		if !errors.As(err, &be) || be.ZhMessage() == "" {
			t.Fatalf("no Chinese message: %v", err)
		}
	})
	t.Run("ErrTruncated", func(t *testing.T) {
		for _, n := range []int{0, 5, len(bundle.Magic) + 10, len(data) / 2, len(data) - 1} {
			_, err := bundle.Open(bytes.NewReader(data[:n]), h.opener(bundle.KindExport, st))
			if err == nil {
				t.Fatalf("truncated to %d bytes: accepted", n)
			}
			if n > len(data)/3 && !errors.Is(err, bundle.ErrTruncated) {
				t.Fatalf("truncated to %d: got %v, want truncated", n, err)
			}
		}
		_, err := bundle.Open(bytes.NewReader(append(bytes.Clone(data), 'x')), h.opener(bundle.KindExport, st))
		if !errors.Is(err, bundle.ErrTampered) {
			t.Fatalf("extra byte: got %v, want tampered", err)
		}
	})
	t.Run("ErrWrongRecipient", func(t *testing.T) {
		other := newParty(t, "ST02")
		var buf bytes.Buffer
		reply := &bundle.Payload{V: 1, ID: "01900000-0000-7000-8000-000000000002", Kind: bundle.KindReply, Station: "ST01"}
		if err := bundle.Seal(&buf, reply, bundle.HallName, "ST01", st.age.Recipient(), h.sign); err != nil {
			t.Fatal(err)
		}
		_, err := bundle.Open(bytes.NewReader(buf.Bytes()), other.opener(bundle.KindReply, h))
		if !errors.Is(err, bundle.ErrForeign) {
			t.Fatalf("ST02 opening ST01's reply: got %v, want foreign", err)
		}
		// Addressed to ST02 in the header but encrypted to ST01: ST02
		// cannot decrypt it.
		buf.Reset()
		if err := bundle.Seal(&buf, reply, bundle.HallName, "ST02", st.age.Recipient(), h.sign); err != nil {
			t.Fatal(err)
		}
		_, err = bundle.Open(bytes.NewReader(buf.Bytes()), other.opener(bundle.KindReply, h))
		if !errors.Is(err, bundle.ErrForeign) {
			t.Fatalf("got %v, want foreign", err)
		}
		if _, err := bundle.Open(bytes.NewReader(data), h.opener(bundle.KindReply, st)); !errors.Is(err, bundle.ErrWrongKind) {
			t.Fatalf("export opened as reply: got %v", err)
		}
	})
	t.Run("ErrUnknownSigner", func(t *testing.T) {
		_, err := bundle.Open(bytes.NewReader(data), h.opener(bundle.KindExport))
		if !errors.Is(err, bundle.ErrForeign) {
			t.Fatalf("got %v, want foreign", err)
		}
	})
	t.Run("ErrResigned", func(t *testing.T) {
		// ST02 takes ST01's sealed export and signs it as its own: the
		// signature checks out, but the sealed payload still says ST01.
		thief := newParty(t, "ST02")
		hdr, err := bundle.Inspect(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		ct := data[len(data)-int(hdr.Size):]
		forged := resign(t, hdr, ct, "ST02", thief.sign)
		_, err = bundle.Open(bytes.NewReader(forged), h.opener(bundle.KindExport, st, thief))
		if !errors.Is(err, bundle.ErrTampered) {
			t.Fatalf("re-signed bundle: got %v, want tampered", err)
		}
	})
	t.Run("ErrNotABundle", func(t *testing.T) {
		_, err := bundle.Open(bytes.NewReader([]byte("PK\x03\x04 a zip file")), h.opener(bundle.KindExport, st))
		if !errors.Is(err, bundle.ErrMalformed) {
			t.Fatalf("got %v, want malformed", err)
		}
	})
}

// resign rebuilds a bundle around ciphertext ct with the header's sender
// changed and a fresh signature, following the construction documented in
// the package comment.
func resign(t *testing.T, hdr bundle.Header, ct []byte, from string, key ed25519.PrivateKey) []byte {
	t.Helper()
	hdr.From = from
	hb, err := json.Marshal(hdr)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(ct)
	msg := append([]byte("yizhan-bundle-v1\x00"), binary.BigEndian.AppendUint32(nil, uint32(len(hb)))...)
	msg = append(append(msg, hb...), sum[:]...)
	sig := ed25519.Sign(key, msg)
	var out bytes.Buffer
	out.WriteString(bundle.Magic)
	out.Write(hb)
	out.WriteString("\n" + base64.StdEncoding.EncodeToString(sig) + "\n")
	out.Write(ct)
	return out.Bytes()
}
