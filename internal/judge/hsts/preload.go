package hsts

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/internal/parse/sts"
	"github.com/hardscan/hardscan/scan/finding"
)

// PreloadID is the check id of Preload's finding.
const PreloadID = check.HSTSPreload

// Thresholds of hstspreload.org's submission rules.
const (
	preloadMinMaxAge = 31536000
	preloadMaxAge    = 10 * 365 * 86400
	preloadMaxHops   = 3
)

// PreloadInput is what hstspreload looks at for one host.
type PreloadInput struct {
	// FirstHTTPSValues are the STS values of the very first response to
	// https://host/, redirects not followed.
	FirstHTTPSValues []string
	// HTTPHops are the URLs of the http:// fetch: the start URL, then each
	// Location in order.
	HTTPHops []string
	// Host is the host name being judged.
	Host string
}

// Preload tells whether the host meets hstspreload's rules. It is
// informational: preloading is an opt-in, never a requirement.
func Preload(in PreloadInput) finding.Finding {
	f := finding.Finding{ID: PreloadID, Expected: "max-age>=31536000; includeSubDomains; preload"}
	errs, warns := preloadHeader(in.FirstHTTPSValues)
	if len(in.FirstHTTPSValues) > 0 {
		f.Actual = strings.Join(in.FirstHTTPSValues, " | ")
	} else {
		f.Actual = "(absent)"
	}
	e, w := preloadRedirects(in)
	errs, warns = append(errs, e...), append(warns, w...)
	note := ""
	if len(warns) > 0 {
		note = " (warnings: " + strings.Join(warns, "; ") + ")"
	}
	if len(errs) == 0 {
		f.Severity, f.Reason = finding.Pass, check.OK
		f.Message = "the host can be submitted to the HSTS preload list at hstspreload.org" + note
		return f
	}
	f.Severity, f.Reason = finding.Info, ReasonPreloadIneligible
	f.Message = "not eligible for the HSTS preload list: " + strings.Join(errs, "; ") + note
	return f
}

// preloadHeader applies hstspreload's header rules, which are stricter
// than the RFC: one header, unquoted max-age, both opt-in directives.
func preloadHeader(values []string) (errs, warns []string) {
	switch len(values) {
	case 0:
		return []string{"no Strict-Transport-Security header on the first response to https://"}, nil
	case 1:
	default:
		return []string{fmt.Sprintf("%d Strict-Transport-Security headers; exactly one is required", len(values))}, nil
	}
	ds, semicolons, err := sts.Split(values[0])
	if err != nil {
		return []string{"the header does not parse: " + err.Error()}, nil
	}
	if strings.Trim(values[0], " \t") == "" {
		warns = append(warns, "empty header")
	} else if semicolons-len(ds)+1 > 0 {
		warns = append(warns, "empty directive")
	}
	count := map[string]int{}
	for _, d := range ds {
		count[d.Name]++
		if count[d.Name] == 2 {
			warns = append(warns, fmt.Sprintf("directive %s repeated", d.Name))
		}
		switch d.Name {
		case "max-age", "includesubdomains", "preload":
		default:
			warns = append(warns, fmt.Sprintf("unknown directive %s", d.Name))
		}
	}
	if count["max-age"] > 1 {
		errs = append(errs, "max-age is repeated")
	}
	maxAge := int64(-1)
	for _, d := range ds {
		if d.Name != "max-age" {
			continue
		}
		n, err := sts.DeltaSeconds(d.Value)
		switch {
		case !d.HasValue || err != nil:
			errs = append(errs, fmt.Sprintf("max-age %q is not a number", d.Value))
		case d.Quoted:
			errs = append(errs, "max-age must be unquoted digits")
		default:
			maxAge = n
			if len(d.Value) > 1 && d.Value[0] == '0' {
				warns = append(warns, "max-age has leading zeros")
			}
		}
		break
	}
	switch {
	case count["max-age"] == 0:
		errs = append(errs, "max-age is missing")
	case maxAge >= 0 && maxAge < preloadMinMaxAge:
		errs = append(errs, fmt.Sprintf("max-age=%d is under 31536000 (one year)", maxAge))
	case maxAge > preloadMaxAge:
		warns = append(warns, "max-age is over 10 years")
	}
	if count["includesubdomains"] == 0 {
		errs = append(errs, "includeSubDomains is missing")
	}
	if count["preload"] == 0 {
		errs = append(errs, "preload is missing")
	}
	return errs, warns
}

// preloadRedirects checks that plain HTTP first redirects to https:// on the
// same host, and that the chain stays short and on HTTPS.
func preloadRedirects(in PreloadInput) (errs, warns []string) {
	if len(in.HTTPHops) == 0 {
		return nil, []string{"http:// was not reachable, so its redirect could not be checked"}
	}
	hops := make([]*url.URL, 0, len(in.HTTPHops))
	for i, h := range in.HTTPHops {
		u, err := url.Parse(h)
		if err != nil {
			return []string{fmt.Sprintf("hop %d %q is not a URL", i, h)}, nil
		}
		if i > 0 {
			u = hops[i-1].ResolveReference(u)
		}
		hops = append(hops, u)
	}
	host := in.Host
	if host == "" {
		host = hops[0].Hostname()
	}
	if len(hops) < 2 {
		return []string{"http:// does not redirect to https://"}, nil
	}
	first := hops[1]
	if first.Scheme != "https" || !strings.EqualFold(first.Hostname(), host) {
		errs = append(errs, fmt.Sprintf("http:// must first redirect to https://%s/, not to %s", host, first.Redacted()))
	}
	for _, u := range hops[1:] {
		if u.Scheme != "https" {
			errs = append(errs, fmt.Sprintf("redirect to plain %s", u.Redacted()))
			break
		}
	}
	if len(hops)-1 > preloadMaxHops {
		errs = append(errs, fmt.Sprintf("%d redirects, at most %d allowed", len(hops)-1, preloadMaxHops))
	}
	return errs, warns
}
