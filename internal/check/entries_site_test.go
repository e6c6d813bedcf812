package check

import "testing"

// TestSiteEntries checks the reasons the judges of checks beyond the front page give, on their own
// checks and on the checks they add reasons to.
func TestSiteEntries(t *testing.T) {
	for _, tc := range []struct{ id, reason string }{
		{HTTPSRedirectPath, "host-mangled"}, {HTTPSRedirectPath, "path-lost"}, {HTTPSRedirectPath, "query-lost"},
		{HeadersErrorPage, "missing"}, {SiteDown, "server-error"}, {CSPBypassHost, "jsonp"}, {CSPBypassHost, "angular"},
		{CSPNonce, "reused"}, {CSPNonce, "short"},
		{HSTS, "site-down"}, {CSP, "site-down"}, {XFrameOptions, "site-down"}, {ReferrerPolicy, "site-down"},
	} {
		if err := Validate(tc.id, tc.reason); err != nil {
			t.Errorf("%s %s: %v", tc.id, tc.reason, err)
		}
	}
	if err := Validate(CSPDirective("script-src"), "site-down"); err == nil {
		t.Errorf("csp.script-src gives site-down, but its directive belongs to a policy that was sent")
	}
}
