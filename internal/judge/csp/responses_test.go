package csp

import (
	"slices"
	"testing"

	replica "github.com/hardscan/hardscan/internal/replica"
	"github.com/hardscan/hardscan/scan/finding"
)

// readCSP returns the CSP header values of a recorded response.
func readCSP(t *testing.T, name string) Input {
	t.Helper()
	rec, err := replica.Response(name)
	if err != nil {
		t.Fatal(err)
	}
	return Input{
		Enforced:   rec.Header.Values("Content-Security-Policy"),
		ReportOnly: rec.Header.Values("Content-Security-Policy-Report-Only"),
		Origin:     origin,
	}
}

// TestResponses judges the recorded responses of real servers (testdata).
func TestResponses(t *testing.T) {
	tests := []struct {
		file  string
		exp   Expect
		warns []string // exactly these warn
		fails []string // exactly these fail
		why   string
	}{
		{"pleroma-2.7_default_GET-root.http", pleromaExpect, []string{"csp.connect-src"}, nil, "Pleroma 2.6+ adds https: to connect-src"},
		{"pleroma-2.4_default_GET-web-getting-started_cookie.http", pleromaExpect, nil, nil, "Pleroma 2.4 sends what the profile expects"},
		{"akkoma-2025.10_default_GET-root.http", akkomaExpect, nil, nil, "Akkoma under its own expectation, nonces per response"},
		{"mastodon-4.3_nginx_GET-root.http", mastodonExpect, nil, nil, "Mastodon under its own expectation"},
		{"mastodon-4.3_nginx_GET-auth-sign_in_cookie.http", mastodonExpect, nil, []string{"csp.form-action"},
			"Mastodon sets form-action 'none' on app pages only, not on the sign-in form; CSP3 §6.4.1 form-action has no fallback"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			in := readCSP(t, tc.file)
			if len(in.Enforced) != 1 {
				t.Fatalf("want one CSP header, got %d", len(in.Enforced))
			}
			var warns, fails []string
			for _, f := range Judge(in, tc.exp) {
				switch f.Severity {
				case finding.Fail:
					fails = append(fails, f.ID)
				case finding.Warn:
					warns = append(warns, f.ID)
				}
				t.Logf("%s %s %q: %s", f.Severity, f.ID, f.Subject, f.Message)
			}
			if !slices.Equal(warns, tc.warns) || !slices.Equal(fails, tc.fails) {
				t.Errorf("warns = %v, fails = %v; want %v, %v (%s)", warns, fails, tc.warns, tc.fails, tc.why)
			}
		})
	}
}
