package check

import "github.com/hardscan/hardscan/scan/finding"

// deepFixes are the fixes of the checks on the pages admins forget: the
// deep redirect, error pages, a nonce that never changes, a source that
// bypasses the allow-list, and an application that is down.
func deepFixes() map[string][]Fix {
	return map[string][]Fix{
		HTTPSRedirectPath: {
			{Reasons: []Reason{HostMangled},
				Summary:  "redirect to https://{{host}}/ with its trailing slash, so that the path follows the host name instead of joining it",
				Snippets: redirect()},
			{Summary: "redirect every http URL to the same path and query on https://{{host}}", Snippets: redirect()},
		},
		HeadersErrorPage: {
			{Summary: "send {{header}} on error pages too",
				Snippets: []finding.Snippet{
					nginx("# always: without it nginx adds the header to 2xx and 3xx answers only.\n" +
						"# A location (error_page, a static 404) with add_header lines of its\n" +
						"# own drops the server's: repeat every one there.\n" +
						"add_header {{header}} \"{{value}}\" always;"),
					apache("# always: Header set without it skips error answers\nHeader always set {{header}} \"{{value}}\""),
					caddy("# errors are answered by handle_errors, which needs the header too\n" +
						"handle_errors {\n\theader {{header}} \"{{value}}\"\n\trespond \"{err.status_code} {err.status_text}\"\n}"),
					lighttpd("server.modules += (\"mod_setenv\")\n# a $HTTP[...] block with setenv lines of its own replaces these:\n" +
						"# repeat them there\nsetenv.set-response-header += (\"{{header}}\" => \"{{value}}\")"),
					haproxy("# http-after-response reaches HAProxy's own error pages too\n" +
						"http-after-response set-header {{header}} \"{{value}}\""),
				}},
		},
		HSTSPreload: {
			{Summary: "only if you want browsers to know before the first visit (hard to undo): send preload with a max-age of at least a year, then submit {{host}}",
				Snippets: join(
					one(shell(Pleroma, "# Pleroma's Strict-Transport-Security has no preload: replace it in the\n"+
						"# web server in front (its snippet below), then submit the host:\n"+
						"#   https://hstspreload.org/?domain={{host}}\n"+
						"# every subdomain must serve HTTPS first: includeSubDomains covers them"),
						shell(Akkoma, "# Akkoma's Strict-Transport-Security has no preload: replace it in the\n"+
							"# web server in front (its snippet below), then submit the host:\n"+
							"#   https://hstspreload.org/?domain={{host}}")),
					replaceHeader("Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload"),
				)},
		},
		SiteDown: {
			{Summary: "start the application behind the web server, and see why it stopped",
				Snippets: []finding.Snippet{
					shell(Pleroma, "systemctl status pleroma\njournalctl -u pleroma -n 50 --no-pager\nsystemctl restart pleroma"),
					shell(Akkoma, "systemctl status akkoma\njournalctl -u akkoma -n 50 --no-pager\nsystemctl restart akkoma"),
					shell(Mastodon, "systemctl status mastodon-web mastodon-streaming\njournalctl -u mastodon-web -n 50 --no-pager\nsystemctl restart mastodon-web"),
					shell(Nginx, "# the error log names the upstream that did not answer\ntail -n 20 /var/log/nginx/error.log"),
					shell(Apache, "# the error log names the backend that did not answer\ntail -n 20 /var/log/apache2/error.log"),
					shell(Caddy, "# the log names the upstream that did not answer\njournalctl -u caddy -n 20 --no-pager"),
					shell(Lighttpd, "# the error log names the backend that did not answer\ntail -n 20 /var/log/lighttpd/error.log"),
					shell(HAProxy, "# the backend's servers and their health checks\necho 'show servers state' | socat stdio /run/haproxy/admin.sock\njournalctl -u haproxy -n 20 --no-pager"),
				}},
		},
		CSPNonce: {
			{Reasons: []Reason{ReusedCached},
				Summary: "keep pages whose policy carries a nonce out of shared caches: each visitor must get the nonce made for them",
				Snippets: []finding.Snippet{
					shell(Mastodon, "# Mastodon makes a fresh nonce per request; its sample nginx.conf caches\n"+
						"# pages (proxy_cache CACHE). In the location that proxies to Mastodon\n"+
						"# (location @proxy), add the two nginx lines below, then:\n"+
						"nginx -t && systemctl reload nginx"),
					nginx("# in the location that proxies to the application (its proxy_cache):\n" +
						"# never serve a cached page to another visitor\n" +
						"proxy_no_cache 1;\nproxy_cache_bypass 1;"),
					apache("# mod_cache: never store the application's pages\n<IfModule mod_cache.c>\n    CacheDisable /\n</IfModule>"),
					caddy("# a cache handler (cache-handler plugin) in front of the application:\n" +
						"# remove it for the pages, or send them with Cache-Control: private\n" +
						"header Cache-Control \"private\""),
					lighttpd("server.modules += (\"mod_setenv\")\n# tell shared caches not to store the pages\n" +
						"setenv.set-response-header += (\"Cache-Control\" => \"private\")"),
					haproxy("# HAProxy's cache: do not store the application's pages\n" +
						"http-after-response set-header Cache-Control \"private\""),
				}},
			{Reasons: []Reason{Reused},
				Summary: "send a fresh random nonce with every response, or allow the inline code by its hash",
				Snippets: []finding.Snippet{
					pleroma("# Pleroma makes no script nonces: a nonce that never changes comes from\n" +
						"# the web server or a cache in front; delete it there, and let\n" +
						"# config :pleroma, :http_security, enabled: true send the policy"),
					nginx("# a nonce written into the configuration is the same on every\n" +
						"# response: delete 'nonce-...' from the policy and the page, and allow\n" +
						"# the inline code by its hash instead ('sha256-...', which the\n" +
						"# browser's console prints when it blocks the script)"),
					apache("# a nonce written into the configuration is the same on every\n" +
						"# response: allow the inline script by its hash ('sha256-...') instead,\n" +
						"# or use mod_cspnonce, which makes one per request (%{CSP_NONCE}e)"),
					caddy("# a nonce written into the Caddyfile is the same on every response:\n" +
						"# delete 'nonce-...' from the policy and the page, and allow the inline\n" +
						"# script by its hash ('sha256-...') instead"),
					lighttpd("# a nonce written into lighttpd.conf is the same on every response:\n" +
						"# allow the inline script by its hash ('sha256-...') instead"),
					haproxy("# a nonce written into haproxy.cfg is the same on every response:\n" +
						"# allow the inline script by its hash ('sha256-...') instead, or make\n" +
						"# the nonce in the application, per response"),
				}},
		},
		CSPBypassHost: {
			{Summary: "remove {{source}} from {{directive}}: it serves JSONP or AngularJS, which run any script an attacker names",
				Snippets: []finding.Snippet{
					nginx("# in the Content-Security-Policy this server sends, delete {{source}}\n" +
						"# from {{directive}}; serve the script you need from this site instead,\n" +
						"# or allow it by nonce with 'strict-dynamic'"),
					apache("# in the Content-Security-Policy of Header always set, delete\n" +
						"# {{source}} from {{directive}}; serve the script from this site instead"),
					caddy("# in the Content-Security-Policy header line, delete {{source}} from\n" +
						"# {{directive}}; serve the script from this site instead"),
					lighttpd("# in the Content-Security-Policy of setenv, delete {{source}} from\n" +
						"# {{directive}}; serve the script from this site instead"),
					haproxy("# in the Content-Security-Policy of http-response set-header, delete\n" +
						"# {{source}} from {{directive}}; serve the script from this site instead"),
				}},
		},
	}
}
