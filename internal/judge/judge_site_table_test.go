package judge

import (
	"fmt"
	"syscall"
)

// The paths the cases' deep and error-page requests ask for, as the probe
// makes them.
const (
	deepPath  = "/hardscan/deep/path?probe=1"
	errorPath = "/hardscan-404-0123456789abcdef"
)

// siteCases are the checks beyond the front page: the deep redirect, the error page,
// nonce reuse, a down application and allow-list bypass hosts.
func siteCases() []judgeCase {
	var cs []judgeCase
	cs = append(cs, deepRedirectCases()...)
	cs = append(cs, errorPageCases()...)
	cs = append(cs, nonceReuseCases()...)
	cs = append(cs, siteDownCases()...)
	cs = append(cs, bypassCases()...)
	cs = append(cs, disallowedRedirectCases()...)
	return cs
}

// disallowedRedirectCases are chains the exporter stopped at a host its
// --allow does not match: hardscan's limit, not the site's fault.
func disallowedRedirectCases() []judgeCase {
	return []judgeCase{
		{name: "redirect/outside-allow", profile: "pleroma",
			why:        "the exporter requests no host --allow does not match; the redirect is reported with where it leads (Fetch: a redirect is a new request to its Location)",
			root:       resp{status: 302, lines: "Location: https://internal.test/secret"},
			disallowed: true,
			want:       m{"redirect.stopped[https]": info},
			reasons:    map[string]string{"redirect.stopped[https]": "outside-allow"},
			mention:    map[string]string{"redirect.stopped[https]": "https://internal.test/secret"}},
	}
}

func deepRedirectCases() []judgeCase {
	kept := "Location: https://example.tld" + deepPath
	return []judgeCase{
		{name: "deep/kept", profile: "pleroma", why: "contract step 6: nginx's return 301 https://$server_name$request_uri keeps path and query",
			deep: &resp{lines: kept}, want: m{"https.redirect.path": pass}},
		{name: "deep/apache-no-trailing-slash", profile: "pleroma",
			why:     "mod_alias Redirect maps the URL-path prefix: `Redirect permanent / https://host` turns /a/b into https://hosta/b, a host anyone may own",
			deep:    &resp{lines: "Location: https://example.tldhardscan/deep/path?probe=1"},
			want:    m{"https.redirect.path": fail, "https.redirect": pass},
			reasons: map[string]string{"https.redirect.path": "host-mangled"}},
		{name: "deep/apache-no-trailing-slash-port", profile: "pleroma",
			why:     "the same glued host after a port is no URL at all (RFC 3986 §3.2.3: a port is digits)",
			deep:    &resp{lines: "Location: https://example.tld:8443hardscan/deep/path?probe=1"},
			want:    m{"https.redirect.path": fail},
			reasons: map[string]string{"https.redirect.path": "host-mangled"}},
		{name: "deep/path-lost", profile: "pleroma", why: "contract step 6: `return 301 https://host/` sends every deep http link to the home page",
			deep: &resp{lines: "Location: https://example.tld/"}, want: m{"https.redirect.path": warn},
			reasons: map[string]string{"https.redirect.path": "path-lost"}},
		{name: "deep/query-lost", profile: "pleroma", why: "contract step 6: $uri instead of $request_uri drops the query",
			deep: &resp{lines: "Location: https://example.tld/hardscan/deep/path"}, want: m{"https.redirect.path": warn},
			reasons: map[string]string{"https.redirect.path": "query-lost"}},
		{name: "deep/lighttpd-normalises", profile: "pleroma",
			why:  "RFC 3986 §6.2.2.2: %41 and A are the same unreserved character; lighttpd's redirect decodes it and keeps the URL",
			deep: &resp{path: "/hardscan/%41b/%2f?q=%7e", lines: "Location: https://example.tld/hardscan/Ab/%2F?q=~"},
			want: m{"https.redirect.path": pass}},
		{name: "deep/no-redirect", profile: "pleroma", why: "RFC 6797 §7.2: a deep http URL served without redirect stays in clear, though / redirects",
			deep: &resp{status: 404}, want: m{"https.redirect.path": warn, "https.redirect": pass},
			reasons: map[string]string{"https.redirect.path": "no-redirect"}},
		{name: "deep/root-no-redirect-too", profile: "pleroma", why: "one fault counts once: https.redirect fails, the deep path only notes it",
			http: &resp{status: 200}, deep: &resp{status: 200}, want: m{"https.redirect.path": info, "https.redirect": fail},
			reasons: map[string]string{"https.redirect.path": "no-redirect"}},
		{name: "deep/www", profile: "pleroma", why: "hstspreload: the other host is https.redirect's warning; the deep path keeps path and query",
			http: &resp{lines: "Location: https://www.example.tld/"}, deep: &resp{lines: "Location: https://www.example.tld" + deepPath},
			want: m{"https.redirect.path": pass, "https.redirect": warn}},
		{name: "deep/refused", profile: "pleroma", why: "port 80 refused: https.redirect says so, the deep path is unknown",
			httpErr: fmt.Errorf("dial: %w", syscall.ECONNREFUSED), deepErr: fmt.Errorf("dial: %w", syscall.ECONNREFUSED),
			want: m{"https.redirect.path": info, "https.redirect": warn}, reasons: map[string]string{"https.redirect.path": "no-answer"}},
		{name: "deep/not-probed", profile: "pleroma", why: "no deep request, no verdict",
			absent: []string{"https.redirect.path"}},
	}
}

// strictHeaders are a static site's headers set by nginx add_header lines.
const strictHeaders = goodHSTS + "\nContent-Security-Policy: default-src 'none'; img-src 'self'; style-src 'self'; " + strictTail +
	"\nX-Frame-Options: DENY\nX-Content-Type-Options: nosniff\nReferrer-Policy: strict-origin-when-cross-origin\nServer: nginx"

func errorPageCases() []judgeCase {
	return []judgeCase{
		{name: "errorpage/nginx-without-always", profile: "modern",
			why:       "nginx add_header without always skips 4xx (ngx_http_headers_module); an error page without CSP can run reflected script, without XFO be framed; HSTS stays stored from / (RFC 6797 §8.1)",
			root:      resp{lines: strictHeaders},
			errorPage: &resp{lines: "Server: nginx"},
			want: m{"headers.error-page[content-security-policy]": warn, "headers.error-page[x-frame-options]": warn,
				"headers.error-page[x-content-type-options]": warn, "headers.error-page[strict-transport-security]": info,
				"headers.error-page[referrer-policy]": info, "csp": pass, "hsts": pass},
			reasons: map[string]string{"headers.error-page[content-security-policy]": "missing", "headers.error-page[strict-transport-security]": "missing"},
			absent:  []string{"headers.error-page"}},
		{name: "errorpage/always", profile: "modern", why: "add_header ... always: the error page carries every header of /",
			root: resp{lines: strictHeaders}, errorPage: &resp{lines: strictHeaders},
			want: m{"headers.error-page": pass}, absent: []string{"headers.error-page[content-security-policy]"}},
		{name: "errorpage/frame-ancestors-stands-in", profile: "modern",
			why:       "HTML Standard: an enforced frame-ancestors governs framing, so an error page without X-Frame-Options but with frame-ancestors 'none' is protected",
			root:      resp{lines: strictHeaders},
			errorPage: &resp{lines: "Content-Security-Policy: default-src 'none'; " + strictTail + "\nX-Content-Type-Options: nosniff\nReferrer-Policy: no-referrer\n" + goodHSTS},
			want:      m{"headers.error-page": pass}, absent: []string{"headers.error-page[x-frame-options]"}},
		{name: "errorpage/unasked-header", profile: "modern", why: "OWASP: X-XSS-Protection absent is fine under modern, so its absence on an error page is no finding",
			root: resp{lines: strictHeaders + "\nX-XSS-Protection: 0"}, errorPage: &resp{lines: strictHeaders},
			want: m{"headers.error-page": pass}, absent: []string{"headers.error-page[x-xss-protection]"}},
		{name: "errorpage/redirect", profile: "modern", why: "Fetch: a redirect response is not rendered, so its missing headers protect nothing",
			root: resp{lines: strictHeaders}, errorPage: &resp{status: 302, lines: "Location: /login"},
			absent: []string{"headers.error-page", "headers.error-page[content-security-policy]"}},
		{name: "errorpage/pleroma-plug", profile: "pleroma", noFail: true,
			why:       "recorded: Pleroma's plug sends its headers on every response, 404s too",
			root:      resp{file: "pleroma-2.7_default_GET-root.http"},
			errorPage: &resp{file: "pleroma-2.7_default_GET-root.http", status: 404},
			want:      m{"headers.error-page": pass, "hsts": fail}},
		{name: "errorpage/location-drops-server-headers", profile: "pleroma",
			why:       "nginx: a location with add_header lines of its own inherits none of the server's; a 404 from a location with only Cache-Control lacks them all",
			root:      resp{file: "pleroma-2.7_default_GET-root.http"},
			errorPage: &resp{lines: "Server: nginx\nCache-Control: no-store"},
			want: m{"headers.error-page[content-security-policy]": warn, "headers.error-page[x-frame-options]": warn,
				"headers.error-page[x-content-type-options]": warn, "headers.error-page[referrer-policy]": warn,
				"headers.error-page[x-permitted-cross-domain-policies]": warn, "headers.error-page[x-xss-protection]": info,
				"headers.error-page[x-download-options]": info}},
	}
}

func nonceReuseCases() []judgeCase {
	long := "'nonce-rAnd0mK3yFr0mTheD0cs+Y2E2ZDdlOGY5'"
	static := func(nonce string) string {
		return "Content-Security-Policy: default-src 'self'; script-src " + nonce + "; " + strictTail
	}
	return []judgeCase{
		{name: "nonce/static-long", profile: "modern",
			why:  "CSP3 §7.1: a nonce must be unique per response; one pasted into nginx's config is in every response, so an injected <script nonce> runs",
			root: resp{lines: static(long)}, again: &resp{lines: static(long)}, body: `<html><head><script nonce="rAnd0mK3yFr0mTheD0cs+Y2E2ZDdlOGY5">go()</script></head></html>`,
			want: m{"csp.nonce[script-src]": fail}, reasons: map[string]string{"csp.nonce[script-src]": "reused"}, mention: map[string]string{"csp.nonce[script-src]": "<script> elements carry it"}},
		{name: "nonce/static-short", profile: "modern", why: "CSP3 §7.1: short and the same in both responses: reuse is the worse fault, one finding",
			root: resp{lines: static("'nonce-2726c7f26c'")}, again: &resp{lines: static("'nonce-2726c7f26c'")},
			want: m{"csp.nonce[script-src]": fail}, reasons: map[string]string{"csp.nonce[script-src]": "reused"}},
		{name: "nonce/fresh", profile: "modern", why: "CSP3 §7.1: a new nonce on each response is what nonces are",
			root: resp{lines: static(nonce)}, again: &resp{lines: static("'nonce-0a1b2c3d4e5f60718293a4b5'")},
			absent: []string{"csp.nonce[script-src]"}},
		{name: "nonce/not-refetched", profile: "modern", why: "without a second response nothing says the nonce repeats",
			root: resp{lines: static(nonce)}, absent: []string{"csp.nonce[script-src]"}},
		{name: "nonce/style-only", profile: "modern", why: "CSP3 §7.1: a reused style nonce lets injected styles in, not scripts: a warning",
			root:  resp{lines: "Content-Security-Policy: default-src 'self'; style-src 'self' " + nonce + "; " + strictTail},
			again: &resp{lines: "Content-Security-Policy: default-src 'self'; style-src 'self' " + nonce + "; " + strictTail},
			want:  m{"csp.nonce[style-src]": warn}, reasons: map[string]string{"csp.nonce[style-src]": "reused"}},
		{name: "nonce/shared-cache", profile: "mastodon",
			why:     "CSP3 §7.1: Mastodon's shipped nginx caches the public page (proxy_cache, max-age=15), so visitors share its style nonce",
			root:    resp{file: "mastodon-4.3_nginx_GET-root.http"},
			again:   &resp{file: "mastodon-4.3_nginx_GET-root.http", strip: []string{"X-Cached"}, lines: "X-Cached: HIT"},
			want:    m{"csp.nonce[style-src]": warn, "csp.style-src": pass},
			reasons: map[string]string{"csp.nonce[style-src]": "reused-cached"}, mention: map[string]string{"csp.nonce[style-src]": "X-Cached: HIT"}},
		{name: "nonce/other-policy-blocks-inline", profile: "modern",
			why:   "CSP3 §4.2.2: a second enforced policy without the nonce blocks nonced inline scripts, so the reused nonce runs nothing",
			root:  resp{lines: static(nonce) + "\nContent-Security-Policy: script-src 'self'"},
			again: &resp{lines: static(nonce) + "\nContent-Security-Policy: script-src 'self'"},
			want:  m{"csp.nonce[script-src]": warn}},
	}
}

func siteDownCases() []judgeCase {
	nginx502 := resp{status: 502, lines: "Server: nginx/1.22.1\nContent-Type: text/html"}
	return []judgeCase{
		{name: "down/nginx-502", profile: "pleroma",
			why:  "contract: a 5xx root is a down application; the headers its error page lacks are unknown (info, site-down), not failures",
			root: nginx502, errorPage: &resp{status: 502, lines: "Server: nginx/1.22.1"},
			want:    m{"site.down": fail, "csp": info, "x-frame-options": info, "x-content-type-options": info, "hsts": info, "referrer-policy": info},
			reasons: map[string]string{"site.down": "server-error", "csp": "site-down", "hsts": "site-down", "x-frame-options": "site-down", "hsts.preload": "site-down"},
			absent:  []string{"headers.error-page"}},
		{name: "down/headers-nginx-sends", profile: "modern",
			why:     "contract: the headers the error page does carry are judged as usual: nginx's own short HSTS (RFC 6797 §6.1.1)",
			root:    resp{status: 503, lines: "Strict-Transport-Security: max-age=300\nX-Content-Type-Options: nosniff"},
			want:    m{"site.down": fail, "x-content-type-options": pass, "csp": info},
			reasons: map[string]string{"hsts": "max-age-short", "csp": "site-down"}, atLeast: m{"hsts": warn}},
		{name: "down/up", profile: "pleroma", why: "a 200 root: the application answered",
			root: resp{file: "pleroma-2.7_default_GET-root.http"}, want: m{"site.down": pass, "hsts": fail}},
		{name: "down/404-root", profile: "modern", why: "RFC 9110 §15.5: a 4xx is the application's answer, not a down application",
			root: resp{status: 404}, want: m{"site.down": pass, "csp": fail}},
	}
}

func bypassCases() []judgeCase {
	csp := func(scriptSrc string) string {
		return "Content-Security-Policy: default-src 'self'; script-src " + scriptSrc + "; " + strictTail
	}
	return []judgeCase{
		{name: "bypass/google-jsonp", profile: "modern",
			why:  "CSP Evaluator allow-list bypass (high): www.google.com serves JSONP, which runs the caller's function",
			root: resp{lines: csp("'self' https://www.google.com")},
			want: m{"csp.bypass-host[https://www.google.com]": fail}, reasons: map[string]string{"csp.bypass-host[https://www.google.com]": "jsonp"}},
		{name: "bypass/cdnjs-angular", profile: "modern",
			why:  "CSP Evaluator: cdnjs.cloudflare.com serves AngularJS 1.x, whose templates run script",
			root: resp{lines: csp("'self' cdnjs.cloudflare.com")},
			want: m{"csp.bypass-host[cdnjs.cloudflare.com]": fail}, reasons: map[string]string{"csp.bypass-host[cdnjs.cloudflare.com]": "angular"}},
		{name: "bypass/wildcard", profile: "modern", why: "CSP3 §6.7.2.6: *.googleapis.com matches ajax.googleapis.com, which serves both",
			root: resp{lines: csp("'self' *.googleapis.com")}, want: m{"csp.bypass-host[*.googleapis.com]": fail}},
		{name: "bypass/path-restricted", profile: "modern", why: "CSP3 §6.7.2.10: a path source matches only its path, not the JSONP endpoints",
			root: resp{lines: csp("'self' https://www.google.com/recaptcha/")}, absent: []string{"csp.bypass-host[https://www.google.com/recaptcha/]"}},
		{name: "bypass/strict-dynamic", profile: "modern", why: "CSP3 §8.2: 'strict-dynamic' makes browsers ignore host sources",
			root: resp{lines: csp(nonce + " 'strict-dynamic' https://www.google.com")}, absent: []string{"csp.bypass-host[https://www.google.com]"}},
		{name: "bypass/needs-eval", profile: "modern", why: "CSP Evaluator needsEval: Google Tag Manager's JSONP bypass needs 'unsafe-eval'",
			root: resp{lines: csp("'self' www.googletagmanager.com")}, absent: []string{"csp.bypass-host[www.googletagmanager.com]"}},
		{name: "bypass/needs-eval-with-eval", profile: "modern", why: "CSP Evaluator needsEval: with 'unsafe-eval' the GTM endpoint bypasses",
			root: resp{lines: csp("'self' 'unsafe-eval' www.googletagmanager.com")}, want: m{"csp.bypass-host[www.googletagmanager.com]": fail, "csp.script-src": fail}},
		{name: "bypass/other-policy-blocks", profile: "modern", why: "CSP3 §4.2.2: a second policy allowing only 'self' blocks the host",
			root:   resp{lines: csp("'self' https://www.google.com") + "\nContent-Security-Policy: script-src 'self'"},
			absent: []string{"csp.bypass-host[https://www.google.com]"}},
		{name: "bypass/wide-source-counted-once", profile: "modern", why: "contract: https: in script-src already fails csp.script-src; no host list on top",
			root: resp{lines: csp("'self' https:")}, want: m{"csp.script-src": fail}, absent: []string{"csp.bypass-host[https:]"}},
	}
}
