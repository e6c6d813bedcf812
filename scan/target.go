package scan

import (
	"context"
	"crypto/tls"
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

	"github.com/hardscan/hardscan/scan/cookie"
	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/profile"
	"github.com/hardscan/hardscan/scan/result"
)

// Scanner scans targets with one shared client.
type Scanner struct {
	Client *Client
	// Profile is what every target is judged against; nil means auto:
	// detect the software and pick its profile, else modern.
	Profile *profile.Profile
	// BackendPort overrides the profile's backend port when >= 0 (0: off).
	BackendPort int
	// Now is the clock for certificate expiry; nil means time.Now.
	Now func() time.Time

	// builtins caches the parsed built-in profiles auto picks from, so
	// that a profile file is parsed once a run, not per target.
	builtins sync.Map // name -> *profile.Profile
}

// Observed is everything fetched for one target, before judging.
type Observed struct {
	URL      *url.URL
	Root     *Chain // GET https://host/ with redirects followed
	HTTP     *Chain // GET http://host/, first hop only
	HTTPErr  error
	Cookies  []*Chain // the profile's cookie paths
	Backend  *Probe   // nil when no backend port is probed
	Verified bool     // the certificate verified for the host
	CertErr  error    // why it did not
	Insecure bool     // -k: verification was not attempted
	Software *result.Software

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

// Scan fetches and judges one target. It never returns nil: a target with no
// HTTPS response at all carries Error.
func (s *Scanner) Scan(ctx context.Context, u *url.URL) *result.Target {
	t := &result.Target{URL: u.String(), Headers: map[string][]string{}, Cookies: []result.Cookie{}, Findings: []finding.Finding{}}
	c := s.Client.session()
	defer c.CloseIdle()
	o, err := s.observe(ctx, c, u)
	if o != nil && o.Software != nil {
		t.Software = o.Software
	}
	prof := s.profileFor(o)
	t.Profile = prof.Name
	if err != nil {
		msg := err.Error()
		t.Error = &msg
		return t
	}
	fill(t, o, s.now())
	t.Findings = Judge(prof, o, s.now())
	version := ""
	if o.Software != nil {
		version = o.Software.Version
	}
	prof.Apply(t.Findings, version)
	t.Grade = Grade(t.Findings)
	return t
}

func (s *Scanner) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// profileFor picks the profile: the one asked for, or the detected
// software's built-in one, else modern.
func (s *Scanner) profileFor(o *Observed) *profile.Profile {
	if s.Profile != nil {
		return s.Profile
	}
	if o != nil && o.Software != nil && o.Software.Name != "modern" {
		if p, err := s.builtin(o.Software.Name); err == nil {
			return p
		}
	}
	p, err := s.builtin("modern")
	if err != nil {
		panic(fmt.Sprintf("built-in profile modern does not load: %v", err)) // a build defect, caught by tests
	}
	return p
}

// builtin returns the built-in profile called name, parsed once.
func (s *Scanner) builtin(name string) (*profile.Profile, error) {
	if p, ok := s.builtins.Load(name); ok {
		return p.(*profile.Profile), nil
	}
	p, err := profile.Builtin(name)
	if err != nil {
		return nil, err
	}
	s.builtins.Store(name, p)
	return p, nil
}

// observe makes every request of one target: the HTTPS chain while the
// HTTP probe runs, then (for auto) software detection, then the profile's
// cookie paths and the backend port at once.
func (s *Scanner) observe(ctx context.Context, c *session, u *url.URL) (*Observed, error) {
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
	if s.Profile == nil {
		o.Software = c.detect(ctx, u, verify)
		if o.Software == nil {
			o.Software = serverSoftware(o.Root)
		}
	}
	prof := s.profileFor(o)

	paths := append([]string{}, prof.CookiePaths...)
	if len(c.opt.Header) > 0 {
		paths = append(paths, prof.AuthCookiePaths...)
	}
	o.Cookies = make([]*Chain, len(paths))
	for i, p := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cu := *u
			cu.Path, cu.RawQuery, cu.Fragment = p, "", ""
			ch, err := c.get(ctx, request{url: &cu, verify: verify, noSecrets: !verify})
			if err == nil {
				o.Cookies[i] = ch
			}
		}()
	}
	port := prof.BackendPort
	if s.BackendPort >= 0 {
		port = s.BackendPort
	}
	if port > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o.Backend = c.probe(ctx, u.Hostname(), port)
		}()
	}
	wg.Wait()
	return o, nil
}

// probe connects to the backend port and, when it accepts, asks it for /.
func (c *session) probe(ctx context.Context, host string, port int) *Probe {
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

// fill copies the facts of o into the report's target.
func fill(t *result.Target, o *Observed, now time.Time) {
	final := o.Root.Final()
	t.Status = final.Status
	for k, vs := range final.Header {
		name := strings.ToLower(k)
		vs = append([]string(nil), vs...)
		if name == "set-cookie" {
			for i, v := range vs {
				vs[i] = cookie.Redact(v)
			}
		}
		t.Headers[name] = vs
	}
	t.Redirects.HTTPS = o.Root.URLs()
	if o.HTTP != nil {
		t.Redirects.HTTP = o.HTTP.URLs()
	} else {
		t.Redirects.HTTP = []string{}
	}
	if first := o.Root.Hops[0]; first.TLS != nil && len(first.TLS.PeerCertificates) > 0 {
		leaf := first.TLS.PeerCertificates[0]
		t.TLS = &result.TLS{
			Verified: o.Verified,
			Version:  tls.VersionName(first.TLS.Version),
			NotAfter: leaf.NotAfter.UTC(),
			DaysLeft: daysLeft(leaf, now),
		}
	}
	for _, s := range o.cookies() {
		t.Cookies = append(t.Cookies, result.Cookie{
			Name: s.Cookie.Name, SetBy: s.SetBy.String(), Secure: s.Cookie.Secure, HTTPOnly: s.Cookie.HTTPOnly,
			SameSite: s.Cookie.SameSite, Path: s.Cookie.Path, Domain: s.Cookie.Domain,
		})
	}
}

func daysLeft(leaf *x509.Certificate, now time.Time) int {
	return int(math.Floor(leaf.NotAfter.Sub(now).Hours() / 24))
}

// cookies parses every Set-Cookie of every response once, each with the
// URL that set it, in the order they arrived. Lines that do not parse are
// kept out: the cookie checks report what a browser would store or reject.
// At most MaxCookiesPerResponse lines of one response are read.
func (o *Observed) cookies() []cookie.Seen {
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
	for _, ch := range o.Cookies {
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

// refused tells a closed port from other dial failures.
func refused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }
