package cookie

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hardscan/hardscan/internal/parse/setcookie"
	"github.com/hardscan/hardscan/scan/finding"
)

func TestParse(t *testing.T) {
	tests := []struct {
		line    string
		want    setcookie.Cookie
		invalid bool
		why     string
	}{
		{line: "__Host-pleroma_key=abc; path=/; secure; HttpOnly; SameSite=Lax",
			want: setcookie.Cookie{Name: "__Host-pleroma_key", Value: "abc", Path: "/", HasPath: true, Secure: true, HTTPOnly: true, SameSite: "Lax"},
			why:  "Pleroma's session cookie (recorded)"},
		{line: "a=b; SECURE; HTTPONLY; samesite=STRICT", want: setcookie.Cookie{Name: "a", Value: "b", Secure: true, HTTPOnly: true, SameSite: "Strict"},
			why: "RFC 6265bis §5.6: attribute names and SameSite values are case-insensitive"},
		{line: "token=secure; Path=/", want: setcookie.Cookie{Name: "token", Value: "secure", Path: "/", HasPath: true},
			why: "secure inside the value is not the attribute; testssl.sh and nmap count it by substring"},
		{line: "a=b; Path=/x; Path=/", want: setcookie.Cookie{Name: "a", Value: "b", Path: "/", HasPath: true},
			why: "RFC 6265bis §5.7: the last attribute wins"},
		{line: "a=b; Path=/; Path=x", want: setcookie.Cookie{Name: "a", Value: "b", Path: "", HasPath: true},
			why: "RFC 6265bis §5.6.4: a Path not starting with / means the default path"},
		{line: "a=b; Domain=.Example.TLD", want: setcookie.Cookie{Name: "a", Value: "b", Domain: "example.tld", HasDomain: true},
			why: "RFC 6265bis §5.6.3: leading dot stripped, lower-cased"},
		{line: "a=b; Domain=", want: setcookie.Cookie{Name: "a", Value: "b"}, why: "RFC 6265bis §5.7 step 7: an empty Domain leaves the cookie host-only"},
		{line: "a=b; Domain=example.tld; Domain=", want: setcookie.Cookie{Name: "a", Value: "b"}, why: "RFC 6265bis §5.7 step 7: the last Domain counts, empty too (Chromium 156: host-only)"},
		{line: "a=b; SameSite=Lax; SameSite=bogus", want: setcookie.Cookie{Name: "a", Value: "b"},
			why: "RFC 6265bis §5.6.7: an unknown SameSite value means no value"},
		{line: "justvalue", want: setcookie.Cookie{Value: "justvalue"}, why: "RFC 6265bis §5.6 step 3: no '=' makes a nameless cookie"},
		{line: "=v", want: setcookie.Cookie{Value: "v"}, why: "RFC 6265bis §5.6: empty name, non-empty value"},
		{line: " n = v ; foo=bar; Max-Age=60", want: setcookie.Cookie{Name: "n", Value: "v", MaxAge: 60, HasMaxAge: true},
			why: "RFC 6265bis §5.6: WSP trimmed, unknown attributes ignored"},
		{line: "n=v; Max-Age=1x", want: setcookie.Cookie{Name: "n", Value: "v"}, why: "RFC 6265bis §5.6.2: a bad Max-Age is ignored"},
		{line: "n=v; Max-Age=-5; Partitioned", want: setcookie.Cookie{Name: "n", Value: "v", MaxAge: -5, HasMaxAge: true, Partitioned: true},
			why: "RFC 6265bis §5.6.2: negative Max-Age allowed (expire now)"},
		{line: "=", invalid: true, why: "RFC 6265bis §5.6: empty name and value ignore the line"},
		{line: "a=b\x01c", invalid: true, why: "RFC 6265bis §5.6 step 1: control characters ignore the line"},
		{line: "a=" + strings.Repeat("x", 5000), invalid: true, why: "RFC 6265bis §5.6: name+value over 4096 bytes"},
	}
	for _, tt := range tests {
		got, err := setcookie.Parse(tt.line)
		if tt.invalid {
			if err == nil {
				t.Errorf("setcookie.Parse(%q) = %+v, want an error (%s)", tt.line, got, tt.why)
			}
			continue
		}
		if err != nil {
			t.Errorf("setcookie.Parse(%q): %v (%s)", tt.line, err, tt.why)
			continue
		}
		tt.want.Raw = tt.line
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("setcookie.Parse(%q) =\n %+v, want\n %+v (%s)", tt.line, got, tt.want, tt.why)
		}
	}
}

var pleroma = Expect{Names: []string{"__Host-pleroma_key", "pleroma_key"}, Prefix: "__Host-", SameSite: "Lax",
	Hint: "config :pleroma, Pleroma.Web.Endpoint, secure_cookie_flag: true"}

func seen(t *testing.T, line, setBy string) setcookie.Seen {
	t.Helper()
	c, err := setcookie.Parse(line)
	if err != nil {
		t.Fatalf("setcookie.Parse(%q): %v", line, err)
	}
	u, err := url.Parse(setBy)
	if err != nil {
		t.Fatal(err)
	}
	return setcookie.Seen{Cookie: c, SetBy: u}
}

type want struct {
	id, subject string
	sev         finding.Severity
}

func TestJudge(t *testing.T) {
	const https = "https://example.tld/web/getting-started"
	const plain = "http://example.tld/"
	tests := []struct {
		lines [][2]string // line, set-by URL
		exp   Expect
		want  []want // findings that must be present with this severity
		none  []string
		why   string
	}{
		{lines: [][2]string{{"__Host-pleroma_key=x; path=/; secure; HttpOnly; SameSite=Lax", https}}, exp: pleroma,
			want: []want{{"cookie.secure", "__Host-pleroma_key", finding.Pass}, {"cookie.httponly", "__Host-pleroma_key", finding.Pass},
				{"cookie.samesite", "__Host-pleroma_key", finding.Pass}, {"cookie.prefix", "__Host-pleroma_key", finding.Pass},
				{"cookie.domain", "__Host-pleroma_key", finding.Pass}},
			none: []string{"cookie.session", "cookie.rejected"},
			why:  "Pleroma 2.4/2.7 and Akkoma default session cookie: all pass"},
		{lines: [][2]string{{"pleroma_key=x; path=/; HttpOnly; SameSite=Lax", https}}, exp: pleroma,
			want: []want{{"cookie.secure", "pleroma_key", finding.Fail}, {"cookie.prefix", "pleroma_key", finding.Warn}},
			why:  "secure_cookie_flag: false (recorded 2.4 insecure response)"},
		{lines: [][2]string{{"__Host-pleroma_key=x; path=/; HttpOnly; SameSite=Lax", https}}, exp: pleroma,
			want: []want{{"cookie.rejected", "__Host-pleroma_key", finding.Fail}},
			why:  "RFC 6265bis §4.1.3.2: __Host- without Secure is rejected; MDN Observatory never judges it"},
		{lines: [][2]string{{"__Host-a=x; path=/; Secure; Domain=example.tld", https}},
			want: []want{{"cookie.rejected", "__Host-a", finding.Warn}}, none: []string{"cookie.prefix", "cookie.secure"}, why: "RFC 6265bis: __Host- with Domain is rejected"},
		{lines: [][2]string{{"__Host-a=x; Secure", https}},
			want: []want{{"cookie.rejected", "__Host-a", finding.Warn}}, why: "RFC 6265bis: __Host- needs Path=/"},
		{lines: [][2]string{{"__host-a=x; Secure; Path=/app", https}},
			want: []want{{"cookie.rejected", "__host-a", finding.Warn}}, why: "RFC 6265bis: prefixes match case-insensitively"},
		{lines: [][2]string{{"__Secure-a=x; Path=/", https}},
			want: []want{{"cookie.rejected", "__Secure-a", finding.Warn}}, none: []string{"cookie.secure"}, why: "RFC 6265bis §4.1.3.1: __Secure- without Secure is rejected"},
		{lines: [][2]string{{"__Secure-a=x; Secure; Domain=example.tld", https}}, none: []string{"cookie.prefix"},
			why: "RFC 6265bis: __Secure- allows Domain"},
		{lines: [][2]string{{"pleroma_key=x; path=/; HttpOnly; SameSite=Lax", plain}, {"__Host-pleroma_key=x; path=/; secure; HttpOnly; SameSite=Lax", https}}, exp: pleroma,
			want: []want{{"cookie.secure", "pleroma_key", finding.Fail}},
			why:  "a session cookie on the HTTP->HTTPS redirect travels in clear; MDN never judges redirect cookies"},
		{lines: [][2]string{{"pleroma_key=; path=/; Max-Age=0; expires=Thu, 01 Jan 1970 00:00:00 GMT", https}}, exp: pleroma,
			want: []want{{"cookie.session", "", finding.Info}}, none: []string{"cookie.secure", "cookie.httponly", "cookie.samesite", "cookie.prefix"},
			why: "RFC 6265bis §5.6.2: Max-Age=0 deletes the cookie (Plug's delete_resp_cookie on logout); nothing is stored to protect"},
		{lines: [][2]string{{"tracker=x; Path=/", plain}},
			want: []want{{"cookie.secure", "tracker", finding.Warn}}, why: "a non-session cookie over plain HTTP: warn"},
		{lines: [][2]string{{"a=x; Secure", plain}},
			want: []want{{"cookie.rejected", "a", finding.Warn}, {"cookie.secure", "a", finding.Warn}},
			why:  "RFC 6265bis §5.7: a Secure cookie from a non-secure origin is rejected, and its value went in clear"},
		{lines: [][2]string{{"lang=en; Path=/", https}},
			want: []want{{"cookie.secure", "lang", finding.Warn}}, none: []string{"cookie.httponly"},
			why: "every cookie on HTTPS should be Secure; a preference cookie may be script-readable"},
		{lines: [][2]string{{"PHPSESSID=x; Secure", https}},
			want: []want{{"cookie.httponly", "PHPSESSID", finding.Warn}}, why: "session-looking name without HttpOnly: warn"},
		{lines: [][2]string{{"XSRF-TOKEN=x; Secure", https}}, none: []string{"cookie.httponly"},
			why: "double-submit CSRF cookies must be script-readable"},
		{lines: [][2]string{{"__Host-pleroma_key=x; path=/; secure; SameSite=Lax", https}}, exp: pleroma,
			want: []want{{"cookie.httponly", "__Host-pleroma_key", finding.Fail}}, why: "session cookie without HttpOnly: fail"},
		{lines: [][2]string{{"a=x; SameSite=None", https}},
			want: []want{{"cookie.rejected", "a", finding.Warn}}, none: []string{"cookie.samesite", "cookie.secure"},
			why: "RFC 6265bis §5.7: SameSite=None without Secure is rejected; saying it would also be sent over HTTP contradicts that"},
		{lines: [][2]string{{"__Host-pleroma_key=x; path=/; secure; HttpOnly; SameSite=None", https}}, exp: pleroma,
			want: []want{{"cookie.samesite", "__Host-pleroma_key", finding.Warn}}, why: "weaker SameSite than the profile's Lax: warn"},
		{lines: [][2]string{{"__Host-pleroma_key=x; path=/; secure; HttpOnly", https}}, exp: pleroma,
			want: []want{{"cookie.samesite", "__Host-pleroma_key", finding.Warn}}, why: "absent SameSite: browsers differ, below Lax"},
		{lines: [][2]string{{"__Host-pleroma_key=x; path=/; secure; HttpOnly; SameSite=Strict", https}}, exp: pleroma,
			want: []want{{"cookie.samesite", "__Host-pleroma_key", finding.Pass}}, why: "Strict is at least as strict as Lax"},
		{lines: [][2]string{{"a=x; Secure; Domain=co.uk", "https://example.co.uk/"}},
			want: []want{{"cookie.rejected", "a", finding.Warn}}, none: []string{"cookie.domain"}, why: "RFC 6265bis §5.7: a public-suffix Domain is rejected"},
		{lines: [][2]string{{"a=x; Secure; Domain=other.tld", https}},
			want: []want{{"cookie.rejected", "a", finding.Warn}}, none: []string{"cookie.domain"}, why: "RFC 6265bis §5.7: a Domain that does not domain-match is rejected"},
		{lines: [][2]string{{"a=x; Secure; Domain=github.io", "https://github.io/"}}, none: []string{"cookie.domain"},
			why: "RFC 6265bis §5.7: a public suffix equal to the host is allowed"},
		{lines: [][2]string{{"gotosocial-example.tld=x; Secure; HttpOnly; Domain=example.tld; Path=/; SameSite=Lax", https}},
			exp:  Expect{Names: []string{"gotosocial-example.tld"}},
			want: []want{{"cookie.domain", "gotosocial-example.tld", finding.Warn}}, why: "GoToSocial's session cookie with Domain reaches subdomains"},
		{lines: nil, exp: pleroma, want: []want{{"cookie.session", "", finding.Info}},
			why: "Pleroma >= 2.5 sets no cookie on anonymous GETs"},
		{lines: [][2]string{{"=__Host-x", https}}, want: []want{{"cookie.rejected", "", finding.Warn}},
			why: "RFC 6265bis §5.7: nameless cookie whose value carries a prefix is rejected"},
		{lines: [][2]string{{"_mastodon_session=x; path=/; HttpOnly; SameSite=Lax; secure", "https://example.tld/auth/sign_in"}},
			exp:  Expect{Names: []string{"_mastodon_session"}, SameSite: "Lax"},
			want: []want{{"cookie.secure", "_mastodon_session", finding.Pass}, {"cookie.httponly", "_mastodon_session", finding.Pass}, {"cookie.samesite", "_mastodon_session", finding.Pass}},
			none: []string{"cookie.prefix"}, why: "Mastodon 4.3 recorded session cookie; no prefix expected"},
	}
	for _, tt := range tests {
		var ss []setcookie.Seen
		for _, l := range tt.lines {
			ss = append(ss, seen(t, l[0], l[1]))
		}
		fs := Judge(ss, tt.exp, testNow)
		got := map[string]finding.Finding{}
		for _, f := range fs {
			if _, dup := got[f.Key()]; dup {
				t.Errorf("%s: two findings for %s/%s", tt.why, f.ID, f.Subject)
			}
			got[f.Key()] = f
		}
		for _, w := range tt.want {
			f, ok := got[w.id+"\x00"+w.subject]
			if !ok {
				t.Errorf("%s: no %s/%s finding in %+v", tt.why, w.id, w.subject, fs)
			} else if f.Severity != w.sev {
				t.Errorf("%s: %s/%s = %v (%s), want %v", tt.why, w.id, w.subject, f.Severity, f.Message, w.sev)
			}
		}
		for _, id := range tt.none {
			for _, f := range fs {
				if f.ID == id {
					t.Errorf("%s: unexpected %+v", tt.why, f)
				}
			}
		}
	}
}

func TestJudgeRedirectNamesURL(t *testing.T) {
	ss := []setcookie.Seen{
		seen(t, "__Host-pleroma_key=x; path=/; secure; HttpOnly; SameSite=Lax", "https://example.tld/web/getting-started"),
		seen(t, "__Host-pleroma_key=y; path=/; HttpOnly; SameSite=Lax", "http://example.tld/"),
	}
	for _, f := range Judge(ss, pleroma, testNow) {
		if f.ID == IDSecure {
			if f.Severity != finding.Fail || !strings.Contains(f.Message, "http://example.tld/") {
				t.Errorf("cookie on the http:// redirect: %v %q, want fail naming http://example.tld/", f.Severity, f.Message)
			}
			return
		}
	}
	t.Error("no cookie.secure finding")
}

func TestExpectValidate(t *testing.T) {
	bad := map[string]Expect{
		"cookie.prefix":    {Prefix: "__host-"},
		"cookie.same_site": {SameSite: "None"},
		"cookie.names[1]":  {Names: []string{"ok", "a b"}},
	}
	for field, e := range bad {
		if err := e.Validate(); err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("Validate(%+v) = %v, want an error naming %s", e, err, field)
		}
	}
	if err := pleroma.Validate(); err != nil {
		t.Errorf("pleroma.Validate() = %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"__Host-pleroma_key=x; path=/; secure; HttpOnly; SameSite=Lax", "=v", "a=b; Domain=.x; Max-Age=-1", "a", "a=b;;;=;Path"} {
		f.Add(s)
	}
	u, _ := url.Parse("https://example.tld/")
	f.Fuzz(func(t *testing.T, line string) {
		c, err := setcookie.Parse(line)
		if err != nil {
			return
		}
		if c.Name == "" && c.Value == "" {
			t.Fatalf("setcookie.Parse(%q) accepted an empty cookie", line)
		}
		if c.Domain != strings.ToLower(c.Domain) || c.HasDomain != (c.Domain != "" || c.HasDomain) {
			t.Fatalf("setcookie.Parse(%q): Domain %q not normalised", line, c.Domain)
		}
		_ = Judge([]setcookie.Seen{{Cookie: c, SetBy: u}, {Cookie: c}}, pleroma, testNow)
	})
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"__Host-pleroma_key=SFMyNTY.g3QAAA; path=/; secure; HttpOnly": "__Host-pleroma_key=[redacted]; path=/; secure; HttpOnly",
		"sid=abc":                  "sid=[redacted]",
		"empty=; Max-Age=0":        "empty=; Max-Age=0", // a deletion carries no secret
		"novalue":                  "novalue",
		"a=b=c; Path=/; Secure":    "a=[redacted]; Path=/; Secure",
		" spaced = tok ; HttpOnly": " spaced =[redacted]; HttpOnly",
	} {
		if got := setcookie.Redact(in); got != want {
			t.Errorf("setcookie.Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

// testNow is the scan time of the tests: Expires dates compare against it.
var testNow = time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)

type verdict struct {
	id, subject, reason string
	severity            finding.Severity
}

// TestStorage keys on id, subject, reason and severity: the lines of one
// visit go through the RFC 6265bis §5.7 store in order, and only what it
// keeps is judged.
func TestStorage(t *testing.T) {
	const https, plain, login = "https://example.tld/", "http://example.tld/", "https://example.tld/auth/login"
	type line struct {
		raw, setBy string
		visit      int
	}
	tests := []struct {
		lines []line
		want  []verdict
		why   string
	}{
		{[]line{{"sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT", https, 0}},
			[]verdict{{IDStorage, "sid", "deleted", finding.Info}},
			"Express's res.clearCookie: an Expires in the past stores nothing, so no Secure or HttpOnly to judge"},
		{[]line{{"sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT", plain, 0}},
			[]verdict{{IDStorage, "sid", "deleted", finding.Info}},
			"a deletion over plain HTTP carries no value: nothing crossed in clear"},
		{[]line{{"sid=; Max-Age=-1", https, 0}},
			[]verdict{{IDStorage, "sid", "deleted", finding.Info}},
			"RFC 6265bis §5.6.2: a negative Max-Age deletes"},
		{[]line{{"sid=x; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; HttpOnly", https, 0}},
			[]verdict{},
			"RFC 6265bis §5.7: Max-Age wins over Expires, so the cookie is stored (no pass for a non-session cookie)"},
		{[]line{{"sid=x; Expires=Fri, 07 Aug 2099 08:04:19 GMT", https, 0}},
			[]verdict{{IDSecure, "sid", "no-secure", finding.Warn}, {IDHTTPOnly, "sid", "no-httponly", finding.Warn}},
			"an Expires in the future stores the cookie"},
		{[]line{{"sid=x; Expires=not a date", https, 0}},
			[]verdict{{IDSecure, "sid", "no-secure", finding.Warn}, {IDHTTPOnly, "sid", "no-httponly", finding.Warn}},
			"RFC 6265bis §5.6.1: an Expires that is no cookie-date is ignored: a session cookie"},
		{[]line{{"sid=a; Path=/", https, 0}, {"sid=b; Path=/; Secure; HttpOnly", https, 0}},
			[]verdict{{IDStorage, "sid", "replaced", finding.Info}},
			"RFC 6265bis §5.7: the second line of the same name, domain and path replaces the first; the kept one is fine"},
		{[]line{{"sid=a; Path=/; Secure; HttpOnly", https, 0}, {"sid=b; Path=/", https, 0}},
			[]verdict{{IDStorage, "sid", "replaced", finding.Info}, {IDSecure, "sid", "no-secure", finding.Warn}, {IDHTTPOnly, "sid", "no-httponly", finding.Warn}},
			"the weaker later line is what the browser keeps"},
		{[]line{{"sid=a; Path=/; Secure; HttpOnly", https, 0}, {"sid=; Path=/; Max-Age=0", https, 0}},
			[]verdict{{IDStorage, "sid", "deleted", finding.Info}},
			"set then deleted in one response: nothing is stored"},
		{[]line{{"sid=a; Path=/", plain, 0}, {"sid=b; Path=/; Secure; HttpOnly", https, 0}},
			[]verdict{{IDStorage, "sid", "replaced", finding.Info}, {IDSecure, "sid", "set-over-http", finding.Warn}},
			"replaced on the next hop, but its value crossed the network in clear first"},
		{[]line{{"sid=a; Path=/app", https, 0}, {"sid=b; Path=/; Secure; HttpOnly", https, 0}},
			[]verdict{{IDSecure, "sid", "no-secure", finding.Warn}, {IDHTTPOnly, "sid", "no-httponly", finding.Warn}},
			"RFC 6265bis §5.7: another path is another cookie; both are kept, the worse is reported"},
		{[]line{{"sid=a; Path=/", https, 1}, {"sid=; Path=/; Max-Age=0", https, 2}},
			[]verdict{{IDSecure, "sid", "no-secure", finding.Warn}, {IDHTTPOnly, "sid", "no-httponly", finding.Warn}, {IDStorage, "sid", "deleted", finding.Info}},
			"separate visits keep separate stores: a deletion on another page does not excuse the cookie"},
		{[]line{{"sid=a", login, 0}, {"sid=b; Path=/auth; Secure; HttpOnly", https, 0}},
			[]verdict{{IDStorage, "sid", "replaced", finding.Info}},
			"RFC 6265bis §5.1.4: the default path of /auth/login is /auth, the same path"},
		{[]line{{"__Host-sid=; Path=/; Max-Age=0", https, 0}},
			[]verdict{{IDRejected, "__Host-sid", "prefix-rules", finding.Warn}},
			"a deletion that breaks the __Host- rules is rejected itself, so the stored cookie survives the logout"},
	}
	for _, tt := range tests {
		var ss []setcookie.Seen
		for _, l := range tt.lines {
			s := seen(t, l.raw, l.setBy)
			s.Visit = l.visit
			ss = append(ss, s)
		}
		got := []verdict{}
		for _, f := range Judge(ss, Expect{}, testNow) {
			got = append(got, verdict{f.ID, f.Subject, f.Reason, f.Severity})
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.why, got, tt.want)
		}
	}
}

// TestParseDate checks the cookie-date algorithm of RFC 6265bis §5.1.1.
func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"Thu, 01 Jan 1970 00:00:00 GMT":     "1970-01-01T00:00:00Z",
		"Wednesday, 01-Jan-10 00:00:00 GMT": "2010-01-01T00:00:00Z",
		"Mon Dec 10 16:32:30 2007 GMT":      "2007-12-10T16:32:30Z",
		"Fri, 31 Feb 2020 00:00:00 GMT":     "",
		"Sat, 01 Jan 1600 00:00:00 GMT":     "",
		"01 Jan 2020 24:00:00":              "",
		"1 jAN 2020 1:2:3xyz":               "2020-01-01T01:02:03Z",
		"Tue, 18 Oct 2011 07:42:42.123 GMT": "2011-10-18T07:42:42Z",
	} {
		got, ok := setcookie.ParseDate(in)
		s := ""
		if ok {
			s = got.Format(time.RFC3339)
		}
		if s != want {
			t.Errorf("parseDate(%q) = %q, want %q", in, s, want)
		}
	}
}
