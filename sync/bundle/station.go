package bundle

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"yizhan/app"
	"yizhan/app/hallclient"
	"yizhan/domain"
	"yizhan/internal/atomicfile"
	"yizhan/sync/protocol"
)

// Budgets of one export: each request stays within what the hall accepts
// online, and the whole payload well within MaxPayloadBytes.
const (
	requestBytes = protocol.MaxRequestBytes / 2
	exportBytes  = 128 << 20
)

// Attachment budgets of one export: what the user may set, and the default.
// The attachments and the events together stay within MaxBundleBytes.
const (
	DefaultAttachBytes = 64 << 20
	MaxAttachBytes     = 96 << 20
)

// ExportOptions tune an export. The zero value takes the defaults.
type ExportOptions struct {
	// AttachBytes bounds the attachments carried, in bytes: 0 is
	// DefaultAttachBytes, a negative value carries none. At most
	// MaxAttachBytes.
	AttachBytes int64
}

// ExportResult says what an export wrote.
type ExportResult struct {
	ID       string `json:"id"`
	File     string `json:"file"`
	Events   int    `json:"events"`
	Requests int    `json:"requests"`
	Cursor   int64  `json:"cursor"`
	Left     int    `json:"left"` // pending events that did not fit; export again later
	Bytes    int64  `json:"bytes"`
	// Attachments the bundle carries, their bytes, and the budget they
	// were chosen within.
	Attachments     int   `json:"attachments"`
	AttachmentBytes int64 `json:"attachment_bytes"`
	AttachBudget    int64 `json:"attach_budget"`
	// AttachmentsLeft are the attachments still waiting for the hall that
	// this bundle does not carry: the next export carries them first.
	AttachmentsLeft []BlobLeft `json:"attachments_left"`
}

// BlobLeft is an attachment an export left out, and why.
type BlobLeft struct {
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	// Reason: "budget" (did not fit this time), "too_large" (larger than
	// the whole budget: raise it), "damaged" (the file no longer matches
	// its SHA-256: scan the material again).
	Reason string `json:"reason"`
}

// Reasons an attachment is left out of an export.
const (
	LeftBudget   = "budget"
	LeftTooLarge = "too_large"
	LeftDamaged  = "damaged"
)

// metaCarried is the meta key that remembers when each waiting attachment
// last went out in an export (JSON: sha256 -> time), so that the next
// export, made before the reply came back, carries first the ones that did
// not fit. Each export rewrites it for the attachments still waiting.
const metaCarried = "bundle_carried"

// ExportBundle is Export with the default options.
func ExportBundle(ctx context.Context, st *app.Station, file string) (ExportResult, error) {
	return Export(ctx, st, file, ExportOptions{})
}

// Export writes to file everything the hall has not acknowledged: all
// pending events (split into requests the hall accepts), the audit head and
// the cursor, and the attachments the hall has not confirmed, within the
// attachment budget, encrypted to the hall and signed by this station.
// Nothing is marked as sent: events and attachments stay pending until a
// reply (or an online sync) acknowledges them, so a lost USB stick loses
// nothing. The result lists the attachments left out.
func Export(ctx context.Context, st *app.Station, file string, o ExportOptions) (ExportResult, error) {
	budget := o.AttachBytes
	switch {
	case budget == 0:
		budget = DefaultAttachBytes
	case budget < 0:
		budget = 0
	case budget > MaxAttachBytes:
		return ExportResult{}, domain.Errorf(domain.EInvalid, fmt.Sprintf("附件上限不能超过 %d MB。", MaxAttachBytes>>20),
			"attachment budget %d bytes is over the limit of %d", budget, MaxAttachBytes)
	}
	k, err := hallclient.LoadKeys(st.Dir())
	if err != nil {
		return ExportResult{}, err
	}
	if !k.Enrolled() {
		return ExportResult{}, hallclient.ErrNotEnrolled
	}
	cursor, err := st.Cursor(ctx)
	if err != nil {
		return ExportResult{}, fmt.Errorf("export bundle: %w", err)
	}
	head, err := auditHead(ctx, st)
	if err != nil {
		return ExportResult{}, err
	}
	total, err := st.PendingCount(ctx)
	if err != nil {
		return ExportResult{}, fmt.Errorf("export bundle: %w", err)
	}
	evs, err := st.PendingEvents(ctx, max(total, 1))
	if err != nil {
		return ExportResult{}, fmt.Errorf("export bundle: %w", err)
	}
	p := &Payload{V: Version, ID: st.NewID(), Kind: KindExport, Station: k.Station, Created: st.Now().UTC()}
	newReq := func() *protocol.SyncRequest {
		return &protocol.SyncRequest{V: protocol.Version, Station: k.Station, Cursor: cursor, Audit: head, MaxBytes: protocol.DefaultMaxBytes}
	}
	req, reqSize, all := newReq(), 0, 0
	res := ExportResult{ID: p.ID, File: file, Cursor: cursor, AttachBudget: budget, AttachmentsLeft: []BlobLeft{}}
	for _, e := range evs {
		b, err := json.Marshal(e)
		if err != nil {
			return res, fmt.Errorf("export bundle: %w", err)
		}
		if all+len(b) > exportBytes {
			break
		}
		if len(req.Events) > 0 && (len(req.Events) >= protocol.MaxBatchEvents || reqSize+len(b) > requestBytes) {
			p.Requests = append(p.Requests, req)
			req, reqSize = newReq(), 0
		}
		req.Events = append(req.Events, e)
		reqSize, all = reqSize+len(b), all+len(b)
		res.Events++
	}
	// Always at least one request: an export with nothing to push still
	// asks the hall for the next pages.
	p.Requests = append(p.Requests, req)
	res.Requests, res.Left = len(p.Requests), total-res.Events
	p.Pending = res.Left
	carried, err := packBlobs(ctx, st, p, budget, &res)
	if err != nil {
		return res, err
	}
	var buf bytes.Buffer
	if err := Seal(&buf, p, k.Station, HallName, k.HallAgeKey, k.SignKey); err != nil {
		return res, err
	}
	if err := atomicfile.Write(file, buf.Bytes(), 0o600); err != nil {
		return res, fmt.Errorf("export bundle: %w", err)
	}
	res.Bytes = int64(buf.Len())
	return res, st.SetMetas(ctx, map[string]string{"bundle_last_export": p.ID + " " + p.Created.Format(time.RFC3339),
		metaCarried: carried})
}

// packBlobs puts the attachments still waiting for the hall into p, within
// budget bytes: first those never carried, then those carried longest ago
// (a later export made before the reply came back carries what the earlier
// one left out), each in the order it was recorded. An attachment whose
// file no longer matches its SHA-256 is never sent.
// It returns the new value of metaCarried.
func packBlobs(ctx context.Context, st *app.Station, p *Payload, budget int64, res *ExportResult) (string, error) {
	n, err := st.PendingBlobCount(ctx)
	if err != nil || n == 0 {
		return "{}", err
	}
	pending, err := st.PendingBlobs(ctx, n)
	if err != nil {
		return "", fmt.Errorf("export bundle: %w", err)
	}
	last := map[string]string{}
	if v, err := st.Meta(ctx, metaCarried); err != nil {
		return "", fmt.Errorf("export bundle: %w", err)
	} else if v != "" {
		json.Unmarshal([]byte(v), &last) // a damaged record only changes the order
	}
	sort.SliceStable(pending, func(a, b int) bool { return last[pending[a].SHA256] < last[pending[b].SHA256] })
	next := map[string]string{}
	stamp := p.Created.Format(time.RFC3339Nano)
	var used int64
	for _, b := range pending {
		next[b.SHA256] = last[b.SHA256]
		left := BlobLeft{SHA256: b.SHA256, Size: b.Size}
		switch {
		case b.Size > budget:
			left.Reason = LeftTooLarge
		case used+b.Size > budget:
			left.Reason = LeftBudget
		}
		if left.Reason == "" {
			if data := readBlob(st, b.SHA256); data == nil {
				left.Reason = LeftDamaged
			} else {
				p.Blobs = append(p.Blobs, BlobFile{SHA256: b.SHA256, Size: int64(len(data)), Data: data})
				used += int64(len(data))
				next[b.SHA256] = stamp
				continue
			}
		}
		res.AttachmentsLeft = append(res.AttachmentsLeft, left)
	}
	res.Attachments, res.AttachmentBytes = len(p.Blobs), used
	p.BlobsLeft = len(res.AttachmentsLeft)
	out, err := json.Marshal(next)
	return string(out), err
}

// readBlob reads an attachment's plaintext, or nil when the file is gone,
// cannot be decrypted or no longer hashes to its name: a damaged file must
// not reach the hall as the scan, nor stop the rest of the export.
func readBlob(st *app.Station, sha string) []byte {
	f, err := st.OpenBlob(sha)
	if err != nil {
		return nil
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f.Reader(), app.MaxBlobBytes+1))
	if err != nil {
		return nil
	}
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != sha {
		return nil
	}
	return data
}

func auditHead(ctx context.Context, st *app.Station) (*protocol.AuditHead, error) {
	seq, hash, err := st.AuditHead(ctx)
	if err != nil {
		return nil, fmt.Errorf("export bundle: audit head: %w", err)
	}
	head := &protocol.AuditHead{Seq: seq, Hash: hash}
	if v, _ := st.Meta(ctx, "sync_audit_seq"); v != "" {
		fmt.Sscan(v, &head.CheckSeq)
		if head.CheckSeq > 0 {
			if head.CheckHash, err = st.AuditHashAt(ctx, head.CheckSeq); err != nil {
				return nil, fmt.Errorf("export bundle: %w", err)
			}
		}
	}
	return head, nil
}

// ImportResult says what importing a reply did.
type ImportResult struct {
	ID        string            `json:"id"`
	Already   bool              `json:"already_imported,omitempty"` // imported before: nothing changed
	Acks      protocol.AckTally `json:"acks"`
	Pulled    int               `json:"pulled"`
	Published int               `json:"published"`
	Cursor    int64             `json:"cursor"`
	Resync    bool              `json:"resync,omitempty"`
	// Attachments counts the attachments the hall confirmed it holds
	// (they no longer wait); AttachmentsRefused are those it did not keep,
	// which stay waiting.
	Attachments        int       `json:"attachments"`
	AttachmentsRefused []BlobAck `json:"attachments_refused,omitempty"`
	// Stale counts events in pages the station had already applied (an
	// older reply, or one whose news came by an online sync since).
	Stale int `json:"stale"`
	// NothingNew says the reply changed nothing at the station: no
	// acknowledgement, no page, no attachment it did not have already.
	NothingNew bool `json:"nothing_new"`
}

// ImportReply applies a reply bundle from the hall: acknowledgements, then
// the pull pages in order, each page with its cursor in one transaction
// (through the same code as online sync). A reply imported before is
// recognised by its id and changes nothing; were the record lost, applying
// it again would still change nothing, as acks and pulled events are
// idempotent and the cursor only moves forward.
func ImportReply(ctx context.Context, st *app.Station, file string) (ImportResult, error) {
	k, err := hallclient.LoadKeys(st.Dir())
	if err != nil {
		return ImportResult{}, err
	}
	if !k.Enrolled() {
		return ImportResult{}, hallclient.ErrNotEnrolled
	}
	f, err := os.Open(file)
	if err != nil {
		return ImportResult{}, fmt.Errorf("import reply: %w", err)
	}
	defer f.Close()
	b, err := Open(f, Opener{Me: k.Station, Identity: k.AgeKey, Kind: KindReply, Signer: func(from string) (ed25519.PublicKey, error) {
		if from != HallName {
			return nil, fmt.Errorf("replies come from the hall, not %q", from)
		}
		return k.HallSignKey, nil
	}})
	if err != nil {
		return ImportResult{}, err
	}
	res := ImportResult{ID: b.Header.ID}
	seenKey := "bundle_seen:" + b.Header.ID
	if v, err := st.Meta(ctx, seenKey); err != nil {
		return res, fmt.Errorf("import reply: %w", err)
	} else if v != "" {
		res.Already = true
		res.Cursor, err = st.Cursor(ctx)
		return res, err
	}
	before, err := progress(ctx, st)
	if err != nil {
		return res, err
	}
	if err := applyReplies(ctx, st, b.Payload.Replies, &res); err != nil {
		return res, err
	}
	if err := applyBlobAcks(ctx, st, b.Payload.BlobAcks, &res); err != nil {
		return res, err
	}
	after, err := progress(ctx, st)
	if err != nil {
		return res, err
	}
	res.Cursor, res.NothingNew = after[0], after == before && res.Pulled+res.Published == 0 && !res.Resync
	return res, st.SetMetas(ctx, map[string]string{seenKey: st.Now().UTC().Format(time.RFC3339)})
}

func applyReplies(ctx context.Context, st *app.Station, replies []Reply, res *ImportResult) error {
	for _, r := range replies {
		resp := r.Response
		if resp == nil {
			return Malformed("reply without a response", nil)
		}
		t, err := hallclient.ApplyAcks(ctx, st, resp.Acks)
		if err != nil {
			return err
		}
		res.Acks.Accepted += t.Accepted
		res.Acks.Conflicts += t.Conflicts
		res.Acks.Rejected += t.Rejected
		res.Acks.Duplicates += t.Duplicates
		if resp.AuditSeq > 0 {
			if err := st.SetMetas(ctx, map[string]string{"sync_audit_seq": fmt.Sprint(resp.AuditSeq)}); err != nil {
				return err
			}
		}
		if resp.Resync {
			// The hall did not know our cursor. Once nothing is pending,
			// start over from 0: the next export (or online sync) pulls
			// the whole scope. Local work is never thrown away.
			res.Resync = true
			n, err := st.PendingCount(ctx)
			if err != nil {
				return fmt.Errorf("import reply: %w", err)
			}
			if cur, _ := st.Cursor(ctx); n == 0 && cur > 0 && r.Base == cur {
				if err := st.ApplyPulled(ctx, app.Pulled{Cursor: 0}); err != nil {
					return fmt.Errorf("import reply: reset cursor: %w", err)
				}
			}
			continue
		}
		cur, err := st.Cursor(ctx)
		if err != nil {
			return fmt.Errorf("import reply: %w", err)
		}
		pulled, published, err := hallclient.ApplyPage(ctx, st, r.Base, resp)
		if err != nil {
			return err
		}
		if resp.Cursor <= cur {
			// A page the station applied before: its events are already
			// here, applying them again changed nothing.
			res.Stale += pulled + published
			continue
		}
		res.Pulled += pulled
		res.Published += published
	}
	return nil
}

// progress is what a reply can move at a station: the cursor, the events
// and the attachments waiting for the hall.
func progress(ctx context.Context, st *app.Station) ([3]int64, error) {
	cur, err := st.Cursor(ctx)
	if err != nil {
		return [3]int64{}, fmt.Errorf("import reply: %w", err)
	}
	ev, err := st.PendingCount(ctx)
	if err != nil {
		return [3]int64{}, fmt.Errorf("import reply: %w", err)
	}
	bl, err := st.PendingBlobCount(ctx)
	if err != nil {
		return [3]int64{}, fmt.Errorf("import reply: %w", err)
	}
	return [3]int64{cur, int64(ev), int64(bl)}, nil
}

// applyBlobAcks marks the attachments the hall confirmed as delivered.
func applyBlobAcks(ctx context.Context, st *app.Station, acks []BlobAck, res *ImportResult) error {
	for _, a := range acks {
		if !app.ValidBlobHash(a.SHA256) {
			return Malformed("attachment answer with a bad hash", nil)
		}
		switch a.Status {
		case BlobStored, BlobPresent:
			if _, err := st.BlobInfo(ctx, a.SHA256); domain.ErrorCode(err) == domain.ENotFound {
				continue // not ours (a station rebuilt since the export): nothing to mark
			} else if err != nil {
				return fmt.Errorf("import reply: %w", err)
			}
			if err := st.MarkBlobUploaded(ctx, a.SHA256); err != nil {
				return fmt.Errorf("import reply: %w", err)
			}
			res.Attachments++
		case BlobRefused:
			res.AttachmentsRefused = append(res.AttachmentsRefused, a)
		default:
			return Malformed(fmt.Sprintf("attachment answer with status %q", a.Status), nil)
		}
	}
	return nil
}

// Relay copies a sealed bundle as it is, for a station that carries another
// station's bundle on towards the hall (or a reply back). It checks only
// that the file is whole (Inspect); it cannot read the content, which is
// encrypted to the final recipient, nor change it unnoticed, since the
// sender's signature covers every byte.
func Relay(src, dst string) (Header, error) {
	data, err := os.ReadFile(src)
	if err != nil {
		return Header{}, fmt.Errorf("relay bundle: %w", err)
	}
	h, err := Inspect(bytes.NewReader(data))
	if err != nil {
		return h, err
	}
	if err := atomicfile.Write(dst, data, 0o600); err != nil {
		return h, fmt.Errorf("relay bundle: %w", err)
	}
	return h, nil
}
