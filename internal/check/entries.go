package check

// The catalogue: one table, the entries below, with the members of the
// families in entries_members.go and the fixes in fixes_*.go. It is built
// from this package alone, so that validation, --list-checks and every
// output are the same in every binary, whatever it links.

// The check ids. Judges name checks by these constants; a family (CSP
// directives, unit directives, config keys) by the helpers below them.
const (
	HTTPSRedirect     = "https.redirect"
	HTTPSRedirectPath = "https.redirect.path"
	SiteDown          = "site.down"
	HeadersErrorPage  = "headers.error-page"
	TLSCertificate    = "tls.certificate"
	TLSVersion        = "tls.version"
	TLSExpiry         = "tls.expiry"
	BackendExposed    = "backend.exposed"
	ResponseTruncated = "response.truncated"
	RedirectDowngrade = "redirect.downgrade"
	RedirectStopped   = "redirect.stopped"

	HSTS        = "hsts"
	HSTSPreload = "hsts.preload"
	HSTSSyntax  = "hsts.syntax"

	CSP           = "csp"
	CSPReportOnly = "csp.report-only"
	CSPSyntax     = "csp.syntax"
	CSPDeprecated = "csp.deprecated"
	CSPHTTPSource = "csp.http-source"
	CSPIPSource   = "csp.ip-source"
	CSPNonce      = "csp.nonce"
	CSPMeta       = "csp.meta"
	CSPBypassHost = "csp.bypass-host"

	XFrameOptions                 = "x-frame-options"
	XContentTypeOptions           = "x-content-type-options"
	XXSSProtection                = "x-xss-protection"
	XPermittedCrossDomainPolicies = "x-permitted-cross-domain-policies"
	XDownloadOptions              = "x-download-options"
	ExpectCT                      = "expect-ct"
	ReferrerPolicy                = "referrer-policy"
	PermissionsPolicy             = "permissions-policy"
	CrossOriginOpenerPolicy       = "cross-origin-opener-policy"
	CrossOriginResourcePolicy     = "cross-origin-resource-policy"
	CrossOriginEmbedderPolicy     = "cross-origin-embedder-policy"
	OriginAgentCluster            = "origin-agent-cluster"
	HeaderDeprecated              = "header.deprecated"
	HeaderFingerprint             = "header.fingerprint"

	CookieSecure   = "cookie.secure"
	CookieHTTPOnly = "cookie.httponly"
	CookieSameSite = "cookie.samesite"
	CookiePrefix   = "cookie.prefix"
	CookieDomain   = "cookie.domain"
	CookieRejected = "cookie.rejected"
	CookieSession  = "cookie.session"
	CookieStorage  = "cookie.storage"

	UnitExposure = "unit.exposure"
	UnitSyntax   = "unit.syntax"

	ConfigParse = "config.parse"
)

// CSPDirective is the id of the check of one CSP directive.
func CSPDirective(name string) string { return "csp." + name }

// Unit is the id of the check of one systemd directive.
func Unit(directive string) string { return "unit." + directive }

// Config is the id of the check of one config key (http.ip, http_security.sts).
func Config(key string) string { return "config." + key }

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
var cspReasons = []Reason{Absent, ExtraSource, WideSource, WasmUnsafeEval, UnsafeInline, UnsafeEval, UnsafeHashes, Self}

// headerCheck is the entry of the check of one response header: absent
// and invalid, and the reasons its comparator adds. Its id is the
// header's name in lower case.
func headerCheck(h Header, title string, refs []string, more ...Reason) Check {
	return Check{ID: lower(h.Name), Title: title, Header: &h, Reasons: append([]Reason{Absent, Invalid}, more...), Refs: refs}
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// entries is the catalogue, in the order headers.error-page compares the
// headers; --list-checks sorts it by id.
var entries = []Check{
	Check{ID: HTTPSRedirect, Title: "plain HTTP redirects to HTTPS on the same host first",
		Reasons: []Reason{Refused, NoAnswer, NotProbed, NoRedirect, NotHTTPS, OtherHost},
		Refs:    []string{refRFC6797 + "#section-7.2", "https://hstspreload.org/#submission-requirements"}},
	Check{ID: TLSCertificate, Title: "the certificate chain verifies for the host",
		Reasons: []Reason{NotVerified, Invalid}, Refs: []string{"https://www.rfc-editor.org/rfc/rfc5280#section-6"}},
	Check{ID: TLSVersion, Title: "the negotiated TLS version is 1.2 or newer (RFC 8996)",
		Reasons: []Reason{Obsolete}, Refs: []string{"https://www.rfc-editor.org/rfc/rfc8996"}},
	Check{ID: TLSExpiry, Title: "days until the certificate expires (warn under 21, fail under 7)",
		Reasons: []Reason{Expired, ExpiresSoon, Expiring}, Refs: []string{"https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5"}},
	Check{ID: BackendExposed, Title: "the application's own port does not answer from outside",
		Reasons: []Reason{HTTPAnswers, Open}, Refs: []string{refPleromaHard}},
	Check{ID: ResponseTruncated, Title: "a response was larger than hardscan reads (body or Set-Cookie caps), or its body could not be decoded",
		Reasons: []Reason{CappedBody, CappedCookies, Undecoded}},
	Check{ID: RedirectDowngrade, Title: "an https response redirects to plain http",
		Reasons: []Reason{Downgrade}, Refs: []string{"https://fetch.spec.whatwg.org/#http-redirect-fetch"}},
	Check{ID: RedirectStopped, Title: "a redirect chain hardscan stopped following (loop, too long, odd scheme, a host the exporter may not reach)",
		Reasons: []Reason{Stopped, OutsideAllow}, Refs: []string{"https://fetch.spec.whatwg.org/#http-redirect-fetch"}},

	Check{ID: CSP, Title: "an enforced Content-Security-Policy exists and parses",
		Header:  &Header{Name: "Content-Security-Policy", ErrorPages: true},
		Reasons: []Reason{Absent, ReportOnly, Empty}, Refs: []string{refCSP3, "https://developer.mozilla.org/en-US/docs/Web/HTTP/CSP"}},
	Check{ID: "csp.<directive>", Title: "each CSP directive the profile names, compared as source sets with CSP3 fallback",
		Reasons: cspReasons, Refs: []string{refCSP3 + "#csp-directives"},
		// deprecated directives, which a profile may still name
		Unlisted: []string{"block-all-mixed-content", "disown-opener", "navigate-to", "plugin-types", "prefetch-src",
			"referrer", "reflected-xss", "require-sri-for"}},
	Check{ID: CSPReportOnly, Title: "a Report-Only policy: reported, never counted as protection",
		Reasons: []Reason{ReportOnly}, Refs: []string{refCSP3 + "#cspro-header"}},
	Check{ID: CSPSyntax, Title: "unknown directives, bad keywords, repeated directives",
		Reasons: []Reason{Syntax, MissingSemicolon}, Refs: []string{refCSP3 + "#parse-serialized-policy"}},
	Check{ID: CSPDeprecated, Title: "deprecated CSP directives",
		Reasons: []Reason{Deprecated}, Refs: []string{refCSP3 + "#changes-from-level-2"}},
	Check{ID: CSPHTTPSource, Title: "sources loaded over plain http that every enforced policy allows",
		Reasons: []Reason{PlainHTTP, HTTPReport}, Refs: []string{refCSP3 + "#match-url-to-source-expression", refCSP3 + "#directive-report-uri"}},
	Check{ID: CSPIPSource, Title: "sources given as IP addresses",
		Reasons: []Reason{IPAddress}, Refs: []string{refCSP3 + "#match-hosts"}},
	Check{ID: CSPNonce, Title: "nonces long enough to be unguessable, and fresh on every response",
		Reasons: []Reason{Short, Reused, ReusedCached}, Refs: []string{refCSP3 + "#security-nonces"}},
	Check{ID: CSPMeta, Title: "policies declared in <meta http-equiv> in the HTML head",
		Reasons: []Reason{Meta, MetaIgnored}, Refs: []string{refCSP3 + "#meta-element"}},

	Check{ID: HSTS, Title: "Strict-Transport-Security: one header, valid, max-age at least the profile's minimum",
		Header:  &Header{Name: "Strict-Transport-Security", ErrorPages: true},
		Reasons: []Reason{Absent, Duplicate, Invalid, MaxAgeZero, MaxAgeShort, NoIncludeSubdomains},
		Refs:    []string{refRFC6797 + "#section-6.1", "https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Strict-Transport-Security"}},
	Check{ID: HSTSSyntax, Title: "empty or repeated directives in a valid Strict-Transport-Security value (information)",
		Reasons: []Reason{EmptyDirective, RepeatedDirective}, Refs: []string{refRFC6797 + "#section-6.1"}},
	Check{ID: HSTSPreload, Title: "whether the host meets hstspreload.org's submission rules (information only)",
		Reasons: []Reason{NotEligible, SiteDownReason}, Refs: []string{"https://hstspreload.org/#submission-requirements"}},

	headerCheck(Header{Name: "X-Frame-Options", Recommended: "DENY", ErrorPages: true},
		"X-Frame-Options, unless CSP frame-ancestors governs framing",
		[]string{"https://html.spec.whatwg.org/multipage/document-lifecycle.html#the-x-frame-options-header"},
		AllowFrom, Weaker, Ignored, FrameAncestors, ControlBytes),
	headerCheck(Header{Name: "X-Content-Type-Options", Recommended: "nosniff", ErrorPages: true},
		"X-Content-Type-Options: nosniff",
		[]string{"https://fetch.spec.whatwg.org/#x-content-type-options-header"}, ControlBytes),
	headerCheck(Header{Name: "Referrer-Policy", Recommended: "strict-origin-when-cross-origin", ErrorPages: true},
		"Referrer-Policy (header and <meta name=referrer>) at least as strict as expected",
		[]string{"https://www.w3.org/TR/referrer-policy/"}, Unsafe, Weaker, Duplicate),
	// Pleroma (2.4 on) and Akkoma send Permissions-Policy: interest-cohort=()
	// and nothing else, which no setting changes: the usual header fixes,
	// web servers only.
	headerCheck(Header{Name: "Permissions-Policy", Recommended: "camera=(), microphone=(), geolocation=()", ErrorPages: true},
		"Permissions-Policy parses as a structured field dictionary",
		[]string{"https://www.w3.org/TR/permissions-policy/"}, Weaker),
	headerCheck(Header{Name: "Cross-Origin-Opener-Policy", Recommended: "same-origin", ErrorPages: true},
		"Cross-Origin-Opener-Policy",
		[]string{"https://html.spec.whatwg.org/multipage/browsers.html#cross-origin-opener-policies"}, Weaker),
	headerCheck(Header{Name: "Cross-Origin-Resource-Policy", Recommended: "same-site", ErrorPages: true},
		"Cross-Origin-Resource-Policy",
		[]string{"https://fetch.spec.whatwg.org/#cross-origin-resource-policy-header"}, Weaker),
	headerCheck(Header{Name: "Cross-Origin-Embedder-Policy", Recommended: "require-corp", ErrorPages: true},
		"Cross-Origin-Embedder-Policy",
		[]string{"https://html.spec.whatwg.org/multipage/browsers.html#coep"}, Weaker),
	headerCheck(Header{Name: "X-Permitted-Cross-Domain-Policies", Recommended: "none", ErrorPages: true,
		Obsolete: "X-Permitted-Cross-Domain-Policies only concerns Flash and Acrobat policy files"},
		"X-Permitted-Cross-Domain-Policies (Flash and Acrobat)",
		[]string{refOWASPHeader}, Weaker, Obsolete),
	headerCheck(Header{Name: "X-XSS-Protection", Recommended: "0", ErrorPages: true,
		Obsolete: "no current browser reads it (their XSS auditors are gone), so it needs no change"},
		"X-XSS-Protection as the profile expects (obsolete)",
		[]string{"https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-XSS-Protection", refOWASPHeader}, Unsafe, Legacy, Obsolete),
	headerCheck(Header{Name: "X-Download-Options", Recommended: "noopen", ErrorPages: true,
		Obsolete: "X-Download-Options only concerns Internet Explorer"},
		"X-Download-Options: noopen (Internet Explorer)",
		[]string{refOWASPHeader}, Weaker, Obsolete),
	headerCheck(Header{Name: "Expect-CT", Recommended: "max-age=0",
		Obsolete: "Expect-CT is obsolete: Chrome 107 removed it and Firefox never had it"},
		"Expect-CT as the profile expects (obsolete)",
		[]string{"https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Expect-CT"}, NoEnforce, MaxAgeShort, Obsolete),
	headerCheck(Header{Name: "Origin-Agent-Cluster", Recommended: "?1", ErrorPages: true},
		"Origin-Agent-Cluster: ?1, an origin-keyed agent cluster (no document.domain; a process of its own where the browser can)",
		[]string{"https://html.spec.whatwg.org/multipage/browsers.html#origin-keyed-agent-clusters"}, Weaker),
	Check{ID: HeaderDeprecated, Title: "a header browsers no longer use that the profile does not ask for (Feature-Policy)",
		Reasons: []Reason{Obsolete}, Refs: []string{"https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Permissions-Policy"}},
	Check{ID: HeaderFingerprint, Title: "headers that reveal software and versions",
		Reasons: []Reason{ServerVersion, RevealingHeader}, Refs: []string{"https://www.rfc-editor.org/rfc/rfc9110#section-10.2.4", refOWASPHeader}},

	Check{ID: CookieSecure, Title: "each cookie is Secure and never set over plain HTTP",
		Reasons: []Reason{SetOverHTTP, NoSecure}, Refs: []string{refCookies + "#section-4.1.2.5"}},
	Check{ID: CookieHTTPOnly, Title: "session cookies are HttpOnly",
		Reasons: []Reason{NoHTTPOnly}, Refs: []string{refCookies + "#section-4.1.2.6"}},
	Check{ID: CookieSameSite, Title: "session cookies carry SameSite at least as strict as expected",
		Reasons: []Reason{Weaker}, Refs: []string{refCookies + "#section-4.1.2.7"}},
	Check{ID: CookiePrefix, Title: "the session cookie uses the __Host- or __Secure- prefix the profile expects",
		Reasons: []Reason{NoPrefix}, Refs: []string{refCookies + "#section-4.1.3"}},
	Check{ID: CookieDomain, Title: "the session cookie is host-only (no Domain that reaches subdomains)",
		Reasons: []Reason{Subdomains}, Refs: []string{refCookies + "#section-4.1.2.3"}},
	Check{ID: CookieRejected, Title: "a cookie a browser refuses to store (prefix rules, SameSite=None without Secure, foreign or public-suffix Domain)",
		Reasons: []Reason{PrefixRules, PublicSuffixDomain, ForeignDomain, SameSiteNoneInsecure, SecureOverHTTP, NamelessPrefix},
		Refs:    []string{refCookies + "#section-5.7"}},
	Check{ID: CookieSession, Title: "whether the session cookie was seen at all",
		Reasons: []Reason{NotSeen}},
	Check{ID: CookieStorage, Title: "Set-Cookie lines that delete a cookie or replace an earlier one, as the browser's store applies them (information)",
		Reasons: []Reason{Deleted, Replaced}, Refs: []string{refCookies + "#section-5.7"}},

	Check{ID: "unit.<Directive>", Title: "each sandboxing directive of the systemd unit (the guide's: PrivateTmp, ProtectHome, ProtectSystem, PrivateDevices, NoNewPrivileges, CapabilityBoundingSet; others as info)",
		Reasons: []Reason{Off, OffHomeUsed, HidesService, Weak, CapSysAdmin}, Refs: []string{refSystemdExec, refPleromaHard}},
	Check{ID: UnitExposure, Title: "an exposure score from 0 (best) to 10 over the sandboxing directives, like systemd-analyze security",
		Reasons: []Reason{Score}, Refs: []string{"https://www.freedesktop.org/software/systemd/man/latest/systemd-analyze.html"}},
	Check{ID: UnitSyntax, Title: "lines of a unit file that systemd would ignore",
		Reasons: []Reason{IgnoredLines}, Refs: []string{"https://www.freedesktop.org/software/systemd/man/latest/systemd.syntax.html"}},
	Check{ID: "config.<key>", Title: "each Pleroma/Akkoma setting the guide names (http.ip, secure_cookie_flag, http_security.*)",
		Reasons: []Reason{Unknown, Exposed, NotAnAddress, Off, NotBoolean, NoEffect, Short, NotInteger, Obsolete, NotString, Invalid, Weaker},
		Refs:    []string{refPleromaHard, refPleromaSec}},
	Check{ID: ConfigParse, Title: "statements of a config file that hardscan could not read",
		Reasons: []Reason{Skipped}},

	// what admins forget beyond the front page: deep redirects, error
	// pages, a down application, allow-list bypass hosts
	Check{ID: HTTPSRedirectPath, Title: "the HTTP redirect of a deep URL keeps its path and query, on the same host",
		Reasons: []Reason{HostMangled, PathLost, QueryLost, OtherHost, NotHTTPS, NoRedirect, NoAnswer},
		Refs:    []string{"https://httpd.apache.org/docs/2.4/mod/mod_alias.html#redirect", "https://www.rfc-editor.org/rfc/rfc9110#section-15.4"}},
	Check{ID: HeadersErrorPage, Title: "a security header sent on / is missing on an error page (subject: the header)",
		Reasons: []Reason{Missing},
		Refs:    []string{"https://nginx.org/en/docs/http/ngx_http_headers_module.html#add_header", "https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers"}},
	Check{ID: SiteDown, Title: "the root answered 5xx: the application behind the server is down",
		Reasons: []Reason{ServerError},
		Refs:    []string{"https://www.rfc-editor.org/rfc/rfc9110#section-15.6"}},
	Check{ID: CSPBypassHost, Title: "script sources on hosts known to serve JSONP or AngularJS, which bypass an allow-list (Google's CSP Evaluator lists)",
		Reasons: []Reason{JSONP, AngularJS},
		Refs:    []string{"https://github.com/google/csp-evaluator", "https://research.google.com/pubs/pub45542.html"}},
}
