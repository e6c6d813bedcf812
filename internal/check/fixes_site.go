package check

import "github.com/hardscan/hardscan/scan/finding"

// Where the port-80 and server-wide snippets go.
const (
	fileNginx80    = "a server block of its own for port 80 (e.g. in /etc/nginx/sites-available/{{host}})"
	fileApache80   = "a <VirtualHost *:80> of its own (e.g. in /etc/apache2/sites-available/{{host}}.conf)"
	fileCaddyTop   = "the Caddyfile, as a site block of its own"
	fileHAProxy80  = "the frontend of /etc/haproxy/haproxy.cfg that binds port 80"
	fileHAProxyTop = "the global section of /etc/haproxy/haproxy.cfg"
)

// redirect is each server's port-80 redirect to https on the same host,
// path and query kept.
func redirect() []finding.Snippet {
	const open = "# and let port 80 through the firewall (ufw allow 80/tcp)\n"
	return []finding.Snippet{
		in(fileNginx80, nginx(open+"server {\n    listen 80;\n    listen [::]:80;\n    server_name {{host}};\n    return 301 https://$host$request_uri;\n}")),
		in(fileApache80, apache(open+"<VirtualHost *:80>\n    ServerName {{host}}\n    Redirect permanent / https://{{host}}/\n</VirtualHost>")),
		in(fileCaddyTop, caddy("# Caddy redirects plain HTTP by itself for a site address without a\n"+
			"# scheme unless auto_https is off; then, or to be explicit:\n"+
			"http://{{host}} {\n\tredir https://{host}{uri} permanent\n}")),
		lighttpd(open + "server.modules += (\"mod_redirect\")\n$HTTP[\"scheme\"] == \"http\" {\n" +
			"    url.redirect = (\"\" => \"https://${url.authority}${url.path}${qsa}\")\n    url.redirect-code = 301\n}"),
		in(fileHAProxy80, haproxy("http-request redirect scheme https code 301 unless { ssl_fc }")),
	}
}

// certbot gets or renews the certificate, per server; Caddy does it itself.
func certbot(summary string, reasons ...Reason) Fix {
	caddyNote := "# Caddy obtains and renews the certificate of a site named by its host\n" +
		"# by itself (ports 80 and 443 must reach it): name the site {{host}} and\n" +
		"# remove tls lines that point at certificate files\n{{host}} {\n}"
	return Fix{Reasons: reasons, Summary: summary, Snippets: []finding.Snippet{
		shell(Nginx, "certbot --nginx -d {{host}}\n# renewal runs from certbot.timer; check it with\ncertbot renew --dry-run"),
		shell(Apache, "certbot --apache -d {{host}}\n# renewal runs from certbot.timer; check it with\ncertbot renew --dry-run"),
		in(fileCaddyTop, caddy(caddyNote)),
		shell(Lighttpd, "certbot certonly --webroot -w /var/www/html -d {{host}} \\\n"+
			"  --deploy-hook 'systemctl reload lighttpd'\n"+
			"# lighttpd.conf then names /etc/letsencrypt/live/{{host}}/fullchain.pem\n"+
			"# in ssl.pemfile and privkey.pem in ssl.privkey\ncertbot renew --dry-run"),
		shell(HAProxy, "certbot certonly --standalone --http-01-port 8888 -d {{host}} \\\n"+
			"  --deploy-hook 'cat \"$RENEWED_LINEAGE/fullchain.pem\" \"$RENEWED_LINEAGE/privkey.pem\" > /etc/haproxy/certs/{{host}}.pem && systemctl reload haproxy'\n"+
			"# with acl acme path_beg /.well-known/acme-challenge/ sending those\n"+
			"# requests to 127.0.0.1:8888, and bind :443 ssl crt /etc/haproxy/certs/\n"+
			"certbot renew --dry-run"),
	}}
}

// cookieFlag adds a cookie attribute in each server that can: nginx
// rewrites Set-Cookie of proxied responses, Apache, Caddy and HAProxy edit
// the header; lighttpd cannot.
func cookieFlag(flag, nginxFlag string) []finding.Snippet {
	re := "^({{cookie}}=(?!.*;\\s*" + flag + ").*)$"
	return []finding.Snippet{
		nginx("# nginx 1.19.3 or later; in the location that proxies to the application\nproxy_cookie_flags {{cookie}} " + nginxFlag + ";"),
		apache("# Header edit changes proxied responses, Header always edit the others\n" +
			"Header edit Set-Cookie \"(?i)" + re + "\" \"$1; " + flag + "\"\n" +
			"Header always edit Set-Cookie \"(?i)" + re + "\" \"$1; " + flag + "\""),
		caddy("header {\n\tSet-Cookie \"^({{cookie}}=.*)$\" \"$1; " + flag + "\"\n\tdefer\n}"),
		lighttpd("# lighttpd cannot change the attributes of a cookie: set " + flag + " on\n# {{cookie}} where the application sets it"),
		haproxy("# single quotes: HAProxy expands $ in double quotes\n" +
			"http-response replace-header Set-Cookie '(?i)" + re + "' '\\1; " + flag + "'"),
	}
}

// prefixRules makes a __Host- or __Secure- cookie one browsers store:
// Secure added, and (for __Host-) any Domain attribute dropped and the
// path set to /. nginx can add the flag; the path and domain it rewrites
// for every cookie, so those are left to the application there.
func prefixRules() []finding.Snippet {
	secure := "^({{cookie}}=(?!.*;\\s*Secure).*)$"
	domain := "^({{cookie}}=.*?);\\s*Domain=[^;]*(.*)$"
	path := "^({{cookie}}=.*?);\\s*Path=[^;]*(.*)$"
	return []finding.Snippet{
		nginx("# nginx 1.19.3 or later; in the location that proxies to the application.\n" +
			"# A __Host- cookie also needs Path=/ and no Domain: set those where the\n" +
			"# application sets the cookie.\nproxy_cookie_flags {{cookie}} secure;"),
		apache("# Secure, then (for __Host-) no Domain and Path=/\n" +
			"Header always edit Set-Cookie \"(?i)" + secure + "\" \"$1; Secure\"\n" +
			"Header always edit Set-Cookie \"(?i)" + domain + "\" \"$1$2\"\n" +
			"Header always edit Set-Cookie \"(?i)" + path + "\" \"$1; Path=/$2\""),
		caddy("# one block: its replacements run in order\nheader {\n" +
			"\tSet-Cookie \"(?i)^({{cookie}}=.*?);\\s*Domain=[^;]*(.*)$\" \"$1$2\"\n" +
			"\tSet-Cookie \"(?i)^({{cookie}}=.*?);\\s*Path=[^;]*(.*)$\" \"$1; Path=/$2\"\n" +
			"\tSet-Cookie \"^({{cookie}}=.*)$\" \"$1; Secure\"\n\tdefer\n}"),
		lighttpd("# lighttpd cannot change the attributes of a cookie: set Secure (and for\n" +
			"# __Host- Path=/ without Domain) on {{cookie}} where the application sets it"),
		haproxy("# single quotes: HAProxy expands $ in double quotes\n" +
			"http-response replace-header Set-Cookie '(?i)" + secure + "' '\\1; Secure'\n" +
			"http-response replace-header Set-Cookie '(?i)" + domain + "' '\\1\\2'\n" +
			"http-response replace-header Set-Cookie '(?i)" + path + "' '\\1; Path=/\\2'"),
	}
}

// dropDomain removes the Domain attribute of the cookie, making it a
// host-only cookie browsers store.
func dropDomain() []finding.Snippet {
	domain := "(?i)^({{cookie}}=.*?);\\s*Domain=[^;]*(.*)$"
	return []finding.Snippet{
		nginx("# in the location that proxies to the application: the cookie's Domain\n" +
			"# becomes this host, which browsers accept\nproxy_cookie_domain ~.+ {{host}};"),
		apache("Header edit Set-Cookie \"" + domain + "\" \"$1$2\"\n" +
			"Header always edit Set-Cookie \"" + domain + "\" \"$1$2\""),
		caddy("header {\n\tSet-Cookie \"" + domain + "\" \"$1$2\"\n\tdefer\n}"),
		lighttpd("# lighttpd cannot change the attributes of a cookie: remove Domain from\n" +
			"# {{cookie}} where the application sets it"),
		haproxy("# single quotes: HAProxy expands $ in double quotes\n" +
			"http-response replace-header Set-Cookie '" + domain + "' '\\1\\2'"),
	}
}

// namelessCookie is for a Set-Cookie without a name: no server setting
// names a cookie, so every platform says where to look.
func namelessCookie() []finding.Snippet {
	const note = "# A Set-Cookie without a name (\"=value\" or just \"value\") whose value\n" +
		"# starts with __Host- or __Secure- is rejected by browsers. Find the\n" +
		"# application code or the server line that sets it, and write name=value."
	return []finding.Snippet{nginx(note), apache(note), caddy(note), lighttpd(note), haproxy(note)}
}

// sameSite replaces the SameSite attribute of the session cookie.
func sameSite() []finding.Snippet {
	strip := "(?i)^({{cookie}}=.*?);\\s*samesite=[a-z]*(.*)$"
	add := "^({{cookie}}=.*)$"
	return []finding.Snippet{
		nginx("# nginx 1.19.3 or later; in the location that proxies to the application\nproxy_cookie_flags {{cookie}} samesite={{samesite|lower}};"),
		apache("Header edit Set-Cookie \"" + strip + "\" \"$1$2\"\n" +
			"Header edit Set-Cookie \"" + add + "\" \"$1; SameSite={{samesite}}\""),
		caddy("# one block: its replacements run in order\nheader {\n\tSet-Cookie \"" + strip + "\" \"$1$2\"\n" +
			"\tSet-Cookie \"" + add + "\" \"$1; SameSite={{samesite}}\"\n\tdefer\n}"),
		lighttpd("# lighttpd cannot change the attributes of a cookie: set\n# SameSite={{samesite}} on {{cookie}} where the application sets it"),
		haproxy("# single quotes: HAProxy expands $ in double quotes\n" +
			"http-response replace-header Set-Cookie '" + strip + "' '\\1\\2'\n" +
			"http-response replace-header Set-Cookie '" + add + "' '\\1; SameSite={{samesite}}'"),
	}
}

func siteFixes() map[string][]Fix {
	secureFlag := pleromaAkkoma("config :pleroma, Pleroma.Web.Endpoint,\n  secure_cookie_flag: true")
	mastodonSecure := one(finding.Snippet{Platform: string(Mastodon), File: fileMastodon, Lang: "sh",
		Code: "# Mastodon marks its session cookie Secure in production or with LOCAL_HTTPS\nRAILS_ENV=production\nLOCAL_HTTPS=true"})
	return map[string][]Fix{
		// not-probed is a note: plain HTTP was not asked for.
		HTTPSRedirect: {
			{Reasons: []Reason{Refused, NoAnswer, NoRedirect, NotHTTPS, OtherHost},
				Summary: "answer plain HTTP with a 301 to https://{{host}}/ (same host, path kept)", Snippets: redirect()},
		},
		// not-verified is a note: -k was asked for.
		TLSCertificate: {certbot("serve a certificate that verifies for {{host}} (Let's Encrypt)", Invalid)},
		TLSExpiry:      {certbot("renew the certificate and make renewal automatic", Expired, ExpiresSoon, Expiring)},
		TLSVersion: {
			{Reasons: []Reason{Obsolete}, Summary: "offer TLS 1.2 and 1.3 only", Snippets: []finding.Snippet{
				nginx("ssl_protocols TLSv1.2 TLSv1.3;"),
				apache("SSLProtocol -all +TLSv1.2 +TLSv1.3"),
				caddy("tls {\n\tprotocols tls1.2 tls1.3\n}"),
				lighttpd("server.modules += (\"mod_openssl\")\nssl.openssl.ssl-conf-cmd = (\"MinProtocol\" => \"TLSv1.2\")"),
				in(fileHAProxyTop, haproxy("ssl-default-bind-options ssl-min-ver TLSv1.2")),
			}},
		},
		BackendExposed: {
			{Summary: "make the application listen on loopback only, and close port {{port}} in the firewall",
				Snippets: []finding.Snippet{
					pleroma("config :pleroma, Pleroma.Web.Endpoint,\n  http: [ip: {127, 0, 0, 1}, port: {{port}}]"),
					shell(Pleroma, "# and close the port from outside too\nufw deny {{port}}/tcp"),
					akkoma("config :pleroma, Pleroma.Web.Endpoint,\n  http: [ip: {127, 0, 0, 1}, port: {{port}}]"),
					shell(Akkoma, "# and close the port from outside too\nufw deny {{port}}/tcp"),
					{Platform: string(Mastodon), File: fileMastodon, Lang: "sh",
						Code: "# Puma (port 3000) and the streaming server (4000) bind here\nBIND=127.0.0.1"},
					shell(Mastodon, "# and close the port from outside too\nufw deny {{port}}/tcp"),
				}},
		},
		// Mastodon builds redirects from X-Forwarded-Proto, which the server sets.
		RedirectDowngrade: {
			{Summary: "keep https in redirects: tell the application its public URL is https", Snippets: []finding.Snippet{
				pleroma("config :pleroma, Pleroma.Web.Endpoint,\n  url: [host: \"{{host}}\", scheme: \"https\", port: 443]"),
				akkoma("config :pleroma, Pleroma.Web.Endpoint,\n  url: [host: \"{{host}}\", scheme: \"https\", port: 443]"),
				nginx("# tell the application the scheme, and rewrite what still says http\n" +
					"proxy_set_header X-Forwarded-Proto $scheme;\nproxy_redirect http://$host/ https://$host/;"),
				apache("RequestHeader set X-Forwarded-Proto \"https\"\nHeader edit Location \"^http://\" \"https://\""),
				caddy("# Caddy's reverse_proxy sends X-Forwarded-Proto itself; rewrite what still says http\n" +
					"header {\n\tLocation \"^http://\" \"https://\"\n\tdefer\n}"),
				lighttpd("server.modules += (\"mod_proxy\")\n# sends X-Forwarded-Proto and rewrites Location back to https\nproxy.header = (\"https-remap\" => \"enable\")"),
				haproxy("http-request set-header X-Forwarded-Proto https if { ssl_fc }\n" +
					"http-response replace-header Location '^http://(.*)$' 'https://\\1'"),
			}, AppOwned: true},
		},

		CookieSecure: {
			{Reasons: []Reason{NoSecure}, Summary: "mark {{cookie}} Secure",
				Snippets: join(secureFlag, one(
					finding.Snippet{Platform: string(Mastodon), File: fileMastodon, Lang: "sh",
						Code: "# Mastodon marks its session cookie Secure in production or with LOCAL_HTTPS\nRAILS_ENV=production\nLOCAL_HTTPS=true"}),
					cookieFlag("Secure", "secure")),
				AppOwned: true},
			{Reasons: []Reason{SetOverHTTP}, Summary: "set cookies over HTTPS only: answer plain HTTP with nothing but a redirect",
				Snippets: join(secureFlag, redirect()), AppOwned: false},
		},
		CookieRejected: {
			{Reasons: []Reason{SameSiteNoneInsecure}, Summary: "mark {{cookie}} Secure: SameSite=None needs it",
				Snippets: join(secureFlag, cookieFlag("Secure", "secure")), AppOwned: true},
			{Reasons: []Reason{PrefixRules}, Summary: "give {{cookie}} what its prefix demands: Secure, set over HTTPS; for __Host- also Path=/ and no Domain",
				Snippets: join(secureFlag, mastodonSecure, prefixRules())},
			{Reasons: []Reason{PublicSuffixDomain, ForeignDomain}, Summary: "drop the Domain attribute of {{cookie}}, so that it is a host-only cookie of {{host}}",
				Snippets: dropDomain()},
			{Reasons: []Reason{SecureOverHTTP}, Summary: "set cookies over HTTPS only: answer plain HTTP with nothing but a redirect",
				Snippets: redirect()},
			{Reasons: []Reason{NamelessPrefix}, Summary: "give the cookie a name where the application sets it: a nameless cookie may not look like a prefixed one",
				Snippets: namelessCookie()},
		},
		// Pleroma's and Mastodon's session cookies are HttpOnly whatever
		// the settings, so only a server in front can help.
		CookieHTTPOnly: {
			{Reasons: []Reason{NoHTTPOnly}, Summary: "mark {{cookie}} HttpOnly", Snippets: cookieFlag("HttpOnly", "httponly")},
		},
		CookieSameSite: {
			{Reasons: []Reason{Weaker}, Summary: "set SameSite={{samesite}} on {{cookie}}",
				Snippets: join(pleromaAkkoma("config :pleroma, Pleroma.Web.Endpoint,\n  extra_cookie_attrs: [\"SameSite={{samesite}}\"]"), sameSite()),
				AppOwned: true},
		},
		// Pleroma names its cookie __Host-pleroma_key while the secure
		// flag is on; elsewhere the application names it.
		CookiePrefix: {
			{Reasons: []Reason{NoPrefix}, Summary: "let the session cookie carry the {{prefix}} prefix",
				Snippets: pleromaAkkoma("# Pleroma names its cookie __Host-pleroma_key when it is Secure\n" +
					"config :pleroma, Pleroma.Web.Endpoint,\n  secure_cookie_flag: true")},
		},
		CookieSession: {
			{Reasons: []Reason{NotSeen}, Summary: "scan signed in, so that the session cookie is set and judged",
				Snippets: one(finding.Snippet{Platform: string(Pleroma), File: "hardscan's command line", Lang: "sh",
					Code: "# Pleroma 2.5 and later set it only on authenticated requests\nhardscan -H 'Authorization: Bearer TOKEN' {{host}}"})},
		},
	}
}
