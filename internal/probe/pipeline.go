package probe

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"sync"
	"time"
)

// h1conn is one HTTP/1.1 connection carrying pipelined requests (RFC 9112
// §9.3.2: a client may send safe requests back to back, and the server
// answers them in order). Requests are written as they come, with the
// standard library's writer (Request.Write); their responses are read in
// the same order with its reader (http.ReadResponse), each once the one
// before it was read to its end. A response the connection cannot get past
// (the server closed after it, or its body was not read to the end) ends
// the connection, and the requests written after it fail with errRetry, so
// that they go again on another connection.
type h1conn struct {
	conn  net.Conn
	lim   *headLimit
	br    *bufio.Reader
	tls   *tls.ConnectionState
	broke func(*h1conn)
	c     *Client

	wmu sync.Mutex // one request written at a time, in the order of sent

	mu    sync.Mutex
	sent  int             // requests written
	turns []chan struct{} // turns[i] is closed when response i may be read
	// skip marks requests that gave up before their turn: their response
	// would be left on the wire in front of the others', so the connection
	// ends when the turn reaches them.
	skip  map[int]bool
	dead  error         // why the connection carries no more requests
	wdead error         // why no more requests are written to it
	gone  chan struct{} // closed with dead
}

func newH1Conn(c *Client, conn net.Conn, state *tls.ConnectionState, broke func(*h1conn)) *h1conn {
	lim := &headLimit{r: conn, n: math.MaxInt64}
	pc := &h1conn{conn: conn, lim: lim, br: bufio.NewReader(lim), tls: state, broke: broke, c: c,
		gone: make(chan struct{}), skip: map[int]bool{}}
	first := make(chan struct{})
	close(first)
	pc.turns = []chan struct{}{first}
	return pc
}

func (pc *h1conn) alive() bool {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return pc.dead == nil && pc.wdead == nil
}

// closedTurn reports whether response i may be read already; pc.mu is held.
func (pc *h1conn) closedTurn(i int) bool {
	select {
	case <-pc.turn(i):
		return true
	default:
		return false
	}
}

// kill ends the connection: requests waiting for their turn on it give up.
func (pc *h1conn) kill(why error) {
	pc.mu.Lock()
	if pc.dead != nil {
		pc.mu.Unlock()
		return
	}
	pc.dead = why
	close(pc.gone)
	pc.mu.Unlock()
	_ = pc.conn.Close()
	pc.broke(pc)
}

func (pc *h1conn) close() { pc.kill(net.ErrClosed) }

// turn is the channel closed when response i may be read; pc.mu is held.
func (pc *h1conn) turn(i int) chan struct{} {
	for len(pc.turns) <= i {
		pc.turns = append(pc.turns, make(chan struct{}))
	}
	return pc.turns[i]
}

// pass gives the turn to the response after i, or ends the connection
// when its request gave up waiting.
func (pc *h1conn) pass(i int) {
	pc.mu.Lock()
	close(pc.turn(i + 1))
	gaveUp := pc.skip[i+1]
	pc.mu.Unlock()
	if gaveUp {
		pc.kill(errors.New("a pipelined request gave up before its response"))
	}
}

// errRetry wraps the error of a request that the server never answered on
// a connection that carried others: it goes again, on another connection.
type errRetry struct{ err error }

func (e errRetry) Error() string { return e.err.Error() }
func (e errRetry) Unwrap() error { return e.err }

// roundTrip writes req and reads its response when its turn comes. The
// response's body, once closed, gives the turn to the next response and
// calls release.
func (pc *h1conn) roundTrip(req *http.Request, release func()) (*http.Response, error) {
	ctx := req.Context()
	i, err := pc.write(ctx, req)
	if err != nil {
		return nil, err
	}
	// Written: from now on the server owes its answer, whichever request
	// dialled the connection this one rides.
	enter(ctx, PhaseHeaders)
	sent(ctx)
	pc.mu.Lock()
	turn := pc.turn(i)
	pc.mu.Unlock()
	select {
	case <-turn:
	default:
		// Behind another response still arriving: a timeout now says
		// the server had not finished the requests before this one.
		enter(ctx, phaseQueued)
		select {
		case <-turn:
		case <-pc.gone:
		case <-ctx.Done():
			pc.mu.Lock()
			select {
			case <-turn: // the turn came as it gave up: nobody reads it
				pc.mu.Unlock()
				pc.kill(ctx.Err())
			default:
				pc.skip[i] = true
				pc.mu.Unlock()
			}
			return nil, ctx.Err()
		}
		enter(ctx, PhaseHeaders)
	}
	pc.mu.Lock()
	dead := pc.dead
	pc.mu.Unlock()
	if dead != nil {
		if i == 0 {
			return nil, dead
		}
		return nil, errRetry{fmt.Errorf("connection closed before the response: %w", dead)}
	}

	stop := pc.deadline(ctx)
	resp, err := pc.read(req)
	if err == nil {
		enter(ctx, PhaseBody)
		var body *h1body
		body, err = pc.prefetch(ctx, resp, i)
		if err == nil {
			body.stop, body.release = stop, release
			resp.TLS = pc.tls
			resp.Body = body
			return resp, nil
		}
	}
	stop()
	pc.mu.Lock()
	if pc.dead != nil && !errors.Is(err, errBodyRetry) {
		// Closed under the read by the session's end: its reason is
		// this one's.
		err = pc.dead
	}
	pc.mu.Unlock()
	pc.kill(err)
	if pc.retryable(ctx, err, i) {
		return nil, errRetry{err}
	}
	return nil, err
}

// retryable says whether request i, which failed with err, goes again on
// another connection: when the server may have dropped it with the
// connection because it came behind another (i > 0), or because requests
// written after it made the server reset a connection it was closing. The
// first response on a connection with nothing behind it is the server's
// answer; a timeout would only repeat, as would a malformed head (that goes
// to the raw reader instead).
func (pc *h1conn) retryable(ctx context.Context, err error, i int) bool {
	if isTimeout(err) || isMalformedHeader(err) || ctx.Err() != nil {
		return false
	}
	pc.mu.Lock()
	behind := pc.sent > i+1
	pc.mu.Unlock()
	return i > 0 || behind
}

// errBodyRetry marks a body cut off by the connection: see prefetch.
var errBodyRetry = errors.New("the connection ended in the body")

type bodyCapKey struct{}

// withBodyCap tells the pipeline how much of a response's body the caller
// reads, at most.
func withBodyCap(ctx context.Context, n int64) context.Context {
	return context.WithValue(ctx, bodyCapKey{}, n)
}

// prefetch reads what the caller will read of resp's body before resp is
// handed over, so that a server that resets the connection in the body
// because requests were pipelined behind it (it closes without reading
// them) costs a retry, not a truncated page. A body cut short otherwise,
// or stalled, is handed over as it came, its error last.
func (pc *h1conn) prefetch(ctx context.Context, resp *http.Response, i int) (*h1body, error) {
	limit, _ := ctx.Value(bodyCapKey{}).(int64)
	if limit <= 0 {
		limit = 64 << 10
	}
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(resp.Body, limit))
	b := &h1body{rc: resp.Body, pc: pc, i: i, keep: !resp.Close}
	switch {
	case err != nil && pc.retryable(ctx, err, i):
		_ = resp.Body.Close()
		return nil, fmt.Errorf("%w: %w", errBodyRetry, err)
	case err != nil:
		b.r = io.MultiReader(&buf, errReader{err})
	case n < limit:
		b.eof = true
		b.r = &buf
	default:
		b.r = io.MultiReader(&buf, readEOF{b})
	}
	return b, nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// readEOF reads the rest of a body from the connection, noting its end.
type readEOF struct{ b *h1body }

func (r readEOF) Read(p []byte) (int, error) {
	n, err := r.b.rc.Read(p)
	if errors.Is(err, io.EOF) {
		r.b.eof = true
	}
	return n, err
}

// write sends req after those written before it and returns its place.
func (pc *h1conn) write(ctx context.Context, req *http.Request) (int, error) {
	pc.wmu.Lock()
	defer pc.wmu.Unlock()
	pc.mu.Lock()
	if err := cmp.Or(pc.dead, pc.wdead); err != nil {
		pc.mu.Unlock()
		return 0, errRetry{fmt.Errorf("connection closed before the request: %w", err)}
	}
	i := pc.sent
	pc.sent++
	pc.mu.Unlock()
	if dl, ok := ctx.Deadline(); ok {
		_ = pc.conn.SetWriteDeadline(dl)
	}
	pc.c.requests.Add(1)
	if err := writeRequest(pc.conn, req); err != nil {
		if i == 0 {
			pc.kill(err)
			return 0, err
		}
		// The server closed its side after an answer: the requests
		// before this one may still have theirs on the way, so the
		// connection is read up to here, and written no more.
		pc.mu.Lock()
		pc.wdead = err
		now := pc.closedTurn(i)
		if !now {
			pc.skip[i] = true
		}
		pc.mu.Unlock()
		if now {
			pc.kill(err)
		}
		pc.broke(pc)
		return 0, errRetry{err}
	}
	enter(ctx, PhaseHeaders)
	return i, nil
}

// deadline bounds the reads of one response by its request's context; stop
// undoes it.
func (pc *h1conn) deadline(ctx context.Context) (stop func()) {
	if dl, ok := ctx.Deadline(); ok {
		_ = pc.conn.SetReadDeadline(dl)
	} else {
		_ = pc.conn.SetReadDeadline(time.Time{})
	}
	after := context.AfterFunc(ctx, func() { _ = pc.conn.SetReadDeadline(time.Unix(1, 0)) })
	return func() { after() }
}

// max1xx bounds the informational responses before a final one.
const max1xx = 5

// read reads req's response head, skipping informational responses as
// net/http does, with each head capped at MaxHeaderBytes.
func (pc *h1conn) read(req *http.Request) (*http.Response, error) {
	for n := 0; ; n++ {
		pc.lim.n, pc.lim.err = MaxHeaderBytes, nil
		resp, err := http.ReadResponse(pc.br, req)
		over := pc.lim.n <= 0
		pc.lim.n = math.MaxInt64
		if err != nil && pc.lim.err != nil && !errors.Is(pc.lim.err, errHeadLimit) {
			// The connection failed (a timeout, a reset): say that, not
			// what the parser made of the part that arrived.
			err = pc.lim.err
		}
		if over {
			if err == nil {
				_ = resp.Body.Close()
			}
			return nil, fmt.Errorf("server response headers exceeded %d bytes; aborted", MaxHeaderBytes)
		}
		if err != nil {
			return nil, err
		}
		switch {
		case resp.StatusCode == http.StatusSwitchingProtocols:
			resp.Close = true // not HTTP/1.1 any more
		case resp.StatusCode >= 100 && resp.StatusCode < 200:
			if n >= max1xx {
				return nil, fmt.Errorf("more than %d informational (1xx) responses", max1xx)
			}
			continue
		}
		return resp, nil
	}
}

// headLimit fails reads past n bytes, set while a head is read: the bytes
// a server can make hardscan buffer for one head.
type headLimit struct {
	r   io.Reader
	n   int64
	err error // the last read error of the connection, but EOF
}

var errHeadLimit = errors.New("response head over the cap")

func (l *headLimit) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, errHeadLimit
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	if err != nil && !errors.Is(err, io.EOF) {
		l.err = err
	}
	return n, err
}

// h1body is a pipelined response's body: closing it passes the turn on,
// or ends the connection when the body was not read to its end (the rest
// is not worth reading) or the server closes after it.
type h1body struct {
	r       io.Reader // the prefetched bytes, then the rest
	rc      io.ReadCloser
	pc      *h1conn
	i       int
	eof     bool // rc reached its end
	keep    bool
	stop    func()
	release func()
	once    sync.Once
}

func (b *h1body) Read(p []byte) (int, error) { return b.r.Read(p) }

func (b *h1body) Close() error {
	b.once.Do(func() {
		if !b.eof && b.keep {
			// A few bytes left past what was read.
			_, _ = io.CopyN(io.Discard, readEOF{b}, 4<<10)
		}
		if !b.eof || !b.keep {
			// Before rc.Close, which would read a body to its end.
			b.pc.kill(errors.New("the connection closed after a response"))
		}
		_ = b.rc.Close()
		b.stop()
		b.pc.pass(b.i)
		b.release()
	})
	return nil
}

// requestBuffers hold requests while Request.Write writes them: given a
// connection, it would wrap each request in a new 4 KB bufio.Writer.
var requestBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// writeRequest writes req to conn in one write, as Request.Write's own
// buffer would.
func writeRequest(conn net.Conn, req *http.Request) error {
	buf := requestBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 64<<10 {
			buf.Reset()
			requestBuffers.Put(buf)
		}
	}()
	if err := req.Write(buf); err != nil {
		return err
	}
	_, err := conn.Write(buf.Bytes())
	return err
}
