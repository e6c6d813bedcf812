package judge

import (
	"fmt"
	"net/http"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/internal/judge/header"
	"github.com/hardscan/hardscan/internal/probe"
	"github.com/hardscan/hardscan/scan/finding"
)

// judgeSiteDown says whether the application behind the server answered
// /. A 5xx on the final response of / means the server in front answered
// for an application that did not (nginx's 502 when Pleroma is stopped):
// a fail, since the site is down for its users, and one an alert should
// name rather than a list of missing headers.
func judgeSiteDown(o *probe.Observed) finding.Finding {
	final := o.Root.Final()
	f := finding.Finding{ID: check.SiteDown, Expected: "a response below 500 on /", Actual: fmt.Sprintf("%d %s", final.Status, http.StatusText(final.Status))}
	if final.Status < 500 {
		f.Severity, f.Reason = finding.Pass, check.OK
		f.Message = "the application answered /"
		return f
	}
	f.Severity, f.Reason = finding.Fail, check.ServerError
	server := final.Header.Get("Server")
	if server == "" {
		server = "the server in front"
	}
	f.Message = fmt.Sprintf("/ answered %d %s: %s answered, the application behind it did not: the headers only the application sends are unknown, and no grade is given",
		final.Status, http.StatusText(final.Status), server)
	f.Vars = map[string]string{"status": fmt.Sprint(final.Status), "server": server}
	return f
}

// pageAbsent are the checks of headers the application sends: when the
// root is a 5xx, each of these that says absent is unknown instead.
func pageAbsent(f finding.Finding, rules map[string]header.Rule) bool {
	if f.Reason != check.Absent || f.Severity == finding.Pass {
		return false
	}
	return f.ID == check.CSP || f.ID == check.HSTS || ruled(rules, f.ID)
}

// markSiteDown turns the findings of headers an error page lacks into
// info, reason site-down (docs/contract.md, "Scan": not a failure but unknown, since the
// application that sends them did not answer). The headers the error page
// does carry keep their verdicts.
func markSiteDown(fs []finding.Finding, rules map[string]header.Rule, status int) {
	for i := range fs {
		if fs[i].ID == check.HSTSPreload && fs[i].Severity > finding.Pass && fs[i].Actual == "(absent)" {
			// Eligibility hangs on the header the application did not get
			// to send: unknown, like the header itself.
			f := &fs[i]
			f.Severity, f.Reason = finding.Info, check.SiteDownReason
			f.Message = fmt.Sprintf("unknown: / answered %d, so whether the host can join the HSTS preload list cannot be told", status)
			continue
		}
		if !pageAbsent(fs[i], rules) {
			continue
		}
		f := &fs[i]
		f.Severity, f.Reason = finding.Info, check.SiteDownReason
		f.Actual = fmt.Sprintf("(absent from the %d error page)", status)
		f.Message = fmt.Sprintf("unknown: / answered %d, and the application that would send %s did not answer", status, headerName(f.ID))
	}
}

func headerName(id string) string {
	switch id {
	case check.CSP:
		return "Content-Security-Policy"
	case check.HSTS:
		return "Strict-Transport-Security"
	}
	return http.CanonicalHeaderKey(id)
}

// ruled reports whether the profile judges the header id (header checks
// are named after their header).
func ruled(rules map[string]header.Rule, id string) bool {
	_, ok := rules[id]
	return ok
}
