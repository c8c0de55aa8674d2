package app

import (
	"sync"

	"yizhan/domain"
)

// The change signal. After every commit that recorded something the hall
// has not heard of (an event made here, an attachment to upload), the
// station tells its subscribers, as WTF Dial's event service does: the
// background sync subscribes and pushes at once instead of waiting for its
// timer. The signal says only "something changed"; a subscriber reads what
// from the store. It is raised by the one path every write takes
// (Station.update), so no caller of the services has to remember it.

// Subscription receives the station's change signal until closed.
type Subscription struct {
	c   chan struct{}
	hub *changeHub
}

// C returns the channel the signal arrives on. It holds at most one
// signal: changes made while the subscriber is busy fold into one, which
// is all a "push now" needs.
func (s *Subscription) C() <-chan struct{} { return s.c }

// Close stops the subscription. It is safe to call more than once.
func (s *Subscription) Close() {
	s.hub.mu.Lock()
	delete(s.hub.subs, s)
	s.hub.mu.Unlock()
}

// changeHub fans the signal out to the subscriptions.
type changeHub struct {
	mu   sync.Mutex
	subs map[*Subscription]struct{}
}

func (h *changeHub) subscribe() *Subscription {
	s := &Subscription{c: make(chan struct{}, 1), hub: h}
	h.mu.Lock()
	if h.subs == nil {
		h.subs = map[*Subscription]struct{}{}
	}
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	return s
}

// publish signals every subscription without blocking.
func (h *changeHub) publish() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		select {
		case s.c <- struct{}{}:
		default: // a signal is already waiting
		}
	}
}

// Subscribe returns a subscription to the change signal: a value arrives on
// its channel after each commit that recorded an event made here or a new
// attachment, that is, something for the hall. Pulling from the hall and
// recording the hall's answers raise no signal, so a sync never wakes
// itself. Close the subscription when done.
func (s *Station) Subscribe() *Subscription { return s.changes.subscribe() }

// recorder is the Tx a service writes through inside Station.update: the
// store's own, noting the writes that raise the change signal.
type recorder struct {
	Tx
	changed bool
}

// AppendEvent stores an event; one made here (pending) is news for the
// hall.
func (r *recorder) AppendEvent(e *domain.Event, status string, hallSeq int64) error {
	err := r.Tx.AppendEvent(e, status, hallSeq)
	if err == nil && status == StatusPending {
		r.changed = true
	}
	return err
}

// InsertBlob records an attachment; a new one waits to be uploaded.
func (r *recorder) InsertBlob(b Blob) (bool, error) {
	added, err := r.Tx.InsertBlob(b)
	if err == nil && added {
		r.changed = true
	}
	return added, err
}
