package csp

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

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
		{"*.example.com", "*.example.com", true, "the same wildcard"},
		{"*.a.example.com", "*.example.com", false, "a wider wildcard"},
		{"*.example.com", "https://aexample.com", false, "a wildcard covers subdomains, not names ending alike"},
		{"example.com", "*.example.com", false, "a host does not cover its subdomains"},
		{"*", "*.example.com", true, "a lone * covers every host"},
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
	// Each set again with more sources than flatMax, that cover nothing
	// asked: small sets are scanned in place, big ones through the index,
	// and both must answer alike.
	var padding []Source
	for i := range flatMax + 1 {
		padding = append(padding, ParseSource(fmt.Sprintf("https://pad%d.invalid", i)))
	}
	for _, tc := range tests {
		var srcs []Source
		for _, f := range strings.Fields(tc.set) {
			srcs = append(srcs, ParseSource(f))
		}
		small := newSet(srcs, newPage(origin))
		big := newSet(append(append([]Source{}, padding...), srcs...), newPage(origin))
		if small.buckets != nil || big.buckets == nil {
			t.Fatalf("%q: the small set is indexed or the big one is not", tc.set)
		}
		if got := small.covers(ParseSource(tc.src)); got != tc.want {
			t.Errorf("%q covers %q = %v, want %v (%s)", tc.set, tc.src, got, tc.want, tc.why)
		}
		if got := big.covers(ParseSource(tc.src)); got != tc.want {
			t.Errorf("%q and %d more covers %q = %v, want %v (%s)", tc.set, len(padding), tc.src, got, tc.want, tc.why)
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
