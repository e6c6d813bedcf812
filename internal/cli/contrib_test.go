package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/gate"
)

// The service files README recommends must pass the audit hardscan itself
// makes: every guide directive, and a low exposure score.
func TestContribServicePassesItsOwnAudit(t *testing.T) {
	for _, name := range []string{"hardscan.service", "hardscan-exporter.service"} {
		o := runArgs(t, "-f", "json", "--unit", filepath.Join("..", "..", "contrib", "systemd", name))
		if o.report == nil || len(o.report.Targets) != 1 {
			t.Fatalf("%s: exit %d stderr %q", name, o.code, o.stderr)
		}
		if o.code != gate.ExitOK {
			t.Errorf("%s: exit %d", name, o.code)
		}
		for _, f := range o.report.Targets[0].Findings {
			if f.Severity >= finding.Warn {
				t.Errorf("%s: %s %s: %s", name, f.ID, f.Severity, f.Message)
			}
		}
	}
}

// The units run what they say: their ExecStart, with /etc/default/hardscan's
// variables as shipped and as its example sets them, parses as a hardscan
// command line (serve's flags included).
func TestContribExecStartParses(t *testing.T) {
	defaults, err := os.ReadFile(filepath.Join("..", "..", "contrib", "etc", "default", "hardscan"))
	if err != nil {
		t.Fatal(err)
	}
	shipped, example := map[string]string{}, map[string]string{}
	for _, line := range strings.Split(string(defaults), "\n") {
		into := shipped
		if rest, ok := strings.CutPrefix(line, "#"); ok {
			line, into = rest, example
		}
		if name, value, ok := strings.Cut(line, "="); ok && strings.HasPrefix(name, "HARDSCAN_") {
			into[name] = strings.Trim(value, `"`)
		}
	}
	if len(shipped) != 2 || example["HARDSCAN_SERVE_OPTS"] == "" {
		t.Fatalf("/etc/default/hardscan: shipped %q, example %q", shipped, example)
	}
	for name, want := range map[string]string{
		"hardscan.service":          "--accept",
		"hardscan-exporter.service": "--allow",
	} {
		raw, err := os.ReadFile(filepath.Join("..", "..", "contrib", "systemd", name))
		if err != nil {
			t.Fatal(err)
		}
		var exec string
		for _, line := range strings.Split(strings.ReplaceAll(string(raw), "\\\n", " "), "\n") {
			if v, ok := strings.CutPrefix(line, "ExecStart="); ok {
				exec = v
			}
		}
		for _, vars := range []map[string]string{shipped, example} {
			fields := strings.Fields(os.Expand(exec, func(k string) string {
				if v, ok := vars[k]; ok {
					return v
				}
				return shipped[k]
			}))
			if len(fields) < 2 || fields[0] != "/usr/bin/hardscan" {
				t.Fatalf("%s: ExecStart=%q", name, exec)
			}
			// --help parses every flag before it, and prints the usage.
			o := runArgs(t, append(fields[1:], "--help")...)
			if o.code != gate.ExitOK || !strings.Contains(o.stdout, want) {
				t.Errorf("%s: %q does not parse: exit %d, stderr %q", name, fields, o.code, o.stderr)
			}
		}
	}
}
