// Package cookie judges the cookies a site sets (parsed by package
// setcookie): Secure, HttpOnly, SameSite, name prefixes, Domain scope, and
// what a browser would reject (RFC 6265bis).
package cookie

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/publicsuffix"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/internal/parse/setcookie"
	"github.com/hardscan/hardscan/scan/finding"
)

// Expect is the cookie part of a profile; the zero value judges every cookie
// by the browser rules only, with no session cookie expected.
type Expect struct {
	// Names are the session cookie's possible names; these are judged strictly.
	Names []string `json:"names"`
	// Prefix is the name prefix the session cookie should carry: "__Host-", "__Secure-" or "".
	Prefix string `json:"prefix"`
	// SameSite is the least strict acceptable SameSite for the session cookie: "Lax", "Strict" or "" (not judged).
	SameSite string `json:"same_site"`
	// Hint is accepted in profile files written for hardscan 0.1 and no longer
	// read: the fix comes from the check catalogue, per platform.
	Hint string `json:"hint,omitempty"`
	// Missing is the message when no session cookie was seen.
	Missing string `json:"missing"`
}

// Validate names the first bad field.
func (e Expect) Validate() error {
	for i, n := range e.Names {
		if n == "" || strings.ContainsAny(n, "; =,\t\"") || strings.ContainsFunc(n, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return fmt.Errorf("cookie.names[%d]: %q is not a cookie name", i, n)
		}
	}
	switch e.Prefix {
	case "", "__Host-", "__Secure-":
	default:
		return fmt.Errorf("cookie.prefix: %q must be \"__Host-\", \"__Secure-\" or empty", e.Prefix)
	}
	switch e.SameSite {
	case "", "Lax", "Strict":
	default:
		return fmt.Errorf("cookie.same_site: %q must be \"Lax\", \"Strict\" or empty", e.SameSite)
	}
	return nil
}

// Check ids of the findings Judge emits; the subject is the cookie name.
const (
	IDSecure   = check.CookieSecure
	IDHTTPOnly = check.CookieHTTPOnly
	IDSameSite = check.CookieSameSite
	IDPrefix   = check.CookiePrefix
	IDDomain   = check.CookieDomain
	IDRejected = check.CookieRejected
	IDSession  = check.CookieSession
)

const defaultMissing = "no session cookie was seen; Pleroma >= 2.5 sets it only for authenticated requests: pass -H 'Authorization: Bearer TOKEN'"

// Judge judges what the browser ends up storing from every cookie seen at
// now. The lines of one visit go through the storage model of RFC 6265bis
// §5.7 in order: a line a browser rejects changes nothing, a deletion
// (Max-Age<=0, or an Expires in the past) removes the cookie and stores
// nothing, and a line with the same name, domain and path as an earlier one
// replaces it; deletions and replacements are notes, and only the cookies
// left stored are judged, save that a value set over plain HTTP crossed the
// network in clear however briefly it was kept. A name seen on several
// visits is judged on each and the worst verdict per check is kept, naming
// its URL. Pass findings are emitted for the session cookie only.
func Judge(seen []setcookie.Seen, exp Expect, now time.Time) []finding.Finding {
	var out []finding.Finding
	index := map[string]int{}
	keep := func(f finding.Finding) {
		k := f.Key()
		if i, ok := index[k]; ok {
			if f.Severity > out[i].Severity {
				out[i] = f
			}
			return
		}
		index[k] = len(out)
		out = append(out, f)
	}
	judges := make([]judge, len(seen))
	for i, s := range seen {
		judges[i] = judge{c: s.Cookie, u: s.SetBy, exp: exp, session: slices.Contains(exp.Names, s.Cookie.Name)}
	}
	fates := storeFates(seen, judges, now)
	sessionSeen := false
	for i, j := range judges {
		fate := fates[i]
		switch {
		case fate.rejected:
			sessionSeen = sessionSeen || j.session
			for _, f := range j.all() {
				keep(f)
			}
		case seen[i].Cookie.Deletes(now):
			keep(j.deleted(fate, seen))
		case fate.by >= 0:
			if !seen[fate.by].Cookie.Deletes(now) {
				keep(j.replaced(seen[fate.by]))
			}
			if f, ok := j.secure(); ok && j.plainHTTP() && j.c.Value != "" {
				j.finish(&f)
				keep(f)
			}
		default:
			sessionSeen = sessionSeen || j.session
			for _, f := range j.all() {
				keep(f)
			}
		}
	}
	if len(exp.Names) > 0 && !sessionSeen {
		msg := exp.Missing
		if msg == "" {
			msg = defaultMissing
		}
		keep(finding.Finding{ID: IDSession, Reason: check.NotSeen, Severity: finding.Info, Expected: strings.Join(exp.Names, " or "), Vars: map[string]string{"cookie": exp.Names[0]},
			Actual: "(not seen)", Message: msg})
	}
	return out
}

// fate is what became of one line in the store of its visit.
type fate struct {
	rejected bool
	by       int // the later line that replaced or deleted it, or -1
	removed  int // for a deletion: the earlier line it removed, or -1
}

// storeFates applies each visit's lines to a store of its own, in order.
func storeFates(seen []setcookie.Seen, judges []judge, now time.Time) []fate {
	fates := make([]fate, len(seen))
	stores := map[int]map[Key]int{}
	for i, s := range seen {
		fates[i] = fate{by: -1, removed: -1}
		if _, rejected := judges[i].rejected(); rejected {
			fates[i].rejected = true
			continue
		}
		store := stores[s.Visit]
		if store == nil {
			store = map[Key]int{}
			stores[s.Visit] = store
		}
		k := KeyOf(s.Cookie, s.SetBy)
		if prev, ok := store[k]; ok {
			fates[prev].by = i
			fates[i].removed = prev
		}
		if s.Cookie.Deletes(now) {
			delete(store, k)
		} else {
			store[k] = i
		}
	}
	return fates
}

// IDStorage is the check id of the notes on deletions and replacements.
const IDStorage = check.CookieStorage

// deleted notes a line that removes the cookie: the browser stores nothing.
func (j judge) deleted(fa fate, seen []setcookie.Seen) finding.Finding {
	f := finding.Finding{ID: IDStorage, Reason: check.Deleted, Severity: finding.Info, Expected: "a cookie browsers store"}
	f.Message = fmt.Sprintf("%s deletes the cookie (%s): browsers store nothing for it, so there is nothing to protect", j.where(), j.c.How())
	if fa.removed >= 0 {
		f.Message += fmt.Sprintf("; it removes the one set earlier by %s", judge{u: seen[fa.removed].SetBy}.where())
	}
	j.finish(&f)
	return f
}

// replaced notes a line a later one of the same name, domain and path
// overwrote before the visit ended.
func (j judge) replaced(by setcookie.Seen) finding.Finding {
	f := finding.Finding{ID: IDStorage, Reason: check.Replaced, Severity: finding.Info, Expected: "one Set-Cookie per cookie"}
	from := "from " + judge{u: by.SetBy}.where()
	if from == "from "+j.where() {
		from = "from the same URL"
	}
	f.Message = fmt.Sprintf("the cookie set by %s is replaced by a later Set-Cookie of the same name, domain and path %s (RFC 6265bis §5.7); the later one is what browsers keep and what is judged",
		j.where(), from)
	j.finish(&f)
	return f
}

// judge holds one cookie seen on one response.
type judge struct {
	c       setcookie.Cookie
	u       *url.URL
	exp     Expect
	session bool
}

func (j judge) all() []finding.Finding {
	var fs []finding.Finding
	checks := []func() (finding.Finding, bool){j.secure, j.httpOnly, j.sameSite, j.prefix, j.domain}
	if f, ok := j.rejected(); ok {
		// A cookie the browser refuses is never stored: what its other
		// attributes would do is moot, and saying it would be sent over
		// HTTP next to saying it is rejected contradicts itself. Its value
		// did cross the network in clear if it came over plain HTTP.
		checks = []func() (finding.Finding, bool){func() (finding.Finding, bool) { return f, true }}
		if j.plainHTTP() {
			checks = append(checks, j.secure)
		}
	}
	for _, check := range checks {
		if f, ok := check(); ok {
			j.finish(&f)
			fs = append(fs, f)
		}
	}
	return fs
}

// finish fills what every finding on the cookie carries.
func (j judge) finish(f *finding.Finding) {
	f.Subject = j.c.Name
	if f.Actual == "" {
		f.Actual = setcookie.Redact(j.c.Raw)
	}
	if f.Reason == "" {
		f.Reason = check.OK
	}
	f.Vars = j.vars()
}

// vars are the values a cookie's fix is written with.
func (j judge) vars() map[string]string {
	ss := j.exp.SameSite
	if ss == "" {
		ss = "Lax"
	}
	return map[string]string{"cookie": j.c.Name, "samesite": ss, "prefix": j.exp.Prefix}
}

// where names the response that set the cookie.
func (j judge) where() string {
	if j.u == nil {
		return "a response"
	}
	return j.u.Redacted()
}

func (j judge) plainHTTP() bool { return j.u != nil && strings.EqualFold(j.u.Scheme, "http") }

func (j judge) host() string {
	if j.u == nil {
		return ""
	}
	return strings.ToLower(strings.TrimSuffix(j.u.Hostname(), "."))
}

// worse is Fail for the session cookie and Warn for any other.
func (j judge) worse() finding.Severity {
	if j.session {
		return finding.Fail
	}
	return finding.Warn
}

func (j judge) secure() (finding.Finding, bool) {
	f := finding.Finding{ID: IDSecure, Expected: "Secure, set over HTTPS"}
	switch {
	case j.plainHTTP():
		f.Severity, f.Reason = j.worse(), check.SetOverHTTP
		f.Message = fmt.Sprintf("set over plain HTTP by %s, so its value crossed the network in clear", j.where())
	case !j.c.Secure:
		f.Severity, f.Reason = j.worse(), check.NoSecure
		f.Message = fmt.Sprintf("cookie set by %s lacks Secure, so the browser will send it over plain HTTP", j.where())
	case j.session:
		f.Message = "the session cookie is Secure"
	default:
		return f, false
	}
	return f, true
}

func (j judge) httpOnly() (finding.Finding, bool) {
	f := finding.Finding{ID: IDHTTPOnly, Expected: "HttpOnly"}
	switch {
	case j.c.HTTPOnly && j.session:
		f.Message = "the session cookie is HttpOnly"
	case j.c.HTTPOnly:
		return f, false
	case j.session:
		f.Severity, f.Reason = finding.Fail, check.NoHTTPOnly
		f.Message = fmt.Sprintf("the session cookie set by %s lacks HttpOnly, so injected script can steal it", j.where())
	case looksLikeSession(j.c.Name):
		f.Severity, f.Reason = finding.Warn, check.NoHTTPOnly
		f.Message = fmt.Sprintf("cookie set by %s looks like a session or token but lacks HttpOnly", j.where())
	default:
		return f, false
	}
	return f, true
}

// sameSiteRank orders SameSite values; absent is below Lax because browsers
// differ (Chrome defaults to Lax, Firefox and Safari to None).
func sameSiteRank(v string) int {
	switch v {
	case "Strict":
		return 3
	case "Lax":
		return 2
	case "":
		return 1
	}
	return 0
}

func (j judge) sameSite() (finding.Finding, bool) {
	f := finding.Finding{ID: IDSameSite, Expected: j.exp.SameSite}
	switch {
	case !j.session || j.exp.SameSite == "":
		return f, false
	case sameSiteRank(j.c.SameSite) < sameSiteRank(j.exp.SameSite):
		f.Severity, f.Reason = finding.Warn, check.Weaker
		got := j.c.SameSite
		if got == "" {
			got = "absent (browsers differ)"
		}
		f.Message = fmt.Sprintf("the session cookie set by %s has SameSite %s, weaker than %s, so other sites can make requests that carry it", j.where(), got, j.exp.SameSite)
	default:
		f.Message = "the session cookie has SameSite=" + j.c.SameSite
	}
	return f, true
}

func (j judge) prefix() (finding.Finding, bool) {
	f := finding.Finding{ID: IDPrefix, Expected: j.exp.Prefix}
	p := setcookie.Prefix(j.c.Name)
	switch {
	case !j.session || j.exp.Prefix == "":
		return f, false
	case p == j.exp.Prefix || (p == "__Host-" && j.exp.Prefix == "__Secure-"):
		f.Message = "the session cookie carries the " + p + " prefix"
	default:
		// Warn only: a missing prefix is defence in depth; cookie.secure
		// already fails a session cookie without Secure.
		f.Severity, f.Reason = finding.Warn, check.NoPrefix
		f.Message = fmt.Sprintf("the session cookie lacks the %s prefix that stops subdomains and plain HTTP from overwriting it", j.exp.Prefix)
	}
	return f, true
}

func (j judge) domain() (finding.Finding, bool) {
	f := finding.Finding{ID: IDDomain, Expected: "no Domain attribute (host-only)", Actual: "Domain=" + j.c.Domain}
	switch {
	case !j.c.HasDomain:
		if !j.session {
			return f, false
		}
		f.Actual = "host-only"
		f.Message = "the session cookie is host-only"
		return f, true
	case !j.session || j.host() == "":
		return f, false
	}
	d := strings.TrimSuffix(j.c.Domain, ".")
	f.Severity, f.Reason = finding.Warn, check.Subdomains
	f.Message = fmt.Sprintf("Domain=%s sends the session cookie to every subdomain of %s too", d, d)
	return f, true
}

// rejected says why a browser refuses to store the cookie, if it does:
// the prefix rules, SameSite=None without Secure, a Domain that is a public
// suffix or foreign to the host, Secure over plain HTTP (RFC 6265bis §5.7).
func (j judge) rejected() (finding.Finding, bool) {
	f := finding.Finding{ID: IDRejected, Expected: "a cookie browsers store", Severity: j.worse()}
	if p := setcookie.Prefix(j.c.Name); p != "" {
		var broken []string
		if j.plainHTTP() {
			broken = append(broken, "set over plain HTTP")
		}
		if !j.c.Secure {
			broken = append(broken, "no Secure")
		}
		if p == "__Host-" {
			if j.c.HasDomain {
				broken = append(broken, "a Domain attribute")
			}
			if j.c.Path != "/" {
				broken = append(broken, "Path is not /")
			}
		}
		if len(broken) > 0 {
			f.Reason, f.Expected = check.PrefixRules, p+" rules"
			f.Message = fmt.Sprintf("browsers reject this %s cookie set by %s (%s)", p, j.where(), strings.Join(broken, ", "))
			return f, true
		}
	}
	if host, d := j.host(), strings.TrimSuffix(j.c.Domain, "."); j.c.HasDomain && host != "" {
		if ps, _ := publicsuffix.PublicSuffix(d); ps == d && d != host {
			f.Reason = check.PublicSuffixDomain
			f.Message = fmt.Sprintf("Domain=%s is a public suffix, so browsers reject the cookie set by %s", d, j.where())
			return f, true
		}
		if d != host && (net.ParseIP(host) != nil || !strings.HasSuffix(host, "."+d)) {
			f.Reason = check.ForeignDomain
			f.Message = fmt.Sprintf("Domain=%s does not domain-match %s, so browsers reject the cookie", d, host)
			return f, true
		}
	}
	switch {
	case j.c.SameSite == "None" && !j.c.Secure:
		f.Reason, f.Expected = check.SameSiteNoneInsecure, "Secure with SameSite=None"
		f.Message = fmt.Sprintf("SameSite=None without Secure (set by %s) makes browsers reject the cookie (RFC 6265bis)", j.where())
	case j.plainHTTP() && j.c.Secure:
		f.Reason = check.SecureOverHTTP
		f.Message = fmt.Sprintf("a Secure cookie set over plain HTTP by %s is rejected by browsers (RFC 6265bis)", j.where())
	case j.c.Name == "" && setcookie.Prefix(j.c.Value) != "":
		f.Reason = check.NamelessPrefix
		f.Message = "a nameless cookie whose value starts with a __Host- or __Secure- prefix is rejected by browsers (RFC 6265bis)"
	default:
		return f, false
	}
	return f, true
}

// looksLikeSession guesses from the name whether a cookie authenticates.
func looksLikeSession(name string) bool {
	n := strings.ToLower(name)
	if strings.Contains(n, "csrf") || strings.Contains(n, "xsrf") {
		return false // double-submit tokens are meant to be read by script
	}
	for _, s := range []string{"sess", "token", "auth", "jwt", "login", "remember"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	for _, part := range strings.FieldsFunc(n, func(r rune) bool { return !('a' <= r && r <= 'z' || '0' <= r && r <= '9') }) {
		switch part {
		case "sid", "key", "id", "uid":
			return true
		}
	}
	return false
}
