package check

import "github.com/hardscan/hardscan/scan/finding"

// Where each platform's snippets go.
const (
	filePleroma  = "config/prod.secret.exs (OTP releases: /etc/pleroma/config.exs)"
	fileAkkoma   = "config/prod.secret.exs (OTP releases: /etc/akkoma/config.exs)"
	fileMastodon = "/home/mastodon/live/.env.production"
	fileNginx    = "the server block of {{host}} that listens on {{https_port}} (e.g. /etc/nginx/sites-available/{{host}})"
	fileApache   = "the <VirtualHost *:{{https_port}}> of {{host}}"
	fileCaddy    = "the site block of {{host}} in the Caddyfile"
	fileLighttpd = "/etc/lighttpd/lighttpd.conf (or a conf-enabled/ file)"
	fileHAProxy  = "the frontend of /etc/haproxy/haproxy.cfg that terminates TLS"
	fileShell    = "a root shell on the server"
)

// Snippet constructors, one per platform, so that each entry reads as a
// list of what to write where.
func pleroma(code string) finding.Snippet {
	return finding.Snippet{Platform: string(Pleroma), File: filePleroma, Lang: "elixir", Code: code}
}

func akkoma(code string) finding.Snippet {
	return finding.Snippet{Platform: string(Akkoma), File: fileAkkoma, Lang: "elixir", Code: code}
}

// pleromaAkkoma is the same config :pleroma line for both: Akkoma kept the
// :pleroma application name.
func pleromaAkkoma(code string) []finding.Snippet {
	return []finding.Snippet{pleroma(code), akkoma(code)}
}

func nginx(code string) finding.Snippet {
	return finding.Snippet{Platform: string(Nginx), File: fileNginx, Lang: "nginx", Code: code}
}

func apache(code string) finding.Snippet {
	return finding.Snippet{Platform: string(Apache), File: fileApache, Lang: "apache", Code: code}
}

func caddy(code string) finding.Snippet {
	return finding.Snippet{Platform: string(Caddy), File: fileCaddy, Lang: "caddyfile", Code: code}
}

func lighttpd(code string) finding.Snippet {
	return finding.Snippet{Platform: string(Lighttpd), File: fileLighttpd, Lang: "lighttpd", Code: code}
}

func haproxy(code string) finding.Snippet {
	return finding.Snippet{Platform: string(HAProxy), File: fileHAProxy, Lang: "haproxy", Code: code}
}

// shell is a command to run on the server, written for platform p.
func shell(p Platform, code string) finding.Snippet {
	return finding.Snippet{Platform: string(p), File: fileShell, Lang: "sh", Code: code}
}

// in returns s with its file replaced.
func in(file string, s finding.Snippet) finding.Snippet {
	s.File = file
	return s
}

func join(groups ...[]finding.Snippet) []finding.Snippet {
	var out []finding.Snippet
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

func one(s ...finding.Snippet) []finding.Snippet { return s }

// setHeader writes, for every web server, the lines that add the header
// name with value on every response, error pages too. name and value are
// templates ("{{header}}", "{{value}}").
func setHeader(name, value string) []finding.Snippet {
	return []finding.Snippet{
		nginx("# always: error pages too. A location with add_header lines of its own\n" +
			"# drops these: repeat them there.\nadd_header " + name + " \"" + value + "\" always;"),
		apache("Header always set " + name + " \"" + value + "\""),
		caddy("header " + name + " \"" + value + "\""),
		lighttpd("server.modules += (\"mod_setenv\")\nsetenv.set-response-header += (\"" + name + "\" => \"" + value + "\")"),
		haproxy("# http-after-response: HAProxy's own error pages too\nhttp-after-response set-header " + name + " \"" + value + "\""),
	}
}

// addHeader sends one more header name with value beside any the site
// already sends (a second Content-Security-Policy, which browsers enforce
// together with the first): add, never set, which would replace it.
func addHeader(name, value string) []finding.Snippet {
	return []finding.Snippet{
		nginx("# add_header adds: a location with add_header lines of its own drops\n" +
			"# this one, so repeat it there.\nadd_header " + name + " \"" + value + "\" always;"),
		apache("Header always add " + name + " \"" + value + "\""),
		caddy("header +" + name + " \"" + value + "\""),
		lighttpd("server.modules += (\"mod_setenv\")\nsetenv.add-response-header += (\"" + name + "\" => \"" + value + "\")"),
		haproxy("# http-after-response: HAProxy's own error pages too\nhttp-after-response add-header " + name + " \"" + value + "\""),
	}
}

// replaceHeader is setHeader for a header already sent with a wrong value,
// possibly by the application behind the server: each server drops the
// copy it received before sending its own, so that there is one.
func replaceHeader(name, value string) []finding.Snippet {
	return []finding.Snippet{
		nginx("# proxy_hide_header drops the application's copy; add_header sends this\n" +
			"# one, error pages too. A location with add_header or proxy_hide_header\n" +
			"# lines of its own drops these: repeat them there.\n" +
			"proxy_hide_header " + name + ";\nadd_header " + name + " \"" + value + "\" always;"),
		apache("# the first line drops the application's copy (proxied headers), the\n" +
			"# second sends this one on every response\nHeader unset " + name + "\nHeader always set " + name + " \"" + value + "\""),
		caddy("# defer: applied after the application's answer, replacing its copy\n" +
			"header {\n\t" + name + " \"" + value + "\"\n\tdefer\n}"),
		lighttpd("server.modules += (\"mod_setenv\")\n# set-response-header replaces what the backend sent\n" +
			"setenv.set-response-header += (\"" + name + "\" => \"" + value + "\")"),
		haproxy("# set-header replaces what the backend sent; http-after-response\n# reaches HAProxy's own error pages too\nhttp-after-response set-header " + name + " \"" + value + "\""),
	}
}

// removeHeader drops the header name from every response.
func removeHeader(name string) []finding.Snippet {
	return []finding.Snippet{
		nginx("proxy_hide_header " + name + ";\n# and delete any add_header " + name + " line"),
		apache("Header unset " + name + "\nHeader always unset " + name),
		caddy("header -" + name),
		lighttpd("server.modules += (\"mod_setenv\")\n# an empty value removes the header\nsetenv.set-response-header += (\"" + name + "\" => \"\")"),
		haproxy("http-after-response del-header " + name),
	}
}

// duplicateHeader says, per platform, which copy of a header sent twice to
// remove: the web server's, when the application sends its own (appCode
// is the Pleroma setting that sends it).
func duplicateHeader(name, appCode string) []finding.Snippet {
	app := func(a string) string {
		return "# " + a + " sends " + name + " itself, from this setting: keep it,\n" +
			"# and delete the web server's copy (nginx add_header, Apache Header set).\n" + appCode
	}
	return []finding.Snippet{
		pleroma(app("Pleroma")),
		akkoma(app("Akkoma")),
		nginx("# sent twice: when the application sends " + name + " itself,\n" +
			"# delete add_header " + name + " here, in location blocks\n" +
			"# and in included files; otherwise keep exactly one."),
		apache("# sent twice: when the application sends " + name + " itself,\n" +
			"# delete the Header set/add " + name + " lines; otherwise keep\n" +
			"# one Header always set line."),
		caddy("# sent twice: when the application sends " + name + " itself,\n" +
			"# delete the header " + name + " line; otherwise keep one."),
		lighttpd("# sent twice: when the application sends " + name + " itself,\n" +
			"# delete it from setenv.add-response-header and setenv.set-response-header."),
		haproxy("# sent twice: when the application sends " + name + " itself,\n" +
			"# delete http-response or http-after-response add-header " + name + "\n# (set-header replaces, add-header adds)."),
	}
}

// allFixes are the catalogue's fixes by check id, kept apart from the
// entries so that each entry stays readable; fixes_*.go give them by area.
func allFixes() map[string][]Fix {
	fixes := map[string][]Fix{}
	for _, m := range []map[string][]Fix{headerFixes(), cspFixes(), siteFixes(), localFixes(), deepFixes()} {
		for id, fx := range m {
			if _, dup := fixes[id]; dup {
				panic("check: fixes for " + id + " given twice")
			}
			fixes[id] = fx
		}
	}
	return fixes
}
