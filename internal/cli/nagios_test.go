package cli

import (
	"strconv"
	"strings"
	"testing"

	"github.com/hardscan/hardscan/scan/gate"
)

// nagiosOutput splits plugin output per the Nagios plugin API: the first
// line's state and text, its performance data, and the long output.
func nagiosOutput(t *testing.T, out string) (state, text string, perf map[string]string, long []string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	head, perfText, _ := strings.Cut(lines[0], " | ")
	rest, ok := strings.CutPrefix(head, "HARDSCAN ")
	if !ok {
		t.Fatalf("first line %q does not start with HARDSCAN", lines[0])
	}
	state, text, ok = strings.Cut(rest, " - ")
	if !ok {
		t.Fatalf("first line %q has no ' - '", lines[0])
	}
	perf = map[string]string{}
	for _, p := range strings.Fields(perfText) {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			t.Errorf("performance data %q is not label=value", p)
		}
		perf[k] = v
	}
	for _, l := range lines[1:] {
		if strings.Contains(l, "|") {
			t.Errorf("a '|' in the long output starts performance data: %q", l)
		}
	}
	return state, text, perf, lines[1:]
}

// Nagios, Icinga, Naemon and Checkmk run hardscan as a check command: the
// state, its first line and the exit status for a pass, a warn, a fail, an
// unreachable target and a usage error.
func TestNagios(t *testing.T) {
	sts := startSite(t, scenario(t, "pleroma-2.7-sts"))
	def := startSite(t, scenario(t, "pleroma-2.7-default"))
	site := scenario(t, "pleroma-2.7-default")
	running, err := site.Start()
	if err != nil {
		t.Fatal(err)
	}
	running.Close()
	down, err := running.Args(t.TempDir(), 4000)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		args  []string
		code  int
		state string
		text  string // the first line's text starts so
		fails int
	}{
		{"pass", with(sts, "-p", "pleroma", "example.tld"), 0, "OK", "grade ", 0},
		{"warn", with(sts, "-p", "pleroma", "--fail-on", "warn", "example.tld"), 1, "WARNING", "csp.connect-src: ", 0},
		{"fail", with(def, "-p", "pleroma", "example.tld"), 2, "CRITICAL", "hsts: no Strict-Transport-Security header", 1},
		{"fail under -q", with(def, "-q", "-p", "pleroma", "example.tld"), 2, "CRITICAL", "hsts: no Strict-Transport-Security header", 1},
		{"unreachable", with(down, "-p", "pleroma", "example.tld"), 3, "UNKNOWN", "https://example.tld/: could not scan: ", 0},
		{"usage error", []string{"--timeout", "-1s", "example.tld"}, 3, "UNKNOWN", "--timeout", -1},
		{"bad flag", []string{"--no-such-flag", "example.tld"}, 3, "UNKNOWN", "unknown flag", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := runArgs(t, append([]string{"-f", "nagios"}, tc.args...)...)
			if o.code != tc.code {
				t.Errorf("exit %d, want %d; stdout %q stderr %q", o.code, tc.code, o.stdout, o.stderr)
			}
			state, text, perf, long := nagiosOutput(t, o.stdout)
			if state != tc.state || !strings.HasPrefix(text, tc.text) {
				t.Errorf("first line %q %q, want %s and text starting %q", state, text, tc.state, tc.text)
			}
			if tc.fails < 0 {
				return
			}
			if n, err := strconv.Atoi(perf["fail"]); err != nil || n != tc.fails {
				t.Errorf("fail=%s, want %d", perf["fail"], tc.fails)
			}
			if len(long) == 0 || !strings.HasPrefix(long[0], "https://example.tld/") {
				t.Errorf("long output %q, want the target first", long)
			}
		})
	}
}

// with returns a copy of args with more appended, so that cases never
// share a backing array.
func with(args []string, more ...string) []string {
	return append(append([]string{}, args...), more...)
}

// A usage error answers as a Nagios plugin wherever -f nagios stands,
// before or after the bad flag, and only when it is the format asked for.
func TestNagiosUsageErrorAnyOrder(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		unknown bool // stdout is the UNKNOWN line, exit 3
	}{
		{"after a bad flag", []string{"--no-such-flag", "-f", "nagios", "example.tld"}, true},
		{"after a bad value", []string{"--timeout", "soon", "--format=nagios", "example.tld"}, true},
		{"joined", []string{"-x", "-fnagios", "example.tld"}, true},
		{"after --", []string{"--no-such-flag", "--", "-f", "nagios"}, false},
		{"another format", []string{"--no-such-flag", "-f", "json"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := runArgs(t, tc.args...)
			if !strings.HasPrefix(o.stderr, "hardscan: ") {
				t.Errorf("stderr %q, want the usage error", o.stderr)
			}
			if tc.unknown {
				if o.code != gate.NagiosUnknown || !strings.HasPrefix(o.stdout, "HARDSCAN UNKNOWN - ") {
					t.Errorf("exit %d stdout %q, want 3 and the UNKNOWN line", o.code, o.stdout)
				}
				return
			}
			if o.code != gate.ExitUsage || o.stdout != "" {
				t.Errorf("exit %d stdout %q, want 2 and nothing", o.code, o.stdout)
			}
		})
	}
}
