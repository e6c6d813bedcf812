package check

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
}
