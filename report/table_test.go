package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/result"
)

// longCSP is a policy as an admin pastes it: one line far wider than any
// terminal.
const longCSP = `add_header Content-Security-Policy "upgrade-insecure-requests; script-src 'self'; connect-src 'self' blob: https://example.tld wss://example.tld; media-src 'self' https:; img-src 'self' data: blob: https:; default-src 'none'; base-uri 'self'; frame-ancestors 'none'; style-src 'self' 'unsafe-inline'; font-src 'self'; manifest-src 'self';" always;`

// site is a scanned Pleroma with a finding of every kind a person must
// read: fails and warns with fixes for the application and the web server
// (one code line wider than any terminal, one multi-line block), infos,
// passes, an accepted finding and server text that attacks the terminal.
func site() *result.Target {
	t := &result.Target{
		Kind:     result.KindSite,
		URL:      "https://example.tld/",
		Profile:  "pleroma",
		Software: &result.Software{Name: "pleroma", Version: "2.7.0"},
		Grade:    "C",
		Status:   200,
		TLS: &result.TLS{Verified: true, Version: "TLS 1.3",
			NotAfter: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), DaysLeft: 89},
		Findings: []finding.Finding{
			{ID: "hsts", Reason: "absent", Severity: finding.Fail, Expected: "max-age>=31536000; includeSubDomains", Actual: "(absent)",
				Message: "no Strict-Transport-Security header: browsers accept a downgrade to plain HTTP",
				Fix: &finding.Fix{Summary: "turn HSTS on in Pleroma", Snippets: []finding.Snippet{
					{Platform: "pleroma", File: "config/prod.secret.exs", Code: "config :pleroma, :http_security, sts: true", Lang: "elixir"},
				}}},
			{ID: "csp.script-src", Reason: "unsafe-inline", Severity: finding.Fail, Expected: "script-src 'self'", Actual: "script-src 'self' 'unsafe-inline'",
				Message: "'unsafe-inline' lets injected <script> run; remove it from script-src",
				Fix: &finding.Fix{Summary: "send a policy without 'unsafe-inline' from the web server", Snippets: []finding.Snippet{
					{Platform: "nginx", File: "/etc/nginx/sites-available/pleroma", Code: longCSP, Lang: "nginx"},
					{Platform: "caddy", File: "/etc/caddy/Caddyfile", Code: "header {\n\tContent-Security-Policy \"script-src 'self'; object-src 'none'; base-uri 'self'\"\n}", Lang: "caddyfile"},
				}}},
			{ID: "csp.connect-src", Reason: "extra-source", Severity: finding.Warn, Subject: "https:", Expected: "'self' blob: https://example.tld wss://example.tld", Actual: "'self' blob: https://example.tld wss://example.tld https:",
				Message: "connect-src allows any https: origin beyond the profile's; remove it if the front end does not need it"},
			{ID: "cookie.secure", Reason: "absent", Severity: finding.Warn, Subject: "tracker" + evil, Expected: "Secure", Actual: "",
				Message:  "the cookie " + evil + " is sent over plain HTTP too",
				Accepted: &finding.Accepted{Was: finding.Fail, Reason: "a test cookie, gone next release"}},
			{ID: "cookie.session", Reason: "not-seen", Severity: finding.Info, Expected: "__Host-pleroma_key", Actual: "(not seen)",
				Message: "no session cookie was seen: Pleroma 2.5 and later set it only on authenticated requests; pass -H 'Authorization: Bearer TOKEN' to have it judged"},
			{ID: "hsts.preload", Reason: "absent", Severity: finding.Info, Expected: "max-age>=31536000; includeSubDomains; preload", Actual: "(absent)",
				Message: "not eligible for the HSTS preload list"},
		},
	}
	for _, id := range []string{"csp", "csp.base-uri", "csp.default-src", "csp.object-src", "referrer-policy", "tls.certificate", "tls.expiry", "x-content-type-options", "x-frame-options"} {
		t.Findings = append(t.Findings, finding.Finding{ID: id, Reason: "ok", Severity: finding.Pass, Message: id + " is as the profile asks"})
	}
	t.Summary = finding.Tally(t.Findings)
	return t
}

// many is a run over three sites (one failing, one clean, one down) and a
// local unit file.
func many() *result.Report {
	clean := &result.Target{Kind: result.KindSite, URL: "https://clean.example/", Profile: "modern", Grade: "A", Status: 200,
		Findings: []finding.Finding{{ID: "hsts", Reason: "ok", Severity: finding.Pass}, {ID: "csp", Reason: "ok", Severity: finding.Pass}}}
	down := &result.Target{Kind: result.KindSite, URL: "https://down.example/", Profile: "modern",
		Error: ptr("dial tcp 192.0.2.7:443: connect: connection refused after the whole timeout of ten seconds had passed")}
	unit := &result.Target{Kind: result.KindUnit, Path: "/etc/systemd/system/pleroma.service", Findings: []finding.Finding{
		{ID: "unit.PrivateTmp", Reason: "absent", Severity: finding.Fail, Expected: "PrivateTmp=true", Actual: "(unset)",
			Message: "the service shares /tmp with every other service",
			Fix: &finding.Fix{Summary: "give the service its own /tmp", Snippets: []finding.Snippet{
				{Platform: "systemd", File: "/etc/systemd/system/pleroma.service.d/hardening.conf", Code: "[Service]\nPrivateTmp=true", Lang: "ini"}}}},
		{ID: "unit.NoNewPrivileges", Reason: "ok", Severity: finding.Pass},
	}}
	r := &result.Report{SchemaVersion: result.SchemaVersion, Tool: result.Tool{Name: "hardscan", Version: "0.1.0"},
		StartedAt: time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC), DurationMS: 812,
		Targets: []*result.Target{unit, site(), clean, down},
		Changes: []result.Change{
			{URL: "https://example.tld/", ID: "hsts", Was: "pass", Now: "fail"},
			{URL: "https://example.tld/", ID: "csp.connect-src", Subject: "https:", Was: "", Now: "warn"},
			{URL: "https://clean.example/", ID: "expect-ct", Was: "info", Now: ""},
		}}
	r.Finish()
	return r
}

func one() *result.Report {
	r := &result.Report{SchemaVersion: result.SchemaVersion, Tool: result.Tool{Name: "hardscan", Version: "0.1.0"},
		StartedAt: time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC), DurationMS: 412, Targets: []*result.Target{site()}}
	r.Finish()
	return r
}

// The human formats' wording and layout: the table at the two widths
// people use most, for one target and for several, markdown and HTML; a
// person reads these files.
func TestHumanGolden(t *testing.T) {
	for _, tc := range []struct {
		file   string
		format string
		r      *result.Report
		opt    Options
	}{
		{"table-80.golden", "table", one(), Options{Width: 80}},
		{"table-120.golden", "table", one(), Options{Width: 120}},
		{"table-verbose-80.golden", "table", one(), Options{Width: 80, Verbose: true}},
		{"table-many-80.golden", "table", many(), Options{Width: 80}},
		{"table-many-120.golden", "table", many(), Options{Width: 120}},
		{"table-many-color-120.golden", "table", many(), Options{Width: 120, Color: true}},
		{"many.md.golden", "markdown", many(), Options{}},
		{"one.html.golden", "html", one(), Options{}},
		{"many.html.golden", "html", many(), Options{}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, tc.format, tc.r, tc.opt); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.file, buf.Bytes())
		})
	}
}

// No line is wider than the width asked for, at any width from 40 to 250,
// whatever the report holds, but a line of code, which is printed whole
// (see TestCodeLinesAreNeverSplit); and the long CSP line is one line.
func TestTableFitsEveryWidth(t *testing.T) {
	reports := map[string]*result.Report{"one": one(), "many": many(), "hostile": hostile(), "fixture": fixture()}
	for name, r := range reports {
		code := codeLineSet(r)
		// Every width where layouts change (40 to 130), then every 10th.
		for w := MinWidth; w <= 250; w += map[bool]int{true: 1, false: 10}[w < 130] {
			for _, opt := range []Options{{Width: w}, {Width: w, Verbose: true, Color: true}} {
				var buf bytes.Buffer
				if err := Write(&buf, "table", r, opt); err != nil {
					t.Fatal(err)
				}
				for i, line := range strings.Split(buf.String(), "\n") {
					if n := width(line); n > w && !code[strings.TrimLeft(line, " ")] {
						t.Fatalf("%s at %d columns (%+v): line %d is %d wide: %q", name, w, opt, i+1, n, line)
					}
				}
				if name == "one" && !strings.Contains(buf.String(), "\n    "+longCSP+"\n") && !strings.Contains(buf.String(), "\n        "+longCSP+"\n") {
					t.Fatalf("at %d columns the nginx fix is not one line:\n%s", w, buf.String())
				}
			}
		}
	}
}

// codeLineSet is every line of code of the report's snippets, as the table
// prints it (sanitised, without its indent).
func codeLineSet(r *result.Report) map[string]bool {
	set := map[string]bool{}
	for _, tg := range r.Targets {
		for _, f := range tg.Findings {
			if f.Fix == nil {
				continue
			}
			for _, sn := range f.Fix.Snippets {
				for _, l := range codeLines(sn.Code) {
					set[strings.TrimLeft(l, " ")] = true
				}
			}
		}
	}
	return set
}

// The order is the one a person acts in: the grade and counts (fail
// first) on top, then fails, warns, the info block, and the passes as
// one line.
func TestTableOrder(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, "table", one(), Options{Width: 80}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	order := []string{"grade C", "2 fail · 2 warn · 2 info · 9 pass", "FAIL csp.script-src", "FAIL hsts", "sts: true", "WARN ", "INFO", "cookie.session:", "9 checks passed; -v lists them"}
	at := 0
	for _, want := range order {
		i := strings.Index(out[at:], want)
		if i < 0 {
			t.Fatalf("%q missing after byte %d (order %q):\n%s", want, at, order, out)
		}
		at += i
	}
	if strings.Contains(out, "PASS") || strings.Contains(out, "x-frame-options") {
		t.Errorf("passes are listed without -v:\n%s", out)
	}
	lines := strings.Split(out, "\n")
	if first := strings.Join(lines[:min(len(lines), 40)], "\n"); !strings.Contains(first, "config :pleroma, :http_security, sts: true") {
		t.Errorf("the HSTS fix is not on the first screen:\n%s", first)
	}
}

// A run over several targets starts with one line per target, and
// details only those that need action.
func TestTableOverview(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, "table", many(), Options{Width: 100}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	over, details, ok := strings.Cut(out, "\n─")
	if !ok {
		t.Fatalf("no separator after the overview:\n%s", out)
	}
	for _, want := range []string{"systemd unit /etc/systemd/system/pleroma.service", "https://example.tld/", "https://clean.example/", "https://down.example/", "could not scan: dial tcp"} {
		if !strings.Contains(over, want) {
			t.Errorf("overview lacks %q:\n%s", want, over)
		}
	}
	if strings.Contains(details, "clean.example/  grade") || !strings.Contains(details, "PrivateTmp=true") {
		t.Errorf("details: want the unit and example.tld, not the clean site:\n%s", details)
	}
	if !strings.Contains(details, "Changes since the baseline") || !strings.Contains(details, "pass → fail") {
		t.Errorf("no changes section:\n%s", details)
	}
}

// The snippet for what the target runs comes first: its application, then
// the web server its Server header names, then the rest in catalogue order.
func TestPlatformFirst(t *testing.T) {
	tg := &result.Target{Software: &result.Software{Name: "Pleroma"}, Profile: "pleroma",
		Headers: map[string][]string{"server": {"nginx/1.22.1"}}}
	fix := &finding.Fix{Snippets: []finding.Snippet{{Platform: "apache"}, {Platform: "caddy"}, {Platform: "nginx"}, {Platform: "pleroma"}}}
	got := platformFirst(tg, []finding.Finding{{ID: "hsts", Fix: fix}})[0].Fix.Snippets
	var order []string
	for _, s := range got {
		order = append(order, s.Platform)
	}
	if strings.Join(order, " ") != "pleroma nginx apache caddy" {
		t.Errorf("order %v, want pleroma nginx apache caddy", order)
	}
	if fix.Snippets[0].Platform != "apache" {
		t.Error("the finding's own fix was reordered in place")
	}
}

// A target that could not be scanned says so on its first line, in the
// table and the HTML page, and shows no 0 fail · 0 warn counts, which read
// as a clean site.
func TestCouldNotScanComesFirst(t *testing.T) {
	down := &result.Target{Kind: result.KindSite, URL: "https://down.example/", Profile: "modern",
		Error: ptr("GET https://down.example/: dial tcp 127.0.0.1:1: connect: connection refused")}
	r := &result.Report{Targets: []*result.Target{down}}
	r.Finish()
	for _, w := range []int{40, 80, 120} {
		var buf bytes.Buffer
		if err := Write(&buf, "table", r, Options{Width: w}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if !strings.HasPrefix(out, "could not scan: GET") || !strings.Contains(out, "connection") || strings.Contains(out, "0 fail") {
			t.Errorf("at %d columns the table starts otherwise:\n%s", w, out)
		}
	}
	var buf bytes.Buffer
	if err := Write(&buf, "html", r, Options{}); err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(buf.String(), `<section class="target" id="target-1">`)
	if !strings.HasPrefix(section, "\n"+`<p class="error"><strong>could not scan:</strong> GET https://down.example/`) || strings.Contains(section, "0 fail") {
		t.Errorf("the target's section starts otherwise:\n%s", section)
	}
}
