package cli

// Tests that run README's recipes as written: the cron job that mails a
// regression, and the Nagios check command.

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// readmeBlock returns the first fenced code block after the heading.
func readmeBlock(t *testing.T, heading string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(raw)
	i := strings.Index(s, "\n"+heading+"\n")
	if i < 0 {
		t.Fatalf("README has no heading %q", heading)
	}
	s = s[i:]
	start := strings.Index(s, "\n```")
	if start < 0 {
		t.Fatalf("no code block under %q", heading)
	}
	s = s[start+4:]
	s = s[strings.Index(s, "\n")+1:]
	end := strings.Index(s, "\n```")
	if end < 0 {
		t.Fatalf("unterminated code block under %q", heading)
	}
	return s[:end+1]
}

// recipeCommands returns the hardscan command lines of a README block,
// without comments, and with a crontab line's schedule cut off.
func recipeCommands(t *testing.T, block string) [][]string {
	t.Helper()
	var out [][]string
	sc := bufio.NewScanner(strings.NewReader(block))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		for len(fields) > 0 && fields[0] != "hardscan" {
			fields = fields[1:] // a crontab schedule
		}
		if len(fields) == 0 {
			t.Fatalf("not a hardscan command: %q", sc.Text())
		}
		for _, f := range fields {
			if strings.ContainsAny(f, `'"\$`) {
				t.Fatalf("the test splits on spaces; quote-free commands only: %q", sc.Text())
			}
		}
		out = append(out, fields[1:])
	}
	return out
}

// The README's cron recipe against a site whose HSTS disappears: it is
// silent while all is as accepted, prints (cron mails) on the first run
// after the regression and on every run until it is fixed or accepted.
func TestCronRecipeAsWritten(t *testing.T) {
	cmds := recipeCommands(t, readmeBlock(t, "### From cron or a systemd timer"))
	if len(cmds) != 2 {
		t.Fatalf("want the accept command and the crontab line, got %q", cmds)
	}
	dir := t.TempDir()
	aim := func(cmd, site []string) []string {
		var args []string
		for _, a := range cmd {
			a = strings.ReplaceAll(a, "/var/lib/hardscan/", dir+string(filepath.Separator))
			a = strings.ReplaceAll(a, "social.example", "example.tld")
			args = append(args, a)
		}
		return append(args, site...)
	}
	accept, cron := cmds[0], cmds[1]
	withHSTS := startSite(t, scenario(t, "pleroma-2.7-sts"))
	noHSTS := startSite(t, scenario(t, "pleroma-2.7-default"))

	silent := func(step string, site []string) {
		t.Helper()
		o := runArgs(t, aim(cron, site)...)
		if o.code != exitOK || o.stdout != "" || o.stderr != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want silence and 0", step, o.code, o.stdout, o.stderr)
		}
	}
	mails := func(step string, site []string) {
		t.Helper()
		o := runArgs(t, aim(cron, site)...)
		if o.code != exitFindings || !strings.Contains(o.stdout, "hsts") || !strings.Contains(o.stdout, "fail (was pass)") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 1 and what got worse (hsts) on stdout", step, o.code, o.stdout, o.stderr)
		}
		if o.stderr != "" {
			t.Errorf("%s: stderr %q", step, o.stderr)
		}
		if r := readReport(t, filepath.Join(dir, "last.json")); len(r.Targets) != 1 || r.Changes == nil {
			t.Errorf("%s: -o holds no report with changes", step)
		}
	}

	if o := runArgs(t, aim(accept, withHSTS)...); o.code != exitOK || o.stderr != "" {
		t.Fatalf("accepting: exit %d stderr %q", o.code, o.stderr)
	}
	silent("as accepted", withHSTS)
	silent("again", withHSTS)
	mails("HSTS gone", noHSTS)
	mails("still gone, an hour later", noHSTS)
	mails("and the hour after", noHSTS)
	silent("fixed", withHSTS)
	mails("gone again", noHSTS)
	if o := runArgs(t, aim(accept, noHSTS)...); o.code != exitOK {
		t.Fatalf("accepting the state without HSTS: exit %d stderr %q", o.code, o.stderr)
	}
	silent("accepted without HSTS", noHSTS)
}

// readmeMarked returns the code block that follows the HTML comment
// "<!-- marker -->" in README.md.
func readmeMarked(t *testing.T, marker string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(raw), "<!-- "+marker+" -->\n```")
	if !ok {
		t.Fatalf("README has no block marked %q", marker)
	}
	_, rest, _ = strings.Cut(rest, "\n")
	block, _, ok := strings.Cut(rest, "\n```")
	if !ok {
		t.Fatalf("unterminated block after %q", marker)
	}
	return block + "\n"
}

func needPromtool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not installed (Debian package prometheus)")
	}
	return p
}

func promtool(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command(needPromtool(t), args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// The README's scrape config and alerting rules are what promtool accepts.
func TestReadmePrometheusFiles(t *testing.T) {
	needPromtool(t)
	dir := t.TempDir()
	files := map[string]string{
		"prometheus.yml":     readmeMarked(t, "promtool check config"),
		"hardscan.rules.yml": readmeMarked(t, "promtool check rules"),
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	promtool(t, dir, "check", "config", "prometheus.yml")
	promtool(t, dir, "check", "rules", "hardscan.rules.yml")
}

// README's scrape config and rules are contrib/prometheus's files, which
// the tests run (TestRealPrometheusShards, TestAlertRules), verbatim.
func TestReadmePrometheusFilesAreContrib(t *testing.T) {
	for marker, file := range map[string]string{
		"promtool check config": scrapeConfigFile,
		"promtool check rules":  rulesFile,
	} {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if readmeMarked(t, marker) != string(raw) {
			t.Errorf("README's block after <!-- %s --> is not %s", marker, file)
		}
	}
}
