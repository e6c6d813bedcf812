package csp

import (
	"reflect"
	"sort"
	"testing"
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

func TestDirectiveTables(t *testing.T) {
	tests := []struct {
		name                             string
		known, deprecated, sources, bare bool
	}{
		{"script-src", true, false, true, false},
		{"sandbox", true, false, false, false},
		{"upgrade-insecure-requests", true, false, false, true},
		{"block-all-mixed-content", false, true, false, true},
		{"prefetch-src", false, true, true, false},
		{"report-uri", true, false, false, false},
		{"scrpt-src", false, false, false, false},
	}
	for _, tc := range tests {
		if got := Known(tc.name); got != tc.known {
			t.Errorf("Known(%q) = %v", tc.name, got)
		}
		if got := Deprecated(tc.name); got != tc.deprecated {
			t.Errorf("Deprecated(%q) = %v", tc.name, got)
		}
		if got := TakesSourceList(tc.name); got != tc.sources {
			t.Errorf("TakesSourceList(%q) = %v", tc.name, got)
		}
		if got := Valueless(tc.name); got != tc.bare {
			t.Errorf("Valueless(%q) = %v", tc.name, got)
		}
	}
	if names := KnownNames(); len(names) != len(known) || !sort.StringsAreSorted(names) {
		t.Errorf("KnownNames() = %v, want the %d known directives sorted", names, len(known))
	}
}
