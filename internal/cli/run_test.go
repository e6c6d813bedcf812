package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	replica "github.com/hardscan/hardscan/internal/replica"
	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/gate"
	"github.com/hardscan/hardscan/scan/result"
)

// outcome is what a user sees of one run: exit status, report, stderr.
type outcome struct {
	code   int
	stdout string
	stderr string
	report *result.Report
}

// runArgs runs hardscan with no stdin (see runCLI).
func runArgs(t *testing.T, args ...string) outcome {
	t.Helper()
	return runCLI(t, nil, nil, args...)
}

// startSite serves a scenario and returns the flags that aim a scan at it.
func startSite(t *testing.T, site replica.Site) []string {
	t.Helper()
	_, args := startServer(t, site.Start, func(r *replica.Running, dir string) ([]string, error) { return r.Args(dir, 4000) })
	return args
}

func scenario(t *testing.T, name string) replica.Site {
	t.Helper()
	s, err := replica.Scenario(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// ids lists "id[subject]" of the findings of severity sev.
func ids(tg *result.Target, sev finding.Severity) []string {
	var out []string
	for _, f := range tg.Findings {
		if f.Severity == sev {
			k := f.ID
			if f.Subject != "" {
				k += "[" + f.Subject + "]"
			}
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func find(tg *result.Target, id string) *finding.Finding {
	for i := range tg.Findings {
		if tg.Findings[i].ID == id {
			return &tg.Findings[i]
		}
	}
	return nil
}

func onlyTarget(t *testing.T, o outcome) *result.Target {
	t.Helper()
	if o.report == nil || len(o.report.Targets) != 1 {
		t.Fatalf("want a JSON report with one target; exit %d, stderr %q, stdout:\n%s", o.code, o.stderr, o.stdout)
	}
	return o.report.Targets[0]
}

func TestScanPleromaDefault(t *testing.T) {
	args := startSite(t, scenario(t, "pleroma-2.7-default"))
	o := runArgs(t, append(args, "-p", "pleroma", "-f", "json", "example.tld")...)
	tg := onlyTarget(t, o)
	if o.code != gate.ExitFindings {
		t.Errorf("exit %d, want 1 (HSTS is off by default)", o.code)
	}
	if got := ids(tg, finding.Fail); strings.Join(got, ",") != "hsts" {
		t.Errorf("fails = %v, want only hsts", got)
	}
	if f := find(tg, "hsts"); f == nil || f.Reason != "absent" || f.Fix == nil || len(f.Fix.Snippets) != 1 ||
		f.Fix.Snippets[0].Platform != "pleroma" || !strings.Contains(f.Fix.Snippets[0].Code, "sts: true") {
		t.Errorf("hsts finding does not give Pleroma's config line, and only that (Pleroma sends the header itself): %+v", f)
	}
	if got := ids(tg, finding.Warn); strings.Join(got, ",") != "csp.connect-src" {
		t.Errorf("warns = %v, want only csp.connect-src (2.7's extra https:)", got)
	}
	if tg.TLS == nil || !tg.TLS.Verified || tg.TLS.DaysLeft < 80 {
		t.Errorf("tls = %+v, want verified with ~90 days left", tg.TLS)
	}
	if got := tg.Redirects.HTTP; len(got) != 2 || got[1] != "https://example.tld/" {
		t.Errorf("http redirects = %v", got)
	}
	if len(tg.Headers["content-security-policy"]) != 1 || tg.Headers["x-frame-options"][0] != "DENY" {
		t.Errorf("headers not reported as sent: %v", tg.Headers)
	}
}

func TestScanPleromaWithSTS(t *testing.T) {
	args := startSite(t, scenario(t, "pleroma-2.7-sts"))
	o := runArgs(t, append(args, "-p", "pleroma", "-f", "json", "https://example.tld/")...)
	tg := onlyTarget(t, o)
	if o.code != gate.ExitOK {
		t.Errorf("exit %d, want 0: %v", o.code, ids(tg, finding.Fail))
	}
	if got := ids(tg, finding.Fail); len(got) != 0 {
		t.Errorf("fails = %v, want none", got)
	}
	if f := find(tg, "expect-ct"); f == nil || f.Severity != finding.Pass {
		t.Errorf("expect-ct = %+v, want pass", f)
	}
	f := find(tg, "csp.connect-src")
	if f == nil || f.Severity != finding.Warn || !strings.Contains(f.Message, "https:") {
		t.Errorf("csp.connect-src = %+v, want a warning naming https:", f)
	}
	if f := find(tg, "hsts"); f == nil || f.Severity != finding.Pass {
		t.Errorf("hsts = %+v, want pass", f)
	}
}

func TestScanPleromaInsecure(t *testing.T) {
	args := startSite(t, scenario(t, "pleroma-insecure"))
	o := runArgs(t, append(args, "-p", "pleroma", "-f", "json", "example.tld")...)
	tg := onlyTarget(t, o)
	if o.code != gate.ExitFindings {
		t.Errorf("exit %d, want 1", o.code)
	}
	fails := strings.Join(ids(tg, finding.Fail), " ")
	for _, want := range []string{"csp", "x-frame-options", "x-content-type-options", "hsts", "https.redirect", "backend.exposed[4000]", "cookie.secure[pleroma_key]"} {
		if !strings.Contains(" "+fails+" ", " "+want+" ") {
			t.Errorf("want %s to fail; fails: %s", want, fails)
		}
	}
	if len(tg.Cookies) != 1 || tg.Cookies[0].Name != "pleroma_key" || tg.Cookies[0].Secure {
		t.Errorf("cookies = %+v", tg.Cookies)
	}
}

func TestScanCertificateProblems(t *testing.T) {
	for _, tc := range []struct {
		name   string
		cert   replica.CertKind
		expiry finding.Severity
	}{
		{"expired", replica.CertExpired, finding.Fail},
		{"wrong host", replica.CertWrongHost, finding.Pass},
		{"untrusted", replica.CertUntrusted, finding.Pass},
		{"expiring", replica.CertExpiring, finding.Fail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site := scenario(t, "pleroma-2.7-sts")
			site.Cert = tc.cert
			args := startSite(t, site)
			o := runArgs(t, append(args, "-p", "pleroma", "-f", "json", "example.tld")...)
			tg := onlyTarget(t, o)
			if tg.Error != nil {
				t.Fatalf("target error %q: a certificate problem must be a finding", *tg.Error)
			}
			cert := find(tg, "tls.certificate")
			wantCert := finding.Fail
			if tc.cert == replica.CertExpiring {
				wantCert = finding.Pass
			}
			if cert == nil || cert.Severity != wantCert {
				t.Errorf("tls.certificate = %+v, want %s", cert, wantCert)
			}
			if tg.TLS == nil || tg.TLS.Verified != (wantCert == finding.Pass) {
				t.Errorf("tls = %+v", tg.TLS)
			}
			if f := find(tg, "tls.expiry"); f == nil || f.Severity != tc.expiry {
				t.Errorf("tls.expiry = %+v, want %s", f, tc.expiry)
			}
			// The headers are still judged.
			if f := find(tg, "x-frame-options"); f == nil || f.Severity != finding.Pass {
				t.Errorf("x-frame-options = %+v: headers must be judged without verification", f)
			}
			if o.code != gate.ExitFindings {
				t.Errorf("exit %d, want 1", o.code)
			}
		})
	}
}

func TestScanRefused(t *testing.T) {
	// Ports that are bound but not listening refuse connections, and,
	// unlike the closed ports of a stopped site, no parallel test can
	// start listening on them meanwhile.
	ca, err := replica.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	refused := &replica.Running{Host: replica.RecordedHost, CA: ca,
		HTTPSAddr: refusingAddr(t), HTTPAddr: refusingAddr(t), BackendAddr: refusingAddr(t)}
	args, err := refused.Args(t.TempDir(), 4000)
	if err != nil {
		t.Fatal(err)
	}
	o := runArgs(t, append(args, "-f", "json", "example.tld")...)
	tg := onlyTarget(t, o)
	if o.code != gate.ExitErrors {
		t.Errorf("exit %d, want 3", o.code)
	}
	if tg.Error == nil || !strings.Contains(*tg.Error, "refused") {
		msg := "(none)"
		if tg.Error != nil {
			msg = *tg.Error
		}
		t.Errorf("error = %s, want connection refused", msg)
	}
	if o.report.Summary.Errors != 1 {
		t.Errorf("summary errors = %d", o.report.Summary.Errors)
	}
}

// refusingAddr is a loopback address whose port is bound but not
// listening, held until the test ends: a connection to it is refused.
func refusingAddr(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
}

func TestAutoDetectsSoftware(t *testing.T) {
	for _, tc := range []struct{ scenario, profile, software string }{
		{"pleroma-2.7-default", "pleroma", "pleroma"},
		{"akkoma-default", "akkoma", "akkoma"},
		{"mastodon-default", "mastodon", "mastodon"},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			args := startSite(t, scenario(t, tc.scenario))
			o := runArgs(t, append(args, "-f", "json", "example.tld")...)
			tg := onlyTarget(t, o)
			if tg.Profile != tc.profile || tg.Software == nil || tg.Software.Name != tc.software {
				t.Errorf("profile %q software %+v, want %s/%s", tg.Profile, tg.Software, tc.profile, tc.software)
			}
		})
	}
}

// The real Akkoma and Mastodon responses, each under its own profile, have no fail
// once HSTS is on (Mastodon sends it; the Akkoma replica has it off).
func TestOwnProfilesHaveNoFalseAlarms(t *testing.T) {
	for _, tc := range []struct{ scenario, profile, hsts string }{
		{"mastodon-default", "mastodon", ""},
		{"pleroma-2.4-default", "pleroma", ""},
		// Akkoma's recording has HSTS off, as it ships; with it on, as
		// Akkoma's documentation gives its value, nothing fails.
		{"akkoma-default", "akkoma", "max-age=63072000; includeSubDomains; preload"},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			site := scenario(t, tc.scenario)
			if tc.hsts != "" {
				root := site.Routes["/"]
				root.Header = http.Header{"Strict-Transport-Security": {tc.hsts}}
				site.Routes["/"] = root
			}
			args := startSite(t, site)
			o := runArgs(t, append(args, "-p", tc.profile, "-f", "json", "example.tld")...)
			tg := onlyTarget(t, o)
			fails := ids(tg, finding.Fail)
			if tc.profile == "pleroma" {
				fails = without(fails, "hsts")
			}
			if len(fails) != 0 {
				t.Errorf("fails = %v", fails)
			}
		})
	}
}

func without(list []string, drop string) []string {
	var out []string
	for _, s := range list {
		if s != drop {
			out = append(out, s)
		}
	}
	return out
}

func TestSessionCookieFromGettingStarted(t *testing.T) {
	args := startSite(t, scenario(t, "pleroma-2.4-default"))
	o := runArgs(t, append(args, "-p", "pleroma", "-f", "json", "example.tld")...)
	tg := onlyTarget(t, o)
	if len(tg.Cookies) != 1 || tg.Cookies[0].Name != "__Host-pleroma_key" || !tg.Cookies[0].Secure || !tg.Cookies[0].HTTPOnly {
		t.Fatalf("cookies = %+v", tg.Cookies)
	}
	if !strings.HasSuffix(tg.Cookies[0].SetBy, "/web/getting-started") {
		t.Errorf("set_by = %q", tg.Cookies[0].SetBy)
	}
	for _, id := range []string{"cookie.secure", "cookie.httponly", "cookie.prefix"} {
		if f := find(tg, id); f == nil || f.Severity != finding.Pass {
			t.Errorf("%s = %+v, want pass", id, f)
		}
	}
}

// A cookie set on the plain-HTTP redirect travels in clear: the MDN
// Observatory never judges it.
func TestCookieOnHTTPRedirect(t *testing.T) {
	site := scenario(t, "pleroma-2.4-default")
	site.HTTPSet = []string{"__Host-pleroma_key=abc; Path=/; HttpOnly; SameSite=Lax"}
	args := startSite(t, site)
	o := runArgs(t, append(args, "-p", "pleroma", "-f", "json", "example.tld")...)
	tg := onlyTarget(t, o)
	var onHTTP bool
	for _, c := range tg.Cookies {
		if strings.HasPrefix(c.SetBy, "http://") {
			onHTTP = true
		}
	}
	if !onHTTP {
		t.Errorf("the cookie of the HTTP redirect is not reported: %+v", tg.Cookies)
	}
	if f := find(tg, "cookie.secure"); f == nil || f.Severity != finding.Fail || !strings.Contains(f.Message, "http://") {
		t.Errorf("cookie.secure = %+v, want a fail naming the http:// URL", f)
	}
	if f := find(tg, "cookie.rejected"); f == nil || f.Severity != finding.Fail || f.Reason != "prefix-rules" {
		t.Errorf("cookie.rejected = %+v, want fail, prefix-rules (__Host- without Secure is rejected)", f)
	}
}

func TestBadInvocations(t *testing.T) {
	dir := t.TempDir()
	badProfile := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(badProfile, []byte(`{"name": "x", "hsts": {"min_max_age": "year"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	unknownCheck := filepath.Join(dir, "unknown.json")
	if err := os.WriteFile(unknownCheck, []byte(`{"name": "x", "overrides": [{"id": "no.such", "severity": "info"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	badSeverity := filepath.Join(dir, "severity.json")
	if err := os.WriteFile(badSeverity, []byte(`{"name": "x", "overrides": [{"id": "hsts", "severity": "ok"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	syntax := filepath.Join(dir, "syntax.json")
	if err := os.WriteFile(syntax, []byte(`{"name": "x",`), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.txt")
	if err := os.WriteFile(empty, []byte("# nothing\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string // in the one line on stderr
	}{
		{"unknown flag", []string{"--bogus", "example.tld"}, "unknown flag"},
		{"ftp URL", []string{"ftp://x"}, "scheme"},
		{"no host", []string{"https://"}, "no host"},
		{"missing cacert", []string{"--cacert", filepath.Join(dir, "nope.pem"), "example.tld"}, "nope.pem"},
		{"credentials in URL", []string{"https://user:secret@example.tld/"}, "credentials"},
		{"zero concurrency", []string{"-c", "0", "example.tld"}, "concurrency"},
		{"negative timeout", []string{"--timeout", "-1s", "example.tld"}, "timeout"},
		{"loud fail-on", []string{"--fail-on", "loud", "example.tld"}, "fail-on"},
		{"bad format", []string{"-f", "yaml", "example.tld"}, "format"},
		{"bad profile JSON", []string{"-p", badProfile, "example.tld"}, "min_max_age"},
		{"unknown check id", []string{"-p", unknownCheck, "example.tld"}, "no.such"},
		{"bad severity", []string{"-p", badSeverity, "example.tld"}, "overrides[0].severity"},
		{"profile syntax", []string{"-p", syntax, "example.tld"}, "bad JSON"},
		{"unknown profile", []string{"-p", "wordpress", "example.tld"}, "wordpress"},
		{"empty list", []string{"-i", empty}, "no targets"},
		{"missing list", []string{"-i", filepath.Join(dir, "nope.txt")}, "nope.txt"},
		{"nothing to scan", nil, "nothing to scan"},
		{"bad resolve", []string{"--resolve", "example.tld:443:not-an-ip", "example.tld"}, "resolve"},
		{"bad header", []string{"-H", "no colon here", "example.tld"}, "-H"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := runArgs(t, tc.args...)
			if o.code != gate.ExitUsage {
				t.Errorf("exit %d, want 2", o.code)
			}
			lines := strings.Split(strings.TrimRight(o.stderr, "\n"), "\n")
			if !strings.HasPrefix(lines[0], "hardscan: ") || !strings.Contains(lines[0], tc.want) {
				t.Errorf("stderr %q: want one line 'hardscan: ...' mentioning %q", o.stderr, tc.want)
			}
			if len(lines) > 2 || (len(lines) == 2 && !strings.HasPrefix(lines[1], "hint: ")) {
				t.Errorf("stderr has more than an error and a hint: %q", o.stderr)
			}
			if strings.Contains(o.stderr, "secret") || strings.Contains(o.stderr, "goroutine") {
				t.Errorf("stderr leaks: %q", o.stderr)
			}
			if o.stdout != "" {
				t.Errorf("stdout not empty: %q", o.stdout)
			}
		})
	}
}

func TestOutputFileIsWrittenWhole(t *testing.T) {
	args := startSite(t, scenario(t, "pleroma-2.7-sts"))
	out := filepath.Join(t.TempDir(), "report.json")
	o := runArgs(t, append(args, "-p", "pleroma", "-o", out, "example.tld")...)
	if o.code != gate.ExitOK || o.stdout != "" {
		t.Fatalf("exit %d stdout %q stderr %q", o.code, o.stdout, o.stderr)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var r result.Report
	if err := json.Unmarshal(raw, &r); err != nil || len(r.Targets) != 1 || r.SchemaVersion != result.SchemaVersion {
		t.Fatalf("report file: %v %+v", err, r)
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestTableIsPlainOffTerminal(t *testing.T) {
	args := startSite(t, scenario(t, "pleroma-2.7-default"))
	o := runArgs(t, append(args, "-p", "pleroma", "-f", "table", "example.tld")...)
	if o.code != gate.ExitFindings {
		t.Errorf("exit %d, want 1 in table format too", o.code)
	}
	if strings.Contains(o.stdout, "\x1b") {
		t.Errorf("colour codes without a terminal")
	}
	for _, want := range []string{"https://example.tld/", "hsts", "csp.connect-src"} {
		if !strings.Contains(o.stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, o.stdout)
		}
	}
}

func TestQuietPrintsNothingWhenClean(t *testing.T) {
	args := startSite(t, scenario(t, "pleroma-2.7-sts"))
	o := runArgs(t, append(args, "-q", "-p", "pleroma", "example.tld")...)
	if o.code != gate.ExitOK || o.stdout != "" || o.stderr != "" {
		t.Errorf("exit %d stdout %q stderr %q, want silence", o.code, o.stdout, o.stderr)
	}
	o = runArgs(t, append(args, "-q", "-p", "pleroma", "--fail-on", "warn", "example.tld")...)
	if o.code != gate.ExitFindings || o.stdout == "" {
		t.Errorf("exit %d with empty stdout, want the report when a warning reaches --fail-on", o.code)
	}
}

func TestDemo(t *testing.T) {
	o := runArgs(t, "--demo", "-f", "json")
	tg := onlyTarget(t, o)
	if tg.Error != nil || tg.Profile != "pleroma" || o.code != gate.ExitFindings {
		t.Errorf("demo: exit %d, profile %q, error %v", o.code, tg.Profile, tg.Error)
	}
}

// --show-profile prints a file that -p reads back, and an override in it
// accepts a finding: the warning becomes info and the exit status follows.
func TestShowProfileRoundTripAndAccept(t *testing.T) {
	o := runArgs(t, "--show-profile", "pleroma")
	if o.code != gate.ExitOK {
		t.Fatalf("exit %d: %s", o.code, o.stderr)
	}
	var p map[string]any
	if err := json.Unmarshal([]byte(o.stdout), &p); err != nil {
		t.Fatal(err)
	}
	p["name"] = "pleroma-accepting"
	p["overrides"] = []map[string]string{{"id": "csp.connect-src", "severity": "info", "reason": "2.7 needs https: for remote emoji"}}
	raw, _ := json.Marshal(p)
	file := filepath.Join(t.TempDir(), "mine.json")
	if err := os.WriteFile(file, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	args := startSite(t, scenario(t, "pleroma-2.7-sts"))
	strict := runArgs(t, append(args, "-p", "pleroma", "--fail-on", "warn", "example.tld")...)
	accepting := runArgs(t, append(args, "-p", file, "--fail-on", "warn", "example.tld")...)
	if strict.code != gate.ExitFindings || accepting.code != gate.ExitOK {
		t.Errorf("exit without/with the override = %d/%d, want 1/0", strict.code, accepting.code)
	}
	tg := onlyTarget(t, accepting)
	if f := find(tg, "csp.connect-src"); f == nil || f.Severity != finding.Info || tg.Profile != "pleroma-accepting" {
		t.Errorf("csp.connect-src = %+v under profile %q", f, tg.Profile)
	}
}

func TestListings(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--list-profiles"}, []string{"auto", "pleroma", "akkoma", "mastodon", "modern"}},
		{[]string{"--list-checks"}, []string{"hsts", "csp.script-src", "csp.frame-ancestors", "cookie.prefix", "unit.CapabilityBoundingSet", "config.http.ip", "backend.exposed"}},
		{[]string{"-V"}, []string{"hardscan " + Version}},
		{[]string{"--help"}, []string{"Usage:", "--resolve", "--fail-on", "Exit status:"}},
	} {
		o := runArgs(t, tc.args...)
		if o.code != gate.ExitOK {
			t.Errorf("%v: exit %d", tc.args, o.code)
		}
		for _, w := range tc.want {
			if !strings.Contains(o.stdout, w) {
				t.Errorf("%v: output lacks %q", tc.args, w)
			}
		}
	}
}

// An interrupt stops the run quickly, writes no partial -o file (an
// earlier report stays as it was) and exits non-zero.
func TestInterruptWritesNoPartialReport(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // accept and never answer
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	out := filepath.Join(t.TempDir(), "last.json")
	if err := os.WriteFile(out, []byte("earlier report\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	var stdout, stderr bytes.Buffer
	start := time.Now()
	code := run(ctx, []string{"--timeout", "30s", "-o", out, "--resolve", "*:*:" + ln.Addr().String(), "-p", "modern", "a.test", "b.test"},
		strings.NewReader(""), &stdout, &stderr)
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %s after the interrupt", took)
	}
	if code != gate.ExitInterrupted {
		t.Errorf("exit %d, want 130 (contract: interrupted)", code)
	}
	if raw, _ := os.ReadFile(out); string(raw) != "earlier report\n" {
		t.Errorf("-o file changed by an interrupted run: %q", raw)
	}
	if !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("stderr %q", stderr.String())
	}
}

// Without NodeInfo, auto falls back to /api/v1/instance, then to the Server
// header, then to the modern profile.
func TestAutoDetectionFallbacks(t *testing.T) {
	root := replica.Route{File: "pleroma-2.7_hardened-sts_GET-root.http"}
	for _, tc := range []struct {
		name             string
		routes           map[string]replica.Route
		profile, sw, ver string
	}{
		{"instance API", map[string]replica.Route{"/": root, "/api/v1/instance": {Doc: "pleroma-2.7_api-v1-instance.json"}}, "pleroma", "pleroma", "2.7.0"},
		{"server header", map[string]replica.Route{"/": {Header: http.Header{"Server": {"gotosocial"}}}}, "modern", "gotosocial", ""},
		{"nothing known", map[string]replica.Route{"/": root}, "modern", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := startSite(t, replica.Site{Routes: tc.routes})
			tg := onlyTarget(t, runArgs(t, append(args, "-f", "json", "example.tld")...))
			gotSW, gotVer := "", ""
			if tg.Software != nil {
				gotSW, gotVer = tg.Software.Name, tg.Software.Version
			}
			if tg.Profile != tc.profile || gotSW != tc.sw || gotVer != tc.ver {
				t.Errorf("profile %q software %q %q, want %q %q %q", tg.Profile, gotSW, gotVer, tc.profile, tc.sw, tc.ver)
			}
		})
	}
}

func TestDurationIsMeasuredFromTheStart(t *testing.T) {
	start := time.Now()
	o := runArgs(t, "--demo", "-f", "json")
	wall := time.Since(start).Milliseconds()
	if o.report == nil {
		t.Fatal("no report")
	}
	// Measured from started_at, which is rounded down to the second, the
	// duration would exceed the run's real length by up to a second.
	if d := o.report.DurationMS; d < 0 || d > wall+1 {
		t.Errorf("duration_ms = %d, but the whole run took %d ms", d, wall)
	}
}

// Pleroma 2.5 and later set the session cookie only on authenticated
// requests: with -H Authorization, the profile's auth path is fetched and
// the cookie judged; without it, nothing asks and the report says why.
func TestAuthorizationShowsTheSessionCookie(t *testing.T) {
	site := scenario(t, "pleroma-2.7-sts")
	site.Routes["/api/v1/accounts/verify_credentials"] = replica.Route{File: "pleroma-2.7_default_POST-oauth-token_cookie.http"}
	args := startSite(t, site)

	anon := onlyTarget(t, runArgs(t, append(args, "-p", "pleroma", "-f", "json", "example.tld")...))
	if f := find(anon, "cookie.session"); f == nil || f.Severity != finding.Info || len(anon.Cookies) != 0 {
		t.Errorf("without credentials: cookie.session %+v, cookies %+v", f, anon.Cookies)
	}

	authed := onlyTarget(t, runArgs(t, append(args, "-p", "pleroma", "-f", "json", "-H", "Authorization: Bearer t0ken", "example.tld")...))
	if len(authed.Cookies) != 1 || authed.Cookies[0].Name != "__Host-pleroma_key" || !strings.HasSuffix(authed.Cookies[0].SetBy, "/api/v1/accounts/verify_credentials") {
		t.Fatalf("with credentials: cookies %+v", authed.Cookies)
	}
	for _, id := range []string{"cookie.secure", "cookie.httponly", "cookie.prefix", "cookie.samesite"} {
		if f := find(authed, id); f == nil || f.Severity != finding.Pass {
			t.Errorf("%s = %+v, want pass", id, f)
		}
	}
}

// The pleroma profile knows that 2.4 and older set the session cookie on
// /web/getting-started: there, a missing cookie is a warning; on 2.5 and
// later it is only information.
func TestMissingCookieDependsOnVersion(t *testing.T) {
	for _, tc := range []struct {
		scenario string
		want     finding.Severity
	}{
		{"pleroma-2.4-default", finding.Warn},
		{"pleroma-2.7-default", finding.Info},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			site := scenario(t, tc.scenario)
			delete(site.Routes, "/web/getting-started") // the cookie never comes
			args := startSite(t, site)
			tg := onlyTarget(t, runArgs(t, append(args, "-f", "json", "example.tld")...))
			if f := find(tg, "cookie.session"); f == nil || f.Severity != tc.want {
				t.Errorf("software %+v: cookie.session = %+v, want %s", tg.Software, f, tc.want)
			}
		})
	}
}

// A cookie's value can be a session token: no report format prints it.
func TestCookieValuesStayOutOfReports(t *testing.T) {
	site := scenario(t, "pleroma-2.7-sts")
	root := site.Routes["/"]
	root.Header = http.Header{"Set-Cookie": {"__Host-pleroma_key=SECRET-T0KEN-VALUE; Path=/; Secure; HttpOnly; SameSite=Lax"}}
	site.Routes["/"] = root
	args := startSite(t, site)
	for _, format := range []string{"json", "ndjson", "table", "markdown", "junit", "prometheus"} {
		o := runArgs(t, append(args, "-p", "pleroma", "-f", format, "example.tld")...)
		if o.stdout == "" {
			t.Fatalf("%s: no output; exit %d, %s", format, o.code, o.stderr)
		}
		if strings.Contains(o.stdout, "SECRET-T0KEN-VALUE") {
			t.Errorf("%s output holds the cookie's value", format)
		}
	}
}
