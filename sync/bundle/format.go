// Package bundle is sync by USB stick ("sneakernet"): a station exports
// what the hall has not acknowledged into a sealed file, someone carries it
// to the hall (possibly through other stations, which relay the file without
// being able to read or alter it), the hall imports it and writes a sealed
// reply, and the reply carried back is imported at the station.
//
// # Construction
//
// A bundle file is
//
//	"YIZHAN-BUNDLE/1\n"
//	header JSON (one line: v, id, kind, from, to, created, size) "\n"
//	base64 Ed25519 signature "\n"
//	age ciphertext of gzip(payload JSON)   (exactly header.size bytes)
//
// It is encrypt-then-sign. The payload is compressed and encrypted with age
// (X25519) to the recipient only: the hall's recipient for an export, the
// station's for a reply. The sender then signs, with its Ed25519 key,
//
//	"yizhan-bundle-v1\x00" || uint32be(len(header)) || header || SHA-256(ciphertext)
//
// so the signature covers the clear header (who, to whom, which bundle) and
// every ciphertext byte. Open checks, in order: format and size limits,
// the recipient named in the header, the signer's key (looked up by the
// header's sender: an unknown sender is refused before any decryption), the
// signature, then decrypts and checks that the sealed payload repeats the
// header's id, kind and station. That last check binds the inner content to
// the outer signer: someone who strips a signature and re-signs a copied
// ciphertext under their own name is refused, because the sealed payload
// still names the original station.
//
// A relay holds neither the recipient's age identity (it cannot decrypt)
// nor the sender's signing key (any change breaks the signature).
//
// Replay: importing a bundle twice changes nothing. The station records
// each reply's id; the hall relies on event-level idempotency (a push is
// deduplicated by event ID), so importing an export again simply writes a
// fresh reply — useful when the first reply was lost.
package bundle

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"filippo.io/age"

	"yizhan/sync/protocol"
)

// Magic opens every bundle file.
const Magic = "YIZHAN-BUNDLE/1\n"

// Format versions: what Header.V and Payload.V say. Version 2 added
// attachments (Payload.Blobs, BlobAcks, BlobsLeft). Seal writes Version;
// Open reads every version from MinVersion on, so bundles already on
// sticks when a station or the hall is upgraded still import.
const (
	Version    = 2
	MinVersion = 1
)

// Limits, so that a hostile or damaged file cannot exhaust memory.
const (
	MaxBundleBytes  = 256 << 20 // the whole file
	MaxPayloadBytes = 512 << 20 // the payload after decompression
	maxHeaderBytes  = 4 << 10
)

// Kinds of bundle.
const (
	KindExport = "export" // station → hall: a push (and a pull request)
	KindReply  = "reply"  // hall → station: acks and pull pages
)

// HallName is the sender or recipient name of the hall.
const HallName = "hall"

const sigContext = "yizhan-bundle-v1\x00"

// Header is the clear, signed part of a bundle: enough to route it and to
// find the key that checks it, nothing personal.
type Header struct {
	V       int       `json:"v"`
	ID      string    `json:"id"`   // UUIDv7 of the bundle
	Kind    string    `json:"kind"` // export or reply
	From    string    `json:"from"` // station code, or "hall"
	To      string    `json:"to"`   // "hall", or station code
	Created time.Time `json:"created"`
	Size    int64     `json:"size"` // ciphertext bytes
}

// Payload is the sealed content.
type Payload struct {
	V         int       `json:"v"`
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	Station   string    `json:"station"` // the station the bundle is from (export) or for (reply)
	Created   time.Time `json:"created"`
	InReplyTo string    `json:"in_reply_to,omitempty"`
	// Requests are the export's push batches in order, each within the
	// wire limits of one online sync request, all with the station's
	// cursor at export time.
	Requests []*protocol.SyncRequest `json:"requests,omitempty"`
	// Replies are the hall's answers: one per request, then follow-up pull
	// pages.
	Replies []Reply `json:"replies,omitempty"`
	// Pending counts events left out of an export for size (export again
	// once this one is answered).
	Pending int `json:"pending,omitempty"`
	// Blobs are the attachments an export carries (version 2), each file
	// whole. The hall checks every one against its SHA-256 before keeping
	// it, and answers each in the reply's BlobAcks.
	Blobs []BlobFile `json:"blobs,omitempty"`
	// BlobsLeft counts the attachments waiting at the station that did not
	// fit this export's budget; a later bundle carries them.
	BlobsLeft int `json:"blobs_left,omitempty"`
	// BlobAcks answer the export's attachments, in a reply (version 2).
	BlobAcks []BlobAck `json:"blob_acks,omitempty"`
}

// BlobFile is one attachment inside an export.
type BlobFile struct {
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	Data   []byte `json:"data"` // base64 in the JSON; gzip takes most of that back
}

// Blob ack statuses.
const (
	BlobStored  = "stored"  // verified and kept by the hall
	BlobPresent = "present" // the hall held it from this station already
	BlobRefused = "refused" // not kept (Reason says why); the station keeps it pending
)

// BlobAck is the hall's answer to one attachment of an export.
type BlobAck struct {
	SHA256 string `json:"sha256"`
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
	Zh     string `json:"zh,omitempty"`
}

// Reply is one answer in a reply bundle. Base is the cursor the page
// follows, so the station can tell whether applying its cursor would skip
// anything.
type Reply struct {
	Base     int64                  `json:"base"`
	Response *protocol.SyncResponse `json:"response"`
}

// Bundle is an opened, verified bundle.
type Bundle struct {
	Header  Header
	Payload *Payload
}

// Seal compresses and encrypts p to recipient, signs it with key as sender
// from, addressed to to, and writes the bundle to w. p.ID, p.Kind and
// p.Created go into the clear header.
func Seal(w io.Writer, p *Payload, from, to string, recipient age.Recipient, key ed25519.PrivateKey) error {
	if p.ID == "" || (p.Kind != KindExport && p.Kind != KindReply) || from == "" || to == "" {
		return fmt.Errorf("seal bundle: id, kind, sender and recipient required")
	}
	if p.V < MinVersion || p.V > Version || p.V < 2 && (len(p.Blobs) > 0 || len(p.BlobAcks) > 0 || p.BlobsLeft > 0) {
		return fmt.Errorf("seal bundle: version %d cannot hold this payload", p.V)
	}
	var ct bytes.Buffer
	aw, err := age.Encrypt(&ct, recipient)
	if err != nil {
		return fmt.Errorf("seal bundle: %w", err)
	}
	zw := gzip.NewWriter(aw)
	enc := json.NewEncoder(zw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		return fmt.Errorf("seal bundle: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("seal bundle: %w", err)
	}
	if err := aw.Close(); err != nil {
		return fmt.Errorf("seal bundle: %w", err)
	}
	if ct.Len() > MaxBundleBytes-maxHeaderBytes {
		return tooLarge(fmt.Sprintf("sealed payload is %d bytes; the limit is %d", ct.Len(), MaxBundleBytes))
	}
	h := Header{V: p.V, ID: p.ID, Kind: p.Kind, From: from, To: to, Created: p.Created.UTC(), Size: int64(ct.Len())}
	hb, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("seal bundle: %w", err)
	}
	sig := ed25519.Sign(key, sigMessage(hb, ct.Bytes()))
	var out bytes.Buffer
	out.WriteString(Magic)
	out.Write(hb)
	out.WriteByte('\n')
	out.WriteString(base64.StdEncoding.EncodeToString(sig))
	out.WriteByte('\n')
	out.Write(ct.Bytes())
	if _, err := w.Write(out.Bytes()); err != nil {
		return fmt.Errorf("seal bundle: %w", err)
	}
	return nil
}

func sigMessage(header, ciphertext []byte) []byte {
	sum := sha256.Sum256(ciphertext)
	m := make([]byte, 0, len(sigContext)+4+len(header)+len(sum))
	m = append(m, sigContext...)
	m = binary.BigEndian.AppendUint32(m, uint32(len(header)))
	m = append(m, header...)
	return append(m, sum[:]...)
}

// Opener says who is opening a bundle and whom it trusts.
type Opener struct {
	// Me is the recipient name this side answers to: "hall" or a station
	// code. A bundle addressed to anyone else is refused unread.
	Me string
	// Identity decrypts bundles addressed to Me.
	Identity age.Identity
	// Signer returns the Ed25519 public key of a sender, or an error for a
	// sender this side does not know (or no longer trusts).
	Signer func(from string) (ed25519.PublicKey, error)
	// Kind is the kind expected: a station opens replies, the hall exports.
	Kind string
}

// Open reads a bundle from r, verifies it as described in the package
// comment, and returns it. Every refusal is an *Error.
func Open(r io.Reader, o Opener) (*Bundle, error) {
	h, sig, ct, err := split(r)
	if err != nil {
		return nil, err
	}
	var hdr Header
	if err := decodeStrict(h, &hdr); err != nil || hdr.ID == "" {
		return nil, Malformed("bad header", err)
	}
	if hdr.V < MinVersion || hdr.V > Version {
		return nil, Malformed(fmt.Sprintf("format version %d; this program reads %d to %d (upgrade it)", hdr.V, MinVersion, Version), nil)
	}
	switch {
	case int64(len(ct)) < hdr.Size:
		return nil, truncated(fmt.Sprintf("ciphertext is %d bytes of %d", len(ct), hdr.Size))
	case int64(len(ct)) > hdr.Size:
		return nil, Tampered(fmt.Sprintf("%d bytes after the ciphertext", int64(len(ct))-hdr.Size), nil)
	}
	if o.Kind != "" && hdr.Kind != o.Kind {
		return nil, wrongKind(fmt.Sprintf("bundle kind is %q, expected %q", hdr.Kind, o.Kind))
	}
	if hdr.To != o.Me {
		return nil, Foreign(fmt.Sprintf("bundle is addressed to %q, not %q", hdr.To, o.Me), nil)
	}
	pub, err := o.Signer(hdr.From)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return nil, Foreign(fmt.Sprintf("unknown sender %q", hdr.From), err)
	}
	if !ed25519.Verify(pub, sigMessage(h, ct), sig) {
		return nil, Tampered("signature does not match", nil)
	}
	p, err := decrypt(ct, o.Identity)
	if err != nil {
		return nil, err
	}
	station := hdr.From
	if hdr.Kind == KindReply {
		station = hdr.To
	}
	if p.ID != hdr.ID || p.Kind != hdr.Kind || p.Station != station || p.V != hdr.V {
		return nil, Tampered("sealed payload does not match its header (re-signed by someone else?)", nil)
	}
	if p.V < 2 && (len(p.Blobs) > 0 || len(p.BlobAcks) > 0 || p.BlobsLeft > 0) {
		return nil, Malformed("attachments in a version 1 bundle", nil)
	}
	return &Bundle{Header: hdr, Payload: p}, nil
}

// split reads the file and cuts it into header, signature and ciphertext.
func split(r io.Reader) (header, sig, ct []byte, err error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBundleBytes+1))
	if err != nil {
		return nil, nil, nil, Malformed("read", err)
	}
	if len(data) > MaxBundleBytes {
		return nil, nil, nil, tooLarge(fmt.Sprintf("file larger than %d bytes", MaxBundleBytes))
	}
	if !bytes.HasPrefix(data, []byte(Magic)) {
		if len(data) < len(Magic) && bytes.HasPrefix([]byte(Magic), data) {
			return nil, nil, nil, truncated("file ends inside the magic line")
		}
		return nil, nil, nil, Malformed("not a Yizhan bundle", nil)
	}
	br := bufio.NewReaderSize(bytes.NewReader(data[len(Magic):]), maxHeaderBytes+256)
	line := func() ([]byte, error) {
		l, err := br.ReadSlice('\n')
		if errors.Is(err, io.EOF) {
			return nil, truncated("file ends inside the header")
		}
		if err != nil {
			return nil, Malformed("header line too long", err)
		}
		return bytes.TrimSuffix(l, []byte("\n")), nil
	}
	hl, err := line()
	if err != nil {
		return nil, nil, nil, err
	}
	header = append([]byte(nil), hl...)
	sl, err := line()
	if err != nil {
		return nil, nil, nil, err
	}
	sig, err = base64.StdEncoding.DecodeString(string(sl))
	if err != nil || len(sig) != ed25519.SignatureSize {
		return nil, nil, nil, Tampered("bad signature encoding", err)
	}
	used := len(Magic) + len(header) + 1 + len(sl) + 1
	return header, sig, data[used:], nil
}

// decrypt opens the age ciphertext and decodes the payload within limits.
func decrypt(ct []byte, id age.Identity) (*Payload, error) {
	ar, err := age.Decrypt(bytes.NewReader(ct), id)
	if err != nil {
		var nm *age.NoIdentityMatchError
		if errors.As(err, &nm) {
			return nil, Foreign("not encrypted to this key", err)
		}
		return nil, Tampered("decrypt", err)
	}
	zr, err := gzip.NewReader(ar)
	if err != nil {
		return nil, Tampered("decompress", err)
	}
	data, err := io.ReadAll(io.LimitReader(zr, MaxPayloadBytes+1))
	if err != nil {
		return nil, Tampered("decrypt payload", err)
	}
	if len(data) > MaxPayloadBytes {
		return nil, tooLarge(fmt.Sprintf("payload larger than %d bytes", MaxPayloadBytes))
	}
	var p Payload
	if err := decodeStrict(data, &p); err != nil {
		return nil, Malformed("payload", err)
	}
	return &p, nil
}

func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data")
	}
	return nil
}

// Inspect reads only the clear header of a bundle, without keys: what a
// relay station can see (id, kind, sender, recipient, size), and a check
// that the file is whole before it is carried on.
func Inspect(r io.Reader) (Header, error) {
	h, _, ct, err := split(r)
	if err != nil {
		return Header{}, err
	}
	var hdr Header
	if err := decodeStrict(h, &hdr); err != nil || hdr.V < MinVersion || hdr.V > Version {
		return Header{}, Malformed("bad header", err)
	}
	switch {
	case int64(len(ct)) < hdr.Size:
		return hdr, truncated(fmt.Sprintf("ciphertext is %d bytes of %d", len(ct), hdr.Size))
	case int64(len(ct)) > hdr.Size:
		return hdr, Tampered("extra bytes after the ciphertext", nil)
	}
	return hdr, nil
}
