package oracle

// The variants each kind is also sent in: brotli (now decoded), gzip then
// brotli, a brotli decompression bomb, repeated headers and same-host
// redirects, so that every kind has cases of each.

// bombPad is the bomb's padding: far over the probe's 1 MiB body cap, a
// few kilobytes brotli-encoded (8 MiB keeps the browser's parse short).
const bombPad = 8 << 20

func variantCases() []ocase {
	meta := func(p string) string {
		return `<meta http-equiv="Content-Security-Policy" content="` + htmlEscape(p) + `">`
	}
	doc := []kind{kindDocument}
	fr := []kind{kindFraming}
	ck := []kind{kindCookie}
	rf := []kind{kindReferrer}
	ns := []kind{kindNosniff}
	hs := []kind{kindHSTS}
	br := func(c ocase, enc string) ocase { c.root.encoding = enc; return c }
	cs := []ocase{
		// CSP scripts: brotli bodies with <meta> and header policies.
		br(ocase{name: "br/meta script-src 'self'", head: meta("script-src 'self'")}, "br"),
		br(ocase{name: "br/meta nonce", head: meta("script-src " + nonceSrc)}, "br"),
		br(ocase{name: "br/meta open beside a strict header", head: meta("script-src * 'unsafe-inline' 'unsafe-eval'"), root: reply{header: fields("Content-Security-Policy: script-src 'self'")}}, "br"),
		br(ocase{name: "br/meta strict beside an open header", head: meta("script-src 'self'"), root: reply{header: fields("Content-Security-Policy: script-src * 'unsafe-inline'")}}, "br"),
		br(withHeaders("br/header unsafe-inline", nil, "Content-Security-Policy: script-src 'self' 'unsafe-inline'"), "br"),
		br(withHeaders("br/header report-only", nil, "Content-Security-Policy-Report-Only: script-src 'none'"), "br"),
		br(ocase{name: "gzip+br/meta script-src 'self'", head: meta("script-src 'self'")}, "gzip, br"),
		br(withHeaders("gzip+br/header unsafe-eval", nil, "Content-Security-Policy: script-src 'self' 'unsafe-eval'"), "gzip, br"),
		br(ocase{name: "br+gzip/meta script-src 'self'", head: meta("script-src 'self'")}, "br, gzip"),
		// The bomb: hardscan reads its first 1 MiB (and says so); Chromium
		// decodes it all. A <meta> before the padding is read by both; one
		// after it only by Chromium, which hardscan states as its limit.
		br(ocase{name: "br-bomb/meta before the padding", head: meta("script-src 'self'"), pad: bombPad}, "br"),
		br(ocase{name: "br-bomb/meta after the padding", head: meta("script-src 'self'"), pad: bombPad, padFirst: true}, "br"),
		br(ocase{name: "br-bomb/header policy", root: reply{header: fields("Content-Security-Policy: script-src 'self'")}, pad: bombPad}, "br"),

		// base-uri, object-src, form-action.
		br(ocase{name: "br/doc meta", kinds: doc, head: meta("base-uri 'none'; form-action 'self'; object-src 'none'")}, "br"),
		br(withHeaders("gzip+br/doc header", doc, "Content-Security-Policy: base-uri 'self'; form-action 'self'; object-src 'none'"), "gzip, br"),
		{name: "doc/redirect to a strict page", kinds: doc, first: &reply{status: 302, header: fields("Location: /home", "Content-Security-Policy: base-uri *; form-action *")},
			root: reply{header: fields("Content-Security-Policy: base-uri 'self'; form-action 'self'; object-src 'none'")}},
		{name: "doc/strict only on the redirect", kinds: doc, first: &reply{status: 301, header: fields("Location: /home", "Content-Security-Policy: base-uri 'none'; form-action 'none'; object-src 'none'")}},
		{name: "doc/redirect, br", kinds: doc, first: &reply{status: 302, header: fields("Location: /home")},
			root: reply{encoding: "br", header: fields("Content-Security-Policy: object-src 'none'; form-action 'self'")}},
		withHeaders("doc/two headers, form-action each", doc, "Content-Security-Policy: form-action *", "Content-Security-Policy: form-action 'self'"),

		// Framing.
		br(withHeaders("gzip+br/xfo DENY", fr, "X-Frame-Options: DENY"), "gzip, br"),
		br(withHeaders("br/frame-ancestors 'none' beside ALLOWALL", fr, "Content-Security-Policy: frame-ancestors 'none'", "X-Frame-Options: ALLOWALL"), "br"),
		{name: "framing/redirect to frame-ancestors 'self'", kinds: fr, first: &reply{status: 307, header: fields("Location: /home", "Content-Security-Policy: frame-ancestors *")},
			root: reply{header: fields("Content-Security-Policy: frame-ancestors 'self'")}},

		// Referrer.
		br(ocase{name: "br/referrer meta no-referrer over unsafe-url", kinds: rf, head: `<meta name="referrer" content="no-referrer">`, root: reply{header: fields("Referrer-Policy: unsafe-url")}}, "br"),
		br(withHeaders("gzip+br/referrer unsafe-url", rf, "Referrer-Policy: unsafe-url"), "gzip, br"),
		{name: "referrer/redirect to a no-referrer page", kinds: rf, first: &reply{status: 302, header: fields("Location: /home", "Referrer-Policy: unsafe-url")},
			root: reply{encoding: "gzip", header: fields("Referrer-Policy: no-referrer")}},
		withHeaders("referrer/three headers, last unknown", rf, "Referrer-Policy: no-referrer", "Referrer-Policy: unsafe-url", "Referrer-Policy: bogus"),

		// nosniff.
		br(withHeaders("gzip+br/nosniff", ns, "X-Content-Type-Options: nosniff"), "gzip, br"),
		{name: "nosniff/redirect to a nosniff page", kinds: ns, first: &reply{status: 302, header: fields("Location: /home")}, root: reply{header: fields("X-Content-Type-Options: nosniff")}},
		{name: "nosniff/only on the redirect", kinds: ns, first: &reply{status: 302, header: fields("Location: /home", "X-Content-Type-Options: nosniff")}},
		{name: "nosniff/redirect to a br page, foo then nosniff", kinds: ns, first: &reply{status: 301, header: fields("Location: /home")},
			root: reply{encoding: "br", header: fields("X-Content-Type-Options: foo", "X-Content-Type-Options: nosniff")}},
		{name: "nosniff/br script", kinds: ns, root: reply{header: fields("X-Content-Type-Options: nosniff")},
			script: &reply{encoding: "br", header: fields("Content-Type: text/plain", "X-Content-Type-Options: nosniff")}},

		// HSTS.
		br(withHeaders("gzip+br/hsts", hs, "Strict-Transport-Security: max-age=31536000; includeSubDomains"), "gzip, br"),
		{name: "hsts/redirect, br", kinds: hs, first: &reply{status: 302, header: fields("Location: /home")},
			root: reply{encoding: "br", header: fields("Strict-Transport-Security: max-age=31536000")}},
		withHeaders("hsts/three headers, the first invalid", hs, "Strict-Transport-Security: max-age=abc", "Strict-Transport-Security: max-age=31536000; includeSubDomains", "Strict-Transport-Security: max-age=0"),
	}
	cs = append(cs, attributeCases(ck)...)
	return cs
}

// attributeCases set cookies whose stored attributes (SameSite, Path,
// Domain, expiry, session) the store model is compared on.
func attributeCases(ck []kind) []ocase {
	sets := [][]string{
		{"sid=1; Secure; HttpOnly; SameSite=Strict"},
		{"sid=1; Secure; HttpOnly; SameSite=lax"},
		{"sid=1; Secure; HttpOnly; SameSite=NONE"},
		{"sid=1; Secure; HttpOnly; SameSite"},
		{"sid=1; Secure; HttpOnly; SameSite="},
		{"sid=1; Secure; HttpOnly; SameSite=Lax; SameSite=Strict"},
		{"sid=1; Secure; HttpOnly; SameSite=Strict; SameSite=Bogus"},
		{"sid=1; Secure; HttpOnly; SameSite=Lax", "sid=2; Secure; HttpOnly; SameSite=None"},
		{"sid=1; Secure; HttpOnly; Path=/app/x"},
		{"sid=1; Secure; HttpOnly; Path=app"},
		{"sid=1; Secure; HttpOnly; Path="},
		{"sid=1; Secure; HttpOnly; Path=/a; Path=/b"},
		{"sid=1; Secure; Path=/a", "sid=2; Secure; Path=/b"},
		{"sid=1; Secure; HttpOnly; Domain=" + siteDomain, "sid=2; Secure; HttpOnly"},
		{"sid=1; Secure; HttpOnly; Domain={host}"},
		{"sid=1; Secure; HttpOnly; Domain=.{host}; Domain="},
		{"__Host-sid=1; Secure; HttpOnly; Path=/; Domain="},
		{"__Host-sid=1; Secure; HttpOnly; Path=/; Domain={host}; Domain="},
		{"sid=1; Secure; HttpOnly; Max-Age=3600"},
		{"sid=1; Secure; HttpOnly; Max-Age=99999999999"},
		{"sid=1; Secure; HttpOnly; Expires=Fri, 01 Jan 2027 00:00:00 GMT"},
		{"sid=1; Secure; HttpOnly; Expires=Wed, 01 Jan 2070 00:00:00 GMT"},
		{"sid=1; Secure; HttpOnly; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=3600"},
		{"sid=1; Secure; HttpOnly; Max-Age=3600; Expires=Thu, 01 Jan 1970 00:00:00 GMT"},
		{"sid=1; Secure; HttpOnly; Expires=not a date"},
		{"sid=1; Secure; HttpOnly; Max-Age=abc"},
		{"sid=1; Secure; HttpOnly; Max-Age=60; Max-Age=7200"},
		{"sid=1; Secure; HttpOnly; expires=Fri, 01-Jan-2027 00:00:00 GMT"},
		{"sid=1; Secure; HttpOnly; Partitioned"},
		{"a=1; Secure", "b=2; HttpOnly; SameSite=Strict", "c=3; SameSite=None; Secure; Max-Age=600"},
	}
	var cs []ocase
	for i, set := range sets {
		lines := make([]string, len(set))
		for j, s := range set {
			lines[j] = "Set-Cookie: " + s
		}
		c := withHeaders("cookie-attr/"+joinSets(set), ck, lines...)
		c.root.encoding = encodings[i%3]
		cs = append(cs, c)
	}
	cs = append(cs,
		ocase{name: "cookie-attr/default path of /account/login", kinds: ck, cookies: []pathReply{{"/account/login", reply{header: fields("Set-Cookie: sess=1; Secure; HttpOnly; SameSite=Lax")}}}},
		ocase{name: "cookie-attr/replaced on a redirect", kinds: ck, first: &reply{status: 302, header: fields("Location: /home", "Set-Cookie: sid=1; Secure; SameSite=None")},
			root: reply{header: fields("Set-Cookie: sid=2; Secure; HttpOnly; SameSite=Strict")}},
		ocase{name: "cookie-attr/deleted on a redirect's target", kinds: ck, first: &reply{status: 302, header: fields("Location: /home", "Set-Cookie: sid=1; Secure; HttpOnly")},
			root: reply{encoding: "br", header: fields("Set-Cookie: sid=; Secure; HttpOnly; Expires=Thu, 01 Jan 1970 00:00:00 GMT")}},
	)
	return cs
}

func joinSets(set []string) string {
	out := ""
	for i, s := range set {
		if i > 0 {
			out += " | "
		}
		out += s
	}
	return out
}
