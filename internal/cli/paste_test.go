package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/result"
)

// The paste test does what an admin does with the report: read the table
// in a real terminal (tmux) at 60, 80 and 120 columns, copy each fix as the
// terminal copies it (capture-pane -J joins the lines it soft-wrapped), put
// it where the fix says, reload the real server and scan again. The finding
// must then pass, nothing else may get worse, and each header the fix sets
// must arrive exactly as the fix writes it.

// emptyFixes is the fixes file before anything is pasted (Caddy will not
// import a file with no token at all).
const emptyFixes = "# the fixes hardscan printed go here\n"

// pasteWidths are the terminal widths the fixes are copied at.
var pasteWidths = []int{60, 80, 120}

// pasted is one snippet as a user selects it from the terminal: the check
// of the block it sits in, the platform and file its comment names, and
// the code lines between that comment and the next prose.
type pasted struct {
	check, platform, where string
	code                   []string
}

// copyTable runs hardscan args in a tmux terminal of width columns and
// returns the pane's whole history as tmux copies it, soft-wrapped lines
// joined. It skips the test when tmux is missing.
func copyTable(t *testing.T, width int, args ...string) string {
	t.Helper()
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed (Debian package tmux): the paste test copies from a real terminal")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "tmux.conf")
	if err := os.WriteFile(conf, []byte("set -g history-limit 100000\nset -g remain-on-exit on\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sock := fmt.Sprintf("hardscan-paste-%d-%d", os.Getpid(), time.Now().UnixNano())
	run := func(a ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, tmux, append([]string{"-L", sock, "-f", conf}, a...)...).CombinedOutput()
		return string(out), err
	}
	t.Cleanup(func() { _, _ = run("kill-server") })
	cmd := []string{"env", "-u", "COLUMNS", "HARDSCAN_TEST_MAIN=1", self}
	if out, err := run(append([]string{"new-session", "-d", "-x", fmt.Sprint(width), "-y", "50", "--"}, append(cmd, args...)...)...); err != nil {
		t.Fatalf("tmux new-session: %v: %s", err, out)
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		out, err := run("list-panes", "-F", "#{pane_dead} #{pane_width}")
		if err != nil {
			t.Fatalf("tmux list-panes: %v: %s", err, out)
		}
		if f := strings.Fields(out); len(f) == 2 && f[0] == "1" {
			if f[1] != fmt.Sprint(width) {
				t.Fatalf("the pane is %s columns wide, want %d", f[1], width)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("hardscan did not finish in the tmux pane within 60s")
		}
	}
	out, err := run("capture-pane", "-J", "-p", "-S", "-")
	if err != nil {
		t.Fatalf("tmux capture-pane: %v: %s", err, out)
	}
	return out
}

var findingHead = regexp.MustCompile(`^(FAIL|WARN|INFO|PASS) +(\S+)(?: \((.*)\))?$`)

// snippetsIn cuts the snippets out of a copied table as a user selects
// them: under a finding, the comment naming the platform and file (at the
// finding's indent, "# nginx, in FILE:", maybe over several lines) starts
// one; its code is the lines indented further, up to the next line that
// is not (prose, or the next snippet's comment).
func snippetsIn(copied string) []pasted {
	lines := strings.Split(strings.TrimRight(copied, "\n"), "\n")
	indentOf := func(l string) int { return len(l) - len(strings.TrimLeft(l, " ")) }
	var out []pasted
	check, indent := "", -1
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if m := findingHead.FindStringSubmatch(l); m != nil {
			check = m[2]
			if m[3] != "" {
				check += "[" + m[3] + "]"
			}
			indent = -1
			if i+1 < len(lines) {
				indent = indentOf(lines[i+1])
			}
			continue
		}
		if check == "" || indent < 0 || indentOf(l) != indent || !strings.HasPrefix(strings.TrimLeft(l, " "), "# ") {
			continue
		}
		var where []string
		for ; i < len(lines) && indentOf(lines[i]) == indent && strings.HasPrefix(strings.TrimLeft(lines[i], " "), "# "); i++ {
			where = append(where, strings.TrimPrefix(strings.TrimLeft(lines[i], " "), "# "))
		}
		p := pasted{check: check, where: strings.Join(where, " ")}
		p.platform, _, _ = strings.Cut(strings.TrimSuffix(p.where, ":"), ",")
		for ; i < len(lines) && (strings.TrimSpace(lines[i]) == "" || indentOf(lines[i]) > indent); i++ {
			p.code = append(p.code, lines[i])
		}
		for len(p.code) > 0 && strings.TrimSpace(p.code[len(p.code)-1]) == "" {
			p.code = p.code[:len(p.code)-1]
		}
		out = append(out, p)
		i--
	}
	return out
}

// pasteLab is a real server with a file where fixes are pasted.
type pasteLab struct {
	platform string   // the snippets' platform name
	args     []string // flags that aim a scan at it
	url      string
	fixes    string                                         // the file inside the site's block that the test writes
	reload   func(t *testing.T)                             // makes the server read its config again
	settable func(p pasted) bool                            // whether the snippet goes where fixes is included
	headers  func(code []string) (map[string]string, error) // the headers a pasted block sets
}

// scanJSON scans the lab's site and returns its target.
func (l *pasteLab) scanJSON(t *testing.T) *result.Target {
	t.Helper()
	o := runArgs(t, append(append([]string{}, l.args...), "-p", "modern", "-f", "json", l.url)...)
	tg := onlyTarget(t, o)
	if tg.Error != nil {
		log, _ := os.ReadFile(filepath.Join(filepath.Dir(l.fixes), "error.log"))
		t.Fatalf("could not scan %s: %s\n%s", l.url, *tg.Error, log)
	}
	return tg
}

// testPaste runs the paste test on lab at every width.
func testPaste(t *testing.T, lab *pasteLab) {
	before := lab.scanJSON(t)
	sevBefore := map[string]finding.Severity{}
	for _, f := range before.Findings {
		sevBefore[key(f)] = f.Severity
	}
	for _, w := range pasteWidths {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			copied := copyTable(t, w, append(append([]string{}, lab.args...), "-p", "modern", lab.url)...)
			var code []string
			fixed := map[string]bool{}
			for _, p := range snippetsIn(copied) {
				if p.platform != lab.platform || !lab.settable(p) {
					continue
				}
				code = append(code, p.code...)
				fixed[p.check] = true
			}
			if len(fixed) == 0 {
				t.Fatalf("no %s fix to paste in the copied report:\n%s", lab.platform, copied)
			}
			if err := os.WriteFile(lab.fixes, []byte(strings.Join(code, "\n")+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			defer func() {
				if err := os.WriteFile(lab.fixes, []byte(emptyFixes), 0o600); err != nil {
					t.Fatal(err)
				}
				lab.reload(t)
			}()
			lab.reload(t)
			after := lab.scanJSON(t)
			var checks []string
			for k := range fixed {
				checks = append(checks, k)
			}
			sort.Strings(checks)
			got := map[string]finding.Finding{}
			for _, f := range after.Findings {
				got[key(f)] = f
			}
			for _, k := range checks {
				if f, ok := got[k]; ok && f.Severity > finding.Info {
					t.Errorf("%s is still %s %s after its fix was pasted: %s", k, f.Severity, f.Reason, f.Message)
				}
			}
			for k, f := range got {
				if was, ok := sevBefore[k]; (ok && f.Severity > was) || (!ok && f.Severity > finding.Info) {
					t.Errorf("%s got worse with the fixes: %s %s (%s), was %v", k, f.Severity, f.Reason, f.Message, was)
				}
			}
			want, err := lab.headers(code)
			if err != nil {
				t.Fatal(err)
			}
			if len(want) == 0 {
				t.Fatalf("the pasted fixes set no header:\n%s", strings.Join(code, "\n"))
			}
			for name, v := range want {
				if vs := after.Headers[strings.ToLower(name)]; len(vs) != 1 || vs[0] != v {
					t.Errorf("%s arrived as %q, want %q as the fix writes it", name, vs, v)
				}
			}
			t.Logf("%d fixes pasted (%s), %d headers set", len(checks), strings.Join(checks, ", "), len(want))
			if t.Failed() {
				t.Logf("pasted into %s:\n%s\n\nfindings after:\n%s", lab.fixes, strings.Join(code, "\n"), dumpTarget(after))
			}
		})
	}
}

// words splits a config line into its words as nginx, Apache and Caddy
// read them: spaces separate, "..." and '...' quote (the quotes dropped),
// a backslash escapes the next character inside quotes.
func words(line string) []string {
	var out []string
	var b strings.Builder
	in, quote, esc := false, byte(0), false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case esc:
			b.WriteByte(c)
			esc = false
		case quote != 0 && c == '\\':
			esc = true
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			b.WriteByte(c)
		case c == '"' || c == '\'':
			quote, in = c, true
		case c == ' ' || c == '\t':
			if in {
				out = append(out, b.String())
				b.Reset()
				in = false
			}
		case c == '#' && !in:
			return out
		default:
			b.WriteByte(c)
			in = true
		}
	}
	if in {
		out = append(out, b.String())
	}
	return out
}

// nginxHeaders reads the add_header directives of pasted nginx lines.
func nginxHeaders(code []string) (map[string]string, error) {
	h := map[string]string{}
	for _, l := range code {
		w := words(strings.TrimSuffix(strings.TrimSpace(l), ";"))
		if len(w) >= 3 && w[0] == "add_header" {
			h[w[1]] = w[2]
		}
	}
	return h, nil
}

// apacheHeaders reads the Header [always] set directives of pasted lines.
func apacheHeaders(code []string) (map[string]string, error) {
	h := map[string]string{}
	for _, l := range code {
		w := words(strings.TrimSpace(l))
		if len(w) > 0 && w[0] == "Header" {
			w = w[1:]
			if len(w) > 0 && w[0] == "always" {
				w = w[1:]
			}
			if len(w) >= 3 && w[0] == "set" {
				h[w[1]] = w[2]
			}
		}
	}
	return h, nil
}

// caddyHeaders reads header directives, one-line or blocks, of pasted
// Caddyfile lines; "-Name" (delete) and "defer" set nothing.
func caddyHeaders(code []string) (map[string]string, error) {
	h := map[string]string{}
	inBlock := false
	for _, l := range code {
		w := words(strings.TrimSpace(l))
		switch {
		case len(w) == 0:
		case inBlock && w[0] == "}":
			inBlock = false
		case inBlock && len(w) == 2 && !strings.HasPrefix(w[0], "-"):
			h[strings.TrimPrefix(w[0], "+")] = w[1]
		case !inBlock && w[0] == "header" && len(w) == 2 && w[1] == "{":
			inBlock = true
		case !inBlock && w[0] == "header" && len(w) >= 3 && !strings.HasPrefix(w[1], "-"):
			h[w[1]] = w[2]
		}
	}
	if inBlock {
		return nil, fmt.Errorf("a header block is not closed in:\n%s", strings.Join(code, "\n"))
	}
	return h, nil
}

// pasteDir makes a lab directory with a certificate for paste.test, a page
// to serve and an empty fixes file, and fills the template conf into it.
func pasteDir(t *testing.T, conf, to, fixes string, vars map[string]string) (dir, ca string) {
	t.Helper()
	dir = t.TempDir()
	for _, sub := range []string{"tmp", "www", "run", "storage"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	page := "<!DOCTYPE html><html lang=en><head><title>paste.test</title></head><body><p>A page.</p></body></html>\n"
	if err := os.WriteFile(filepath.Join(dir, "www", "index.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, fixes), []byte(emptyFixes), 0o600); err != nil {
		t.Fatal(err)
	}
	ca, _ = writeCerts(t, dir)
	vars["@DIR@"] = dir
	renderConf(t, filepath.Join("testdata", "paste", conf), filepath.Join(dir, to), vars)
	return dir, ca
}

// labArgs aim a scan at paste.test on the lab's ports.
func labArgs(ca, https, http string) []string {
	return []string{"--cacert", ca, "--backend-port", "0", "--resolve", "*:443:127.0.0.1:" + https, "--resolve", "*:80:127.0.0.1:" + http, "--no-progress"}
}

// reloadWith runs a server's reload command and waits a moment for its new
// workers; the scan that follows shows whether the new config is live.
func reloadWith(t *testing.T, wait time.Duration, name string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
	time.Sleep(wait)
}

func TestPasteNginx(t *testing.T) {
	bin := nginxBinary()
	if bin == "" {
		t.Skip("nginx is not installed (Debian package nginx): the paste test needs it")
	}
	vars := map[string]string{"@HTTPS@": freePort(t), "@HTTP@": freePort(t), "@USER@": ""}
	if os.Geteuid() == 0 {
		vars["@USER@"] = "user root;"
	}
	dir, ca := pasteDir(t, "nginx.conf", "nginx.conf", "fixes.conf", vars)
	conf := filepath.Join(dir, "nginx.conf")
	startDaemon(t, exec.Command(bin, "-p", dir+"/", "-e", filepath.Join(dir, "error.log"), "-c", conf, "-g", "daemon off;"),
		"127.0.0.1:"+vars["@HTTPS@"], filepath.Join(dir, "error.log"), 5*time.Second)
	testPaste(t, &pasteLab{
		platform: "nginx", args: labArgs(ca, vars["@HTTPS@"], vars["@HTTP@"]), url: "https://paste.test/",
		fixes: filepath.Join(dir, "fixes.conf"),
		reload: func(t *testing.T) {
			reloadWith(t, 500*time.Millisecond, bin, "-p", dir+"/", "-e", filepath.Join(dir, "error.log"), "-c", conf, "-t", "-q")
			reloadWith(t, 500*time.Millisecond, bin, "-p", dir+"/", "-e", filepath.Join(dir, "error.log"), "-c", conf, "-s", "reload")
		},
		settable: func(p pasted) bool {
			return strings.Contains(p.where, "the server block of") && strings.Contains(p.where, "listens on 443")
		},
		headers: nginxHeaders,
	})
}

func TestPasteApache(t *testing.T) {
	const bin = "/usr/sbin/apache2"
	if _, err := os.Stat(bin); err != nil {
		t.Skip("apache2 is not installed (Debian package apache2): the paste test needs it")
	}
	vars := map[string]string{"@HTTPS@": freePort(t), "@HTTP@": freePort(t), "@USER@": ""}
	if os.Geteuid() == 0 {
		vars["@USER@"] = "User www-data\nGroup www-data"
	}
	dir, ca := pasteDir(t, "apache2.conf", "apache2.conf", "fixes.conf", vars)
	if os.Geteuid() == 0 {
		for d := dir; d != os.TempDir() && d != "/" && d != "."; d = filepath.Dir(d) {
			_ = os.Chmod(d, 0o755)
		}
		_ = os.Chmod(filepath.Join(dir, "fixes.conf"), 0o644)
	}
	conf := filepath.Join(dir, "apache2.conf")
	startDaemon(t, exec.Command(bin, "-f", conf, "-DFOREGROUND"), "127.0.0.1:"+vars["@HTTPS@"], filepath.Join(dir, "error.log"), 10*time.Second)
	testPaste(t, &pasteLab{
		platform: "apache", args: labArgs(ca, vars["@HTTPS@"], vars["@HTTP@"]), url: "https://paste.test/",
		fixes: filepath.Join(dir, "fixes.conf"),
		reload: func(t *testing.T) {
			reloadWith(t, 0, bin, "-f", conf, "-t")
			reloadWith(t, time.Second, bin, "-f", conf, "-k", "graceful")
		},
		settable: func(p pasted) bool { return strings.Contains(p.where, "the <VirtualHost *:443>") },
		headers:  apacheHeaders,
	})
}

func TestPasteCaddy(t *testing.T) {
	bin, err := exec.LookPath("caddy")
	if err != nil {
		t.Skip("caddy is not installed (Debian package caddy): the paste test needs it")
	}
	vars := map[string]string{"@HTTPS@": freePort(t), "@HTTP@": freePort(t), "@ADMIN@": freePort(t)}
	dir, ca := pasteDir(t, "Caddyfile", "Caddyfile", "fixes.caddy", vars)
	conf := filepath.Join(dir, "Caddyfile")
	cmd := exec.Command(bin, "run", "--config", conf, "--adapter", "caddyfile")
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+dir, "XDG_CONFIG_HOME="+dir)
	startDaemon(t, cmd, "127.0.0.1:"+vars["@HTTPS@"], filepath.Join(dir, "error.log"), 5*time.Second)
	testPaste(t, &pasteLab{
		platform: "caddy", args: labArgs(ca, vars["@HTTPS@"], vars["@HTTP@"]), url: "https://paste.test/",
		fixes: filepath.Join(dir, "fixes.caddy"),
		reload: func(t *testing.T) {
			// caddy reload returns once the new config runs.
			reloadWith(t, 0, bin, "reload", "--config", conf, "--adapter", "caddyfile", "--address", "127.0.0.1:"+vars["@ADMIN@"])
		},
		settable: func(p pasted) bool { return strings.Contains(p.where, "the site block of") },
		headers:  caddyHeaders,
	})
}

// TestPasteDemo copies the demo's fixes, Elixir for Pleroma, from the
// terminal into a prod.secret.exs and audits it: hardscan's config reader
// must read every statement, the HSTS fix must make the HSTS keys pass,
// and no key may be judged worse than in an empty config.
func TestPasteDemo(t *testing.T) {
	dir := t.TempDir()
	audit := func(t *testing.T, code string) map[string]finding.Finding {
		t.Helper()
		path := filepath.Join(dir, "prod.secret.exs")
		if err := os.WriteFile(path, []byte("import Config\n\n"+code+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		tg := onlyTarget(t, runArgs(t, "--config", path, "-f", "json"))
		got := map[string]finding.Finding{}
		for _, f := range tg.Findings {
			got[key(f)] = f
		}
		return got
	}
	empty := audit(t, "")
	for _, w := range pasteWidths {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			var code []string
			checks := map[string]bool{}
			for _, p := range snippetsIn(copyTable(t, w, "--demo")) {
				if p.platform == "pleroma" && strings.Contains(p.where, "prod.secret.exs") {
					code = append(code, p.code...)
					checks[p.check] = true
				}
			}
			if !checks["hsts"] {
				t.Fatalf("no Pleroma fix for hsts in the copied demo report (fixes for %v)", checks)
			}
			got := audit(t, strings.Join(code, "\n"))
			if f, ok := got["config.parse"]; ok {
				t.Errorf("the pasted config is not read whole: %s %s: %s\n%s", f.Severity, f.Reason, f.Message, strings.Join(code, "\n"))
			}
			for _, k := range []string{"config.http_security.sts", "config.http_security.sts_max_age"} {
				if f := got[k]; f.Severity != finding.Pass {
					t.Errorf("%s is %s %s with the HSTS fix pasted, want pass", k, f.Severity, f.Reason)
				}
			}
			for k, f := range got {
				if was, ok := empty[k]; (ok && f.Severity > was.Severity) || (!ok && f.Severity > finding.Info) {
					t.Errorf("%s got worse with the fixes: %s %s (%s)", k, f.Severity, f.Reason, f.Message)
				}
			}
			t.Logf("%d Elixir lines pasted for %d fixes", len(code), len(checks))
		})
	}
}
