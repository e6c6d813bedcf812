package cookie

import (
	"net/url"
	"strings"
	"testing"
)

// wptCookieRows: github.com/web-platform-tests/wpt cookies/attributes/
// expires.html, max-age.html, invalid.html, cookies/encoding/charset.html
// cookies/value/value.html and cookies/size/name-and-value.html: the Set-Cookie lines cookie.py sends, in
// order, and document.cookie afterwards, read at the default path
// (/cookies/resources) or, for rows that set Path=/, at the test page.
var wptCookieRows = []struct {
	file     string
	set      []string
	want     string
	rootPath bool // the test reads document.cookie on its own page (defaultPath false)
}{
	{"expires", []string{"test=1; Expires=Fri, 01 Jan 2038 00:00:00 GMT"}, "test=1", false},
	{"expires", []string{"test=2; Expires=Fri 01 Jan 2038 00:00:00 GMT, baz=qux"}, "test=2", false},
	{"expires", []string{"test=3; Expires=Fri, 01 Jan 2038 00:00:00 GMT"}, "test=3", false},
	{"expires", []string{"test=expired; Expires=Fri, 07 Aug 2007 08:04:19 GMT", "test=4; Expires=Fri, 07 Aug 2027 08:04:19 GMT"}, "test=4", false},
	{"expires", []string{"test=5; expires=Thu, 10 Apr 1980 16:33:12 GMT"}, "", false},
	{"max-age", []string{"test=1; Max-Age=50,399"}, "test=1", false},
	{"max-age", []string{"test=2; max-age=10000"}, "test=2", false},
	{"max-age", []string{"test=3; max-age=0"}, "", false},
	{"max-age", []string{"test=4; max-age=-1"}, "", false},
	{"max-age", []string{"test=5; max-age=-20"}, "", false},
	{"max-age", []string{"testA=6; max-age=60", "testB=6; max-age=60"}, "testA=6; testB=6", false},
	{"max-age", []string{"testA=7; max-age=60", "testB=7; max-age=60", "testA=differentvalue; max-age=0"}, "testB=7", false},
	{"max-age", []string{"testA=8; max-age=60", "testB=8; max-age=60", "testA=differentvalue; max-age=0", "testC=8; max-age=0"}, "testB=8", false},
	{"max-age", []string{`test="9! = foo;bar\";" parser; max-age=6`, "test9; max-age=2.63,"}, `test="9! = foo; test9`, false},
	{"max-age", []string{"test=10; max-age=0", "test10; max-age=0"}, "", false},
	{"invalid", []string{"test=1; lol; Path=/"}, "test=1", true},
	{"invalid", []string{"test=2; Path=/; lol"}, "test=2", true},
	{"invalid", []string{"test=3; Path=/; 'lol'"}, "test=3", true},
	{"invalid", []string{`test=4; Path=/; "lol"`}, "test=4", true},
	{"invalid", []string{"test=5; Path=/; lol="}, "test=5", true},
	{"invalid", []string{`test=6; lol="aaa;bbb"; Path=/`}, "test=6", true},
	{"invalid", []string{`test=7; Path=/; lol="aaa;bbb"`}, "test=7", true},
	{"invalid", []string{`test=8; "Secure"`}, "test=8", false},
	{"invalid", []string{"test=9; Secure qux"}, "test=9", false},
	{"invalid", []string{"test=10; b,az=qux"}, "test=10", false},
	{"invalid", []string{"test=11; baz=q,ux"}, "test=11", false},
	{"invalid", []string{"  test  = 12  ;foo;;;   bar"}, "test=12", false},
	{"invalid", []string{"  test=== 13  ;foo;;;   bar"}, "test=== 13", false},
	{"invalid", []string{"test=14; version=1;"}, "test=14", false},
	{"invalid", []string{"test=15; version=1000;"}, "test=15", false},
	{"invalid", []string{"test=16; customvalue='1000 or more';"}, "test=16", false},
	{"invalid", []string{"test=17; customvalue='1000 or more'"}, "test=17", false},
	{"invalid", []string{"test=18; foo=bar, a=b"}, "test=18", false},
	{"invalid", []string{"test=19;max-age=3600, c=d;path=/"}, "test=19", true},
	{"invalid", []string{"testA=20", "=", "testb=20"}, "testA=20; testb=20", false},
	{"invalid", []string{"test=21", ""}, "test=21", false},
	{"invalid", []string{"test22", "="}, "test22", false},
	{"invalid", []string{"testA23", "; testB23"}, "testA23", false},
	{"invalid", []string{"test24", "   "}, "test24", false},
	{"invalid", []string{"test25", "\t"}, "test25", false},
	{"invalid", []string{"test=26; domain=.parser.test; ;; ;=; ,,, ===,abc,=; abracadabra! max-age=20;=;;"}, "", false},
	{"charset", []string{"test=1春节回家路·春运完全手册"}, "test=1春节回家路·春运完全手册", false},
	{"charset", []string{"тест=2"}, "тест=2", false},
	{"charset", []string{`test="3春节回家路·春运完全手册"`}, `test="3春节回家路·春运完全手册"`, false},
	{"charset", []string{"春节回=4家路·春运完全手册"}, "春节回=4家路·春运完全手册", false},
	{"charset", []string{`"春节回=5家路·春运完全手册"`}, `"春节回=5家路·春运完全手册"`, false},
	{"charset", []string{"春节回=6家路·春运; 完全手册"}, "春节回=6家路·春运", false},
	{"value", []string{"test=1, baz=qux"}, "test=1, baz=qux", false},
	{"value", []string{`test="2, baz=qux"`}, `test="2, baz=qux"`, false},
	{"value", []string{`test="3zz;pp" ; ;`}, `test="3zz`, false},
	{"value", []string{`test="4zz ;`}, `test="4zz`, false},
	{"value", []string{`test="5zzz "   "ppp"  ;`}, `test="5zzz "   "ppp"`, false},
	{"value", []string{`test=6A"B ;`}, `test=6A"B`, false},
	{"value", []string{"test7"}, "test7", false},
	{"value", []string{`"test8\"HHH"`}, `"test8\"HHH"`, false},
	{"value", []string{`test="9`}, `test="9`, false},
	{"value", []string{"=test10"}, "test10", false},
	{"value", []string{"test=11" + strings.Repeat("a", 4089)}, "test=11" + strings.Repeat("a", 4089), false},
	{"value", []string{"test=12" + strings.Repeat("a", 4091)}, "", false},
	{"value", []string{"test=13\nZYX"}, "test=13", false},
	{"value", []string{`test="14 "   ;`}, `test="14 "`, false},
	{"value", []string{"test=15    ;"}, "test=15", false},
	{"value", []string{"test=  16"}, "test=16", false},
	{"value", []string{`test="17"`}, `test="17"`, false},
	{"value", []string{`test="  18 "`}, `test="  18 "`, false},
	{"value", []string{`test="19;wow"`}, `test="19`, false},
	{"value", []string{`test="20=20"`}, `test="20=20"`, false},
	{"value", []string{"test\t=\t21\t \t;\tttt"}, "test=21", false},
	{"value", []string{"testA=22", "test22=", "testB=22"}, "testA=22; test22=; testB=22", false},
	{"value", []string{"test=%32%33"}, "test=%32%33", false},
	// cookies/size/name-and-value.html: name and value lengths
	{"size", []string{sized(2048, 2048)}, sized(2048, 2048), false},
	{"size", []string{sized(4097, 1)}, "", false},
	{"size", []string{sized(4096, 0)}, sized(4096, 0), false},
	{"size", []string{sized(4097, 0)}, "", false},
	{"size", []string{sized(1, 4095)}, sized(1, 4095), false},
	{"size", []string{sized(1, 4096)}, "", false},
	{"size", []string{sized(4096, 1)}, "", false},
	{"size", []string{sized(0, 4096)}, sized(0, 4096)[1:], false},
	{"size", []string{sized(0, 4097)}, "", false},
	{"size", []string{sized(0, 4097)[1:]}, "", false},
}

// sized is "t" times name "=" "1" times value, as the size test builds it.
func sized(name, value int) string {
	return strings.Repeat("t", name) + "=" + strings.Repeat("1", value)
}

func TestWPTCookies(t *testing.T) {
	from, _ := url.Parse("http://web-platform.test:8000/cookies/resources/cookie.py")
	agree := 0
	for _, r := range wptCookieRows {
		to, _ := url.Parse("http://web-platform.test:8000/cookies/resources/echo-cookie.html")
		if r.rootPath {
			to, _ = url.Parse("http://web-platform.test:8000/cookies/attributes/" + r.file + ".html")
		}
		j := newJar(testNow)
		for _, line := range r.set {
			// An LF ends the header line on the wire: what follows is
			// another (malformed) header line, not part of the cookie.
			line, _, _ = strings.Cut(line, "\n")
			j.set(strings.Trim(line, " \t"), from)
		}
		if got := j.header(to); got != r.want {
			t.Errorf("wpt cookies/%s %q: document.cookie %q, the browser %q", r.file, r.set, got, r.want)
			continue
		}
		agree++
	}
	t.Logf("suite wpt cookies (web-platform-tests/wpt): %d cases, %d agree, 0 documented differences", len(wptCookieRows), agree)
}

// wptSecureRows: github.com/web-platform-tests/wpt
// cookies/path/match-segment-boundaries.https.window.js (a cookie set with a
// Path from /cookies/resources/cookie.py, and the Cookie header a request to
// /cookies/path/resources/echo.py carries) and
// cookies/prefix/__host.explicit-path.https.window.js (a "__Host-" cookie set
// by the document at "/", whose default path is "/"; document.cookie goes
// through the same storage model as Set-Cookie, RFC 6265bis §5.7).
var wptSecureRows = []struct {
	file, set, from, to, want string
}{
	{"match-segment-boundaries", "exact=1; Path=/cookies/path/resources/echo.py", "/cookies/resources/cookie.py", "/cookies/path/resources/echo.py", "exact=1"},
	{"match-segment-boundaries", "prefix=1; Path=/cookies/path/resources", "/cookies/resources/cookie.py", "/cookies/path/resources/echo.py", "prefix=1"},
	{"match-segment-boundaries", "trailingslash=1; Path=/cookies/path/resources/", "/cookies/resources/cookie.py", "/cookies/path/resources/echo.py", "trailingslash=1"},
	{"match-segment-boundaries", "midsegment=1; Path=/cookies/path/resources/echo", "/cookies/resources/cookie.py", "/cookies/path/resources/echo.py", ""},
	{"match-segment-boundaries", "longerslash=1; Path=/cookies/path/resources/echo.py/", "/cookies/resources/cookie.py", "/cookies/path/resources/echo.py", ""},
	{"match-segment-boundaries", "longersegment=1; Path=/cookies/path/resources/echo.py/sub", "/cookies/resources/cookie.py", "/cookies/path/resources/echo.py", ""},
	{"__host.explicit-path", "explicit-path-defaultpath=1", "/", "/common/blank.html", "explicit-path-defaultpath=1"},
	{"__host.explicit-path", "__Host-explicit-path-withpath=1; Secure; Path=/", "/", "/", "__Host-explicit-path-withpath=1"},
	{"__host.explicit-path", "__Host-explicit-path-otherpath=1; Secure; Path=/cookies", "/", "/", ""},
	{"__host.explicit-path", "__Host-explicit-path-nopath=1; Secure", "/", "/", ""},
	{"__host.explicit-path", "__Host-explicit-path-emptypath=1; Secure; Path=", "/", "/", ""},
	{"__host.explicit-path", "__Host-explicit-path-barepath=1; Secure; Path", "/", "/", ""},
}

func TestWPTSecureCookies(t *testing.T) {
	agree := 0
	for _, r := range wptSecureRows {
		from, _ := url.Parse("https://web-platform.test:8443" + r.from)
		to, _ := url.Parse("https://web-platform.test:8443" + r.to)
		j := newJar(testNow)
		j.set(r.set, from)
		if got := j.header(to); got != r.want {
			t.Errorf("wpt cookies/%s %q set at %s: %s gets %q, the browser %q", r.file, r.set, r.from, r.to, got, r.want)
			continue
		}
		agree++
	}
	t.Logf("suite wpt cookies over https (web-platform-tests/wpt cookies/path, cookies/prefix): %d cases, %d agree, 0 documented differences", len(wptSecureRows), agree)
}
