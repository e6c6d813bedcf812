package oracle

import (
	"fmt"
	"strings"
)

// The generated cases: for each kind, the values a browser reads one way or
// another (valid, invalid, repeated, mixed case, in <meta>), some sent
// gzip- or brotli-encoded and some behind a same-host redirect.

// cdnHost is a third party a policy may name: not the attacker, whose
// origin the probes load from.
const cdnHost = "cdn-oracle.net"

const nonceSrc = "'nonce-" + pageNonce + "'"

// encodings cycles through the body encodings a case is sent with.
var encodings = []string{"", "gzip", "br"}

func generated() []ocase {
	var cs []ocase
	cs = append(cs, scriptCases()...)
	cs = append(cs, documentCases()...)
	cs = append(cs, framingCases()...)
	cs = append(cs, cookieCases()...)
	cs = append(cs, referrerCases()...)
	cs = append(cs, nosniffCases()...)
	cs = append(cs, hstsCases()...)
	cs = append(cs, controlCases()...)
	cs = append(cs, mistakeCases()...)
	cs = append(cs, variantCases()...)
	for i := range cs {
		cs[i].source = "generated"
	}
	return cs
}

// csp builds a case whose page carries the given header lines.
func withHeaders(name string, ks []kind, lines ...string) ocase {
	return ocase{name: name, kinds: ks, root: reply{header: fields(lines...)}}
}

func scriptCases() []ocase {
	policies := []string{
		"script-src 'self'",
		"script-src 'self' 'unsafe-inline'",
		"script-src 'unsafe-inline' " + nonceSrc,
		"script-src 'unsafe-inline' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
		"script-src 'unsafe-inline' 'strict-dynamic' " + nonceSrc,
		"script-src 'strict-dynamic' " + nonceSrc + " https: 'unsafe-inline'",
		"script-src 'self' 'unsafe-eval'",
		"script-src 'self' 'wasm-unsafe-eval'",
		"script-src *",
		"script-src https:",
		"script-src http:",
		"script-src https://*",
		"script-src data:",
		"script-src 'self' https://" + cdnHost,
		"script-src 'none'",
		"script-src " + nonceSrc,
		"default-src 'self'",
		"default-src *",
		"default-src 'unsafe-inline' 'unsafe-eval'",
		"default-src 'none'; script-src-elem 'self'",
		"script-src 'self'; script-src-elem 'unsafe-inline'",
		"script-src 'self'; script-src-attr 'unsafe-inline'",
		"script-src 'self' 'unsafe-hashes' 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='",
		"SCRIPT-SRC 'UNSAFE-INLINE' 'UNSAFE-EVAL'",
		"script-src 'unsafe-inline', script-src 'self'",
		"script-src 'self'; script-src 'unsafe-inline'",
		"img-src 'self'",
		"script-src 'self' 'report-sample'; object-src 'none'",
		"script-src 'unsafe-eval' " + nonceSrc,
		"script-src 'self' *.attacker-oracle.net",
	}
	var cs []ocase
	for i, p := range policies {
		c := withHeaders(fmt.Sprintf("csp/%s", p), nil, "Content-Security-Policy: "+p)
		c.root.encoding = encodings[i%3]
		cs = append(cs, c)
	}
	meta := func(p string) string {
		return `<meta http-equiv="Content-Security-Policy" content="` + htmlEscape(p) + `">`
	}
	more := []ocase{
		withHeaders("csp/none", nil),
		withHeaders("csp/two headers, inline and self", nil, "Content-Security-Policy: script-src 'unsafe-inline' 'unsafe-eval' *", "Content-Security-Policy: script-src 'self'"),
		withHeaders("csp/two headers, both open", nil, "Content-Security-Policy: script-src 'unsafe-inline'", "Content-Security-Policy: default-src *; script-src * 'unsafe-inline'"),
		withHeaders("csp/report-only only", nil, "Content-Security-Policy-Report-Only: script-src 'none'"),
		withHeaders("csp/report-only beside an open policy", nil, "Content-Security-Policy: script-src * 'unsafe-inline'", "Content-Security-Policy-Report-Only: script-src 'self'"),
		withHeaders("csp/report-only beside a strict policy", nil, "Content-Security-Policy: script-src 'self'", "Content-Security-Policy-Report-Only: script-src 'unsafe-inline'"),
		{name: "csp/meta only", head: meta("script-src 'self'")},
		{name: "csp/meta only, brotli", head: meta("script-src 'self'"), root: reply{encoding: "br"}},
		{name: "csp/meta only, brotli to any client", head: meta("script-src 'self'"), root: reply{encoding: "br", brAlways: true}},
		{name: "csp/meta only, gzip", head: meta("script-src 'self'"), root: reply{encoding: "gzip"}},
		{name: "csp/meta open beside a strict header", head: meta("script-src * 'unsafe-inline' 'unsafe-eval'"), root: reply{header: fields("Content-Security-Policy: script-src 'self'")}},
		{name: "csp/meta strict beside an open header", head: meta("script-src 'self'"), root: reply{header: fields("Content-Security-Policy: script-src * 'unsafe-inline'")}},
		{name: "csp/meta report-only is ignored", head: `<meta http-equiv="Content-Security-Policy-Report-Only" content="script-src 'none'">`},
		{name: "csp/redirect to a strict page", first: &reply{status: 302, header: fields("Location: /home", "Content-Security-Policy: script-src 'unsafe-inline'")},
			root: reply{header: fields("Content-Security-Policy: script-src 'self'")}},
		{name: "csp/redirect to an open page", first: &reply{status: 301, header: fields("Location: /home", "Content-Security-Policy: script-src 'self'")},
			root: reply{header: fields("Content-Security-Policy: script-src 'self' 'unsafe-inline'")}},
	}
	return append(cs, more...)
}

func documentCases() []ocase {
	doc := []kind{kindDocument}
	policies := []string{
		"base-uri 'self'",
		"base-uri 'none'",
		"base-uri *",
		"base-uri https:",
		"base-uri https://" + cdnHost,
		"default-src 'self'",
		"default-src 'none'",
		"object-src 'none'",
		"object-src *",
		"object-src https:",
		"object-src https://" + cdnHost,
		"object-src 'self'; default-src *",
		"form-action 'self'",
		"form-action 'none'",
		"form-action *",
		"form-action https:",
		"form-action https://" + cdnHost,
		"default-src 'self'; form-action 'self'; base-uri 'self'; object-src 'none'",
		"default-src *; base-uri 'none'",
		"BASE-URI 'SELF'; OBJECT-SRC 'NONE'; FORM-ACTION 'SELF'",
	}
	var cs []ocase
	for i, p := range policies {
		c := withHeaders("doc/"+p, doc, "Content-Security-Policy: "+p)
		c.root.encoding = encodings[i%3]
		cs = append(cs, c)
	}
	meta := func(p string) string {
		return `<meta http-equiv="Content-Security-Policy" content="` + htmlEscape(p) + `">`
	}
	cs = append(cs,
		ocase{name: "doc/none", kinds: doc},
		withHeaders("doc/two headers", doc, "Content-Security-Policy: base-uri *; form-action *; object-src *", "Content-Security-Policy: base-uri 'self'; form-action 'self'; object-src 'none'"),
		withHeaders("doc/report-only", doc, "Content-Security-Policy-Report-Only: base-uri 'none'; form-action 'none'; object-src 'none'"),
		ocase{name: "doc/meta", kinds: doc, head: meta("base-uri 'self'; form-action 'self'; object-src 'none'")},
		ocase{name: "doc/meta, brotli", kinds: doc, head: meta("base-uri 'self'; form-action 'self'; object-src 'none'"), root: reply{encoding: "br"}},
	)
	return cs
}

func framingCases() []ocase {
	fr := []kind{kindFraming}
	var cs []ocase
	xfo := []string{"DENY", "SAMEORIGIN", "deny", " DENY ", "DENY, DENY", "DENY, SAMEORIGIN", "SAMEORIGIN, ALLOWALL",
		"ALLOW-FROM https://" + evilHost, "ALLOWALL", "nonsense", "DENY;", `"DENY"`}
	for i, v := range xfo {
		c := withHeaders("xfo/"+v, fr, "X-Frame-Options: "+v)
		c.root.encoding = encodings[i%3]
		cs = append(cs, c)
	}
	fa := []string{"'none'", "'self'", "*", "https:", "https://" + cdnHost, "https://*." + siteDomain, "'self' https://" + cdnHost}
	for i, v := range fa {
		c := withHeaders("frame-ancestors/"+v, fr, "Content-Security-Policy: frame-ancestors "+v)
		c.root.encoding = encodings[i%3]
		cs = append(cs, c)
	}
	cs = append(cs,
		ocase{name: "xfo/none", kinds: fr},
		withHeaders("xfo/two headers DENY and SAMEORIGIN", fr, "X-Frame-Options: DENY", "X-Frame-Options: SAMEORIGIN"),
		withHeaders("xfo/two headers DENY and nonsense", fr, "X-Frame-Options: DENY", "X-Frame-Options: nonsense"),
		withHeaders("both/frame-ancestors * beside DENY", fr, "Content-Security-Policy: frame-ancestors *", "X-Frame-Options: DENY"),
		withHeaders("both/frame-ancestors 'none' beside ALLOWALL", fr, "Content-Security-Policy: frame-ancestors 'none'", "X-Frame-Options: ALLOWALL"),
		withHeaders("both/frame-ancestors evil beside DENY", fr, "Content-Security-Policy: frame-ancestors https://"+cdnHost, "X-Frame-Options: DENY"),
		withHeaders("both/report-only frame-ancestors 'none'", fr, "Content-Security-Policy-Report-Only: frame-ancestors 'none'"),
		withHeaders("both/report-only frame-ancestors * beside DENY", fr, "Content-Security-Policy-Report-Only: frame-ancestors *", "X-Frame-Options: DENY"),
		ocase{name: "both/meta frame-ancestors 'none' is ignored", kinds: fr, head: `<meta http-equiv="Content-Security-Policy" content="frame-ancestors 'none'">`},
		withHeaders("both/two policies, one open", fr, "Content-Security-Policy: frame-ancestors *", "Content-Security-Policy: frame-ancestors 'self'"),
		ocase{name: "xfo/redirect to a DENY page", kinds: fr, first: &reply{status: 302, header: fields("Location: /home")}, root: reply{header: fields("X-Frame-Options: DENY")}},
		ocase{name: "xfo/DENY only on the redirect", kinds: fr, first: &reply{status: 302, header: fields("Location: /home", "X-Frame-Options: DENY")}},
	)
	return cs
}

func cookieCases() []ocase {
	ck := []kind{kindCookie}
	sets := [][]string{
		{"sid=1; Secure; HttpOnly; SameSite=Lax; Path=/"},
		{"sid=1"},
		{"sid=1; secure; httponly; samesite=strict"},
		{"__Host-sid=1; Secure; Path=/"},
		{"__Host-sid=1; Secure"},
		{"__Host-sid=1; Secure; Path=/; Domain={host}"},
		{"__Host-sid=1; Path=/"},
		{"__Secure-sid=1"},
		{"__Secure-sid=1; Secure; HttpOnly"},
		{"__secure-sid=1"},
		{"sid=1; Secure; Domain=" + siteDomain},
		{"sid=1; Secure; Domain=." + siteDomain},
		{"sid=1; Secure; Domain=" + evilHost},
		{"sid=1; Secure; Domain=org"},
		{"sid=1; SameSite=None"},
		{"sid=1; SameSite=None; Secure"},
		{"sid=1; SameSite=Bogus; Secure; HttpOnly"},
		{"sid=1; Max-Age=0"},
		{"sid=1; Max-Age=-1; Secure"},
		{"sid=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT"},
		{"sid=1; Secure; HttpOnly", "sid=2"},
		{"sid=1", "sid=2; Secure; HttpOnly"},
		{"sid=1; Secure; HttpOnly", "sid=; Max-Age=0"},
		{"sid=1; Secure; HttpOnly; Path=/app"},
		{"=__Host-sid; Secure"},
		{"sid=\"quoted\"; Secure; HttpOnly"},
		{"sid=1; Secure=no; HttpOnly=no"},
		{"sid=1; Max-Age=100; Secure; HttpOnly", "other=2; Secure"},
	}
	var cs []ocase
	for i, set := range sets {
		lines := make([]string, len(set))
		for j, s := range set {
			lines[j] = "Set-Cookie: " + s
		}
		c := withHeaders("cookie/"+strings.Join(set, " | "), ck, lines...)
		c.root.encoding = encodings[i%3]
		cs = append(cs, c)
	}
	cs = append(cs,
		ocase{name: "cookie/set on a redirect hop", kinds: ck, first: &reply{status: 302, header: fields("Location: /home", "Set-Cookie: hop=1; Secure; HttpOnly")}},
		ocase{name: "cookie/set on a cookie path", kinds: ck, cookies: []pathReply{{"/login", reply{header: fields("Set-Cookie: sess=1; Secure; HttpOnly; SameSite=Lax")}}}},
		ocase{name: "cookie/Secure over plain http", kinds: ck, plain: &reply{status: 301, header: fields("Location: https://{host}/", "Set-Cookie: plain=1; Secure")}},
		ocase{name: "cookie/set over plain http", kinds: ck, plain: &reply{status: 301, header: fields("Location: https://{host}/", "Set-Cookie: plain=1; HttpOnly")}},
	)
	return cs
}

func referrerCases() []ocase {
	rf := []kind{kindReferrer}
	values := []string{"no-referrer", "same-origin", "origin", "strict-origin", "origin-when-cross-origin",
		"strict-origin-when-cross-origin", "no-referrer-when-downgrade", "unsafe-url", "unsafe-url, no-referrer",
		"no-referrer, unsafe-url", "unknown, unsafe-url", "unsafe-url, bogus", "bogus", "UNSAFE-URL", " unsafe-url ", "unsafe-url,,"}
	var cs []ocase
	for i, v := range values {
		c := withHeaders("referrer/"+v, rf, "Referrer-Policy: "+v)
		c.root.encoding = encodings[i%3]
		cs = append(cs, c)
	}
	meta := func(v string) string { return `<meta name="referrer" content="` + v + `">` }
	cs = append(cs,
		ocase{name: "referrer/none", kinds: rf},
		withHeaders("referrer/two headers, unsafe last", rf, "Referrer-Policy: no-referrer", "Referrer-Policy: unsafe-url"),
		withHeaders("referrer/two headers, unsafe first", rf, "Referrer-Policy: unsafe-url", "Referrer-Policy: no-referrer"),
		ocase{name: "referrer/meta unsafe-url over a no-referrer header", kinds: rf, head: meta("unsafe-url"), root: reply{header: fields("Referrer-Policy: no-referrer")}},
		ocase{name: "referrer/meta no-referrer over an unsafe-url header", kinds: rf, head: meta("no-referrer"), root: reply{header: fields("Referrer-Policy: unsafe-url")}},
		ocase{name: "referrer/meta always", kinds: rf, head: meta("always")},
		ocase{name: "referrer/meta never", kinds: rf, head: meta("never"), root: reply{header: fields("Referrer-Policy: unsafe-url")}},
		ocase{name: "referrer/meta origin-when-crossorigin", kinds: rf, head: meta("origin-when-crossorigin"), root: reply{header: fields("Referrer-Policy: unsafe-url")}},
		ocase{name: "referrer/meta default", kinds: rf, head: meta("default"), root: reply{header: fields("Referrer-Policy: unsafe-url")}},
		ocase{name: "referrer/meta unsafe-url, brotli", kinds: rf, head: meta("unsafe-url"), root: reply{encoding: "br"}},
		ocase{name: "referrer/meta unsafe-url, gzip", kinds: rf, head: meta("unsafe-url"), root: reply{encoding: "gzip"}},
		ocase{name: "referrer/meta bogus keeps the header", kinds: rf, head: meta("bogus"), root: reply{header: fields("Referrer-Policy: unsafe-url")}},
		ocase{name: "referrer/unsafe-url on the redirect only", kinds: rf, first: &reply{status: 302, header: fields("Location: /home", "Referrer-Policy: unsafe-url")}},
		ocase{name: "referrer/unsafe-url after a redirect", kinds: rf, first: &reply{status: 302, header: fields("Location: /home")}, root: reply{header: fields("Referrer-Policy: unsafe-url")}},
	)
	return cs
}

func nosniffCases() []ocase {
	ns := []kind{kindNosniff}
	values := []string{"nosniff", "NOSNIFF", " nosniff ", "nosniff, foo", "foo, nosniff", "no-sniff", `"nosniff"`, "nosniff;", "nosniff,", ",nosniff", "nosniff nosniff"}
	var cs []ocase
	for i, v := range values {
		c := withHeaders("nosniff/"+v, ns, "X-Content-Type-Options: "+v)
		c.root.encoding = encodings[i%3]
		cs = append(cs, c)
	}
	cs = append(cs,
		ocase{name: "nosniff/none", kinds: ns},
		withHeaders("nosniff/two headers, nosniff first", ns, "X-Content-Type-Options: nosniff", "X-Content-Type-Options: foo"),
		withHeaders("nosniff/two headers, nosniff second", ns, "X-Content-Type-Options: foo", "X-Content-Type-Options: nosniff"),
		withHeaders("nosniff/two headers, both nosniff", ns, "X-Content-Type-Options: nosniff", "X-Content-Type-Options: nosniff"),
	)
	// The same values on a script sent as application/octet-stream and as
	// text/html, which nosniff blocks too.
	for _, ct := range []string{"application/octet-stream", "text/html", "text/plain; charset=utf-8"} {
		for _, v := range []string{"nosniff", "foo"} {
			c := withHeaders("nosniff/"+v+" on "+ct, ns, "X-Content-Type-Options: "+v)
			c.script = &reply{header: fields("Content-Type: "+ct, "X-Content-Type-Options: "+v)}
			cs = append(cs, c)
		}
	}
	cs = append(cs, ocase{name: "nosniff/gzip script", kinds: ns, root: reply{header: fields("X-Content-Type-Options: nosniff")},
		script: &reply{encoding: "gzip", header: fields("Content-Type: text/plain", "X-Content-Type-Options: nosniff")}})
	return cs
}

func hstsCases() []ocase {
	hs := []kind{kindHSTS}
	values := []string{
		"max-age=31536000",
		"max-age=31536000; includeSubDomains",
		"max-age=63072000; includeSubDomains; preload",
		"max-age=0",
		"max-age=0; includeSubDomains",
		"max-age=100",
		"MAX-AGE=31536000; INCLUDESUBDOMAINS",
		`max-age="31536000"; includeSubDomains`,
		"max-age=abc",
		"includeSubDomains",
		"",
		"max-age=1; max-age=2",
		"max-age=31536000; includeSubDomains; includeSubDomains",
		"preload; includeSubDomains; preload; max-age=12345678; preload",
		"max-age=31536000; foo; foo",
		";max-age=31536000",
		"max-age=31536000;",
		"max-age=31536000 ; includeSubDomains",
		"max-age=31536000; includeSubDomains=yes",
		"max-age=-1",
		"max-age=31536000, max-age=0",
		"max-age=31536000; foo=\"bar; baz\"",
	}
	var cs []ocase
	for i, v := range values {
		c := withHeaders("hsts/"+v, hs, "Strict-Transport-Security: "+v)
		c.root.encoding = encodings[i%3]
		cs = append(cs, c)
	}
	cs = append(cs,
		ocase{name: "hsts/none", kinds: hs},
		withHeaders("hsts/two headers", hs, "Strict-Transport-Security: max-age=31536000; includeSubDomains", "Strict-Transport-Security: max-age=0"),
		withHeaders("hsts/two headers, same", hs, "Strict-Transport-Security: max-age=31536000", "Strict-Transport-Security: max-age=31536000"),
		ocase{name: "hsts/on the redirect hop only", kinds: hs, first: &reply{status: 302, header: fields("Location: /home", "Strict-Transport-Security: max-age=31536000; includeSubDomains")}},
		ocase{name: "hsts/on the final response only", kinds: hs, first: &reply{status: 302, header: fields("Location: /home")},
			root: reply{header: fields("Strict-Transport-Security: max-age=31536000; includeSubDomains")}},
		ocase{name: "hsts/on the redirect, max-age=0 on the final", kinds: hs, first: &reply{status: 301, header: fields("Location: /home", "Strict-Transport-Security: max-age=31536000")},
			root: reply{header: fields("Strict-Transport-Security: max-age=0")}},
		ocase{name: "hsts/over plain http is ignored", kinds: hs, plain: &reply{status: 301, header: fields("Location: https://{host}/", "Strict-Transport-Security: max-age=31536000")}},
	)
	return cs
}

// controlCases carry control characters other than tab in header values,
// over HTTP/1.1: browsers keep such values (Fetch's header value excludes
// only NUL, CR and LF), and hardscan must judge them as browsers do.
func controlCases() []ocase {
	rows := []struct {
		k    kind
		line string
	}{
		{kindNosniff, "X-Content-Type-Options: nosniff\f"},
		{kindNosniff, "X-Content-Type-Options: \fnosniff"},
		{kindNosniff, "X-Content-Type-Options: nosniff\x0b"},
		{kindFraming, "X-Frame-Options: \x0bDENY"},
		{kindFraming, "X-Frame-Options: DENY\f"},
		{kindFraming, "X-Frame-Options: DE\x01NY"},
		{kindHSTS, "Strict-Transport-Security: max-age=31536000\f; includeSubDomains"},
		{kindHSTS, "Strict-Transport-Security: max-age=31536000; includeSubDomains\x0b"},
		{kindReferrer, "Referrer-Policy: unsafe-url\f"},
		{kindCookie, "Set-Cookie: sid=1; Secure; HttpOnly\f"},
		{kindCookie, "Set-Cookie: sid=1\x01; Secure; HttpOnly"},
		{kindDocument, "Content-Security-Policy: object-src 'none'; base-uri 'self'\f"},
		{kindScript, "Content-Security-Policy: script-src 'self'\x0b"},
	}
	var cs []ocase
	for _, r := range rows {
		c := withHeaders(fmt.Sprintf("control/%q", r.line), []kind{r.k}, r.line)
		c.http1 = true
		cs = append(cs, c)
	}
	return cs
}

// mistakeCases are policies with the slips a person makes: a forgotten ';'
// (a directive name inside another's value), report-uri over http:, and a
// missing base-uri beside nonces, an allow-list, 'strict-dynamic' and a
// wide script-src, where what an injected <base> achieves differs.
func mistakeCases() []ocase {
	doc := []kind{kindDocument}
	ps := []string{
		"script-src 'self'; report-uri https://r.example/csp object-src 'none'",
		"default-src 'self'; report-uri http://r.example/csp; object-src 'none'; base-uri 'none'",
		"default-src 'self' object-src 'none'",
		"script-src " + nonceSrc + "; object-src 'none'",
		"script-src " + nonceSrc + " 'strict-dynamic'; object-src 'none'",
		"script-src 'self'; object-src 'none'",
		"script-src 'self' 'unsafe-inline'; object-src 'none'",
		"script-src https:; object-src 'none'",
		"script-src " + nonceSrc + "; object-src 'none'; base-uri 'self'",
		"script-src " + nonceSrc + "; object-src 'none'; base-uri *",
		"script-src 'self' https://" + cdnHost + "; object-src 'none'",
		"default-src 'none'",
	}
	var cs []ocase
	for i, p := range ps {
		c := withHeaders("mistake/"+p, doc, "Content-Security-Policy: "+p)
		c.root.encoding = encodings[i%3]
		cs = append(cs, c)
	}
	return cs
}
