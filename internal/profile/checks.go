package profile

import "strings"

// Check is one check id and what it judges, for --list-checks.
type Check struct {
	ID          string
	Description string
}

// Checks lists every check id hardscan emits. Ids are an API: dashboards and
// baselines key on them, so they are only ever added, never renamed.
var Checks = []Check{
	{"https.redirect", "plain HTTP redirects to HTTPS on the same host first"},
	{"tls.certificate", "the certificate chain verifies for the host"},
	{"tls.version", "the negotiated TLS version is 1.2 or newer (RFC 8996)"},
	{"tls.expiry", "days until the certificate expires (warn under 21, fail under 7)"},
	{"backend.exposed", "the application's own port does not answer from outside"},
	{"response.truncated", "a response was larger than hardscan reads (body or header caps)"},
	{"redirect.downgrade", "an https response redirects to plain http"},
	{"redirect.stopped", "a redirect chain that hardscan stopped following (loop, too long, odd scheme)"},
	{"hsts", "Strict-Transport-Security: one header, valid, max-age at least the profile's minimum"},
	{"hsts.preload", "whether the host meets hstspreload's submission rules"},
	{"expect-ct", "Expect-CT as the profile expects (obsolete)"},
	{"csp", "an enforced Content-Security-Policy exists and parses"},
	{"csp.<directive>", "each CSP directive the profile names, compared as source sets with CSP3 fallback"},
	{"csp.report-only", "a Report-Only policy: reported, never counted as protection"},
	{"csp.syntax", "unknown directives, bad keywords, repeated directives"},
	{"csp.deprecated", "deprecated CSP directives"},
	{"csp.http-source", "sources loaded over plain http"},
	{"csp.ip-source", "sources given as IP addresses"},
	{"csp.nonce", "nonces too short to be unguessable"},
	{"csp.meta", "policies declared in <meta http-equiv> in the HTML head"},
	{"x-frame-options", "X-Frame-Options, unless CSP frame-ancestors covers framing"},
	{"x-content-type-options", "X-Content-Type-Options: nosniff"},
	{"x-xss-protection", "X-XSS-Protection as the profile expects (obsolete)"},
	{"x-permitted-cross-domain-policies", "X-Permitted-Cross-Domain-Policies (Flash and Acrobat)"},
	{"x-download-options", "X-Download-Options: noopen (Internet Explorer)"},
	{"referrer-policy", "Referrer-Policy (header and <meta name=referrer>) at least as strict as expected"},
	{"permissions-policy", "Permissions-Policy parses as a structured field dictionary"},
	{"cross-origin-opener-policy", "Cross-Origin-Opener-Policy"},
	{"cross-origin-resource-policy", "Cross-Origin-Resource-Policy"},
	{"cross-origin-embedder-policy", "Cross-Origin-Embedder-Policy"},
	{"header.deprecated", "a header the profile asks for that browsers no longer use"},
	{"header.fingerprint", "headers that reveal software and versions"},
	{"cookie.secure", "each cookie is Secure and never set over plain HTTP"},
	{"cookie.httponly", "session cookies are HttpOnly"},
	{"cookie.samesite", "session cookies carry SameSite at least as strict as expected"},
	{"cookie.prefix", "__Host- and __Secure- prefixes are used and obeyed"},
	{"cookie.domain", "a cookie's Domain is not a public suffix and matches the host"},
	{"cookie.rejected", "a cookie a browser would refuse"},
	{"cookie.session", "whether the session cookie was seen at all"},
	{"unit.PrivateTmp", "the unit gives the service a private /tmp (guide)"},
	{"unit.ProtectHome", "the unit hides /home, /root and /run/user (guide)"},
	{"unit.ProtectSystem", "the unit mounts /usr, /boot and /etc read-only: full or strict (guide)"},
	{"unit.PrivateDevices", "the unit hides physical devices (guide)"},
	{"unit.NoNewPrivileges", "the service cannot gain privileges through setuid (guide)"},
	{"unit.CapabilityBoundingSet", "CAP_SYS_ADMIN is not in the bounding set (guide)"},
	{"unit.<Directive>", "each other sandboxing directive (ProtectKernelTunables, SystemCallFilter ...), info"},
	{"unit.exposure", "an exposure score from 0 (best) to 10 over the sandboxing directives, like systemd-analyze security"},
	{"unit.syntax", "lines of a unit file that systemd would ignore"},
	{"config.http.ip", "the application listens on loopback only"},
	{"config.secure_cookie_flag", "the session cookie is marked Secure"},
	{"config.http_security.enabled", "Pleroma sends its security headers"},
	{"config.http_security.sts", "Pleroma sends HSTS"},
	{"config.http_security.sts_max_age", "HSTS max-age of at least a year"},
	{"config.http_security.ct_max_age", "Expect-CT max-age (obsolete)"},
	{"config.http_security.referrer_policy", "the referrer policy is at least same-origin"},
	{"config.parse", "statements of a config file that could not be read"},
}

// families are the check ids that stand for a family: an override may name
// any member (csp.script-src, unit.SystemCallFilter).
var families = []string{"csp.", "unit.", "config."}

// KnownCheck reports whether id is a check hardscan can emit.
func KnownCheck(id string) bool {
	for _, c := range Checks {
		if c.ID == id {
			return true
		}
	}
	for _, prefix := range families {
		if rest, ok := strings.CutPrefix(id, prefix); ok && rest != "" && !strings.ContainsAny(rest, " \t") {
			return true
		}
	}
	return false
}
