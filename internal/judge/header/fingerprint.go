package header

import (
	"net/http"
	"strings"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/scan/finding"
)

// revealing are headers that exist only to name software and its version
// (after OWASP Secure Headers' remove list). X-Runtime is left out: it is a
// timing, not a version.
var revealing = []string{
	"x-powered-by", "x-aspnet-version", "x-aspnetmvc-version", "x-generator",
	"x-php-version", "x-powered-cms", "x-server-powered-by", "x-joomla-version",
	"x-owa-version", "x-umbraco-version", "x-cocoon-version", "x-cf-powered-by",
}

// fingerprint notes headers that tell attackers which versions to target.
func fingerprint(h http.Header) []finding.Finding {
	var fs []finding.Finding
	for _, v := range values(h, "server") {
		if hasVersion(v) {
			fs = append(fs, finding.Finding{ID: check.HeaderFingerprint, Reason: check.ServerVersion, Severity: finding.Info, Subject: "server", Expected: "no version", Actual: v,
				Message: "the Server header reveals the server's version", Vars: map[string]string{"header": "Server"}})
			break
		}
	}
	for _, name := range revealing {
		if vs := values(h, name); len(vs) > 0 {
			fs = append(fs, finding.Finding{ID: check.HeaderFingerprint, Reason: check.RevealingHeader, Severity: finding.Info, Subject: name, Expected: "(absent)", Actual: strings.Join(vs, ", "),
				Message: "the " + canonical(name) + " header names the software behind the site", Vars: map[string]string{"header": canonical(name)}})
		}
	}
	return fs
}

// hasVersion reports whether a Server value carries a product version:
// a product token followed by "/" and a digit (RFC 9110 §10.2.4).
func hasVersion(v string) bool {
	for i := 0; i+1 < len(v); i++ {
		if v[i] == '/' && v[i+1] >= '0' && v[i+1] <= '9' {
			return true
		}
	}
	return false
}
