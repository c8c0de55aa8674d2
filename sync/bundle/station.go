package bundle

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"yizhan/app"
	"yizhan/sync/client"
	"yizhan/sync/protocol"
)

// Budgets of one export: each request stays within what the hall accepts
// online, and the whole payload well within MaxPayloadBytes.
const (
	requestBytes = protocol.MaxRequestBytes / 2
	exportBytes  = 128 << 20
)

// ExportResult says what an export wrote.
type ExportResult struct {
	ID       string `json:"id"`
	File     string `json:"file"`
	Events   int    `json:"events"`
	Requests int    `json:"requests"`
	Cursor   int64  `json:"cursor"`
	Left     int    `json:"left"` // pending events that did not fit; export again later
	Bytes    int64  `json:"bytes"`
}

// ExportBundle writes to file everything the hall has not acknowledged: all
// pending events (split into requests the hall accepts), the audit head and
// the cursor, encrypted to the hall and signed by this station. Nothing is
// marked as sent: events stay pending until a reply (or an online sync)
// acknowledges them, so a lost USB stick loses nothing.
func ExportBundle(ctx context.Context, st *app.Station, file string) (ExportResult, error) {
	k, err := client.LoadKeys(st.Dir())
	if err != nil {
		return ExportResult{}, err
	}
	if !k.Enrolled() {
		return ExportResult{}, client.ErrNotEnrolled
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
	p := &Payload{V: 1, ID: st.NewID(), Kind: KindExport, Station: k.Station, Created: st.Now().UTC()}
	newReq := func() *protocol.SyncRequest {
		return &protocol.SyncRequest{V: protocol.Version, Station: k.Station, Cursor: cursor, Audit: head, MaxBytes: protocol.DefaultMaxBytes}
	}
	req, reqSize, all := newReq(), 0, 0
	res := ExportResult{ID: p.ID, File: file, Cursor: cursor}
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
	var buf bytes.Buffer
	if err := Seal(&buf, p, k.Station, HallName, k.HallAgeKey, k.SignKey); err != nil {
		return res, err
	}
	if err := client.WriteFileAtomic(file, buf.Bytes(), 0o600); err != nil {
		return res, fmt.Errorf("export bundle: %w", err)
	}
	res.Bytes = int64(buf.Len())
	return res, st.SetMetas(ctx, map[string]string{"bundle_last_export": p.ID + " " + p.Created.Format(time.RFC3339)})
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
	ID        string       `json:"id"`
	Already   bool         `json:"already_imported,omitempty"` // imported before: nothing changed
	Acks      client.Tally `json:"acks"`
	Pulled    int          `json:"pulled"`
	Published int          `json:"published"`
	Cursor    int64        `json:"cursor"`
	Resync    bool         `json:"resync,omitempty"`
}

// ImportReply applies a reply bundle from the hall: acknowledgements, then
// the pull pages in order, each page with its cursor in one transaction
// (through the same code as online sync). A reply imported before is
// recognised by its id and changes nothing; were the record lost, applying
// it again would still change nothing, as acks and pulled events are
// idempotent and the cursor only moves forward.
func ImportReply(ctx context.Context, st *app.Station, file string) (ImportResult, error) {
	k, err := client.LoadKeys(st.Dir())
	if err != nil {
		return ImportResult{}, err
	}
	if !k.Enrolled() {
		return ImportResult{}, client.ErrNotEnrolled
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
	if err := applyReplies(ctx, st, b.Payload.Replies, &res); err != nil {
		return res, err
	}
	if res.Cursor, err = st.Cursor(ctx); err != nil {
		return res, fmt.Errorf("import reply: %w", err)
	}
	return res, st.SetMetas(ctx, map[string]string{seenKey: st.Now().UTC().Format(time.RFC3339)})
}

func applyReplies(ctx context.Context, st *app.Station, replies []Reply, res *ImportResult) error {
	for _, r := range replies {
		resp := r.Response
		if resp == nil {
			return malformed("reply without a response", nil)
		}
		t, err := client.ApplyAcks(ctx, st, resp.Acks)
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
		pulled, published, err := client.ApplyPage(ctx, st, r.Base, resp)
		if err != nil {
			return err
		}
		res.Pulled += pulled
		res.Published += published
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
	if err := client.WriteFileAtomic(dst, data, 0o600); err != nil {
		return h, fmt.Errorf("relay bundle: %w", err)
	}
	return h, nil
}
