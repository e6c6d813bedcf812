package unit

import (
	"testing"

	"github.com/hardscan/hardscan/scan/finding"
)

func judgeText(t *testing.T, text string) map[string]finding.Finding {
	t.Helper()
	return byID(t, Judge(ParseUnit(NamedData{"test.service", []byte(text)})))
}

func TestDirectiveSemantics(t *testing.T) {
	tests := []struct {
		why, text, id string
		want          finding.Severity
	}{
		{"systemd.syntax: booleans yes/true/on/1", "[Service]\nPrivateTmp=on", "unit.PrivateTmp", finding.Pass},
		{"parse_boolean is case-insensitive and accepts y/t/1", "[Service]\nPrivateTmp=Y", "unit.PrivateTmp", finding.Pass},
		{"1 is true", "[Service]\nNoNewPrivileges=1", "unit.NoNewPrivileges", finding.Pass},
		{"an unknown spelling is ignored by systemd", "[Service]\nPrivateTmp=maybe", "unit.PrivateTmp", finding.Fail},
		{"systemd does not unquote booleans: the value is ignored", "[Service]\nPrivateTmp=\"yes\"", "unit.PrivateTmp", finding.Fail},
		{"later assignment overrides", "[Service]\nPrivateTmp=true\nPrivateTmp=no", "unit.PrivateTmp", finding.Fail},
		{"an empty boolean is invalid and ignored, the earlier value stays", "[Service]\nPrivateTmp=true\nPrivateTmp=", "unit.PrivateTmp", finding.Pass},
		{"directives count only in [Service]", "[Unit]\nPrivateTmp=true", "unit.PrivateTmp", finding.Fail},
		{"sections are case-sensitive", "[service]\nPrivateTmp=true", "unit.PrivateTmp", finding.Fail},
		{"keys are case-sensitive", "[Service]\nprivatetmp=true", "unit.PrivateTmp", finding.Fail},
		{"whitespace around = is ignored", "[Service]\n  PrivateTmp =  yes  ", "unit.PrivateTmp", finding.Pass},
		{"CRLF line ends", "[Service]\r\nPrivateTmp=yes\r\n", "unit.PrivateTmp", finding.Pass},
		{"continuation joins lines, comments inside are dropped", "[Service]\nPrivateTmp=\\\n# comment\n; other\nyes", "unit.PrivateTmp", finding.Pass},
		{"a continued value is joined with a space", "[Service]\nPrivateTmp=ye\\\ns", "unit.PrivateTmp", finding.Fail},
		{"commented-out lines are not settings", "[Service]\n#PrivateTmp=yes\n;PrivateTmp=yes", "unit.PrivateTmp", finding.Fail},
		{"ProtectSystem=true protects only /usr and /boot", "[Service]\nProtectSystem=true", "unit.ProtectSystem", finding.Fail},
		{"ProtectSystem=strict", "[Service]\nProtectSystem=strict", "unit.ProtectSystem", finding.Pass},
		{"ProtectSystem=full", "[Service]\nProtectSystem=full", "unit.ProtectSystem", finding.Pass},
		{"ProtectSystem enum is case-sensitive", "[Service]\nProtectSystem=Full", "unit.ProtectSystem", finding.Fail},
		{"an empty ProtectSystem= resets to no", "[Service]\nProtectSystem=full\nProtectSystem=", "unit.ProtectSystem", finding.Fail},
		{"ProtectHome=read-only protects", "[Service]\nProtectHome=read-only", "unit.ProtectHome", finding.Pass},
		{"ProtectHome=tmpfs protects", "[Service]\nProtectHome=tmpfs", "unit.ProtectHome", finding.Pass},
		{"ProtectHome=yes hides the service's own /home directory", "[Service]\nProtectHome=yes\nWorkingDirectory=/home/app", "unit.ProtectHome", finding.Warn},
		{"ProtectHome=read-only with a home working directory works", "[Service]\nProtectHome=read-only\nWorkingDirectory=/home/app", "unit.ProtectHome", finding.Pass},
		{"units/README: empty CapabilityBoundingSet= means no capabilities", "[Service]\nCapabilityBoundingSet=", "unit.CapabilityBoundingSet", finding.Pass},
		{"not set: the full set", "[Service]\n", "unit.CapabilityBoundingSet", finding.Fail},
		{"a lone ~ means all capabilities", "[Service]\nCapabilityBoundingSet=~", "unit.CapabilityBoundingSet", finding.Fail},
		{"a lone ~ after ~CAP_SYS_ADMIN resets to all", "[Service]\nCapabilityBoundingSet=~CAP_SYS_ADMIN\nCapabilityBoundingSet=~", "unit.CapabilityBoundingSet", finding.Fail},
		{"an allow-list without CAP_SYS_ADMIN", "[Service]\nCapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_CHOWN", "unit.CapabilityBoundingSet", finding.Pass},
		{"an allow-list with CAP_SYS_ADMIN", "[Service]\nCapabilityBoundingSet=CAP_CHOWN CAP_SYS_ADMIN", "unit.CapabilityBoundingSet", finding.Fail},
		{"allow-lines merge by OR", "[Service]\nCapabilityBoundingSet=CAP_CHOWN\nCapabilityBoundingSet=CAP_SYS_ADMIN", "unit.CapabilityBoundingSet", finding.Fail},
		{"~ lines merge by AND", "[Service]\nCapabilityBoundingSet=~CAP_CHOWN\nCapabilityBoundingSet=~CAP_SYS_ADMIN", "unit.CapabilityBoundingSet", finding.Pass},
		{"an allow-line after ~CAP_SYS_ADMIN adds it back", "[Service]\nCapabilityBoundingSet=~CAP_SYS_ADMIN\nCapabilityBoundingSet=CAP_SYS_ADMIN", "unit.CapabilityBoundingSet", finding.Fail},
		{"after a lone ~ the next line replaces the full set", "[Service]\nCapabilityBoundingSet=~\nCapabilityBoundingSet=CAP_CHOWN", "unit.CapabilityBoundingSet", finding.Pass},
		{"empty resets, later allow-line builds from nothing", "[Service]\nCapabilityBoundingSet=CAP_SYS_ADMIN\nCapabilityBoundingSet=\nCapabilityBoundingSet=CAP_KILL", "unit.CapabilityBoundingSet", finding.Pass},
		{"capability names are case-insensitive", "[Service]\nCapabilityBoundingSet=~cap_sys_admin", "unit.CapabilityBoundingSet", finding.Pass},
		{"capabilities by number", "[Service]\nCapabilityBoundingSet=~21", "unit.CapabilityBoundingSet", finding.Pass},
		{"quoted words are unquoted in lists", "[Service]\nCapabilityBoundingSet=\"CAP_CHOWN\" 'CAP_KILL'", "unit.CapabilityBoundingSet", finding.Pass},
		{"an allow-list of only unknown names is empty", "[Service]\nCapabilityBoundingSet=CAP_NOPE", "unit.CapabilityBoundingSet", finding.Pass},
		{"~ with only unknown names is the full set", "[Service]\nCapabilityBoundingSet=~CAP_NOPE", "unit.CapabilityBoundingSet", finding.Fail},
		{"continuation inside a capability list", "[Service]\nCapabilityBoundingSet=~CAP_CHOWN \\\n CAP_SYS_ADMIN", "unit.CapabilityBoundingSet", finding.Pass},
		{"an invalid section header leaves the section", "[Service\nPrivateTmp=yes", "unit.PrivateTmp", finding.Fail},
		{"exposure directive on", "[Service]\nProtectKernelTunables=yes", "unit.ProtectKernelTunables", finding.Pass},
		{"exposure directive off is info", "[Service]\nProtectKernelTunables=no", "unit.ProtectKernelTunables", finding.Info},
		{"an empty list assignment resets RestrictAddressFamilies", "[Service]\nRestrictAddressFamilies=AF_INET\nRestrictAddressFamilies=", "unit.RestrictAddressFamilies", finding.Info},
		{"SystemCallFilter as a ~ list still restricts", "[Service]\nSystemCallFilter=~@mount", "unit.SystemCallFilter", finding.Pass},
		{"RestrictNamespaces as an allow-list", "[Service]\nRestrictNamespaces=net", "unit.RestrictNamespaces", finding.Pass},
		{"garbage lines give an info finding", "[Service]\nthis is not an assignment", "unit.syntax", finding.Info},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			m := judgeText(t, tt.text)
			f, ok := m[tt.id]
			if tt.id == "unit.syntax" {
				f, ok = m["unit.syntax\x00test.service"]
			}
			if !ok {
				t.Fatalf("no %s finding", tt.id)
			}
			if f.Severity != tt.want {
				t.Errorf("%s = %s, want %s: %s (actual %q)", tt.id, f.Severity, tt.want, f.Message, f.Actual)
			}
		})
	}
}

func TestWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		ok   bool
	}{
		{"a b  c", []string{"a", "b", "c"}, true},
		{`"a b" 'c d'`, []string{"a b", "c d"}, true},
		{`a\ b`, []string{"a b"}, true},
		{`"open`, nil, false},
		{"", nil, true},
	}
	for _, tt := range tests {
		got, ok := Words(tt.in)
		if ok != tt.ok || len(got) != len(tt.want) {
			t.Errorf("Words(%q) = %q, %v", tt.in, got, ok)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("Words(%q) = %q", tt.in, got)
			}
		}
	}
}
