package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"
)

// tlsDialer opens the TLS connections of one transport of one session.
//
// A session starts all of a target's requests at once. net/http would dial a
// connection for each of them (up to MaxConnsPerHost) before it learns that
// the first one speaks HTTP/2 and could have carried them all, and would then
// throw the extra ones away after their handshakes. So a dial to an address
// that already has a connection, or one in the making, waits for it:
//   - HTTP/2: the transport hands that connection to every waiting request
//     as soon as it is pooled, so the waiting dial is not needed: it ends
//     when its request got a connection (see connWait). It dials after all
//     if that connection closes, or for a request's second attempt: when a
//     server allows fewer streams than a scan has requests, net/http tries
//     again with another connection, as it would without this dialer.
//   - HTTP/1.1: one connection carries one request at a time, so a second
//     connection is opened at once, with a handshake of its own (sessions
//     are not resumed, see Session); the transport's MaxConnsPerHost bounds
//     how many.
//   - A failed handshake fails the dials that waited for it with the same
//     error, and a certificate that did not verify fails every later dial
//     of the session: it will not verify on a second try.
type tlsDialer struct {
	c      *Client
	cfg    *tls.Config
	verify bool // check the chain (Client.verify)

	mu    sync.Mutex
	first map[string]*firstDial // by address
	// closing is set when the session ends: its connections are being
	// closed, and a parked dial must not take that for a reason to dial.
	closing atomic.Bool

	// ready is closed when the session's first handshake is over; h2 says
	// whether it negotiated HTTP/2 (see Session.multiplexes).
	readyOnce sync.Once
	ready     chan struct{}
	h2        bool
}

func (d *tlsDialer) settle(h2 bool) {
	d.readyOnce.Do(func() {
		d.h2 = h2
		close(d.ready)
	})
}

type firstDial struct {
	done   chan struct{} // closed when the handshake is over
	h2     bool
	err    error
	closed chan struct{} // closed with the connection
	step   *step         // the phase of the request that makes it
	// spare is the connection an origin made, for the transport's first
	// dial to take (see adopt); nil once taken.
	spare *tls.Conn
}

// adopt hands conn, an HTTP/2 connection to addr made by an origin, to the
// transport: its next dial to addr returns it, and the dials after that
// wait for it as they would for a first dial of its own. closed must be
// closed with conn.
func (d *tlsDialer) adopt(addr string, conn *tls.Conn, closed chan struct{}) {
	f := &firstDial{done: make(chan struct{}), h2: true, closed: closed, spare: conn}
	close(f.done)
	d.mu.Lock()
	if d.first == nil {
		d.first = map[string]*firstDial{}
	}
	old := d.first[addr]
	d.first[addr] = f
	d.mu.Unlock()
	if old != nil && old.spare != nil {
		_ = old.spare.Close()
	}
}

// dropSpares closes the connections no dial took.
func (d *tlsDialer) dropSpares() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, f := range d.first {
		if f.spare != nil {
			_ = f.spare.Close()
			f.spare = nil
		}
	}
}

// errNotNeeded ends a parked dial; no request ever sees it.
var errNotNeeded = errors.New("connection not needed: the first one multiplexes")

// gotKey carries a *connWait in a request's context, which net/http passes
// on to the dial it starts for the request.
type gotKey struct{}

// connWait follows one request's attempts to get a connection: net/http
// tries again, with a new dial, when the HTTP/2 connection it was given
// cannot take the request after all.
type connWait struct {
	mu       sync.Mutex
	attempts int
	got      chan struct{} // the current attempt's: closed when it got a connection
}

func (w *connWait) attempt() {
	w.mu.Lock()
	w.attempts++
	w.got = make(chan struct{})
	w.mu.Unlock()
}

func (w *connWait) gotConn() {
	w.mu.Lock()
	if w.got != nil {
		close(w.got)
		w.got = nil
	}
	w.mu.Unlock()
}

// current is the channel of the attempt under way (nil, never closed, when
// none is) and how many attempts there were.
func (w *connWait) current() (chan struct{}, int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.got, w.attempts
}

// withGotConn returns ctx carrying a connWait that httptrace keeps up to
// date for the request made with ctx.
func withGotConn(ctx context.Context) context.Context {
	w := &connWait{}
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GetConn: func(string) { w.attempt() },
		GotConn: func(httptrace.GotConnInfo) { w.gotConn() },
	})
	return context.WithValue(ctx, gotKey{}, w)
}

func (d *tlsDialer) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	var got chan struct{} // this attempt's; nil: never closed
	attempts := 1
	if w, ok := ctx.Value(gotKey{}).(*connWait); ok {
		got, attempts = w.current()
	}
	for {
		d.mu.Lock()
		f := d.first[addr]
		if f != nil && f.spare != nil {
			conn := f.spare
			f.spare = nil
			d.mu.Unlock()
			return conn, nil
		}
		if f == nil {
			f = &firstDial{done: make(chan struct{}), closed: make(chan struct{}), step: stepOf(ctx)}
			if d.first == nil {
				d.first = map[string]*firstDial{}
			}
			d.first[addr] = f
			d.mu.Unlock()
			conn, err := d.handshake(ctx, network, addr, f.closed)
			if err != nil {
				f.err = err
				if !IsCertificateError(err) {
					d.forget(addr, f) // a later dial tries afresh
				}
				close(f.done)
				d.settle(false)
				return nil, err
			}
			f.h2 = conn.ConnectionState().NegotiatedProtocol == "h2"
			close(f.done)
			d.settle(f.h2)
			return conn, nil
		}
		d.mu.Unlock()
		waitOn(ctx, f.step)
		select {
		case <-f.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if f.err != nil {
			return nil, f.err
		}
		if !f.h2 || attempts > 1 {
			return d.handshake(ctx, network, addr, nil)
		}
		t := time.NewTimer(d.c.opt.Timeout)
		select {
		case <-got:
			t.Stop()
			return nil, errNotNeeded
		case <-ctx.Done():
			t.Stop()
			return nil, errNotNeeded
		case <-t.C:
			return nil, errNotNeeded
		case <-f.closed:
			t.Stop()
			if d.closing.Load() {
				return nil, errNotNeeded
			}
			d.forget(addr, f)
		}
	}
}

func (d *tlsDialer) forget(addr string, f *firstDial) {
	d.mu.Lock()
	if d.first[addr] == f {
		delete(d.first, addr)
	}
	d.mu.Unlock()
}

// handshake connects and runs the TLS handshake, both within the timeout,
// as the transport would for a dial of its own. closed, when not nil, is
// closed when the connection is.
func (d *tlsDialer) handshake(ctx context.Context, network, addr string, closed chan struct{}) (*tls.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, d.c.opt.Timeout)
	defer cancel()
	raw, err := d.c.dial(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	if closed != nil {
		raw = &notifyConn{Conn: raw, closed: closed}
	}
	cfg := d.cfg.Clone()
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		_ = raw.Close()
		return nil, err
	}
	cfg.ServerName = host
	if d.verify {
		cfg.VerifyConnection = func(cs tls.ConnectionState) error { return d.c.verify(cs, host) }
	}
	conn := tls.Client(raw, cfg)
	d.c.handshakes.Add(1)
	enter(ctx, PhaseTLS)
	if err := conn.HandshakeContext(ctx); err != nil {
		_ = raw.Close()
		return nil, err
	}
	enter(ctx, PhaseHeaders)
	return conn, nil
}

// notifyConn closes a channel when it is closed. It wraps the TCP
// connection under the TLS one, since the transport must see a *tls.Conn.
type notifyConn struct {
	net.Conn
	once   sync.Once
	closed chan struct{}
}

func (c *notifyConn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return c.Conn.Close()
}
