package judge

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/internal/judge/cookie"
	"github.com/hardscan/hardscan/internal/judge/csp"
	"github.com/hardscan/hardscan/internal/judge/header"
	"github.com/hardscan/hardscan/internal/judge/hsts"
	"github.com/hardscan/hardscan/internal/parse/htmlmeta"
	"github.com/hardscan/hardscan/internal/parse/sts"
	"github.com/hardscan/hardscan/internal/probe"
	"github.com/hardscan/hardscan/internal/profile"
	"github.com/hardscan/hardscan/scan/finding"
)

// Site compares what was observed with the profile. Headers are judged on
// the final HTTPS response, HSTS on the first, cookies on every response.
func Site(p *profile.Profile, o *probe.Observed, now time.Time) []finding.Finding {
	// A site's findings number a few dozen: one allocation, not a series
	// of growing copies of them.
	fs := make([]finding.Finding, 0, 48)
	fs = append(fs, judgeTLS(o, now)...)
	fs = append(fs, judgeRedirect(p, o))
	if f, ok := judgeRedirectPath(o); ok {
		fs = append(fs, f)
	}
	if o.Backend != nil {
		fs = append(fs, judgeBackend(p, o.Backend))
	}
	fs = append(fs, judgeFetchLimits(o)...)

	first, final := o.Root.Hops[0], o.Root.Final()
	fs = append(fs, hsts.Judge(hstsHop(o).Header.Values("Strict-Transport-Security"), p.HSTS)...)
	fs = append(fs, hsts.Preload(hsts.PreloadInput{
		FirstHTTPSValues: first.Header.Values("Strict-Transport-Security"),
		HTTPHops:         httpHops(o),
		Host:             o.URL.Hostname(),
	}))

	fs = documentFindings(fs, p, final.Header, o.Root.Body, final, againCSP(o), cachedBy(final, o.Again))
	fs = append(fs, cookie.Judge(o.Cookies(), p.Cookies, now)...)
	if o.Dropped() > 0 {
		fs = append(fs, finding.Finding{ID: check.ResponseTruncated, Reason: check.CappedCookies, Severity: finding.Warn, Subject: "set-cookie",
			Expected: fmt.Sprintf("at most %d Set-Cookie lines a response", probe.MaxCookiesPerResponse), Actual: fmt.Sprintf("%d more", o.Dropped()),
			Message: fmt.Sprintf("only the first %d Set-Cookie lines of each response were judged; %d more were not: a browser keeps about 180 cookies per site", probe.MaxCookiesPerResponse, o.Dropped())})
	}
	fs = append(fs, judgeErrorPage(p, o)...)
	down := judgeSiteDown(o)
	fs = append(fs, down)
	if down.Severity != finding.Pass {
		markSiteDown(fs, p.Headers.Rules, final.Status)
	}
	return fs
}

// documentFindings judges the policies one response gives its document:
// CSP (headers and <meta>) and the other security headers, and appends
// them to fs. again are the CSP values of a second response to the same
// URL (nil: not fetched), to see whether its nonces change.
func documentFindings(fs []finding.Finding, p *profile.Profile, h http.Header, body []byte, hop *probe.Hop, again []string, cached string) []finding.Finding {
	var head htmlmeta.Head
	if htmlmeta.MayHaveMeta(body) {
		head, _, _ = htmlmeta.Parse(bytes.NewReader(body), probe.MaxBodyBytes)
	}
	enforced := h.Values("Content-Security-Policy")
	policies := csp.ParseHeaders(enforced)
	in := csp.Input{
		Enforced:   enforced,
		Policies:   policies,
		ReportOnly: h.Values("Content-Security-Policy-Report-Only"),
		Meta:       head.CSP,
		Origin:     hop.URL,
		Again:      again,
		Cached:     cached,
	}
	if len(again) > 0 && hasNonce(enforced) {
		in.PageNonces = htmlmeta.ScriptNonces(body)
	}
	fs = append(fs, csp.Judge(in, p.CSP)...)
	restricts, open := frameAncestors(policies)
	return append(fs, header.Judge(header.Input{
		Header:                h,
		MetaReferrer:          head.Referrer,
		CSPFrameAncestors:     restricts,
		CSPFrameAncestorsOpen: open && !restricts,
	}, p.Headers)...)
}

// againCSP are the CSP values of the second GET of /, nil when it was not
// made or ended elsewhere.
func againCSP(o *probe.Observed) []string {
	if o.Again == nil || len(o.Again.Hops) == 0 {
		return nil
	}
	return o.Again.Final().Header.Values("Content-Security-Policy")
}

// cachedBy names the header of the root or its second fetch that shows a
// shared cache answered: Age (RFC 9111 §5.1), or a HIT in the X-Cache,
// X-Cached or CF-Cache-Status header that proxies and CDNs add.
func cachedBy(root *probe.Hop, again *probe.Chain) string {
	hops := []*probe.Hop{root}
	if again != nil && len(again.Hops) > 0 {
		hops = append(hops, again.Final())
	}
	for _, h := range hops {
		if a := h.Header.Get("Age"); a != "" && a != "0" {
			return "Age: " + a
		}
		for _, name := range []string{"X-Cache", "X-Cached", "CF-Cache-Status"} {
			if v := h.Header.Get(name); strings.Contains(strings.ToUpper(v), "HIT") {
				return name + ": " + v
			}
		}
	}
	return ""
}

func hasNonce(values []string) bool {
	for _, v := range values {
		if strings.Contains(strings.ToLower(v), "'nonce-") {
			return true
		}
	}
	return false
}

// frameAncestors reports whether an enforced header policy restricts
// framing with frame-ancestors (restricts), and whether one has a
// frame-ancestors that allows any host (open: *, https:, https://*). Either
// makes browsers ignore X-Frame-Options (HTML Standard); only the first
// stands in for it.
func frameAncestors(policies []csp.Policy) (restricting, open bool) {
	for _, p := range policies {
		if d, ok := p.Get("frame-ancestors"); ok {
			if restricts(d) {
				restricting = true
			} else {
				open = true
			}
		}
	}
	return restricting, open
}

func restricts(d csp.Directive) bool {
	for _, src := range d.Sources {
		if src.Kind == csp.KindScheme || (src.Kind == csp.KindHost && src.Host == "*") {
			return false
		}
	}
	return true
}

// hstsHop is the response whose Strict-Transport-Security header is in
// effect once the root's redirects are followed: a browser processes the
// header on every HTTPS response of the host, redirects included (RFC 6797
// §8.1), each valid one replacing what it noted before (max-age=0
// deleting it) and an invalid one ignored. So the last hop of the
// target's own host with a valid header counts; with none valid, the
// first that has the header, to say why it is ignored; with none at
// all, the first hop.
func hstsHop(o *probe.Observed) *probe.Hop {
	var withHeader, valid *probe.Hop
	for i := range o.Root.Hops {
		h := &o.Root.Hops[i]
		if h.URL == nil || !strings.EqualFold(h.URL.Scheme, "https") || !strings.EqualFold(h.URL.Hostname(), o.URL.Hostname()) {
			continue
		}
		vs := h.Header.Values("Strict-Transport-Security")
		if len(vs) == 0 {
			continue
		}
		if withHeader == nil {
			withHeader = h
		}
		if _, err := sts.Parse(vs[0]); err == nil {
			valid = h
		}
	}
	switch {
	case valid != nil:
		return valid
	case withHeader != nil:
		return withHeader
	}
	return &o.Root.Hops[0]
}

func httpHops(o *probe.Observed) []string {
	if o.HTTP == nil {
		return nil
	}
	return o.HTTP.URLs()
}

// judgeTLS reports whether the chain verified and how long it has left.
func judgeTLS(o *probe.Observed, now time.Time) []finding.Finding {
	cert := finding.Finding{ID: check.TLSCertificate, Expected: "a chain that verifies for " + o.URL.Hostname()}
	switch {
	case o.Insecure:
		cert.Severity, cert.Reason, cert.Actual = finding.Info, check.NotVerified, "not verified"
		cert.Message = "the certificate was not verified (--insecure); run without -k to check it"
	case o.CertErr != nil:
		cert.Severity, cert.Reason, cert.Actual = finding.Fail, check.Invalid, certProblem(o.CertErr)
		cert.Message = "browsers refuse this certificate: " + certProblem(o.CertErr) + "; headers were still judged without verification"
	default:
		cert.Severity, cert.Reason, cert.Actual = finding.Pass, check.OK, "verified"
		cert.Message = "the certificate chain verifies for the host"
	}
	fs := []finding.Finding{cert}
	first := o.Root.Hops[0]
	if first.TLS == nil || len(first.TLS.PeerCertificates) == 0 {
		return fs
	}
	fs = append(fs, judgeTLSVersion(first.TLS.Version))
	leaf := first.TLS.PeerCertificates[0]
	days := probe.DaysLeft(leaf, now)
	exp := finding.Finding{ID: check.TLSExpiry, Reason: check.OK, Expected: "at least 21 days left", Actual: fmt.Sprintf("%d days left (until %s)", days, leaf.NotAfter.UTC().Format("2006-01-02"))}
	switch {
	case days < 0:
		exp.Severity, exp.Reason, exp.Actual = finding.Fail, check.Expired, fmt.Sprintf("expired %d days ago (%s)", -days, leaf.NotAfter.UTC().Format("2006-01-02"))
		exp.Message = "the certificate has expired"
	case days < 7:
		exp.Severity, exp.Reason, exp.Message = finding.Fail, check.ExpiresSoon, "the certificate expires within a week"
	case days < 21:
		exp.Severity, exp.Reason, exp.Message = finding.Warn, check.Expiring, "the certificate expires within three weeks: automatic renewal may not be running"
	default:
		exp.Severity, exp.Message = finding.Pass, "the certificate is not close to expiry"
	}
	return append(fs, exp)
}

// judgeTLSVersion fails TLS 1.0 and 1.1: every current browser refuses them
// (RFC 8996), so a server that offers nothing newer is unreachable.
func judgeTLSVersion(v uint16) finding.Finding {
	f := finding.Finding{ID: check.TLSVersion, Expected: "TLS 1.2 or 1.3", Actual: tls.VersionName(v)}
	if v < tls.VersionTLS12 {
		f.Severity, f.Reason = finding.Fail, check.Obsolete
		f.Message = "the server negotiated " + tls.VersionName(v) + ", which browsers refuse (RFC 8996 deprecates it)"
		return f
	}
	f.Severity, f.Reason = finding.Pass, check.OK
	f.Message = "a current TLS version was negotiated"
	return f
}

// certProblem turns a verification error into a short reason.
func certProblem(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "tls: "); i >= 0 {
		msg = msg[i:]
	}
	return msg
}

// judgeRedirect wants the first HTTP response to redirect to https on the
// same host, so that HSTS can be set for that host (hstspreload's rule).
func judgeRedirect(p *profile.Profile, o *probe.Observed) finding.Finding {
	f := finding.Finding{ID: check.HTTPSRedirect, Expected: "301 to https://" + o.URL.Hostname() + "/"}
	bad := finding.Fail
	if !p.HTTPSRedirect.Required {
		bad = finding.Warn
	}
	switch {
	case o.HTTPErr != nil && probe.Refused(o.HTTPErr):
		f.Severity, f.Reason, f.Actual = finding.Warn, check.Refused, "port 80 refused the connection"
		f.Message = "nothing answers on port 80: users who type the bare name get an error instead of a redirect"
	case o.HTTPErr != nil:
		f.Severity, f.Reason, f.Actual = finding.Warn, check.NoAnswer, "no answer on port 80"
		f.Message = "port 80 gave no usable answer (" + o.HTTPErr.Error() + ")"
	case o.HTTP == nil || len(o.HTTP.Hops) == 0:
		f.Severity, f.Reason, f.Actual = finding.Info, check.NotProbed, "not probed"
		f.Message = "plain HTTP was not probed"
	default:
		first := o.HTTP.Hops[0]
		loc := first.Location
		switch {
		case loc == nil:
			f.Severity, f.Reason, f.Actual = bad, check.NoRedirect, fmt.Sprintf("%d without redirect", first.Status)
			f.Message = "plain HTTP is served without redirecting to https"
		case loc.Scheme != "https":
			f.Severity, f.Reason, f.Actual = bad, check.NotHTTPS, fmt.Sprintf("%d to %s", first.Status, loc)
			f.Message = "the HTTP redirect does not go to https"
		case !strings.EqualFold(loc.Hostname(), o.URL.Hostname()):
			f.Severity, f.Reason, f.Actual = finding.Warn, check.OtherHost, fmt.Sprintf("%d to %s", first.Status, loc)
			f.Message = "HTTP redirects to another host first, so this host's HSTS is never set for visitors who start on http"
		default:
			f.Severity, f.Reason, f.Actual = finding.Pass, check.OK, fmt.Sprintf("%d to %s", first.Status, loc)
			f.Message = "plain HTTP redirects to https on the same host"
		}
	}
	return f
}

// judgeBackend wants the application's own port closed to the outside.
func judgeBackend(p *profile.Profile, b *probe.Probe) finding.Finding {
	f := finding.Finding{ID: check.BackendExposed, Subject: fmt.Sprint(b.Port), Expected: "closed to the outside",
		Vars: map[string]string{"port": fmt.Sprint(b.Port)}}
	switch {
	case !b.Open:
		f.Severity, f.Reason, f.Actual, f.Message = finding.Pass, check.OK, "closed", fmt.Sprintf("port %d does not accept connections from outside", b.Port)
	case b.Status != 0:
		f.Severity, f.Reason, f.Actual = finding.Fail, check.HTTPAnswers, fmt.Sprintf("answers HTTP %d", b.Status)
		f.Message = fmt.Sprintf("the application server answers on port %d, bypassing the web server in front and its headers", b.Port)
	default:
		f.Severity, f.Reason, f.Actual = finding.Warn, check.Open, "open, no HTTP answer"
		f.Message = fmt.Sprintf("port %d accepts connections from outside", b.Port)
	}
	return f
}

// judgeFetchLimits says when a cap or a stop cut what was read, so that a
// verdict on partial data is never mistaken for a full one.
func judgeFetchLimits(o *probe.Observed) []finding.Finding {
	var fs []finding.Finding
	if o.Root.Truncated {
		fs = append(fs, finding.Finding{ID: check.ResponseTruncated, Reason: check.CappedBody, Severity: finding.Info, Subject: o.Root.Final().URL.String(),
			Expected: fmt.Sprintf("a body under %d bytes", probe.MaxBodyBytes), Actual: "larger, or cut short",
			Message: fmt.Sprintf("only the first %d bytes of the page were read for <meta> policies", probe.MaxBodyBytes)})
	}
	if o.Root.Undecoded {
		// A server that sends zstd (or another coding hardscan cannot
		// decode) though hardscan's Accept-Encoding does not list it:
		// browsers decode it and enforce the page's <meta> policies, which
		// hardscan could not read.
		fs = append(fs, finding.Finding{ID: check.ResponseTruncated, Reason: check.Undecoded, Severity: finding.Warn, Subject: o.Root.Final().URL.String(),
			Expected: "a body in a coding hardscan asked for (" + probe.AcceptEncoding + ")", Actual: "Content-Encoding: " + o.Root.Encoding,
			Message: fmt.Sprintf("the page came %s-encoded though hardscan did not ask for it and cannot decode it, so its <meta> policies (CSP, referrer) were not read: browsers enforce them, the verdicts here cover the headers only", o.Root.Encoding)})
	}
	if o.Root.Downgrade {
		fs = append(fs, finding.Finding{ID: check.RedirectDowngrade, Reason: check.Downgrade, Severity: finding.Fail, Subject: "https",
			Expected: "https all the way", Actual: o.Root.Stopped,
			Message: "an https page redirects to plain http, where its headers protect nothing and anyone on the path can read and change it"})
	} else if f := o.Root.Final(); o.Root.Disallowed && f != nil && f.Location != nil {
		fs = append(fs, finding.Finding{ID: check.RedirectStopped, Reason: check.OutsideAllow, Severity: finding.Info, Subject: "https",
			Expected: "a redirect to a host --allow matches", Actual: f.Location.Redacted(),
			Message: "the redirect leads to " + f.Location.Redacted() + ", a host --allow does not match: the exporter did not request it, and judged the headers of the last response received"})
	} else if o.Root.Stopped != "" {
		fs = append(fs, finding.Finding{ID: check.RedirectStopped, Reason: check.Stopped, Severity: finding.Warn, Subject: "https",
			Expected: "a final response within 10 redirects", Actual: o.Root.Stopped,
			Message: "redirects stopped (" + o.Root.Stopped + "); headers were judged on the last response received"})
	}
	return fs
}
