package check

import "github.com/hardscan/hardscan/internal/finding"

// Where each platform's snippets go.
const (
	filePleroma  = "config/prod.secret.exs"
	fileNginx    = "the server block of {{host}} that listens on 443 (e.g. /etc/nginx/sites-available/{{host}})"
	fileApache   = "the <VirtualHost *:443> of {{host}}"
	fileCaddy    = "the site block of {{host}} in the Caddyfile"
	fileLighttpd = "/etc/lighttpd/lighttpd.conf (or a conf-enabled/ file)"
	fileHAProxy  = "the frontend of /etc/haproxy/haproxy.cfg that terminates TLS"
)

// setHeader writes, for every web server, the lines that send the header
// {{header}} with the value {{value}} on every response, error pages too.
func setHeader() []finding.Snippet {
	return []finding.Snippet{
		{Platform: string(Nginx), File: fileNginx, Lang: "nginx",
			Code: "# always: error pages too. A location with add_header lines of its own\n# drops these: repeat them there.\nadd_header {{header}} \"{{value}}\" always;"},
		{Platform: string(Apache), File: fileApache, Lang: "apache",
			Code: "Header always set {{header}} \"{{value}}\""},
		{Platform: string(Caddy), File: fileCaddy, Lang: "caddyfile",
			Code: "header {{header}} \"{{value}}\""},
		{Platform: string(Lighttpd), File: fileLighttpd, Lang: "lighttpd",
			Code: "server.modules += (\"mod_setenv\")\nsetenv.set-response-header += (\"{{header}}\" => \"{{value}}\")"},
		{Platform: string(HAProxy), File: fileHAProxy, Lang: "haproxy",
			Code: "http-response set-header {{header}} \"{{value}}\""},
	}
}

// fixes are the catalogue's fixes by check id, attached at init so that
// each entry stays readable.
var fixes = map[string][]Fix{
	HSTS: {
		{Reasons: []string{"duplicate"}, Summary: "send Strict-Transport-Security once: browsers use only the first header",
			Snippets: []finding.Snippet{
				{Platform: string(Pleroma), File: fileNginx, Lang: "nginx",
					Code: "# Pleroma sends Strict-Transport-Security itself (sts: true):\n# delete the add_header Strict-Transport-Security line here."},
				{Platform: string(Akkoma), File: fileNginx, Lang: "nginx",
					Code: "# Akkoma sends Strict-Transport-Security itself (sts: true):\n# delete the add_header Strict-Transport-Security line here."},
				{Platform: string(Nginx), File: fileNginx, Lang: "nginx",
					Code: "# keep one of the add_header Strict-Transport-Security lines (server\n# and location blocks, included files) and delete the others"},
			}, AppOwned: true},
		{Summary: "send Strict-Transport-Security: {{value}}",
			Snippets: append([]finding.Snippet{
				{Platform: string(Pleroma), File: filePleroma, Lang: "elixir",
					Code: "config :pleroma, :http_security,\n  sts: true,\n  sts_max_age: 31_536_000"},
				{Platform: string(Akkoma), File: filePleroma, Lang: "elixir",
					Code: "config :pleroma, :http_security,\n  sts: true,\n  sts_max_age: 31_536_000"},
			}, setHeader()...),
			AppOwned: true},
	},
}

func init() {
	for id, fx := range fixes {
		c, ok := byID[id]
		if !ok {
			panic("check: fixes for unknown check " + id)
		}
		c.Fixes = fx
	}
}
