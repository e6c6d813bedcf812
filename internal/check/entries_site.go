package check

import "slices"

// The checks of what admins forget beyond the front page (issue 12): deep
// redirects, error pages, a down application, allow-list bypass hosts.
// Kept apart from entries.go so that the two lists merge without conflict.
func init() {
	Register(
		Check{ID: HTTPSRedirectPath, Title: "the HTTP redirect of a deep URL keeps its path and query, on the same host",
			Reasons: []string{"host-mangled", "path-lost", "query-lost", "other-host", "not-https", "no-redirect", "no-answer"},
			Refs:    []string{"https://httpd.apache.org/docs/2.4/mod/mod_alias.html#redirect", "https://www.rfc-editor.org/rfc/rfc9110#section-15.4"}},
		Check{ID: HeadersErrorPage, Title: "a security header sent on / is missing on an error page (subject: the header)",
			Reasons: []string{"missing"},
			Refs:    []string{"https://nginx.org/en/docs/http/ngx_http_headers_module.html#add_header", "https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers"}},
		Check{ID: SiteDown, Title: "the root answered 5xx: the application behind the server is down",
			Reasons: []string{"server-error"},
			Refs:    []string{"https://www.rfc-editor.org/rfc/rfc9110#section-15.6"}},
		Check{ID: CSPBypassHost, Title: "script sources on hosts known to serve JSONP or AngularJS, which bypass an allow-list (Google's CSP Evaluator lists)",
			Reasons: []string{"jsonp", "angular"},
			Refs:    []string{"https://github.com/google/csp-evaluator", "https://research.google.com/pubs/pub45542.html"}},
	)
	// Reasons the existing checks gain. entries.go's init runs first (Go
	// runs a package's init functions in file-name order), so the entries
	// exist; a test asserts each reason is there.
	addReasons(CSPNonce, "reused")
	// When the root answers 5xx, a header the error page lacks is unknown,
	// not absent (SPEC): every header check that can say absent (csp, hsts,
	// the other headers; not the csp.<directive> family, whose directives
	// belong to a policy that was sent) can say site-down.
	for _, c := range all {
		if !c.Family() && slices.Contains(c.Reasons, "absent") {
			c.Reasons = append(c.Reasons, "site-down")
		}
	}
}

// addReasons gives the registered check id more reasons.
func addReasons(id string, reasons ...string) {
	c, ok := byID[id]
	if !ok {
		panic("check: no check " + id)
	}
	c.Reasons = append(c.Reasons, reasons...)
}
