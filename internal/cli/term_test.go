package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardscan/hardscan/report"
	"github.com/hardscan/hardscan/scan/gate"
)

// jsonFirst makes the tests that read the report as JSON ask for it: the
// default format is table (README, "Use"), and a later -f in args still wins.
func jsonFirst(args []string) []string {
	if len(args) > 0 && (args[0] == "serve" || args[0] == "completion" || args[0] == "man") {
		return args // a subcommand comes first, and has no -f
	}
	return append([]string{"-f", "json"}, args...)
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestOutputWidth(t *testing.T) {
	for _, tc := range []struct {
		columns string
		want    int
	}{
		{"", 80},     // no terminal, no COLUMNS
		{"120", 120}, // COLUMNS is the user's word
		{"20", 40},   // too narrow to lay out: the narrowest layout
		{"50", 50},   // a narrow pane is laid out for its width
		{"900", 250}, // wider than anyone reads
		{"wide", 80}, // not a number
		{" 100 ", 100},
	} {
		if got := outputWidth(&bytes.Buffer{}, env(map[string]string{"COLUMNS": tc.columns})); got != tc.want {
			t.Errorf("COLUMNS=%q: width %d, want %d", tc.columns, got, tc.want)
		}
	}
}

func TestUseColor(t *testing.T) {
	for _, tc := range []struct {
		when      string
		tty, file bool
		env       map[string]string
		want      bool
		why       string
	}{
		{"auto", true, false, nil, true, "a terminal"},
		{"auto", false, false, nil, false, "a pipe"},
		{"auto", true, true, nil, false, "-o FILE"},
		{"auto", true, false, map[string]string{"NO_COLOR": "1"}, false, "NO_COLOR"},
		{"auto", true, false, map[string]string{"TERM": "dumb"}, false, "TERM=dumb"},
		{"auto", false, false, map[string]string{"CLICOLOR_FORCE": "1"}, true, "CLICOLOR_FORCE on a pipe"},
		{"auto", false, false, map[string]string{"FORCE_COLOR": "true"}, true, "FORCE_COLOR on a pipe"},
		{"auto", false, false, map[string]string{"FORCE_COLOR": "0"}, false, "FORCE_COLOR=0"},
		{"auto", false, false, map[string]string{"FORCE_COLOR": "1", "NO_COLOR": "1"}, false, "NO_COLOR wins"},
		{"always", false, true, map[string]string{"NO_COLOR": "1"}, true, "--color always wins"},
		{"never", true, false, map[string]string{"FORCE_COLOR": "1"}, false, "--color never wins"},
	} {
		if got := useColor(tc.when, tc.tty, tc.file, env(tc.env)); got != tc.want {
			t.Errorf("%s: colour %v, want %v", tc.why, got, tc.want)
		}
	}
}

// What a person types wrong gets a hint with what they meant.
func TestMistakeHints(t *testing.T) {
	for _, tc := range []struct {
		args []string
		hint string
	}{
		{[]string{"--colour", "never", "example.tld"}, "hint: did you mean --color?"},
		{[]string{"--verbos", "example.tld"}, "hint: did you mean --verbose?"},
		{[]string{"--frobnicate", "example.tld"}, "hint: hardscan --help lists the flags"},
		{[]string{"-p", "plerome", "example.tld"}, "hint: did you mean pleroma?"},
		{[]string{"-p", "nothing-like-it", "example.tld"}, "hint: built-in profiles: auto, "},
		{[]string{"-f", "markdwn", "example.tld"}, "hint: did you mean markdown?"},
		{[]string{"--color", "allways", "example.tld"}, "hint: did you mean always?"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, strings.NewReader(""), &stdout, &stderr)
		if code != gate.ExitUsage || !strings.Contains(stderr.String(), tc.hint) || strings.Count(stderr.String(), "\n") != 2 {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr.String(), tc.hint)
		}
	}
}

// A --resolve for the URL's host but another port is a usage error found
// before any traffic, never a silent DNS lookup.
func TestResolveMustCoverThePort(t *testing.T) {
	for _, tc := range []struct {
		args []string
		ok   bool
	}{
		{[]string{"--resolve", "example.tld:8443:127.0.0.1", "https://example.tld/"}, false},
		{[]string{"--resolve", "example.tld:443:127.0.0.1", "https://example.tld:8443/"}, false},
		{[]string{"--resolve", "*:8443:127.0.0.1", "example.tld"}, false},
		{[]string{"--resolve", "example.tld:443:127.0.0.1", "example.tld"}, true},
		{[]string{"--resolve", "example.tld:*:127.0.0.1", "https://example.tld:8443/"}, true},
		{[]string{"--resolve", "other.tld:8443:127.0.0.1", "example.tld"}, true}, // not about this host
	} {
		var stdout, stderr bytes.Buffer
		// Validation is what is tested: an already-cancelled context stops
		// the run before any traffic.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		code := run(ctx, append([]string{"--timeout", "1s"}, tc.args...), strings.NewReader(""), &stdout, &stderr)
		if tc.ok && code == gate.ExitUsage {
			t.Errorf("%q: usage error %q", tc.args, stderr.String())
		}
		if !tc.ok && (code != gate.ExitUsage || !strings.Contains(stderr.String(), "hint: add --resolve")) {
			t.Errorf("%q: exit %d, stderr %q; want a usage error with a hint", tc.args, code, stderr.String())
		}
	}
}

// Off a terminal the default format is the table (README, "Use"), without a
// single escape code: `hardscan --demo | cat` is text.
func TestDefaultIsPlainTable(t *testing.T) {
	t.Setenv("COLUMNS", "80")
	t.Setenv("FORCE_COLOR", "")
	t.Setenv("CLICOLOR_FORCE", "")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"--demo"}, strings.NewReader(""), &stdout, &stderr)
	out := stdout.String()
	if code != gate.ExitFindings || strings.Contains(out, "\x1b") || strings.HasPrefix(out, "{") {
		t.Fatalf("exit %d, stderr %q, want a plain table:\n%s", code, stderr.String(), out)
	}
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if n := len([]rune(l)); n > 80 {
			t.Errorf("line %d is %d wide: %q", i+1, n, l)
		}
	}
	first := strings.Join(lines[:min(24, len(lines))], "\n")
	want := []string{"grade ", "FAIL hsts"}
	// The HSTS fix for Pleroma, whole, once the catalogue carries it.
	if tg := onlyTarget(t, runArgs(t, "--demo", "-f", "json")); tg != nil {
		for _, f := range tg.Findings {
			if f.ID == "hsts" && f.Fix != nil {
				for _, sn := range f.Fix.Snippets {
					if sn.Platform == "pleroma" {
						want = append(want, strings.TrimSpace(strings.Split(sn.Code, "\n")[0]))
					}
				}
			}
		}
	}
	for _, w := range want {
		if !strings.Contains(first, w) {
			t.Errorf("the first 24 lines lack %q:\n%s", w, first)
		}
	}
}

// --brief, the old name of the default, is still accepted and changes nothing.
func TestBriefIsAccepted(t *testing.T) {
	t.Setenv("COLUMNS", "100")
	plain := runArgs(t, "--demo", "-f", "table")
	brief := runArgs(t, "--demo", "-f", "table", "--brief")
	if brief.code != plain.code || stripDuration(brief.stdout) != stripDuration(plain.stdout) {
		t.Errorf("--brief: exit %d, want %d and the same table:\n%s", brief.code, plain.code, brief.stdout)
	}
	verbose := runArgs(t, "--demo", "-f", "table", "-v")
	if !strings.Contains(verbose.stdout, "PASS") || strings.Contains(verbose.stdout, "-v lists them") {
		t.Errorf("-v does not list the passes:\n%s", verbose.stdout)
	}
}

// stripDuration drops what differs between two runs of the same scan.
func stripDuration(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.Contains(l, "expires") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// Without -f, a report written with -o takes the format its file's name
// says, so that `-o last.json` stays a JSON report a baseline can read.
func TestFormatFromOutputName(t *testing.T) {
	for name, want := range map[string]string{
		"": "table", "report.txt": "table", "last.json": "json", "LAST.JSON": "json", "r.ndjson": "ndjson",
		"r.html": "html", "r.htm": "html", "r.md": "markdown", "junit.xml": "junit", "hardscan.prom": "prometheus",
	} {
		got := report.DefaultFormat
		if f, ok := report.ForFile(name); ok {
			got = f.Name
		}
		if got != want {
			t.Errorf("report.ForFile(%q) = %q, want %q", name, got, want)
		}
	}
	out := filepath.Join(t.TempDir(), "report.html")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"--demo", "-o", out}, strings.NewReader(""), &stdout, &stderr); code != gate.ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if page, err := os.ReadFile(out); err != nil || !strings.HasPrefix(string(page), "<!DOCTYPE html>") {
		t.Errorf("-o report.html without -f: %v %.40q", err, page)
	}
}
