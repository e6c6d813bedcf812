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

	"github.com/hardscan/hardscan/scan/gate"
)

// The README's cron recipe as a fresh machine runs it: every line of the
// block, under cron's environment (env -i PATH=/usr/bin:/bin sh -c), with
// /usr/bin and /var/lib/hardscan moved into a temporary root and "sudo"
// left out (the test is the administrator). The go build line builds the
// binary the install line installs. Against a site whose HSTS disappears,
// the crontab line is silent while all is as accepted, and prints (cron
// mails) on the first run after the regression and on every run until it
// is fixed or accepted.
func TestCronRecipeAsWritten(t *testing.T) {
	if testing.Short() {
		t.Skip("builds hardscan")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH: the recipe's build line needs it")
	}
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "usr", "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	moved := strings.NewReplacer("/usr/bin/hardscan", filepath.Join(root, "usr/bin/hardscan"),
		"/var/lib/hardscan", filepath.Join(root, "var/lib/hardscan"), "social.example", "example.tld")
	var accept, cron string
	sc := bufio.NewScanner(strings.NewReader(readmeMarked(t, "cron recipe")))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		switch fields := strings.Fields(line); {
		case strings.HasPrefix(line, "go build "):
			if fields[2] != "-o" || fields[3] != "hardscan" {
				t.Fatalf("the build line %q: want go build -o hardscan ...", line)
			}
			build := exec.Command(goTool, append([]string{"build", "-o", filepath.Join(root, "hardscan")}, fields[4:]...)...)
			build.Dir = filepath.Join("..", "..") // the checkout's root
			if out, err := build.CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", line, err, out)
			}
		case fields[0] == "sudo":
			if out, err := cronShell(root, moved.Replace(strings.TrimPrefix(line, "sudo "))).CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", line, err, out)
			}
		case fields[0] == "/usr/bin/hardscan":
			accept = line
		case len(fields) > 5 && fields[5] == "/usr/bin/hardscan":
			for _, f := range fields[:5] {
				if strings.Trim(f, "0123456789*/,-") != "" {
					t.Fatalf("crontab schedule field %q in %q", f, line)
				}
			}
			if strings.Contains(line, "%") {
				t.Fatalf("a %% in a crontab line is a newline to cron: %q", line)
			}
			cron = strings.Join(fields[5:], " ")
		default:
			t.Fatalf("a README line the test does not know how to run: %q", line)
		}
	}
	if accept == "" || cron == "" {
		t.Fatalf("want the accept command and the crontab line, got %q and %q", accept, cron)
	}
	if fi, err := os.Stat(filepath.Join(root, "usr/bin/hardscan")); err != nil || fi.Mode().Perm() != 0o755 {
		t.Fatalf("the install line did not install an executable: %v", err)
	}
	run := func(line string, site []string) outcome {
		t.Helper()
		cmd := cronShell(root, moved.Replace(line)+" "+strings.Join(site, " "))
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return outcome{code: code, stdout: stdout.String(), stderr: stderr.String()}
	}
	withHSTS := startSite(t, scenario(t, "pleroma-2.7-sts"))
	noHSTS := startSite(t, scenario(t, "pleroma-2.7-default"))
	state := filepath.Join(root, "var/lib/hardscan")

	silent := func(step string, site []string) {
		t.Helper()
		o := run(cron, site)
		if o.code != gate.ExitOK || o.stdout != "" || o.stderr != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want silence and 0", step, o.code, o.stdout, o.stderr)
		}
	}
	mails := func(step string, site []string) {
		t.Helper()
		o := run(cron, site)
		if o.code != gate.ExitFindings || !strings.Contains(o.stdout, "hsts") || !strings.Contains(o.stdout, "fail (was pass)") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 1 and what got worse (hsts) on stdout", step, o.code, o.stdout, o.stderr)
		}
		if o.stderr != "" {
			t.Errorf("%s: stderr %q", step, o.stderr)
		}
		if r := readReport(t, filepath.Join(state, "last.json")); len(r.Targets) != 1 || r.Changes == nil {
			t.Errorf("%s: -o holds no report with changes", step)
		}
	}
	accepted := func(step string, site []string) {
		t.Helper()
		o := run(accept, site)
		if o.code != gate.ExitOK || !strings.HasPrefix(o.stderr, "baseline written to "+filepath.Join(state, "accepted.json")+": ") {
			t.Fatalf("%s: exit %d stderr %q", step, o.code, o.stderr)
		}
	}

	accepted("accepting", withHSTS)
	silent("as accepted", withHSTS)
	silent("again", withHSTS)
	mails("HSTS gone", noHSTS)
	mails("still gone, an hour later", noHSTS)
	silent("fixed", withHSTS)
	mails("gone again", noHSTS)
	accepted("accepting the state without HSTS", noHSTS)
	silent("accepted without HSTS", noHSTS)
}

// cronShell runs line as cron does: sh -c in an environment of PATH alone.
func cronShell(dir, line string) *exec.Cmd {
	cmd := exec.Command("env", "-i", "PATH=/usr/bin:/bin", "sh", "-c", line)
	cmd.Dir = dir
	return cmd
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
