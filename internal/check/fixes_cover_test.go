package check_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hardscan/hardscan/internal/audit/exsconfig"
	"github.com/hardscan/hardscan/internal/audit/unit"
	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/internal/judge"
	"github.com/hardscan/hardscan/internal/probe"
	"github.com/hardscan/hardscan/internal/profile"
	"github.com/hardscan/hardscan/internal/replica"
	"github.com/hardscan/hardscan/scan"
	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/result"
)

// serverHeaders are the Server values a fix is chosen by: each web server
// hardscan knows (with a version, as they send by default), and none.
var serverHeaders = []string{"nginx/1.22.1", "Apache/2.4.62 (Debian)", "Caddy", "lighttpd/1.4.69", "HAProxy", ""}

// noFix are the (id, reason) pairs that are notes needing no change, so
// they carry no fix: hardscan's own limits, opt-ins, and remarks on a
// policy that is fine as it is.
var noFix = map[string][]string{
	check.HTTPSRedirect:     {"not-probed"},
	check.TLSCertificate:    {"not-verified"},
	check.ResponseTruncated: {"body", "cookies", "undecoded"},
	check.RedirectStopped:   {"stopped", "outside-allow"},
	check.CSPReportOnly:     {"report-only"},
	check.CSPSyntax:         {"syntax", "missing-semicolon"}, // the message names the ; to add
	check.HSTSSyntax:        {"empty-directive", "repeated-directive"},
	check.CSPDeprecated:     {"deprecated"},
	check.CSPIPSource:       {"ip"},
	check.CSPMeta:           {"meta", "meta-ignored"},
	"csp.":                  {"self", "wasm-unsafe-eval", "unsafe-hashes"},
	check.CookieSession:     {"not-seen"}, // Pleroma's has one: scan signed in
	check.CookieStorage:     {"deleted", "replaced"},
	check.UnitExposure:      {"score"},
	check.UnitSyntax:        {"ignored-lines"},
	"config.":               {"unknown", "obsolete"},
	check.ConfigParse:       {"skipped"},
}

func needsNoFix(f finding.Finding) bool {
	if rs, ok := noFix[f.ID]; ok {
		return slices.Contains(rs, f.Reason)
	}
	for prefix, rs := range noFix {
		if strings.HasSuffix(prefix, ".") && strings.HasPrefix(f.ID, prefix) && slices.Contains(rs, f.Reason) {
			return true
		}
	}
	return false
}

// scenarioProfile is the built-in profile of a replica scenario's software.
func scenarioProfile(t *testing.T, name string) *profile.Profile {
	t.Helper()
	soft, _, _ := strings.Cut(name, "-")
	p, err := profile.Builtin(soft)
	if err != nil {
		t.Fatalf("profile of scenario %s: %v", name, err)
	}
	return p
}

// observedFrom builds what a scan of the replica scenario would observe,
// without the network, with every Server header replaced by server (none
// when empty).
func observedFrom(t *testing.T, site replica.Site, prof *profile.Profile, server string) *probe.Observed {
	t.Helper()
	base, _ := url.Parse("https://" + replica.RecordedHost + "/")
	hop := func(u *url.URL, file string) probe.Hop {
		rec, err := replica.Response(file)
		if err != nil {
			t.Fatal(err)
		}
		h := rec.Header.Clone()
		setServer(h, server)
		hp := probe.Hop{URL: u, Status: rec.Status, Header: h}
		if loc := h.Get("Location"); loc != "" {
			hp.Location, _ = u.Parse(loc)
		}
		return hp
	}
	o := &probe.Observed{URL: base, Verified: true,
		Root: &probe.Chain{Hops: []probe.Hop{hop(base, site.Routes["/"].File)}, Body: []byte("<!DOCTYPE html><html><head></head></html>")}}
	httpURL, _ := url.Parse("http://" + replica.RecordedHost + "/")
	h := http.Header{}
	setServer(h, server)
	for _, c := range site.HTTPSet {
		h.Add("Set-Cookie", c)
	}
	switch site.HTTP {
	case replica.HTTPRedirect:
		h.Set("Location", base.String())
		o.HTTP = &probe.Chain{Hops: []probe.Hop{{URL: httpURL, Status: 301, Header: h, Location: base}}}
	case replica.HTTPServe:
		o.HTTP = &probe.Chain{Hops: []probe.Hop{{URL: httpURL, Status: 200, Header: h}}}
	case replica.HTTPClosed:
		o.HTTPErr = &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	}
	for _, p := range prof.CookiePaths {
		if r, ok := site.Routes[p]; ok && r.File != "" {
			u := base.ResolveReference(&url.URL{Path: p})
			o.CookieChains = append(o.CookieChains, &probe.Chain{Hops: []probe.Hop{hop(u, r.File)}})
		}
	}
	if prof.BackendPort > 0 {
		o.Backend = &probe.Probe{Port: prof.BackendPort}
		if site.Backend {
			o.Backend.Open, o.Backend.Status = true, 200
		}
	}
	return o
}

func setServer(h http.Header, server string) {
	if server == "" {
		h.Del("Server")
		return
	}
	h.Set("Server", server)
}

// judged is one judged target and the platforms its fixes are for.
type judged struct {
	name     string
	findings []finding.Finding
	target   check.Target
}

// recordedTargets judges every replica scenario (each recorded Pleroma,
// Akkoma and Mastodon response) under its own profile and under modern as
// an unknown site, behind each web server and none.
func recordedTargets(t *testing.T) []judged {
	t.Helper()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	names := make([]string, 0, len(replica.Scenarios))
	for n := range replica.Scenarios {
		names = append(names, n)
	}
	sort.Strings(names)
	modern, err := profile.Builtin("modern")
	if err != nil {
		t.Fatal(err)
	}
	var out []judged
	for _, name := range names {
		site, _ := replica.Scenario(name)
		for _, prof := range []*profile.Profile{scenarioProfile(t, name), modern} {
			for _, server := range serverHeaders {
				o := observedFrom(t, site, prof, server)
				fs := judge.Site(prof, o, now)
				prof.Apply(fs, "")
				tg := check.Target{App: check.AppFrom(prof.Name), Servers: check.ServersFrom(server), Host: replica.RecordedHost}
				check.Attach(fs, tg)
				out = append(out, judged{name: fmt.Sprintf("%s/%s/server=%q", name, prof.Name, server), findings: fs, target: tg})
			}
		}
	}
	return out
}

// localTargets audits the units and the config file of the audits' test
// data, as --unit and --config do (fixes for Pleroma and systemd).
func localTargets(t *testing.T) []judged {
	t.Helper()
	var out []judged
	units, _ := filepath.Glob("../audit/unit/testdata/*.service")
	if len(units) == 0 {
		t.Fatal("no unit files in ../audit/unit/testdata")
	}
	for _, path := range units {
		u, err := unit.Load(path, unit.Options{})
		if err != nil {
			t.Fatal(err)
		}
		fs := unit.Judge(u)
		check.Attach(fs, check.Target{App: check.Pleroma})
		out = append(out, judged{name: filepath.Base(path), findings: fs, target: check.Target{App: check.Pleroma}})
	}
	cfg, skipped, err := exsconfig.Load("../audit/exsconfig/testdata/prod.secret.exs")
	if err != nil {
		t.Fatal(err)
	}
	fs := append(exsconfig.Judge(cfg), skipped...)
	check.Attach(fs, check.Target{App: check.Pleroma})
	return append(out, judged{name: "prod.secret.exs", findings: fs, target: check.Target{App: check.Pleroma}})
}

// TestEveryFindingHasAFixForItsPlatform holds every fix to its platform:
// on each recorded response, behind each web server and none, and on the
// local audits, every finding that is not a pass (and is not a note that
// needs no change) has a fix with a snippet for the application or the
// web server the target runs.
func TestEveryFindingHasAFixForItsPlatform(t *testing.T) {
	targets := append(recordedTargets(t), localTargets(t)...)
	for _, j := range targets {
		checkFixes(t, j)
	}
}

func checkFixes(t *testing.T, j judged) {
	t.Helper()
	for _, f := range j.findings {
		if f.Severity == finding.Pass {
			if f.Fix != nil {
				t.Errorf("%s: %s[%s] passes but has a fix", j.name, f.ID, f.Subject)
			}
			continue
		}
		if needsNoFix(f) {
			continue
		}
		if f.Fix == nil || len(f.Fix.Snippets) == 0 {
			t.Errorf("%s: %s[%s] %s %s has no fix for %s behind %v", j.name, f.ID, f.Subject, f.Severity, f.Reason, j.target.App, j.target.Servers)
			continue
		}
		ok := false
		for _, s := range f.Fix.Snippets {
			p := check.Platform(s.Platform)
			if p == check.Systemd || (j.target.App != "" && p == j.target.App) || slices.Contains(j.target.Servers, p) {
				ok = true
			} else {
				t.Errorf("%s: %s %s: snippet for %s, which the target does not run", j.name, f.ID, f.Reason, p)
			}
			if strings.Contains(s.Code+s.File, "{{") {
				t.Errorf("%s: %s %s: unfilled placeholder in %s snippet: %s", j.name, f.ID, f.Reason, p, s.Code)
			}
		}
		if !ok {
			t.Errorf("%s: %s %s: no snippet for the target's platforms", j.name, f.ID, f.Reason)
		}
	}
}

// TestDemoFixes scans the --demo replica itself over loopback, then
// attaches the fixes as if each web server (or none) were in front.
func TestDemoFixes(t *testing.T) {
	site, err := replica.Scenario("pleroma-2.7-default")
	if err != nil {
		t.Fatal(err)
	}
	running, err := site.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer running.Close()
	opt := scan.DefaultOptions()
	opt.RootCAs, opt.Timeout, opt.Resolve = running.CA.Pool(), 5*time.Second, running.Resolve(4000)
	s, err := scan.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse("https://" + running.Host + "/")
	tg := s.Scan(context.Background(), u)
	if tg.Error != nil {
		t.Fatalf("demo scan: %s", *tg.Error)
	}
	fails := 0
	for _, server := range serverHeaders {
		fs := slices.Clone(tg.Findings)
		target := check.Target{App: check.Pleroma, Servers: check.ServersFrom(server), Host: running.Host}
		check.Attach(fs, target)
		for _, f := range fs {
			if f.Severity > finding.Pass {
				fails++
			}
		}
		checkFixes(t, judged{name: fmt.Sprintf("demo/server=%q", server), findings: fs, target: target})
	}
	if fails == 0 {
		t.Fatal("the demo gave no finding to fix")
	}
}

// rejectedCookies are Set-Cookie lines browsers refuse to store, one per
// reason of cookie.rejected; secure-over-http's is sent over plain HTTP.
var rejectedCookies = map[string]string{
	"prefix-rules":           "__Host-theme=dark; Path=/",
	"public-suffix-domain":   "lang=en; Secure; Domain=tld",
	"foreign-domain":         "track=1; Secure; Domain=other.example",
	"samesite-none-insecure": "embed=1; SameSite=None",
	"nameless-prefix":        "__Secure-x; Secure; Path=/",
	"secure-over-http":       "plain=1; Secure",
}

// Every cookie a browser rejects has a fix for the platform in front of
// it, as every other warn or fail does: behind each web server and none,
// under the application's profile and under modern.
func TestRejectedCookiesHaveFixes(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	site, err := replica.Scenario("pleroma-2.7-sts")
	if err != nil {
		t.Fatal(err)
	}
	site.HTTP = replica.HTTPServe
	modern, err := profile.Builtin("modern")
	if err != nil {
		t.Fatal(err)
	}
	given := map[string]bool{}
	for _, prof := range []*profile.Profile{scenarioProfile(t, "pleroma-2.7-sts"), modern} {
		for _, server := range serverHeaders {
			o := observedFrom(t, site, prof, server)
			for reason, line := range rejectedCookies {
				if reason == "secure-over-http" {
					o.HTTP.Hops[0].Header.Add("Set-Cookie", line)
				} else {
					o.Root.Hops[0].Header.Add("Set-Cookie", line)
				}
			}
			fs := judge.Site(prof, o, now)
			tg := check.Target{App: check.AppFrom(prof.Name), Servers: check.ServersFrom(server), Host: replica.RecordedHost}
			check.Attach(fs, tg)
			for _, f := range fs {
				if f.ID == check.CookieRejected {
					given[f.Reason] = true
				}
			}
			checkFixes(t, judged{name: fmt.Sprintf("rejected cookies/%s/server=%q", prof.Name, server), findings: fs, target: tg})
		}
	}
	for reason := range rejectedCookies {
		if !given[reason] {
			t.Errorf("no cookie.rejected %s from %q: the case tests nothing", reason, rejectedCookies[reason])
		}
	}
}

// The reports of the golden files, as a user reads them: each warn or
// fail carries a snippet for the platform the target names (its profile's
// application, the web server its Server header names, all of them when
// it names none).
func TestGoldenReportsHaveFixes(t *testing.T) {
	paths, _ := filepath.Glob("../../report/testdata/*.json.golden")
	if len(paths) == 0 {
		t.Fatal("no JSON report in ../../report/testdata")
	}
	n := 0
	for _, path := range paths {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var rep result.Report
		if err := json.Unmarshal(raw, &rep); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, tg := range rep.Targets {
			server := ""
			for k, vs := range tg.Headers {
				if strings.EqualFold(k, "Server") && len(vs) > 0 {
					server = vs[0]
				}
			}
			target := check.Target{App: check.AppFrom(tg.Profile), Servers: check.ServersFrom(server), Host: "example.tld"}
			if tg.Software != nil {
				if app := check.AppFrom(tg.Software.Name); app != "" {
					target.App = app
				}
			}
			fs := tg.Findings
			for _, f := range fs {
				if f.Severity >= finding.Warn {
					n++
				}
			}
			checkFixes(t, judged{name: filepath.Base(path) + "/" + tg.Name(), findings: fs, target: target})
		}
	}
	if n == 0 {
		t.Error("the golden reports hold no warn or fail")
	}
}
