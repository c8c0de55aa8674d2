package hall

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"yizhan/domain"
	"yizhan/sync/protocol"
	"yizhan/workday"
)

// Sync answers one sync round trip of an authenticated station: first the
// push (all events in one store transaction), then the next page of the
// station's deliveries after req.Cursor.
//
// A sync that brings nothing costs the station row read by Authenticate and
// one read transaction of one indexed query; the station row is written
// only when something changed or LastSeen is older than SeenEvery.
func (s *Service) Sync(ctx context.Context, st *Station, req protocol.SyncRequest) (protocol.SyncResponse, error) {
	if err := protocol.CheckVersion(req.V); err != nil {
		return protocol.SyncResponse{}, err
	}
	if err := req.CheckLimits(); err != nil {
		return protocol.SyncResponse{}, err
	}
	if req.Station != st.Code {
		return protocol.SyncResponse{}, domain.Errorf(domain.EForbidden, "同步请求中的站点与登录站点不一致。",
			"request names station %q but the token is %q's", req.Station, st.Code)
	}
	if len(req.Events) > protocol.MaxBatchEvents {
		return protocol.SyncResponse{}, domain.Errorf(protocol.CodeTooLarge, "一次同步的事件过多。",
			"%d events in one request; at most %d", len(req.Events), protocol.MaxBatchEvents)
	}
	if req.Cursor < 0 {
		return protocol.SyncResponse{}, domain.Errorf(domain.EInvalid, "同步位置不正确。", "negative cursor")
	}
	now := s.Now()
	resp := protocol.SyncResponse{V: protocol.Version, HallTime: now.UnixMilli(), Upgrade: req.V < protocol.Version}
	if s.needsWrite(st, &req, now) {
		var warn []string
		err := s.store.Update(ctx, func(tx Tx) error {
			var err error
			resp.Acks, warn, err = s.pushTx(tx, st.Code, &req, now)
			return err
		})
		if err != nil {
			return protocol.SyncResponse{}, fmt.Errorf("sync %s: push: %w", st.Code, err)
		}
		for _, w := range warn {
			s.Logger.Warn("station audit chain changed: possible tampering", "station", st.Code, "detail", w)
		}
	}
	err := s.store.View(ctx, func(tx Tx) error { return s.page(tx, st.Code, &req, &resp) })
	if err != nil {
		return protocol.SyncResponse{}, fmt.Errorf("sync %s: pull: %w", st.Code, err)
	}
	return resp, nil
}

// needsWrite reports whether a request changes anything the hall stores.
func (s *Service) needsWrite(st *Station, req *protocol.SyncRequest, now time.Time) bool {
	a := req.Audit
	return len(req.Events) > 0 || req.Cursor != st.Cursor || now.Sub(st.LastSeen) >= s.SeenEvery ||
		(req.AppVersion != "" && req.AppVersion != st.AppVersion) ||
		(a != nil && (a.Seq != st.AuditSeq || a.Hash != st.AuditHash || (a.CheckSeq == st.AuditSeq && a.CheckHash != st.AuditHash)))
}

// pushTx runs inside the request's one write transaction: every event, its
// deliveries, and the station's registry row commit together.
func (s *Service) pushTx(tx Tx, code string, req *protocol.SyncRequest, now time.Time) ([]protocol.Ack, []string, error) {
	st, err := tx.Station(code)
	if err != nil {
		return nil, nil, err
	}
	if p, ok := tx.(Prefetcher); ok && len(req.Events) > 0 {
		var evs, cases []string
		seen := map[string]bool{}
		for _, e := range req.Events {
			if e == nil || !isUUID(e.ID) {
				continue
			}
			evs = append(evs, e.ID)
			if !seen[e.CaseID] {
				seen[e.CaseID] = true
				cases = append(cases, e.CaseID)
			}
		}
		if err := p.Prefetch(evs, cases); err != nil {
			return nil, nil, err
		}
	}
	b := newBatch(tx, now)
	var acks []protocol.Ack
	for _, e := range req.Events {
		ack, err := s.process(b, code, e)
		if err != nil {
			return nil, nil, err
		}
		acks = append(acks, ack)
	}
	if err := b.flush(); err != nil {
		return nil, nil, err
	}
	warn := checkAudit(st, req.Audit, now)
	st.LastSeen = now
	if req.AppVersion != "" {
		st.AppVersion = req.AppVersion
	}
	if req.Cursor <= st.LastDSeq {
		st.Cursor = req.Cursor
	}
	return acks, warn, tx.UpdateStation(st)
}

// checkAudit compares the station's audit head with what the hall recorded
// and records the new head. A mismatch flags the station as tampered and
// returns a warning; the sync goes on, because refusing it would lose the
// very records an investigation needs.
//
// The hall answers AuditSeq = the seq of the head it recorded; the station
// sends back, as CheckSeq/CheckHash, its own current hash of that row. If
// the row was rewritten, the hashes differ. A chain that got shorter is
// flagged too (a restore from backup also does that, and deserves a look).
//
// A request built before the hall recorded its current head (a request the
// network delivered late, or a USB bundle exported before the station last
// synced online) carries an older head and an older CheckSeq: it is stale,
// not a rewrite. It neither raises a flag nor moves the recorded head back,
// so a truncated chain is still caught by the station's next fresh request,
// whose CheckSeq names the recorded head.
func checkAudit(st *Station, a *protocol.AuditHead, now time.Time) []string {
	if a == nil {
		return nil
	}
	if st.AuditSeq > 0 && a.Seq < st.AuditSeq && a.CheckSeq < st.AuditSeq {
		return nil
	}
	var warn []string
	if st.AuditSeq > 0 {
		switch {
		case a.Seq < st.AuditSeq:
			warn = append(warn, fmt.Sprintf("audit head went back from seq %d to %d", st.AuditSeq, a.Seq))
		case a.CheckSeq == st.AuditSeq && a.CheckHash != st.AuditHash:
			warn = append(warn, fmt.Sprintf("hash of audit row %d changed", a.CheckSeq))
		case a.Seq == st.AuditSeq && a.Hash != st.AuditHash:
			warn = append(warn, fmt.Sprintf("hash of audit row %d changed", a.Seq))
		}
	}
	if len(warn) > 0 {
		if st.TamperedAt.IsZero() {
			st.TamperedAt = now
		}
		note := now.UTC().Format(time.RFC3339) + " " + warn[0]
		if st.TamperNote != "" {
			note = st.TamperNote + "; " + note
		}
		if len(note) > 2000 {
			note = note[len(note)-2000:]
		}
		st.TamperNote = note
	}
	st.AuditSeq, st.AuditHash = a.Seq, a.Hash
	return warn
}

// pageOverhead approximates the bytes of a response around its entries.
const pageOverhead = 256

// page fills resp with the next deliveries after req.Cursor. Cursor is the
// last dseq in the page, or req.Cursor if the page is empty. A page holds at
// least one entry, however large, so a cursor can always move.
func (s *Service) page(tx Tx, code string, req *protocol.SyncRequest, resp *protocol.SyncResponse) error {
	st, err := tx.Station(code)
	if err != nil {
		return err
	}
	resp.AuditSeq = st.AuditSeq
	resp.Cursor = req.Cursor
	if req.Cursor > st.LastDSeq {
		// The station has applied positions this hall never handed out:
		// the hall was restored from a backup, or this is another hall.
		resp.Resync, resp.Cursor = true, 0
		return nil
	}
	if req.Cursor == st.LastDSeq {
		return nil
	}
	budget := req.MaxBytes
	if budget <= 0 {
		budget = protocol.DefaultMaxBytes
	}
	budget = min(budget, protocol.MaxRequestBytes)
	rows, err := tx.Deliveries(code, req.Cursor, s.PageEntries+1)
	if err != nil {
		return err
	}
	used := pageOverhead + 64*len(resp.Acks)
	// The station holds the events it pushed in this very request, and the
	// acks already carry their positions and verdicts: their entries come
	// back as stubs (seq, status, and of the event only id, case_id and
	// kind) that move the cursor. A push of a whole case then costs its
	// bytes once on the wire, not twice.
	pushed := map[string]bool{}
	for _, a := range resp.Acks {
		if a.Status != protocol.AckRejected && a.Seq > 0 {
			pushed[a.ID] = true
		}
	}
	for i, d := range rows {
		if i == s.PageEntries {
			resp.More = true
			break
		}
		var ev *protocol.LogEvent
		var pub *protocol.Published
		var size int
		var err error
		if d.Log != nil && d.Log.Station == code && pushed[d.Log.Event.ID] {
			ev, size = stubOf(d.Log)
		} else if ev, pub, size, err = entryOf(d); err != nil {
			return err
		}
		if i > 0 && used+size > budget {
			resp.More = true
			break
		}
		used += size
		if ev != nil {
			resp.Events = append(resp.Events, *ev)
		} else {
			resp.Published = append(resp.Published, *pub)
		}
		resp.Cursor = d.DSeq
	}
	return nil
}

// stubOf is the entry of an event the station pushed in the same request:
// its position and verdict, and of the event only what names it.
func stubOf(le *LogEntry) (*protocol.LogEvent, int) {
	st := protocol.AckAccepted
	if le.Status == StatusConflict {
		st = protocol.AckConflict
	}
	e := le.Event
	ev := &protocol.LogEvent{Seq: le.Seq, Status: st, Reason: le.Reason, Zh: le.Zh,
		Event: &domain.Event{ID: e.ID, CaseID: e.CaseID, Kind: e.Kind}}
	return ev, 200 + len(le.Reason) + len(le.Zh)
}

// entryOf converts a delivery row and measures its JSON size.
func entryOf(d *Delivery) (*protocol.LogEvent, *protocol.Published, int, error) {
	if d.Log != nil {
		le := d.Log
		st := protocol.AckAccepted
		if le.Status == StatusConflict {
			st = protocol.AckConflict
		}
		ev := &protocol.LogEvent{Seq: le.Seq, Status: st, Reason: le.Reason, Zh: le.Zh, Event: le.Event, Raw: le.Raw}
		if len(le.Raw) == 0 {
			// Not read by Deliveries: measure the decoded event.
			b, err := json.Marshal(ev)
			return ev, nil, len(b) + 1, err
		}
		// The stored bytes are what goes on the wire (Raw): the event is
		// decoded for callers of Sync that read it, never encoded again.
		var e domain.Event
		if err := json.Unmarshal(le.Raw, &e); err != nil {
			return nil, nil, 0, fmt.Errorf("log %d: %w", le.Seq, err)
		}
		ev.Event = &e
		b, err := ev.AppendJSON(nil)
		return ev, nil, len(b) + 1, err
	}
	if d.Pub == nil {
		return nil, nil, 0, fmt.Errorf("delivery %d carries nothing", d.DSeq)
	}
	pub := &protocol.Published{}
	switch d.Pub.Kind {
	case PubItem:
		var it domain.Item
		if err := json.Unmarshal(d.Pub.Body, &it); err != nil {
			return nil, nil, 0, fmt.Errorf("published %s: %w", d.Pub.Key, err)
		}
		pub.Catalog, pub.Item = d.Pub.Catalog, &it
	case PubCalendar:
		var y workday.YearSpec
		if err := json.Unmarshal(d.Pub.Body, &y); err != nil {
			return nil, nil, 0, fmt.Errorf("published %s: %w", d.Pub.Key, err)
		}
		pub.Calendar = &y
	default:
		return nil, nil, 0, fmt.Errorf("published %s: unknown kind %q", d.Pub.Key, d.Pub.Kind)
	}
	return nil, pub, len(d.Pub.Body) + len(d.Pub.Catalog) + 32, nil
}
