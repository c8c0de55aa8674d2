package main

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Link describes a network path. The zero Link is loopback as it is: no
// shaping, only counting.
//
// The shaping model, per direction, for every segment of at most MSS bytes
// the proxy reads:
//   - bandwidth: a token bucket shared by every connection of the link in
//     that direction; a segment leaves when the link is free and occupies it
//     for len/bandwidth;
//   - latency: it arrives RTT/2 after it has left;
//   - loss: with probability Loss the segment is lost once and sent again,
//     as TCP's fast retransmit does: it occupies the link a second time and
//     arrives one RTT later than it would have; TCP delivers in order, so
//     every later segment of the connection waits behind it (head-of-line
//     blocking). Congestion-window cuts and slow start are not modelled, so
//     the model is kinder than a real Reno or CUBIC sender (whose Mathis
//     bound at 2 % loss and 600 ms is about 170 kbit/s);
//   - outages: from OutageAt after the link starts, every OutageEvery, the
//     link is down for OutageFor: open connections are reset (RST) when it
//     goes down and new ones are reset as soon as they are accepted.
//
// Bytes are counted when the proxy delivers them: TCP payload, both
// directions, TLS-free HTTP/1.1 as the hall serves it on loopback; TCP/IP
// headers are not counted (they are the same for every protocol per
// segment).
type Link struct {
	Name        string
	BitsPerSec  float64 // each direction; 0: unlimited
	RTT         time.Duration
	Loss        float64 // probability that a segment is lost once
	OutageEvery time.Duration
	OutageFor   time.Duration
	OutageAt    time.Duration // first outage this long after Start
	MSS         int           // default 1460
	Seed        uint64
}

func (l Link) shaped() bool { return l.BitsPerSec > 0 || l.RTT > 0 || l.Loss > 0 || l.OutageEvery > 0 }

// Proxy is an in-process TCP proxy on 127.0.0.1 in front of target that
// counts bytes in both directions and shapes them as its Link says.
type Proxy struct {
	Link   Link
	target string
	ln     net.Listener
	start  time.Time

	up, down atomic.Int64 // delivered bytes: client to server, server to client
	conns    atomic.Int64
	resets   atomic.Int64

	mu       sync.Mutex
	live     map[*pconn]struct{}
	rnd      *rand.Rand
	upq      linkClock
	downq    linkClock
	outage   bool
	cutAt    int64 // reset every connection once up+down reaches this; 0: never
	cutDir   int   // 0 both, 1 up only
	cutDone  bool
	closed   bool
	stopOuts chan struct{}
}

// linkClock is one direction's bottleneck: when it is next free.
type linkClock struct{ free time.Time }

// NewProxy starts a proxy to target ("127.0.0.1:port").
func NewProxy(target string, l Link) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	if l.MSS <= 0 {
		l.MSS = 1460
	}
	p := &Proxy{Link: l, target: target, ln: ln, start: time.Now(), live: map[*pconn]struct{}{},
		rnd: rand.New(rand.NewPCG(l.Seed, 0x6c696e6b)), stopOuts: make(chan struct{})}
	if l.OutageEvery > 0 && l.OutageFor > 0 {
		go p.outages()
	}
	go p.accept()
	return p, nil
}

// URL is the proxy's base URL.
func (p *Proxy) URL() string { return "http://" + p.ln.Addr().String() }

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Bytes returns the bytes delivered so far: up (client to server), down.
func (p *Proxy) Bytes() (up, down int64) { return p.up.Load(), p.down.Load() }

// Reset zeroes the counters.
func (p *Proxy) Reset() { p.up.Store(0); p.down.Store(0); p.conns.Store(0); p.resets.Store(0) }

// Conns returns the TCP connections accepted.
func (p *Proxy) Conns() int64 { return p.conns.Load() }

// Resets returns the connections reset by a cut or an outage.
func (p *Proxy) Resets() int64 { return p.resets.Load() }

// CutAt resets every open connection once, when the bytes delivered (both
// directions, or upstream only) reach n: a link that drops mid-transfer.
func (p *Proxy) CutAt(n int64, upOnly bool) {
	p.mu.Lock()
	p.cutAt, p.cutDone = n, false
	p.cutDir = 0
	if upOnly {
		p.cutDir = 1
	}
	p.mu.Unlock()
}

// Close stops the proxy and resets its connections.
func (p *Proxy) Close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	close(p.stopOuts)
	p.mu.Unlock()
	_ = p.ln.Close() // tearing down the proxy
	p.resetAll(false)
}

func (p *Proxy) outages() {
	l := p.Link
	next := p.start.Add(l.OutageAt)
	for {
		select {
		case <-p.stopOuts:
			return
		case <-time.After(time.Until(next)):
		}
		p.mu.Lock()
		p.outage = true
		p.mu.Unlock()
		p.resetAll(true)
		select {
		case <-p.stopOuts:
			return
		case <-time.After(l.OutageFor):
		}
		p.mu.Lock()
		p.outage = false
		p.mu.Unlock()
		next = next.Add(l.OutageEvery)
	}
}

func (p *Proxy) resetAll(count bool) {
	p.mu.Lock()
	var cs []*pconn
	for c := range p.live {
		cs = append(cs, c)
	}
	p.mu.Unlock()
	for _, c := range cs {
		if count {
			p.resets.Add(1)
		}
		c.reset()
	}
}

func (p *Proxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.conns.Add(1)
		p.mu.Lock()
		down := p.outage
		p.mu.Unlock()
		if down {
			p.resets.Add(1)
			rst(c)
			continue
		}
		go p.serve(c)
	}
}

// rst closes a connection with a reset rather than a FIN.
func rst(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // best effort: an abrupt close, like a cut link
	}
	_ = c.Close() // tearing down a proxied connection
}

type pconn struct {
	client, server net.Conn
	once           sync.Once
}

func (c *pconn) reset() {
	c.once.Do(func() {
		rst(c.client)
		rst(c.server)
	})
}

func (p *Proxy) serve(client net.Conn) {
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		rst(client)
		return
	}
	pc := &pconn{client: client, server: server}
	p.mu.Lock()
	p.live[pc] = struct{}{}
	p.mu.Unlock()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); p.pump(pc, client, server, &p.up, true) }()
	go func() { defer wg.Done(); p.pump(pc, server, client, &p.down, false) }()
	wg.Wait()
	p.mu.Lock()
	delete(p.live, pc)
	p.mu.Unlock()
	_ = client.Close() // tearing down a proxied connection
	_ = server.Close() // tearing down a proxied connection
}

// segment is a piece of data with the time it reaches the other end.
type segment struct {
	data []byte
	at   time.Time
}

func (p *Proxy) pump(pc *pconn, src, dst net.Conn, counter *atomic.Int64, up bool) {
	defer func() {
		if tc, ok := dst.(*net.TCPConn); ok {
			_ = tc.CloseWrite() // the peer sees the end of the stream either way
		}
	}()
	if !p.Link.shaped() {
		buf := make([]byte, 64<<10)
		for {
			n, err := src.Read(buf)
			if n > 0 {
				if _, werr := dst.Write(buf[:n]); werr != nil {
					pc.reset()
					return
				}
				p.delivered(counter, n, up)
			}
			if err != nil {
				if !errors.Is(err, io.EOF) {
					pc.reset()
				}
				return
			}
		}
	}
	// Shaped: a reader schedules segments, a writer delivers them on time.
	// The channel's capacity stands for the socket buffers in between.
	ch := make(chan segment, 48)
	go func() {
		defer close(ch)
		buf := make([]byte, 64<<10)
		var last time.Time
		for {
			n, err := src.Read(buf)
			for off := 0; off < n; off += p.Link.MSS {
				end := min(off+p.Link.MSS, n)
				seg := segment{data: append([]byte(nil), buf[off:end]...)}
				seg.at = p.schedule(len(seg.data), up)
				if seg.at.Before(last) {
					seg.at = last
				}
				last = seg.at
				ch <- seg
			}
			if err != nil {
				if !errors.Is(err, io.EOF) {
					pc.reset()
				}
				return
			}
		}
	}()
	for seg := range ch {
		if d := time.Until(seg.at); d > 0 {
			time.Sleep(d)
		}
		if _, err := dst.Write(seg.data); err != nil {
			pc.reset()
			for range ch {
			}
			return
		}
		p.delivered(counter, len(seg.data), up)
	}
}

// schedule books n bytes on the link in one direction and returns when they
// arrive.
func (p *Proxy) schedule(n int, up bool) time.Time {
	l := p.Link
	p.mu.Lock()
	defer p.mu.Unlock()
	q := &p.downq
	if up {
		q = &p.upq
	}
	now := time.Now()
	send := func() time.Time {
		start := q.free
		if start.Before(now) {
			start = now
		}
		var d time.Duration
		if l.BitsPerSec > 0 {
			d = time.Duration(float64(n*8) / l.BitsPerSec * float64(time.Second))
		}
		q.free = start.Add(d)
		return q.free
	}
	at := send().Add(l.RTT / 2)
	if l.Loss > 0 && p.rnd.Float64() < l.Loss {
		again := send().Add(l.RTT / 2)
		at = at.Add(l.RTT)
		if again.After(at) {
			at = again
		}
	}
	return at
}

func (p *Proxy) delivered(counter *atomic.Int64, n int, up bool) {
	counter.Add(int64(n))
	p.mu.Lock()
	cut := p.cutAt > 0 && !p.cutDone
	if cut {
		total := p.up.Load()
		if p.cutDir == 0 {
			total += p.down.Load()
		}
		cut = total >= p.cutAt
		if cut {
			p.cutDone = true
		}
	}
	p.mu.Unlock()
	if cut {
		p.resets.Add(1)
		go p.resetAll(false)
	}
}

// String describes the link for the table.
func (l Link) String() string {
	if !l.shaped() {
		return "loopback"
	}
	s := fmt.Sprintf("%.0f kbit/s, %v RTT", l.BitsPerSec/1000, l.RTT)
	if l.Loss > 0 {
		s += fmt.Sprintf(", %.0f%% loss", l.Loss*100)
	}
	if l.OutageEvery > 0 {
		s += fmt.Sprintf(", %v outage every %v", l.OutageFor, l.OutageEvery)
	}
	return s
}
