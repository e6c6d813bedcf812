package check_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hardscan/hardscan/internal/audit/exsconfig"
	"github.com/hardscan/hardscan/internal/audit/unit"
	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/internal/judge"
	"github.com/hardscan/hardscan/internal/judge/header"
	"github.com/hardscan/hardscan/internal/probe"
	"github.com/hardscan/hardscan/internal/profile"
	"github.com/hardscan/hardscan/scan/finding"
)

var update = flag.Bool("update", false, "rewrite testdata/fixes.golden")

// emitted is one filled snippet and the finding it was filled for.
type emitted struct {
	id, reason string
	rule       int
	summary    string
	snippet    finding.Snippet
}

// TestEverySnippet walks the catalogue: every check, every fix rule, every
// snippet, filled with the values the judges really set (from the recorded
// responses, the local audits and a site that gets everything wrong). Each
// rule must be the one Attach picks for some reason, nothing may be left
// unfilled, every snippet must pass its platform's own syntax check, and
// the list is a golden file a human reads.
func TestEverySnippet(t *testing.T) {
	snips := walkCatalogue(t)
	golden(t, snips)
	// and what the recorded responses and local audits really get, filled
	// with their own values
	for _, j := range append(recordedTargets(t), localTargets(t)...) {
		for _, f := range j.findings {
			if f.Fix == nil {
				continue
			}
			for _, s := range f.Fix.Snippets {
				snips = append(snips, emitted{id: f.ID, reason: f.Reason, rule: -1, summary: f.Fix.Summary, snippet: s})
			}
		}
	}

	byLang := map[string][]emitted{}
	for _, e := range snips {
		byLang[e.snippet.Lang] = append(byLang[e.snippet.Lang], e)
	}
	for lang := range byLang {
		if _, ok := syntaxCheckers[lang]; !ok {
			t.Errorf("no syntax check for snippets in %q (e.g. %s %s)", lang, byLang[lang][0].id, byLang[lang][0].reason)
		}
	}
	langs := make([]string, 0, len(syntaxCheckers))
	for l := range syntaxCheckers {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			sc := syntaxCheckers[lang]
			if sc.tool != "" {
				if _, err := exec.LookPath(sc.tool); err != nil {
					t.Skipf("%s not found: install Debian package %s to check %s snippets", sc.tool, sc.pkg, lang)
				}
			}
			if len(byLang[lang]) == 0 {
				t.Fatalf("the catalogue has no %s snippet", lang)
			}
			seen := map[string]bool{}
			for _, e := range byLang[lang] {
				if seen[e.snippet.Code] {
					continue
				}
				seen[e.snippet.Code] = true
				if err := sc.check(t, e); err != nil {
					t.Errorf("%s %s (%s): %v\n--- snippet:\n%s", e.id, e.reason, e.snippet.Platform, err, e.snippet.Code)
				}
			}
			t.Logf("%d distinct %s snippets checked", len(seen), lang)
		})
	}
}

// walkCatalogue fills every snippet of every rule for each (id, reason)
// whose fix that rule is.
func walkCatalogue(t *testing.T) []emitted {
	t.Helper()
	samples := sampleVars(t)
	var out []emitted
	for _, c := range check.All() {
		for k, rule := range c.Fixes {
			ids := rule.IDs
			for _, id := range ids {
				if got, ok := check.Lookup(id); !ok || got.ID != c.ID {
					t.Errorf("%s: rule %d names %s, which is no member of it", c.ID, k, id)
				}
			}
			if len(ids) == 0 {
				ids = []string{c.ID}
				if c.Family() {
					ids = familyIDs(samples, c)
				}
			}
			reasons := rule.Reasons
			if len(reasons) == 0 {
				reasons = c.Reasons
			}
			reached := false
			for _, id := range ids {
				for _, r := range reasons {
					reason := string(r)
					if !slices.Contains(c.Reasons, r) {
						t.Errorf("%s: rule %d names reason %q, which the check does not give", c.ID, k, reason)
					}
					f := finding.Finding{ID: id, Reason: reason, Severity: finding.Warn, Vars: varsFor(samples, id, reason)}
					if check.RuleFor(&c, f) != k {
						continue
					}
					reached = true
					tg := check.Target{Host: "example.tld"}
					for _, s := range rule.Snippets {
						s.File = check.Fill(s.File, f, tg)
						s.Code = check.Fill(s.Code, f, tg)
						if strings.Contains(s.Code+s.File, "{{") {
							t.Errorf("%s %s: unfilled placeholder in %s snippet:\n%s", id, reason, s.Platform, s.Code)
						}
						out = append(out, emitted{id: id, reason: reason, rule: k, summary: check.Fill(rule.Summary, f, tg), snippet: s})
					}
				}
			}
			if !reached {
				t.Errorf("%s: rule %d (%q) is never picked: an earlier rule covers all its reasons", c.ID, k, rule.Summary)
			}
		}
	}
	return out
}

func familyIDs(samples map[string]map[string]string, c check.Check) []string {
	var ids []string
	for id := range samples {
		if strings.HasPrefix(id, c.Prefix()) {
			if got, ok := check.Lookup(id); ok && got.ID == c.ID {
				ids = append(ids, id)
			}
		}
	}
	sort.Strings(ids)
	return ids
}

// fallbackVars stand in where no judged finding of an id set a value.
var fallbackVars = map[string]string{
	"header": "X-Frame-Options", "value": "DENY", "policy": "default-src 'none'; frame-ancestors 'none'",
	"source": "http://cdn.example.net", "cookie": "sessionid", "samesite": "Lax", "prefix": "__Host-",
	"port": "4000", "unit": "pleroma.service", "home": "/home/pleroma", "line": "PrivateTmp=true",
}

func varsFor(samples map[string]map[string]string, id, reason string) map[string]string {
	v := map[string]string{}
	for k, x := range fallbackVars {
		v[k] = x
	}
	if d, ok := strings.CutPrefix(id, "csp."); ok {
		v["directive"], v["value"] = d, d+" 'self'"
	}
	for _, key := range []string{id, id + " " + reason} {
		for k, x := range samples[key] {
			v[k] = x
		}
	}
	return v
}

// sampleVars are the Vars the judges set, by finding id: from the recorded
// responses, the local audits and a site that gets everything wrong.
func sampleVars(t *testing.T) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	add := func(fs []finding.Finding) {
		for _, f := range fs {
			if len(f.Vars) == 0 || f.Severity == finding.Pass {
				continue
			}
			for _, key := range []string{f.ID, f.ID + " " + f.Reason} {
				if _, ok := out[key]; !ok {
					out[key] = f.Vars
				}
			}
		}
	}
	for _, j := range append(recordedTargets(t), localTargets(t)...) {
		add(j.findings)
	}
	for _, name := range []string{"pleroma", "akkoma", "mastodon", "modern"} {
		p, err := profile.Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		add(judge.Site(p, worstSite(t), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	}
	// every header judge, on a response that sends none
	all := header.Expect{Rules: map[string]header.Rule{}}
	for _, id := range []string{check.XFrameOptions, check.XContentTypeOptions, check.XXSSProtection,
		check.XPermittedCrossDomainPolicies, check.XDownloadOptions, check.ExpectCT, check.ReferrerPolicy,
		check.PermissionsPolicy, check.CrossOriginOpenerPolicy, check.CrossOriginResourcePolicy, check.CrossOriginEmbedderPolicy} {
		all.Rules[id] = header.Rule{}
	}
	add(header.Judge(header.Input{Header: http.Header{}}, all))
	return out
}

// worstSite is a site that gets every header wrong, sets cookies over plain
// HTTP and exposes its backend.
func worstSite(t *testing.T) *probe.Observed {
	t.Helper()
	base, _ := url.Parse("https://example.tld/")
	plain, _ := url.Parse("http://example.tld/")
	h := http.Header{}
	for _, kv := range [][2]string{
		{"Server", "nginx/1.22.1"}, {"X-Powered-By", "PHP/8.2.7"}, {"Feature-Policy", "camera 'none'"},
		{"Content-Security-Policy", "script-src 'self' 'unsafe-inline' 'unsafe-eval' http://cdn.example.net 203.0.113.7 https:; img-src *; connect-src https: ws://example.tld; media-src https:; style-src 'nonce-abc'"},
		{"Strict-Transport-Security", "max-age=60"}, {"Referrer-Policy", "unsafe-url"},
		{"X-Frame-Options", "ALLOW-FROM https://other.example"}, {"X-Content-Type-Options", "sniff"},
		{"X-XSS-Protection", "1"}, {"X-Permitted-Cross-Domain-Policies", "all"}, {"X-Download-Options", "open"},
		{"Expect-CT", "max-age=10"}, {"Permissions-Policy", "camera=*"}, {"Cross-Origin-Opener-Policy", "unsafe-none"},
		{"Cross-Origin-Resource-Policy", "cross-origin"}, {"Cross-Origin-Embedder-Policy", "unsafe-none"},
		{"Set-Cookie", "__Host-pleroma_key=x; Path=/; SameSite=None"}, {"Set-Cookie", "sessionid=y; Path=/; Domain=example.tld"},
	} {
		h.Add(kv[0], kv[1])
	}
	ph := http.Header{"Set-Cookie": {"pleroma_key=z; Path=/"}}
	return &probe.Observed{URL: base, Verified: true,
		Root:    &probe.Chain{Hops: []probe.Hop{{URL: base, Status: 200, Header: h}}, Body: []byte("<html><head></head></html>")},
		HTTP:    &probe.Chain{Hops: []probe.Hop{{URL: plain, Status: 200, Header: ph}}},
		Backend: &probe.Probe{Port: 4000, Open: true, Status: 200},
	}
}

// golden writes or compares testdata/fixes.golden: each rule's snippets,
// filled for the first finding that rule fixes.
func golden(t *testing.T, snips []emitted) {
	t.Helper()
	var b strings.Builder
	rep := map[string]string{} // check#rule -> the id and reason shown
	for _, e := range snips {
		key := fmt.Sprintf("%s#%d", checkID(e.id), e.rule)
		me := e.id + " " + e.reason
		if r, ok := rep[key]; !ok {
			rep[key] = me
			fmt.Fprintf(&b, "\n### %s (%s): %s\n", e.id, e.reason, e.summary)
		} else if r != me {
			continue
		}
		s := e.snippet
		fmt.Fprintf(&b, "--- %s, %s (%s)\n%s\n", s.Platform, s.File, s.Lang, s.Code)
	}
	got := []byte(strings.TrimLeft(b.String(), "\n"))
	path := filepath.Join("testdata", "fixes.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/check -run TestEverySnippet -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the fixes differ from %s; read the difference, then run with -update", path)
	}
}

func checkID(id string) string {
	if c, ok := check.Lookup(id); ok {
		return c.ID
	}
	return id
}

// syntaxChecker checks one language's snippets, with the tool of the
// Debian package pkg.
type syntaxChecker struct {
	tool, pkg string
	check     func(t *testing.T, e emitted) error
}

var syntaxCheckers = map[string]syntaxChecker{
	"nginx":     {"nginx", "nginx-light", checkNginx},
	"apache":    {"apache2", "apache2", checkApache},
	"caddyfile": {"caddy", "caddy", checkCaddy},
	"lighttpd":  {"lighttpd", "lighttpd", checkLighttpd},
	"haproxy":   {"haproxy", "haproxy", checkHAProxy},
	"sh":        {"sh", "dash", checkShell},
	"elixir":    {"", "", checkElixir},
	"ini":       {"", "", checkUnit},
}

// anyContext tries a snippet in each place its platform allows it (a server
// block, then the http block, ...): it passes if one of them validates, as
// the admin pastes it where its file says. warning, when set, is what the
// tool prints for a line it ignores while still exiting 0 (lighttpd's
// unknown keys).
func anyContext(t *testing.T, confs []string, warning string, write func(dir, conf string) []string) error {
	t.Helper()
	var errs []error
	for _, conf := range confs {
		dir := t.TempDir()
		args := write(dir, conf)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		out, err := exec.CommandContext(ctx, args[0], args[1:]...).CombinedOutput()
		cancel()
		if err == nil && (warning == "" || !bytes.Contains(out, []byte(warning))) {
			return nil
		}
		if err == nil {
			err = errors.New("warning")
		}
		errs = append(errs, fmt.Errorf("%v: %s", err, bytes.TrimSpace(out)))
	}
	return errors.Join(errs...)
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func indent(code, pad string) string {
	return pad + strings.ReplaceAll(code, "\n", "\n"+pad)
}

func checkNginx(t *testing.T, e emitted) error {
	const conf = `pid DIR/nginx.pid;
error_log DIR/error.log;
events {}
http {
    access_log off;
    client_body_temp_path DIR/body;
    proxy_temp_path DIR/proxy;
    fastcgi_temp_path DIR/fastcgi;
    uwsgi_temp_path DIR/uwsgi;
    scgi_temp_path DIR/scgi;
HTTP
    server {
        listen 127.0.0.1:8443;
        server_name example.tld;
        location / {
            proxy_pass http://127.0.0.1:4000;
        }
SERVER
    }
}
`
	code := e.snippet.Code
	inServer := strings.Replace(strings.Replace(conf, "SERVER", indent(code, "        "), 1), "HTTP", "", 1)
	inHTTP := strings.Replace(strings.Replace(conf, "HTTP", indent(code, "    "), 1), "SERVER", "", 1)
	return anyContext(t, []string{inServer, inHTTP}, "[warn]", func(dir, c string) []string {
		path := filepath.Join(dir, "nginx.conf")
		writeFile(t, path, strings.ReplaceAll(c, "DIR", dir))
		return []string{"nginx", "-t", "-e", filepath.Join(dir, "error.log"), "-p", dir, "-c", path}
	})
}

func checkApache(t *testing.T, e emitted) error {
	const mods = "/usr/lib/apache2/modules/"
	conf := `ServerRoot "DIR"
DefaultRuntimeDir "DIR"
PidFile "DIR/httpd.pid"
ErrorLog "DIR/error.log"
ServerName localhost
LoadModule mpm_event_module ` + mods + `mod_mpm_event.so
LoadModule authz_core_module ` + mods + `mod_authz_core.so
LoadModule headers_module ` + mods + `mod_headers.so
LoadModule alias_module ` + mods + `mod_alias.so
LoadModule ssl_module ` + mods + `mod_ssl.so
Listen 127.0.0.1:8443
TOP
<VirtualHost *:8443>
    ServerName example.tld
VHOST
</VirtualHost>
`
	code := e.snippet.Code
	inVhost := strings.Replace(strings.Replace(conf, "VHOST", indent(code, "    "), 1), "TOP", "", 1)
	top := strings.Replace(strings.Replace(conf, "TOP", code, 1), "VHOST", "", 1)
	return anyContext(t, []string{inVhost, top}, "", func(dir, c string) []string {
		path := filepath.Join(dir, "apache2.conf")
		writeFile(t, path, strings.ReplaceAll(c, "DIR", dir))
		return []string{"apache2", "-t", "-d", dir, "-f", path}
	})
}

func checkCaddy(t *testing.T, e emitted) error {
	code := e.snippet.Code
	inSite := "example.tld {\n" + indent(code, "\t") + "\n}\n"
	return anyContext(t, []string{inSite, code + "\n"}, "", func(dir, c string) []string {
		path := filepath.Join(dir, "Caddyfile")
		writeFile(t, path, c)
		return []string{"env", "HOME=" + dir, "XDG_DATA_HOME=" + dir, "XDG_CONFIG_HOME=" + dir,
			"caddy", "adapt", "--validate", "--adapter", "caddyfile", "--config", path}
	})
}

func checkLighttpd(t *testing.T, e emitted) error {
	conf := `server.document-root = "DIR"
server.port = 8443
server.bind = "127.0.0.1"
server.errorlog = "DIR/error.log"
` + e.snippet.Code + "\n"
	return anyContext(t, []string{conf}, "WARNING", func(dir, c string) []string {
		path := filepath.Join(dir, "lighttpd.conf")
		writeFile(t, path, strings.ReplaceAll(c, "DIR", dir))
		return []string{"lighttpd", "-tt", "-f", path}
	})
}

func checkHAProxy(t *testing.T, e emitted) error {
	const conf = `global
GLOBAL
defaults
    mode http
    timeout connect 5s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:8443
FRONTEND
    default_backend be
backend be
    server app 127.0.0.1:4000
`
	code := e.snippet.Code
	inFrontend := strings.Replace(strings.Replace(conf, "FRONTEND", indent(code, "    "), 1), "GLOBAL", "", 1)
	inGlobal := strings.Replace(strings.Replace(conf, "GLOBAL", indent(code, "    "), 1), "FRONTEND", "", 1)
	return anyContext(t, []string{inFrontend, inGlobal}, "[WARNING]", func(dir, c string) []string {
		path := filepath.Join(dir, "haproxy.cfg")
		writeFile(t, path, c)
		return []string{"haproxy", "-c", "-f", path}
	})
}

func checkShell(t *testing.T, e emitted) error {
	return anyContext(t, []string{e.snippet.Code + "\n"}, "", func(dir, c string) []string {
		path := filepath.Join(dir, "fix.sh")
		writeFile(t, path, c)
		return []string{"sh", "-n", path}
	})
}

// checkElixir parses the snippet with hardscan's own config reader (there
// is no Elixir here); a config.<key> fix must make its own check pass.
func checkElixir(t *testing.T, e emitted) error {
	cfg, skips := exsconfig.Parse("prod.secret.exs", []byte(e.snippet.Code+"\n"))
	if len(skips) > 0 {
		return fmt.Errorf("hardscan's config reader skips it: %+v", skips)
	}
	if !strings.HasPrefix(e.id, "config.") {
		return nil
	}
	for _, f := range exsconfig.Judge(cfg) {
		if f.ID == e.id && f.Severity != finding.Pass {
			return fmt.Errorf("with the fix, %s is still %s (%s)", f.ID, f.Severity, f.Reason)
		}
	}
	return nil
}

// checkUnit reads the drop-in with hardscan's unit reader over a bare unit;
// a directive the guide names must then pass.
func checkUnit(t *testing.T, e emitted) error {
	dir := t.TempDir()
	name := e.snippet.File[strings.Index(e.snippet.File, "systemctl edit ")+len("systemctl edit "):]
	name = strings.Fields(name)[0]
	base := "[Unit]\nDescription=test\n\n[Service]\nUser=pleroma\nExecStart=/opt/pleroma/bin/pleroma start\n"
	writeFile(t, filepath.Join(dir, name), base)
	if err := os.Mkdir(filepath.Join(dir, name+".d"), 0o755); err != nil {
		return err
	}
	writeFile(t, filepath.Join(dir, name+".d", "override.conf"), e.snippet.Code+"\n")
	u, err := unit.Load(filepath.Join(dir, name), unit.Options{})
	if err != nil {
		return err
	}
	if len(u.Skips()) > 0 {
		return fmt.Errorf("systemd would ignore lines: %+v", u.Skips())
	}
	if e.reason == "hides-service" || e.reason == "off-home-used" ||
		!strings.Contains(e.snippet.Code, strings.TrimPrefix(e.id, "unit.")+"=") {
		// BindPaths keeps the service's path under /home, which the judge
		// does not read yet: it still notes ProtectHome=tmpfs.
		return nil
	}
	for _, f := range unit.Judge(u) {
		if f.ID == e.id && f.Severity != finding.Pass {
			return fmt.Errorf("with the drop-in, %s is still %s (%s)", f.ID, f.Severity, f.Reason)
		}
	}
	return nil
}
