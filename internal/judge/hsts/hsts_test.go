package hsts

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/hardscan/hardscan/internal/parse/sts"
	"github.com/hardscan/hardscan/scan/finding"
)

func TestParse(t *testing.T) {
	tests := []struct {
		value   string
		want    sts.Policy
		invalid bool
		why     string
	}{
		{value: "max-age=31536000; includeSubDomains", want: sts.Policy{MaxAge: 31536000, IncludeSubDomains: true},
			why: "Pleroma's sts: true value (recorded)"},
		{value: `max-age="31536000"`, want: sts.Policy{MaxAge: 31536000},
			why: "RFC 6797 §6.1: a value may be a quoted-string; MDN reads it as six months"},
		{value: "max-age=abc", invalid: true,
			why: "RFC 6797 §6.1.1: delta-seconds is 1*DIGIT; MDN Observatory passes it"},
		{value: "max-age=-1", invalid: true, why: "RFC 6797 §6.1.1: no sign in delta-seconds"},
		{value: "max-age=1; max-age=2", invalid: true, why: "RFC 6797 §6.1: each directive at most once"},
		{value: "max-age=1; includeSubDomains; INCLUDESUBDOMAINS", invalid: true,
			why: "RFC 6797 §6.1: names are case-insensitive, so this repeats a directive"},
		{value: "includeSubDomains", invalid: true, why: "RFC 6797 §6.1.1: max-age is required"},
		{value: "", invalid: true, why: "RFC 6797 §6.1.1: max-age is required"},
		{value: "MAX-AGE=10;INCLUDESUBDOMAINS", want: sts.Policy{MaxAge: 10, IncludeSubDomains: true},
			why: "RFC 6797 §6.1: directive names are case-insensitive"},
		{value: " max-age = 600 ; ; preload ;", want: sts.Policy{MaxAge: 600, Preload: true},
			why: "RFC 6797 §6.1: implied LWS and empty directives are allowed"},
		{value: "max-age=600; foo=bar; baz", want: sts.Policy{MaxAge: 600, Unknown: []sts.Directive{
			{Name: "foo", Value: "bar", HasValue: true}, {Name: "baz"}}},
			why: "RFC 6797 §6.1: unknown directives are ignored, not errors"},
		{value: "max-age=99999999999999999999999", want: sts.Policy{MaxAge: math.MaxInt64},
			why: "RFC 6797 §6.1.1 asks UAs to cope with huge values: clamp, never overflow"},
		{value: "max-age=600 includeSubDomains", invalid: true,
			why: "RFC 6797 §6.1: directives must be separated by ';'"},
		{value: `max-age="600`, invalid: true, why: "RFC 9110 §5.6.4: unterminated quoted-string"},
		{value: "max-age=", invalid: true, why: "RFC 6797 §6.1: a value after '=' is a token or quoted-string"},
		{value: "max-age=600; includeSubDomains=yes", invalid: true,
			why: "RFC 6797 §6.1.2: includeSubDomains has no value"},
		{value: "max-age=0", want: sts.Policy{MaxAge: 0}, why: "RFC 6797 §6.1.1: max-age=0 parses (it means forget)"},
		{value: `max-age=5; x="a\"b"`, want: sts.Policy{MaxAge: 5, Unknown: []sts.Directive{{Name: "x", Value: `a"b`, HasValue: true, Quoted: true}}},
			why: "RFC 9110 §5.6.4: quoted-pair in a quoted-string"},
	}
	for _, tt := range tests {
		got, err := sts.Parse(tt.value)
		if tt.invalid {
			if err == nil {
				t.Errorf("sts.Parse(%q) = %+v, want an error (%s)", tt.value, got, tt.why)
			}
			continue
		}
		if err != nil {
			t.Errorf("sts.Parse(%q): %v (%s)", tt.value, err, tt.why)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("sts.Parse(%q) = %+v, want %+v (%s)", tt.value, got, tt.want, tt.why)
		}
	}
}

func TestParseHugeValue(t *testing.T) {
	v := "max-age=1" + strings.Repeat("; x", 10000)
	if _, err := sts.Parse(v); err != nil {
		t.Errorf("a repeated unknown directive is skipped by browsers, not an error: %v", err)
	}
	if ns := Notes(v); len(ns) != 1 || !strings.Contains(ns[0].Message, "x appears 10000 times") {
		t.Errorf("Notes = %+v, want one naming x and its 10000 copies", ns)
	}
}

// verdict is what a user checks of a finding.
type verdict struct {
	id, subject, reason string
	severity            finding.Severity
}

func verdicts(fs []finding.Finding) []verdict {
	var out []verdict
	for _, f := range fs {
		out = append(out, verdict{f.ID, f.Subject, f.Reason, f.Severity})
	}
	return out
}

// TestJudgeVerdicts keys on id, subject, reason and severity. Repeats:
// Chromium's and Firefox's parsers refuse a value that repeats max-age or
// includeSubDomains and skip any other directive however often it comes,
// so only those two repeats void the policy.
func TestJudgeVerdicts(t *testing.T) {
	ok := verdict{ID, "", "ok", finding.Pass}
	tests := []struct {
		value string
		want  []verdict
		why   string
	}{
		{"preload; includeSubDomains; preload; max-age=31536000; preload",
			[]verdict{ok, {IDSyntax, "preload", ReasonRepeatedDirective, finding.Info}},
			"hstspreload's test value: browsers honour it, the repeats are a note"},
		{"max-age=31536000; includeSubDomains; foo; FOO=1",
			[]verdict{ok, {IDSyntax, "foo", ReasonRepeatedDirective, finding.Info}},
			"a repeated unknown directive is skipped, names compare case-insensitively"},
		{"max-age=31536000; includeSubDomains; includeSubDomains",
			[]verdict{{ID, "", ReasonInvalid, finding.Fail}},
			"Chromium and Firefox refuse a repeated includeSubDomains"},
		{"max-age=31536000; max-age=31536000; includeSubDomains",
			[]verdict{{ID, "", ReasonInvalid, finding.Fail}},
			"Chromium and Firefox refuse a repeated max-age, even with equal values"},
		{"; max-age=31536000; includeSubDomains",
			[]verdict{ok, {IDSyntax, "", ReasonEmptyDirective, finding.Info}},
			"RFC 6797 §6.1: a leading ';' is an empty directive the grammar allows"},
		{"max-age=31536000;; includeSubDomains;",
			[]verdict{ok, {IDSyntax, "", ReasonEmptyDirective, finding.Info}},
			"two stray ';' are one note"},
		{`max-age=31536000; includeSubDomains; x=";;"`,
			[]verdict{ok},
			"a ';' inside a quoted-string separates nothing"},
		{"max-age=31536000; includeSubDomains", []verdict{ok}, "a clean value has no note"},
	}
	for _, tt := range tests {
		got := verdicts(Judge([]string{tt.value}, guide))
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Judge(%q) = %+v, want %+v (%s)", tt.value, got, tt.want, tt.why)
		}
	}
}

var guide = Expect{Required: true, MinMaxAge: 31536000, IncludeSubDomains: true,
	Hint: "config :pleroma, :http_security, sts: true"}

func TestJudge(t *testing.T) {
	tests := []struct {
		values []string
		exp    Expect
		want   finding.Severity
		why    string
	}{
		{values: nil, exp: guide, want: finding.Fail, why: "Pleroma 2.7 default sends no HSTS (sts: false); the guide requires it"},
		{values: nil, exp: Expect{}, want: finding.Info, why: "zero Expect: HSTS not expected, absence is only noted"},
		{values: []string{"max-age=31536000; includeSubDomains"}, exp: guide, want: finding.Pass,
			why: "Pleroma 2.7 hardened-sts response meets the guide"},
		{values: []string{"max-age=63072000; includeSubDomains"}, exp: guide, want: finding.Pass,
			why: "contract: at least as strict passes; Mastodon's two years satisfies one year"},
		{values: []string{`max-age="31536000"; includeSubDomains`}, exp: guide, want: finding.Pass,
			why: "RFC 6797 §6.1: quoted-string value is valid"},
		{values: []string{"max-age=abc"}, exp: guide, want: finding.Fail,
			why: "RFC 6797 §6.1: invalid header ignored whole; MDN passes it as six months"},
		{values: []string{"max-age=0; includeSubDomains"}, exp: guide, want: finding.Fail,
			why: "RFC 6797 §6.1.1: max-age=0 makes the browser forget the host"},
		{values: []string{"max-age=15552000; includeSubDomains"}, exp: guide, want: finding.Fail,
			why: "below the profile's minimum; MDN passes six months"},
		{values: []string{"max-age=31536000"}, exp: guide, want: finding.Warn,
			why: "includeSubDomains required by the profile but absent"},
		{values: []string{"max-age=63072000; includeSubDomains", "max-age=63072000; includeSubDomains"}, exp: guide, want: finding.Warn,
			why: "RFC 6797 §8.1: only the first counts; Mastodon behind nginx adding it twice"},
		{values: []string{"max-age=abc", "max-age=63072000; includeSubDomains"}, exp: guide, want: finding.Fail,
			why: "RFC 6797 §8.1: the valid second header is never processed"},
		{values: []string{"max-age=1; max-age=31536000; includeSubDomains"}, exp: guide, want: finding.Fail,
			why: "RFC 6797 §6.1: repeated max-age makes the header invalid"},
	}
	for _, tt := range tests {
		fs := Judge(tt.values, tt.exp)
		if len(fs) < 1 || fs[0].ID != "hsts" || fs[0].Subject != "" {
			t.Fatalf("Judge(%q) = %+v, want one hsts finding", tt.values, fs)
		}
		if fs[0].Severity != tt.want {
			t.Errorf("Judge(%q) = %v (%s), want %v (%s)", tt.values, fs[0].Severity, fs[0].Message, tt.want, tt.why)
		}
	}
}

func TestJudgeMessages(t *testing.T) {
	f := Judge(nil, guide)[0]
	if f.Reason != ReasonAbsent || f.Vars["value"] != "max-age=31536000; includeSubDomains" {
		t.Errorf("a missing header: reason %q, fix value %q; want absent and the value to send", f.Reason, f.Vars["value"])
	}
	f = Judge([]string{"max-age=63072000; includeSubDomains", "max-age=63072000; includeSubDomains"}, guide)[0]
	if f.Reason != ReasonDuplicate || !strings.Contains(f.Message, "2 Strict-Transport-Security headers") {
		t.Errorf("duplicate headers: reason %q, message %q; want duplicate, saying there are two", f.Reason, f.Message)
	}
	for v, reason := range map[string]string{
		"max-age=0":                           ReasonMaxAgeZero,
		"max-age=60":                          ReasonMaxAgeShort,
		"max-age=31536000":                    ReasonNoSubDomains,
		"max-age=x":                           ReasonInvalid,
		"max-age=63072000; includeSubDomains": "ok",
	} {
		if got := Judge([]string{v}, guide)[0].Reason; got != reason {
			t.Errorf("Judge(%q).Reason = %q, want %q", v, got, reason)
		}
	}
}

func TestExpectValidate(t *testing.T) {
	if err := (Expect{MinMaxAge: -1}).Validate(); err == nil || !strings.Contains(err.Error(), "hsts.min_max_age") {
		t.Errorf("Validate of negative min_max_age = %v, want an error naming the field", err)
	}
	if err := guide.Validate(); err != nil {
		t.Errorf("guide.Validate() = %v", err)
	}
}

func TestPreload(t *testing.T) {
	good := []string{"http://example.tld/", "https://example.tld/"}
	tests := []struct {
		in       PreloadInput
		want     finding.Severity
		contains string
		why      string
	}{
		{in: PreloadInput{FirstHTTPSValues: []string{"max-age=63072000; includeSubDomains; preload"}, HTTPHops: good, Host: "example.tld"},
			want: finding.Pass, why: "Akkoma's HSTS meets every hstspreload rule"},
		{in: PreloadInput{FirstHTTPSValues: []string{"max-age=31536000; includeSubDomains"}, HTTPHops: good, Host: "example.tld"},
			want: finding.Info, contains: "preload is missing", why: "hstspreload: preload directive required"},
		{in: PreloadInput{FirstHTTPSValues: []string{"max-age=15552000; preload"}, HTTPHops: good, Host: "example.tld"},
			want: finding.Info, contains: "includeSubDomains", why: "Misskey's value: hstspreload needs a year and includeSubDomains"},
		{in: PreloadInput{FirstHTTPSValues: []string{`max-age="31536000"; includeSubDomains; preload`}, HTTPHops: good, Host: "example.tld"},
			want: finding.Info, contains: "unquoted", why: "hstspreload: max-age must be unquoted digits"},
		{in: PreloadInput{FirstHTTPSValues: []string{"max-age=031536000; includeSubDomains; preload"}, HTTPHops: good, Host: "example.tld"},
			want: finding.Pass, contains: "leading zeros", why: "hstspreload: leading zeros are a warning only"},
		{in: PreloadInput{FirstHTTPSValues: []string{"max-age=999999999; includeSubDomains; preload; foo"}, HTTPHops: good, Host: "example.tld"},
			want: finding.Pass, contains: "over 10 years", why: "hstspreload: over 10 years and unknown directives are warnings"},
		{in: PreloadInput{FirstHTTPSValues: []string{"max-age=63072000; includeSubDomains; preload", "max-age=63072000; includeSubDomains; preload"}, HTTPHops: good, Host: "example.tld"},
			want: finding.Info, contains: "exactly one", why: "hstspreload: exactly one header"},
		{in: PreloadInput{FirstHTTPSValues: []string{"max-age=63072000; includeSubDomains; preload"}, HTTPHops: []string{"http://example.tld/", "http://www.example.tld/", "https://www.example.tld/"}, Host: "example.tld"},
			want: finding.Info, contains: "first redirect", why: "hstspreload: HTTP must first redirect to https on the same host"},
		{in: PreloadInput{FirstHTTPSValues: []string{"max-age=63072000; includeSubDomains; preload"}, HTTPHops: []string{"http://example.tld/", "/login"}, Host: "example.tld"},
			want: finding.Info, contains: "first redirect", why: "a relative Location stays on http://"},
		{in: PreloadInput{FirstHTTPSValues: []string{"max-age=63072000; includeSubDomains; preload"}, HTTPHops: []string{"http://example.tld/"}, Host: "example.tld"},
			want: finding.Info, contains: "does not redirect", why: "hstspreload: HTTP must redirect"},
		{in: PreloadInput{FirstHTTPSValues: []string{"max-age=63072000; includeSubDomains; preload"}, Host: "example.tld"},
			want: finding.Pass, contains: "not reachable", why: "hstspreload: no port 80 is only a warning"},
	}
	for _, tt := range tests {
		f := Preload(tt.in)
		if f.ID != "hsts.preload" || f.Severity != tt.want {
			t.Errorf("Preload(%+v) = %s %v (%s), want %v (%s)", tt.in, f.ID, f.Severity, f.Message, tt.want, tt.why)
		}
		if tt.contains != "" && !strings.Contains(f.Message, tt.contains) {
			t.Errorf("Preload(%+v) message %q lacks %q (%s)", tt.in, f.Message, tt.contains, tt.why)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"max-age=31536000; includeSubDomains", `max-age="1"; x="a\"b"`, "max-age=0;;preload", "max-age=abc", "max-age=99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		p, err := sts.Parse(v)
		if err != nil {
			return
		}
		s := p.String()
		q, err := sts.Parse(s)
		if err != nil {
			t.Fatalf("sts.Parse(%q) ok, but sts.Parse(String() = %q): %v", v, s, err)
		}
		if !reflect.DeepEqual(p, q) {
			t.Fatalf("round trip of %q via %q: %+v != %+v", v, s, p, q)
		}
		_ = Judge([]string{v}, guide)
		_ = Preload(PreloadInput{FirstHTTPSValues: []string{v}})
	})
}

// TestRecorded uses the Strict-Transport-Security values of the recorded
// responses (shared/reference/responses) under the Pleroma guide.
func TestRecorded(t *testing.T) {
	tests := []struct {
		file   string
		values []string
		want   finding.Severity
	}{
		{"pleroma-2.7_default_GET-root.http", nil, finding.Fail},
		{"pleroma-2.7_hardened-sts_GET-root.http", []string{"max-age=31536000; includeSubDomains"}, finding.Pass},
		{"mastodon-4.3_nginx_GET-root.http", []string{"max-age=63072000; includeSubDomains"}, finding.Pass},
		{"akkoma-2025.10 (hsts on)", []string{"max-age=63072000; includeSubDomains; preload"}, finding.Pass},
	}
	for _, tt := range tests {
		f := Judge(tt.values, guide)[0]
		if f.Severity != tt.want {
			t.Errorf("%s: %v (%s), want %v", tt.file, f.Severity, f.Message, tt.want)
		}
		if f.Severity == finding.Fail && f.Reason != ReasonAbsent {
			t.Errorf("%s: reason %q, want absent", tt.file, f.Reason)
		}
	}
}
