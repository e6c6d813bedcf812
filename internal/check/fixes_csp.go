package check

import "github.com/hardscan/hardscan/scan/finding"

// secondPolicy narrows one directive without touching the site's policy:
// browsers enforce every Content-Security-Policy header they get, each on
// its own, so a second header that sets only {{value}} takes away what the
// first allows beyond it.
func secondPolicy() []finding.Snippet {
	out := addHeader("Content-Security-Policy", "{{value}}")
	for i := range out {
		out[i].Code = "# browsers enforce every policy they get: this second policy narrows\n" +
			"# {{directive}} and leaves the site's own policy as it is. Where this server\n" +
			"# writes the policy itself, edit its {{directive}} instead. Test the site.\n" + out[i].Code
	}
	return out
}

// mediaProxy is Pleroma's and Akkoma's fix for https: in img-src,
// media-src and (Pleroma 2.6 on) connect-src: HTTPSecurityPlug writes
// https: there while the media proxy is off, and the proxy's, upload and
// S3 base URLs instead while it is on (redirect_on_failure off).
const mediaProxy = "# HTTPSecurityPlug lists https: in img-src, media-src and connect-src\n" +
	"# while the media proxy is off, and only the proxy's, upload and S3 URLs\n" +
	"# when it is on\n" +
	"config :pleroma, :media_proxy,\n  enabled: true,\n  proxy_opts: [redirect_on_failure: false]"

func cspFixes() map[string][]Fix {
	return map[string][]Fix{
		CSP: {
			{Reasons: []Reason{Absent, Empty}, Summary: "send a Content-Security-Policy",
				Snippets: join(pleromaAkkoma("# Pleroma builds its policy itself while http_security is enabled\n"+httpSecurityOn),
					setHeader("Content-Security-Policy", "{{policy}}")),
				AppOwned: true},
			{Reasons: []Reason{ReportOnly}, Summary: "enforce the policy: send it as Content-Security-Policy once its reports are clean",
				Snippets: setHeader("Content-Security-Policy", "{{policy}}")},
		},
		"csp.<directive>": {
			{Reasons: []Reason{WideSource}, IDs: []string{"csp.connect-src", "csp.img-src", "csp.media-src"},
				Summary:  "allow only the sources {{directive}} needs: {{value}}",
				Snippets: join(pleromaAkkoma(mediaProxy), secondPolicy()), AppOwned: true},
			// 'self', 'wasm-unsafe-eval' and 'unsafe-hashes' are info:
			// notes on a policy that needs no change.
			{Reasons: []Reason{Absent, ExtraSource, WideSource, UnsafeInline, UnsafeEval},
				Summary: "restrict {{directive}}: {{value}}", Snippets: secondPolicy()},
		},
		CSPHTTPSource: {
			{Summary: "load {{source}} over TLS (https://, wss://) in {{directive}}",
				Snippets: join(
					pleromaAkkoma("# Pleroma writes its own sources from url: of Pleroma.Web.Endpoint\n"+
						"# (scheme: \"https\" gives https:// and wss://), base_url of :media_proxy\n"+
						"# and Pleroma.Upload, public_endpoint of Pleroma.Uploaders.S3 and the\n"+
						"# media proxy whitelist: write {{source}} there with https://"),
					commentEverywhere("# in the Content-Security-Policy this server sends, write {{source}}\n"+
						"# in {{directive}} with https:// (wss:// for ws://)")),
				AppOwned: true},
		},
	}
}

// commentEverywhere is advice that is a comment in every server's file:
// where the value to change is the site's own.
func commentEverywhere(comment string) []finding.Snippet {
	return []finding.Snippet{nginx(comment), apache(comment), caddy(comment), lighttpd(comment), haproxy(comment)}
}
