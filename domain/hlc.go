package domain

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// HLC is a hybrid logical clock. Stamps order the events an office has made
// (and seen) even when its wall clock is hours or years off: a stamp is never
// smaller than one it has already issued or received. The hall's log position,
// not the stamp, decides the order that counts for state; stamps order what
// the hall has not seen yet and are kept for audit.
type HLC struct {
	mu     sync.Mutex
	now    func() time.Time
	office string
	wall   int64 // ms
	logic  uint32
}

// NewHLC returns a clock for office reading wall time from now.
func NewHLC(office string, now func() time.Time) *HLC {
	return &HLC{office: office, now: now}
}

// Stamp is a parsed HLC timestamp.
type Stamp struct {
	Wall   int64 // milliseconds since the Unix epoch
	Logic  uint32
	Office string
}

// String formats the stamp so that byte order equals time order.
func (s Stamp) String() string { return fmt.Sprintf("%013x.%06x.%s", s.Wall, s.Logic, s.Office) }

// ParseStamp parses a stamp made by String.
func ParseStamp(v string) (Stamp, error) {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) != 3 || len(parts[0]) != 13 || len(parts[1]) != 6 {
		return Stamp{}, Errorf(EInvalid, "时间戳格式不正确。", "hlc: malformed stamp %q", v)
	}
	w, err := strconv.ParseInt(parts[0], 16, 64)
	if err != nil {
		return Stamp{}, Errorf(EInvalid, "时间戳格式不正确。", "hlc: wall: %v", err)
	}
	l, err := strconv.ParseUint(parts[1], 16, 32)
	if err != nil {
		return Stamp{}, Errorf(EInvalid, "时间戳格式不正确。", "hlc: logic: %v", err)
	}
	return Stamp{Wall: w, Logic: uint32(l), Office: parts[2]}, nil
}

// Now issues a new stamp, greater than every stamp issued or observed.
func (h *HLC) Now() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	pt := h.now().UnixMilli()
	if pt > h.wall {
		h.wall, h.logic = pt, 0
	} else {
		h.logic++
	}
	return Stamp{Wall: h.wall, Logic: h.logic, Office: h.office}.String()
}

// Observe moves the clock past a stamp received from elsewhere. A stamp from
// a clock far in the future would drag this one along; it is ignored when it
// is more than maxSkew ahead of local wall time, so one bad PC cannot poison
// every clock it syncs with.
func (h *HLC) Observe(v string) {
	s, err := ParseStamp(v)
	if err != nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if s.Wall > h.now().UnixMilli()+maxSkew.Milliseconds() {
		return
	}
	if s.Wall > h.wall || (s.Wall == h.wall && s.Logic > h.logic) {
		h.wall, h.logic = s.Wall, s.Logic
	}
}

// Restore sets the clock to at least the given stamp, after a restart.
func (h *HLC) Restore(v string) {
	s, err := ParseStamp(v)
	if err != nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if s.Wall > h.wall || (s.Wall == h.wall && s.Logic > h.logic) {
		h.wall, h.logic = s.Wall, s.Logic
	}
}

const maxSkew = 24 * time.Hour
