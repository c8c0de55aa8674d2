package protocol

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"yizhan/domain"
)

// MediaCols is the packed encoding of a sync answer. A station that can read
// it says so in its Accept header; the hall then sends the page's events
// column by column instead of as JSON objects, and everything else (acks,
// published items, cursor) as the same JSON as always. It carries exactly the
// same answer: decoding it gives what decoding the JSON would give.
//
// Why: a pull page is mostly events, and most of an event's JSON is names
// repeated on every event (keys, kind, actor, office, status) or numbers
// that follow from the one before (log positions, the time inside a UUIDv7,
// the hybrid clock stamp, the wall clock). gzip sees only byte repeats
// within 32 KiB; columns turn those into runs of small deltas, so the page
// compresses to less than half (docs/performance.md, docs/sync.md).
const MediaCols = "application/vnd.yizhan.sync-cols"

// colsMagic opens a packed answer: format and layout version.
var colsMagic = []byte("YZC1")

// The kinds of entry in a packed page.
const (
	colFull = 0 // an event in columns
	colStub = 1 // a stub: seq, status, and of the event id, case_id, kind
	colRaw  = 2 // anything else, as the JSON object the JSON encoding has
)

// The columns, in the order they are written.
const (
	cFlags   = iota // one byte per entry: colFull, colStub or colRaw
	cSeq            // svarint: seq − previous entry's seq
	cStrs           // uvarint dictionary refs: status, kind (+ from, actor, actor_name, office, hlc office)
	cIDTime         // svarint: the event id's 48-bit millisecond time − the previous one's
	cIDRest         // the event id's other 10 bytes
	cCaseRef        // uvarint: 0 = a case new to the page (its id in cCaseIDs), k = the k-th most recent one
	cCaseIDs        // per new case: svarint its 48-bit time − the event id's time, then its other 10 bytes
	cHLC            // svarint: stamp wall − id time; uvarint: logic
	cAt             // svarint: at in ms − stamp wall; uvarint: at's nanoseconds within the ms
	cPayload        // uvarint: len+1 (0: none), then the payload as the JSON encoding writes it
	cRaw            // uvarint: len, then the entry's JSON
	nCols
)

// EncodeCols encodes resp in the packed encoding.
func EncodeCols(resp *SyncResponse) ([]byte, error) {
	env := *resp
	env.Events = nil
	envJSON, err := json.Marshal(&env)
	if err != nil {
		return nil, fmt.Errorf("cols: envelope: %w", err)
	}
	var cols [nCols][]byte
	var dict []string
	refs := map[string]int{}
	str := func(s string) {
		r, ok := refs[s]
		if !ok {
			r = len(dict)
			refs[s] = r
			dict = append(dict, s)
		}
		cols[cStrs] = binary.AppendUvarint(cols[cStrs], uint64(r))
	}
	var prevSeq, prevTime int64
	var cases [][16]byte
	caseAt := map[[16]byte]int{}
	for i := range resp.Events {
		le := &resp.Events[i]
		p, kind := packable(le)
		cols[cFlags] = append(cols[cFlags], byte(kind))
		if kind == colRaw {
			b, err := json.Marshal(le)
			if err != nil {
				return nil, fmt.Errorf("cols: event %d: %w", i, err)
			}
			cols[cRaw] = binary.AppendUvarint(cols[cRaw], uint64(len(b)))
			cols[cRaw] = append(cols[cRaw], b...)
			continue
		}
		e := le.Event
		cols[cSeq] = binary.AppendVarint(cols[cSeq], le.Seq-prevSeq)
		prevSeq = le.Seq
		str(le.Status)
		str(string(e.Kind))
		t := idTime(p.id)
		cols[cIDTime] = binary.AppendVarint(cols[cIDTime], t-prevTime)
		prevTime = t
		cols[cIDRest] = append(cols[cIDRest], p.id[6:]...)
		if k, ok := caseAt[p.caseID]; ok {
			cols[cCaseRef] = binary.AppendUvarint(cols[cCaseRef], uint64(len(cases)-k))
		} else {
			cols[cCaseRef] = binary.AppendUvarint(cols[cCaseRef], 0)
			// A case id is made a moment before its first event's.
			cols[cCaseIDs] = binary.AppendVarint(cols[cCaseIDs], idTime(p.caseID)-t)
			cols[cCaseIDs] = append(cols[cCaseIDs], p.caseID[6:]...)
			caseAt[p.caseID] = len(cases)
			cases = append(cases, p.caseID)
		}
		if kind == colStub {
			continue
		}
		str(string(e.From))
		str(e.Actor)
		str(e.ActorName)
		str(e.Office)
		str(p.stamp.Office)
		cols[cHLC] = binary.AppendVarint(cols[cHLC], p.stamp.Wall-t)
		cols[cHLC] = binary.AppendUvarint(cols[cHLC], uint64(p.stamp.Logic))
		cols[cAt] = binary.AppendVarint(cols[cAt], e.At.UnixMilli()-p.stamp.Wall)
		cols[cAt] = binary.AppendUvarint(cols[cAt], uint64(e.At.Nanosecond()%int(time.Millisecond)))
		if p.payload == nil {
			cols[cPayload] = binary.AppendUvarint(cols[cPayload], 0)
		} else {
			cols[cPayload] = binary.AppendUvarint(cols[cPayload], uint64(len(p.payload))+1)
			cols[cPayload] = append(cols[cPayload], p.payload...)
		}
	}
	out := append([]byte(nil), colsMagic...)
	out = binary.AppendUvarint(out, uint64(len(envJSON)))
	out = append(out, envJSON...)
	out = binary.AppendUvarint(out, uint64(len(dict)))
	for _, s := range dict {
		out = binary.AppendUvarint(out, uint64(len(s)))
		out = append(out, s...)
	}
	out = binary.AppendUvarint(out, nCols)
	for _, c := range cols {
		out = binary.AppendUvarint(out, uint64(len(c)))
		out = append(out, c...)
	}
	return out, nil
}

// packed is what packable parsed out of an entry.
type packed struct {
	id, caseID [16]byte
	stamp      domain.Stamp
	payload    []byte
}

// packable says how an entry goes into columns. Only entries that the
// columns give back exactly (compared as the JSON encoding writes them) are
// packed: canonical UUIDs, a well-formed stamp, a UTC time, valid UTF-8; any
// other entry goes as its JSON.
func packable(le *LogEvent) (packed, int) {
	var p packed
	e := le.Event
	if e == nil || le.Reason != "" || le.Zh != "" || !utf8.ValidString(le.Status) || !utf8.ValidString(string(e.Kind)) {
		return p, colRaw
	}
	var ok bool
	if p.id, ok = canonicalUUID(e.ID); !ok {
		return p, colRaw
	}
	if p.caseID, ok = canonicalUUID(e.CaseID); !ok {
		return p, colRaw
	}
	if e.From == "" && e.Payload == nil && e.Actor == "" && e.ActorName == "" && e.Office == "" && e.HLC == "" && e.At.IsZero() {
		return p, colStub
	}
	for _, s := range []string{string(e.From), e.Actor, e.ActorName, e.Office} {
		if !utf8.ValidString(s) {
			return p, colRaw
		}
	}
	st, err := domain.ParseStamp(e.HLC)
	if err != nil || st.Wall < 0 || st.String() != e.HLC || !utf8.ValidString(st.Office) {
		return p, colRaw
	}
	p.stamp = st
	if e.At.Location() != time.UTC || e.At.Year() < 1 || e.At.Year() > 9999 {
		return p, colRaw
	}
	if e.Payload != nil {
		// The payload exactly as the JSON encoding would write it
		// (compacted, HTML characters escaped), so both encodings give
		// the station the same bytes.
		b, err := json.Marshal(e.Payload)
		if err != nil {
			return p, colRaw
		}
		p.payload = b
	}
	return p, colFull
}

// canonicalUUID parses s when it is a UUID written the way uuid.String
// writes it (lowercase, hyphenated), so that writing it back gives s.
func canonicalUUID(s string) ([16]byte, bool) {
	if len(s) != 36 {
		return [16]byte{}, false
	}
	u, err := uuid.Parse(s)
	if err != nil || u.String() != s {
		return [16]byte{}, false
	}
	return u, true
}

// idTime is the first 48 bits of a UUID: the Unix milliseconds of a UUIDv7
// (for other UUIDs just bits, still encoded losslessly).
func idTime(id [16]byte) int64 {
	var b [8]byte
	copy(b[2:], id[:6])
	return int64(binary.BigEndian.Uint64(b[:]))
}

// makeUUID puts a UUID back together from its 48-bit time and the rest.
func makeUUID(t int64, rest []byte) string {
	var id [16]byte
	var tb [8]byte
	binary.BigEndian.PutUint64(tb[:], uint64(t))
	copy(id[:6], tb[2:])
	copy(id[6:], rest)
	return uuid.UUID(id).String()
}

var errCols = errors.New("malformed packed answer")

// colReader reads one column, remembering the first error.
type colReader struct {
	b    []byte
	name string
	err  *error
}

func (r *colReader) fail(what string) {
	if *r.err == nil {
		*r.err = fmt.Errorf("%w: column %s: %s", errCols, r.name, what)
	}
}

func (r *colReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail("bad or missing number")
		r.b = nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *colReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail("bad or missing number")
		r.b = nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *colReader) bytes(n uint64) []byte {
	if n > uint64(len(r.b)) {
		r.fail("truncated")
		r.b = nil
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

// DecodeCols decodes a packed answer into out. Like the JSON decoder the
// station uses, it tolerates unknown envelope fields; everything else is
// checked: a malformed answer is an error, never a panic.
func DecodeCols(data []byte, out *SyncResponse) error {
	if !bytes.HasPrefix(data, colsMagic) {
		return fmt.Errorf("%w: not a packed answer", errCols)
	}
	var err error
	top := &colReader{b: data[len(colsMagic):], name: "header", err: &err}
	envJSON := top.bytes(top.uvarint())
	nd := top.uvarint()
	if err != nil {
		return err
	}
	if nd > uint64(len(top.b)) {
		return fmt.Errorf("%w: dictionary of %d strings in %d bytes", errCols, nd, len(top.b))
	}
	dict := make([]string, 0, nd)
	for range nd {
		dict = append(dict, string(top.bytes(top.uvarint())))
	}
	if nc := top.uvarint(); err == nil && nc != nCols {
		return fmt.Errorf("%w: %d columns, want %d", errCols, nc, nCols)
	}
	names := [nCols]string{"flags", "seq", "strings", "id time", "id rest", "case ref", "case ids", "hlc", "at", "payload", "raw"}
	var cols [nCols]*colReader
	for i := range cols {
		cols[i] = &colReader{b: top.bytes(top.uvarint()), name: names[i], err: &err}
	}
	if err != nil {
		return err
	}
	if len(top.b) != 0 {
		return fmt.Errorf("%w: %d bytes after the last column", errCols, len(top.b))
	}
	if err := json.Unmarshal(envJSON, out); err != nil {
		return fmt.Errorf("%w: envelope: %v", errCols, err)
	}
	if len(out.Events) != 0 {
		return fmt.Errorf("%w: events in the envelope", errCols)
	}
	str := func() string {
		r := cols[cStrs].uvarint()
		if r >= uint64(len(dict)) {
			cols[cStrs].fail("dictionary ref out of range")
			return ""
		}
		return dict[r]
	}
	flags := cols[cFlags].b
	out.Events = make([]LogEvent, 0, len(flags))
	var prevSeq, prevTime int64
	var cases []string
	for _, f := range flags {
		if err != nil {
			return err
		}
		if f == colRaw {
			raw := cols[cRaw].bytes(cols[cRaw].uvarint())
			if err != nil {
				return err
			}
			var le LogEvent
			if e := json.Unmarshal(raw, &le); e != nil {
				return fmt.Errorf("%w: raw entry: %v", errCols, e)
			}
			out.Events = append(out.Events, le)
			continue
		}
		if f != colFull && f != colStub {
			return fmt.Errorf("%w: entry kind %d", errCols, f)
		}
		le := LogEvent{Event: &domain.Event{}}
		e := le.Event
		prevSeq += cols[cSeq].varint()
		le.Seq = prevSeq
		le.Status = str()
		e.Kind = domain.EventKind(str())
		prevTime += cols[cIDTime].varint()
		e.ID = makeUUID(prevTime, cols[cIDRest].bytes(10))
		switch ref := cols[cCaseRef].uvarint(); {
		case ref == 0:
			t := prevTime + cols[cCaseIDs].varint()
			cases = append(cases, makeUUID(t, cols[cCaseIDs].bytes(10)))
			e.CaseID = cases[len(cases)-1]
		case ref <= uint64(len(cases)):
			e.CaseID = cases[uint64(len(cases))-ref]
		default:
			cols[cCaseRef].fail("case ref out of range")
		}
		if f == colFull {
			e.From = domain.State(str())
			e.Actor = str()
			e.ActorName = str()
			e.Office = str()
			office := str()
			wall := prevTime + cols[cHLC].varint()
			logic := cols[cHLC].uvarint()
			if logic > 0xffffff || wall < 0 || wall > 0xfffffffffffff {
				cols[cHLC].fail("stamp out of range")
			}
			e.HLC = domain.Stamp{Wall: wall, Logic: uint32(logic), Office: office}.String()
			ms := wall + cols[cAt].varint()
			ns := cols[cAt].uvarint()
			if ns >= uint64(time.Millisecond) {
				cols[cAt].fail("nanoseconds out of range")
			}
			e.At = time.UnixMilli(ms).Add(time.Duration(ns)).UTC()
			if n := cols[cPayload].uvarint(); n > 0 {
				e.Payload = json.RawMessage(bytes.Clone(cols[cPayload].bytes(n - 1)))
			}
		}
		out.Events = append(out.Events, le)
	}
	if err != nil {
		return err
	}
	for i, c := range cols {
		if i != cFlags && len(c.b) != 0 {
			return fmt.Errorf("%w: column %s: %d bytes left over", errCols, c.name, len(c.b))
		}
	}
	return nil
}
