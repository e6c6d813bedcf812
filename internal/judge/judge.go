package judge

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"strings"
	"time"

	"github.com/hardscan/hardscan/internal/finding"
	"github.com/hardscan/hardscan/internal/judge/cookie"
	"github.com/hardscan/hardscan/internal/judge/csp"
	"github.com/hardscan/hardscan/internal/judge/header"
	"github.com/hardscan/hardscan/internal/judge/hsts"
	"github.com/hardscan/hardscan/internal/judge/htmlmeta"
	"github.com/hardscan/hardscan/internal/probe"
	"github.com/hardscan/hardscan/internal/profile"
)

// Site compares what was observed with the profile. Headers are judged on
// the final HTTPS response, HSTS on the first, cookies on every response.
func Site(p *profile.Profile, o *probe.Observed, now time.Time) []finding.Finding {
	var fs []finding.Finding
	fs = append(fs, judgeTLS(o, now)...)
	fs = append(fs, judgeRedirect(p, o))
	if o.Backend != nil {
		fs = append(fs, judgeBackend(p, o.Backend))
	}
	fs = append(fs, judgeFetchLimits(o)...)

	first, final := o.Root.Hops[0], o.Root.Final()
	fs = append(fs, hsts.Judge(first.Header.Values("Strict-Transport-Security"), p.HSTS)...)
	fs = append(fs, hsts.Preload(hsts.PreloadInput{
		FirstHTTPSValues: first.Header.Values("Strict-Transport-Security"),
		HTTPHops:         httpHops(o),
		Host:             o.URL.Hostname(),
	}))

	head, _, _ := htmlmeta.Parse(bytes.NewReader(o.Root.Body), probe.MaxBodyBytes)
	enforced := final.Header.Values("Content-Security-Policy")
	fs = append(fs, csp.Judge(csp.Input{
		Enforced:   enforced,
		ReportOnly: final.Header.Values("Content-Security-Policy-Report-Only"),
		Meta:       head.CSP,
		Origin:     final.URL,
	}, p.CSP)...)
	fs = append(fs, header.Judge(header.Input{
		Header:            final.Header,
		MetaReferrer:      head.Referrer,
		CSPFrameAncestors: hasFrameAncestors(enforced),
	}, p.Headers)...)
	fs = append(fs, cookie.Judge(o.Cookies(), p.Cookies)...)
	if o.Dropped() > 0 {
		fs = append(fs, finding.Finding{ID: "response.truncated", Severity: finding.Warn, Subject: "set-cookie",
			Expected: fmt.Sprintf("at most %d Set-Cookie lines a response", probe.MaxCookiesPerResponse), Actual: fmt.Sprintf("%d more", o.Dropped()),
			Message: fmt.Sprintf("only the first %d Set-Cookie lines of each response were judged; %d more were not: a browser keeps about 180 cookies per site", probe.MaxCookiesPerResponse, o.Dropped())})
	}
	return fs
}

// hasFrameAncestors reports whether an enforced header policy restricts
// framing with frame-ancestors, which makes browsers ignore X-Frame-Options.
// A frame-ancestors that allows any host (*, https:, https://*) restricts
// nothing, so it does not stand in for X-Frame-Options.
func hasFrameAncestors(headerValues []string) bool {
	for _, v := range headerValues {
		for _, p := range csp.ParseList(v) {
			if d, ok := p.Get("frame-ancestors"); ok && restricts(d) {
				return true
			}
		}
	}
	return false
}

func restricts(d csp.Directive) bool {
	for _, src := range d.Sources {
		if src.Kind == csp.KindScheme || (src.Kind == csp.KindHost && src.Host == "*") {
			return false
		}
	}
	return true
}

func httpHops(o *probe.Observed) []string {
	if o.HTTP == nil {
		return nil
	}
	return o.HTTP.URLs()
}

// judgeTLS reports whether the chain verified and how long it has left.
func judgeTLS(o *probe.Observed, now time.Time) []finding.Finding {
	cert := finding.Finding{ID: "tls.certificate", Expected: "a chain that verifies for " + o.URL.Hostname()}
	switch {
	case o.Insecure:
		cert.Severity, cert.Actual = finding.Info, "not verified"
		cert.Message = "the certificate was not verified (--insecure); run without -k to check it"
	case o.CertErr != nil:
		cert.Severity, cert.Actual = finding.Fail, certProblem(o.CertErr)
		cert.Message = "browsers refuse this certificate: " + certProblem(o.CertErr) + "; renew it or fix the chain (certbot renew, or serve the full chain with ssl_certificate fullchain.pem); headers were still judged without verification"
	default:
		cert.Severity, cert.Actual = finding.Pass, "verified"
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
	exp := finding.Finding{ID: "tls.expiry", Expected: "at least 21 days left", Actual: fmt.Sprintf("%d days left (until %s)", days, leaf.NotAfter.UTC().Format("2006-01-02"))}
	switch {
	case days < 0:
		exp.Severity, exp.Actual = finding.Fail, fmt.Sprintf("expired %d days ago (%s)", -days, leaf.NotAfter.UTC().Format("2006-01-02"))
		exp.Message = "the certificate has expired; renew it now"
	case days < 7:
		exp.Severity, exp.Message = finding.Fail, "the certificate expires within a week; renew it now and check that automatic renewal runs"
	case days < 21:
		exp.Severity, exp.Message = finding.Warn, "the certificate expires within three weeks; check that automatic renewal runs"
	default:
		exp.Severity, exp.Message = finding.Pass, "the certificate is not close to expiry"
	}
	return append(fs, exp)
}

// judgeTLSVersion fails TLS 1.0 and 1.1: every current browser refuses them
// (RFC 8996), so a server that offers nothing newer is unreachable.
func judgeTLSVersion(v uint16) finding.Finding {
	f := finding.Finding{ID: "tls.version", Expected: "TLS 1.2 or 1.3", Actual: tls.VersionName(v)}
	if v < tls.VersionTLS12 {
		f.Severity = finding.Fail
		f.Message = "the server negotiated " + tls.VersionName(v) + ", which browsers refuse (RFC 8996 deprecates it); enable TLS 1.2 and 1.3 (nginx: ssl_protocols TLSv1.2 TLSv1.3;)"
		return f
	}
	f.Severity = finding.Pass
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
	f := finding.Finding{ID: "https.redirect", Expected: "301 to https://" + o.URL.Hostname() + "/"}
	bad := finding.Fail
	if !p.HTTPSRedirect.Required {
		bad = finding.Warn
	}
	hint := ""
	if p.HTTPSRedirect.Hint != "" {
		hint = "; " + p.HTTPSRedirect.Hint
	}
	switch {
	case o.HTTPErr != nil && probe.Refused(o.HTTPErr):
		f.Severity, f.Actual = finding.Warn, "port 80 refused the connection"
		f.Message = "nothing answers on port 80: users who type the bare name get an error instead of a redirect; serve a redirect to https there" + hint
	case o.HTTPErr != nil:
		f.Severity, f.Actual = finding.Warn, "no answer on port 80"
		f.Message = "port 80 gave no usable answer (" + o.HTTPErr.Error() + "); serve a redirect to https there" + hint
	case o.HTTP == nil || len(o.HTTP.Hops) == 0:
		f.Severity, f.Actual = finding.Info, "not probed"
		f.Message = "plain HTTP was not probed"
	default:
		first := o.HTTP.Hops[0]
		loc := first.Location
		switch {
		case loc == nil:
			f.Severity, f.Actual = bad, fmt.Sprintf("%d without redirect", first.Status)
			f.Message = "plain HTTP is served without redirecting to https" + hint
		case loc.Scheme != "https":
			f.Severity, f.Actual = bad, fmt.Sprintf("%d to %s", first.Status, loc)
			f.Message = "the HTTP redirect does not go to https" + hint
		case !strings.EqualFold(loc.Hostname(), o.URL.Hostname()):
			f.Severity, f.Actual = finding.Warn, fmt.Sprintf("%d to %s", first.Status, loc)
			f.Message = "HTTP redirects to another host first, so this host's HSTS is never set for visitors who start on http; redirect to https://" + o.URL.Hostname() + "/ first"
		default:
			f.Severity, f.Actual = finding.Pass, fmt.Sprintf("%d to %s", first.Status, loc)
			f.Message = "plain HTTP redirects to https on the same host"
		}
	}
	return f
}

// judgeBackend wants the application's own port closed to the outside.
func judgeBackend(p *profile.Profile, b *probe.Probe) finding.Finding {
	f := finding.Finding{ID: "backend.exposed", Subject: fmt.Sprint(b.Port), Expected: "closed to the outside"}
	hint := ""
	if p.Backend.Hint != "" {
		hint = "; " + p.Backend.Hint
	}
	switch {
	case !b.Open:
		f.Severity, f.Actual, f.Message = finding.Pass, "closed", fmt.Sprintf("port %d does not accept connections from outside", b.Port)
	case b.Status != 0:
		f.Severity, f.Actual = finding.Fail, fmt.Sprintf("answers HTTP %d", b.Status)
		f.Message = fmt.Sprintf("the application server answers on port %d, bypassing nginx and its headers", b.Port) + hint
	default:
		f.Severity, f.Actual = finding.Warn, "open, no HTTP answer"
		f.Message = fmt.Sprintf("port %d accepts connections from outside; close it in the firewall unless something else needs it", b.Port) + hint
	}
	return f
}

// judgeFetchLimits says when a cap or a stop cut what was read, so that a
// verdict on partial data is never mistaken for a full one.
func judgeFetchLimits(o *probe.Observed) []finding.Finding {
	var fs []finding.Finding
	if o.Root.Truncated {
		fs = append(fs, finding.Finding{ID: "response.truncated", Severity: finding.Info, Subject: o.Root.Final().URL.String(),
			Expected: fmt.Sprintf("a body under %d bytes", probe.MaxBodyBytes), Actual: "larger, or cut short",
			Message: fmt.Sprintf("only the first %d bytes of the page were read for <meta> policies", probe.MaxBodyBytes)})
	}
	if o.Root.Downgrade {
		fs = append(fs, finding.Finding{ID: "redirect.downgrade", Severity: finding.Fail, Subject: "https",
			Expected: "https all the way", Actual: o.Root.Stopped,
			Message: "an https page redirects to plain http, where its headers protect nothing and anyone on the path can read and change it; redirect to https only"})
	} else if o.Root.Stopped != "" {
		fs = append(fs, finding.Finding{ID: "redirect.stopped", Severity: finding.Warn, Subject: "https",
			Expected: "a final response within 10 redirects", Actual: o.Root.Stopped,
			Message: "redirects stopped (" + o.Root.Stopped + "); headers were judged on the last response received"})
	}
	return fs
}
