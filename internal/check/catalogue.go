package check

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
