package report

import (
	"bytes"
	"testing"

	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/gate"
	"github.com/hardscan/hardscan/scan/result"
)

// The alert text is what cron mails: with a baseline only what got worse,
// without one everything that reaches --fail-on; nothing when all is well.
func TestAlert(t *testing.T) {
	withFix := func(r *result.Report) *result.Report {
		f := &r.Targets[0].Findings[4] // cookie.samesite
		f.Fix = &finding.Fix{Summary: "set SameSite=Lax on the session cookie", Snippets: []finding.Snippet{
			{Platform: "nginx", File: "/etc/nginx/sites-enabled/pleroma.conf", Code: "proxy_cookie_flags ~ samesite=lax;"},
		}}
		return r
	}
	noBaseline := withFix(fixture())
	noBaseline.Changes = nil
	for _, tc := range []struct {
		file string
		r    *result.Report
		opt  Options
	}{
		{"alert-baseline.golden", withFix(fixture()), Options{}},
		{"alert-no-baseline.golden", noBaseline, Options{Gate: gate.At(finding.Warn)}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteAlert(&buf, tc.r, tc.opt); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.file, buf.Bytes())
		})
	}

	clean := fixture()
	clean.Targets = clean.Targets[:1]
	clean.Changes = []result.Change{{URL: "https://example.tld/", ID: "expect-ct", Was: "info", Now: ""}}
	clean.Finish()
	var buf bytes.Buffer
	if err := WriteAlert(&buf, clean, Options{}); err != nil || buf.Len() != 0 {
		t.Errorf("nothing worse than the baseline, yet the alert says %q (%v)", buf.String(), err)
	}
}
