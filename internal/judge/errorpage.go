package judge

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/internal/judge/hsts"
	"github.com/hardscan/hardscan/internal/probe"
	"github.com/hardscan/hardscan/internal/profile"
	"github.com/hardscan/hardscan/scan/finding"
)

// errorPageHeaders are the security headers compared between / and the
// error page, each with the check that judges it when absent: the
// catalogue's header entries that error pages must carry.
var errorPageHeaders = func() []struct{ name, id string } {
	var out []struct{ name, id string }
	for _, c := range check.Headers() {
		if c.Header.ErrorPages {
			out = append(out, struct{ name, id string }{c.Header.Name, c.ID})
		}
	}
	return out
}()

// judgeErrorPage reports each security header that / sends and the error
// page (GET of a path that does not exist) lacks (docs/contract.md, scan step 7): nginx's
// add_header without `always` skips 4xx and 5xx, and a location with
// add_header lines of its own drops the server's.
//
// The severity is what the header's own check gives the error page without
// it, but at most warn: an error page that reflects the URL can run
// injected script without CSP, and can be framed without X-Frame-Options,
// yet it holds none of the application's pages, forms or session, so it
// is less than the same gap on /. HSTS is at most info: a browser keeps
// the policy it got from / (RFC 6797 §8.1), and a response without the
// header does not remove it. A header whose check passes without it (one
// the profile does not ask for) is not reported. When nothing is missing,
// one pass without subject.
func judgeErrorPage(p *profile.Profile, o *probe.Observed) []finding.Finding {
	if o.ErrorPage == nil || len(o.ErrorPage.Hops) == 0 {
		return nil
	}
	root, ep := o.Root.Final(), o.ErrorPage.Final()
	if root.Status >= 500 {
		return nil // the root is an error page itself: site.down says so
	}
	if ep.Location != nil || (ep.Status >= 300 && ep.Status < 400) {
		return nil // a redirect (to a login page, another host) is no page a browser shows
	}
	var absent map[string]finding.Finding // the error page judged as a page, lazily
	// The path is random on each scan: it stays out of the wording, so
	// that reports of two scans compare.
	page := fmt.Sprintf("the %d error page", ep.Status)
	if ep.Status < 400 {
		page = fmt.Sprintf("the %d response", ep.Status) // a catch-all that answers any path
	}
	var fs []finding.Finding
	sent := 0
	for _, h := range errorPageHeaders {
		vs := root.Header.Values(h.name)
		if len(vs) == 0 {
			continue
		}
		sent++
		if len(ep.Header.Values(h.name)) > 0 {
			continue
		}
		if absent == nil {
			absent = judgePage(p, ep.Header, o.ErrorPage.Body, ep)
		}
		sev := finding.Warn
		if own, ok := absent[h.id]; ok {
			sev = min(own.Severity, finding.Warn)
		}
		if h.id == check.HSTS {
			sev = min(sev, finding.Info)
		}
		if sev == finding.Pass {
			continue
		}
		value := vs[0]
		if h.id == check.CSP {
			value = strings.Join(vs, ", ") // several policies, all enforced
		}
		fs = append(fs, finding.Finding{ID: check.HeadersErrorPage, Reason: check.Missing, Severity: sev, Subject: strings.ToLower(h.name),
			Expected: h.name + " on every response, error pages too", Actual: "absent on " + page,
			Message: fmt.Sprintf("%s is sent on / but not on %s (a path that does not exist): %s (often the web server adds it to successful responses only, or a block with headers of its own replaces them)", h.name, page, errorPageWhy(h.id)),
			Vars:    map[string]string{"header": h.name, "value": value, "status": fmt.Sprint(ep.Status), "path": ep.URL.EscapedPath()}})
	}
	if len(fs) == 0 && sent > 0 {
		fs = append(fs, finding.Finding{ID: check.HeadersErrorPage, Reason: check.OK, Severity: finding.Pass,
			Expected: "the security headers of / on error pages too", Actual: "all on " + page,
			Message: "the error page carries every security header sent on /"})
	}
	return fs
}

func errorPageWhy(id string) string {
	switch id {
	case check.CSP:
		return "an error page that reflects the URL can run injected script"
	case check.XFrameOptions:
		return "any site can frame the error page"
	case check.HSTS:
		return "browsers keep the policy they got from /, so this matters little"
	case check.XContentTypeOptions:
		return "browsers may sniff the error page as another type"
	}
	return "error pages go without its protection"
}

// judgePage judges the document checks of one response (CSP, HSTS and the
// other headers), keyed by id, for findings without subject.
func judgePage(p *profile.Profile, h http.Header, body []byte, hop *probe.Hop) map[string]finding.Finding {
	fs := hsts.Judge(h.Values("Strict-Transport-Security"), p.HSTS)
	fs = documentFindings(fs, p, h, body, hop, nil, "")
	out := make(map[string]finding.Finding, len(fs))
	for _, f := range fs {
		if f.Subject == "" {
			out[f.ID] = f
		}
	}
	return out
}
