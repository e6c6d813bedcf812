package csp

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseList(t *testing.T) {
	tests := []struct {
		in       string
		want     string // FormatList of the result
		problems int
		why      string
	}{
		{"default-src 'none'", "default-src 'none'", 0, "CSP3 §2.2.1 a single directive"},
		{"  Script-SRC 'self'  ;; ;img-src *  ", "script-src 'self'; img-src *", 0, "CSP3 §2.2.1 trim, skip empty, lowercase the name"},
		{"script-src 'self'; SCRIPT-src *", "script-src 'self'", 1, "CSP3 §2.2.1 step 5: the first of a repeated directive wins"},
		{"a, b ,, c", "a, b, c", 3, "CSP3 §2.2.2 split on ',' and drop empty policies (a, b, c are unknown)"},
		{"img-src h\u00e9llo.example; img-src *", "img-src *", 1, "CSP3 §2.2.1 step 2: a non-ASCII directive is skipped"},
		{"upgrade-insecure-requests 1", "upgrade-insecure-requests 1", 1, "UIR takes no value"},
		{"script-src\t'self'\f'unsafe-eval'", "script-src 'self' 'unsafe-eval'", 0, "Infra: tab and form feed are ASCII whitespace"},
		{"script-src\v'self'", "script-src\v'self'", 1, "Infra: vertical tab is not ASCII whitespace, so it is part of the name"},
		{"", "", 0, "empty value, no policy"},
	}
	for _, tc := range tests {
		ps := ParseList(tc.in)
		if got := FormatList(ps); got != tc.want {
			t.Errorf("ParseList(%q) = %q, want %q (%s)", tc.in, got, tc.want, tc.why)
		}
		n := 0
		for _, p := range ps {
			n += len(p.Problems)
		}
		if n != tc.problems {
			t.Errorf("ParseList(%q): %d problems, want %d (%s)", tc.in, n, tc.problems, tc.why)
		}
	}
}

func TestParseSource(t *testing.T) {
	tests := []struct {
		in   string
		want Source
		why  string
	}{
		{"'SELF'", Source{Kind: KindKeyword, Keyword: "'self'"}, "CSP3 §2.3.1: ABNF keywords are case-insensitive"},
		{"'nonce-ab+/_-=='", Source{Kind: KindNonce, Value: "ab+/_-=="}, "CSP3 §2.3.1 base64-value allows +/-_ and two ="},
		{"'nonce-a==='", Source{Problem: "unknown keyword"}, "CSP3 §2.3.1: at most two ="},
		{"'SHA256-abc='", Source{Kind: KindHash, Alg: "sha256", Value: "abc="}, "CSP3 §2.3.1 hash-algorithm, case-insensitive"},
		{"'sha1-abc'", Source{Problem: "unknown keyword"}, "CSP3 §2.3.1: only sha256/384/512"},
		{"'unsafe_inline'", Source{Problem: "unknown keyword"}, "CSP Evaluator: misspelt keyword"},
		{"self", Source{Problem: "keyword without quotes: write 'self'"}, "CSP Evaluator: keyword without quotes"},
		{"HTTPS:", Source{Kind: KindScheme, Scheme: "https"}, "CSP3 §2.3.1 scheme-source"},
		{"*", Source{Kind: KindHost, Host: "*"}, "CSP3 §2.3.1 host-part *"},
		{"*.Example.com:*", Source{Kind: KindHost, Host: "*.example.com", Port: "*"}, "CSP3 §2.3.1 wildcard host and port"},
		{"https://cdn.example.com:8443/js/", Source{Kind: KindHost, Scheme: "https", Host: "cdn.example.com", Port: "8443", Path: "/js/"}, "CSP3 §2.3.1 host-source with all parts"},
		{"wss://example.tld", Source{Kind: KindHost, Scheme: "wss", Host: "example.tld"}, "CSP3 §2.3.1 any scheme"},
		{"example.com.", Source{Kind: KindHost, Host: "example.com."}, "CSP3 §2.3.1 trailing dot"},
		{"exa_mple.com", Source{Problem: "not a valid source expression"}, "CSP3 §2.3.1 host-char has no _"},
		{"https://[::1]", Source{Problem: "not a valid source expression"}, "CSP3 §2.3.1: no IPv6 literals"},
		{"example.com:80x", Source{Problem: "not a valid source expression"}, "CSP3 §2.3.1 port-part is digits or *"},
		{"\"self\"", Source{Problem: "quotes must be ASCII single quotes around the whole keyword"}, "double quotes are not CSP"},
		{"*.*.example.com", Source{Problem: "not a valid source expression"}, "CSP3 §2.3.1: one leading wildcard only"},
	}
	for _, tc := range tests {
		got := ParseSource(tc.in)
		tc.want.Raw = tc.in
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseSource(%q) = %#v, want %#v (%s)", tc.in, got, tc.want, tc.why)
		}
		if got.String() != tc.in {
			t.Errorf("String() = %q, want %q", got.String(), tc.in)
		}
	}
}

func TestCovers(t *testing.T) {
	tests := []struct {
		set  string
		src  string
		want bool
		why  string
	}{
		{"https:", "https://example.tld", true, "CSP3 §6.7.2.9 scheme-part match"},
		{"http:", "https://example.tld", true, "CSP3 §6.7.2.9: http matches https"},
		{"https:", "http://example.tld", false, "CSP3 §6.7.2.9: not the other way"},
		{"*.example.com", "https://a.b.example.com", true, "CSP3 §6.7.2.8 wildcard matches any depth"},
		{"*.example.com", "example.com", false, "CSP3 §6.7.2.8 wildcard excludes the apex"},
		{"*.example.com", "*.a.example.com", true, "a narrower wildcard"},
		{"'self'", "https://example.tld", true, "CSP3 §6.7.2.8 'self' is the origin"},
		{"https://example.tld", "'self'", true, "and the origin host source is 'self'"},
		{"'self'", "wss://example.tld", true, "CSP3 §6.7.2.8: 'self' matches wss of the host"},
		{"'self'", "https://example.tld:8443", false, "another port is another origin"},
		{"https://example.tld/js/", "https://example.tld/js/app.js", true, "CSP3 §6.7.2.10 path prefix"},
		{"https://example.tld/js", "https://example.tld/js/app.js", false, "CSP3 §6.7.2.10 exact path"},
		{"https://example.tld", "https://example.tld/js/", true, "no path allows every path"},
		{"*", "data:", false, "CSP3 §6.7.2.8: * does not match data:"},
		{"*", "https:", true, "CSP3 §6.7.2.8: * matches every https URL"},
		{"'unsafe-eval'", "'wasm-unsafe-eval'", true, "CSP3 §4.4: 'unsafe-eval' allows wasm too"},
		{"'nonce-a'", "'nonce-b'", true, "nonces are per response: any stands for any"},
		{"'sha256-a'", "'sha256-b'", false, "hashes are fixed values"},
		{"example.tld", "https://example.tld", true, "a scheme-less source takes the page's scheme"},
		{"example.tld", "http://example.tld", false, "on an https page, scheme-less means https only"},
	}
	for _, tc := range tests {
		var srcs []Source
		for _, f := range strings.Fields(tc.set) {
			srcs = append(srcs, ParseSource(f))
		}
		if got := newSet(srcs, origin).covers(ParseSource(tc.src)); got != tc.want {
			t.Errorf("%q covers %q = %v, want %v (%s)", tc.set, tc.src, got, tc.want, tc.why)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		exp   Expect
		field string // "" for valid
	}{
		{Expect{}, ""},
		{pleromaExpect, ""},
		{akkomaExpect, ""},
		{mastodonExpect, ""},
		{Expect{Directives: map[string][]string{"Script-src": {"'self'"}}}, "csp.directives.Script-src"},
		{Expect{Directives: map[string][]string{"scrpt-src": {"'self'"}}}, "csp.directives.scrpt-src"},
		{Expect{Directives: map[string][]string{"script-src": {"self"}}}, "csp.directives.script-src"},
		{Expect{Directives: map[string][]string{"script-src": {"https://{hots}"}}}, "csp.directives.script-src"},
		{Expect{Directives: map[string][]string{"script-src": {"'self' https:"}}}, "csp.directives.script-src"},
		{Expect{Directives: map[string][]string{"upgrade-insecure-requests": {"1"}}}, "csp.directives.upgrade-insecure-requests"},
		{Expect{Require: []string{"object-src", "nope"}}, "csp.require[1]"},
	}
	for _, tc := range tests {
		err := tc.exp.Validate()
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("Validate(%+v) = %v, want nil", tc.exp, err)
		case tc.field != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.field+": ")):
			t.Errorf("Validate(%+v) = %v, want an error naming %s", tc.exp, err, tc.field)
		}
	}
}

// TestHuge bounds the work on a 100 KB value in two policies.
func TestHuge(t *testing.T) {
	var b strings.Builder
	b.WriteString("default-src 'none'; base-uri 'none'; connect-src")
	for i := 0; b.Len() < 100_000; i++ {
		b.WriteString(" https://example.tld/p")
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteString("/")
		b.WriteString(string(rune('a' + i%26)))
	}
	v := b.String()
	start := time.Now()
	Judge(Input{Enforced: []string{v, v, strings.ReplaceAll(v, "https://example.tld", "*.example.tld")}, Origin: origin},
		Expect{Directives: map[string][]string{"connect-src": {"https://other.tld"}}})
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("judging 3 x 100 KB took %v", d)
	}
}

func FuzzParseList(f *testing.F) {
	for _, s := range []string{pleroma27, akkoma, mastodon, google, strict + ", script-src *",
		"script-src 'self' self 'unsafe_inline' 'nonce-a==' 'sha256-x' *.a.b:* https://x/y/ data:;;",
		"a\vb; \u00e9; sandbox allow-scripts, upgrade-insecure-requests"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ps := ParseList(s)
		again := ParseList(FormatList(ps))
		if len(ps) != len(again) {
			t.Fatalf("%d policies, %d after round trip", len(ps), len(again))
		}
		for i := range ps {
			if !reflect.DeepEqual(ps[i].Directives, again[i].Directives) {
				t.Fatalf("policy %d: %q != %q", i, ps[i].String(), again[i].String())
			}
		}
		Judge(Input{Enforced: []string{s}, Meta: []string{s}, ReportOnly: []string{s}, Origin: origin}, pleromaExpect)
	})
}
