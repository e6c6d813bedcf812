package csp

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/hardscan/hardscan/internal/check"
	parse "github.com/hardscan/hardscan/internal/parse/csp"
	"github.com/hardscan/hardscan/scan/finding"
)

// sourceKey identifies what a source allows, so that the same source
// written twice (or in two policies) is named once.
func sourceKey(s Source) string {
	switch s.Kind {
	case KindKeyword:
		return s.Keyword
	case KindNonce:
		return "'nonce'"
	case KindHash:
		return s.Alg + "-" + s.Value
	case KindScheme:
		return s.Scheme + ":"
	}
	return s.Scheme + "://" + s.Host + ":" + s.Port + s.Path
}

// compare judges csp.<name> against the profile's expected list.
func (j *judge) compare(name string, list []string) {
	id := check.CSPDirective(name)
	expSrc := j.expected(name)
	expText := strings.TrimSpace(name + " " + joinSources(expSrc))
	if !parse.TakesSourceList(name) {
		j.comparePresence(id, name, list, expText)
		return
	}
	rs := j.restricting(name)
	if len(rs) == 0 {
		how := "it has no fallback"
		if fb := fallback[name]; len(fb) > 1 {
			how = "nor does " + strings.Join(fb[1:], " or ")
		}
		j.out.add(finding.Finding{ID: id, Reason: check.Absent, Severity: finding.Fail, Expected: expText, Actual: "(none)",
			Message: fmt.Sprintf("no enforced policy sets %s (%s), so it allows everything", name, how), Vars: map[string]string{"directive": name, "value": expText}})
		return
	}
	want := newSet(normalize(name, Directive{Name: name, Sources: expSrc}), j.page)
	var warn, info []string
	wide := false
	seen := map[string]bool{}
	for i, r := range rs {
		for _, src := range r.set.sources {
			k := sourceKey(src)
			if seen[k] || want.covers(src) {
				continue
			}
			extra := true
			for k2, other := range rs {
				if k2 != i && !other.set.covers(src) {
					extra = false
					break
				}
			}
			if !extra {
				continue
			}
			seen[k] = true
			if src.Kind == KindKeyword && src.Keyword == "'wasm-unsafe-eval'" {
				info = append(info, src.Raw)
			} else {
				warn = append(warn, src.Raw)
				wide = wide || src.Kind == KindScheme || (src.Kind == KindHost && src.Host == "*")
			}
		}
	}
	f := finding.Finding{ID: id, Expected: expText, Actual: j.actual(rs), Vars: map[string]string{"directive": name, "value": expText}}
	if len(warn) == 0 && len(info) == 0 {
		f.Message = fmt.Sprintf("%s allows nothing beyond the profile's %s", name, orNothing(expSrc))
		j.out.add(f)
		return
	}
	fix := "remove it"
	if eff := rs[0].dir.Name; eff != name {
		fix = fmt.Sprintf("add a %s directive without it (it now falls back to %s)", name, eff)
	} else if len(warn)+len(info) > 1 {
		fix = "remove them"
	}
	if len(warn) > 0 {
		f.Severity, f.Reason = finding.Warn, check.ExtraSource
		if wide {
			f.Reason = check.WideSource
		}
		f.Message = fmt.Sprintf("%s allows %s beyond the profile's %s; %s if the site does not need it",
			name, nameSome(warn), orNothing(expSrc), fix)
		j.out.add(f)
	}
	if len(info) > 0 {
		f.Severity, f.Reason = finding.Info, check.WasmUnsafeEval
		f.Message = fmt.Sprintf("%s allows %s beyond the profile's %s; it permits WebAssembly compilation, not eval(), so it is a small risk",
			name, strings.Join(info, " "), orNothing(expSrc))
		j.out.add(f)
	}
}

// comparePresence judges directives that are not source lists: valueless
// ones must be present; sandbox must not allow more than expected.
func (j *judge) comparePresence(id, name string, list []string, expText string) {
	var found []Directive
	for _, p := range j.enforced {
		if d, ok := p.Get(name); ok {
			found = append(found, d)
		}
	}
	f := finding.Finding{ID: id, Expected: expText, Vars: map[string]string{"directive": name, "value": expText}}
	if len(found) == 0 {
		f.Severity, f.Reason, f.Actual = finding.Fail, check.Absent, "(none)"
		f.Message = fmt.Sprintf("no enforced policy sets %s", name)
		j.out.add(f)
		return
	}
	parts := make([]string, len(found))
	for i, d := range found {
		parts[i] = d.String()
	}
	f.Actual = strings.Join(parts, " | ")
	if name == "sandbox" {
		// Each sandbox applies, so a flag is in effect only if all allow it.
		allowed := map[string]bool{}
		for _, v := range list {
			allowed[parse.Lower(v)] = true
		}
		var extra []string
		for _, flag := range found[0].Value {
			fl := parse.Lower(flag)
			all := !allowed[fl]
			for _, d := range found[1:] {
				all = all && containsFold(d.Value, fl)
			}
			if all {
				extra = append(extra, flag)
			}
		}
		if len(extra) > 0 {
			f.Severity, f.Reason = finding.Warn, check.ExtraSource
			f.Message = fmt.Sprintf("sandbox allows %s beyond the profile's %q; remove it if the site does not need it",
				strings.Join(dedupe(extra), " "), expText)
			j.out.add(f)
			return
		}
	}
	f.Message = name + " is set"
	j.out.add(f)
}

func containsFold(vs []string, l string) bool {
	for _, v := range vs {
		if parse.Lower(v) == l {
			return true
		}
	}
	return false
}

// nameSome joins up to ten sources, so that a huge policy keeps the
// message readable.
func nameSome(ss []string) string {
	const most = 10
	if len(ss) <= most {
		return strings.Join(ss, " ")
	}
	return fmt.Sprintf("%s and %d more sources", strings.Join(ss[:most], " "), len(ss)-most)
}

func joinSources(ss []Source) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = s.Raw
	}
	return strings.Join(parts, " ")
}

func orNothing(ss []Source) string {
	if len(ss) == 0 {
		return "'none'"
	}
	return joinSources(ss)
}

// dangerous are the sources that let an attacker's script or plugin load.
var dangerous = []Source{ParseSource("*"), ParseSource("data:"), ParseSource("http:"), ParseSource("https:")}

// wideHosts stand for any host on a scheme's default port. A source such as
// https://* or wss://* matches them (CSP3 §6.7.2.8, §6.7.2.9): as wide as a
// scheme source, since an attacker can serve from port 443 of any host.
var wideHosts = []Source{ParseSource("http://*"), ParseSource("https://*")}

// dangerousInEffect names the dangerous sources every policy allows.
func dangerousInEffect(rs []restriction) []string {
	var names []string
	star := inEffect(rs, dangerous[0])
	wide := star
	for _, d := range dangerous {
		if inEffect(rs, d) && (!star || d.Raw == "*" || d.Raw == "data:") {
			names = append(names, d.Raw)
			wide = wide || d.Raw != "data:"
		}
	}
	if wide {
		return names
	}
	for _, w := range wideHosts {
		if inEffect(rs, w) {
			return append(names, wideName(rs[0], w))
		}
	}
	return names
}

// wideInEffect is dangerousInEffect without data:, which no form posts to
// and no page is framed from.
func wideInEffect(rs []restriction) []string {
	var names []string
	for _, n := range dangerousInEffect(rs) {
		if n != "data:" {
			names = append(names, n)
		}
	}
	return names
}

// wideName names the source of r, as written, that lets any host in.
func wideName(r restriction, w Source) string {
	for _, s := range r.set.sources {
		if s.Kind == KindHost && s.Host == "*" && newSet([]Source{s}, r.set.page).covers(w) {
			return s.Raw
		}
	}
	return w.Raw
}

// scripts judges what opens the page to script injection (csp.script-src).
func (j *judge) scripts() {
	id := check.CSPDirective("script-src")
	elem := j.restricting("script-src-elem")
	f := finding.Finding{ID: id, Expected: "script-src without 'unsafe-inline', 'unsafe-eval' or wide sources", Actual: j.actual(elem),
		Vars: map[string]string{"directive": "script-src", "value": j.wanted("script-src", "script-src 'self'")}}
	if len(elem) == 0 {
		f.Severity, f.Reason = finding.Fail, check.Absent
		f.Message = "no enforced policy sets script-src or default-src, so any script may run"
		j.out.add(f)
		return
	}
	bad := false
	for _, name := range []string{"script-src-elem", "script-src-attr"} {
		rs := elem
		if name == "script-src-attr" {
			rs = j.restricting(name)
		}
		if len(rs) > 0 && inEffect(rs, ParseSource("'unsafe-inline'")) {
			f.Severity, f.Reason, f.Actual, bad = finding.Fail, check.UnsafeInline, j.actual(rs), true
			f.Message = "'unsafe-inline' is in effect for scripts, so injected inline scripts run"
			j.out.add(f)
			break
		}
	}
	if rs := j.restricting("script-src"); len(rs) > 0 && inEffect(rs, ParseSource("'unsafe-eval'")) {
		f.Severity, f.Reason, f.Actual, bad = finding.Fail, check.UnsafeEval, j.actual(rs), true
		f.Message = "'unsafe-eval' is in effect for scripts, so strings can run as code"
		j.out.add(f)
	}
	if names := dangerousInEffect(elem); len(names) > 0 {
		f.Severity, f.Reason, f.Actual, bad = finding.Fail, check.WideSource, j.actual(elem), true
		f.Message = fmt.Sprintf("script-src allows %s, from where an attacker can load scripts", strings.Join(names, " "))
		j.out.add(f)
	}
	if rs := j.restricting("script-src-attr"); len(rs) > 0 && inEffect(rs, ParseSource("'unsafe-hashes'")) {
		f.Severity, f.Reason, f.Actual = finding.Info, check.UnsafeHashes, j.actual(rs)
		f.Message = "'unsafe-hashes' lets inline event handlers with listed hashes run"
		j.out.add(f)
	}
	if !bad && literalSelf(elem) && inEffect(elem, ParseSource("'self'")) && !j.expects("script-src", "'self'") {
		f.Severity, f.Reason, f.Actual = finding.Info, check.Self, j.actual(elem)
		f.Message = "script-src allows 'self', so any script this origin serves (uploads, JSONP endpoints) may run"
		j.out.add(f)
	}
	if !bad {
		f.Severity, f.Reason, f.Actual = finding.Pass, check.OK, j.actual(elem)
		f.Message = "scripts are restricted: no 'unsafe-inline', 'unsafe-eval' or wide source is in effect"
		j.out.add(f)
	}
}

// literalSelf reports whether a policy names 'self' where it counts.
func literalSelf(rs []restriction) bool {
	for _, r := range rs {
		if r.set.kw.has("'self'") {
			return true
		}
	}
	return false
}

// expects reports whether the profile lists src for name.
func (j *judge) expects(name, src string) bool {
	for _, s := range j.exp.Directives[name] {
		if strings.EqualFold(s, src) {
			return true
		}
	}
	return false
}

// objects judges csp.object-src: plugins must be restricted.
func (j *judge) objects() {
	rs := j.restricting("object-src")
	f := finding.Finding{ID: check.CSPDirective("object-src"), Expected: "object-src 'none'", Actual: j.actual(rs), Vars: map[string]string{"directive": "object-src", "value": "object-src 'none'"}}
	switch names := dangerousInEffect(rs); {
	case len(rs) == 0:
		f.Severity, f.Reason = finding.Fail, check.Absent
		f.Message = "no enforced policy sets object-src or default-src, so plugins may load from anywhere"
	case len(names) > 0:
		f.Severity, f.Reason = finding.Fail, check.WideSource
		f.Message = fmt.Sprintf("object-src allows %s, from where plugins can run scripts", strings.Join(names, " "))
	default:
		f.Message = "plugins are restricted"
	}
	j.out.add(f)
}

// baseURI judges csp.base-uri by what an injected <base href> to the
// attacker's origin achieves under the enforced script policies. Every
// relative URL after it resolves against that origin (HTML §4.2.3), and
// the script then needs each policy's consent for the resolved URL:
//   - A nonce lets a script load from wherever its src points (CSP3
//     §6.7.2.3, nonces are checked before URLs), and the page's own
//     <script nonce src="/app.js"> carries it: the attacker's file runs.
//     'strict-dynamic' does the same for the relative scripts a trusted
//     script creates, nonce or hash. That is a bypass: fail.
//   - A host, scheme or 'self' allow-list checks the resolved URL, so the
//     relative script is blocked unless the attacker's origin is allowed
//     (a wide source: fail), and such an allow-list already fails script-src,
//     since whoever injects <base> can inject <script src> as well. A
//     hash allows external scripts only through integrity metadata, which
//     the attacker's file does not match. No script runs; what remains is
//     relative form actions, which post to the attacker unless form-action
//     (no fallback) stops them (warn), and relative links (info).
//   - Without any script restriction an injected <base> loads the
//     attacker's relative scripts like any injected script does: fail.
func (j *judge) baseURI() {
	rs := j.restricting("base-uri")
	f := finding.Finding{ID: check.CSPDirective("base-uri"), Expected: "base-uri 'none' or 'self'", Actual: j.actual(rs), Vars: map[string]string{"directive": "base-uri", "value": j.wanted("base-uri", "base-uri 'self'")}}
	names := dangerousInEffect(rs)
	if len(rs) > 0 && len(names) == 0 {
		f.Message = "base-uri is restricted"
		j.out.add(f)
		return
	}
	what := "no enforced policy sets base-uri (it has no fallback), so an injected <base> can point relative URLs at another origin"
	f.Reason = check.Absent
	if len(rs) > 0 {
		// As good as no base-uri at all.
		f.Reason = check.WideSource
		what = fmt.Sprintf("base-uri allows %s, so an injected <base> can point relative URLs at any origin", strings.Join(names, " "))
	}
	switch elem := j.restricting("script-src-elem"); {
	case len(elem) == 0:
		f.Severity = finding.Fail
		f.Message = what + ", and with no script-src relative scripts then load from there"
	case len(wideInEffect(elem)) > 0:
		// data: alone is no origin a relative URL can resolve to: the
		// browser oracle shows such a script stays blocked.
		f.Severity = finding.Fail
		f.Message = what + fmt.Sprintf(", and script-src allows %s, so relative scripts load from the attacker's origin", strings.Join(wideInEffect(elem), " "))
	case followsURL(elem):
		f.Severity = finding.Fail
		f.Message = what + ": scripts are allowed by nonce or 'strict-dynamic', so the page's own relative <script> tags load the attacker's code"
	case !j.formsRestricted():
		f.Severity = finding.Warn
		f.Message = what + ": script-src still blocks scripts from there, but relative form actions post to it, and form-action (which has no fallback) does not stop that"
	default:
		f.Severity = finding.Info
		f.Message = what + ": script-src and form-action still block scripts and form posts to it; only relative links follow it"
	}
	j.out.add(f)
}

// followsURL reports whether a page script whose relative src now points
// at the attacker's origin runs under every policy: each allows it by its
// nonce, by 'strict-dynamic', or by allowing that origin.
func followsURL(elem []restriction) bool {
	for _, r := range elem {
		if !r.set.nonce && !r.set.kw.has("'strict-dynamic'") && !r.set.covers(attacker) {
			return false
		}
	}
	return true
}

// attacker stands for an origin no policy names on purpose.
var attacker = ParseSource("https://attacker.invalid")

// formsRestricted reports whether some policy keeps forms from posting to
// another origin: form-action without a wide source.
func (j *judge) formsRestricted() bool {
	rs := j.restricting("form-action")
	return len(rs) > 0 && len(dangerousInEffect(rs)) == 0 && !inEffect(rs, attacker)
}

// required judges the directives of Expect.Require not judged otherwise.
func (j *judge) required() {
	for _, name := range j.exp.Require {
		if _, listed := j.exp.Directives[name]; listed {
			continue
		}
		switch name {
		case "script-src", "object-src", "base-uri":
			continue // always judged
		}
		id := check.CSPDirective(name)
		f := finding.Finding{ID: id, Expected: name + " restricted", Vars: map[string]string{"directive": name, "value": j.wanted(name, name+" 'self'")}}
		if !parse.TakesSourceList(name) {
			var found bool
			for _, p := range j.enforced {
				_, ok := p.Get(name)
				found = found || ok
			}
			if !found {
				f.Severity, f.Reason, f.Actual = finding.Warn, check.Absent, "(none)"
				f.Message = fmt.Sprintf("no enforced policy sets %s", name)
			} else {
				f.Actual, f.Message = name+" present", name+" is set"
			}
			j.out.add(f)
			continue
		}
		rs := j.restricting(name)
		f.Actual = j.actual(rs)
		switch {
		case len(rs) == 0:
			f.Severity, f.Reason = finding.Warn, check.Absent
			f.Message = fmt.Sprintf("no enforced policy sets %s, so it is unrestricted", name)
		case len(wideInEffect(rs)) > 0:
			// https: or https://* let any site post a form or frame the
			// page as much as * does (CSP3 §6.7.2.8).
			f.Severity, f.Reason = finding.Warn, check.WideSource
			f.Message = fmt.Sprintf("%s allows %s, which restricts nothing", name, strings.Join(wideInEffect(rs), " "))
		default:
			f.Message = name + " is restricted"
		}
		j.out.add(f)
	}
}

// sources reports doubtful sources in every enforced directive:
// plain-HTTP and IP sources, and short nonces.
func (j *judge) sources() {
	for _, p := range j.enforced {
		for _, d := range p.Directives {
			for _, s := range d.Sources {
				j.source(d, s)
			}
			j.reportURI(d)
		}
	}
}

// reportURI flags report-uri endpoints over plain HTTP: the browser
// posts every violation report there (CSP3 §5.5: the page URL, the blocked
// URL, a sample of the blocked code), readable and alterable on the path.
// report-to names a Reporting-Endpoints group, whose endpoints browsers use
// only when potentially trustworthy, so it needs no such check.
func (j *judge) reportURI(d Directive) {
	if d.Name != "report-uri" {
		return
	}
	for _, v := range d.Value {
		if len(v) < 5 || !strings.EqualFold(v[:5], "http:") {
			continue
		}
		j.out.add(finding.Finding{ID: check.CSPHTTPSource, Reason: check.HTTPReport, Severity: finding.Warn, Subject: d.Name, Expected: "an https report endpoint", Actual: v,
			Message: fmt.Sprintf("report-uri sends violation reports to %s over unencrypted HTTP, so anyone on the path reads them (page URLs, blocked URLs, code samples) and can alter or drop them", v),
			Vars:    map[string]string{"directive": d.Name, "source": v}})
	}
}

func (j *judge) source(d Directive, s Source) {
	if s.Kind == KindHost && isIPv4(strings.TrimSuffix(s.Host, ".")) {
		j.out.add(finding.Finding{ID: check.CSPIPSource, Reason: check.IPAddress, Severity: finding.Info, Subject: d.Name, Expected: "host names", Actual: s.Raw,
			Message: fmt.Sprintf("%s allows the IP address %s; browsers match it only literally", d.Name, s.Raw), Vars: map[string]string{"directive": d.Name, "source": s.Raw}})
	}
	switch {
	case (s.Kind == KindScheme || s.Kind == KindHost) && (s.Scheme == "http" || s.Scheme == "ws") && j.allowedByAll(d, s):
		j.out.add(finding.Finding{ID: check.CSPHTTPSource, Reason: check.PlainHTTP, Severity: finding.Warn, Subject: d.Name, Expected: "https sources", Actual: s.Raw,
			Message: fmt.Sprintf("%s allows %s, which loads over unencrypted %s that anyone on the path can alter", d.Name, s.Raw, s.Scheme), Vars: map[string]string{"directive": d.Name, "source": s.Raw}})
	case s.Kind == KindNonce && decodedLen(s.Value) < 8:
		j.out.add(finding.Finding{ID: check.CSPNonce, Reason: check.Short, Severity: finding.Warn, Subject: d.Name, Expected: "a random nonce of 16 bytes or more", Actual: s.Raw,
			Message: fmt.Sprintf("%s nonce %s carries under 8 bytes and can be guessed", d.Name, s.Raw), Vars: map[string]string{"directive": d.Name}})
	}
}

// allowedByAll reports whether the source s of directive d is in effect:
// every enforced policy allows it for d (CSP3 §4.1: each policy applies on
// its own), so a source another policy blocks is no risk.
func (j *judge) allowedByAll(d Directive, s Source) bool {
	rs := j.restricting(d.Name)
	return len(rs) == 0 || inEffect(rs, s)
}

// wanted is the profile's directive name with its sources, as a fix writes
// it, or dflt when the profile names none.
func (j *judge) wanted(name, dflt string) string {
	if _, ok := j.exp.Directives[name]; !ok {
		return dflt
	}
	return strings.TrimSpace(name + " " + orNothing(j.expected(name)))
}

// decodedLen is how many bytes a base64 value carries; values that do not
// decode count by their length (6 bits a character).
func decodedLen(v string) int {
	body := strings.TrimRight(v, "=")
	body = strings.NewReplacer("-", "+", "_", "/").Replace(body)
	if b, err := base64.RawStdEncoding.DecodeString(body); err == nil {
		return len(b)
	}
	return len(body) * 6 / 8
}

// isIPv4 reports a dotted-quad host, which CSP matches only literally.
func isIPv4(h string) bool {
	parts := strings.Split(h, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if len(p) == 0 || len(p) > 3 || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}
