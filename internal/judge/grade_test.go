package judge

import (
	"testing"

	"github.com/hardscan/hardscan/scan/finding"
)

func TestGrade(t *testing.T) {
	f := func(id string, s finding.Severity) finding.Finding { return finding.Finding{ID: id, Severity: s} }
	clean := []finding.Finding{f("hsts", finding.Pass), f("csp", finding.Pass), f("x", finding.Info)}
	for _, tc := range []struct {
		name string
		fs   []finding.Finding
		want string
	}{
		{"clean", clean, "A+"},
		{"one warn", append(clean[:3:3], f("a", finding.Warn)), "A"},
		{"two warns", append(clean[:3:3], f("a", finding.Warn), f("b", finding.Warn)), "B+"},
		{"one fail is capped at C", append(clean[:3:3], f("a", finding.Fail)), "C"},
		{"a bonus never hides a fail", append(clean[:3:3], f("hsts.preload", finding.Pass), f("cross-origin-opener-policy", finding.Pass), f("a", finding.Fail)), "C"},
		{"bonus on a clean target", append(clean[:3:3], f("hsts.preload", finding.Pass)), "A+"},
		{"four fails", []finding.Finding{f("a", finding.Fail), f("b", finding.Fail), f("c", finding.Fail), f("d", finding.Fail)}, "F"},
		{"site down: no grade", append(clean[:3:3], f("site.down", finding.Fail)), ""},
		{"site up grades as usual", append(clean[:3:3], f("site.down", finding.Pass)), "A+"},
		{"three fails", []finding.Finding{f("a", finding.Fail), f("b", finding.Fail), f("c", finding.Fail)}, "D-"},
	} {
		if got := Grade(tc.fs); got != tc.want {
			t.Errorf("%s: Grade = %s (score %d), want %s", tc.name, got, Score(tc.fs), tc.want)
		}
	}
}
