package probe

import (
	"bufio"
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hardscan/hardscan/internal/parse/csp"
	"github.com/hardscan/hardscan/internal/parse/htmlmeta"
	"github.com/hardscan/hardscan/internal/parse/setcookie"
	"github.com/hardscan/hardscan/scan/result"
)

// Observed is everything fetched for one target, before judging.
type Observed struct {
	URL          *url.URL
	Root         *Chain // GET https://host/ with redirects followed
	HTTP         *Chain // GET http://host/, first hop only
	HTTPErr      error
	CookieChains []*Chain // the profile's cookie paths
	Backend      *Probe   // nil when no backend port is probed
	Verified     bool     // the certificate verified for the host
	CertErr      error    // why it did not
	Insecure     bool     // -k: verification was not attempted
	Software     *result.Software
	// Down is set when the root's final response is a 5xx: the server in
	// front answered, the application behind it did not (and, with auto,
	// detection could not ask it what it is).
	Down bool

	// DeepHTTP is GET http://host/<a deep path>?<a query> (DeepPath): its
	// first hop must redirect keeping the path and query.
	DeepHTTP    *Chain
	DeepHTTPErr error
	DeepPath    string
	// ErrorPage is GET https://host/<a path that does not exist>, not
	// followed: the security headers must be on error pages too.
	ErrorPage *Chain
	// Again is a second GET https://host/ (followed), to see whether a CSP
	// nonce changes; nil when it was not fetched: the root's policies
	// (headers, enforced or report-only, and <meta>) carry no nonce.
	Again *Chain

	seen    []setcookie.Seen // parsed Set-Cookie lines, filled once by cookies()
	dropped int              // Set-Cookie lines beyond MaxCookiesPerResponse
	parsed  bool
}

// DeepPath is the path and query of Observed.DeepHTTP: two segments and a
// query, which a redirect that drops or mangles either shows.
const DeepPath = "/hardscan/deep/path?probe=1"

// ErrorPrefix starts the path of Observed.ErrorPage; a random suffix keeps
// caches from answering for the application.
const ErrorPrefix = "/hardscan-404-"

// Probe is what the backend port said.
type Probe struct {
	Port   int
	Open   bool  // a TCP connection was accepted
	Status int   // the HTTP status it answered with, 0 when none
	Err    error // why no HTTP answer came, when Open
}

// Plan is what the profile asks for beyond the root and plain HTTP: the
// paths that set the session cookie and the backend port (0: none).
type Plan struct {
	CookiePaths []string
	BackendPort int
}

// Observe makes every request of one target, each as soon as what it
// depends on is known (docs/contract.md, "Scan": requests that do not depend
// on each other start at once): the HTTPS root, the error page, the plain-HTTP root and deep
// path, NodeInfo (when detect is set), and the cookie paths and backend
// ports of every plan in plans. NodeInfo's document waits for its link,
// and the second root, made only for a page with a CSP nonce, for the
// root's headers or body. The plan to keep is then pick(the detected
// software): with a fixed profile plans holds just that one; with auto it
// holds each built-in profile's, fetched before detection says which
// applies, since waiting for detection costs two round trips and the extra
// paths ride the connection already open (HTTP/2 streams, or pipelined
// HTTP/1.1). Speculative backend probes that
// pick does not keep are cancelled: a filtered port must not hold a scan
// that does not need it.
func (c *Session) Observe(ctx context.Context, u *url.URL, detect bool, plans []Plan, pick func(*result.Software) Plan) (*Observed, error) {
	ctx, cancel := context.WithCancel(withSteps(ctx))
	defer cancel()
	o := &Observed{URL: u, Insecure: c.opt.Insecure, DeepPath: DeepPath}
	// Plain HTTP: / and the deep path, pipelined on one connection: two
	// round trips (TCP and the requests), fewer than the HTTPS side needs.
	var plain sync.WaitGroup
	plain.Add(2)
	rootDone := make(chan struct{})
	rootSent := make(chan struct{})
	go func() {
		defer plain.Done()
		defer close(rootDone)
		o.HTTP, o.HTTPErr = c.get(ctx, request{url: &url.URL{Scheme: "http", Host: hostOnly(u), Path: "/"}, noSecrets: true,
			onSent: func() { close(rootSent) }})
	}()
	go func() {
		defer plain.Done()
		deep, _ := url.Parse("http://" + hostOnly(u) + DeepPath)
		behind(ctx, rootSent, rootDone)
		ch, err := c.get(ctx, request{url: deep, noSecrets: true})
		<-rootDone
		if o.HTTPErr != nil {
			// Port 80 refused, or did not answer within the timeout: the
			// deep path says the same.
			o.DeepHTTPErr = o.HTTPErr
			return
		}
		o.DeepHTTP, o.DeepHTTPErr = ch, err
	}()

	// The backend ports of every plan, each cancellable on its own.
	type backend struct {
		probe  *Probe
		cancel context.CancelFunc
		done   chan struct{}
	}
	backends := map[int]*backend{}
	var paths []string
	named := map[string]bool{}
	for _, pl := range plans {
		for _, p := range pl.CookiePaths {
			if !named[p] {
				paths = append(paths, p)
			}
			named[p] = true
		}
		if port := pl.BackendPort; port > 0 && backends[port] == nil {
			bctx, bcancel := context.WithCancel(ctx)
			b := &backend{cancel: bcancel, done: make(chan struct{})}
			backends[port] = b
			go func() {
				defer close(b.done)
				b.probe = c.probeBackend(bctx, u.Hostname(), port)
			}()
		}
	}

	verify := !o.Insecure
	r := c.round(ctx, u, verify, false, detect, paths)
	if r.rootErr != nil && verify && IsCertificateError(r.rootErr) {
		// Certificate problems are findings: judge the site without
		// verification, and without -H secrets, since whoever answered
		// may not be the host.
		o.CertErr = r.rootErr
		verify = false
		r = c.round(ctx, u, false, true, detect, paths)
	}
	o.Verified = verify && r.rootErr == nil
	o.Root, o.ErrorPage, o.Again = r.root, r.errorPage, r.again
	if r.rootErr != nil {
		cancel()
		plain.Wait()
		for _, b := range backends {
			<-b.done
		}
		return o, r.rootErr
	}
	o.Down = o.Root.Final().Status >= 500
	if detect {
		o.Software = r.software
		if o.Software == nil {
			o.Software = serverSoftware(o.Root)
		}
	}
	pl := pick(o.Software)
	for port, b := range backends {
		if port != pl.BackendPort {
			b.cancel()
		}
	}
	var late sync.WaitGroup
	o.CookieChains = make([]*Chain, len(pl.CookiePaths))
	for i, p := range pl.CookiePaths {
		if ch, ok := r.cookies[p]; ok {
			o.CookieChains[i] = ch
			continue
		}
		// Not fetched yet: it waited for detection (HTTP/1.1), or no
		// plan named it.
		late.Add(1)
		go func() {
			defer late.Done()
			o.CookieChains[i] = c.cookiePath(ctx, u, p, verify, r.noSecrets)
		}()
	}
	if port := pl.BackendPort; port > 0 {
		if b := backends[port]; b != nil {
			<-b.done
			o.Backend = b.probe
		} else {
			o.Backend = c.probeBackend(ctx, u.Hostname(), port)
		}
	}
	late.Wait()
	plain.Wait()
	for _, b := range backends {
		<-b.done
	}
	return o, nil
}

// round is the HTTPS requests of a target, made together over one
// transport: verified, or blind after the certificate did not verify.
type round struct {
	root      *Chain
	rootErr   error
	errorPage *Chain
	again     *Chain
	cookies   map[string]*Chain // by path; nil chains for failed requests
	software  *result.Software
	noSecrets bool
}

func (c *Session) round(ctx context.Context, u *url.URL, verify, noSecrets, detect bool, paths []string) *round {
	r := &round{cookies: make(map[string]*Chain, len(paths)), noSecrets: noSecrets}
	var wg sync.WaitGroup
	var mu sync.Mutex
	rootSent, rootDone := make(chan struct{}), make(chan struct{})
	run := func(f func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			behind(ctx, rootSent, rootDone)
			f()
		}()
	}
	// Started together: over HTTP/2 they share the connection as streams,
	// over HTTP/1.1 they are pipelined on it. NodeInfo goes first, since
	// its document waits for its link; the root goes in this goroutine,
	// whose stack has grown already.
	if detect {
		run(func() { r.software = c.detect(ctx, u, verify) })
	}
	run(func() {
		eu := *u
		eu.Path, eu.RawPath, eu.RawQuery, eu.Fragment = ErrorPrefix+fmt.Sprintf("%016x", rand.Uint64()), "", "", ""
		r.errorPage, _ = c.get(ctx, request{url: &eu, verify: verify, readBody: true, noSecrets: noSecrets})
	})
	for _, p := range paths {
		// A path only some plans name is fetched before detection too:
		// waiting would cost a round trip, and on the wire it rides the
		// requests already under way (HTTP/2 streams, or pipelined).
		run(func() {
			ch := c.cookiePath(ctx, u, p, verify, noSecrets)
			mu.Lock()
			r.cookies[p] = ch
			mu.Unlock()
		})
	}
	// The second root shows whether a CSP nonce changes (CSP3 §7.1); it is
	// asked only of a page whose policy has a nonce: as soon as the root's
	// headers carry one (over HTTP/2 a stream of its own, over HTTP/1.1
	// pipelined behind the root), else once the body's <meta> policy is
	// read. Every other site is spared a request.
	var again sync.Once
	fetchAgain := func() {
		again.Do(func() {
			run(func() {
				r.again, _ = c.get(ctx, request{url: u, follow: true, verify: verify, readBody: true, noSecrets: noSecrets})
			})
		})
	}
	r.root, r.rootErr = c.get(ctx, request{url: u, follow: true, verify: verify, readBody: true, noSecrets: noSecrets,
		onSent: func() { close(rootSent) },
		onHead: func(h Hop) {
			if h.Location == nil && headerNonce(h.Header) {
				fetchAgain()
			}
		}})
	close(rootDone)
	if r.rootErr == nil && carriesNonce(r.root) {
		fetchAgain()
	}
	wg.Wait()
	return r
}

// behind waits until the root's request is sent, or the root is over, so
// that over HTTP/1.1 the root is the first request on its connection:
// pipelined behind another page, a slow answer to that page would cost the
// root's verdicts. It costs no round trip: the others are written right
// after it, on the same connection.
func behind(ctx context.Context, sent, done <-chan struct{}) {
	select {
	case <-sent:
	case <-done:
	case <-ctx.Done():
	}
}

// headerNonce reports a nonce-source in a header policy, enforced or
// report-only.
func headerNonce(h http.Header) bool {
	return policiesNonce(h.Values("Content-Security-Policy")) || policiesNonce(h.Values("Content-Security-Policy-Report-Only"))
}

// carriesNonce reports a nonce-source in a policy of the chain's final
// response: a header's, or a <meta http-equiv=Content-Security-Policy> of
// its decoded head.
func carriesNonce(ch *Chain) bool {
	f := ch.Final()
	if f == nil {
		return false
	}
	if headerNonce(f.Header) {
		return true
	}
	// A <meta> policy needs an http-equiv attribute, whose name no
	// character reference can spell: a body without one has no policy to
	// parse a document for.
	if ch.Undecoded || !containsFold(ch.Body, "http-equiv") {
		return false
	}
	head, _, _ := htmlmeta.Parse(bytes.NewReader(ch.Body), MaxBodyBytes)
	return policiesNonce(head.CSP)
}

func policiesNonce(values []string) bool {
	for _, v := range values {
		// Only a value with a quote and "nonce-" can hold a
		// nonce-source (CSP3 §2.3.1): the others need no parse.
		if !containsFold(v, "'nonce-") {
			continue
		}
		for _, p := range csp.ParseList(v) {
			for _, d := range p.Directives {
				for _, s := range d.Sources {
					if s.Kind == csp.KindNonce {
						return true
					}
				}
			}
		}
	}
	return false
}

// cookiePath fetches one of the profile's cookie paths, first hop only; nil
// when it failed.
func (c *Session) cookiePath(ctx context.Context, u *url.URL, path string, verify, noSecrets bool) *Chain {
	cu := *u
	cu.Path, cu.RawPath, cu.RawQuery, cu.Fragment = path, "", "", ""
	ch, err := c.get(ctx, request{url: &cu, verify: verify, noSecrets: noSecrets})
	if err != nil {
		return nil
	}
	return ch
}

// probeBackend asks the backend port for / on a connection of its own: the
// connect says whether the port is open, the answer whether an application
// server is behind it. One connection, so two round trips, not three.
func (c *Session) probeBackend(ctx context.Context, host string, port int) *Probe {
	p := &Probe{Port: port}
	addr := net.JoinHostPort(host, fmt.Sprint(port))
	ctx, cancel := context.WithTimeout(ctx, c.opt.Timeout)
	defer cancel()
	ctx, st := withStep(ctx, addr)
	defer st.end()
	conn, err := c.dial(ctx, "tcp", addr)
	if err != nil {
		return p
	}
	defer conn.Close()
	p.Open = true
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/", nil)
	req.Header.Set("User-Agent", c.opt.UserAgent)
	c.requests.Add(1)
	if err := req.Write(conn); err != nil {
		p.Err = fmt.Errorf("GET http://%s/: %w", addr, describe(ctx, err, c.opt.Timeout))
		return p
	}
	resp, err := http.ReadResponse(bufio.NewReader(io.LimitReader(conn, MaxHeaderBytes)), req)
	if err != nil {
		p.Err = fmt.Errorf("GET http://%s/: %w", addr, describe(ctx, err, c.opt.Timeout))
		return p
	}
	_ = resp.Body.Close()
	p.Status = resp.StatusCode
	return p
}

// DaysLeft is how many whole days leaf has left at now (negative once expired).
func DaysLeft(leaf *x509.Certificate, now time.Time) int {
	return int(math.Floor(leaf.NotAfter.Sub(now).Hours() / 24))
}

// Cookies parses every Set-Cookie of every response once, each with the
// URL that set it, in the order they arrived. Lines that do not parse are
// kept out: the cookie checks report what a browser would store or reject.
// At most MaxCookiesPerResponse lines of one response are read.
func (o *Observed) Cookies() []setcookie.Seen {
	if o.parsed {
		return o.seen
	}
	o.parsed = true
	visit := 0
	add := func(ch *Chain) {
		if ch == nil {
			return
		}
		visit++ // each chain is followed with a cookie store of its own
		for _, h := range ch.Hops {
			lines := h.Header.Values("Set-Cookie")
			if len(lines) > MaxCookiesPerResponse {
				o.dropped += len(lines) - MaxCookiesPerResponse
				lines = lines[:MaxCookiesPerResponse]
			}
			for _, line := range lines {
				c, err := setcookie.Parse(line)
				if err != nil {
					continue
				}
				o.seen = append(o.seen, setcookie.Seen{Cookie: c, SetBy: h.URL, Visit: visit})
			}
		}
	}
	add(o.HTTP)
	add(o.Root)
	for _, ch := range o.CookieChains {
		add(ch)
	}
	return o.seen
}

// hostOnly is u's host without its port, bracketed for IPv6.
func hostOnly(u *url.URL) string {
	h := u.Hostname()
	if strings.Contains(h, ":") {
		return "[" + h + "]"
	}
	return h
}

// Refused tells a closed port from other dial failures.
func Refused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }

// Dropped is how many Set-Cookie lines were beyond MaxCookiesPerResponse.
func (o *Observed) Dropped() int {
	o.Cookies()
	return o.dropped
}

// containsFold reports whether b holds lower, a lower-case ASCII string,
// in any ASCII case.
func containsFold[T string | []byte](b T, lower string) bool {
	first := lower[0]
	for i := 0; i+len(lower) <= len(b); i++ {
		if c := b[i]; c == first || c|0x20 == first {
			if asciiEqualFold(b[i:i+len(lower)], lower) {
				return true
			}
		}
	}
	return false
}

func asciiEqualFold[T string | []byte](b T, lower string) bool {
	for i := range len(lower) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
