package oracle

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"strings"
	"time"

	"github.com/hardscan/hardscan/internal/judge"
	"github.com/hardscan/hardscan/internal/judge/cookie"
	"github.com/hardscan/hardscan/internal/judge/csp"
	"github.com/hardscan/hardscan/internal/probe"
	"github.com/hardscan/hardscan/internal/profile"
	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/result"
)

// verdicts are hardscan's findings on one case, by "id" or "id[subject]".
type verdicts map[string]finding.Finding

func key(f finding.Finding) string {
	if f.Subject == "" {
		return f.ID
	}
	return f.ID + "[" + f.Subject + "]"
}

// scan runs the real scan path on the case's host: the probe fetches it
// over loopback as hardscan would, and the judges judge what it fetched.
// Every cookie the case sets is judged as a session cookie, so that each
// gets its pass findings too. The store model is what hardscan believes
// the browser keeps of those cookies.
func (l *lab) scan(ctx context.Context, c *ocase, host string) (verdicts, []modelled, error) {
	name := c.profile
	if name == "" {
		name = "modern"
	}
	p, err := profile.Builtin(name)
	if err != nil {
		return nil, nil, err
	}
	client := probe.NewClient(probe.Options{
		Timeout: 10 * time.Second, RootCAs: l.ca.Pool(), UserAgent: "hardscan-oracle",
		Resolve: []probe.Resolve{{Host: "*", Port: "443", Addr: l.httpsAddr}, {Host: "*", Port: "80", Addr: l.httpAddr}},
	})
	s := client.Session()
	defer s.CloseIdle()
	var paths []string
	for _, cr := range c.cookies {
		paths = append(paths, cr.path)
	}
	plan := probe.Plan{CookiePaths: paths}
	u := &url.URL{Scheme: "https", Host: host, Path: "/"}
	o, err := s.Observe(ctx, u, false, []probe.Plan{plan}, func(*result.Software) probe.Plan { return plan })
	if err != nil {
		return nil, nil, fmt.Errorf("scan %s: %w", host, err)
	}
	if o.Root == nil || len(o.Root.Hops) == 0 {
		return nil, nil, fmt.Errorf("scan %s: no response", host)
	}
	now := time.Now()
	fs := judge.Site(p, o, now)
	exp := p.Cookies
	for _, s := range o.Cookies() {
		exp.Names = append(exp.Names, s.Cookie.Name)
	}
	v := verdicts{}
	for _, f := range fs {
		if !strings.HasPrefix(f.ID, "cookie.") {
			v[key(f)] = f
		}
	}
	for _, f := range cookie.Judge(o.Cookies(), exp, now) {
		v[key(f)] = f
	}
	return v, storeModel(o.Cookies(), exp, now), nil
}

// nonces are the nonces of the enforced header policies: the page tags a
// script with each, as a site does with its own.
func nonces(values []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range values {
		for _, p := range csp.ParseList(v) {
			for _, d := range p.Directives {
				for _, s := range d.Sources {
					if s.Kind == csp.KindNonce && !seen[s.Value] {
						seen[s.Value] = true
						out = append(out, s.Value)
					}
				}
			}
		}
	}
	return out
}

// metaPolicies are the policies of the <meta http-equiv> elements the
// cases write in head (always as meta(), content last and double-quoted).
func metaPolicies(head string) []string {
	var out []string
	for _, part := range strings.Split(head, `http-equiv="Content-Security-Policy" content="`)[1:] {
		if v, _, ok := strings.Cut(part, `"`); ok {
			out = append(out, html.UnescapeString(v))
		}
	}
	return out
}
