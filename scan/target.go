package scan

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/internal/judge"
	"github.com/hardscan/hardscan/internal/parse/setcookie"
	"github.com/hardscan/hardscan/internal/probe"
	"github.com/hardscan/hardscan/internal/profile"
	"github.com/hardscan/hardscan/scan/result"
)

// Scanner scans targets with one shared client. Build one with New.
type Scanner struct {
	client *probe.Client
	// profile is what every target is judged against; nil means auto:
	// detect the software and pick its profile, else modern.
	profile *profile.Profile
	// backendPort overrides the profile's backend port when >= 0 (0: off).
	backendPort int
	// authorized is set when -H sends credentials, so that the profile's
	// paths that set the cookie only for a signed-in user are fetched.
	authorized bool
	// timeout is each request's bound; Run bounds a target by twice it
	// and a second.
	timeout time.Duration
	// Now is the clock for certificate expiry; nil means time.Now.
	Now func() time.Time

	// builtins caches the parsed built-in profiles auto picks from, so
	// that a profile file is parsed once a run, not per target.
	builtins sync.Map // name -> *profile.Profile

	plansOnce sync.Once
	plans     []probe.Plan
}

// Scan fetches and judges one target. It never returns nil: a target with no
// HTTPS response at all carries Error.
func (s *Scanner) Scan(ctx context.Context, u *url.URL) *result.Target {
	t := result.NewSite(u.String())
	c := s.client.Session()
	defer c.CloseIdle()
	o, err := c.Observe(ctx, u, s.profile == nil, s.candidates(), s.plan)
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
	t.Findings = judge.Site(prof, o, s.now())
	version := ""
	if o.Software != nil {
		version = o.Software.Version
	}
	prof.Apply(t.Findings, version)
	check.Attach(t.Findings, platforms(prof, o))
	t.Grade = judge.Grade(t.Findings)
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
func (s *Scanner) profileFor(o *probe.Observed) *profile.Profile {
	if s.profile != nil {
		return s.profile
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

// fill copies the facts of o into the report's target.
func fill(t *result.Target, o *probe.Observed, now time.Time) {
	final := o.Root.Final()
	t.Status = final.Status
	for k, vs := range final.Header {
		name := strings.ToLower(k)
		vs = append([]string(nil), vs...)
		if name == "set-cookie" {
			for i, v := range vs {
				vs[i] = setcookie.Redact(v)
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
			DaysLeft: probe.DaysLeft(leaf, now),
		}
	}
	for _, s := range o.Cookies() {
		t.Cookies = append(t.Cookies, result.Cookie{
			Name: s.Cookie.Name, SetBy: s.SetBy.String(), Secure: s.Cookie.Secure, HTTPOnly: s.Cookie.HTTPOnly,
			SameSite: s.Cookie.SameSite, Path: s.Cookie.Path, Domain: s.Cookie.Domain,
		})
	}
}

// candidates are the plans a scan may pick, fetched before detection picks
// one: the fixed profile's, or with auto every built-in profile's.
func (s *Scanner) candidates() []probe.Plan {
	s.plansOnce.Do(func() {
		if s.profile != nil {
			s.plans = []probe.Plan{s.planOf(s.profile)}
			return
		}
		for _, name := range profile.Names() {
			if p, err := s.builtin(name); err == nil {
				s.plans = append(s.plans, s.planOf(p))
			}
		}
	})
	return s.plans
}

// plan is what the profile for the detected software asks the probe for.
func (s *Scanner) plan(sw *result.Software) probe.Plan {
	return s.planOf(s.profileFor(&probe.Observed{Software: sw}))
}

func (s *Scanner) planOf(prof *profile.Profile) probe.Plan {
	paths := append([]string{}, prof.CookiePaths...)
	if s.authorized {
		paths = append(paths, prof.AuthCookiePaths...)
	}
	port := prof.BackendPort
	if s.backendPort >= 0 {
		port = s.backendPort
	}
	return probe.Plan{CookiePaths: paths, BackendPort: port}
}

// platforms says what the target runs, for the fixes: the application
// (detected, else the profile's), and the web server its Server header
// names (every one hardscan knows when it names none).
func platforms(prof *profile.Profile, o *probe.Observed) check.Target {
	t := check.Target{App: check.AppFrom(prof.Name), Host: o.URL.Hostname(), Port: o.URL.Port()}
	if o.Software != nil {
		if app := check.AppFrom(o.Software.Name); app != "" {
			t.App = app
		}
	}
	t.Servers = check.ServersFrom(serverName(o))
	return t
}

// serverName is the Server header that names the web server: the root's,
// else the error page's or the plain-HTTP answer's, since a server told to
// hide itself on pages (Caddy's header -Server) still names itself on the
// answers it makes on its own.
func serverName(o *probe.Observed) string {
	for _, ch := range []*probe.Chain{o.Root, o.ErrorPage, o.HTTP} {
		if ch == nil || len(ch.Hops) == 0 {
			continue
		}
		if s := ch.Final().Header.Get("Server"); s != "" {
			return s
		}
	}
	return ""
}
