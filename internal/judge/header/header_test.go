package header

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/hardscan/hardscan/internal/parse/sf"
	replica "github.com/hardscan/hardscan/internal/replica"
	"github.com/hardscan/hardscan/scan/finding"
)

func h(kv ...string) http.Header {
	hd := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		hd.Add(kv[i], kv[i+1])
	}
	return hd
}

// one judges a single header rule and returns its finding.
func one(t *testing.T, name string, r Rule, in Input) finding.Finding {
	t.Helper()
	for _, f := range Judge(in, Expect{Rules: map[string]Rule{name: r}}) {
		if f.ID == name {
			return f
		}
	}
	t.Fatalf("no %s finding", name)
	return finding.Finding{}
}

func TestHeaders(t *testing.T) {
	tests := []struct {
		name string
		rule Rule
		in   Input
		want finding.Severity
		why  string
	}{
		// X-Frame-Options
		{"x-frame-options", Rule{Want: "DENY"}, Input{Header: h("X-Frame-Options", "DENY")}, finding.Pass, "HTML: DENY blocks framing"},
		{"x-frame-options", Rule{Want: "DENY"}, Input{Header: h("X-Frame-Options", "DENY", "X-Frame-Options", "DENY")}, finding.Pass,
			"HTML: values form a set, DENY twice is {deny}; MDN calls duplicates invalid"},
		{"x-frame-options", Rule{Want: "DENY"}, Input{Header: h("X-Frame-Options", "deny, deny")}, finding.Pass, "HTML: values lowercased and split on ','"},
		{"x-frame-options", Rule{Want: "DENY"}, Input{Header: h("X-Frame-Options", "DENY", "X-Frame-Options", "SAMEORIGIN")}, finding.Pass,
			"HTML: several known values block framing altogether"},
		{"x-frame-options", Rule{Want: "DENY"}, Input{Header: h("X-Frame-Options", "SAMEORIGIN")}, finding.Warn, "DENY is stricter than SAMEORIGIN"},
		{"x-frame-options", Rule{Want: "SAMEORIGIN"}, Input{Header: h("X-Frame-Options", "DENY")}, finding.Pass, "DENY is at least as strict as SAMEORIGIN"},
		{"x-frame-options", Rule{Want: "DENY"}, Input{Header: h("X-Frame-Options", "ALLOW-FROM https://a.example")}, finding.Fail,
			"HTML: ALLOW-FROM alone is no protection"},
		{"x-frame-options", Rule{Want: "DENY", Missing: "info"}, Input{Header: h("X-Frame-Options", "DENYY")}, finding.Warn,
			"HTML: a typo is no protection; at least warn although absence would be info"},
		{"x-frame-options", Rule{Want: "DENY"}, Input{Header: h()}, finding.Fail, "missing header: default severity fail"},
		{"x-frame-options", Rule{Want: "DENY"}, Input{Header: h(), CSPFrameAncestors: true}, finding.Pass,
			"HTML: frame-ancestors makes browsers ignore XFO; peers' false alarm"},
		{"x-frame-options", Rule{Want: "DENY"}, Input{Header: h("X-Frame-Options", "ALLOW-FROM x"), CSPFrameAncestors: true}, finding.Info,
			"HTML: XFO is ignored when frame-ancestors is present"},
		// X-Content-Type-Options
		{"x-content-type-options", Rule{Want: "nosniff"}, Input{Header: h("X-Content-Type-Options", "nosniff")}, finding.Pass, "Fetch: determine nosniff"},
		{"x-content-type-options", Rule{Want: "nosniff"}, Input{Header: h("X-Content-Type-Options", "nosniff", "X-Content-Type-Options", "nosniff")}, finding.Pass,
			"Fetch: only the first value counts, nosniff twice works; MDN calls it invalid"},
		{"x-content-type-options", Rule{Want: "nosniff"}, Input{Header: h("X-Content-Type-Options", "NoSniff")}, finding.Pass, "Fetch: case-insensitive"},
		{"x-content-type-options", Rule{Want: "nosniff"}, Input{Header: h("X-Content-Type-Options", "no-sniff")}, finding.Fail, "Fetch: no-sniff does nothing"},
		{"x-content-type-options", Rule{Want: "nosniff"}, Input{Header: h("X-Content-Type-Options", "foo, nosniff")}, finding.Fail, "Fetch: only the first value counts"},
		// Referrer-Policy
		{"referrer-policy", Rule{Want: "same-origin"}, Input{Header: h("Referrer-Policy", "same-origin")}, finding.Pass, "Pleroma's default"},
		{"referrer-policy", Rule{Want: "same-origin"}, Input{Header: h("Referrer-Policy", "no-referrer")}, finding.Pass, "contract: no-referrer satisfies same-origin"},
		{"referrer-policy", Rule{Want: "same-origin"}, Input{Header: h("Referrer-Policy", "no-referrer, unsafe-url")}, finding.Fail,
			"Referrer Policy §8.1: the last recognised token wins: unsafe-url"},
		{"referrer-policy", Rule{Want: "same-origin"}, Input{Header: h("Referrer-Policy", "unsafe-url, no-referrer")}, finding.Pass,
			"Referrer Policy §8.1: last wins: no-referrer"},
		{"referrer-policy", Rule{Want: "same-origin"}, Input{Header: h("Referrer-Policy", "no-referrer, foo")}, finding.Pass,
			"Referrer Policy §8.1: unknown foo is skipped, no-referrer stays"},
		{"referrer-policy", Rule{Want: "same-origin"}, Input{Header: h("Referrer-Policy", "no-referrer", "Referrer-Policy", "origin")}, finding.Warn,
			"Referrer Policy: tokens of all header lines, last wins: origin"},
		{"referrer-policy", Rule{Want: "same-origin"}, Input{Header: h("Referrer-Policy", "strict-origin-when-cross-origin")}, finding.Warn, "weaker than same-origin"},
		{"referrer-policy", Rule{Want: "same-origin"}, Input{Header: h("Referrer-Policy", "no-referrer-when-downgrade")}, finding.Fail, "full URL cross-site"},
		{"referrer-policy", Rule{Want: "same-origin"}, Input{Header: h("Referrer-Policy", "no-referrer"), MetaReferrer: []string{"unsafe-url"}}, finding.Fail,
			"HTML: a later <meta name=referrer> overrides the header"},
		{"referrer-policy", Rule{Want: "same-origin"}, Input{Header: h(), MetaReferrer: []string{"never"}}, finding.Pass, "HTML: legacy never means no-referrer"},
		{"referrer-policy", Rule{Want: "same-origin", Missing: "info"}, Input{Header: h("Referrer-Policy", "foo")}, finding.Warn,
			"no recognised token: browser default, at least warn"},
		// X-XSS-Protection
		{"x-xss-protection", Rule{Want: "1; mode=block", Deprecated: true}, Input{Header: h("X-XSS-Protection", "1; mode=block")}, finding.Pass, "Pleroma guide value"},
		{"x-xss-protection", Rule{Want: "1; mode=block", Deprecated: true}, Input{Header: h("X-XSS-Protection", "0")}, finding.Pass, "OWASP: 0 is today's advice"},
		{"x-xss-protection", Rule{Want: "1; mode=block", Deprecated: true}, Input{Header: h("X-XSS-Protection", "1")}, finding.Warn, "filter mode leaked across sites"},
		{"x-xss-protection", Rule{Want: "0", Missing: "pass"}, Input{Header: h()}, finding.Pass, "OWASP modern: absent is fine"},
		{"x-xss-protection", Rule{Want: "0", Missing: "pass"}, Input{Header: h("X-XSS-Protection", "1")}, finding.Warn, "OWASP modern: 1 without mode=block"},
		{"x-xss-protection", Rule{Want: "0", Missing: "pass"}, Input{Header: h("X-XSS-Protection", "1; mode=block; report=/r")}, finding.Info, "harmless today, not advised"},
		{"x-xss-protection", Rule{Want: "0", Missing: "pass"}, Input{Header: h("X-XSS-Protection", "yes")}, finding.Warn, "not a valid value"},
		// X-Permitted-Cross-Domain-Policies, X-Download-Options
		{"x-permitted-cross-domain-policies", Rule{Want: "none"}, Input{Header: h("X-Permitted-Cross-Domain-Policies", "none")}, finding.Pass, "Adobe cross-domain policy: none"},
		{"x-permitted-cross-domain-policies", Rule{Want: "master-only"}, Input{Header: h("X-Permitted-Cross-Domain-Policies", "none")}, finding.Pass, "none is strictest"},
		{"x-permitted-cross-domain-policies", Rule{Want: "none"}, Input{Header: h("X-Permitted-Cross-Domain-Policies", "all")}, finding.Warn, "all is weakest"},
		{"x-download-options", Rule{Want: "noopen"}, Input{Header: h("X-Download-Options", "noopen")}, finding.Pass, "IE noopen"},
		{"x-download-options", Rule{Want: "noopen", Missing: "info"}, Input{Header: h()}, finding.Info, "profile's Missing severity"},
		// Expect-CT
		{"expect-ct", Rule{Want: "enforce, max-age=2592000", Deprecated: true, Missing: "info"}, Input{Header: h("Expect-CT", "enforce, max-age=2592000")}, finding.Pass, "Pleroma sts: true value"},
		{"expect-ct", Rule{Want: "enforce, max-age=2592000", Deprecated: true, Missing: "info"}, Input{Header: h("Expect-CT", `max-age=86400, enforce, report-uri="https://r.example/"`)}, finding.Warn,
			"RFC 9163: max-age below wanted"},
		{"expect-ct", Rule{Want: "enforce, max-age=2592000", Missing: "info"}, Input{Header: h("Expect-CT", "max-age=2592000")}, finding.Warn, "enforce wanted"},
		{"expect-ct", Rule{Want: "enforce, max-age=2592000", Missing: "info"}, Input{Header: h()}, finding.Info, "absent with Missing info"},
		{"expect-ct", Rule{Missing: "pass"}, Input{Header: h("Expect-CT", "enforce")}, finding.Warn, "RFC 9163: max-age required"},
		// Permissions-Policy
		{"permissions-policy", Rule{Missing: "info"}, Input{Header: h("Permissions-Policy", "interest-cohort=()")}, finding.Pass, "Pleroma 2.4+ value"},
		{"permissions-policy", Rule{Missing: "info"}, Input{Header: h("Permissions-Policy", "camera 'none'")}, finding.Warn, "RFC 8941: Feature-Policy syntax is invalid"},
		{"permissions-policy", Rule{Want: "camera=(), geolocation=(self)"}, Input{Header: h("Permissions-Policy", "camera=(), geolocation=()")}, finding.Pass, "() is stricter than (self)"},
		{"permissions-policy", Rule{Want: "camera=(), geolocation=(self)"}, Input{Header: h("Permissions-Policy", "camera=*, geolocation=(self)")}, finding.Warn, "* is weaker than ()"},
		{"permissions-policy", Rule{Want: "camera=()"}, Input{Header: h("Permissions-Policy", "geolocation=()")}, finding.Warn, "a feature not named keeps its default allowlist"},
		// Cross-origin policies
		{"cross-origin-opener-policy", Rule{Want: "same-origin"}, Input{Header: h("Cross-Origin-Opener-Policy", "same-origin; report-to=\"x\"")}, finding.Pass, "HTML COOP: SF item with parameters"},
		{"cross-origin-opener-policy", Rule{Want: "same-origin"}, Input{Header: h("Cross-Origin-Opener-Policy", "same-origin-allow-popups")}, finding.Warn, "weaker COOP"},
		{"cross-origin-opener-policy", Rule{Want: "same-origin"}, Input{Header: h("Cross-Origin-Opener-Policy", "same-origin", "Cross-Origin-Opener-Policy", "same-origin")}, finding.Fail,
			"RFC 8941: two lines join into a list, not an item: invalid"},
		{"cross-origin-embedder-policy", Rule{Want: "require-corp"}, Input{Header: h("Cross-Origin-Embedder-Policy", "credentialless")}, finding.Pass, "SEMANTICS: credentialless or require-corp"},
		{"cross-origin-resource-policy", Rule{Want: "same-site"}, Input{Header: h("Cross-Origin-Resource-Policy", "same-origin")}, finding.Pass, "Fetch CORP: same-origin stricter"},
		{"cross-origin-resource-policy", Rule{Want: "same-origin"}, Input{Header: h("Cross-Origin-Resource-Policy", "Same-Origin")}, finding.Fail, "Fetch CORP compares bytes"},
	}
	for _, tt := range tests {
		f := one(t, tt.name, tt.rule, tt.in)
		if f.Severity != tt.want {
			t.Errorf("%s %v: %v (%s), want %v (%s)", tt.name, tt.in.Header, f.Severity, f.Message, tt.want, tt.why)
		}
	}
}

func TestReferrerParse(t *testing.T) {
	tests := []struct {
		values []string
		want   string
		why    string
	}{
		{[]string{"no-referrer, unsafe-url"}, "unsafe-url", "last recognised wins"},
		{[]string{"unsafe-url, no-referrer"}, "no-referrer", "last recognised wins"},
		{[]string{"no-referrer, foo"}, "no-referrer", "unknown tokens skipped"},
		{[]string{"foo", ""}, "", "nothing recognised"},
		{[]string{" Same-Origin "}, "same-origin", "whitespace trimmed, case-insensitive as browsers"},
	}
	for _, tt := range tests {
		if got := ParseReferrerPolicy(tt.values); got != tt.want {
			t.Errorf("ParseReferrerPolicy(%q) = %q, want %q (%s)", tt.values, got, tt.want, tt.why)
		}
	}
}

func TestPermissionsParse(t *testing.T) {
	got, err := ParsePermissionsPolicy([]string{`camera=(), geolocation=(self "https://a.example"), fullscreen=*`, "camera=(self)"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Feature{
		{Name: "camera", Allow: Allowlist{Self: true}},
		{Name: "geolocation", Allow: Allowlist{Self: true, Origins: []string{"https://a.example"}}},
		{Name: "fullscreen", Allow: Allowlist{All: true}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v (RFC 8941 §4.2.2: a repeated key keeps its place and takes the last value)", got, want)
	}
	for _, bad := range []string{"Camera=()", "camera=(", "camera=(),", `a="\x"`, "a=1.2345"} {
		if _, err := ParsePermissionsPolicy([]string{bad}); err == nil {
			t.Errorf("ParsePermissionsPolicy(%q) succeeded, want an error (RFC 8941 §4.2)", bad)
		}
	}
}

func TestDeprecatedAndFingerprint(t *testing.T) {
	in := Input{Header: h("X-XSS-Protection", "0", "Feature-Policy", "camera 'none'", "Server", "nginx/1.25.3", "X-Powered-By", "Express", "X-Runtime", "0.01")}
	fs := Judge(in, Expect{Rules: map[string]Rule{"x-xss-protection": {Want: "1; mode=block", Deprecated: true}}, Fingerprint: true})
	got := map[string]string{}
	for _, f := range fs {
		got[f.ID+"/"+f.Subject] = f.Reason + " " + f.Severity.String()
	}
	// One row per header: x-xss-protection passes, as the profile asks,
	// and says in the same row that browsers no longer use it.
	want := map[string]string{
		"x-xss-protection/":                "obsolete pass",
		"header.deprecated/feature-policy": "obsolete info",
		"header.fingerprint/server":        "server-version info",
		"header.fingerprint/x-powered-by":  "revealing-header info",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings %v, want %v (contract: deprecated passes with an info note; OWASP remove list)", got, want)
	}
	if fs := fingerprint(h("Server", "nginx")); len(fs) != 0 {
		t.Errorf("plain Server: nginx reveals no version, got %+v", fs)
	}
}

func TestValidate(t *testing.T) {
	bad := map[string]Expect{
		"header.rules.strict-transport-security": {Rules: map[string]Rule{"strict-transport-security": {}}},
		"header.rules.x-frame-options.want":      {Rules: map[string]Rule{"x-frame-options": {Want: "ALLOW-FROM x"}}},
		"header.rules.referrer-policy.missing":   {Rules: map[string]Rule{"referrer-policy": {Missing: "bad"}}},
		"header.rules.expect-ct.want":            {Rules: map[string]Rule{"expect-ct": {Want: "enforce"}}},
	}
	for field, e := range bad {
		if err := e.Validate(); err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("Validate() = %v, want an error naming %s", err, field)
		}
	}
	if err := pleromaGuide.Validate(); err != nil {
		t.Errorf("pleromaGuide.Validate() = %v", err)
	}
}

// pleromaGuide is the header part of Pleroma's "Hardening your instance".
var pleromaGuide = Expect{Rules: map[string]Rule{
	"x-xss-protection":                  {Want: "1; mode=block", Deprecated: true},
	"x-permitted-cross-domain-policies": {Want: "none"},
	"x-frame-options":                   {Want: "DENY"},
	"x-content-type-options":            {Want: "nosniff"},
	"x-download-options":                {Want: "noopen", Deprecated: true},
	"referrer-policy":                   {Want: "same-origin"},
	"expect-ct":                         {Want: "enforce, max-age=2592000", Deprecated: true, Missing: "info"},
}, Fingerprint: true}

func readHeader(t *testing.T, name string) http.Header {
	t.Helper()
	rec, err := replica.Response(name)
	if err != nil {
		t.Fatal(err)
	}
	return rec.Header
}

func TestRecordedResponses(t *testing.T) {
	tests := []struct {
		file      string
		exp       Expect
		worst     finding.Severity
		fails     []string
		ancestors bool
		why       string
	}{
		{"pleroma-2.7_default_GET-root.http", pleromaGuide, finding.Info, nil, true, "Pleroma 2.7 default meets the guide's headers (expect-ct absent: info)"},
		{"pleroma-2.7_hardened-sts_GET-root.http", pleromaGuide, finding.Pass, nil, true, "sts: true adds expect-ct, which passes as the guide asks, noting it is obsolete"},
		{"pleroma-2.7_insecure_http-security-disabled_GET-root.http", pleromaGuide, finding.Fail,
			[]string{"referrer-policy", "x-content-type-options", "x-frame-options", "x-permitted-cross-domain-policies", "x-download-options", "x-xss-protection"}, false,
			"http_security disabled: every header the guide asks for is missing"},
		{"akkoma-2025.10_default_GET-root.http", pleromaGuide, finding.Fail, []string{"x-download-options"}, true,
			"Akkoma drops x-download-options; its x-xss-protection: 0 passes"},
		{"mastodon-4.3_nginx_GET-root.http", Expect{Rules: map[string]Rule{
			"x-frame-options": {Want: "DENY"}, "x-content-type-options": {Want: "nosniff"},
			"x-xss-protection": {Want: "0", Missing: "pass"}, "referrer-policy": {Want: "same-origin"},
		}, Fingerprint: true}, finding.Pass, nil, true, "Mastodon 4.3 under a modern-like profile"},
	}
	for _, tt := range tests {
		fs := Judge(Input{Header: readHeader(t, tt.file), CSPFrameAncestors: tt.ancestors}, tt.exp)
		var fails []string
		for _, f := range fs {
			if f.Severity == finding.Fail {
				fails = append(fails, f.ID)
			}
		}
		worst, _ := finding.Worst(fs)
		if worst != tt.worst || len(fails) != len(tt.fails) {
			t.Errorf("%s: worst %v, fails %v; want %v, %v (%s)", tt.file, worst, fails, tt.worst, tt.fails, tt.why)
		}
	}
}

func FuzzReferrerPolicy(f *testing.F) {
	for _, s := range []string{"no-referrer, unsafe-url", "foo,,same-origin", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		p := ParseReferrerPolicy([]string{v})
		if p != "" && ParseReferrerPolicy([]string{p}) != p {
			t.Fatalf("policy %q from %q does not parse to itself", p, v)
		}
		_ = Judge(Input{Header: h("Referrer-Policy", v), MetaReferrer: []string{v}}, Expect{Rules: map[string]Rule{"referrer-policy": {Want: "same-origin"}}})
	})
}

func FuzzPermissionsPolicy(f *testing.F) {
	for _, s := range []string{"interest-cohort=()", `camera=(), geolocation=(self "https://a"), a=?0;x=:AQ==:, b=-1.5`, "a=(b c);d;e=1, f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, err := sf.ParseDictionary(v)
		if err != nil {
			return
		}
		s := sf.SerializeDictionary(d)
		d2, err := sf.ParseDictionary(s)
		if err != nil {
			t.Fatalf("%q parsed, but its serialization %q does not: %v", v, s, err)
		}
		if !reflect.DeepEqual(d, d2) {
			t.Fatalf("round trip of %q via %q: %+v != %+v", v, s, d, d2)
		}
		_, _ = ParsePermissionsPolicy([]string{v})
	})
}

func FuzzHeaders(f *testing.F) {
	f.Add("DENY, SAMEORIGIN", "1; mode=block")
	f.Add("enforce, max-age=1", "same-origin;x=1")
	f.Fuzz(func(t *testing.T, a, b string) {
		in := Input{Header: http.Header{}}
		for name := range kinds {
			in.Header.Add(name, a)
			in.Header.Add(name, b)
		}
		_ = Judge(in, Expect{Rules: map[string]Rule{"x-frame-options": {}, "x-content-type-options": {}, "x-xss-protection": {},
			"expect-ct": {}, "cross-origin-opener-policy": {}, "cross-origin-resource-policy": {}, "x-permitted-cross-domain-policies": {}}, Fingerprint: true})
	})
}

func TestHugeValues(t *testing.T) {
	// Bounded work: 100 KB values must not take quadratic time (BRIEF).
	big := "a=(" + strings.Repeat(`"https://x" `, 10000) + ");" + strings.Repeat("p;", 10000)
	if _, err := ParsePermissionsPolicy([]string{big[:len(big)-1]}); err != nil {
		t.Fatal(err)
	}
	in := Input{Header: h("Referrer-Policy", strings.Repeat("foo,", 30000), "X-Frame-Options", strings.Repeat("deny,", 30000))}
	_ = Judge(in, pleromaGuide)
}

// ALLOW-FROM names the origins the admin meant to let frame the page; the
// fix's frame-ancestors must name them too, or it locks the partner out.
func TestAllowFromKeepsItsOrigins(t *testing.T) {
	in := Input{Header: h("X-Frame-Options", "ALLOW-FROM https://partner.example")}
	for _, f := range Judge(in, Expect{Rules: map[string]Rule{"x-frame-options": {Want: "DENY"}}}) {
		if f.ID != "x-frame-options" {
			continue
		}
		if f.Reason != "allow-from" || f.Vars["origin"] != "https://partner.example" {
			t.Errorf("reason %q, origin %q; want allow-from and https://partner.example", f.Reason, f.Vars["origin"])
		}
		return
	}
	t.Error("no x-frame-options finding")
}

// A header built by hand may spell names in any case; the judges read it
// as net/http would have canonicalised it.
func TestHeaderNameSpelling(t *testing.T) {
	tests := []struct {
		name   string
		header http.Header
		want   string // x-frame-options' actual value
	}{
		{"canonical", http.Header{"X-Frame-Options": {"DENY"}}, "DENY"},
		{"lower case", http.Header{"x-frame-options": {"DENY"}}, "DENY"},
		{"two odd spellings join in sorted order", http.Header{"x-frame-options": {"DENY"}, "X-FRAME-OPTIONS": {"SAMEORIGIN"}}, "SAMEORIGIN, DENY"},
		{"the canonical name wins", http.Header{"X-Frame-Options": {"DENY"}, "x-frame-options": {"SAMEORIGIN"}}, "DENY"},
		{"absent", http.Header{"X-Content-Type-Options": {"nosniff"}}, "(absent)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, f := range Judge(Input{Header: tc.header}, Expect{Rules: map[string]Rule{"x-frame-options": {Want: "DENY"}}}) {
				if f.ID == "x-frame-options" {
					if f.Actual != tc.want {
						t.Errorf("actual %q, want %q", f.Actual, tc.want)
					}
					return
				}
			}
			t.Error("no x-frame-options finding")
		})
	}
}
