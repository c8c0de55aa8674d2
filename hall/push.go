package hall

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"yizhan/domain"
	"yizhan/sync/protocol"
)

// batch is the work of one store transaction that appends events: it caches
// folded cases and scopes, and collects deliveries so that they are
// enqueued once, station by station in code order, at the end. Folded cases
// are written once each at the end too, however many of their events the
// batch appended (a push of a whole case writes its state once, not once
// per event).
type batch struct {
	tx       Tx
	now      time.Time
	cases    map[string]*domain.Case
	scopes   map[string][]string
	out      map[string][]Ref
	dirty    map[string]int64 // case id -> log seq of the last accepted event
	order    []string         // dirty cases in the order first changed
	stations map[string]*StationRecord
	numbers  map[string]string // case numbers opened in this batch -> case id
}

func newBatch(tx Tx, now time.Time) *batch {
	return &batch{tx: tx, now: now, cases: map[string]*domain.Case{}, scopes: map[string][]string{}, out: map[string][]Ref{},
		dirty: map[string]int64{}, stations: map[string]*StationRecord{}, numbers: map[string]string{}}
}

// station returns a registry row, read once per batch; nil if unknown.
func (b *batch) station(code string) (*StationRecord, error) {
	if st, ok := b.stations[code]; ok {
		return st, nil
	}
	st, err := b.tx.Station(code)
	if domain.ErrorCode(err) == domain.ENotFound {
		st, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	b.stations[code] = st
	return st, nil
}

// putCase records a case's new folded state, written by flush.
func (b *batch) putCase(c *domain.Case, seq int64) {
	if _, ok := b.dirty[c.ID]; !ok {
		b.order = append(b.order, c.ID)
	}
	b.dirty[c.ID] = seq
	b.cases[c.ID] = c
}

// caseState returns the hall's folded case, or nil if the hall has none.
func (b *batch) caseState(id string) (*domain.Case, error) {
	if c, ok := b.cases[id]; ok {
		return c, nil
	}
	c, err := b.tx.Case(id)
	if err != nil {
		return nil, err
	}
	b.cases[id] = c
	return c, nil
}

func (b *batch) scope(caseID string) ([]string, error) {
	if sc, ok := b.scopes[caseID]; ok {
		return sc, nil
	}
	sc, err := b.tx.CaseScope(caseID)
	if err != nil {
		return nil, err
	}
	b.scopes[caseID] = sc
	return sc, nil
}

func (b *batch) deliver(station string, refs ...Ref) {
	b.out[station] = append(b.out[station], refs...)
}

// flush writes the changed cases, then enqueues the collected deliveries in
// station code order, the lock order that keeps concurrent transactions
// free of deadlocks.
func (b *batch) flush() error {
	for _, id := range b.order {
		if err := b.tx.PutCase(b.cases[id], b.dirty[id]); err != nil {
			return err
		}
	}
	b.order, b.dirty = nil, map[string]int64{}
	codes := make([]string, 0, len(b.out))
	for c := range b.out {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		if err := b.tx.Enqueue(c, b.out[c]); err != nil {
			return err
		}
	}
	b.out = map[string][]Ref{}
	return nil
}

// process decides one event sent by office and returns its ack. The error
// is for store failures only: a refused event is an ack, never an error, so
// one bad event cannot block the rest of a station's queue.
func (s *Service) process(b *batch, office string, e *domain.Event) (protocol.Ack, error) {
	if e == nil {
		return rejectedAck("", protocol.ValidateEvent(nil)), nil
	}
	if protocol.IsUUID(e.ID) {
		if ack, done, err := s.duplicate(b, office, e.ID); done || err != nil {
			return ack, err
		}
	} else {
		// Without a valid ID there is nothing to deduplicate on: answer,
		// record nothing.
		return rejectedAck(e.ID, protocol.ValidateEvent(e)), nil
	}
	if err := protocol.ValidateEvent(e); err != nil {
		return s.reject(b, office, e, err)
	}
	if err := domain.CheckEvent(e); err != nil {
		return s.reject(b, office, e, err)
	}
	c, err := b.caseState(e.CaseID)
	if err != nil {
		return protocol.Ack{}, err
	}
	f, sender, err := s.facts(b, office, c, e)
	if err != nil {
		return protocol.Ack{}, err
	}
	if err := domain.Authorize(c, e, f); err != nil {
		return s.reject(b, office, e, err)
	}
	if err := s.checkScope(b, c, e, office); err != nil {
		return s.reject(b, office, e, err)
	}
	if err := s.checkRoute(b, e); err != nil {
		return s.reject(b, office, e, err)
	}
	if err := domain.CheckMaterial(c, e, f.Item); err != nil {
		return s.reject(b, office, e, err)
	}
	number, err := s.checkNumber(b, c, e)
	if err != nil {
		if domain.ErrorCode(err) == domain.EInternal {
			return protocol.Ack{}, err
		}
		return s.reject(b, office, e, err)
	}
	next := &domain.Case{}
	if c != nil {
		cp := *c
		next = &cp
	}
	le := &LogEntry{Status: StatusAccepted, Station: office, Event: e, Received: b.now}
	if err := next.Apply(e); err != nil {
		if domain.ErrorCode(err) != domain.EConflict {
			// Malformed for this case (a missing reason, an unknown
			// material): the sender's bug, not a concurrent change.
			return s.reject(b, office, e, err)
		}
		le.Status = StatusConflict
		le.Code, le.Reason, le.Zh = errParts(err)
	}
	if le.Status == StatusAccepted && sender != nil {
		s.flagClock(next, e, sender, b.now)
	}
	if _, err := b.tx.AppendLog(le); err != nil {
		return protocol.Ack{}, err
	}
	if number != "" && le.Status == StatusAccepted {
		b.numbers[number] = e.CaseID
	}
	if office != domain.HallOffice {
		s.hlc.Observe(e.HLC)
	}
	if err := s.fanOut(b, le, next); err != nil {
		return protocol.Ack{}, err
	}
	return ackOf(le, false), nil
}

// duplicate answers an event ID the hall has seen: the first answer again,
// flagged. An ID first used by another office is refused without a record,
// so one station cannot learn or overwrite the fate of another's event.
func (s *Service) duplicate(b *batch, office, id string) (protocol.Ack, bool, error) {
	le, err := b.tx.LogByEventID(id)
	if err != nil {
		return protocol.Ack{}, true, err
	}
	if le != nil {
		if le.Station != office {
			return reusedID(id), true, nil
		}
		return ackOf(le, true), true, nil
	}
	rj, err := b.tx.Rejection(id)
	if err != nil {
		return protocol.Ack{}, true, err
	}
	if rj != nil {
		if rj.Station != office {
			return reusedID(id), true, nil
		}
		return protocol.Ack{ID: id, Status: protocol.AckRejected, Duplicate: true, Code: rj.Code, Reason: rj.Reason, Zh: rj.Zh}, true, nil
	}
	return protocol.Ack{}, false, nil
}

func reusedID(id string) protocol.Ack {
	return protocol.Ack{ID: id, Status: protocol.AckRejected, Code: domain.EConflict,
		Reason: "event id already used by another office", Zh: "事件编号与其他单位的事件重复，已拒绝。"}
}

// reject records a refusal so a repeated push gets the same answer.
func (s *Service) reject(b *batch, office string, e *domain.Event, why error) (protocol.Ack, error) {
	ack := rejectedAck(e.ID, why)
	if office == domain.HallOffice {
		return ack, nil // hall commands roll back instead
	}
	err := b.tx.PutRejection(&Rejection{EventID: e.ID, CaseID: e.CaseID, Station: office, Code: ack.Code,
		Reason: ack.Reason, Zh: ack.Zh, Received: b.now})
	return ack, err
}

// checkScope refuses an event on a case outside the sender's scope.
// domain.Authorize waves through a transition whose From is no legal step
// at all (Apply refuses it as a conflict), whoever sends it; without this
// check any station could append conflicts to any case and read the case's
// state from the conflict reason.
//
// An open for a case ID another station already uses is refused the same
// way rather than logged as a conflict: a conflict entry is delivered to the
// case's scope, and the open carries the sender's applicant in clear.
func (s *Service) checkScope(b *batch, c *domain.Case, e *domain.Event, office string) error {
	if c == nil || office == domain.HallOffice {
		return nil
	}
	sc, err := b.scope(e.CaseID)
	if err != nil {
		return err
	}
	if contains(sc, office) {
		return nil
	}
	if e.Kind == domain.EvOpen {
		return domain.Errorf(domain.EConflict, "办件编号已被其他站点使用，请重新收件。", "case id %s is taken by another office", e.CaseID)
	}
	return domain.Errorf(domain.EForbidden, "该办件不属于本站。", "office %s is outside the scope of case %s", office, e.CaseID)
}

// facts gathers what the hall knows that decides e: the sender's kind and
// region from the registry (the hall's own commands: the hall), the case's
// item as published — for an open, the item the open names — and, for a
// route, the receiver's registry row. It returns the sender's row too (nil
// for the hall). The error is for store failures only.
func (s *Service) facts(b *batch, office string, c *domain.Case, e *domain.Event) (domain.Facts, *StationRecord, error) {
	f := domain.Facts{Office: office, Kind: domain.OfficeHall}
	var sender *StationRecord
	if office != domain.HallOffice {
		st, err := b.station(office)
		if err != nil {
			return f, nil, err
		}
		if st == nil {
			return f, nil, fmt.Errorf("push: station %s not in the registry", office)
		}
		sender = st
		f.Kind, f.Region = stationKind(st), st.Region
	}
	code, version := "", 0
	switch {
	case e.Kind == domain.EvOpen:
		if p, err := domain.DecodePayload[domain.OpenPayload](e); err == nil {
			code, version = p.ItemCode, p.ItemVersion
		}
	case c != nil:
		code, version = c.ItemCode, c.ItemVersion
	}
	if code != "" {
		it, err := s.publishedItem(b.tx, code, version)
		if err != nil {
			return f, nil, err
		}
		f.Item = it
	}
	if e.Kind == domain.EvRoute {
		if p, err := domain.DecodePayload[domain.RoutePayload](e); err == nil && p.To != "" && p.To != domain.HallOffice {
			st, err := b.station(p.To)
			if err != nil {
				return f, nil, err
			}
			if st != nil {
				f.To = &domain.OfficeFacts{Code: st.Code, Kind: stationKind(st), Region: st.Region}
			}
		}
	}
	return f, sender, nil
}

// stationKind is a registry row's kind, the default for a row without one.
func stationKind(st *StationRecord) domain.OfficeKind {
	if st.Kind == "" {
		return domain.DefaultStationKind
	}
	return st.Kind
}

// publishedItem returns an item version as the hall published it, or nil if
// it never did. Published versions never change but for their status
// (PublishCatalog refuses any other change), which decides nothing here, so
// a version once read is kept for the life of the process: a push does not
// lock or read the published row of a popular item again and again.
func (s *Service) publishedItem(tx Tx, code string, version int) (*domain.Item, error) {
	key := "item:" + code + "@" + strconv.Itoa(version)
	s.itemMu.Lock()
	it, ok := s.items[key]
	s.itemMu.Unlock()
	if ok {
		return it, nil
	}
	p, err := tx.LatestPublished(key)
	if err != nil || p == nil {
		return nil, err
	}
	it = &domain.Item{}
	if err := json.Unmarshal(p.Body, it); err != nil {
		return nil, fmt.Errorf("published %s: %w", key, err)
	}
	s.itemMu.Lock()
	s.items[key] = it
	s.itemMu.Unlock()
	return it, nil
}

// checkNumber refuses an open whose case number another case holds already,
// at the hall or earlier in this push, and returns the number of an open
// (or ""). The number's form and its station code are domain.CheckOpen's.
func (s *Service) checkNumber(b *batch, c *domain.Case, e *domain.Event) (string, error) {
	if e.Kind != domain.EvOpen || c != nil {
		return "", nil
	}
	p, err := domain.DecodePayload[domain.OpenPayload](e)
	if err != nil {
		return "", err
	}
	id, ok := b.numbers[p.Number]
	if !ok {
		var err error
		if id, err = b.tx.CaseByNumber(p.Number); err != nil {
			return "", err
		}
	}
	if id != "" && id != e.CaseID {
		return "", domain.Errorf(domain.EConflict, "办件编号 "+p.Number+" 已被另一个办件使用，不能重复收件。",
			"open %s: number %s is taken by case %s", e.CaseID, p.Number, id)
	}
	return p.Number, nil
}

// flagClock notes on the hall's copy of a case that the event it just took
// came with a wall clock that cannot be right (domain.ClockNote), with the
// hall's receipt as the time that counts for the milestone the event set.
// The event itself is kept as it came.
func (s *Service) flagClock(c *domain.Case, e *domain.Event, sender *StationRecord, now time.Time) {
	note := domain.ClockNote(e.At, now, sender.CreatedAt)
	if note == "" {
		return
	}
	f := domain.ClockFlag{Note: note}
	if c.Clock != nil {
		f = *c.Clock
		f.Note = note
	}
	at := now
	switch e.Kind {
	case domain.EvOpen:
		f.ReceivedAt = &at
	case domain.EvAccept:
		f.AcceptedAt = &at
	case domain.EvConclude, domain.EvCorrectionTimeout:
		f.ConcludedAt = &at
	case domain.EvDeliver:
		f.DeliveredAt = &at
	}
	c.Clock = &f
	s.Logger.Warn("station clock implausible", "station", sender.Code, "event", e.ID, "kind", string(e.Kind), "detail", note)
}

// checkRoute refuses a route to an office the hall does not know: the case
// would be held by nobody who can ever pull it.
func (s *Service) checkRoute(b *batch, e *domain.Event) error {
	if e.Kind != domain.EvRoute {
		return nil
	}
	var p domain.RoutePayload
	if err := json.Unmarshal(e.Payload, &p); err != nil || p.To == "" {
		return domain.Errorf(domain.EInvalid, "移交必须指定接收单位。", "route: destination required")
	}
	if p.To == domain.HallOffice {
		return nil
	}
	if _, err := b.tx.Station(p.To); err != nil {
		if domain.ErrorCode(err) == domain.ENotFound {
			return domain.Errorf(domain.EInvalid, "接收单位 "+p.To+" 不是已登记的站点。", "route: unknown station %q", p.To)
		}
		return err
	}
	return nil
}

// fanOut updates the hall's case state and scope after le was appended, and
// queues le for every station in the case's scope. A station that enters
// the scope (the origin on open; a new holder after a route or a
// conclusion) first gets the case's whole earlier history, so it can fold
// the case from the beginning.
func (s *Service) fanOut(b *batch, le *LogEntry, after *domain.Case) error {
	e := le.Event
	sc, err := b.scope(e.CaseID)
	if err != nil {
		return err
	}
	if le.Status == StatusAccepted {
		b.putCase(after, le.Seq)
		for _, office := range []string{after.Station, after.Holder} {
			if office == domain.HallOffice || office == "" || contains(sc, office) {
				continue
			}
			if _, err := b.tx.AddScope(e.CaseID, office, le.Seq); err != nil {
				return err
			}
			sc = append(sc, office)
			b.scopes[e.CaseID] = sc
			if err := s.backfill(b, office, e.CaseID, le.Seq); err != nil {
				return err
			}
		}
	}
	for _, st := range sc {
		b.deliver(st, Ref{LogSeq: le.Seq})
	}
	return nil
}

func (s *Service) backfill(b *batch, station, caseID string, before int64) error {
	earlier, err := b.tx.CaseLog(caseID, before)
	if err != nil {
		return err
	}
	for _, x := range earlier {
		b.deliver(station, Ref{LogSeq: x.Seq})
	}
	return nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func ackOf(le *LogEntry, dup bool) protocol.Ack {
	st := protocol.AckAccepted
	if le.Status == StatusConflict {
		st = protocol.AckConflict
	}
	return protocol.Ack{ID: le.Event.ID, Status: st, Seq: le.Seq, Duplicate: dup, Code: le.Code, Reason: le.Reason, Zh: le.Zh}
}

func rejectedAck(id string, err error) protocol.Ack {
	code, reason, zh := errParts(err)
	return protocol.Ack{ID: id, Status: protocol.AckRejected, Code: code, Reason: reason, Zh: zh}
}

// errParts splits a coded error into code, English reason and Chinese text.
// Uncoded errors never reach an ack: they abort the transaction instead.
func errParts(err error) (code, reason, zh string) {
	code = domain.ErrorCode(err)
	var de *domain.Error
	var pe *protocol.Error
	switch {
	case errors.As(err, &de):
		reason = de.Message
	case errors.As(err, &pe):
		reason = pe.Message
	default:
		reason = domain.ErrorMessage(err)
	}
	return code, reason, domain.ZhMessage(err)
}
