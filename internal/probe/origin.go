package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"sync"
)

// origin carries the requests of one session to one scheme, host and port,
// over one TLS setting (verified or blind). It makes the first connection
// itself, and ALPN decides what carries the requests on it: over HTTP/2,
// net/http's Transport, which is handed that connection (see
// tlsDialer.adopt); over HTTP/1.1, and always for plain HTTP, the
// connection itself with the requests pipelined (see h1conn). So a target
// costs one TLS handshake over HTTPS whatever the protocol.
type origin struct {
	s    *Session
	addr string     // host:port, as net/http names it
	d    *tlsDialer // nil for plain HTTP
	h2   http.RoundTripper

	mu    sync.Mutex
	first *firstConn // the first connection, under way or made; nil: none yet
	cur   *h1conn    // the HTTP/1.1 connection new requests are written to
	// serial is set once a connection ended with requests written to it:
	// the server does not take pipelined requests (or closes after each
	// response), so from then on requests go one at a time, as net/http
	// sends them.
	serial bool
	turn   chan struct{} // held by the one request under way in serial mode
	conns  []*h1conn     // every connection made, closed by close
	closed bool
}

// firstConn is the outcome of an origin's first connection.
type firstConn struct {
	done chan struct{}
	h2   bool
	err  error
	step *step // the request that makes it, whose phase the others wait in
}

type originKey struct {
	scheme, addr string
	verify       bool
}

// origin is the session's carrier of requests to u's scheme, host and
// port, verifying the certificate or not.
func (c *Session) origin(scheme, host, port string, verify bool) *origin {
	if port == "" {
		port = map[string]string{"https": "443", "http": "80"}[scheme]
	}
	k := originKey{scheme: scheme, addr: net.JoinHostPort(host, port), verify: verify && scheme == "https"}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.origins == nil {
		c.origins = map[originKey]*origin{}
	}
	o := c.origins[k]
	if o == nil {
		o = &origin{s: c, addr: k.addr}
		if scheme == "https" {
			o.d, o.h2 = c.dialers[1], c.blind
			if k.verify {
				o.d, o.h2 = c.dialers[0], c.verified
			}
		}
		c.origins[k] = o
	}
	return o
}

// RoundTrip sends req over HTTP/2 or pipelined HTTP/1.1, as the first
// connection negotiated.
func (o *origin) RoundTrip(req *http.Request) (*http.Response, error) {
	h2, err := o.start(req.Context())
	if err != nil {
		return nil, err
	}
	if h2 {
		o.s.requests.Add(1)
		sent(req.Context()) // streams: nothing behind it waits for its place
		return o.h2.RoundTrip(req)
	}
	return o.h1RoundTrip(req)
}

// start makes the first connection, or waits for the one under way, and
// says whether it speaks HTTP/2.
func (o *origin) start(ctx context.Context) (bool, error) {
	o.mu.Lock()
	f := o.first
	if f != nil {
		o.mu.Unlock()
		waitOn(ctx, f.step)
		select {
		case <-f.done:
			return f.h2, f.err
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
	f = &firstConn{done: make(chan struct{}), step: stepOf(ctx)}
	o.first = f
	o.mu.Unlock()

	var closed chan struct{}
	if o.d != nil {
		closed = make(chan struct{})
	}
	conn, state, err := o.dial(ctx, closed)
	switch {
	case err != nil:
		f.err = err
		// A certificate that did not verify will not verify on a second
		// try; other failures are tried afresh by a later request.
		if !IsCertificateError(err) {
			o.mu.Lock()
			o.first = nil
			o.mu.Unlock()
		}
	case state != nil && state.NegotiatedProtocol == "h2":
		f.h2 = true
		o.d.adopt(o.addr, conn.(*tls.Conn), closed)
	default:
		o.mu.Lock()
		if o.closed {
			_ = conn.Close()
			f.err = net.ErrClosed
		} else {
			o.cur = o.newConn(conn, state)
		}
		o.mu.Unlock()
	}
	close(f.done)
	return f.h2, f.err
}

// dial connects, within the client's timeout, and for HTTPS runs the TLS
// handshake; closed, when not nil, is closed with the connection. Every
// dial goes through Client.dial, and so through the guard.
func (o *origin) dial(ctx context.Context, closed chan struct{}) (net.Conn, *tls.ConnectionState, error) {
	if o.d == nil {
		ctx, cancel := context.WithTimeout(ctx, o.s.opt.Timeout)
		defer cancel()
		conn, err := o.s.dial(ctx, "tcp", o.addr)
		return conn, nil, err
	}
	conn, err := o.d.handshake(ctx, "tcp", o.addr, closed)
	if err != nil {
		return nil, nil, err
	}
	cs := conn.ConnectionState()
	return conn, &cs, nil
}

// maxRetries bounds how often one request goes again: errRetry comes only
// from a connection that carried a request before it, so each try after the
// first is on a connection that carried fewer, down to a fresh one.
const maxRetries = 3

// h1RoundTrip sends req on the pipelined connection, or, in serial mode,
// alone on a connection, and tries again when the server closed a
// connection that had carried others before it answered, as net/http does.
func (o *origin) h1RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	for attempt := 0; ; attempt++ {
		pc, release, err := o.conn(ctx)
		if err != nil {
			return nil, err
		}
		resp, err := pc.roundTrip(req, release)
		if err == nil {
			return resp, nil
		}
		release()
		var retry errRetry
		if !errors.As(err, &retry) || attempt >= maxRetries || ctx.Err() != nil {
			if errors.As(err, &retry) {
				err = retry.err
			}
			return nil, err
		}
	}
}

// conn returns the connection to write a request to, and what to call when
// its response is done with: in serial mode the turn is held until then.
func (o *origin) conn(ctx context.Context) (*h1conn, func(), error) {
	release := func() {}
	o.mu.Lock()
	if o.serial {
		o.mu.Unlock()
		enter(ctx, phaseQueued)
		select {
		case o.turn <- struct{}{}:
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
		var once sync.Once
		release = func() { once.Do(func() { <-o.turn }) }
		o.mu.Lock()
	}
	if pc := o.cur; pc != nil && pc.alive() {
		o.mu.Unlock()
		return pc, release, nil
	}
	o.mu.Unlock()
	enter(ctx, PhaseConnect)
	conn, state, err := o.dial(ctx, nil)
	if err != nil {
		release()
		return nil, nil, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		_ = conn.Close()
		release()
		return nil, nil, net.ErrClosed
	}
	pc := o.newConn(conn, state)
	o.cur = pc
	return pc, release, nil
}

func (o *origin) newConn(conn net.Conn, state *tls.ConnectionState) *h1conn {
	pc := newH1Conn(o.s.Client, conn, state, o.broke)
	o.conns = append(o.conns, pc)
	return pc
}

// broke is told when a connection can carry no more requests: the ones
// still to come go one at a time.
func (o *origin) broke(pc *h1conn) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.cur == pc {
		o.cur = nil
	}
	if !o.serial && !o.closed {
		o.serial = true
		o.turn = make(chan struct{}, 1)
	}
}

// close closes every connection of the origin.
func (o *origin) close() {
	o.mu.Lock()
	o.closed = true
	conns := o.conns
	o.conns, o.cur = nil, nil
	o.mu.Unlock()
	for _, pc := range conns {
		pc.close()
	}
}
