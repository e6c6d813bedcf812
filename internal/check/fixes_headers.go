package check

import (
	"slices"

	"github.com/hardscan/hardscan/scan/finding"
)

// The reasons for which a header is there but wrong: the fix replaces it.
var (
	wrongHSTS   = []Reason{Invalid, MaxAgeZero, MaxAgeShort, NoIncludeSubdomains}
	wrongHeader = []Reason{Invalid, Weaker, AllowFrom, Unsafe, Legacy, NoEnforce, MaxAgeShort, ControlBytes}
)

// httpSecurityOn is the line that makes Pleroma and Akkoma send their
// security headers (Pleroma.Web.Plugs.HTTPSecurityPlug); on by default, so
// a header of theirs that is missing means someone turned it off.
const httpSecurityOn = "config :pleroma, :http_security,\n  enabled: true"

// appHeader is the fix for a header Pleroma and Akkoma send while
// :http_security is enabled; the web servers' snippets are for every other
// site, Mastodon included (its headers are fixed in its Rails code).
func appHeader(apps []finding.Snippet) Fix {
	return Fix{Reasons: []Reason{Absent}, Summary: "send {{header}}: {{value}}",
		Snippets: join(apps, setHeader("{{header}}", "{{value}}")), AppOwned: true}
}

// wrongValue replaces a header sent with a wrong value: for every reason of
// the check id that says the header is there but wrong. Pleroma and Akkoma
// hard-code these values, so the web server in front replaces them.
func wrongValue(id string) Fix {
	var reasons []Reason
	for _, r := range entry(id).Reasons {
		if slices.Contains(wrongHeader, r) {
			reasons = append(reasons, r)
		}
	}
	return Fix{Reasons: reasons, Summary: "send {{header}}: {{value}} instead",
		Snippets: replaceHeader("{{header}}", "{{value}}")}
}

// entry is id's entry in the table, before the catalogue is built.
func entry(id string) *Check {
	for i := range entries {
		if entries[i].ID == id {
			return &entries[i]
		}
	}
	panic("check: no entry " + id)
}

// headerFix is the fix of a header check that gives none of its own:
// send the header where it is absent, replace it where it is wrong.
func headerFix(c *Check) []Fix {
	return []Fix{
		{Reasons: []Reason{Absent}, Summary: "send {{header}}: {{value}}", Snippets: setHeader("{{header}}", "{{value}}")},
		wrongValue(c.ID),
	}
}

func headerFixes() map[string][]Fix {
	both := pleromaAkkoma(httpSecurityOn)
	return map[string][]Fix{
		HSTS: {
			{Reasons: []Reason{Duplicate}, Summary: "send Strict-Transport-Security once: browsers use only the first header",
				Snippets: join(one(
					pleroma("# Pleroma sends Strict-Transport-Security itself with sts: true:\n"+
						"# delete the web server's add_header/Header set line for it.\n"+
						"config :pleroma, :http_security,\n  sts: true"),
					akkoma("# Akkoma sends Strict-Transport-Security itself with sts: true:\n"+
						"# delete the web server's add_header/Header set line for it.\n"+
						"config :pleroma, :http_security,\n  sts: true"),
					finding.Snippet{Platform: string(Mastodon), File: "/etc/nginx/sites-available/mastodon", Lang: "nginx",
						Code: "# Mastodon sends Strict-Transport-Security itself in production: delete\n" +
							"# the add_header Strict-Transport-Security lines that its sample\n" +
							"# nginx.conf puts in several location blocks."},
				), duplicateHeader("Strict-Transport-Security", "")[2:])},
			{Reasons: []Reason{Absent}, Summary: "send Strict-Transport-Security: {{value}}",
				Snippets: join(pleromaAkkoma("# once HTTPS works for every user: HSTS makes browsers refuse plain HTTP\n"+
					"config :pleroma, :http_security,\n  sts: true,\n  sts_max_age: 31_536_000"),
					setHeader("Strict-Transport-Security", "{{value}}")),
				AppOwned: true},
			{Reasons: wrongHSTS, Summary: "send Strict-Transport-Security: {{value}}",
				Snippets: join(pleromaAkkoma("config :pleroma, :http_security,\n  sts: true,\n  sts_max_age: 31_536_000"),
					replaceHeader("Strict-Transport-Security", "{{value}}")),
				AppOwned: true},
		},

		XFrameOptions: {
			appHeader(both),
			{Reasons: []Reason{Ignored}, Summary: "add a policy with frame-ancestors 'none': browsers ignore X-Frame-Options while the CSP has frame-ancestors",
				Snippets: addHeader("Content-Security-Policy", "frame-ancestors 'none'")},
			{Reasons: []Reason{AllowFrom}, Summary: "say who may frame the page in CSP: frame-ancestors 'self' {{origin}} (browsers ignore ALLOW-FROM)",
				Snippets: addHeader("Content-Security-Policy", "frame-ancestors 'self' {{origin}}")},
			wrongValue(XFrameOptions),
		},
		XContentTypeOptions:           {appHeader(both), wrongValue(XContentTypeOptions)},
		XPermittedCrossDomainPolicies: {appHeader(both), wrongValue(XPermittedCrossDomainPolicies)},
		// Akkoma sends no X-Download-Options, so its admins set it in the server.
		XDownloadOptions: {appHeader(one(pleroma(httpSecurityOn))), wrongValue(XDownloadOptions)},
		// Pleroma sends 1; mode=block, Akkoma 0: the profile that asks for
		// the header asks for the software's own value.
		XXSSProtection: {appHeader(both), wrongValue(XXSSProtection)},
		ExpectCT: {
			{Reasons: []Reason{Absent}, Summary: "send Expect-CT: {{value}}",
				Snippets: join(one(pleroma("# Pleroma sends Expect-CT together with Strict-Transport-Security\n"+
					"config :pleroma, :http_security,\n  sts: true,\n  ct_max_age: 2_592_000")),
					setHeader("{{header}}", "{{value}}")),
				AppOwned: true},
			{Reasons: []Reason{MaxAgeShort}, Summary: "send Expect-CT: {{value}}",
				Snippets: join(one(pleroma("config :pleroma, :http_security,\n  ct_max_age: 2_592_000")),
					replaceHeader("{{header}}", "{{value}}")),
				AppOwned: true},
			wrongValue(ExpectCT),
		},
		ReferrerPolicy: {
			{Reasons: []Reason{Duplicate}, Summary: "send Referrer-Policy once, from the application when it sends its own",
				Snippets: duplicateHeader("Referrer-Policy", "config :pleroma, :http_security,\n  referrer_policy: \"{{value}}\"")},
			{Reasons: []Reason{Absent}, Summary: "send Referrer-Policy: {{value}}",
				Snippets: join(pleromaAkkoma("config :pleroma, :http_security,\n  enabled: true,\n  referrer_policy: \"{{value}}\""),
					setHeader("{{header}}", "{{value}}")),
				AppOwned: true},
			{Reasons: []Reason{Invalid, Weaker, Unsafe}, Summary: "send Referrer-Policy: {{value}}",
				Snippets: join(pleromaAkkoma("config :pleroma, :http_security,\n  referrer_policy: \"{{value}}\""),
					replaceHeader("{{header}}", "{{value}}")),
				AppOwned: true},
		},
		CrossOriginEmbedderPolicy: {
			{Reasons: []Reason{Absent}, Summary: "send {{header}}: {{value}} (test first: it blocks cross-origin media without CORP or CORS)",
				Snippets: setHeader("{{header}}", "{{value}}")},
			wrongValue(CrossOriginEmbedderPolicy),
		},

		HeaderDeprecated: {
			{Summary: "stop sending {{header}}; send the same features as Permissions-Policy",
				Snippets: removeHeader("{{header}}")},
		},
		HeaderFingerprint: {
			{Reasons: []Reason{ServerVersion}, Summary: "send Server without a version",
				Snippets: []finding.Snippet{
					in("the http block of /etc/nginx/nginx.conf", nginx("server_tokens off;")),
					in("/etc/apache2/conf-available/security.conf (server-wide; not valid in a VirtualHost)",
						apache("ServerTokens Prod\nServerSignature Off")),
					caddy("header -Server"),
					lighttpd("server.tag = \"\""),
					haproxy("http-after-response del-header Server"),
				}},
			{Reasons: []Reason{RevealingHeader}, Summary: "stop sending {{header}}",
				Snippets: removeHeader("{{header}}")},
		},
	}
}
