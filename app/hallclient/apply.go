package hallclient

import (
	"context"
	"fmt"

	"yizhan/app"
	"yizhan/sync/protocol"
)

// ApplyAcks records the hall's answers to a push at the station. Online sync
// and reply bundles both come through here, so a verdict means the same
// whichever way it travelled.
func ApplyAcks(ctx context.Context, st *app.Station, acks []protocol.Ack) (protocol.AckTally, error) {
	var t protocol.AckTally
	if len(acks) == 0 {
		return t, nil
	}
	out := make([]app.Ack, 0, len(acks))
	for _, a := range acks {
		if !t.Add(a) {
			return t, &Error{Code: CodeRefused, Message: fmt.Sprintf("hall sent unknown ack status %q", a.Status), Zh: "大厅返回的数据无法识别，请升级驿站软件。"}
		}
		zh := a.Zh
		if a.Status == protocol.AckRejected && zh == "" {
			zh = "大厅拒绝了该操作，未生效，请核对后处理。"
		}
		out = append(out, app.Ack{EventID: a.ID, Status: a.Status, HallSeq: a.Seq, Reason: a.Reason, Zh: zh})
	}
	if err := st.ApplyAcks(ctx, out); err != nil {
		return t, local("apply acks", err)
	}
	return t, nil
}

// ApplyPage applies one pull page that follows cursor base: its events and
// published items, and its cursor, in one transaction (one per catalog
// version when a page carries items of several; only the last moves the
// cursor, so a crash in between re-pulls rather than skips).
//
// The cursor only moves forward, and only when the station's cursor has
// reached base: a page that starts beyond it (a reply bundle that arrives
// after a resync, or out of order) has its events applied — that is always
// safe, they are idempotent — but the cursor stays, so nothing in between
// is skipped.
func ApplyPage(ctx context.Context, st *app.Station, base int64, resp *protocol.SyncResponse) (pulled, published int, err error) {
	cur, err := st.Cursor(ctx)
	if err != nil {
		return 0, 0, local("read cursor", err)
	}
	next := cur
	if cur >= base && resp.Cursor > cur {
		next = resp.Cursor
	}
	if len(resp.Events)+len(resp.Published) == 0 && next == cur {
		return 0, 0, nil // nothing new: no write, no fsync
	}
	first := app.Pulled{Cursor: cur}
	for _, le := range resp.Events {
		if le.Event == nil || (le.Status != protocol.AckAccepted && le.Status != protocol.AckConflict) {
			return 0, 0, &Error{Code: CodeRefused, Message: fmt.Sprintf("hall sent a malformed log entry at %d", le.Seq), Zh: "大厅返回的数据无法识别，请升级驿站软件或联系大厅。"}
		}
		first.Events = append(first.Events, app.PulledEvent{Event: le.Event, HallSeq: le.Seq, Status: le.Status, Reason: le.Reason, Zh: le.Zh})
	}
	chunks := []app.Pulled{first}
	for _, p := range resp.Published {
		ch := &chunks[len(chunks)-1]
		if p.Item != nil {
			if len(ch.Items) > 0 && ch.Catalog != p.Catalog {
				chunks = append(chunks, app.Pulled{Cursor: cur})
				ch = &chunks[len(chunks)-1]
			}
			ch.Items, ch.Catalog = append(ch.Items, p.Item), p.Catalog
		}
		if p.Calendar != nil {
			ch.Calendars = append(ch.Calendars, *p.Calendar)
		}
	}
	chunks[len(chunks)-1].Cursor = next
	for _, ch := range chunks {
		if err := st.ApplyPulled(ctx, ch); err != nil {
			return 0, 0, local("apply pulled page", err)
		}
	}
	return len(resp.Events), len(resp.Published), nil
}
