package oracle

import (
	"fmt"
	"strings"

	"github.com/hardscan/hardscan/scan/finding"
)

// departures are the cases where Chromium departs from the spec and
// hardscan follows the spec: the check that disagrees is named, with why.
// A departure that stops disagreeing fails the test, so the list stays true.
var departures = map[string]struct{ what, why string }{
	"table/evaluator/any-host-wss": {"a script from another origin or data: runs",
		"CSP3 §6.7.2.8 (scheme-part match) lets wss: match https:, so wss://* allows any https script; " +
			"Chromium matches ws only to wss and wss to nothing else (blink csp_source.cc SchemeMatches), and blocks it. " +
			"Firefox follows the spec, so hardscan keeps the verdict"},
}

// check is one observation set against the verdict that says the same:
// what hardscan's findings mean for it, and what Chromium did.
type check struct {
	kind     kind
	what     string // the observation
	hardscan string // the verdict, as it bears on the observation
	chromium string
	agree    bool
	departs  string // why Chromium departs from the spec here, when it is a recorded departure
	limit    string // hardscan states it could not see what this check hangs on
}

// ok: the check agrees, or is a recorded departure that still departs.
func (c check) ok() bool {
	if c.limit != "" {
		return true
	}
	if c.departs != "" {
		return !c.agree
	}
	return c.agree
}

// The observations and their verdicts, stated once. Each maps the
// findings hardscan gives to what they mean a browser does (want) and
// reads what Chromium did (got).
func compare(c *ocase, v verdicts, s *seen, host string) (out []check) {
	if !c.has(kindScript) {
		return compareOthers(c, v, s, out)
	}
	add := func(k kind, what string, f string, want, got bool, masked bool) {
		ch := check{kind: k, what: what, hardscan: f, chromium: yesNo(got), agree: want == got || masked && got}
		if masked {
			ch.hardscan += " (its reason names a worse problem first)"
		}
		out = append(out, ch)
	}
	// hardscan's own limits, which it states: a body in a coding it cannot
	// decode (response.truncated says undecoded), or past its body cap
	// (says body), hides the page's <meta> policies from it. Checks that
	// hang on the page's policies are then "hardscan says it cannot tell"
	// when they differ.
	limit := ""
	for k, f := range v {
		switch {
		case strings.HasPrefix(k, "response.truncated") && f.Reason == "undecoded":
			limit = "hardscan says the body was undecodable and its <meta> policies unread (" + desc(v, k) + ")"
		case strings.HasPrefix(k, "response.truncated") && f.Reason == "body":
			limit = "hardscan says it read only the first part of the body for <meta> policies (" + desc(v, k) + ")"
		}
	}
	// "response.truncated body" ⇔ the decoded page is longer than the
	// probe's cap, which Chromium reads to its end (the probes after a
	// bomb's padding ran or are in the document).
	if c.pad > 0 {
		truncated := false
		for k, f := range v {
			truncated = truncated || strings.HasPrefix(k, "response.truncated") && f.Reason == "body"
		}
		out = append(out, check{kind: kindScript, what: "the page decodes past hardscan's body cap and Chromium parses it to the end",
			hardscan: fmt.Sprintf("response.truncated body: %v", truncated), chromium: yesNo(s.Tail), agree: truncated == s.Tail})
	}
	defer func() {
		for i := range out {
			if limit != "" && !out[i].agree && (out[i].kind == kindScript || out[i].kind == kindDocument || out[i].kind == kindReferrer) {
				out[i].limit = limit
			}
		}
	}()
	script, scriptOK := v["csp.script-src"]
	// No enforced policy restricts scripts: the csp finding says absent or
	// empty (only Report-Only), or csp.script-src says absent.
	open := !scriptOK || script.Reason == "absent"
	sr := desc(v, "csp", "csp.script-src")

	// "csp.script-src fails with reason unsafe-inline" ⇔ "the injected
	// inline script (or inline handler) ran".
	inline := open || script.Reason == "unsafe-inline"
	add(kindScript, "an injected inline <script> or event handler runs", sr, inline, s.Inline || s.Attr || s.Wrong, false)
	// "unsafe-eval" ⇔ eval of a string is allowed; a reason found first
	// (unsafe-inline) may stand for it.
	eval := open || script.Reason == "unsafe-eval"
	add(kindScript, "eval() of a string runs", sr, eval, s.Eval, !eval && script.Reason == "unsafe-inline")
	// "wide-source" ⇔ a script from an attacker's origin (or a data: URL)
	// runs; unsafe-inline and unsafe-eval are named before it.
	wide := open || script.Reason == "wide-source"
	add(kindScript, "a script from another origin or data: runs", sr, wide, s.Evil || s.Data,
		!wide && (script.Reason == "unsafe-inline" || script.Reason == "unsafe-eval"))
	// A policy that only reports blocks nothing: "csp" says report-only
	// ⇔ the probes ran and Chromium reported violations.
	if f, ok := v["csp"]; ok && f.Reason == "report-only" {
		add(kindScript, "Report-Only blocks nothing", desc(v, "csp"), true, s.Inline, false)
	}

	// "csp.base-uri" absent or wide ⇔ an injected <base href> to another
	// origin changes the document's base URL.
	if f, ok := v["csp.base-uri"]; ok || open && c.has(kindDocument) {
		want := !ok || f.Reason == "absent" || f.Reason == "wide-source"
		add(kindDocument, "an injected <base href> to another origin takes effect", desc(v, "csp", "csp.base-uri"), want, strings.HasPrefix(s.BaseURI, "https://"+evilHost), false)
	}
	// What the injected <base> achieves decides the severity: a fail
	// ⇔ a relative script after it runs from the attacker's origin.
	// The page's own scripts after the <base> are tagged with its nonces;
	// a policy that trusts scripts by hash and 'strict-dynamic' would need
	// a loader matching its hash, which the probe page cannot carry.
	csps := strings.ToLower(strings.Join(c.root.values("Content-Security-Policy"), ","))
	byHashOnly := strings.Contains(csps, "'strict-dynamic'") && len(nonces(c.root.values("Content-Security-Policy"))) == 0
	if f, ok := v["csp.base-uri"]; (ok || open && c.has(kindDocument)) && !byHashOnly {
		want := !ok || f.Severity == finding.Fail
		add(kindDocument, "a relative script after an injected <base> runs from another origin", desc(v, "csp", "csp.base-uri"), want, s.Base, false)
	}
	if f, ok := v["csp.object-src"]; ok || open && c.has(kindDocument) {
		want := !ok || f.Reason == "absent" || f.Reason == "wide-source"
		add(kindDocument, "an <object> from another origin loads", desc(v, "csp", "csp.object-src"), want, s.Object, false)
	}
	if c.has(kindDocument) {
		f, ok := v["csp.form-action"]
		if ok || open {
			want := !ok || f.Reason == "absent" || f.Reason == "wide-source"
			add(kindDocument, "a form posts to another origin", desc(v, "csp", "csp.form-action"), want, s.Form, false)
		}
	}

	return compareOthers(c, v, s, out)
}

// compareOthers compares the kinds beyond the page's scripts.
func compareOthers(c *ocase, v verdicts, s *seen, out []check) []check {
	add := func(k kind, what string, f string, want, got bool, masked bool) {
		ch := check{kind: k, what: what, hardscan: f, chromium: yesNo(got), agree: want == got || masked && got}
		if masked {
			ch.hardscan += " (its reason names another problem first)"
		}
		out = append(out, ch)
	}
	if c.has(kindFraming) {
		// The page is protected from framing by another origin ⇔
		// X-Frame-Options passes (DENY, or SAMEORIGIN that is weaker than
		// wanted) with no frame-ancestors in charge, or frame-ancestors
		// is in charge and restricts.
		xfo, fa := v["x-frame-options"], v["csp.frame-ancestors"]
		// control-bytes: a vertical tab or form feed around the value,
		// which the verdict says Chromium trims and honours (other
		// browsers do not, hence the warning).
		xfoBlocks := xfo.ID != "" && (xfo.Severity == finding.Pass || xfo.Reason == "weaker" || xfo.Reason == "control-bytes")
		faSet := fa.ID != "" && fa.Reason != "absent"
		faBlocks := faSet && fa.Reason != "wide-source"
		blocked := xfoBlocks || faBlocks
		if faSet {
			blocked = faBlocks
		}
		add(kindFraming, "the page renders in a frame of another origin", desc(v, "x-frame-options", "csp.frame-ancestors"), !blocked, s.Framed, false)
	}

	if c.has(kindCookie) {
		out = append(out, compareCookies(v, s)...)
	}

	if c.has(kindReferrer) {
		// "referrer-policy fails with reason unsafe" ⇔ the full URL is
		// sent to another origin, by a link and by a subresource.
		// A repeated header fails as such, which may stand for unsafe.
		f := v["referrer-policy"]
		full, masked := f.Reason == "unsafe", f.Reason == "duplicate" && f.Severity == finding.Fail
		add(kindReferrer, "a link to another origin carries the full URL", desc(v, "referrer-policy"), full, s.LinkReferer == s.URL, masked)
		if s.ImgReferer != "-" {
			add(kindReferrer, "an <img> from another origin carries the full URL", desc(v, "referrer-policy"), full, s.ImgReferer == s.URL, masked)
		}
		// Whatever the verdict, what is sent is never more than the URL.
		if s.LinkReferer != "-" && s.LinkReferer != "" && !strings.HasPrefix(s.URL, s.LinkReferer) {
			add(kindReferrer, "the Referer is the page's URL or origin", "", true, false, false)
		}
	}

	if c.has(kindNosniff) {
		// "x-content-type-options" passes ⇔ a script sent as text/plain
		// with the same fields does not run.
		f := v["x-content-type-options"]
		add(kindNosniff, "a script served as text/plain (or another non-script type) runs", desc(v, "x-content-type-options"), f.Severity != finding.Pass, s.Sniffed, false)
	}

	if c.has(kindHSTS) {
		// "hsts" says a policy is in effect (pass, or a warning that it
		// is short, repeated or leaves subdomains out) ⇔ Chromium rewrites
		// http://host to https://.
		f := v["hsts"]
		on := f.ID != "" && f.Reason != "absent" && f.Reason != "invalid" && f.Reason != "max-age-zero"
		if f.Reason == "duplicate" {
			// Repeated headers: the first counts, and the finding keeps
			// its severity (a fail when it is invalid or max-age=0).
			on = f.Severity < finding.Fail
		}
		add(kindHSTS, "http://host/ is rewritten to https:// after a visit", desc(v, "hsts"), on, s.Upgraded, false)
		sub := on && f.Reason != "no-include-subdomains"
		if sub && f.Reason != "ok" {
			sub = strings.Contains(strings.ToLower(f.Actual), "includesubdomains") // the reason names another problem first
		}
		add(kindHSTS, "http://sub.host/ is rewritten to https:// after a visit", desc(v, "hsts"), sub, s.UpgradedSub, false)
	}
	return out
}

// compareCookies: "cookie.rejected[name]", or no finding for the name at
// all (a deletion, or a line that is no cookie) ⇔ Chromium stored no such
// cookie; for a stored one, cookie.secure and cookie.httponly pass ⇔ the
// stored cookie has the flag, and cookie.domain says subdomains ⇔ it is a
// domain cookie.
func compareCookies(v verdicts, s *seen) []check {
	var out []check
	names := map[string]bool{}
	for k := range v {
		if id, sub, ok := strings.Cut(k, "["); ok && strings.HasPrefix(id, "cookie.") && id != "cookie.session" {
			names[strings.TrimSuffix(sub, "]")] = true
		}
	}
	for _, c := range s.Cookies {
		names[c.Name] = true
	}
	for name := range names {
		type attrs struct {
			secure, httpOnly, domain bool
			sameSite                 string
		}
		// The verdicts are by name; where Chromium stored several cookies
		// of the name (another domain or path), each flag must hold for
		// all of them, a domain cookie among them is sent to subdomains,
		// and the weakest SameSite counts.
		var stored *attrs
		for _, c := range s.Cookies {
			if c.Name != name {
				continue
			}
			if stored == nil {
				stored = &attrs{c.Secure, c.HTTPOnly, strings.HasPrefix(c.Domain, "."), string(c.SameSite)}
				continue
			}
			stored.secure = stored.secure && c.Secure
			stored.httpOnly = stored.httpOnly && c.HTTPOnly
			stored.domain = stored.domain || strings.HasPrefix(c.Domain, ".")
			if sameSiteRank(string(c.SameSite)) < sameSiteRank(stored.sameSite) {
				stored.sameSite = string(c.SameSite)
			}
		}
		f := func(id string) finding.Finding { return v[id+"["+name+"]"] }
		judged := false
		for _, id := range []string{"cookie.secure", "cookie.httponly", "cookie.samesite", "cookie.prefix", "cookie.domain", "cookie.rejected"} {
			judged = judged || f(id).ID != ""
		}
		want := judged && f("cookie.rejected").ID == ""
		d := cookieDesc(v, name)
		out = append(out, check{kind: kindCookie, what: fmt.Sprintf("Chromium stores cookie %q", name), hardscan: d,
			chromium: yesNo(stored != nil), agree: want == (stored != nil)})
		if stored == nil || !want {
			continue
		}
		for _, a := range []struct {
			id, what  string
			want, got bool
		}{
			{"cookie.secure", "is Secure", f("cookie.secure").Severity == finding.Pass, stored.secure},
			{"cookie.httponly", "is HttpOnly", f("cookie.httponly").Severity == finding.Pass, stored.httpOnly},
			// "cookie.samesite" passes ⇔ the stored SameSite is at least
			// the one the profile asks for (unset ranks below Lax: browsers
			// differ on its default).
			{"cookie.samesite", "has a SameSite at least " + f("cookie.samesite").Expected, f("cookie.samesite").Severity == finding.Pass,
				sameSiteRank(stored.sameSite) >= sameSiteRank(f("cookie.samesite").Expected)},
			{"cookie.domain", "is sent to subdomains", f("cookie.domain").Reason == "subdomains", stored.domain},
		} {
			if a.id == "cookie.samesite" && f(a.id).ID == "" {
				continue // no SameSite asked for this cookie
			}
			out = append(out, check{kind: kindCookie, what: fmt.Sprintf("the stored cookie %q %s", name, a.what), hardscan: d,
				chromium: yesNo(a.got), agree: a.want == a.got})
		}
	}
	return out
}

// sameSiteRank orders SameSite values as RFC 6265bis §8.8 does by what
// they withhold from other sites: Strict, Lax, then unset and None.
func sameSiteRank(v string) int {
	switch strings.ToLower(v) {
	case "strict":
		return 3
	case "lax":
		return 2
	case "":
		return 1
	}
	return 0
}

func cookieDesc(v verdicts, name string) string {
	var parts []string
	for _, id := range []string{"cookie.rejected", "cookie.secure", "cookie.httponly", "cookie.samesite", "cookie.domain"} {
		if f, ok := v[id+"["+name+"]"]; ok {
			parts = append(parts, fmt.Sprintf("%s %s (%s)", id, f.Severity, f.Reason))
		}
	}
	if len(parts) == 0 {
		return "no finding: nothing stored"
	}
	return strings.Join(parts, ", ")
}

// desc names the findings a check reads: id, severity and reason.
func desc(v verdicts, ids ...string) string {
	var parts []string
	for _, id := range ids {
		if f, ok := v[id]; ok {
			parts = append(parts, fmt.Sprintf("%s %s (%s)", id, f.Severity, f.Reason))
		} else {
			parts = append(parts, id+" not reported")
		}
	}
	return strings.Join(parts, ", ")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
