package header

import (
	"testing"

	"github.com/hardscan/hardscan/internal/finding"
)

// TestControlBytes judges values with control bytes as browsers read
// them: Fetch's "get, decode, and split" strips only tabs and spaces, so
// "nosniff\f" is no nosniff and "\vDENY" no DENY; the page renders
// unprotected (the probe keeps such bytes, see internal/probe/rawheader.go).
func TestControlBytes(t *testing.T) {
	tests := []struct {
		id, value, reason string
		sev               finding.Severity
	}{
		{"x-content-type-options", "nosniff\f", "invalid", finding.Fail},
		{"x-content-type-options", "\fnosniff", "invalid", finding.Fail},
		{"x-content-type-options", "nosniff\t", "ok", finding.Pass},
		{"x-content-type-options", "nosniff\x01", "invalid", finding.Fail},
		{"x-frame-options", "\x0bDENY", "invalid", finding.Fail},
		{"x-frame-options", "DENY\x7f", "invalid", finding.Fail},
		{"x-frame-options", "\tDENY ", "ok", finding.Pass},
		{"referrer-policy", "no-referrer\f", "invalid", finding.Fail},
	}
	rules := map[string]Rule{
		"x-content-type-options": {Want: "nosniff"},
		"x-frame-options":        {Want: "DENY"},
		"referrer-policy":        {Want: "no-referrer"},
	}
	for _, tt := range tests {
		f := one(t, tt.id, rules[tt.id], Input{Header: h(tt.id, tt.value)})
		if f.Subject != "" || f.Reason != tt.reason || f.Severity != tt.sev {
			t.Errorf("%s: %q = {%q %q %v} (%s), want {\"\" %q %v}", tt.id, tt.value, f.Subject, f.Reason, f.Severity, f.Message, tt.reason, tt.sev)
		}
	}
}
