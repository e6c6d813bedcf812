package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/gate"
	"github.com/hardscan/hardscan/scan/result"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

func ptr[T any](v T) *T { return &v }

// fixture is a hand-made report: one target with findings of every
// severity, a cookie, redirects and TLS; one that could not be scanned; and
// changes against a baseline.
func fixture() *result.Report {
	r := &result.Report{
		SchemaVersion: result.SchemaVersion,
		Tool:          result.Tool{Name: "hardscan", Version: "0.1.0"},
		StartedAt:     time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC),
		DurationMS:    412,
		Targets: []*result.Target{
			{
				URL:      "https://example.tld/",
				Profile:  "pleroma",
				Software: &result.Software{Name: "pleroma", Version: "2.7.0"},
				Grade:    "B",
				Status:   200,
				TLS: &result.TLS{Verified: true, Version: "TLS 1.3",
					NotAfter: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), DaysLeft: 37},
				Redirects: result.Redirects{
					HTTP:  []string{"http://example.tld/", "https://example.tld/"},
					HTTPS: []string{"https://example.tld/"},
				},
				Headers: map[string][]string{
					"content-security-policy":   {"script-src 'self' 'unsafe-inline'; connect-src 'self' https:"},
					"strict-transport-security": {"max-age=63072000; includeSubDomains"},
					"x-frame-options":           {"DENY"},
					"x-xss-protection":          {"1; mode=block"},
				},
				Cookies: []result.Cookie{{Name: "__Host-pleroma_key", SetBy: "https://example.tld/web/getting-started",
					Secure: true, HTTPOnly: true, SameSite: "", Path: "/"}},
				Findings: []finding.Finding{
					{ID: "x-frame-options", Reason: "ok", Severity: finding.Pass, Expected: "DENY", Actual: "DENY",
						Message: "clickjacking protection is on"},
					{ID: "csp.script-src", Reason: "unsafe-inline", Severity: finding.Fail, Expected: "'self'", Actual: "'self' 'unsafe-inline'",
						Message: "'unsafe-inline' lets injected <script> run; remove it from script-src",
						Vars:    map[string]string{"directive": "script-src", "value": "script-src 'self'", "policy": "default-src 'self'; script-src 'self'"}},
					{ID: "hsts", Reason: "ok", Severity: finding.Pass, Expected: "max-age>=31536000", Actual: "max-age=63072000; includeSubDomains",
						Message: "browsers keep to HTTPS for two years"},
					{ID: "csp.connect-src", Reason: "wide-source", Severity: finding.Warn, Subject: "https:", Expected: "'self'", Actual: "'self' https:",
						Message: "connect-src allows any https: origin; list the origins the front end needs instead",
						Vars:    map[string]string{"directive": "connect-src", "value": "connect-src 'self'", "policy": "default-src 'self'; script-src 'self'"}},
					{ID: "cookie.samesite", Reason: "weaker", Severity: finding.Fail, Subject: "__Host-pleroma_key", Expected: "Lax | Strict", Actual: "",
						Message: "the session cookie has no SameSite attribute; set SameSite=Lax so that other sites cannot send it",
						Vars:    map[string]string{"cookie": "__Host-pleroma_key", "samesite": "Lax", "prefix": "__Host-"}},
					{ID: "x-xss-protection", Reason: "legacy", Severity: finding.Info, Expected: "0 or absent", Actual: "1; mode=block",
						Message: "X-XSS-Protection is obsolete and the profile still asks for it; nothing to change",
						Vars:    map[string]string{"header": "X-XSS-Protection", "value": "0"}},
				},
			},
			{
				URL:     "https://down.example/",
				Profile: "modern",
				Error:   ptr("dial tcp: lookup down.example: no such host"),
			},
		},
		Changes: []result.Change{
			{URL: "https://example.tld/", ID: "cookie.samesite", Subject: "__Host-pleroma_key", Was: "pass", Now: "fail"},
			{URL: "https://example.tld/", ID: "csp.connect-src", Subject: "https:", Was: "", Now: "warn"},
			{URL: "https://example.tld/", ID: "expect-ct", Was: "info", Now: ""},
		},
	}
	for _, t := range r.Targets {
		if t.Findings == nil {
			t.Findings = []finding.Finding{}
		}
		check.Attach(t.Findings, check.Target{App: check.Pleroma, Servers: []check.Platform{check.Nginx}, Host: "example.tld"})
	}
	r.Finish()
	return r
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		file   string
		format string
		opt    Options
	}{
		{"table.golden", "table", Options{}},
		{"table-color.golden", "table", Options{Color: true}},
		{"table-verbose.golden", "table", Options{Verbose: true}},
		{"report.json.golden", "json", Options{}},
		{"report.ndjson.golden", "ndjson", Options{}},
		{"report.md.golden", "markdown", Options{}},
		{"junit.xml.golden", "junit", Options{}},
		{"junit-warn.xml.golden", "junit", Options{Gate: gate.At(finding.Warn)}},
		{"report.prom.golden", "prometheus", Options{}},
		{"nagios.golden", "nagios", Options{}},
		{"junit-no-baseline.xml.golden", "junit", Options{}},
		{"nagios-no-baseline.golden", "nagios", Options{Gate: gate.At(finding.Warn)}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			r := fixture()
			if strings.Contains(tc.file, "no-baseline") {
				r.Changes = nil
			}
			var buf bytes.Buffer
			if err := Write(&buf, tc.format, r, tc.opt); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.file, buf.Bytes())
		})
	}
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range max(len(gl), len(wl)) {
		g, w := "<end>", "<end>"
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Fatalf("%s differs at line %d:\n got: %q\nwant: %q\n(run go test -update if the change is right)", path, i+1, g, w)
		}
	}
}
