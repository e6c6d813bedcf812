package check_test

import (
	"slices"
	"testing"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/scan/finding"
)

// TestAttachPicksPlatforms keys on which platforms a fix speaks to: the
// application where it sends the header itself, else the web server in
// front, every one of them when the Server header names none.
func TestAttachPicksPlatforms(t *testing.T) {
	all := []string{"nginx", "apache", "caddy", "lighttpd", "haproxy"}
	cases := []struct {
		name, id, reason string
		app              check.Platform
		server           string
		want             []string // nil: no fix
	}{
		{"Pleroma sends HSTS itself: its setting, not nginx's", check.HSTS, "absent", check.Pleroma, "nginx", []string{"pleroma"}},
		{"Mastodon's headers are in its code: the server in front", check.HSTS, "absent", check.Mastodon, "nginx", []string{"nginx"}},
		{"an unknown server gets every server's snippet", check.HSTS, "absent", "", "", all},
		{"a duplicate names the app's setting and the server's line to delete", check.HSTS, "duplicate", check.Pleroma, "nginx/1.22.1", []string{"pleroma", "nginx"}},
		{"Pleroma's https: in connect-src goes with the media proxy", "csp.connect-src", "wide-source", check.Pleroma, "nginx", []string{"pleroma"}},
		{"Pleroma never widens script-src: the server narrows it", "csp.script-src", "wide-source", check.Pleroma, "nginx", []string{"nginx"}},
		{"the fingerprint is the server's", check.HeaderFingerprint, "server-version", check.Pleroma, "Apache/2.4.62", []string{"apache"}},
		{"Akkoma sends no X-Download-Options", check.XDownloadOptions, "absent", check.Akkoma, "nginx", []string{"nginx"}},
		{"Pleroma hard-codes X-XSS-Protection: the server replaces it", check.XXSSProtection, "legacy", check.Pleroma, "lighttpd/1.4.69", []string{"lighttpd"}},
		{"Pleroma's exposed backend", check.BackendExposed, "http-answers", check.Pleroma, "nginx", []string{"pleroma", "pleroma"}},
		{"Mastodon's exposed backend", check.BackendExposed, "open", check.Mastodon, "nginx", []string{"mastodon", "mastodon"}},
		{"a unit directive is a drop-in", "unit.NoNewPrivileges", "off", check.Pleroma, "", []string{"systemd"}},
		{"a config key is a config line", "config.http.ip", "exposed", check.Pleroma, "", []string{"pleroma"}},
		{"Caddy redirects by itself, but is told how", check.HTTPSRedirect, "no-redirect", "", "Caddy", []string{"caddy"}},
		{"a note that needs no change", check.HTTPSRedirect, "not-probed", check.Pleroma, "nginx", nil},
		{"the session cookie of Pleroma 2.5+: scan signed in", check.CookieSession, "not-seen", check.Pleroma, "nginx", []string{"pleroma"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := []finding.Finding{{ID: c.id, Reason: c.reason, Severity: finding.Warn,
				Vars: map[string]string{"header": "X", "value": "v", "directive": "d", "port": "4000", "line": "NoNewPrivileges=true", "unit": "u.service"}}}
			tg := check.Target{App: c.app, Host: "example.tld"}
			if c.app == "" || c.server != "" {
				tg.Servers = check.ServersFrom(c.server)
			}
			check.Attach(fs, tg)
			if c.want == nil {
				if fs[0].Fix != nil {
					t.Fatalf("got a fix %+v, want none", fs[0].Fix)
				}
				return
			}
			if fs[0].Fix == nil {
				t.Fatal("no fix")
			}
			var got []string
			for _, s := range fs[0].Fix.Snippets {
				got = append(got, s.Platform)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("platforms %v, want %v", got, c.want)
			}
		})
	}
}

func TestAttachNoFixOnPass(t *testing.T) {
	fs := []finding.Finding{{ID: check.HSTS, Reason: check.OK, Severity: finding.Pass}}
	check.Attach(fs, check.Target{App: check.Pleroma, Servers: check.Servers})
	if fs[0].Fix != nil {
		t.Errorf("a pass got a fix: %+v", fs[0].Fix)
	}
}
