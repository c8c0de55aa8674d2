package bundle

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"filippo.io/age"
	"github.com/google/uuid"

	"yizhan/domain"
	"yizhan/internal/atomicfile"
	"yizhan/sync/protocol"
)

// Hall is what the hall side of a bundle import needs. cmd/hall fills it
// from hall.Service: its keys, its station registry and its sync entry
// point, so a bundle is processed exactly like the same requests online.
type Hall struct {
	// SignKey signs replies (hall.Keys.Sign).
	SignKey ed25519.PrivateKey
	// Identity opens exports encrypted to the hall (hall.Keys.Age).
	Identity age.Identity
	// Station returns an enrolled station's Ed25519 public key and age
	// recipient ("age1..."), or an error if the code is unknown, not
	// enrolled or revoked: such a station's bundle is refused unread.
	Station func(ctx context.Context, code string) (signKey ed25519.PublicKey, ageRecipient string, err error)
	// Sync processes one sync request as station, exactly as the online
	// endpoint does after authentication (hall.Service.Sync). It is called
	// once per request in the export, in order, then with pull-only
	// requests that follow the returned cursor while More is set.
	Sync func(ctx context.Context, station string, req *protocol.SyncRequest) (*protocol.SyncResponse, error)
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// NewID makes reply ids. Default UUIDv7.
	NewID func() string
	// ReplyBytes bounds the pull pages put into one reply; what does not
	// fit comes with the next reply. Default 64 MiB.
	ReplyBytes int
	// PutBlob keeps an attachment an export carried, already checked
	// against its SHA-256 here, as the station's upload
	// (hall.Service.PutBlob), and reports whether the hall held it from
	// that station before. Nil: attachments are refused.
	PutBlob func(ctx context.Context, station, hash string, data []byte) (present bool, err error)
}

// HallReport says what a hall import did.
type HallReport struct {
	Bundle  string            `json:"bundle"`
	Station string            `json:"station"`
	Reply   string            `json:"reply"`
	Events  int               `json:"events"`
	Acks    protocol.AckTally `json:"acks"`
	Pages   int               `json:"pages"`
	Pulled  int               `json:"pulled"`
	Cursor  int64             `json:"cursor"`
	More    bool              `json:"more,omitempty"` // pages left for the next reply
	Resync  bool              `json:"resync,omitempty"`
	// Attachments the export carried: kept (verified), held already, and
	// refused (each with its reason in the reply); the station said how
	// many more wait for a later bundle.
	Attachments AttachTally `json:"attachments"`
	// Version is the export's format version; the reply has the same.
	Version int `json:"version"`
}

// AttachTally counts the attachments of one export by outcome.
type AttachTally struct {
	Stored  int `json:"stored"`
	Present int `json:"present"`
	Refused int `json:"refused"`
	Left    int `json:"left"` // still at the station, for a later bundle
}

// HallImport opens the station export bundle in, processes its requests
// through h.Sync, and writes the sealed, signed reply for the station to
// replyOut (encrypted to that station only). Importing the same export
// again is harmless — every event is deduplicated by ID — and writes a
// fresh reply, which is how a lost reply is replaced.
//
// The lead wires it into `hall bundle import FILE --reply OUT`.
func HallImport(ctx context.Context, h *Hall, in, replyOut string) (*HallReport, error) {
	if h.Now == nil {
		h.Now = time.Now
	}
	if h.NewID == nil {
		h.NewID = func() string { return uuid.Must(uuid.NewV7()).String() }
	}
	if h.ReplyBytes <= 0 {
		h.ReplyBytes = 64 << 20
	}
	f, err := os.Open(in)
	if err != nil {
		return nil, fmt.Errorf("hall import: %w", err)
	}
	defer f.Close()
	var rcpText string
	var signer ed25519.PublicKey
	b, err := Open(f, Opener{Me: HallName, Identity: h.Identity, Kind: KindExport, Signer: func(from string) (ed25519.PublicKey, error) {
		pub, rcp, err := h.Station(ctx, from)
		rcpText, signer = rcp, pub
		return pub, err
	}})
	if err != nil {
		return nil, err
	}
	rcp, err := age.ParseX25519Recipient(rcpText)
	if err != nil {
		return nil, fmt.Errorf("hall import: station %s age key: %w", b.Header.From, err)
	}
	code := b.Header.From
	rep := &HallReport{Bundle: b.Header.ID, Station: code, Version: b.Header.V}
	// Attachments first: an event naming a scan then finds it at the hall.
	acks, err := h.putBlobs(ctx, code, b.Payload, rep)
	if err != nil {
		return rep, err
	}
	replies, err := h.process(ctx, code, b.Payload.Requests, rep)
	if err != nil {
		return rep, err
	}
	// The station may have been reenrolled (a stolen PC) while its
	// requests ran: the reply is sealed only to the keys that are still
	// the station's.
	pub, now, err := h.Station(ctx, code)
	if err != nil || now != rcpText || !pub.Equal(signer) {
		return rep, Foreign(fmt.Sprintf("station %s's keys changed during the import (reenrolled?); no reply written", code), err)
	}
	// The reply speaks the export's version: a station of format 1 reads
	// nothing newer.
	out := &Payload{V: b.Header.V, ID: h.NewID(), Kind: KindReply, Station: code, Created: h.Now().UTC(), InReplyTo: b.Header.ID,
		Replies: replies, BlobAcks: acks}
	var buf bytes.Buffer
	if err := Seal(&buf, out, HallName, code, rcp, h.SignKey); err != nil {
		return rep, err
	}
	if err := atomicfile.Write(replyOut, buf.Bytes(), 0o600); err != nil {
		return rep, fmt.Errorf("hall import: %w", err)
	}
	rep.Reply = out.ID
	return rep, nil
}

// putBlobs checks each attachment of an export against its SHA-256 and
// size and hands it to PutBlob; every one gets an answer for the reply. A
// refused attachment does not stop the import: the events still go in,
// and the station keeps the file waiting.
func (h *Hall) putBlobs(ctx context.Context, code string, p *Payload, rep *HallReport) ([]BlobAck, error) {
	rep.Attachments.Left = p.BlobsLeft
	var acks []BlobAck
	seen := map[string]bool{}
	for _, b := range p.Blobs {
		if !validHash(b.SHA256) || seen[b.SHA256] {
			return nil, Malformed("an attachment with a bad or repeated hash", nil)
		}
		seen[b.SHA256] = true
		ack := BlobAck{SHA256: b.SHA256, Status: BlobStored}
		sum := sha256.Sum256(b.Data)
		switch {
		case int64(len(b.Data)) != b.Size || hex.EncodeToString(sum[:]) != b.SHA256:
			ack.Status, ack.Reason, ack.Zh = BlobRefused, "content does not match its SHA-256 or size", "附件内容与其编号（SHA-256）不符，大厅未接收，请重新扫描该材料。"
		case h.PutBlob == nil:
			ack.Status, ack.Reason, ack.Zh = BlobRefused, "this hall takes no attachments by bundle", "大厅暂不接收数据包中的附件，请联网同步。"
		default:
			present, err := h.PutBlob(ctx, code, b.SHA256, b.Data)
			switch {
			case err != nil && ctx.Err() != nil:
				return nil, err
			case err != nil && domain.ErrorCode(err) == domain.EInternal:
				// The hall's disk or database failed: not the station's
				// fault, and nothing is written; the import fails and may
				// be repeated.
				return nil, fmt.Errorf("hall import %s: attachment %s: %w", code, b.SHA256, err)
			case err != nil:
				ack.Status, ack.Reason, ack.Zh = BlobRefused, domain.ErrorMessage(err), domain.ZhMessage(err)
			case present:
				ack.Status = BlobPresent
			}
		}
		switch ack.Status {
		case BlobStored:
			rep.Attachments.Stored++
		case BlobPresent:
			rep.Attachments.Present++
		default:
			rep.Attachments.Refused++
		}
		acks = append(acks, ack)
	}
	return acks, nil
}

func validHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// process runs the export's requests, then follow-up pulls within the
// reply budget.
func (h *Hall) process(ctx context.Context, code string, reqs []*protocol.SyncRequest, rep *HallReport) ([]Reply, error) {
	if len(reqs) == 0 {
		return nil, Malformed("export without requests", nil)
	}
	var replies []Reply
	size := 0
	add := func(base int64, resp *protocol.SyncResponse) {
		replies = append(replies, Reply{Base: base, Response: resp})
		b, _ := json.Marshal(resp)
		size += len(b)
		rep.Pages++
		rep.Pulled += len(resp.Events)
		for _, a := range resp.Acks {
			rep.Acks.Add(a)
		}
	}
	// Every request carries the station's cursor at export time; each is
	// sent on from where the previous answer's page ended instead, so the
	// pages chain (each reply's Base is the cursor its page follows) rather
	// than repeat. After a resync, the pushes go on and then the whole
	// scope is pulled from 0.
	cursor, more := reqs[0].Cursor, false
	for _, req := range reqs {
		if req == nil || req.Station != code {
			return nil, Tampered("a request inside the export names another station", nil)
		}
		rep.Events += len(req.Events)
		r := *req
		if !rep.Resync {
			r.Cursor = cursor
		}
		resp, err := h.Sync(ctx, code, &r)
		if err != nil {
			return nil, fmt.Errorf("hall import %s: %w", code, err)
		}
		add(r.Cursor, resp)
		if resp.Resync {
			rep.Resync = true
		} else {
			cursor, more = resp.Cursor, resp.More
		}
	}
	if rep.Resync {
		cursor, more = 0, true
	}
	// The follow-up pulls carry the export's audit head: they are the
	// station's requests too, and the hall counts a request without a head
	// as one that proves nothing.
	audit := reqs[len(reqs)-1].Audit
	for more && size < h.ReplyBytes {
		req := &protocol.SyncRequest{V: protocol.Version, Station: code, Cursor: cursor, MaxBytes: protocol.DefaultMaxBytes, Audit: audit}
		resp, err := h.Sync(ctx, code, req)
		if err != nil {
			return nil, fmt.Errorf("hall import %s: pull: %w", code, err)
		}
		add(cursor, resp)
		if resp.Resync || resp.Cursor <= cursor && resp.More {
			return nil, fmt.Errorf("hall import %s: pull made no progress at cursor %d", code, cursor)
		}
		cursor, more = resp.Cursor, resp.More
	}
	rep.Cursor, rep.More = cursor, more
	return replies, nil
}
