package check

import "slices"

// Spec references the entries share.
const (
	refRFC6797     = "https://www.rfc-editor.org/rfc/rfc6797"
	refCSP3        = "https://www.w3.org/TR/CSP3/"
	refCookies     = "https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis"
	refSystemdExec = "https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html"
	refPleromaHard = "https://docs-develop.pleroma.social/backend/configuration/hardening/"
	refPleromaSec  = "https://docs-develop.pleroma.social/backend/configuration/cheatsheet/#http_security"
	refOWASPHeader = "https://owasp.org/www-project-secure-headers/"
)

// cspReasons are what a directive's check can say.
var cspReasons = []string{"absent", "extra-source", "wide-source", "wasm-unsafe-eval", "unsafe-inline", "unsafe-eval", "unsafe-hashes", "self"}

// headerReasons are what every header check can say; each adds its own.
var headerReasons = []string{"absent", "invalid"}

func headerCheck(id, title string, refs []string, more ...string) Check {
	return Check{ID: id, Title: title, Reasons: append(append([]string{}, headerReasons...), more...), Refs: refs}
}

func init() {
	Register(
		Check{ID: HTTPSRedirect, Title: "plain HTTP redirects to HTTPS on the same host first",
			Reasons: []string{"refused", "no-answer", "not-probed", "no-redirect", "not-https", "other-host"},
			Refs:    []string{refRFC6797 + "#section-7.2", "https://hstspreload.org/#submission-requirements"}},
		Check{ID: TLSCertificate, Title: "the certificate chain verifies for the host",
			Reasons: []string{"not-verified", "invalid"}, Refs: []string{"https://www.rfc-editor.org/rfc/rfc5280#section-6"}},
		Check{ID: TLSVersion, Title: "the negotiated TLS version is 1.2 or newer (RFC 8996)",
			Reasons: []string{"obsolete"}, Refs: []string{"https://www.rfc-editor.org/rfc/rfc8996"}},
		Check{ID: TLSExpiry, Title: "days until the certificate expires (warn under 21, fail under 7)",
			Reasons: []string{"expired", "expires-soon", "expiring"}, Refs: []string{"https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5"}},
		Check{ID: BackendExposed, Title: "the application's own port does not answer from outside",
			Reasons: []string{"http-answers", "open"}, Refs: []string{refPleromaHard}},
		Check{ID: ResponseTruncated, Title: "a response was larger than hardscan reads (body or Set-Cookie caps), or its body could not be decoded",
			Reasons: []string{"body", "cookies", "undecoded"}},
		Check{ID: RedirectDowngrade, Title: "an https response redirects to plain http",
			Reasons: []string{"downgrade"}, Refs: []string{"https://fetch.spec.whatwg.org/#http-redirect-fetch"}},
		Check{ID: RedirectStopped, Title: "a redirect chain hardscan stopped following (loop, too long, odd scheme, a host the exporter may not reach)",
			Reasons: []string{"stopped", "outside-allow"}, Refs: []string{"https://fetch.spec.whatwg.org/#http-redirect-fetch"}},

		Check{ID: HSTS, Title: "Strict-Transport-Security: one header, valid, max-age at least the profile's minimum",
			Reasons: []string{"absent", "duplicate", "invalid", "max-age-zero", "max-age-short", "no-include-subdomains"},
			Refs:    []string{refRFC6797 + "#section-6.1", "https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Strict-Transport-Security"}},
		Check{ID: HSTSSyntax, Title: "empty or repeated directives in a valid Strict-Transport-Security value (information)",
			Reasons: []string{"empty-directive", "repeated-directive"}, Refs: []string{refRFC6797 + "#section-6.1"}},
		Check{ID: HSTSPreload, Title: "whether the host meets hstspreload.org's submission rules (information only)",
			Reasons: []string{"not-eligible", "site-down"}, Refs: []string{"https://hstspreload.org/#submission-requirements"}},

		Check{ID: CSP, Title: "an enforced Content-Security-Policy exists and parses",
			Reasons: []string{"absent", "report-only", "empty"}, Refs: []string{refCSP3, "https://developer.mozilla.org/en-US/docs/Web/HTTP/CSP"}},
		Check{ID: "csp.<directive>", Title: "each CSP directive the profile names, compared as source sets with CSP3 fallback",
			Reasons: cspReasons, Refs: []string{refCSP3 + "#csp-directives"}},
		Check{ID: CSPReportOnly, Title: "a Report-Only policy: reported, never counted as protection",
			Reasons: []string{"report-only"}, Refs: []string{refCSP3 + "#cspro-header"}},
		Check{ID: CSPSyntax, Title: "unknown directives, bad keywords, repeated directives",
			Reasons: []string{"syntax", "missing-semicolon"}, Refs: []string{refCSP3 + "#parse-serialized-policy"}},
		Check{ID: CSPDeprecated, Title: "deprecated CSP directives",
			Reasons: []string{"deprecated"}, Refs: []string{refCSP3 + "#changes-from-level-2"}},
		Check{ID: CSPHTTPSource, Title: "sources loaded over plain http that every enforced policy allows",
			Reasons: []string{"http", "http-report"}, Refs: []string{refCSP3 + "#match-url-to-source-expression", refCSP3 + "#directive-report-uri"}},
		Check{ID: CSPIPSource, Title: "sources given as IP addresses",
			Reasons: []string{"ip"}, Refs: []string{refCSP3 + "#match-hosts"}},
		Check{ID: CSPNonce, Title: "nonces long enough to be unguessable, and fresh on every response",
			Reasons: []string{"short", "reused", "reused-cached"}, Refs: []string{refCSP3 + "#security-nonces"}},
		Check{ID: CSPMeta, Title: "policies declared in <meta http-equiv> in the HTML head",
			Reasons: []string{"meta", "meta-ignored"}, Refs: []string{refCSP3 + "#meta-element"}},

		headerCheck(XFrameOptions, "X-Frame-Options, unless CSP frame-ancestors governs framing",
			[]string{"https://html.spec.whatwg.org/multipage/document-lifecycle.html#the-x-frame-options-header"},
			"allow-from", "weaker", "ignored", "frame-ancestors", "control-bytes"),
		headerCheck(XContentTypeOptions, "X-Content-Type-Options: nosniff",
			[]string{"https://fetch.spec.whatwg.org/#x-content-type-options-header"}, "control-bytes"),
		headerCheck(XXSSProtection, "X-XSS-Protection as the profile expects (obsolete)",
			[]string{"https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-XSS-Protection", refOWASPHeader}, "unsafe", "legacy", "obsolete"),
		headerCheck(XPermittedCrossDomainPolicies, "X-Permitted-Cross-Domain-Policies (Flash and Acrobat)",
			[]string{refOWASPHeader}, "weaker", "obsolete"),
		headerCheck(XDownloadOptions, "X-Download-Options: noopen (Internet Explorer)",
			[]string{refOWASPHeader}, "weaker", "obsolete"),
		headerCheck(ExpectCT, "Expect-CT as the profile expects (obsolete)",
			[]string{"https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Expect-CT"}, "no-enforce", "max-age-short", "obsolete"),
		headerCheck(ReferrerPolicy, "Referrer-Policy (header and <meta name=referrer>) at least as strict as expected",
			[]string{"https://www.w3.org/TR/referrer-policy/"}, "unsafe", "weaker", "duplicate"),
		headerCheck(PermissionsPolicy, "Permissions-Policy parses as a structured field dictionary",
			[]string{"https://www.w3.org/TR/permissions-policy/"}, "weaker"),
		headerCheck(CrossOriginOpenerPolicy, "Cross-Origin-Opener-Policy",
			[]string{"https://html.spec.whatwg.org/multipage/browsers.html#cross-origin-opener-policies"}, "weaker"),
		headerCheck(CrossOriginResourcePolicy, "Cross-Origin-Resource-Policy",
			[]string{"https://fetch.spec.whatwg.org/#cross-origin-resource-policy-header"}, "weaker"),
		headerCheck(CrossOriginEmbedderPolicy, "Cross-Origin-Embedder-Policy",
			[]string{"https://html.spec.whatwg.org/multipage/browsers.html#coep"}, "weaker"),
		Check{ID: HeaderDeprecated, Title: "a header browsers no longer use that the profile does not ask for (Feature-Policy)",
			Reasons: []string{"obsolete"}, Refs: []string{"https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Permissions-Policy"}},
		Check{ID: HeaderFingerprint, Title: "headers that reveal software and versions",
			Reasons: []string{"server-version", "revealing-header"}, Refs: []string{"https://www.rfc-editor.org/rfc/rfc9110#section-10.2.4", refOWASPHeader}},

		Check{ID: CookieSecure, Title: "each cookie is Secure and never set over plain HTTP",
			Reasons: []string{"set-over-http", "no-secure"}, Refs: []string{refCookies + "#section-4.1.2.5"}},
		Check{ID: CookieHTTPOnly, Title: "session cookies are HttpOnly",
			Reasons: []string{"no-httponly"}, Refs: []string{refCookies + "#section-4.1.2.6"}},
		Check{ID: CookieSameSite, Title: "session cookies carry SameSite at least as strict as expected",
			Reasons: []string{"weaker"}, Refs: []string{refCookies + "#section-4.1.2.7"}},
		Check{ID: CookiePrefix, Title: "the session cookie uses the __Host- or __Secure- prefix the profile expects",
			Reasons: []string{"no-prefix"}, Refs: []string{refCookies + "#section-4.1.3"}},
		Check{ID: CookieDomain, Title: "the session cookie is host-only (no Domain that reaches subdomains)",
			Reasons: []string{"subdomains"}, Refs: []string{refCookies + "#section-4.1.2.3"}},
		Check{ID: CookieRejected, Title: "a cookie a browser refuses to store (prefix rules, SameSite=None without Secure, foreign or public-suffix Domain)",
			Reasons: []string{"prefix-rules", "public-suffix-domain", "foreign-domain", "samesite-none-insecure", "secure-over-http", "nameless-prefix"},
			Refs:    []string{refCookies + "#section-5.7"}},
		Check{ID: CookieSession, Title: "whether the session cookie was seen at all",
			Reasons: []string{"not-seen"}},
		Check{ID: CookieStorage, Title: "Set-Cookie lines that delete a cookie or replace an earlier one, as the browser's store applies them (information)",
			Reasons: []string{"deleted", "replaced"}, Refs: []string{refCookies + "#section-5.7"}},

		Check{ID: "unit.<Directive>", Title: "each sandboxing directive of the systemd unit (the guide's: PrivateTmp, ProtectHome, ProtectSystem, PrivateDevices, NoNewPrivileges, CapabilityBoundingSet; others as info)",
			Reasons: []string{"off", "off-home-used", "hides-service", "weak", "cap-sys-admin"}, Refs: []string{refSystemdExec, refPleromaHard}},
		Check{ID: UnitExposure, Title: "an exposure score from 0 (best) to 10 over the sandboxing directives, like systemd-analyze security",
			Reasons: []string{"score"}, Refs: []string{"https://www.freedesktop.org/software/systemd/man/latest/systemd-analyze.html"}},
		Check{ID: UnitSyntax, Title: "lines of a unit file that systemd would ignore",
			Reasons: []string{"ignored-lines"}, Refs: []string{"https://www.freedesktop.org/software/systemd/man/latest/systemd.syntax.html"}},
		Check{ID: "config.<key>", Title: "each Pleroma/Akkoma setting the guide names (http.ip, secure_cookie_flag, http_security.*)",
			Reasons: []string{"unknown", "exposed", "not-an-address", "off", "not-boolean", "no-effect", "short", "not-integer", "obsolete", "not-string", "invalid", "weaker"},
			Refs:    []string{refPleromaHard, refPleromaSec}},
		Check{ID: ConfigParse, Title: "statements of a config file that hardscan could not read",
			Reasons: []string{"skipped"}},
	)
	// On a site whose application is down (site.down), a header the error
	// page lacks is unknown rather than absent: every check that can say
	// absent can say site-down instead.
	for _, c := range all {
		if !c.Family() && slices.Contains(c.Reasons, "absent") {
			c.Reasons = append(c.Reasons, "site-down")
		}
	}
}
