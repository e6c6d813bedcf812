package probe

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hardscan/hardscan/internal/judge/cookie"
	"github.com/hardscan/hardscan/internal/result"
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

	// DeepHTTP is GET http://host/<a deep path>?<a query> (DeepPath): its
	// first hop must redirect keeping the path and query.
	DeepHTTP    *Chain
	DeepHTTPErr error
	DeepPath    string
	// ErrorPage is GET https://host/<a path that does not exist>, not
	// followed: the security headers must be on error pages too.
	ErrorPage *Chain
	// Again is a second GET https://host/ (followed), to see whether a CSP
	// nonce changes; nil when it was not fetched.
	Again *Chain

	seen    []cookie.Seen // parsed Set-Cookie lines, filled once by cookies()
	dropped int           // Set-Cookie lines beyond MaxCookiesPerResponse
	parsed  bool
}

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

// Observe makes every request of one target: the HTTPS chain while the
// HTTP probe runs, then (when detect is set) software detection, then what
// plan asks for, at once. plan is called with the detected software.
func (c *Session) Observe(ctx context.Context, u *url.URL, detect bool, plan func(*result.Software) Plan) (*Observed, error) {
	o := &Observed{URL: u, Insecure: c.opt.Insecure}
	httpURL := &url.URL{Scheme: "http", Host: hostOnly(u), Path: "/"}

	var wg sync.WaitGroup
	var rootErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		o.HTTP, o.HTTPErr = c.get(ctx, request{url: httpURL, noSecrets: true})
	}()
	verify := !o.Insecure
	o.Root, rootErr = c.get(ctx, request{url: u, follow: true, verify: verify, readBody: true})
	if rootErr != nil && verify && IsCertificateError(rootErr) {
		o.CertErr = rootErr
		verify = false
		o.Root, rootErr = c.get(ctx, request{url: u, follow: true, readBody: true, noSecrets: true})
	}
	o.Verified = verify && rootErr == nil
	if rootErr != nil {
		wg.Wait()
		return o, rootErr
	}
	// Detection waits for the root response so that it reuses its
	// connection: one TLS handshake per target where the server allows.
	if detect {
		o.Software = c.detect(ctx, u, verify)
		if o.Software == nil {
			o.Software = serverSoftware(o.Root)
		}
	}
	pl := plan(o.Software)
	paths := pl.CookiePaths
	o.CookieChains = make([]*Chain, len(paths))
	for i, p := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cu := *u
			cu.Path, cu.RawQuery, cu.Fragment = p, "", ""
			ch, err := c.get(ctx, request{url: &cu, verify: verify, noSecrets: !verify})
			if err == nil {
				o.CookieChains[i] = ch
			}
		}()
	}
	if port := pl.BackendPort; port > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o.Backend = c.probeBackend(ctx, u.Hostname(), port)
		}()
	}
	wg.Wait()
	return o, nil
}

// probeBackend connects to the backend port and, when it accepts, asks it for /.
func (c *Session) probeBackend(ctx context.Context, host string, port int) *Probe {
	p := &Probe{Port: port}
	addr := net.JoinHostPort(host, fmt.Sprint(port))
	dctx, cancel := context.WithTimeout(ctx, c.opt.Timeout)
	conn, err := c.dial(dctx, "tcp", addr)
	cancel()
	if err != nil {
		return p
	}
	_ = conn.Close()
	p.Open = true
	ch, err := c.get(ctx, request{url: &url.URL{Scheme: "http", Host: addr, Path: "/"}, noSecrets: true})
	if err != nil {
		p.Err = err
		return p
	}
	p.Status = ch.Hops[0].Status
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
func (o *Observed) Cookies() []cookie.Seen {
	if o.parsed {
		return o.seen
	}
	o.parsed = true
	add := func(ch *Chain) {
		if ch == nil {
			return
		}
		for _, h := range ch.Hops {
			lines := h.Header.Values("Set-Cookie")
			if len(lines) > MaxCookiesPerResponse {
				o.dropped += len(lines) - MaxCookiesPerResponse
				lines = lines[:MaxCookiesPerResponse]
			}
			for _, line := range lines {
				c, err := cookie.Parse(line)
				if err != nil {
					continue
				}
				o.seen = append(o.seen, cookie.Seen{Cookie: c, SetBy: h.URL})
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
