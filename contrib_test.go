package main

import (
	"path/filepath"
	"testing"

	"github.com/hardscan/hardscan/internal/finding"
)

// The service file README recommends must pass the audit hardscan itself
// makes: every guide directive, and a low exposure score.
func TestContribServicePassesItsOwnAudit(t *testing.T) {
	o := runArgs(t, "-f", "json", "--unit", filepath.Join("contrib", "systemd", "hardscan.service"))
	if o.report == nil || len(o.report.Targets) != 1 {
		t.Fatalf("exit %d stderr %q", o.code, o.stderr)
	}
	if o.code != exitOK {
		t.Errorf("exit %d", o.code)
	}
	for _, f := range o.report.Targets[0].Findings {
		if f.Severity >= finding.Warn {
			t.Errorf("%s %s: %s", f.ID, f.Severity, f.Message)
		}
	}
}
