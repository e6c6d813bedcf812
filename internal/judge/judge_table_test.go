package judge

import (
	"bufio"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/internal/probe"
	"github.com/hardscan/hardscan/internal/profile"
	replica "github.com/hardscan/hardscan/internal/replica"
	"github.com/hardscan/hardscan/scan/finding"
)

// resp is one response of a case: raw header lines, or a recorded response
// head from fixtures/responses.
type resp struct {
	path   string   // URL path; "/" when empty
	status int      // 0: a recorded file's own status, else 301 with a Location, 200 without
	lines  string   // raw header lines, one a line; repeated names stay apart; with file, added to it
	file   string   // a recorded response head in fixtures/responses
	strip  []string // headers removed from a recorded file
}

// judgeCase is one header set and what the specs say of it. Keys are
// "id" (empty subject) or "id[subject]".
type judgeCase struct {
	name, why, profile string
	host               string // "example.tld" when empty; may carry a port
	root               resp   // the final HTTPS response, where headers are judged
	first              *resp  // an HTTPS hop that redirects to root, where HSTS is judged
	body               string // HTML of the final response, for <meta> policies
	undecoded          string // the final response came in this coding, which the probe cannot decode
	http               *resp  // the http:// response; nil: 301 to https://host/
	httpErr            error
	cookies            []resp // the profile's cookie paths
	deep               *resp  // the first hop of GET http://host/<deep path>; path defaults to deepPath
	deepErr            error
	errorPage          *resp // GET https://host/<a path that does not exist>; path defaults to errorPath
	again              *resp // the second GET https://host/
	disallowed         bool  // the probe refused to follow root's Location (Chain.Disallowed)
	want               map[string]finding.Severity
	atLeast, atMost    map[string]finding.Severity
	absent             []string          // keys that must not be reported
	mention            map[string]string // key -> text its message must name
	reasons            map[string]string // key -> the reason it must give
	noFail             bool              // a real server under its own profile: only the fails in want may occur
}

// Spec texts the groups cite.
const (
	pleroma27CSP = "upgrade-insecure-requests;script-src 'self';connect-src 'self' blob: https://example.tld wss://example.tld https:;media-src 'self' https:;img-src 'self' data: blob: https:;default-src 'none';base-uri 'self';frame-ancestors 'none';style-src 'self' 'unsafe-inline';font-src 'self';manifest-src 'self';"
	// strictTail completes a CSP under test with the directives modern requires.
	strictTail = "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
	nonce      = "'nonce-9f8e7d6c5b4a39281706f5e4'"
	goodHSTS   = "Strict-Transport-Security: max-age=31536000; includeSubDomains"
)

const (
	pass = finding.Pass
	info = finding.Info
	warn = finding.Warn
	fail = finding.Fail
)

type m = map[string]finding.Severity

// pleromaCSP is Pleroma 2.7's default policy with one directive replaced.
func pleromaCSP(directive, value string) string {
	parts := strings.Split(pleroma27CSP, ";")
	for i, p := range parts {
		if strings.HasPrefix(p, directive+" ") || p == directive {
			parts[i] = value
		}
	}
	return "Content-Security-Policy: " + strings.Join(parts, ";")
}

func judgeCases() []judgeCase {
	var cs []judgeCase
	cs = append(cs, recordedCases()...)
	cs = append(cs, observatoryCases()...)
	cs = append(cs, evaluatorCases()...)
	cs = append(cs, cspCases()...)
	cs = append(cs, hstsCases()...)
	cs = append(cs, frameCases()...)
	cs = append(cs, referrerCases()...)
	cs = append(cs, cookieCases()...)
	cs = append(cs, otherHeaderCases()...)
	cs = append(cs, siteCases()...)
	return cs
}

// recordedCases are the recorded real responses (testdata), each judged under its
// own profile: nothing may fail but HSTS where the software's default
// leaves it off.
func recordedCases() []judgeCase {
	p24 := "pleroma-2.4_default_GET-web-getting-started_cookie.http"
	p24in := "pleroma-2.4_insecure_http-security-disabled_secure-cookie-off_GET-web-getting-started.http"
	cookieOnly := []string{"Set-Cookie", "Location"}
	return []judgeCase{
		{name: "real/pleroma-2.7-default", profile: "pleroma", noFail: true,
			why:  "recorded: Pleroma 2.7 defaults (sts: false, so no HSTS: RFC 6797 protection absent); 2.6+ adds https: to connect-src, beyond the guide",
			root: resp{file: "pleroma-2.7_default_GET-root.http"},
			want: m{"hsts": fail, "csp": pass, "csp.script-src": pass, "csp.object-src": pass, "csp.base-uri": pass,
				"csp.frame-ancestors": pass, "csp.upgrade-insecure-requests": pass, "csp.img-src": pass, "csp.style-src": pass,
				"csp.connect-src": warn, "x-frame-options": pass, "x-content-type-options": pass, "referrer-policy": pass,
				"x-xss-protection": pass, "x-download-options": pass,
				"x-permitted-cross-domain-policies": pass, "expect-ct": info, "https.redirect": pass, "cookie.session": info},
			reasons: map[string]string{"x-xss-protection": "obsolete", "csp.connect-src": "wide-source", "hsts": "absent", "expect-ct": "absent", "cookie.session": "not-seen"},
			mention: map[string]string{"csp.connect-src": "https:"},
			absent:  []string{"header.fingerprint[server]", "csp.syntax[script-src]", "header.deprecated[x-xss-protection]"}},
		{name: "real/pleroma-2.7-sts", profile: "pleroma", noFail: true,
			why:  "recorded: Pleroma 2.7 with sts: true sends HSTS max-age=31536000; includeSubDomains (RFC 6797) and Expect-CT",
			root: resp{file: "pleroma-2.7_hardened-sts_GET-root.http"},
			want: m{"hsts": pass, "hsts.preload": info, "expect-ct": pass,
				"csp.script-src": pass, "x-frame-options": pass},
			reasons: map[string]string{"expect-ct": "obsolete", "hsts": "ok", "hsts.preload": "not-eligible"},
			absent:  []string{"header.deprecated[expect-ct]"}},
		{name: "real/pleroma-2.7-oauth-cookie", profile: "pleroma", noFail: true,
			why:     "recorded: Pleroma >= 2.5 sets __Host-pleroma_key on authenticated requests; RFC 6265bis __Host- rules all met",
			root:    resp{file: "pleroma-2.7_default_GET-root.http"},
			cookies: []resp{{path: "/api/v1/accounts/verify_credentials", file: "pleroma-2.7_default_POST-oauth-token_cookie.http"}},
			want: m{"hsts": fail, "cookie.secure[__Host-pleroma_key]": pass, "cookie.httponly[__Host-pleroma_key]": pass,
				"cookie.samesite[__Host-pleroma_key]": pass, "cookie.prefix[__Host-pleroma_key]": pass},
			absent: []string{"cookie.session", "cookie.rejected[__Host-pleroma_key]"}},
		{name: "real/pleroma-2.4-default", profile: "pleroma", noFail: true,
			why:     "recorded: Pleroma 2.4 sends the same plug headers on every response, connect-src without https:, and the cookie on GET /web/getting-started",
			root:    resp{file: p24, status: 200, strip: cookieOnly},
			cookies: []resp{{path: "/web/getting-started", file: p24}},
			want: m{"hsts": fail, "csp.connect-src": pass, "csp.script-src": pass, "x-xss-protection": pass,
				"cookie.secure[__Host-pleroma_key]": pass, "cookie.httponly[__Host-pleroma_key]": pass,
				"cookie.samesite[__Host-pleroma_key]": pass, "cookie.prefix[__Host-pleroma_key]": pass,
				"cookie.domain[__Host-pleroma_key]": pass}},
		{name: "real/pleroma-2.4-insecure", profile: "pleroma",
			why:     "recorded: http_security disabled and secure_cookie_flag false: no CSP, XFO, XCTO; pleroma_key without Secure (RFC 6265bis §4.1.2.5)",
			root:    resp{file: p24in, status: 200, strip: cookieOnly},
			cookies: []resp{{path: "/web/getting-started", file: p24in}},
			want: m{"csp": fail, "x-frame-options": fail, "x-content-type-options": fail, "hsts": fail, "referrer-policy": warn,
				"x-permitted-cross-domain-policies": warn, "cookie.secure[pleroma_key]": fail, "cookie.prefix[pleroma_key]": warn,
				"cookie.httponly[pleroma_key]": pass}},
		{name: "real/pleroma-2.7-insecure", profile: "pleroma",
			why:  "recorded: http_security disabled removes every security header; the profile's missing severities apply",
			root: resp{file: "pleroma-2.7_insecure_http-security-disabled_GET-root.http"},
			want: m{"csp": fail, "x-frame-options": fail, "x-content-type-options": fail, "referrer-policy": warn,
				"x-xss-protection": info, "x-download-options": info, "hsts": fail}},
		{name: "real/akkoma-default", profile: "akkoma", noFail: true,
			why:     "recorded: Akkoma 2025.10 defaults (HSTS off: the recording has none), X-XSS-Protection: 0, base-uri 'none', cookie on /web/getting-started",
			root:    resp{file: "akkoma-2025.10_default_GET-root.http"},
			cookies: []resp{{path: "/web/getting-started", file: "akkoma-2025.10_default_GET-web-getting-started_cookie.http"}},
			want: m{"hsts": fail, "csp": pass, "csp.object-src": pass, "csp.base-uri": pass, "csp.connect-src": pass,
				"csp.frame-ancestors": pass, "x-xss-protection": pass, "expect-ct": pass, "x-frame-options": pass,
				"cookie.secure[__Host-pleroma_key]": pass, "cookie.prefix[__Host-pleroma_key]": pass},
			absent: []string{"csp.nonce[script-src]", "csp.nonce[style-src]", "header.deprecated[x-xss-protection]"}},
		{name: "real/akkoma-nonces", profile: "akkoma",
			why:  "CSP3 §6.7.3.3: Akkoma's per-request nonces in script-src and style-src are its own policy, not a source beyond it",
			root: resp{file: "akkoma-2025.10_default_GET-root.http"},
			want: m{"csp.script-src": pass, "csp.style-src": pass}},
		{name: "real/mastodon", profile: "mastodon", noFail: true,
			why:     "recorded: Mastodon 4.3: HSTS 2 years with includeSubDomains, form-action 'none', X-XSS-Protection: 0, _mastodon_session Secure HttpOnly Lax",
			root:    resp{file: "mastodon-4.3_nginx_GET-root.http"},
			cookies: []resp{{path: "/auth/sign_in", file: "mastodon-4.3_nginx_GET-auth-sign_in_cookie.http"}},
			want: m{"hsts": pass, "csp": pass, "csp.script-src": pass, "csp.object-src": pass, "csp.base-uri": pass,
				"csp.form-action": pass, "csp.connect-src": pass, "csp.frame-src": pass, "x-frame-options": pass,
				"x-content-type-options": pass, "x-xss-protection": pass, "referrer-policy": pass,
				"cookie.secure[_mastodon_session]": pass, "cookie.httponly[_mastodon_session]": pass,
				"cookie.samesite[_mastodon_session]": pass},
			absent: []string{"header.fingerprint[server]", "csp.nonce[style-src]"}},
		{name: "real/mastodon-style-nonce", profile: "mastodon",
			why:  "CSP3 §6.7.3.3: Mastodon's per-request style nonce is its own policy, not a source beyond it",
			root: resp{file: "mastodon-4.3_nginx_GET-root.http"},
			want: m{"csp.style-src": pass}},
		{name: "real/mastodon-sign-in-as-root", profile: "mastodon", noFail: true,
			why:  "recorded: form-action 'none' is only on app pages; a missing form-action (no fallback, CSP3 §6.4.1) is unrestricted but not script injection",
			root: resp{file: "mastodon-4.3_nginx_GET-auth-sign_in_cookie.http", strip: []string{"Set-Cookie"}},
			want: m{"csp.form-action": warn, "csp.script-src": pass, "hsts": pass}},
	}
}

// observatoryCases are cases the MDN HTTP Observatory judges wrongly.
func observatoryCases() []judgeCase {
	strict := "Content-Security-Policy: default-src 'none'; script-src " + nonce + "; " + strictTail
	weak := "script-src 'self' 'unsafe-inline' 'unsafe-eval' https: data:; object-src *; base-uri *"
	allPass := m{"csp": pass, "csp.script-src": pass, "csp.object-src": pass, "csp.base-uri": pass}
	return []judgeCase{
		{name: "observatory/two-csp-headers-strict-first", profile: "modern", want: allPass,
			why:  "CSP3 §3.1 and §4.2.2: each header is a policy and every enforced policy applies; Observatory comma-joins and misreads them as one",
			root: resp{lines: strict + "\nContent-Security-Policy: " + weak}},
		{name: "observatory/two-csp-headers-weak-first", profile: "modern", want: allPass,
			why:  "CSP3 §4.2.2: the order of enforced policies does not matter, a script must pass all of them",
			root: resp{lines: "Content-Security-Policy: " + weak + "\n" + strict}},
		{name: "observatory/comma-joined-csp", profile: "modern", want: allPass,
			why:  "CSP3 §2.2.2 parse a serialized CSP list: one header value splits on comma into policies, all enforced",
			root: resp{lines: strict + ", " + weak}},
		{name: "observatory/comma-joined-weak-policies", profile: "modern",
			why:  "CSP3 §2.2.2: 'unsafe-inline' in one policy is in effect when the other policy does not restrict scripts",
			root: resp{lines: "Content-Security-Policy: script-src 'unsafe-inline', object-src 'none'"},
			want: m{"csp.script-src": fail, "csp.object-src": pass, "csp.base-uri": warn}},
		{name: "observatory/hsts-max-age-abc", profile: "modern",
			why:  "RFC 6797 §6.1.1: max-age is delta-seconds; an invalid header is ignored whole (§8.1), Observatory passes it",
			root: resp{lines: "Strict-Transport-Security: max-age=abc; includeSubDomains"},
			want: m{"hsts": fail}},
		{name: "observatory/hsts-max-age-quoted", profile: "modern",
			why:  "RFC 6797 §6.1: directive values may be quoted-strings, so max-age=\"31536000\" is one year",
			root: resp{lines: `Strict-Transport-Security: max-age="31536000"; includeSubDomains`},
			want: m{"hsts": pass}},
		{name: "observatory/hsts-twice", profile: "modern",
			why:  "RFC 6797 §8.1: only the first STS header is processed; a second copy is a misconfiguration",
			root: resp{lines: goodHSTS + "\n" + goodHSTS},
			want: m{"hsts": warn}},
		{name: "observatory/xfo-deny-twice", profile: "pleroma",
			why:  "HTML, X-Frame-Options processing: values form a set, DENY twice is {deny}; Observatory calls it invalid",
			root: resp{lines: "X-Frame-Options: DENY\nX-Frame-Options: DENY"},
			want: m{"x-frame-options": pass}},
		{name: "observatory/xcto-nosniff-twice", profile: "pleroma",
			why:  "Fetch, determine nosniff: only the first value counts and it is nosniff; Observatory calls the duplicate invalid",
			root: resp{lines: "X-Content-Type-Options: nosniff\nX-Content-Type-Options: nosniff"},
			want: m{"x-content-type-options": pass}},
		{name: "observatory/cookie-on-http-redirect", profile: "pleroma",
			why:  "RFC 6265bis §8.3: a cookie set over plain HTTP crossed the network in clear; Observatory never judges the http:// hop",
			http: &resp{lines: "Location: https://example.tld/\nSet-Cookie: pleroma_key=abc; path=/; HttpOnly; SameSite=Lax"},
			want: m{"cookie.secure[pleroma_key]": fail, "https.redirect": pass}},
		{name: "observatory/secure-cookie-on-http-redirect", profile: "pleroma",
			why:     "RFC 6265bis §5.7 step 13: a Secure cookie from a non-secure origin is rejected; its value still crossed in clear",
			http:    &resp{lines: "Location: https://example.tld/\nSet-Cookie: __Host-pleroma_key=abc; path=/; secure; HttpOnly; SameSite=Lax"},
			want:    m{"cookie.secure[__Host-pleroma_key]": fail},
			atLeast: m{"cookie.rejected[__Host-pleroma_key]": warn}},
		{name: "observatory/host-cookie-without-secure", profile: "pleroma",
			why:     "RFC 6265bis §4.1.3.2: a __Host- cookie needs Secure, else browsers reject it; Observatory's jar drops it unjudged",
			cookies: []resp{{path: "/web/getting-started", lines: "Set-Cookie: __Host-pleroma_key=abc; path=/; HttpOnly; SameSite=Lax"}},
			want:    m{"cookie.rejected[__Host-pleroma_key]": fail},
			reasons: map[string]string{"cookie.rejected[__Host-pleroma_key]": "prefix-rules"}},
		{name: "observatory/cookie-foreign-domain", profile: "modern",
			why:     "RFC 6265bis §5.7 step 7: a Domain that does not domain-match the host is rejected; Observatory's jar drops it unjudged",
			root:    resp{lines: "Set-Cookie: sid=1; Secure; HttpOnly; Domain=other.example; Path=/"},
			atLeast: m{"cookie.rejected[sid]": warn}, reasons: map[string]string{"cookie.rejected[sid]": "foreign-domain"}},
		{name: "observatory/port-80-silent", profile: "modern",
			why:     "contract, https.redirect: no answer on port 80 is no redirect; Observatory waits 10 s and passes",
			httpErr: errors.New("dial tcp 192.0.2.1:80: i/o timeout"),
			want:    m{"https.redirect": warn}},
		{name: "observatory/port-80-refused", profile: "pleroma",
			why:     "contract, https.redirect: a closed port 80 gives users an error instead of a redirect",
			httpErr: fmt.Errorf("dial tcp 192.0.2.1:80: %w", syscall.ECONNREFUSED),
			want:    m{"https.redirect": warn}},
		{name: "observatory/host-with-port", profile: "modern", host: "example.tld:8443",
			why:  "hstspreload redirect rule: http:// redirecting to https on the same host (another port) is the same host",
			http: &resp{lines: "Location: https://example.tld:8443/"},
			want: m{"https.redirect": pass}},
	}
}

// evaluatorCases follow Google's CSP Evaluator (github.com/google/csp-evaluator); the five it is
// known for are unsafe-inline without nonce, wide script sources, missing
// object-src, strict-dynamic with nonce, and 'unsafe-eval'.
func evaluatorCases() []judgeCase {
	csp := func(v string) resp { return resp{lines: "Content-Security-Policy: " + v} }
	return []judgeCase{
		{name: "evaluator/1-unsafe-inline-without-nonce", profile: "modern",
			why:  "CSP3 §6.7.3.3: 'unsafe-inline' without nonce or hash lets injected inline script run (Evaluator HIGH)",
			root: csp("script-src 'self' 'unsafe-inline'; " + strictTail), want: m{"csp.script-src": fail}},
		{name: "evaluator/unsafe-inline-with-nonce", profile: "modern",
			why:  "CSP3 §6.7.3.3: a nonce makes browsers ignore 'unsafe-inline' (Evaluator ignores it too)",
			root: csp("script-src 'unsafe-inline' " + nonce + "; " + strictTail), want: m{"csp.script-src": pass}},
		{name: "evaluator/unsafe-inline-with-hash", profile: "modern",
			why:  "CSP3 §6.7.3.3: a hash makes browsers ignore 'unsafe-inline'",
			root: csp("script-src 'unsafe-inline' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='; " + strictTail), want: m{"csp.script-src": pass}},
		{name: "evaluator/2-https-scheme-in-script-src", profile: "modern",
			why:     "CSP3 §6.7.2.9: https: matches every https URL, so any site can host the script (Evaluator HIGH)",
			root:    csp("script-src 'self' https:; " + strictTail),
			want:    m{"csp.script-src": fail},
			mention: map[string]string{"csp.script-src": "https:"}},
		{name: "evaluator/data-in-script-src", profile: "modern",
			why:  "CSP3 §6.7.2.9: data: script sources are attacker-written scripts (Evaluator HIGH)",
			root: csp("script-src 'self' data:; " + strictTail), want: m{"csp.script-src": fail},
			mention: map[string]string{"csp.script-src": "data:"}},
		{name: "evaluator/http-in-script-src", profile: "modern",
			why:  "CSP3 §6.7.2.9: http: matches http and https URLs of every host (Evaluator HIGH)",
			root: csp("script-src 'self' http:; " + strictTail), want: m{"csp.script-src": fail, "csp.http-source[script-src]": warn}},
		{name: "evaluator/star-in-script-src", profile: "modern",
			why:  "CSP3 §6.7.2.8: a lone * matches every http(s) URL (Evaluator HIGH)",
			root: csp("script-src *; " + strictTail), want: m{"csp.script-src": fail}},
		{name: "evaluator/any-host-https", profile: "modern",
			why:  "CSP3 §6.7.2.8: https://* matches every host on port 443, as wide as https: (Evaluator HIGH for a * host)",
			root: csp("script-src 'self' https://*; " + strictTail), want: m{"csp.script-src": fail},
			mention: map[string]string{"csp.script-src": "https://*"}},
		{name: "evaluator/any-host-wss", profile: "modern",
			why:  "CSP3 §6.7.2.9: a wss source matches https request URLs, so wss://* lets scripts load from every https host",
			root: csp("script-src wss://*; " + strictTail), want: m{"csp.script-src": fail}},
		{name: "evaluator/object-src-any-host", profile: "modern",
			why:  "CSP3 §6.7.2.9: http://* matches every http and https host, so plugins load from anywhere",
			root: csp("default-src 'none'; object-src http://*; base-uri 'none'"), want: m{"csp.object-src": fail}},
		{name: "evaluator/star-default-src", profile: "modern",
			why:  "CSP3 §6.8.3: script-src and object-src fall back to default-src *, which restricts nothing",
			root: csp("default-src *; base-uri 'none'"), want: m{"csp.script-src": fail, "csp.object-src": fail}},
		{name: "evaluator/3-missing-object-src", profile: "modern",
			why:  "CSP3 §6.8.3: without object-src or default-src plugins load from anywhere (Evaluator HIGH)",
			root: csp("script-src " + nonce + "; base-uri 'none'"), want: m{"csp.object-src": fail, "csp.script-src": pass}},
		{name: "evaluator/object-src-from-default-src", profile: "modern",
			why:  "CSP3 §6.8.3: object-src falls back to default-src 'none'",
			root: csp("default-src 'none'; script-src " + nonce + "; base-uri 'none'"), want: m{"csp.object-src": pass}},
		{name: "evaluator/4-google-strict-csp", profile: "modern",
			why:    "CSP3 §8.2: 'strict-dynamic' with a nonce ignores https: and 'unsafe-inline' (kept for old browsers): Google's strict CSP is not weak",
			root:   csp("script-src 'strict-dynamic' " + nonce + " https: 'unsafe-inline'; object-src 'none'; base-uri 'none'"),
			want:   m{"csp.script-src": pass, "csp.object-src": pass, "csp.base-uri": pass, "csp": pass},
			absent: []string{"csp.nonce[script-src]", "csp.http-source[script-src]"}},
		{name: "evaluator/5-unsafe-eval", profile: "modern",
			why:  "CSP3 §6.4.1.3 (EnsureCSPDoesNotBlockStringCompilation): 'unsafe-eval' lets strings run as code; the contract makes it a fail (Evaluator: MEDIUM_MAYBE)",
			root: csp("script-src " + nonce + " 'unsafe-eval'; " + strictTail), want: m{"csp.script-src": fail}},
		{name: "evaluator/short-nonce", profile: "modern",
			why:  "CSP3 §7.4 nonce reuse: a nonce must be unguessable; 'nonce-R4nd0m' is 4 bytes (Evaluator MEDIUM for < 8 chars)",
			root: csp("script-src 'strict-dynamic' 'nonce-R4nd0m' https: 'unsafe-inline'; " + strictTail),
			want: m{"csp.nonce[script-src]": warn, "csp.script-src": pass}},
		{name: "evaluator/http-host-source", profile: "modern",
			why:  "CSP3 §6.7.2.8: an http:// host source loads script over plain HTTP (Evaluator MEDIUM)",
			root: csp("script-src 'self' http://cdn.example.com; " + strictTail),
			want: m{"csp.http-source[script-src]": warn}, mention: map[string]string{"csp.http-source[script-src]": "http://cdn.example.com"}},
		{name: "evaluator/ip-source", profile: "modern",
			why:  "CSP3 §6.7.2.8 host matching is literal; IP sources are a smell (Evaluator INFO)",
			root: csp("default-src 'self'; img-src 'self' 192.0.2.10; " + strictTail),
			want: m{"csp.ip-source[img-src]": info}},
		{name: "evaluator/deprecated-directives", profile: "modern",
			why:  "CSP3 removed reflected-xss, referrer and prefetch-src; browsers ignore them (Evaluator INFO)",
			root: csp("default-src 'self'; reflected-xss block; referrer no-referrer; prefetch-src 'self'; " + strictTail),
			want: m{"csp.deprecated[reflected-xss]": info, "csp.deprecated[referrer]": info, "csp.deprecated[prefetch-src]": info}},
		{name: "evaluator/unknown-directive", profile: "modern",
			why:  "CSP3 §2.2.1: unknown directive names are ignored (Evaluator SYNTAX)",
			root: csp("default-src 'self'; scirpt-src 'unsafe-inline'; " + strictTail),
			want: m{"csp.syntax[scirpt-src]": info}, atMost: m{"csp.script-src": info}},
		{name: "evaluator/bad-keyword", profile: "modern",
			why:  "CSP3 §2.3.1: 'unsafe-inlined' matches no source grammar and allows nothing (Evaluator SYNTAX)",
			root: csp("script-src 'self' 'unsafe-inlined'; " + strictTail),
			want: m{"csp.syntax[script-src]": info}, atMost: m{"csp.script-src": info}},
		{name: "evaluator/unsafe-hashes", profile: "modern",
			why:     "CSP3 §6.7.3.3: 'unsafe-hashes' lets listed inline handlers run (Evaluator MEDIUM_MAYBE)",
			root:    csp("script-src " + nonce + " 'unsafe-hashes' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='; " + strictTail),
			atLeast: m{"csp.script-src": info}, atMost: m{"csp.script-src": warn}},
		{name: "evaluator/missing-script-src", profile: "modern",
			why:  "CSP3 §6.8.3: without script-src or default-src any script runs (Evaluator HIGH)",
			root: csp("img-src 'self'; " + strictTail), want: m{"csp.script-src": fail}},
		{name: "evaluator/script-src-elem-unsafe-inline", profile: "modern",
			why:  "CSP3 §6.8.3: script-src-elem governs <script> elements before script-src",
			root: csp("script-src 'self'; script-src-elem 'self' 'unsafe-inline'; " + strictTail), want: m{"csp.script-src": fail}},
		{name: "evaluator/script-src-attr-unsafe-inline", profile: "modern",
			why:  "CSP3 §6.8.3: script-src-attr governs inline event handlers before script-src",
			root: csp("script-src " + nonce + "; script-src-attr 'unsafe-inline'; " + strictTail), want: m{"csp.script-src": fail}},
	}
}

// cspCases cover the rest of CSP3 and the profile comparison.
func cspCases() []judgeCase {
	csp := func(v string) resp { return resp{lines: "Content-Security-Policy: " + v} }
	head := func(meta string) string {
		return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="` + meta + `"><title>t</title></head><body><p>x</p></body></html>`
	}
	return []judgeCase{
		// An injected <base href="https://attacker/"> makes every later
		// relative URL resolve there (HTML §4.2.3). A script allowed by
		// nonce carries the page's nonce wherever its src points, so the
		// page's own <script nonce src="/app.js"> runs the attacker's file
		// (CSP3 §6.7.2.3): a bypass. 'strict-dynamic' lets a trusted
		// script's relative loads through the same way. A host or 'self'
		// allow-list checks the resolved URL and blocks it; what is left
		// is relative form actions (form-action has no fallback) and links.
		{name: "csp/missing-base-uri", profile: "modern",
			why:  "CSP3 §6.8.3: base-uri has no fallback; under script-src 'self' a relative script resolved against an injected <base> is blocked, but relative forms post there",
			root: csp("default-src 'none'; script-src 'self'"), want: m{"csp.base-uri": warn}, reasons: map[string]string{"csp.base-uri": "absent"}},
		{name: "csp/missing-base-uri-forms-restricted", profile: "modern",
			why:  "with script-src 'self' and form-action 'self' an injected <base> only redirects relative links",
			root: csp("default-src 'none'; script-src 'self'; form-action 'self'"), want: m{"csp.base-uri": info}, reasons: map[string]string{"csp.base-uri": "absent"}},
		{name: "csp/missing-base-uri-data-scripts", profile: "modern",
			why:  "CSP3 §6.7.2.8: script-src data: matches no https URL, so a relative script resolved against an injected <base> stays blocked (Chromium blocks it); only relative forms post there",
			root: csp("script-src data:; object-src 'none'"), want: m{"csp.base-uri": warn}, reasons: map[string]string{"csp.base-uri": "absent"}},
		{name: "csp/missing-base-uri-nonce", profile: "modern",
			why:  "CSP3 §6.7.2.3: the page's nonced relative script loads from the injected <base>'s origin: a bypass (CSP Evaluator, Lighthouse)",
			root: csp("script-src " + nonce + "; object-src 'none'; form-action 'self'"), want: m{"csp.base-uri": fail}, reasons: map[string]string{"csp.base-uri": "absent"}},
		{name: "csp/missing-base-uri-strict-dynamic-hash", profile: "modern",
			why:  "CSP3 §8.2: 'strict-dynamic' trusts what a hashed script loads, and its relative loads follow the injected <base>",
			root: csp("script-src 'strict-dynamic' 'sha256-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/ABCDE='; object-src 'none'; form-action 'self'"),
			want: m{"csp.base-uri": fail}, reasons: map[string]string{"csp.base-uri": "absent"}},
		{name: "csp/missing-base-uri-hash", profile: "modern",
			why:  "CSP3 §6.7.2.4: a hash allows external scripts only by integrity metadata, which the attacker's file fails; no script runs",
			root: csp("script-src 'sha256-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/ABCDE='; object-src 'none'; form-action 'self'"),
			want: m{"csp.base-uri": info}, reasons: map[string]string{"csp.base-uri": "absent"}},
		{name: "csp/missing-base-uri-nonce-and-allow-list", profile: "modern",
			why:  "CSP3 §4.2.2: a second policy's 'self' allow-list blocks the redirected script, so the nonce of the first does not open it",
			root: resp{lines: "Content-Security-Policy: script-src " + nonce + "; form-action 'self'\nContent-Security-Policy: script-src 'self'"},
			want: m{"csp.base-uri": info}},
		{name: "csp/base-uri-star", profile: "modern",
			why:  "CSP3 §6.7.2.8: base-uri * restricts nothing, as if absent; with a nonce the redirected script runs",
			root: csp("default-src 'none'; script-src " + nonce + "; base-uri *"), want: m{"csp.base-uri": fail}, reasons: map[string]string{"csp.base-uri": "wide-source"}},
		{name: "csp/base-uri-https", profile: "modern",
			why:  "CSP3 §6.7.2.9: base-uri https: lets an injected <base> point at any https host; script-src 'self' still blocks the scripts, not the forms",
			root: csp("default-src 'none'; script-src 'self'; base-uri https:"), want: m{"csp.base-uri": warn}, reasons: map[string]string{"csp.base-uri": "wide-source"}},
		{name: "csp/report-uri-http", profile: "modern",
			why:  "CSP3 §5.5: reports carry page and blocked URLs; over plain HTTP anyone on the path reads them",
			root: csp("default-src 'none'; " + strictTail + "; report-uri http://reports.example.tld/csp"),
			want: m{"csp.http-source[report-uri]": warn}, reasons: map[string]string{"csp.http-source[report-uri]": "http-report"}},
		{name: "csp/report-uri-swallows-directive", profile: "modern",
			why:  "CSP3 §2.2.1: only ';' separates directives, so object-src after a forgotten ';' is a report URL and not in effect",
			root: csp("default-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'; report-uri /csp object-src 'none'"),
			want: m{"csp.syntax[report-uri]": warn}, reasons: map[string]string{"csp.syntax[report-uri]": "missing-semicolon"}, mention: map[string]string{"csp.syntax[report-uri]": "object-src"}},
		{name: "csp/script-src-swallows-directive", profile: "modern",
			why:  "CSP3 §2.2.1: object-src inside script-src's value is a host source of script-src; plugins stay unrestricted",
			root: csp("script-src 'self' object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"),
			want: m{"csp.syntax[script-src]": warn, "csp.object-src": fail}, reasons: map[string]string{"csp.syntax[script-src]": "missing-semicolon", "csp.object-src": "absent"}},
		{name: "csp/object-src-star", profile: "modern",
			why:  "CSP3 §6.7.2.8: object-src * lets plugins load from anywhere (Evaluator HIGH)",
			root: csp("default-src 'none'; script-src 'self'; object-src *; base-uri 'none'"), want: m{"csp.object-src": fail}},
		{name: "csp/strict-dynamic-without-nonce", profile: "modern",
			why:    "CSP3 §8.2 and §6.7.3.3: 'strict-dynamic' disables host sources and 'unsafe-inline', so nothing is opened",
			root:   csp("script-src 'strict-dynamic' 'unsafe-inline' https:; " + strictTail),
			atMost: m{"csp.script-src": info}},
		{name: "csp/uppercase-keywords", profile: "modern",
			why:  "CSP3 §2.3.1: keywords and directive names match ASCII case-insensitively",
			root: csp("SCRIPT-SRC 'SELF' 'UNSAFE-INLINE'; OBJECT-SRC 'NONE'; BASE-URI 'NONE'"),
			want: m{"csp.script-src": fail, "csp.object-src": pass, "csp.base-uri": pass}},
		{name: "csp/repeated-directive-first-wins", profile: "modern",
			why:    "CSP3 §2.2.1 step 2.5: a repeated directive in one policy is ignored, the first wins",
			root:   csp("script-src 'self'; script-src 'unsafe-inline'; " + strictTail),
			want:   m{"csp.syntax[script-src]": info},
			atMost: m{"csp.script-src": info}},
		{name: "csp/non-ascii-directive-ignored", profile: "modern",
			why:  "CSP3 §2.2.1 step 2.2: a non-ASCII directive is skipped, so script-src falls back to default-src 'none'",
			root: csp("default-src 'none'; script-src 'self' \u2018unsafe-inline\u2019; " + strictTail),
			want: m{"csp.script-src": pass, "csp.syntax[script-src]": info}},
		{name: "csp/none-with-other-sources", profile: "modern",
			why:  "CSP3 §2.3.1: 'none' only counts as the only source expression",
			root: csp("default-src 'self'; img-src 'none' https:; " + strictTail), want: m{"csp.syntax[img-src]": info}},
		{name: "csp/empty-header", profile: "modern",
			why:  "CSP3 §2.2.2: an empty header value holds no policy, so nothing is enforced",
			root: resp{lines: "Content-Security-Policy: "}, want: m{"csp": fail}},
		{name: "csp/elem-nonce-attr-none", profile: "modern",
			why:  "CSP3 §6.8.3: script-src-elem and script-src-attr take over from script-src, so its 'unsafe-inline' is never used",
			root: csp("script-src 'self' 'unsafe-inline'; script-src-elem " + nonce + "; script-src-attr 'none'; " + strictTail),
			want: m{"csp.script-src": pass}},
		{name: "csp/report-only-only", profile: "modern",
			why:  "CSP3 §3.2: Content-Security-Policy-Report-Only only reports; nothing is enforced",
			root: resp{lines: "Content-Security-Policy-Report-Only: default-src 'none'; " + strictTail},
			want: m{"csp": fail, "csp.report-only": info}},
		{name: "csp/report-only-weak-beside-enforced", profile: "modern",
			why: "CSP3 §3.2: a weak report-only policy does not weaken the enforced one",
			root: resp{lines: "Content-Security-Policy: default-src 'none'; script-src " + nonce + "; " + strictTail +
				"\nContent-Security-Policy-Report-Only: script-src 'unsafe-inline' *"},
			want: m{"csp": pass, "csp.script-src": pass, "csp.report-only": info}},
		{name: "csp/meta-in-head", profile: "modern",
			why:  "CSP3 §3.3: a <meta> policy in <head> is enforced, but frame-ancestors is ignored there (so XFO still matters, HTML XFO processing)",
			body: head("default-src 'none'; script-src " + nonce + "; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
			want: m{"csp": pass, "csp.meta": info, "csp.script-src": pass, "csp.frame-ancestors": warn, "x-frame-options": warn}},
		{name: "csp/meta-in-body-ignored", profile: "modern",
			why:  "HTML §4.2.5.3: http-equiv CSP only applies from <head>; in <body> it is ignored",
			body: `<!doctype html><html><head><title>t</title></head><body><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></body></html>`,
			want: m{"csp": fail}},
		{name: "csp/meta-weak-plus-header-strict", profile: "modern",
			why:  "CSP3 §3.3 and §4.2.2: a <meta> policy is one more enforced policy; the strict header still blocks inline script",
			root: csp("default-src 'none'; script-src " + nonce + "; " + strictTail),
			body: head("script-src 'unsafe-inline' *"),
			want: m{"csp.script-src": pass, "csp.meta": info}},
		{name: "csp/pleroma-img-src-narrower", profile: "pleroma",
			why:  "contract: compare as source sets; a media host is narrower than the profile's https:",
			root: resp{lines: pleromaCSP("img-src", "img-src 'self' data: blob: https://media.example.tld")},
			want: m{"csp.img-src": pass}},
		{name: "csp/pleroma-connect-src-extra-host", profile: "pleroma",
			why:     "contract: a source beyond the profile's is a warn naming it",
			root:    resp{lines: pleromaCSP("connect-src", "connect-src 'self' blob: https://example.tld wss://example.tld https://evil.example")},
			want:    m{"csp.connect-src": warn},
			mention: map[string]string{"csp.connect-src": "https://evil.example"}},
		{name: "csp/pleroma-frame-ancestors-self", profile: "pleroma",
			why:  "CSP3 §6.4.2: frame-ancestors 'self' allows same-origin framing, more than the guide's 'none'",
			root: resp{lines: pleromaCSP("frame-ancestors", "frame-ancestors 'self'")},
			want: m{"csp.frame-ancestors": warn}},
		{name: "csp/pleroma-script-src-from-default-src", profile: "pleroma",
			why:  "CSP3 §6.8.3: without script-src, default-src 'none' governs scripts and allows nothing",
			root: resp{lines: pleromaCSP("script-src", "")},
			want: m{"csp.script-src": pass}},
		{name: "csp/pleroma-script-src-wasm", profile: "pleroma",
			why:     "recorded: Pleroma 2.5-2.6 send 'wasm-unsafe-eval', which allows WebAssembly compilation, not eval (CSP3 §6.4.1.4)",
			root:    resp{lines: pleromaCSP("script-src", "script-src 'self' 'wasm-unsafe-eval'")},
			atLeast: m{"csp.script-src": info}, atMost: m{"csp.script-src": warn}},
		{name: "csp/zstd-body-not-asked-for", profile: "modern",
			why:       "RFC 9110 §8.4.1: a server may send a coding the client did not ask for; Chromium decodes zstd and enforces the <meta> policy in it, which hardscan cannot read, so it says so (br is decoded)",
			undecoded: "zstd", root: resp{lines: "X-Content-Type-Options: nosniff"},
			want: m{"csp": fail}, reasons: map[string]string{"csp": "absent", "response.truncated[https://example.tld/]": "undecoded"}},
		{name: "csp/modern-form-action-https-scheme", profile: "modern",
			why:  "CSP3 §6.7.2.8: https: matches every https origin, so a form may post to any site (Chromium posts it)",
			root: resp{lines: "Content-Security-Policy: default-src 'self'; form-action https:; " + strings.Replace(strictTail, "form-action 'self'", "", 1)},
			want: m{"csp.form-action": warn}, reasons: map[string]string{"csp.form-action": "wide-source"},
			mention: map[string]string{"csp.form-action": "https:"}},
		{name: "csp/modern-frame-ancestors-https-scheme", profile: "modern",
			why:  "CSP3 §6.7.2.8: frame-ancestors https: lets any https site frame the page (Chromium renders it)",
			root: resp{lines: "Content-Security-Policy: default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors https:"},
			want: m{"csp.frame-ancestors": warn}, reasons: map[string]string{"csp.frame-ancestors": "wide-source"}},
		{name: "csp/modern-frame-ancestors-any-host", profile: "modern",
			why:  "CSP3 §6.7.2.9: https://* matches any host on port 443, as wide as https:",
			root: resp{lines: "Content-Security-Policy: default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors https://*"},
			want: m{"csp.frame-ancestors": warn}, reasons: map[string]string{"csp.frame-ancestors": "wide-source"}},
		{name: "csp/pleroma-no-upgrade-insecure-requests", profile: "pleroma",
			why:     "CSP Upgrade Insecure Requests §3.1: the profile names the valueless directive; its absence is a finding",
			root:    resp{lines: pleromaCSP("upgrade-insecure-requests", "")},
			atLeast: m{"csp.upgrade-insecure-requests": warn}},
	}
}

// hstsCases follow RFC 6797; pleroma expects a year and includeSubDomains.
func hstsCases() []judgeCase {
	sts := func(v string) resp { return resp{lines: "Strict-Transport-Security: " + v} }
	return []judgeCase{
		{name: "hsts/absent", profile: "modern", why: "RFC 6797 §5: without the header browsers accept a downgrade", want: m{"hsts": fail}},
		{name: "hsts/year-subdomains", profile: "pleroma", why: "RFC 6797 §6.1: valid, one year, includeSubDomains",
			root: sts("max-age=31536000; includeSubDomains"), want: m{"hsts": pass}},
		{name: "hsts/two-years-preload", profile: "pleroma", why: "contract: max-age=63072000 satisfies one year; hstspreload's three conditions met",
			root: sts("max-age=63072000; includeSubDomains; preload"), want: m{"hsts": pass, "hsts.preload": pass}},
		{name: "hsts/max-age-zero", profile: "pleroma", why: "RFC 6797 §6.1.1: max-age=0 deletes the host's HSTS",
			root: sts("max-age=0; includeSubDomains"), want: m{"hsts": fail}},
		{name: "hsts/six-months", profile: "pleroma", why: "contract: below the profile's minimum of a year (Observatory passes six months)",
			root: sts("max-age=15552000; includeSubDomains"), atLeast: m{"hsts": warn}},
		{name: "hsts/no-include-subdomains", profile: "pleroma", why: "RFC 6797 §6.1.2: without includeSubDomains subdomains stay downgradable",
			root: sts("max-age=31536000"), want: m{"hsts": warn}},
		{name: "hsts/case-and-whitespace", profile: "pleroma", why: "RFC 6797 §6.1: names are case-insensitive and implied LWS is allowed",
			root: sts("MAX-AGE = 31536000 ; INCLUDESUBDOMAINS"), want: m{"hsts": pass}},
		{name: "hsts/repeated-directive", profile: "pleroma", why: "RFC 6797 §6.1: each directive at most once; browsers refuse a repeated max-age, so the header is ignored (§8.1)",
			root: sts("max-age=31536000; max-age=31536000; includeSubDomains"), want: m{"hsts": fail}},
		{name: "hsts/repeated-preload", profile: "pleroma", why: "Chromium and Firefox skip repeats of a directive they do not act on: the policy holds, the repeat is a note",
			root: sts("preload; includeSubDomains; preload; max-age=31536000; preload"), want: m{"hsts": pass, "hsts.syntax[preload]": info},
			reasons: map[string]string{"hsts": "ok", "hsts.syntax[preload]": "repeated-directive"}},
		{name: "hsts/leading-semicolon", profile: "pleroma", why: "RFC 6797 §6.1: the grammar allows an empty directive; it is noted",
			root: sts("; max-age=31536000; includeSubDomains"), want: m{"hsts": pass, "hsts.syntax": info},
			reasons: map[string]string{"hsts.syntax": "empty-directive"}},
		{name: "hsts/unknown-directive", profile: "pleroma", why: "RFC 6797 §6.1: unknown directives are ignored",
			root: sts("max-age=31536000; includeSubDomains; foo=bar"), want: m{"hsts": pass}},
		{name: "hsts/missing-separator", profile: "pleroma", why: "RFC 6797 §6.1: directives are separated by ';', else the grammar fails",
			root: sts("max-age=31536000 includeSubDomains"), want: m{"hsts": fail}},
		{name: "hsts/no-max-age", profile: "pleroma", why: "RFC 6797 §6.1.1: max-age is required",
			root: sts("includeSubDomains"), want: m{"hsts": fail}},
		{name: "hsts/negative-max-age", profile: "pleroma", why: "RFC 6797 §6.1.1: delta-seconds has no sign",
			root: sts("max-age=-1; includeSubDomains"), want: m{"hsts": fail}},
		{name: "hsts/first-invalid-second-valid", profile: "pleroma", why: "RFC 6797 §8.1: only the first header is processed, and it is invalid",
			root: resp{lines: "Strict-Transport-Security: max-age=abc\n" + goodHSTS}, want: m{"hsts": fail}},
		{name: "hsts/only-on-http", profile: "pleroma", why: "RFC 6797 §8.1: STS received over plain HTTP is ignored",
			http: &resp{lines: "Location: https://example.tld/\n" + goodHSTS}, want: m{"hsts": fail}},
		{name: "hsts/on-first-hop", profile: "pleroma", why: "the contract and hstspreload: HSTS is judged on the first HTTPS response of the host",
			first: &resp{lines: goodHSTS + "\nLocation: /main/public"}, root: resp{path: "/main/public"},
			want: m{"hsts": pass}},
		{name: "hsts/on-the-final-response", profile: "pleroma", why: "RFC 6797 §8.1: the header counts on any HTTPS response of the host; Chromium notes it from the page a same-host redirect leads to",
			first: &resp{lines: "Location: /main/public"}, root: resp{path: "/main/public", lines: goodHSTS},
			want: m{"hsts": pass}},
		{name: "hsts/deleted-by-the-final-response", profile: "pleroma", why: "RFC 6797 §6.1.1: a later max-age=0 of the host deletes the policy the redirect set (Chromium: nothing is upgraded)",
			first: &resp{lines: goodHSTS + "\nLocation: /main/public"}, root: resp{path: "/main/public", lines: "Strict-Transport-Security: max-age=0"},
			want: m{"hsts": fail}, reasons: map[string]string{"hsts": "max-age-zero"}},
		{name: "hsts/invalid-on-the-final-response", profile: "pleroma", why: "RFC 6797 §8.1: an invalid header is ignored, so the redirect's valid one stays in effect",
			first: &resp{lines: goodHSTS + "\nLocation: /main/public"}, root: resp{path: "/main/public", lines: "Strict-Transport-Security: max-age=abc"},
			want: m{"hsts": pass}},
	}
}

// frameCases follow HTML's X-Frame-Options processing and Fetch's nosniff.
func frameCases() []judgeCase {
	xfo := func(v string) resp { return resp{lines: "X-Frame-Options: " + v} }
	xcto := func(v string) resp { return resp{lines: "X-Content-Type-Options: " + v} }
	const html = "HTML, check a navigation response's adherence to X-Frame-Options"
	return []judgeCase{
		{name: "xfo/deny", profile: "pleroma", why: html + ": deny blocks framing", root: xfo("DENY"), want: m{"x-frame-options": pass}},
		{name: "xfo/deny-lowercase", profile: "pleroma", why: html + ": values are ASCII-lowercased", root: xfo("deny"), want: m{"x-frame-options": pass}},
		{name: "xfo/deny-comma-deny", profile: "pleroma", why: html + ": split on commas into a set, {deny}", root: xfo("DENY, DENY"), want: m{"x-frame-options": pass}},
		{name: "xfo/deny-sameorigin", profile: "pleroma", why: html + ": two known values block framing altogether", root: xfo("DENY, SAMEORIGIN"), want: m{"x-frame-options": pass}},
		{name: "xfo/deny-sameorigin-two-lines", profile: "pleroma", why: html + ": the set spans header lines", root: resp{lines: "X-Frame-Options: SAMEORIGIN\nX-Frame-Options: DENY"}, want: m{"x-frame-options": pass}},
		{name: "xfo/sameorigin", profile: "pleroma", why: html + ": sameorigin allows same-origin framing, weaker than DENY", root: xfo("SAMEORIGIN"), want: m{"x-frame-options": warn}},
		{name: "xfo/allow-from-alone", profile: "pleroma", why: html + ": ALLOW-FROM alone is unknown: no protection, as if absent", root: xfo("ALLOW-FROM https://a.example"), want: m{"x-frame-options": fail}},
		{name: "xfo/allow-from-alone-modern", profile: "modern", why: html + ": no protection; modern treats absence as warn", root: xfo("ALLOW-FROM https://a.example"), want: m{"x-frame-options": warn}},
		{name: "xfo/allow-from-and-sameorigin", profile: "pleroma", why: html + " as WPT x-frame-options/multiple and commas check it: a value that is none of deny, sameorigin and allowall is dropped, so this is SAMEORIGIN, weaker than the guide's DENY",
			root: xfo("ALLOW-FROM https://a.example, SAMEORIGIN"), want: m{"x-frame-options": warn}, reasons: map[string]string{"x-frame-options": "weaker"}},
		{name: "xfo/typo", profile: "pleroma", why: html + ": an unknown single value gives no protection", root: xfo("DNEY"), want: m{"x-frame-options": fail}},
		{name: "xfo/deny-semicolon", profile: "pleroma", why: html + ": \"deny;\" is not a known value, so no protection", root: xfo("DENY;"), want: m{"x-frame-options": fail}},
		{name: "xfo/absent-with-frame-ancestors-star", profile: "pleroma",
			why:     html + " step 2: frame-ancestors * takes over from XFO and lets every site frame the page, so framing is not controlled",
			root:    resp{lines: pleromaCSP("frame-ancestors", "frame-ancestors *")},
			atLeast: m{"x-frame-options": warn, "csp.frame-ancestors": warn}},
		{name: "xfo/absent", profile: "pleroma", why: html + ": nothing stops framing", want: m{"x-frame-options": fail}},
		{name: "xfo/absent-with-frame-ancestors", profile: "pleroma", why: html + " step 2: an enforced frame-ancestors governs framing; no false alarm (users ask for this)",
			root: resp{lines: "Content-Security-Policy: frame-ancestors 'none'"}, want: m{"x-frame-options": pass}},
		{name: "xfo/allow-from-with-frame-ancestors", profile: "pleroma", why: html + " step 2: XFO is ignored when frame-ancestors is enforced",
			root: resp{lines: "Content-Security-Policy: frame-ancestors 'self'\nX-Frame-Options: ALLOW-FROM https://a.example"}, atMost: m{"x-frame-options": info}},
		{name: "xfo/frame-ancestors-report-only", profile: "pleroma", why: html + " step 2 counts enforced policies only; report-only frame-ancestors protects nothing",
			root: resp{lines: "Content-Security-Policy-Report-Only: frame-ancestors 'none'"}, want: m{"x-frame-options": fail}},
		{name: "xcto/nosniff", profile: "pleroma", why: "Fetch, determine nosniff", root: xcto("nosniff"), want: m{"x-content-type-options": pass}},
		{name: "xcto/case", profile: "pleroma", why: "Fetch, determine nosniff: ASCII case-insensitive", root: xcto("NoSniff"), want: m{"x-content-type-options": pass}},
		{name: "xcto/nosniff-comma", profile: "pleroma", why: "Fetch, determine nosniff: the first value is nosniff", root: xcto("nosniff, nosniff"), want: m{"x-content-type-options": pass}},
		{name: "xcto/no-sniff", profile: "pleroma", why: "Fetch, determine nosniff: no-sniff is not nosniff and does nothing", root: xcto("no-sniff"), want: m{"x-content-type-options": fail}},
		{name: "xcto/nosniff-semicolon", profile: "pleroma", why: "Fetch, determine nosniff: \"nosniff;\" is not nosniff", root: xcto("nosniff;"), want: m{"x-content-type-options": fail}},
		{name: "xcto/first-not-nosniff", profile: "pleroma", why: "Fetch, determine nosniff: only the first value counts", root: xcto("sniff, nosniff"), want: m{"x-content-type-options": fail}},
		{name: "xcto/absent", profile: "pleroma", why: "Fetch: without the header browsers sniff", want: m{"x-content-type-options": fail}},
	}
}

// referrerCases follow W3C Referrer Policy §8.1 (parse from a header) and
// §3 (what each policy sends); pleroma wants same-origin.
func referrerCases() []judgeCase {
	rp := func(v string) resp { return resp{lines: "Referrer-Policy: " + v} }
	const parse = "Referrer Policy §8.1: the last recognised token wins, unknown ones are skipped"
	return []judgeCase{
		{name: "referrer/same-origin", profile: "pleroma", why: "Referrer Policy §3.4", root: rp("same-origin"), want: m{"referrer-policy": pass}},
		{name: "referrer/no-referrer", profile: "pleroma", why: "Referrer Policy §3.1: no-referrer is stricter than same-origin", root: rp("no-referrer"), want: m{"referrer-policy": pass}},
		{name: "referrer/strict-origin-when-cross-origin", profile: "pleroma", why: "Referrer Policy §3.7: sends the origin cross-origin, weaker than same-origin", root: rp("strict-origin-when-cross-origin"), want: m{"referrer-policy": warn}},
		{name: "referrer/unsafe-url", profile: "pleroma", why: "Referrer Policy §3.9: the full URL everywhere", root: rp("unsafe-url"), atLeast: m{"referrer-policy": warn}},
		{name: "referrer/last-wins-weak", profile: "pleroma", why: parse, root: rp("no-referrer, unsafe-url"), atLeast: m{"referrer-policy": warn}},
		{name: "referrer/last-wins-strict", profile: "pleroma", why: parse, root: rp("unsafe-url, no-referrer"), want: m{"referrer-policy": pass}},
		{name: "referrer/unknown-skipped", profile: "pleroma", why: parse, root: rp("same-origin, no-referrer-ever"), want: m{"referrer-policy": pass}},
		{name: "referrer/two-lines", profile: "pleroma", why: parse + " (header lines combine in order)", root: resp{lines: "Referrer-Policy: unsafe-url\nReferrer-Policy: same-origin"}, want: m{"referrer-policy": pass}},
		{name: "referrer/only-unknown", profile: "pleroma", why: parse + "; none recognised: as if absent (pleroma: missing is warn)", root: rp("same-origin-please"), want: m{"referrer-policy": warn}},
		{name: "referrer/empty-tokens", profile: "pleroma", why: parse + "; empty tokens are skipped", root: rp(", same-origin,"), want: m{"referrer-policy": pass}},
		{name: "referrer/meta-overrides", profile: "pleroma", why: "HTML meta name=referrer: a later <meta> overrides the header policy",
			root: rp("unsafe-url"), body: `<html><head><meta name="referrer" content="no-referrer"></head><body></body></html>`, want: m{"referrer-policy": pass}},
		{name: "referrer/origin", profile: "pleroma", why: "Referrer Policy §3.5: origin is sent even on HTTPS to HTTP", root: rp("origin"), atLeast: m{"referrer-policy": warn}},
		{name: "referrer/modern-downgrade", profile: "modern", why: "Referrer Policy §3.2: no-referrer-when-downgrade sends full URLs to every HTTPS site", root: rp("no-referrer-when-downgrade"), atLeast: m{"referrer-policy": warn}},
	}
}

// cookieCases follow RFC 6265bis; the pleroma session cookie is
// __Host-pleroma_key (or pleroma_key), expected Secure, HttpOnly, Lax.
func cookieCases() []judgeCase {
	at := func(line string) []resp {
		return []resp{{path: "/web/getting-started", status: 302, lines: "Location: /web/login\nSet-Cookie: " + line}}
	}
	const good = "__Host-pleroma_key=abc; path=/; secure; HttpOnly; SameSite=Lax"
	return []judgeCase{
		{name: "cookie/session-good", profile: "pleroma", why: "RFC 6265bis §4.1.3.2: __Host- with Secure, Path=/ and no Domain",
			cookies: at(good), want: m{"cookie.secure[__Host-pleroma_key]": pass, "cookie.httponly[__Host-pleroma_key]": pass,
				"cookie.samesite[__Host-pleroma_key]": pass, "cookie.prefix[__Host-pleroma_key]": pass}},
		{name: "cookie/attribute-case", profile: "pleroma", why: "RFC 6265bis §5.6: attribute names are case-insensitive",
			cookies: at("__Host-pleroma_key=abc; PATH=/; SECURE; httponly; samesite=lax"),
			want: m{"cookie.secure[__Host-pleroma_key]": pass, "cookie.httponly[__Host-pleroma_key]": pass,
				"cookie.samesite[__Host-pleroma_key]": pass, "cookie.prefix[__Host-pleroma_key]": pass}},
		{name: "cookie/no-httponly", profile: "pleroma", why: "RFC 6265bis §4.1.2.6: without HttpOnly injected script reads the session",
			cookies: at("__Host-pleroma_key=abc; path=/; secure; SameSite=Lax"), want: m{"cookie.httponly[__Host-pleroma_key]": fail}},
		{name: "cookie/samesite-absent", profile: "pleroma", why: "RFC 6265bis §4.1.2.7: no SameSite is weaker than the profile's Lax",
			cookies: at("__Host-pleroma_key=abc; path=/; secure; HttpOnly"), want: m{"cookie.samesite[__Host-pleroma_key]": warn}},
		{name: "cookie/samesite-strict", profile: "pleroma", why: "RFC 6265bis §4.1.2.7: Strict is stricter than Lax",
			cookies: at("__Host-pleroma_key=abc; path=/; secure; HttpOnly; SameSite=Strict"), want: m{"cookie.samesite[__Host-pleroma_key]": pass}},
		{name: "cookie/samesite-unknown", profile: "pleroma", why: "RFC 6265bis §5.6.7: an unknown SameSite value means no value",
			cookies: at("__Host-pleroma_key=abc; path=/; secure; HttpOnly; SameSite=Laxx"), want: m{"cookie.samesite[__Host-pleroma_key]": warn}},
		{name: "cookie/samesite-none-without-secure", profile: "modern", why: "RFC 6265bis §5.7 step 15: SameSite=None without Secure is rejected",
			root: resp{lines: "Set-Cookie: prefs=1; Path=/; SameSite=None"}, atLeast: m{"cookie.rejected[prefs]": warn},
			reasons: map[string]string{"cookie.rejected[prefs]": "samesite-none-insecure"}, absent: []string{"cookie.samesite[prefs]", "cookie.secure[prefs]"}},
		{name: "cookie/session-samesite-none-without-secure", profile: "pleroma", why: "RFC 6265bis §5.7 step 15: rejected, so never stored; saying it would travel in clear too contradicts that (issue 12)",
			cookies: at("pleroma_key=abc; path=/; HttpOnly; SameSite=None"), want: m{"cookie.rejected[pleroma_key]": fail},
			reasons: map[string]string{"cookie.rejected[pleroma_key]": "samesite-none-insecure"}, absent: []string{"cookie.secure[pleroma_key]", "cookie.samesite[pleroma_key]"}},
		{name: "cookie/cleared-by-expires", profile: "modern", why: "RFC 6265bis §5.6.1: Express's res.clearCookie sends an Expires in the past, so browsers store nothing to judge",
			root: resp{lines: "Set-Cookie: connect.sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT"}, want: m{"cookie.storage[connect.sid]": info},
			reasons: map[string]string{"cookie.storage[connect.sid]": "deleted"}, absent: []string{"cookie.secure[connect.sid]", "cookie.httponly[connect.sid]"}},
		{name: "cookie/replaced-in-one-response", profile: "pleroma", why: "RFC 6265bis §5.7: a second Set-Cookie of the same name, domain and path replaces the first; the kept one is judged",
			cookies: at("pleroma_key=old; path=/\nSet-Cookie: pleroma_key=abc; path=/; secure; HttpOnly; SameSite=Lax"),
			want:    m{"cookie.storage[pleroma_key]": info, "cookie.secure[pleroma_key]": pass, "cookie.httponly[pleroma_key]": pass},
			reasons: map[string]string{"cookie.storage[pleroma_key]": "replaced"}, absent: []string{"cookie.rejected[pleroma_key]"}},
		{name: "cookie/other-cookie-without-secure", profile: "pleroma", why: "RFC 6265bis §4.1.2.5: any cookie without Secure is sent over HTTP; not the session, so a warning",
			cookies: at(good + "\nSet-Cookie: lang=en; Path=/"), want: m{"cookie.secure[lang]": warn}},
		{name: "cookie/session-domain-own-host", profile: "pleroma", why: "RFC 6265bis §5.7 step 7: Domain=host makes the cookie reach every subdomain",
			cookies: at("pleroma_key=abc; path=/; secure; HttpOnly; SameSite=Lax; Domain=example.tld"), want: m{"cookie.domain[pleroma_key]": warn}},
		{name: "cookie/domain-public-suffix", profile: "modern", host: "example.co.uk",
			why:     "RFC 6265bis §5.7 step 6: a Domain that is a public suffix (co.uk) is rejected unless it is the host",
			root:    resp{lines: "Set-Cookie: sid=1; Secure; HttpOnly; Path=/; Domain=co.uk"},
			atLeast: m{"cookie.rejected[sid]": warn}, mention: map[string]string{"cookie.rejected[sid]": "co.uk"},
			reasons: map[string]string{"cookie.rejected[sid]": "public-suffix-domain"}},
		{name: "cookie/secure-prefix-without-secure", profile: "modern", why: "RFC 6265bis §4.1.3.1: a __Secure- cookie without Secure is rejected",
			root: resp{lines: "Set-Cookie: __Secure-id=1; Path=/; HttpOnly"}, atLeast: m{"cookie.rejected[__Secure-id]": warn},
			reasons: map[string]string{"cookie.rejected[__Secure-id]": "prefix-rules"}},
		{name: "cookie/host-prefix-with-domain", profile: "pleroma", why: "RFC 6265bis §4.1.3.2: a __Host- cookie must not carry Domain",
			cookies: at("__Host-pleroma_key=abc; path=/; secure; HttpOnly; SameSite=Lax; Domain=example.tld"), want: m{"cookie.rejected[__Host-pleroma_key]": fail},
			reasons: map[string]string{"cookie.rejected[__Host-pleroma_key]": "prefix-rules"}},
		{name: "cookie/host-prefix-path", profile: "pleroma", why: "RFC 6265bis §4.1.3.2: a __Host- cookie needs Path=/",
			cookies: at("__Host-pleroma_key=abc; path=/web; secure; HttpOnly; SameSite=Lax"), want: m{"cookie.rejected[__Host-pleroma_key]": fail}},
		{name: "cookie/session-without-prefix", profile: "pleroma", why: "RFC 6265bis §4.1.3.2: the guide's __Host- prefix stops subdomains overwriting the session",
			cookies: at("pleroma_key=abc; path=/; secure; HttpOnly; SameSite=Lax"), want: m{"cookie.prefix[pleroma_key]": warn, "cookie.secure[pleroma_key]": pass}},
		{name: "cookie/on-https-redirect-hop", profile: "pleroma", why: "RFC 6265bis §5.7: every response's Set-Cookie is stored, redirects included",
			first: &resp{lines: "Location: /main/public\nSet-Cookie: pleroma_key=abc; path=/; HttpOnly; SameSite=Lax"}, root: resp{path: "/main/public"},
			want: m{"cookie.secure[pleroma_key]": fail}},
		{name: "cookie/deletion", profile: "pleroma", why: "RFC 6265bis §5.6.2: Max-Age=0 evicts the cookie (Plug's logout); nothing stored, nothing to protect",
			cookies: at("pleroma_key=; path=/; Max-Age=0; expires=Thu, 01 Jan 1970 00:00:00 GMT"),
			want:    m{"cookie.session": info}, absent: []string{"cookie.secure[pleroma_key]", "cookie.httponly[pleroma_key]"}},
		{name: "cookie/not-seen", profile: "pleroma", why: "recorded: Pleroma >= 2.5 sets no cookie on anonymous GETs; say so rather than pass",
			want: m{"cookie.session": info}},
	}
}

// otherHeaderCases cover the remaining headers, the redirect and the
// informational notes.
func otherHeaderCases() []judgeCase {
	return []judgeCase{
		{name: "xxp/zero-modern", profile: "modern", why: "OWASP Secure Headers: X-XSS-Protection: 0 is today's advice", root: resp{lines: "X-XSS-Protection: 0"}, want: m{"x-xss-protection": pass}},
		{name: "xxp/absent-modern", profile: "modern", why: "OWASP Secure Headers: no X-XSS-Protection is fine", want: m{"x-xss-protection": pass}},
		{name: "xxp/block-pleroma", profile: "pleroma", why: "contract: a deprecated header the profile asks for passes with an info note",
			root: resp{lines: "X-XSS-Protection: 1; mode=block"}, want: m{"x-xss-protection": pass},
			reasons: map[string]string{"x-xss-protection": "obsolete"}, absent: []string{"header.deprecated[x-xss-protection]"}},
		{name: "xxp/block-modern", profile: "modern", why: "browsers: auditors are gone; 1; mode=block is obsolete but harmless",
			root: resp{lines: "X-XSS-Protection: 1; mode=block"}, atLeast: m{"x-xss-protection": info}, atMost: m{"x-xss-protection": warn}},
		{name: "xxp/zero-pleroma", profile: "pleroma", why: "browsers: 0 is at least as safe as the guide's 1; mode=block today",
			root: resp{lines: "X-XSS-Protection: 0"}, atMost: m{"x-xss-protection": info}},
		{name: "permissions/parse-error", profile: "modern", why: "RFC 8941 §4.2: a dictionary that does not parse is ignored whole",
			root: resp{lines: "Permissions-Policy: camera=(), geolocation=(self"}, want: m{"permissions-policy": warn}},
		{name: "permissions/valid", profile: "modern", why: "Permissions Policy §5.2: a structured-field dictionary of allowlists",
			root: resp{lines: "Permissions-Policy: camera=(), geolocation=(self)"}, want: m{"permissions-policy": pass}},
		{name: "permissions/absent", profile: "modern", why: "OWASP Secure Headers: recommended, not required",
			want: m{"permissions-policy": info}},
		{name: "feature-policy/deprecated", profile: "modern", why: "Permissions Policy replaced Feature-Policy",
			root: resp{lines: "Feature-Policy: camera 'none'"}, want: m{"header.deprecated[feature-policy]": info}},
		{name: "expect-ct/modern", profile: "modern", why: "RFC 9163 is obsolete (Chrome 107 removed it): harmless, noted",
			root: resp{lines: "Expect-CT: max-age=86400, enforce"}, want: m{"expect-ct": pass},
			reasons: map[string]string{"expect-ct": "obsolete"}, absent: []string{"header.deprecated[expect-ct]"}},
		{name: "expect-ct/modern-absent", profile: "modern", why: "modern does not ask for Expect-CT, so its absence passes without a note that the profile asks for it",
			want: m{"expect-ct": pass}, absent: []string{"header.deprecated[expect-ct]"}},
		{name: "xfo/frame-ancestors-star", profile: "pleroma", why: "HTML Standard: an enforced frame-ancestors makes browsers skip X-Frame-Options, and * lets any site frame the page",
			root: resp{lines: pleromaCSP("frame-ancestors", "frame-ancestors *") + "\nX-Frame-Options: DENY"}, want: m{"x-frame-options": fail},
			reasons: map[string]string{"x-frame-options": "ignored"}},
		{name: "xfo/frame-ancestors-none", profile: "pleroma", why: "HTML Standard: frame-ancestors 'none' governs framing; X-Frame-Options is ignored but not needed",
			root: resp{lines: pleromaCSP("frame-ancestors", "frame-ancestors 'none'") + "\nX-Frame-Options: DENY"}, atMost: m{"x-frame-options": info}},
		{name: "referrer/duplicate-proxy", profile: "pleroma", why: "Referrer Policy §8.1: the last recognised token wins; two senders: say which two, not set what is set",
			root: resp{lines: "Referrer-Policy: same-origin\nReferrer-Policy: no-referrer-when-downgrade"}, want: m{"referrer-policy": fail},
			reasons: map[string]string{"referrer-policy": "duplicate"}, mention: map[string]string{"referrer-policy": "2 Referrer-Policy values"}},
		{name: "referrer/duplicate-harmless", profile: "pleroma", why: "Referrer Policy §8.1: the last token, same-origin, is what the guide asks",
			root: resp{lines: "Referrer-Policy: no-referrer-when-downgrade\nReferrer-Policy: same-origin"}, want: m{"referrer-policy": pass}},
		{name: "x-download-options/pleroma", profile: "pleroma", why: "contract: a deprecated header the profile asks for passes with an info note",
			root: resp{lines: "X-Download-Options: noopen"}, want: m{"x-download-options": pass},
			reasons: map[string]string{"x-download-options": "obsolete"}, absent: []string{"header.deprecated[x-download-options]"}},
		{name: "xpcdp/master-only", profile: "pleroma", why: "Adobe cross-domain policy: master-only still allows the master policy file, weaker than none",
			root: resp{lines: "X-Permitted-Cross-Domain-Policies: master-only"}, want: m{"x-permitted-cross-domain-policies": warn}},
		{name: "coop/same-origin", profile: "modern", why: "HTML §7.1.3: same-origin isolates the browsing context group",
			root: resp{lines: "Cross-Origin-Opener-Policy: same-origin"}, want: m{"cross-origin-opener-policy": pass}},
		{name: "coop/absent", profile: "modern", why: "OWASP Secure Headers: recommended, not required", want: m{"cross-origin-opener-policy": info}},
		{name: "corp/same-origin", profile: "modern", why: "Fetch §3.7: same-origin is stricter than the wanted same-site",
			root: resp{lines: "Cross-Origin-Resource-Policy: same-origin"}, want: m{"cross-origin-resource-policy": pass}},
		{name: "corp/cross-origin", profile: "modern", why: "Fetch §3.7: cross-origin allows every site to embed the response",
			root: resp{lines: "Cross-Origin-Resource-Policy: cross-origin"}, atLeast: m{"cross-origin-resource-policy": info}},
		{name: "corp/case", profile: "modern", why: "Fetch §3.7 cross-origin resource policy check compares bytes: Same-Site is not same-site and does nothing",
			root: resp{lines: "Cross-Origin-Resource-Policy: Same-Site"}, atLeast: m{"cross-origin-resource-policy": info}},
		{name: "fingerprint/server-version", profile: "modern", why: "RFC 9110 §10.2.4: a product version in Server helps attackers pick exploits (OWASP remove list)",
			root: resp{lines: "Server: nginx/1.25.3"}, want: m{"header.fingerprint[server]": info}},
		{name: "fingerprint/server-name-only", profile: "modern", why: "RFC 9110 §10.2.4: a product name without version is fine",
			root: resp{lines: "Server: nginx"}, absent: []string{"header.fingerprint[server]"}},
		{name: "fingerprint/x-powered-by", profile: "modern", why: "OWASP Secure Headers remove list: X-Powered-By",
			root: resp{lines: "X-Powered-By: PHP/8.3.1"}, want: m{"header.fingerprint[x-powered-by]": info}},
		{name: "redirect/none", profile: "pleroma", why: "RFC 6797 §7.2: HTTP must redirect to HTTPS; a 200 serves the site in clear",
			http: &resp{status: 200}, want: m{"https.redirect": fail}},
		{name: "redirect/to-http", profile: "pleroma", why: "RFC 6797 §7.2: the redirect must go to https",
			http: &resp{lines: "Location: /login"}, want: m{"https.redirect": fail}},
		{name: "redirect/other-host", profile: "pleroma", why: "hstspreload: redirect to https on the same host first, so its HSTS is set",
			http: &resp{lines: "Location: https://www.example.tld/"}, atLeast: m{"https.redirect": warn}},
	}
}

var judgeNow = time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)

// TestJudgeTable judges each header set under its profile and checks the
// severities the specs give, and that no (id, subject) is reported twice.
func TestJudgeTable(t *testing.T) {
	cases := judgeCases()
	if len(cases) < 80 {
		t.Errorf("only %d cases; the acceptance test wants at least 80", len(cases))
	}
	names := map[string]bool{}
	for _, c := range cases {
		if names[c.name] {
			t.Errorf("case name %q repeated", c.name)
		}
		names[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			if c.why == "" {
				t.Fatal("case without why")
			}
			p, err := profile.Builtin(c.profile)
			if err != nil {
				t.Fatal(err)
			}
			fs := Site(p, observed(t, c), judgeNow)
			got := map[string]finding.Finding{}
			for _, f := range fs {
				k := findingKey(f)
				if _, dup := got[k]; dup {
					t.Errorf("%s reported twice", k)
				}
				got[k] = f
			}
			checkCase(t, c, got)
			if t.Failed() {
				t.Logf("findings:\n%s", dump(fs))
			}
		})
	}
}

func checkCase(t *testing.T, c judgeCase, got map[string]finding.Finding) {
	t.Helper()
	for k, f := range got {
		if err := check.Validate(f.ID, f.Reason); err != nil || f.Reason == "" {
			t.Errorf("%s: reason %q: %v (every finding has a reason from the catalogue)", k, f.Reason, err)
		}
	}
	for k, want := range c.reasons {
		if f, ok := got[k]; !ok || f.Reason != want {
			t.Errorf("%s: reason %q, want %q", k, f.Reason, want)
		}
	}
	for _, k := range sortedKeys(c.want) {
		f, ok := got[k]
		switch {
		case !ok:
			t.Errorf("%s: not reported, want %s", k, c.want[k])
		case f.Severity != c.want[k]:
			t.Errorf("%s: %s, want %s (%s)", k, f.Severity, c.want[k], f.Message)
		}
	}
	for _, k := range sortedKeys(c.atLeast) {
		if f, ok := got[k]; !ok {
			t.Errorf("%s: not reported, want at least %s", k, c.atLeast[k])
		} else if f.Severity < c.atLeast[k] {
			t.Errorf("%s: %s, want at least %s (%s)", k, f.Severity, c.atLeast[k], f.Message)
		}
	}
	for _, k := range sortedKeys(c.atMost) {
		if f, ok := got[k]; ok && f.Severity > c.atMost[k] {
			t.Errorf("%s: %s, want at most %s (%s)", k, f.Severity, c.atMost[k], f.Message)
		}
	}
	for _, k := range c.absent {
		if f, ok := got[k]; ok {
			t.Errorf("%s: reported (%s: %s), want nothing", k, f.Severity, f.Message)
		}
	}
	for k, text := range c.mention {
		if f, ok := got[k]; ok && !strings.Contains(f.Message, text) {
			t.Errorf("%s: message %q does not name %q", k, f.Message, text)
		}
	}
	if c.noFail {
		for k, f := range got {
			if f.Severity == finding.Fail && c.want[k] != finding.Fail {
				t.Errorf("%s: fail on a real server under its own profile: %s", k, f.Message)
			}
		}
	}
}

func findingKey(f finding.Finding) string {
	if f.Subject == "" {
		return f.ID
	}
	return f.ID + "[" + f.Subject + "]"
}

func sortedKeys(mp map[string]finding.Severity) []string {
	ks := make([]string, 0, len(mp))
	for k := range mp {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func dump(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %-40s %-4s %s\n", findingKey(f), f.Severity, f.Message)
	}
	return b.String()
}

// observed builds what a scan of the case would have fetched.
func observed(t *testing.T, c judgeCase) *probe.Observed {
	t.Helper()
	host := c.host
	if host == "" {
		host = "example.tld"
	}
	base := mustURL(t, "https://"+host+"/")
	o := &probe.Observed{URL: base, Root: &probe.Chain{Body: []byte(c.body)}, Verified: true}
	if c.undecoded != "" {
		o.Root.Encoding, o.Root.Undecoded = c.undecoded, true
	}
	if c.first != nil {
		h := buildHop(t, base, *c.first)
		o.Root.Hops = append(o.Root.Hops, h)
	}
	o.Root.Hops = append(o.Root.Hops, buildHop(t, base, c.root))
	if c.disallowed {
		o.Root.Disallowed = true
		o.Root.Stopped = "redirect to " + o.Root.Final().Location.String() + ", a host the scan may not reach, not followed"
	}
	if c.httpErr != nil {
		o.HTTPErr = c.httpErr
	} else {
		hr := resp{lines: "Location: https://" + host + "/"}
		if c.http != nil {
			hr = *c.http
		}
		httpBase := mustURL(t, "http://"+base.Hostname()+"/")
		o.HTTP = &probe.Chain{Hops: []probe.Hop{buildHop(t, httpBase, hr)}}
	}
	for _, cr := range c.cookies {
		o.CookieChains = append(o.CookieChains, &probe.Chain{Hops: []probe.Hop{buildHop(t, base, cr)}})
	}
	o.DeepPath = deepPath
	if c.deepErr != nil {
		o.DeepHTTPErr = c.deepErr
	} else if c.deep != nil {
		r := *c.deep
		if r.path == "" {
			r.path = deepPath
		}
		o.DeepHTTP = &probe.Chain{Hops: []probe.Hop{buildHop(t, mustURL(t, "http://"+base.Hostname()+"/"), r)}}
	}
	if c.errorPage != nil {
		r := *c.errorPage
		if r.path == "" {
			r.path = errorPath
		}
		if r.status == 0 && r.file == "" {
			r.status = http.StatusNotFound
		}
		o.ErrorPage = &probe.Chain{Hops: []probe.Hop{buildHop(t, base, r)}}
	}
	if c.again != nil {
		o.Again = &probe.Chain{Hops: []probe.Hop{buildHop(t, base, *c.again)}}
	}
	return o
}

// buildHop turns a resp into the hop at base's origin and r.path.
func buildHop(t *testing.T, base *url.URL, r resp) probe.Hop {
	t.Helper()
	path := r.path
	if path == "" {
		path = "/"
	}
	u := base.ResolveReference(mustURL(t, path))
	var status int
	var h http.Header
	if r.file != "" {
		status, h = readRecorded(t, r.file)
		if r.status != 0 {
			status = r.status
		}
	} else {
		h = parseHeader(t, r.lines)
		status = r.status
	}
	for _, name := range r.strip {
		h.Del(name)
	}
	if r.file != "" && r.lines != "" { // lines added to a recorded head
		for k, vs := range parseHeader(t, r.lines) {
			h[k] = append(h[k], vs...)
		}
	}
	hop := probe.Hop{URL: u, Header: h}
	if loc := h.Get("Location"); loc != "" {
		l, err := u.Parse(loc)
		if err != nil && status == 0 {
			status = http.StatusMovedPermanently // as the probe keeps it: a redirect whose target is no URL
		}
		hop.Location = l
	}
	switch {
	case status != 0:
		hop.Status = status
	case hop.Location != nil:
		hop.Status = http.StatusMovedPermanently
	default:
		hop.Status = http.StatusOK
	}
	return hop
}

// parseHeader reads raw header lines as a response head would carry them,
// keeping repeated names apart and in order.
func parseHeader(t *testing.T, lines string) http.Header {
	t.Helper()
	var b strings.Builder
	b.WriteString("HTTP/1.1 200 OK\r\n")
	for _, l := range strings.Split(lines, "\n") {
		if l = strings.TrimLeft(l, " \t"); l != "" {
			b.WriteString(l + "\r\n")
		}
	}
	b.WriteString("\r\n")
	res, err := http.ReadResponse(bufio.NewReader(strings.NewReader(b.String())), nil)
	if err != nil {
		t.Fatalf("header lines %q: %v", lines, err)
	}
	return res.Header
}

func readRecorded(t *testing.T, name string) (int, http.Header) {
	t.Helper()
	rec, err := replica.Response(name)
	if err != nil {
		t.Fatal(err)
	}
	return rec.Status, rec.Header
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
