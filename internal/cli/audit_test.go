package cli

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/gate"
)

// The unit and config audits share the reports and exit codes of the
// remote scan, and one run may mix them.
func TestAuditUnitsAndConfig(t *testing.T) {
	pleromaUnit := filepath.Join("..", "..", "internal", "audit", "unit", "testdata", "pleroma-source-2.7.service")
	mastodonUnit := filepath.Join("..", "..", "internal", "audit", "unit", "testdata", "mastodon-web.service")
	config := filepath.Join("..", "..", "internal", "audit", "exsconfig", "testdata", "prod.secret.exs")

	o := runArgs(t, "-f", "json", "--unit", pleromaUnit, mastodonUnit, "--config", config)
	if o.report == nil || len(o.report.Targets) != 3 {
		t.Fatalf("want three targets (two units given as --unit A B, one config); exit %d stderr %q", o.code, o.stderr)
	}
	if o.code != gate.ExitFindings {
		t.Errorf("exit %d, want 1", o.code)
	}
	pl, ma, cf := o.report.Targets[0], o.report.Targets[1], o.report.Targets[2]
	if got := strings.Join(guideFails(pl.Findings, "unit."), " "); got != "unit.NoNewPrivileges unit.PrivateDevices" {
		t.Errorf("pleroma unit fails %q, want NoNewPrivileges and PrivateDevices", got)
	}
	if got := strings.Join(guideFails(ma.Findings, "unit."), " "); got != "unit.ProtectHome" {
		t.Errorf("mastodon unit fails %q, want ProtectHome", got)
	}
	if got := strings.Join(guideFails(cf.Findings, "config."), " "); got != "config.http_security.sts" {
		t.Errorf("config fails %q, want only config.http_security.sts", got)
	}
}

func guideFails(fs []finding.Finding, prefix string) []string {
	var out []string
	for _, f := range fs {
		if f.Severity == finding.Fail && strings.HasPrefix(f.ID, prefix) {
			out = append(out, f.ID)
		}
	}
	sort.Strings(out)
	return out
}

func TestAuditConfigExitZeroWhenHardened(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "internal", "audit", "exsconfig", "testdata", "prod.secret.exs"))
	if err != nil {
		t.Fatal(err)
	}
	hardened := filepath.Join(t.TempDir(), "prod.secret.exs")
	body := string(raw) + "\nconfig :pleroma, :http_security,\n  sts: true\n"
	if err := os.WriteFile(hardened, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	o := runArgs(t, "-f", "json", "--config", hardened)
	if o.code != gate.ExitOK {
		t.Errorf("exit %d, want 0 once sts: true is set; fails %v", o.code, guideFails(o.report.Targets[0].Findings, ""))
	}
}

func TestAuditMissingFile(t *testing.T) {
	o := runArgs(t, "--unit", filepath.Join(t.TempDir(), "nope.service"))
	if o.code != gate.ExitUsage || !strings.HasPrefix(o.stderr, "hardscan: ") {
		t.Errorf("exit %d stderr %q, want 2 and one line", o.code, o.stderr)
	}
}
