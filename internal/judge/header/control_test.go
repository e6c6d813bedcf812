package header

import (
	"testing"

	"github.com/hardscan/hardscan/scan/finding"
)

// TestControlBytes judges values with control bytes as browsers read
// them (the probe keeps such bytes, see internal/probe/rawheader.go):
// Fetch's "determine nosniff" strips a form feed on purpose, not a vertical
// tab; for X-Frame-Options the HTML Standard strips neither, but Chromium
// strips both, so a value valid only once they are gone protects some
// browsers and not others: a warning.
func TestControlBytes(t *testing.T) {
	tests := []struct {
		id, value, reason string
		sev               finding.Severity
	}{
		// Fetch strips the form feed; Chromium 156 does not and sniffs (the browser oracle shows it).
		{"x-content-type-options", "nosniff\f", "control-bytes", finding.Warn},
		{"x-content-type-options", "\fnosniff", "control-bytes", finding.Warn},
		// The spec ignores the token; Chromium trims the form feed and sends full URLs.
		{"referrer-policy", "unsafe-url\f", "unsafe", finding.Fail},
		{"x-content-type-options", "nosniff\v", "invalid", finding.Fail},
		{"x-content-type-options", "nosniff\t", "ok", finding.Pass},
		{"x-content-type-options", "nosniff\x01", "invalid", finding.Fail},
		{"x-frame-options", "\x0bDENY", "control-bytes", finding.Warn},
		{"x-frame-options", "SAMEORIGIN\f", "control-bytes", finding.Warn},
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
