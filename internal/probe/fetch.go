package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Limits on what a server can make hardscan read. A hostile server must not
// make a scan slow or large.
const (
	MaxHops        = 10      // redirects followed by hand (docs/contract.md, scan step 1)
	MaxHeaderBytes = 1 << 20 // a response head larger than this is an error
	MaxBodyBytes   = 1 << 20 // the HTML read for <meta> policies
	// MaxCookiesPerResponse is how many Set-Cookie lines of one response are
	// judged: Chrome keeps 180 cookies per domain, so more is a flood.
	MaxCookiesPerResponse = 180
)

// Options configure the client shared by every target of a run.
type Options struct {
	Timeout time.Duration // each request: connect, TLS, headers and capped body
	Resolve []Resolve
	RootCAs *x509.CertPool // nil: the system's roots, and ExtraRoots
	// ExtraRoots are PEM CA certificates trusted as well as the system's
	// roots (--cacert), when RootCAs is nil.
	ExtraRoots [][]byte
	Insecure   bool        // -k: never verify
	Header     http.Header // -H: sent only to the target's own host over HTTPS
	UserAgent  string
	// MaxConnsPerHost bounds the connections open to one host at once.
	MaxConnsPerHost int
	// Guard, when set, is asked about every address the client is about to
	// connect to, after name resolution and before any packet is sent
	// (see control); an error refuses that connection. ctx is the dial's,
	// which carries the values of the request's context.
	Guard func(ctx context.Context, addr netip.AddrPort) error
	// AllowRedirect, when set, decides whether a redirect is followed to
	// where it leads; one it refuses ends the chain (Chain.Disallowed).
	AllowRedirect func(to *url.URL) bool
}

// Client holds what every target of a run shares: the options, the dialer
// and the TLS settings. Requests are made by a session per target.
type Client struct {
	opt      Options
	dialer   *net.Dialer
	verified *tls.Config // verifies certificates, in verify
	blind    *tls.Config // skips verification: certificate problems are findings, not the end of a scan

	// extra holds ExtraRoots alone, tried first: a chain that verifies
	// against them needs no system roots.
	extra *x509.CertPool
	// roots is the pool a chain verifies against; nil means the system's,
	// as crypto/x509 loads them. Parsing the system's roots costs tens of
	// milliseconds of CPU, more than a round trip on a near network: they
	// are loaded beside the first TCP handshakes, or, with ExtraRoots, only
	// when a chain needs them.
	roots func() *x509.CertPool

	// Counts of what the client put on the wire (see Counts).
	requests, handshakes, conns atomic.Int64
}

// Counts are what a client put on the wire since it was made: requests
// written (HTTP/1.1, pipelined or not), sent (HTTP/2 streams) or probed
// (the backend port), each retry counted; TLS handshakes started; TCP
// connections made. A benchmark divides them by its targets.
type Counts struct {
	Requests, Handshakes, Conns int64
}

// Counts returns the client's counts so far; safe for concurrent use.
func (c *Client) Counts() Counts {
	return Counts{Requests: c.requests.Load(), Handshakes: c.handshakes.Load(), Conns: c.conns.Load()}
}

// NewClient builds a client from opt.
func NewClient(opt Options) *Client {
	if opt.Timeout <= 0 {
		opt.Timeout = 10 * time.Second
	}
	if opt.MaxConnsPerHost <= 0 {
		opt.MaxConnsPerHost = 2
	}
	c := &Client{
		opt:    opt,
		dialer: &net.Dialer{Timeout: opt.Timeout, KeepAlive: 30 * time.Second},
		// Verification is done by verify, for the host the dial was for,
		// so that the system's roots are loaded only when needed.
		verified: &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS10}, //nolint:gosec // verified in verify
		blind:    &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS10}, //nolint:gosec // judged, not trusted
	}
	if opt.Guard != nil {
		c.dialer.ControlContext = c.control
	}
	switch {
	case opt.RootCAs != nil:
		c.roots = func() *x509.CertPool { return opt.RootCAs }
	case len(opt.ExtraRoots) > 0:
		c.extra = x509.NewCertPool()
		for _, pem := range opt.ExtraRoots {
			c.extra.AppendCertsFromPEM(pem)
		}
		c.roots = sync.OnceValue(func() *x509.CertPool {
			pool, err := x509.SystemCertPool()
			if err != nil || pool == nil {
				pool = x509.NewCertPool()
			}
			for _, pem := range opt.ExtraRoots {
				pool.AppendCertsFromPEM(pem)
			}
			return pool
		})
	default:
		c.roots = func() *x509.CertPool { return nil }
		go func() { _, _ = x509.SystemCertPool() }() // crypto/x509 keeps them once loaded
	}
	return c
}

// verify checks a server's chain for host as crypto/tls would: against the
// roots, with the certificates it sent as intermediates, for a server.
func (c *Client) verify(cs tls.ConnectionState, host string) error {
	certs := cs.PeerCertificates
	if len(certs) == 0 {
		return errors.New("tls: the server sent no certificate")
	}
	opts := x509.VerifyOptions{DNSName: host, Intermediates: x509.NewCertPool()}
	for _, ic := range certs[1:] {
		opts.Intermediates.AddCert(ic)
	}
	if c.extra != nil {
		opts.Roots = c.extra
		_, err := certs[0].Verify(opts)
		var unknown x509.UnknownAuthorityError
		if err == nil {
			return nil
		} else if !errors.As(err, &unknown) {
			// Expired, another name: other roots would not change that.
			return &tls.CertificateVerificationError{UnverifiedCertificates: certs, Err: err}
		}
	}
	opts.Roots = c.roots()
	if _, err := certs[0].Verify(opts); err != nil {
		return &tls.CertificateVerificationError{UnverifiedCertificates: certs, Err: err}
	}
	return nil
}

// Session makes the requests of one target, with connections of its own:
// each origin's first connection carries all of its requests (HTTP/2
// streams, or pipelined HTTP/1.1: one TLS handshake per target), and
// CloseIdle closes them when the target is done, since thousands of
// finished targets must not keep sockets open.
type Session struct {
	*Client
	verified *http.Transport // HTTP/2, on the connections origins hand it
	blind    *http.Transport
	dialers  [2]*tlsDialer

	mu      sync.Mutex
	origins map[originKey]*origin
}

// Session starts one. The TLS configs are cloned because the HTTP/2 set-up
// writes to them. They have no session cache: a target's requests share
// one connection an origin, and a client that offers to resume makes a
// TLS 1.3 server issue session tickets on every connection (OpenSSL sends
// two), work on both sides that only a rare second connection, to a
// server that closes after each response, could use. net/http's own
// client does not offer either.
func (c *Client) Session() *Session {
	s := &Session{Client: c}
	s.verified, s.dialers[0] = c.transport(c.verified.Clone(), true)
	s.blind, s.dialers[1] = c.transport(c.blind.Clone(), false)
	return s
}

func (c *Client) transport(tc *tls.Config, verify bool) (*http.Transport, *tlsDialer) {
	tc.NextProtos = []string{"h2", "http/1.1"}
	d := &tlsDialer{c: c, cfg: tc, verify: verify, ready: make(chan struct{})}
	return &http.Transport{
		DialContext:            c.dial,
		DialTLSContext:         d.dial,
		TLSClientConfig:        tc,
		TLSHandshakeTimeout:    c.opt.Timeout,
		ResponseHeaderTimeout:  c.opt.Timeout,
		MaxResponseHeaderBytes: MaxHeaderBytes,
		MaxIdleConns:           1024,
		MaxIdleConnsPerHost:    c.opt.MaxConnsPerHost,
		MaxConnsPerHost:        c.opt.MaxConnsPerHost,
		IdleConnTimeout:        30 * time.Second,
		ForceAttemptHTTP2:      true,
		DisableCompression:     true,
	}, d
}

// dial applies --resolve before the system resolver.
func (c *Client) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if to, ok := lookup(c.opt.Resolve, host, port); ok {
		addr = to
	} else if names(c.opt.Resolve, host) {
		// --resolve says "do not ask DNS for this host": a port no rule
		// covers (a redirect's, the backend's) is refused, not looked up.
		return nil, fmt.Errorf("no --resolve rule for %s:%s, and hardscan asks no DNS for a host --resolve names", host, port)
	}
	conn, err := c.dialer.DialContext(ctx, network, addr)
	if err == nil {
		c.conns.Add(1)
		// Connected: a plain-HTTP request waits for its answer now; a TLS
		// dial enters the handshake next.
		enter(ctx, PhaseHeaders)
	}
	return conn, err
}

// CloseIdle closes the session's connections.
func (c *Session) CloseIdle() {
	for _, d := range c.dialers {
		d.closing.Store(true)
		d.dropSpares()
	}
	c.mu.Lock()
	origins := c.origins
	c.origins = nil
	c.mu.Unlock()
	for _, o := range origins {
		o.close()
	}
	c.verified.CloseIdleConnections()
	c.blind.CloseIdleConnections()
}

// Hop is one request and its response, one step of a redirect chain.
type Hop struct {
	URL      *url.URL
	Status   int
	Header   http.Header
	Location *url.URL // the redirect target, resolved against URL
	TLS      *tls.ConnectionState
}

// Chain is a GET and the redirects followed from it.
type Chain struct {
	Hops      []Hop
	Body      []byte // the final response's body, decoded, at most MaxBodyBytes
	Truncated bool   // the body was longer than MaxBodyBytes (raw or decoded), or cut short
	// Encoding is the final response's Content-Encoding, lower case ("gzip",
	// "br"); "" when the body was sent as is.
	Encoding string
	// Undecoded is set when Encoding names a coding hardscan cannot decode
	// (br, zstd): Body is then the raw bytes, and <meta> policies in it
	// were not seen.
	Undecoded bool
	Stopped   string // why redirects stopped before a final response, if they did
	Downgrade bool   // an https response redirected to plain http
	// Disallowed is set when Options.AllowRedirect refused the next hop:
	// the final hop's Location is where it led, and it was not requested.
	Disallowed bool
}

// Final is the last response of the chain.
func (ch *Chain) Final() *Hop {
	if len(ch.Hops) == 0 {
		return nil
	}
	return &ch.Hops[len(ch.Hops)-1]
}

// URLs lists the URL of every hop, then the last Location not followed.
func (ch *Chain) URLs() []string {
	out := make([]string, 0, len(ch.Hops)+1)
	for _, h := range ch.Hops {
		out = append(out, h.URL.String())
	}
	if f := ch.Final(); f != nil && f.Location != nil {
		out = append(out, f.Location.String())
	}
	return out
}

// request says how one chain is fetched.
type request struct {
	url      *url.URL
	follow   bool // follow redirects (else stop at the first response)
	verify   bool // use the verifying transport
	readBody bool
	// noSecrets keeps -H headers back, as when the certificate did not
	// verify: whoever answers may not be the host.
	noSecrets bool
	// onHead, when set, is told each hop as soon as its head is in,
	// before its body is read.
	onHead func(Hop)
	// onSent, when set, is told once the first hop's request is on the
	// wire (or handed to the HTTP/2 Transport).
	onSent func()
}

type sentKey struct{}

// sent tells the request made with ctx, if it asked, that it is sent.
func sent(ctx context.Context) {
	if f, ok := ctx.Value(sentKey{}).(func()); ok {
		f()
	}
}

// get fetches req.url, following redirects by hand when asked. Each hop is
// bounded by the client's timeout. -H headers go only to the start host over
// HTTPS: never to another host after a redirect, never in clear.
func (c *Session) get(ctx context.Context, req request) (*Chain, error) {
	ch := &Chain{}
	seen := map[string]bool{}
	u := req.url
	if req.onSent != nil {
		ctx = context.WithValue(ctx, sentKey{}, sync.OnceFunc(req.onSent))
	}
	for hop := 0; ; hop++ {
		h, b, err := c.once(ctx, u, req, !req.noSecrets && sameHost(u, req.url) && u.Scheme == "https")
		if err != nil {
			if len(ch.Hops) == 0 {
				return nil, err
			}
			ch.Stopped = err.Error()
			return ch, nil
		}
		ch.Hops = append(ch.Hops, h)
		ch.Body, ch.Truncated, ch.Encoding, ch.Undecoded = b.data, b.truncated, b.encoding, b.undecoded
		seen[u.String()] = true
		if h.Location == nil || !req.follow {
			return ch, nil
		}
		next := h.Location
		switch {
		case next.Scheme != "http" && next.Scheme != "https":
			ch.Stopped = fmt.Sprintf("redirect to a %s: URL, not followed", next.Scheme)
			return ch, nil
		case u.Scheme == "https" && next.Scheme == "http":
			// Following would judge a page the browser loads in clear.
			ch.Stopped = fmt.Sprintf("redirect from https to plain %s, not followed", next)
			ch.Downgrade = true
			return ch, nil
		case seen[next.String()]:
			ch.Stopped = fmt.Sprintf("redirect loop back to %s", next)
			return ch, nil
		case hop+1 >= MaxHops:
			ch.Stopped = fmt.Sprintf("more than %d redirects", MaxHops)
			return ch, nil
		case c.opt.AllowRedirect != nil && !c.opt.AllowRedirect(next):
			ch.Stopped = fmt.Sprintf("redirect to %s, a host the scan may not reach, not followed", next.Redacted())
			ch.Disallowed = true
			return ch, nil
		}
		u = next
	}
}

// once makes one request.
func (c *Session) once(ctx context.Context, u *url.URL, req request, secrets bool) (Hop, body, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opt.Timeout)
	defer cancel()
	ctx, st := withStep(ctx, u.Host)
	defer st.end()
	bodyCap := int64(64 << 10) // what is drained, below
	if req.readBody {
		bodyCap = MaxBodyBytes + 1
	}
	hr, err := http.NewRequestWithContext(withBodyCap(withGotConn(ctx), bodyCap), http.MethodGet, u.String(), nil)
	if err != nil {
		return Hop{}, body{}, fmt.Errorf("GET %s: %w", u, err)
	}
	if secrets {
		for k, vs := range c.opt.Header {
			for _, v := range vs {
				hr.Header.Add(k, v)
			}
		}
	}
	if hr.Header.Get("User-Agent") == "" {
		hr.Header.Set("User-Agent", c.opt.UserAgent)
	}
	hr.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	hr.Header.Set("Accept-Encoding", AcceptEncoding)
	resp, err := c.origin(u.Scheme, u.Hostname(), u.Port(), req.verify).RoundTrip(hr)
	if err != nil && isMalformedHeader(err) {
		resp, err = c.rawGet(ctx, hr, req.verify) // header bytes browsers take (rawheader.go)
	}
	if err != nil {
		return Hop{}, body{}, fmt.Errorf("GET %s: %w", u, describe(ctx, err, c.opt.Timeout))
	}
	defer resp.Body.Close()
	enter(ctx, PhaseBody)
	h := Hop{URL: u, Status: resp.StatusCode, Header: resp.Header, TLS: resp.TLS}
	if loc := resp.Header.Get("Location"); loc != "" && resp.StatusCode >= 300 && resp.StatusCode < 400 {
		if l, err := u.Parse(loc); err == nil {
			// Credentials in a Location are never followed with, nor
			// printed in a report.
			l.User = nil
			h.Location = l
		}
	}
	if req.onHead != nil {
		req.onHead(h)
	}
	var b body
	if req.readBody && h.Location == nil {
		b = readBody(resp.Body, strings.Join(resp.Header.Values("Content-Encoding"), ","))
	} else {
		// Drain a little so that the connection can be reused; a large
		// body is not worth reading and closing the connection is cheaper.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	}
	return h, b, nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// IsCertificateError tells a certificate that did not verify from other
// handshake failures.
func IsCertificateError(err error) bool {
	var ve *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	return errors.As(err, &ve) || errors.As(err, &ua) || errors.As(err, &hn) || errors.As(err, &ci)
}

func sameHost(a, b *url.URL) bool {
	return strings.EqualFold(a.Hostname(), b.Hostname()) && a.Port() == b.Port()
}
