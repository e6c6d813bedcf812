package gate

import (
	"testing"

	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/result"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"fail", "fail", true}, {"WARN", "warn", true}, {"info", "info", true}, {"never", "never", true},
		{"pass", "", false}, {"", "", false}, {"critical", "", false},
	} {
		g, err := Parse(tc.in)
		if (err == nil) != tc.ok || (tc.ok && g.String() != tc.want) {
			t.Errorf("Parse(%q) = %v, %v; want %q ok=%v", tc.in, g, err, tc.want, tc.ok)
		}
	}
	if (Gate{}).String() != "fail" {
		t.Errorf("the zero Gate is %v, want the default fail", Gate{})
	}
}

func TestRegressed(t *testing.T) {
	warn, info := At(finding.Warn), At(finding.Info)
	for _, tc := range []struct {
		was, now string
		g        Gate
		want     bool
		why      string
	}{
		{"", "fail", Gate{}, true, "an appeared fail reaches --fail-on fail"},
		{"", "warn", Gate{}, false, "an appeared warn is below --fail-on fail"},
		{"", "warn", warn, true, "an appeared warn reaches --fail-on warn"},
		{"warn", "fail", Gate{}, true, "worsened to fail"},
		{"warn", "fail", warn, true, "worsened, and both reach warn: still worse than before"},
		{"fail", "warn", warn, false, "improved: not new"},
		{"fail", "", info, false, "disappeared: not new"},
		{"info", "warn", Never, false, "--fail-on never"},
		{"pass", "info", info, true, "--fail-on info"},
		{"", "pass", info, false, "a new pass is never a regression"},
	} {
		c := result.Change{URL: "https://a.example/", ID: "x", Was: tc.was, Now: tc.now}
		if got := tc.g.Regressed(c); got != tc.want {
			t.Errorf("%s->%s at %v: got %v (%s)", tc.was, tc.now, tc.g, got, tc.why)
		}
	}
}

func TestStatus(t *testing.T) {
	down := "connection refused"
	fs := func(sevs ...finding.Severity) *result.Target {
		tg := &result.Target{URL: "https://a.example/"}
		for _, s := range sevs {
			tg.Findings = append(tg.Findings, finding.Finding{ID: "x" + s.String(), Severity: s})
		}
		return tg
	}
	for _, tc := range []struct {
		name         string
		targets      []*result.Target
		changes      []result.Change
		g            Gate
		code, nagios int
	}{
		{"pass", []*result.Target{fs(finding.Pass, finding.Info)}, nil, Gate{}, 0, NagiosOK},
		{"warn below the gate", []*result.Target{fs(finding.Warn)}, nil, Gate{}, 0, NagiosOK},
		{"warn at the gate", []*result.Target{fs(finding.Warn)}, nil, At(finding.Warn), 1, NagiosWarning},
		{"fail", []*result.Target{fs(finding.Warn, finding.Fail)}, nil, At(finding.Warn), 1, NagiosCritical},
		{"never", []*result.Target{fs(finding.Fail)}, nil, Never, 0, NagiosOK},
		{"unreachable wins", []*result.Target{fs(finding.Fail), {URL: "https://b.example/", Error: &down}}, nil, Gate{}, 3, NagiosUnknown},
		{"accepted fail", []*result.Target{fs(finding.Fail)}, []result.Change{}, Gate{}, 0, NagiosOK},
		{"regressed", []*result.Target{fs(finding.Fail)}, []result.Change{{ID: "xfail", Was: "warn", Now: "fail"}}, Gate{}, 1, NagiosCritical},
	} {
		r := &result.Report{Targets: tc.targets, Changes: tc.changes}
		s := Of(r, tc.g)
		if s.Code() != tc.code || s.Nagios() != tc.nagios {
			t.Errorf("%s: code %d nagios %d, want %d and %d", tc.name, s.Code(), s.Nagios(), tc.code, tc.nagios)
		}
	}
}
