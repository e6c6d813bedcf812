package csp

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/hardscan/hardscan/scan/finding"
)

const (
	pleroma27 = "upgrade-insecure-requests;script-src 'self';connect-src 'self' blob: https://example.tld wss://example.tld https:;media-src 'self' https:;img-src 'self' data: blob: https:;default-src 'none';base-uri 'self';frame-ancestors 'none';style-src 'self' 'unsafe-inline';font-src 'self';manifest-src 'self';"
	pleroma24 = "upgrade-insecure-requests;script-src 'self';connect-src 'self' blob: https://example.tld wss://example.tld;media-src 'self' https:;img-src 'self' data: blob: https:;default-src 'none';base-uri 'self';frame-ancestors 'none';style-src 'self' 'unsafe-inline';font-src 'self';manifest-src 'self';"
	akkoma    = "upgrade-insecure-requests;style-src 'self' 'nonce-X3kQm9pR2tYv8Lw';font-src 'self';script-src 'self' 'nonce-X3kQm9pR2tYv8Lw' ;connect-src 'self' https://example.tld wss://example.tld;media-src 'self' https:;img-src 'self' data: blob: https:;default-src 'none';base-uri 'none';frame-ancestors 'none';manifest-src 'self';"
	mastodon  = "base-uri 'none'; default-src 'none'; frame-ancestors 'none'; font-src 'self' https://example.tld; img-src 'self' data: blob: https://example.tld; style-src 'self' https://example.tld 'nonce-ZbA+JmE7+bK8F5qvADZHuQ=='; media-src 'self' data: https://example.tld; manifest-src 'self' https://example.tld; form-action 'none'; child-src 'self' blob: https://example.tld; worker-src 'self' blob: https://example.tld; connect-src 'self' data: blob: https://example.tld wss://example.tld; script-src 'self' https://example.tld 'wasm-unsafe-eval'; frame-src 'self' https:"
	google    = "script-src 'strict-dynamic' 'nonce-R4nd0m' https: 'unsafe-inline'; object-src 'none'; base-uri 'none'"
	strict    = "default-src 'none'; script-src 'self'; base-uri 'none'"
)

// pleromaExpect is what Pleroma's guide asks for, with Pleroma's additions.
var pleromaExpect = Expect{Required: true, Directives: map[string][]string{
	"upgrade-insecure-requests": {},
	"script-src":                {"'self'"},
	"connect-src":               {"'self'", "blob:", "https://{host}", "wss://{host}"},
	"media-src":                 {"'self'", "https:"},
	"img-src":                   {"'self'", "data:", "blob:", "https:"},
	"default-src":               {"'none'"},
	"base-uri":                  {"'self'"},
	"frame-ancestors":           {"'none'"},
	"style-src":                 {"'self'", "'unsafe-inline'"},
	"font-src":                  {"'self'"},
	"manifest-src":              {"'self'"},
}}

// akkomaExpect is exactly what Akkoma 2025.10 sends.
var akkomaExpect = Expect{Required: true, Directives: map[string][]string{
	"upgrade-insecure-requests": {},
	"style-src":                 {"'self'", "'nonce-any'"},
	"font-src":                  {"'self'"},
	"script-src":                {"'self'", "'nonce-any'"},
	"connect-src":               {"'self'", "https://{host}", "wss://{host}"},
	"media-src":                 {"'self'", "https:"},
	"img-src":                   {"'self'", "data:", "blob:", "https:"},
	"default-src":               {"'none'"},
	"base-uri":                  {"'none'"},
	"frame-ancestors":           {"'none'"},
	"manifest-src":              {"'self'"},
}, Require: []string{"object-src", "base-uri", "frame-ancestors"}}

// mastodonExpect is exactly what Mastodon 4.3 sends.
var mastodonExpect = Expect{Required: true, Directives: map[string][]string{
	"base-uri":        {"'none'"},
	"default-src":     {"'none'"},
	"frame-ancestors": {"'none'"},
	"font-src":        {"'self'", "https://{host}"},
	"img-src":         {"'self'", "data:", "blob:", "https://{host}"},
	"style-src":       {"'self'", "https://{host}", "'nonce-any'"},
	"media-src":       {"'self'", "data:", "https://{host}"},
	"manifest-src":    {"'self'", "https://{host}"},
	"form-action":     {"'none'"},
	"child-src":       {"'self'", "blob:", "https://{host}"},
	"worker-src":      {"'self'", "blob:", "https://{host}"},
	"connect-src":     {"'self'", "data:", "blob:", "https://{host}", "wss://{host}"},
	"script-src":      {"'self'", "https://{host}", "'wasm-unsafe-eval'"},
	"frame-src":       {"'self'", "https:"},
}}

var origin, _ = url.Parse("https://example.tld/")

func hdr(vs ...string) Input { return Input{Enforced: vs, Origin: origin} }

func one(name string, srcs ...string) Expect {
	return Expect{Required: true, Directives: map[string][]string{name: srcs}}
}

// key names a finding as tests refer to it: "id" or "id subject".
func key(f finding.Finding) string {
	if f.Subject == "" {
		return f.ID
	}
	return f.ID + " " + f.Subject
}

const none finding.Severity = -1 // the finding must be absent

func TestJudge(t *testing.T) {
	tests := []struct {
		name string
		in   Input
		exp  Expect
		want map[string]finding.Severity // key -> severity (none: absent)
		max  finding.Severity            // no finding may be worse
		says map[string]string           // key -> text its message must contain
		why  string
	}{
		{name: "pleroma 2.7 default", in: hdr(pleroma27), exp: pleromaExpect, max: finding.Warn,
			want: map[string]finding.Severity{"csp": finding.Pass, "csp.connect-src": finding.Warn, "csp.script-src": finding.Pass,
				"csp.upgrade-insecure-requests": finding.Pass, "csp.default-src": finding.Pass, "csp.object-src": finding.Pass, "csp.base-uri": finding.Pass},
			says: map[string]string{"csp.connect-src": "https:"},
			why:  "FACTS: Pleroma 2.6+ adds https: to connect-src; CSP3 §6.7.2.5 source lists compared as sets"},
		{name: "pleroma 2.4 default", in: hdr(pleroma24), exp: pleromaExpect, max: finding.Info,
			want: map[string]finding.Severity{"csp.connect-src": finding.Pass},
			why:  "FACTS: 2.4 connect-src is exactly the profile's; wss://{host} covered"},
		{name: "akkoma", in: hdr(akkoma), exp: akkomaExpect, max: finding.Warn,
			want: map[string]finding.Severity{"csp.script-src": finding.Pass, "csp.style-src": finding.Pass, "csp.base-uri": finding.Pass, "csp.frame-ancestors": finding.Pass},
			why:  "CSP3 §2.2.1 trims the stray space before ';'; §6.7.3.3 nonces"},
		{name: "mastodon", in: hdr(mastodon), exp: mastodonExpect, max: finding.Warn,
			want: map[string]finding.Severity{"csp.script-src": finding.Pass, "csp.worker-src": finding.Pass, "csp.form-action": finding.Pass},
			why:  "CSP3 §4.3: 'wasm-unsafe-eval' is not 'unsafe-eval'"},
		{name: "google strict csp", in: hdr(google), max: finding.Warn,
			want: map[string]finding.Severity{"csp.script-src": finding.Pass, "csp.object-src": finding.Pass, "csp.nonce script-src": finding.Warn, "csp.http-source script-src": none},
			why:  "CSP3 §8.2 'strict-dynamic' drops https: and 'unsafe-inline'; §6.7.3.3 nonce drops 'unsafe-inline'"},
		{name: "two headers strict wins", in: hdr(strict, "script-src *"),
			want: map[string]finding.Severity{"csp.script-src": finding.Info}, max: finding.Info,
			why: "CSP3 §4.2 every enforced policy applies (MDN Observatory misreads two headers as one)"},
		{name: "comma joined strict wins", in: hdr(strict + ", script-src *"),
			want: map[string]finding.Severity{"csp.script-src": finding.Info}, max: finding.Info,
			why: "CSP3 §2.2.2 parse a serialized CSP list splits on ','"},
		{name: "weak first strict second", in: hdr("script-src * 'unsafe-inline' 'unsafe-eval'", strict),
			want: map[string]finding.Severity{"csp.script-src": finding.Info}, max: finding.Info,
			why: "CSP3 §4.2: a script must pass every policy, order does not matter"},
		{name: "unsafe-inline", in: hdr("default-src 'none'; script-src 'self' 'unsafe-inline'; base-uri 'none'"),
			want: map[string]finding.Severity{"csp.script-src": finding.Fail},
			why:  "CSP3 §6.7.3.3 allow all inline behavior: 'unsafe-inline' alone allows injected scripts"},
		{name: "unsafe-inline with nonce", in: hdr("default-src 'none'; script-src 'self' 'unsafe-inline' 'nonce-q4Rk2vT8pL0sW7yN1cX3bA=='; base-uri 'none'"),
			want: map[string]finding.Severity{"csp.script-src": finding.Info, "csp.nonce script-src": none},
			why:  "CSP3 §6.7.3.3: a nonce makes 'unsafe-inline' ignored ('self' is only an info)"},
		{name: "unsafe-inline with hash", in: hdr("default-src 'none'; script-src 'unsafe-inline' 'sha256-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG='; base-uri 'none'"),
			want: map[string]finding.Severity{"csp.script-src": finding.Pass},
			why:  "CSP3 §6.7.3.3: a hash makes 'unsafe-inline' ignored"},
		{name: "strict-dynamic alone drops unsafe-inline", in: hdr("default-src 'none'; script-src 'strict-dynamic' 'unsafe-inline'; base-uri 'none'"),
			want: map[string]finding.Severity{"csp.script-src": finding.Pass},
			why:  "CSP3 §6.7.3.3: 'strict-dynamic' disables 'unsafe-inline' for scripts"},
		{name: "default-src fallback unsafe-inline", in: hdr("default-src 'self' 'unsafe-inline'; base-uri 'self'"),
			want: map[string]finding.Severity{"csp.script-src": finding.Fail, "csp.object-src": finding.Pass},
			why:  "CSP3 §6.8.4 directive fallback list: script-src-elem -> script-src -> default-src"},
		{name: "script-src-attr unsafe-inline", in: hdr("default-src 'none'; script-src 'self'; script-src-attr 'unsafe-inline'; base-uri 'none'"),
			want: map[string]finding.Severity{"csp.script-src": finding.Fail},
			why:  "CSP3 §6.8.3: inline handlers use script-src-attr first"},
		{name: "unsafe-eval", in: hdr("default-src 'none'; script-src 'self' 'unsafe-eval'; base-uri 'none'"),
			want: map[string]finding.Severity{"csp.script-src": finding.Fail},
			why:  "CSP3 §4.3 EnsureCSPDoesNotBlockStringCompilation allows eval with 'unsafe-eval'"},
		{name: "wasm-unsafe-eval", in: hdr("default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; base-uri 'none'"), exp: one("script-src", "'self'"),
			want: map[string]finding.Severity{"csp.script-src": finding.Info},
			says: map[string]string{"csp.script-src": "'wasm-unsafe-eval'"},
			why:  "CSP3 §4.4: 'wasm-unsafe-eval' only allows WebAssembly compilation (Pleroma 2.5/2.6)"},
		{name: "data scheme", in: hdr("default-src 'none'; script-src 'self' data:; base-uri 'none'"),
			want: map[string]finding.Severity{"csp.script-src": finding.Fail}, says: map[string]string{"csp.script-src": "data:"},
			why: "CSP3 §2.3.1 scheme-source data: lets an attacker inline a script URL"},
		{name: "https scheme", in: hdr("default-src 'none'; script-src https:; base-uri 'none'"),
			want: map[string]finding.Severity{"csp.script-src": finding.Fail}, says: map[string]string{"csp.script-src": "https:"},
			why: "CSP3 §6.7.2.9: https: matches every https host"},
		{name: "http scheme", in: hdr("default-src 'none'; script-src http:; base-uri 'none'"),
			want: map[string]finding.Severity{"csp.script-src": finding.Fail, "csp.http-source script-src": finding.Warn},
			why:  "CSP3 §6.7.2.9: http: matches http and https"},
		{name: "star", in: hdr("default-src 'none'; script-src *; base-uri 'none'"),
			want: map[string]finding.Severity{"csp.script-src": finding.Fail}, says: map[string]string{"csp.script-src": "*"},
			why: "CSP3 §6.7.2.8: * matches every http(s) URL"},
		{name: "any host over https", in: hdr("default-src 'none'; script-src 'self' https://*; base-uri 'none'"),
			want: map[string]finding.Severity{"csp.script-src": finding.Fail}, says: map[string]string{"csp.script-src": "https://*"},
			why: "CSP3 §6.7.2.8: https://* matches every host on port 443, as wide as https: (CSP Evaluator: high)"},
		{name: "any host over wss", in: hdr("default-src 'none'; script-src wss://*; object-src http://*; base-uri https://*"),
			want: map[string]finding.Severity{"csp.script-src": finding.Fail, "csp.object-src": finding.Fail, "csp.base-uri": finding.Fail},
			says: map[string]string{"csp.script-src": "wss://*", "csp.object-src": "http://*"},
			why:  "CSP3 §6.7.2.9: wss matches https request URLs and http matches https, so these allow every host"},
		{name: "wildcard subdomains are not any host", in: hdr("default-src 'none'; script-src https://*.example.tld; base-uri 'none'"),
			want: map[string]finding.Severity{"csp.script-src": finding.Pass},
			why:  "CSP3 §6.7.2.8: *.example.tld matches only subdomains of the site"},
		{name: "strict-dynamic hides hosts", in: hdr("object-src 'none'; script-src 'strict-dynamic' 'nonce-q4Rk2vT8pL0sW7yN1cX3bA==' * http:; base-uri 'none'"),
			want: map[string]finding.Severity{"csp.script-src": finding.Pass},
			why:  "CSP3 §8.2 'strict-dynamic' ignores host and scheme sources"},
		{name: "no object-src", in: hdr("script-src 'self'; base-uri 'none'"),
			want: map[string]finding.Severity{"csp.object-src": finding.Fail, "csp.script-src": finding.Info},
			why:  "CSP3 §6.8.4: object-src falls back to default-src only"},
		{name: "no base-uri", in: hdr("default-src 'none'"),
			want: map[string]finding.Severity{"csp.base-uri": finding.Warn, "csp.script-src": finding.Pass}, says: map[string]string{"csp.base-uri": "form actions"},
			why: "CSP3 §6.2.1: base-uri has no fallback; default-src 'none' blocks the redirected scripts, form-action (no fallback) not the forms"},
		{name: "no base-uri with nonces", in: hdr("default-src 'none'; script-src 'nonce-q4Rk2vT8pL0sW7yN1cX3bA=='"),
			want: map[string]finding.Severity{"csp.base-uri": finding.Fail}, says: map[string]string{"csp.base-uri": "nonce"},
			why: "CSP3 §6.7.2.3: the page's nonced relative scripts load from the injected <base>'s origin (CSP Evaluator, Lighthouse)"},
		{name: "wide base-uri", in: hdr("default-src 'none'; base-uri https:"),
			want: map[string]finding.Severity{"csp.base-uri": finding.Warn}, says: map[string]string{"csp.base-uri": "https:"},
			why: "CSP3 §6.2.1: base-uri https: is as if absent; the scripts stay blocked by default-src 'none'"},
		{name: "wide base-uri with strict-dynamic", in: hdr("default-src 'none'; script-src 'strict-dynamic' 'sha256-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/ABCDE='; base-uri https:"),
			want: map[string]finding.Severity{"csp.base-uri": finding.Fail}, says: map[string]string{"csp.base-uri": "strict-dynamic"},
			why: "CSP3 §8.2: what a hashed script loads by relative URL follows the injected <base> and is trusted (CSP Evaluator: high)"},
		{name: "none with others", in: hdr("default-src 'none'; object-src 'none' https:; base-uri 'none'"),
			want: map[string]finding.Severity{"csp.object-src": finding.Fail, "csp.syntax object-src": finding.Info},
			why:  "CSP3 §6.7.2.5: 'none' counts only as the single source"},
		{name: "repeated directive", in: hdr("default-src 'none'; script-src 'self'; script-src *; base-uri 'none'"),
			want: map[string]finding.Severity{"csp.script-src": finding.Info, "csp.syntax script-src": finding.Info},
			why:  "CSP3 §2.2.1 step 5: a repeated directive is ignored"},
		{name: "unknown directive", in: hdr("default-src 'none'; foo-src 'self'; base-uri 'none'"),
			want: map[string]finding.Severity{"csp.syntax foo-src": finding.Info},
			why:  "CSP3 §2.2.1: unknown directives are ignored"},
		{name: "bad keywords", in: hdr("default-src 'none'; script-src self 'unsafe_inline'; base-uri 'none'"),
			want: map[string]finding.Severity{"csp.syntax script-src": finding.Info, "csp.script-src": finding.Pass},
			says: map[string]string{"csp.syntax script-src": "'unsafe_inline'"},
			why:  "CSP3 §2.3.1 keyword-source needs quotes; an unknown keyword matches nothing"},
		{name: "deprecated", in: hdr(strict + "; reflected-xss block; referrer no-referrer"),
			want: map[string]finding.Severity{"csp.deprecated reflected-xss": finding.Info, "csp.deprecated referrer": finding.Info},
			why:  "CSP3 removed reflected-xss and referrer (CSP Evaluator flags them)"},
		{name: "ip source", in: hdr(strict + "; img-src 192.0.2.1"),
			want: map[string]finding.Severity{"csp.ip-source img-src": finding.Info},
			why:  "CSP3 §6.7.2.8 matches IP hosts literally (CSP Evaluator INFO)"},
		{name: "http ip source", in: hdr(strict + "; img-src http://192.0.2.1:8080"),
			want: map[string]finding.Severity{"csp.ip-source img-src": finding.Info, "csp.http-source img-src": finding.Warn},
			why:  "CSP Evaluator: IP and plain-HTTP sources are separate findings"},
		{name: "self info only when written", in: hdr("default-src 'none'; base-uri 'none'; script-src https://example.tld"),
			want: map[string]finding.Severity{"csp.script-src": finding.Pass},
			why:  "CSP Evaluator MEDIUM_MAYBE for 'self' applies only to a written 'self'"},
		{name: "http host source", in: hdr(strict + "; img-src http://cdn.example.tld"),
			want: map[string]finding.Severity{"csp.http-source img-src": finding.Warn},
			why:  "CSP3 §6.7.2.9: http://... also loads over plain HTTP"},
		{name: "no csp required", in: hdr(), exp: Expect{Required: true},
			want: map[string]finding.Severity{"csp": finding.Fail, "csp.script-src": none},
			why:  "contract: a missing enforced CSP fails when the profile requires one"},
		{name: "no csp optional", in: hdr(), exp: Expect{},
			want: map[string]finding.Severity{"csp": finding.Info},
			why:  "contract: otherwise it is info"},
		{name: "report-only only", in: Input{ReportOnly: []string{strict}, Origin: origin}, exp: Expect{Required: true},
			want: map[string]finding.Severity{"csp": finding.Fail, "csp.report-only": finding.Info},
			why:  "CSP3 §3.2: Report-Only protects nothing"},
		{name: "meta policy", in: Input{Meta: []string{strict + "; frame-ancestors 'none'"}, Origin: origin}, exp: one("frame-ancestors", "'none'"),
			want: map[string]finding.Severity{"csp": finding.Pass, "csp.meta": finding.Info, "csp.frame-ancestors": finding.Fail, "csp.script-src": finding.Info},
			says: map[string]string{"csp.meta": "frame-ancestors"},
			why:  "CSP3 §3.3: meta policies are enforced but frame-ancestors is ignored there"},
		{name: "upgrade-insecure-requests missing", in: hdr(strict), exp: one("upgrade-insecure-requests"),
			want: map[string]finding.Severity{"csp.upgrade-insecure-requests": finding.Fail},
			why:  "Upgrade Insecure Requests §3: no fallback, absent means off"},
		{name: "stricter by fallback", in: hdr(strict), exp: one("connect-src", "'self'"),
			want: map[string]finding.Severity{"csp.connect-src": finding.Pass},
			why:  "CSP3 §6.8.4: connect-src falls back to default-src 'none', stricter than expected"},
		{name: "unrestricted directive", in: hdr("script-src 'self'; object-src 'none'; base-uri 'none'"), exp: one("connect-src", "'self'"),
			want: map[string]finding.Severity{"csp.connect-src": finding.Fail},
			why:  "CSP3 §6.8.4: no connect-src and no default-src restricts nothing"},
		{name: "fallback extra", in: hdr("default-src 'self' https:; object-src 'none'; base-uri 'none'; script-src 'self'"), exp: one("img-src", "'self'"),
			want: map[string]finding.Severity{"csp.img-src": finding.Warn}, says: map[string]string{"csp.img-src": "https:"},
			why: "CSP3 §6.8.4: img-src falls back to default-src, whose https: is beyond the profile"},
		{name: "self covered by origin host", in: hdr(strict + "; connect-src 'self' wss://example.tld"), exp: one("connect-src", "https://{host}"),
			want: map[string]finding.Severity{"csp.connect-src": finding.Pass},
			why:  "CSP3 §6.7.2.8: 'self' matches the origin and its wss:// URLs"},
		{name: "origin host covered by self", in: hdr(strict + "; connect-src https://example.tld wss://example.tld"), exp: one("connect-src", "'self'"),
			want: map[string]finding.Severity{"csp.connect-src": finding.Pass},
			why:  "CSP3 §6.7.2.8 'self' matching includes wss of the same host"},
		{name: "wildcard covers host", in: hdr(strict + "; img-src https://a.example.com"), exp: one("img-src", "*.example.com"),
			want: map[string]finding.Severity{"csp.img-src": finding.Pass},
			why:  "CSP3 §6.7.2.8 host-part matching: *.example.com matches subdomains"},
		{name: "host does not cover wildcard", in: hdr(strict + "; img-src *.example.com"), exp: one("img-src", "https://a.example.com"),
			want: map[string]finding.Severity{"csp.img-src": finding.Warn}, says: map[string]string{"csp.img-src": "*.example.com"},
			why: "CSP3 §6.7.2.8: a wildcard allows more than one host"},
		{name: "extra only if all policies allow", in: hdr(strict+"; connect-src 'self' https:", "connect-src 'self'"), exp: one("connect-src", "'self'"),
			want: map[string]finding.Severity{"csp.connect-src": finding.Pass},
			why:  "CSP3 §4.2: the second policy blocks https: anyway"},
		{name: "worker-src fallback", in: hdr(strict), exp: one("worker-src", "'self'"),
			want: map[string]finding.Severity{"csp.worker-src": finding.Pass},
			why:  "CSP3 §6.8.4: worker-src -> child-src -> script-src"},
		{name: "require frame-ancestors missing", in: hdr(strict), exp: Expect{Require: []string{"frame-ancestors"}},
			want: map[string]finding.Severity{"csp.frame-ancestors": finding.Warn, "csp.form-action": none},
			why:  "CSP3 §6.4.2: frame-ancestors has no fallback"},
		{name: "sandbox flags", in: hdr(strict + "; sandbox allow-scripts"), exp: one("sandbox"),
			want: map[string]finding.Severity{"csp.sandbox": finding.Warn}, says: map[string]string{"csp.sandbox": "allow-scripts"},
			why: "CSP3 §6.3.2 sandbox: each allow- flag loosens it"},
		{name: "everything at once stays one finding", in: hdr("script-src * data: 'unsafe-inline' 'unsafe-eval'"),
			want: map[string]finding.Severity{"csp.script-src": finding.Fail, "csp.object-src": finding.Fail, "csp.base-uri": finding.Fail},
			says: map[string]string{"csp.script-src": "'unsafe-eval'"},
			why:  "contract: one finding per (id, subject), worst severity, messages joined"},
		{name: "empty header", in: hdr(" ; , "), exp: Expect{Required: true},
			want: map[string]finding.Severity{"csp": finding.Fail},
			why:  "CSP3 §2.2.2: empty policies are dropped"},
		{name: "http origin self", in: Input{Enforced: []string{strict + "; connect-src 'self'"}, Origin: mustURL("http://example.tld:8080/")},
			exp:  one("connect-src", "http://{host}"),
			want: map[string]finding.Severity{"csp.connect-src": finding.Pass},
			why:  "CSP3 §6.7.2.8: 'self' on an http page with a port"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.exp.Validate(); err != nil {
				t.Fatalf("expectation invalid: %v", err)
			}
			fs := Judge(tc.in, tc.exp)
			got := map[string]finding.Finding{}
			for _, f := range fs {
				k := key(f)
				if _, dup := got[k]; dup {
					t.Errorf("two findings for %s (%s)", k, tc.why)
				}
				got[k] = f
				if tc.max != 0 && f.Severity > tc.max {
					t.Errorf("%s is %v, worse than %v: %s (%s)", k, f.Severity, tc.max, f.Message, tc.why)
				}
			}
			for k, sev := range tc.want {
				f, ok := got[k]
				switch {
				case sev == none && ok:
					t.Errorf("%s present, want absent: %s (%s)", k, f.Message, tc.why)
				case sev != none && !ok:
					t.Errorf("%s missing, want %v (%s); got %v", k, sev, tc.why, keys(fs))
				case sev != none && f.Severity != sev:
					t.Errorf("%s = %v, want %v: %s (%s)", k, f.Severity, sev, f.Message, tc.why)
				}
			}
			for k, s := range tc.says {
				if !strings.Contains(got[k].Message, s) {
					t.Errorf("%s message %q does not name %q (%s)", k, got[k].Message, s, tc.why)
				}
			}
		})
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func keys(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, key(f)+"="+f.Severity.String())
	}
	return out
}

func TestReasonsAndFixValues(t *testing.T) {
	// why: tests, baselines and dashboards key on reasons, not wording;
	// a fix is written with the profile's policy and the directive's
	// expected sources, which the judge hands over as values.
	origin, _ := url.Parse("https://example.tld/")
	for _, tc := range []struct {
		policy, key, reason string
	}{
		{"default-src 'self'; script-src 'self' 'unsafe-inline'", "csp.script-src", "unsafe-inline"},
		{"default-src 'self'; script-src 'self' 'unsafe-eval'", "csp.script-src", "unsafe-eval"},
		{"default-src 'self'; script-src https:", "csp.script-src", "wide-source"},
		{"default-src 'self'; connect-src 'self' https:", "csp.connect-src", "wide-source"},
		{"default-src 'self'; connect-src 'self' https://cdn.example", "csp.connect-src", "extra-source"},
		{"style-src 'self'", "csp.base-uri", "absent"},
		{"default-src 'self'; img-src http://a.example", "csp.http-source img-src", "http"},
		{"default-src 'self'; script-src 'nonce-abc'", "csp.nonce script-src", "short"},
	} {
		exp := one("connect-src", "'self'")
		fs := Judge(Input{Enforced: []string{tc.policy}, Origin: origin}, exp)
		var got *finding.Finding
		for i := range fs {
			if key(fs[i]) == tc.key {
				got = &fs[i]
			}
		}
		if got == nil || got.Reason != tc.reason {
			t.Errorf("%q: %s: %+v, want reason %q", tc.policy, tc.key, got, tc.reason)
			continue
		}
		if got.Vars["policy"] == "" || !strings.Contains(got.Vars["policy"], "connect-src 'self'") {
			t.Errorf("%q: %s: fix policy %q, want the profile's", tc.policy, tc.key, got.Vars["policy"])
		}
	}
}

func TestHTTPSourceBlockedByAnotherPolicy(t *testing.T) {
	// why: CSP3 §4.1: every enforced policy applies; an http: source one
	// policy allows and another blocks loads nothing, so it is no risk.
	origin, _ := url.Parse("https://example.tld/")
	in := Input{Enforced: []string{"img-src 'self' http://a.example", "img-src 'self'"}, Origin: origin}
	for _, f := range Judge(in, Expect{}) {
		if f.ID == "csp.http-source" {
			t.Errorf("an http source another policy blocks is reported: %+v", f)
		}
	}
	in = Input{Enforced: []string{"img-src 'self' http://a.example", "img-src http:"}, Origin: origin}
	found := false
	for _, f := range Judge(in, Expect{}) {
		found = found || f.ID == "csp.http-source"
	}
	if !found {
		t.Error("an http source every policy allows is not reported")
	}
}

func TestJudgeDeterministic(t *testing.T) {
	// why: baselines and golden files need a stable order.
	in := hdr(mastodon, "script-src * 'unsafe-inline'; foo bar; reflected-xss 1")
	a, b := Judge(in, mastodonExpect), Judge(in, mastodonExpect)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs differ")
	}
	for i := 1; i < len(a); i++ {
		if a[i-1].ID > a[i].ID || a[i-1].ID == a[i].ID && a[i-1].Subject >= a[i].Subject {
			t.Fatalf("not sorted by id, subject at %d: %v", i, keys(a))
		}
	}
}
