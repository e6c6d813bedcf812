package judge

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/internal/probe"
	"github.com/hardscan/hardscan/scan/finding"
)

// judgeRedirectPath wants the plain-HTTP redirect of a deep URL to go to
// the same path and query over https on the same host (docs/contract.md, scan step 6).
// Apache's `Redirect permanent / https://host` without a trailing slash
// glues the path onto the host name: http://host/.evil.tld/x goes to
// https://host.evil.tld/x, an open redirect to a host anyone can name, so
// that is a fail. A lost path or query sends the visitor to the wrong page
// over https, which breaks links but exposes nothing: a warn. Where the
// redirect of / already fails https.redirect, the same fault here is only
// info, so that one mistake costs once. ok is false when the deep URL was
// not probed.
func judgeRedirectPath(o *probe.Observed) (f finding.Finding, ok bool) {
	if o.DeepHTTPErr == nil && (o.DeepHTTP == nil || len(o.DeepHTTP.Hops) == 0) {
		return f, false
	}
	host := o.URL.Hostname()
	want := &url.URL{Scheme: "https", Host: hostPort(host), Path: "/"}
	if o.DeepHTTP != nil && len(o.DeepHTTP.Hops) > 0 {
		asked := o.DeepHTTP.Hops[0].URL
		want.Path, want.RawPath, want.RawQuery = asked.Path, asked.RawPath, asked.RawQuery
	} else if p, err := url.Parse(o.DeepPath); err == nil {
		want.Path, want.RawPath, want.RawQuery = p.Path, p.RawPath, p.RawQuery
	}
	f = finding.Finding{ID: check.HTTPSRedirectPath, Expected: "301 to " + want.String(),
		Vars: map[string]string{"host": host}}
	if o.DeepHTTPErr != nil {
		f.Severity, f.Reason, f.Actual = finding.Info, check.NoAnswer, "no answer on port 80"
		f.Message = "plain HTTP gave no answer for a deep URL (" + o.DeepHTTPErr.Error() + "); https.redirect says what port 80 does"
		return f, true
	}
	first := o.DeepHTTP.Hops[0]
	rootTo := rootRedirect(o)
	// A fault that the redirect of / shares is counted there.
	secondary := func(sev finding.Severity) finding.Severity {
		if rootTo == nil || rootTo.Scheme != "https" {
			return finding.Info
		}
		return sev
	}
	loc := first.Location
	raw := first.Header.Get("Location")
	switch {
	case loc == nil && raw != "" && first.Status >= 300 && first.Status < 400:
		f.Severity, f.Reason, f.Actual = finding.Fail, check.HostMangled, fmt.Sprintf("%d to %q", first.Status, raw)
		f.Message = fmt.Sprintf("plain HTTP redirects %s to %q, which is not a valid URL: the path was glued onto the host (a redirect target without its trailing slash)", first.URL, raw)
		return f, true
	case loc == nil:
		f.Severity, f.Reason, f.Actual = secondary(finding.Warn), check.NoRedirect, fmt.Sprintf("%d without redirect", first.Status)
		f.Message = fmt.Sprintf("plain HTTP answers %s with %d instead of redirecting to https: a link to a deep page over http stays in clear", first.URL, first.Status)
		return f, true
	case loc.Scheme != "https":
		f.Severity, f.Reason, f.Actual = secondary(finding.Warn), check.NotHTTPS, fmt.Sprintf("%d to %s", first.Status, loc)
		f.Message = "plain HTTP redirects a deep URL to " + loc.String() + ", not to https"
		return f, true
	}
	f.Actual = fmt.Sprintf("%d to %s", first.Status, loc)
	lh := strings.ToLower(strings.TrimSuffix(loc.Hostname(), "."))
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if lh != h {
		switch {
		case strings.HasPrefix(lh, h):
			f.Severity, f.Reason = finding.Fail, check.HostMangled
			f.Message = fmt.Sprintf("plain HTTP redirects %s to %s: the path was glued onto the host name (a redirect target without its trailing slash, as in Apache's `Redirect permanent / https://%s`), so http://%s/.example.org/ goes to https://%s.example.org/, a host anyone can own",
				first.URL, loc, h, h, h)
			return f, true
		case rootTo == nil || !strings.EqualFold(rootTo.Hostname(), loc.Hostname()):
			f.Severity, f.Reason = finding.Warn, check.OtherHost
			f.Message = fmt.Sprintf("plain HTTP redirects a deep URL to another host, %s, first", loc.Host)
			return f, true
		}
		// The same other host as the redirect of /: https.redirect
		// judges the host; here only the path and query count.
	}
	gotPath, wantPath := normPath(loc.EscapedPath()), normPath(want.EscapedPath())
	switch {
	case gotPath != wantPath:
		f.Severity, f.Reason = finding.Warn, check.PathLost
		f.Message = fmt.Sprintf("plain HTTP redirects %s to %s: the path is lost, so every old http link lands on the wrong page", first.URL, loc)
	case normQuery(loc.RawQuery) != normQuery(want.RawQuery):
		f.Severity, f.Reason = finding.Warn, check.QueryLost
		f.Message = fmt.Sprintf("plain HTTP redirects %s to %s: the query is lost or changed", first.URL, loc)
	default:
		f.Severity, f.Reason = finding.Pass, check.OK
		f.Message = "plain HTTP redirects a deep URL to the same path and query over https"
	}
	return f, true
}

// rootRedirect is where http://host/ redirects to, or nil.
func rootRedirect(o *probe.Observed) *url.URL {
	if o.HTTP == nil || len(o.HTTP.Hops) == 0 {
		return nil
	}
	return o.HTTP.Hops[0].Location
}

func hostPort(host string) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]"
	}
	return host
}

// normPath makes paths that a browser treats as the same URL equal (RFC
// 3986 §6.2.2): percent-encoded unreserved characters decoded (lighttpd
// turns %41 into A), other escapes in upper case, and "" as "/".
func normPath(p string) string {
	if p == "" {
		return "/"
	}
	return normEscapes(p)
}

func normQuery(q string) string { return normEscapes(q) }

func normEscapes(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			c := unhex(s[i+1])<<4 | unhex(s[i+2])
			if unreserved(c) {
				b.WriteByte(c)
			} else {
				b.WriteString(strings.ToUpper(s[i : i+3]))
			}
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// unreserved are RFC 3986 §2.3's characters, which need no escaping.
func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}
