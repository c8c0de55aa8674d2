package hall

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

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
func (s *Service) Sync(ctx context.Context, st *StationRecord, req protocol.SyncRequest) (protocol.SyncResponse, error) {
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
			resp.Acks, warn, resp.Office, err = s.pushTx(tx, st.Code, &req, now)
			return err
		})
		if err != nil {
			return protocol.SyncResponse{}, fmt.Errorf("sync %s: push: %w", st.Code, err)
		}
		for _, w := range warn {
			s.Logger.Warn("station audit chain changed: possible tampering", "station", st.Code, "detail", w)
		}
	}
	if resp.Office == nil && req.Cursor == 0 {
		// A station pulling from the start (new PC, resync) learns how the
		// hall registers it.
		resp.Office = officeOf(st)
	}
	err := s.store.View(ctx, func(tx Tx) error { return s.page(tx, st.Code, &req, &resp) })
	if err != nil {
		return protocol.SyncResponse{}, fmt.Errorf("sync %s: pull: %w", st.Code, err)
	}
	return resp, nil
}

func officeOf(st *StationRecord) *protocol.Office {
	return &protocol.Office{Kind: string(stationKind(st)), Region: st.Region, Name: st.Name}
}

// needsWrite reports whether a request changes anything the hall stores.
func (s *Service) needsWrite(st *StationRecord, req *protocol.SyncRequest, now time.Time) bool {
	a := req.Audit
	return len(req.Events) > 0 || len(req.Quarantined) > 0 || st.OfficeSends > 0 || req.Cursor != st.Cursor ||
		now.Sub(st.LastSeen) >= s.SeenEvery || (req.AppVersion != "" && req.AppVersion != st.AppVersion) ||
		(a == nil) != (st.AuditSeq == 0) ||
		(a != nil && (a.Seq != st.AuditSeq || a.Hash != st.AuditHash || a.CheckSeq != st.AuditSeq || a.CheckHash != st.AuditHash))
}

// pushTx runs inside the request's one write transaction: every event, its
// deliveries, and the station's registry row commit together. It returns
// the acks, audit warnings, and the station's registry row when the answer
// is to carry it.
func (s *Service) pushTx(tx Tx, code string, req *protocol.SyncRequest, now time.Time) ([]protocol.Ack, []string, *protocol.Office, error) {
	st, err := tx.Station(code)
	if err != nil {
		return nil, nil, nil, err
	}
	if p, ok := tx.(Prefetcher); ok && len(req.Events) > 0 {
		var evs, cases []string
		seen := map[string]bool{}
		for _, e := range req.Events {
			if e == nil || !protocol.IsUUID(e.ID) {
				continue
			}
			evs = append(evs, e.ID)
			if !seen[e.CaseID] {
				seen[e.CaseID] = true
				cases = append(cases, e.CaseID)
			}
		}
		if err := p.Prefetch(evs, cases); err != nil {
			return nil, nil, nil, err
		}
	}
	b := newBatch(tx, now)
	b.stations[code] = st
	var acks []protocol.Ack
	for _, e := range req.Events {
		ack, err := s.process(b, code, e)
		if err != nil {
			return nil, nil, nil, err
		}
		acks = append(acks, ack)
	}
	if err := b.flush(); err != nil {
		return nil, nil, nil, err
	}
	if err := putQuarantine(tx, code, req.Quarantined, now); err != nil {
		return nil, nil, nil, err
	}
	warn := checkAudit(st, req.Audit, now)
	st.LastSeen = now
	if req.AppVersion != "" {
		st.AppVersion = req.AppVersion
	}
	if req.Cursor <= st.LastDSeq {
		st.Cursor = req.Cursor
	}
	var office *protocol.Office
	if st.OfficeSends > 0 {
		office = officeOf(st)
		st.OfficeSends--
	}
	return acks, warn, office, tx.UpdateStation(st)
}

// putQuarantine records a station's reports of events it set aside, at
// most MaxQuarantineReports a request, each field cut to its bound: the
// reports are the station's word, kept for a person to look into.
func putQuarantine(tx Tx, code string, reports []protocol.QuarantineReport, now time.Time) error {
	for i, r := range reports {
		if i == protocol.MaxQuarantineReports {
			break
		}
		if !protocol.IsUUID(r.EventID) {
			continue
		}
		q := &Quarantine{Station: code, EventID: r.EventID, CaseID: cut(r.CaseID, domain.MaxCodeLen), LogSeq: max(r.Seq, 0),
			Code: cut(r.Code, domain.MaxCodeLen), Reason: cut(r.Reason, domain.MaxLineLen), Reported: now}
		if err := tx.PutQuarantine(q); err != nil {
			return err
		}
	}
	return nil
}

// cut shortens s to at most n bytes, on a character boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// auditMaxMisses is how many requests in a row may prove nothing new —
// stale ones, sent before the station learned the head the hall recorded
// since, or sent after answers were lost — before the hall flags the
// station. It is far above what a lossy link makes: each request whose
// answer arrives ends the run.
const auditMaxMisses = 16

// checkAudit compares the station's audit head with what the hall recorded
// and records the new head. A mismatch flags the station as tampered and
// returns a warning; the sync goes on, because refusing it would lose the
// very records an investigation needs.
//
// The hall keeps the last head the station proved its chain extends
// (AuditVerifiedSeq/Hash) and the heads it recorded since (AuditNamed; the
// newest is AuditSeq/Hash, which every answer names in
// SyncResponse.AuditSeq). The station's next request sends back, as
// CheckSeq/CheckHash, its own hash of the row the last answer it got named:
//
//   - a check of a recorded head with the recorded hash proves it: it
//     becomes the verified head, and the request's head is recorded;
//   - a check of the verified head means the answers since were lost: the
//     request's head is recorded, nothing is proven (a miss, below, when the
//     chain grew past the recorded head);
//   - a check whose hash differs from the recorded one, or a head older
//     than the row it proves, is a rewritten history: flagged;
//   - no check at all with a head newer than the hall recorded, from a
//     station that proved a head before, is a station that lost (or
//     deleted) its marker: flagged, for the hall can no longer see that
//     the chain extends the verified head (an honest station checks every
//     request it makes after it first proved one);
//   - a check of an older row is a stale request (delivered late by the
//     network, a USB bundle exported before the last online sync) and a
//     request without a head proves nothing: they move nothing and raise
//     no flag, but a station that sends nothing else auditMaxMisses times
//     in a row is flagged;
//   - a check of a row the hall never recorded is flagged.
func checkAudit(st *StationRecord, a *protocol.AuditHead, now time.Time) []string {
	var warn []string
	flag := func(format string, args ...any) { warn = append(warn, fmt.Sprintf(format, args...)) }
	miss := func() {
		st.AuditMisses++
		if st.AuditMisses >= auditMaxMisses {
			flag("%d requests in a row prove nothing after row %d", st.AuditMisses, st.AuditVerifiedSeq)
			st.AuditMisses = 0
		}
	}
	// record makes the request's head the newest recorded one, unless it
	// is older (a stale request) or the newest already.
	record := func() {
		switch {
		case a.Seq > st.AuditSeq:
			st.AuditNamed = append(st.AuditNamed, AuditMark{Seq: a.Seq, Hash: a.Hash})
			if n := len(st.AuditNamed); n > auditMaxMisses {
				st.AuditNamed = st.AuditNamed[n-auditMaxMisses:]
			}
			st.AuditSeq, st.AuditHash = a.Seq, a.Hash
		case a.Seq == st.AuditSeq && a.Hash != st.AuditHash:
			flag("hash of audit row %d changed", a.Seq)
		}
	}
	named := -1
	if a != nil {
		for i, m := range st.AuditNamed {
			if m.Seq == a.CheckSeq {
				named = i
			}
		}
	}
	switch {
	case st.AuditSeq == 0:
		// Nothing recorded: the first sync, or a new PC after reenrol.
		st.AuditVerifiedSeq, st.AuditVerifiedHash, st.AuditNamed, st.AuditProven, st.AuditMisses = 0, "", nil, false, 0
		if a != nil && a.Seq > 0 {
			record()
		}
	case a == nil:
		if st.AuditProven {
			miss()
		}
	case a.CheckSeq != 0 && named >= 0:
		m := st.AuditNamed[named]
		if a.Seq < m.Seq {
			flag("audit head went back from seq %d to %d", st.AuditSeq, a.Seq)
		}
		if a.CheckHash != m.Hash {
			flag("hash of audit row %d changed", a.CheckSeq)
		}
		st.AuditVerifiedSeq, st.AuditVerifiedHash = m.Seq, m.Hash
		st.AuditNamed = append([]AuditMark(nil), st.AuditNamed[named+1:]...)
		st.AuditProven, st.AuditMisses = true, 0
		record()
	case a.CheckSeq != 0 && a.CheckSeq == st.AuditVerifiedSeq:
		if a.CheckHash != st.AuditVerifiedHash {
			flag("hash of audit row %d changed", a.CheckSeq)
		}
		if a.Seq > st.AuditSeq {
			miss() // the chain grew past a head it has not proved
		}
		record()
	case a.CheckSeq == 0 && a.Seq <= st.AuditSeq:
		// No newer than what the hall recorded: a request made before the
		// station learned any head (a bundle exported early and imported
		// late). Every request made after the station proved a head
		// carries a check, and its head is at least the proved one's.
		if a.Seq < st.AuditSeq || a.Hash != st.AuditHash {
			miss()
		}
	case a.CheckSeq == 0 && st.AuditProven:
		flag("no proof that the audit chain extends row %d, which the station proved before (its marker is gone)", st.AuditVerifiedSeq)
		record()
	case a.CheckSeq == 0:
		record() // never proven yet: the answers naming the head were lost
	case a.CheckSeq < st.AuditVerifiedSeq:
		miss()
	default:
		flag("check of audit row %d, which the hall never recorded (it recorded %d)", a.CheckSeq, st.AuditSeq)
		record()
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
