package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hardscan/hardscan/fixtures/hostile"
	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/gate"
	"github.com/hardscan/hardscan/scan/result"
)

// Every hostile scan uses this request timeout. The run bounds each target
// by twice the timeout and a second (scanOne); the tests allow three seconds
// more for starting and reporting, since the race detector on two cores
// shared with the rest of the suite slows both. A hang still shows: it
// lasts until the test's own deadline.
const hostileTimeout = 2 * time.Second

var hostileBound = 2*hostileTimeout + 4*time.Second

// largeTimeout and largeBound are TestHostileLargeResponses': its servers
// answer at once, so only the work they cause is bounded.
const largeTimeout = 10 * time.Second

var largeBound = 2*largeTimeout + 4*time.Second

// startHostile serves b and returns the flags that aim a scan of
// https://example.tld/ at it.
func startHostile(t *testing.T, b hostile.Behaviour, opts ...hostile.Option) (*hostile.Server, []string) {
	t.Helper()
	s, args := startServer(t, func() (*hostile.Server, error) { return hostile.Start(b, opts...) }, (*hostile.Server).Args)
	return s, append(args, "--timeout", hostileTimeout.String())
}

// runHostile runs hardscan in process and checks what every hostile run
// must give: an end within the bound, and for JSON a report that is valid
// JSON in valid UTF-8.
func runHostile(t *testing.T, args ...string) outcome {
	t.Helper()
	o, _, took := runMeasured(t, args...)
	if took > hostileBound {
		t.Errorf("the run took %s, want at most %s (2 x --timeout + margin)", took.Round(time.Millisecond), hostileBound)
	}
	return o
}

// runMeasured runs hardscan and returns what it printed, the bytes it
// allocated and the time it took.
func runMeasured(t *testing.T, args ...string) (o outcome, alloc uint64, took time.Duration) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	o = runCLI(t, nil, nil, args...)
	took = time.Since(start)
	runtime.ReadMemStats(&after)
	return o, after.TotalAlloc - before.TotalAlloc, took
}

// notPass finds the first finding with id that is not a pass.
func notPass(tg *result.Target, id string) *finding.Finding {
	for i := range tg.Findings {
		if tg.Findings[i].ID == id && tg.Findings[i].Severity != finding.Pass {
			return &tg.Findings[i]
		}
	}
	return nil
}

// containsAny reports whether s holds one of the |-separated alternatives.
func containsAny(s, alternatives string) bool {
	for _, a := range strings.Split(alternatives, "|") {
		if strings.Contains(s, a) {
			return true
		}
	}
	return false
}

// Each hostile behaviour ends in time with a valid report, the right exit
// status, and a target error or a finding that says what happened.
func TestHostileServers(t *testing.T) {
	for _, tc := range []struct {
		name string // when b alone does not name the case
		b    hostile.Behaviour
		opts []hostile.Option
		code int
		// err, when set, is what the target error says (|-separated
		// alternatives); otherwise the target has no error.
		err string
		// id is a finding that must not pass, and has what its actual
		// value or message says.
		id, has string
		why     string
	}{
		{b: hostile.Good, code: gate.ExitOK, why: "the control: a hardened page passes under modern"},
		{b: hostile.Dribble, code: gate.ExitErrors, err: "the response headers did not arrive within 2s", why: "one byte a second: the per-request timeout, not the server, ends it"},
		{b: hostile.Silent, code: gate.ExitErrors, err: "the TLS handshake did not finish within 2s", why: "accepts and never answers: the TLS handshake times out"},
		{b: hostile.ResetInHeaders, code: gate.ExitErrors, err: "connection reset|connection broken", why: "a reset mid-head is a broken response, never judged as complete"},
		{b: hostile.CloseAtOnce, code: gate.ExitErrors, err: "connection reset|EOF", why: "no response at all is a target error (docs/contract.md), exit 3"},
		{b: hostile.RedirectLoop, code: gate.ExitOK, id: "redirect.stopped", has: "redirect loop", why: "a loop is detected at the first repeat"},
		{b: hostile.RedirectEndless, code: gate.ExitOK, id: "redirect.stopped", has: "more than 10 redirects", why: "contract: at most 10 hops"},
		{b: hostile.RedirectFTP, code: gate.ExitOK, id: "redirect.stopped", has: "ftp:", why: "only http and https are followed"},
		{b: hostile.RedirectFile, code: gate.ExitOK, id: "redirect.stopped", has: "file:", why: "a file: URL must never be opened"},
		{b: hostile.RedirectJavaScript, code: gate.ExitOK, id: "redirect.stopped", has: "javascript:", why: "a javascript: URL is not a place"},
		{b: hostile.RedirectOtherHost, code: gate.ExitOK, why: "followed; judged on the final response (docs/contract.md)"},
		{b: hostile.Escapes, code: gate.ExitFindings, id: "x-frame-options", has: "DENY",
			why: "browsers keep C0 controls but NUL, CR and LF in a field value (Fetch) and render the page, so hardscan reads the head as they do and judges it; DENY followed by escapes is no DENY, and the values print safely"},
		{b: hostile.UnicodeControls, code: gate.ExitFindings, id: "x-frame-options", has: `DENY`, why: "obs-text passes the parser: the values are judged (and must print safely)"},
		{b: hostile.InvalidUTF8, code: gate.ExitFindings, id: "x-frame-options", has: "DENY", why: "bytes that are not UTF-8 are judged, and replaced in the JSON"},
		{b: hostile.StalledBody, code: gate.ExitOK, id: "response.truncated", has: "cut short", why: "the head arrived: judge it, and say the body was cut short"},
		{b: hostile.HTTP10, code: gate.ExitOK, why: "HTTP/1.0 without Content-Length: the body ends at close"},
		{b: hostile.HTTP2Only, code: gate.ExitOK, why: "an h2-only server is scanned like any other"},
		{b: hostile.CertExpired, code: gate.ExitFindings, id: "tls.certificate", has: "expired", why: "contract: certificate problems are findings"},
		{b: hostile.CertSelfSigned, code: gate.ExitFindings, id: "tls.certificate", has: "unknown authority", why: "contract: certificate problems are findings"},
		{b: hostile.CertWrongHost, code: gate.ExitFindings, id: "tls.certificate", has: "wrong.invalid", why: "contract: certificate problems are findings"},
		{name: "port80-dribble", b: hostile.Good, opts: []hostile.Option{hostile.Plain(hostile.Dribble)}, code: gate.ExitOK, id: "https.redirect", has: "no answer on port 80",
			why: "a port 80 that dribbles costs one timeout and is a warning, not the end of the scan"},
		{name: "port80-huge-header", b: hostile.Good, opts: []hostile.Option{hostile.Plain(hostile.HugeHeader)}, code: gate.ExitOK, id: "https.redirect", has: "exceeded 1048576 bytes",
			why: "the header cap holds on port 80 too, and the warning says it was hit"},
	} {
		name := tc.b.String()
		if tc.name != "" {
			name = tc.name
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, args := startHostile(t, tc.b, tc.opts...)
			o := runHostile(t, append(args, "-p", "modern", "-f", "json", "https://example.tld/")...)
			tg := onlyTarget(t, o)
			checkHostile(t, o, tg, tc.code, tc.err, tc.id, tc.has)
		})
	}
}

func checkHostile(t *testing.T, o outcome, tg *result.Target, code int, errHas, id, has string) {
	t.Helper()
	if o.code != code {
		t.Errorf("exit %d, want %d; error %v, fails %v", o.code, code, tg.Error, ids(tg, finding.Fail))
	}
	switch {
	case errHas == "" && tg.Error != nil:
		t.Errorf("target error %q, want a scan", *tg.Error)
	case errHas != "" && tg.Error == nil:
		t.Errorf("no target error, want one saying %q", errHas)
	case errHas != "" && !containsAny(*tg.Error, errHas):
		t.Errorf("target error %q, want one saying %q", *tg.Error, errHas)
	}
	if tg.Error != nil && strings.Contains(*tg.Error, "deadline exceeded") {
		t.Errorf("target error %q: says the context's words, not what did not answer", *tg.Error)
	}
	if errHas != "" && o.report.Summary.Errors != 1 {
		t.Errorf("summary errors = %d, want 1", o.report.Summary.Errors)
	}
	if id == "" {
		return
	}
	f := notPass(tg, id)
	if f == nil {
		t.Errorf("no %s finding that is not a pass; findings: %v %v", id, ids(tg, finding.Warn), ids(tg, finding.Info))
	} else if !strings.Contains(f.Actual+" "+f.Message, has) {
		t.Errorf("%s = %+v, want it to say %q", id, f, has)
	}
}

// The large cases: the caps hold, the report says so, and the memory a run
// allocates stays far below what the server sends. These run alone (not in
// parallel) so that the allocation count is the run's own.
func TestHostileLargeResponses(t *testing.T) {
	const bound = 64 << 20
	for _, tc := range []struct {
		b       hostile.Behaviour
		code    int
		err     string
		id, has string
		why     string
		bug     string // a known bug that breaks the bounds: skip with it
	}{
		{hostile.HugeHeader, gate.ExitErrors, "exceeded 1048576 bytes", "", "", "a 4 MiB head hits the 1 MiB header cap, and the error names it", ""},
		{hostile.HugeBody, gate.ExitOK, "", "response.truncated", "only the first 1048576 bytes", "a 256 MiB body is read to the 1 MiB cap", ""},
		{hostile.ManyCookies, gate.ExitOK, "", "response.truncated", "only the first 180 Set-Cookie lines", "5,000 cookies: the first 180 (Chrome's per-site limit) are judged, and the report says so", ""},
		{hostile.CookieFlood, gate.ExitFindings, "", "response.truncated", "only the first 180 Set-Cookie lines", "60,000 cookies in a head just under the cap: memory must not grow with them", ""},
	} {
		t.Run(tc.b.String(), func(t *testing.T) {
			s, args := startHostile(t, tc.b)
			runtime.GC()
			// These servers answer at once, with a lot: what is bounded
			// is the work and the memory, not a wait, so the step
			// timeout is a loaded machine's (the full suite under -race
			// beside Chromium took 10x as long as alone), and a hang
			// still fails the bound.
			o, alloc, took := runMeasured(t, append(args, "--timeout", largeTimeout.String(), "-p", "modern", "-f", "json", "https://example.tld/")...)
			tg := onlyTarget(t, o)
			checkHostile(t, o, tg, tc.code, tc.err, tc.id, tc.has)
			t.Logf("allocated %d KiB in %s", alloc>>10, took.Round(time.Millisecond))
			if tc.bug != "" && (alloc > bound || took > largeBound) {
				t.Skip(tc.bug)
			}
			if took > largeBound {
				t.Errorf("the run took %s, want at most %s", took.Round(time.Millisecond), largeBound)
			}
			if alloc > bound {
				t.Errorf("the run allocated %d MiB, want under %d MiB", alloc>>20, bound>>20)
			}
			if tc.b == hostile.HugeBody {
				s.Close()
				if n := s.BodyBytes(); n > 32<<20 {
					t.Errorf("the server wrote %d MiB of the body: the client read far past its cap", n>>20)
				}
			}
			if (tc.b == hostile.ManyCookies || tc.b == hostile.CookieFlood) && len(tg.Cookies) != 180 {
				t.Errorf("%d cookies reported, want the 180 judged", len(tg.Cookies))
			}
		})
	}
}

// Table output sends nothing a terminal would obey: no C0 control but the
// table's own colour codes and newlines, no C1 control, no bidi control, no
// invalid UTF-8, whatever the server sent.
func TestHostileTableIsTerminalSafe(t *testing.T) {
	sgr := regexp.MustCompile("\x1b\\[[0-9;]*m")
	for _, b := range []hostile.Behaviour{hostile.Escapes, hostile.UnicodeControls, hostile.InvalidUTF8} {
		for _, color := range []string{"always", "never"} {
			t.Run(b.String()+"-color-"+color, func(t *testing.T) {
				t.Parallel()
				_, args := startHostile(t, b)
				o := runHostile(t, append(args, "-p", "modern", "-f", "table", "--color", color, "https://example.tld/")...)
				if o.stdout == "" {
					t.Fatalf("no table; exit %d, stderr %q", o.code, o.stderr)
				}
				out := o.stdout
				if color == "always" {
					out = sgr.ReplaceAllString(out, "")
				}
				for i, r := range out {
					bad := (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r <= 0x9f) ||
						(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200b || r == 0x200e || r == 0x200f
					if r == utf8.RuneError {
						bad = true // invalid UTF-8 or a U+FFFD that hides it: either way not what was sent
					}
					if bad {
						t.Fatalf("table holds %U at byte %d: %q", r, i, out[max(0, i-40):min(len(out), i+40)])
					}
				}
				if !strings.Contains(out, `\x1b`) && !strings.Contains(out, `\u202e`) && !strings.Contains(out, `\xff`) {
					t.Errorf("the table shows none of the server's text escaped:\n%s", out)
				}
			})
		}
	}
}

// A hostile target costs its own time and nothing else: the good target of
// the same run gets the findings it gets alone.
func TestHostileDoesNotAffectOthers(t *testing.T) {
	t.Parallel()
	site := scenario(t, "pleroma-2.7-sts")
	site.Host = "good.tld"
	goodArgs := startSite(t, site)
	for _, b := range []hostile.Behaviour{hostile.Silent, hostile.HugeBody, hostile.RedirectEndless} {
		t.Run(b.String(), func(t *testing.T) {
			t.Parallel()
			_, badArgs := startHostile(t, b)
			common := append(append(append([]string{}, goodArgs...), badArgs...), "-p", "pleroma", "-f", "json")
			alone := runHostile(t, append(common, "https://good.tld/")...)
			mixed := runHostile(t, append(common, "https://example.tld/", "https://good.tld/")...)
			if alone.code != gate.ExitOK {
				t.Fatalf("the good target alone: exit %d: %v", alone.code, ids(onlyTarget(t, alone), finding.Fail))
			}
			if mixed.report == nil || len(mixed.report.Targets) != 2 {
				t.Fatalf("want two targets; exit %d stderr %q", mixed.code, mixed.stderr)
			}
			good := mixed.report.Targets[1]
			if good.URL != "https://good.tld/" || good.Error != nil {
				t.Fatalf("second target %s, error %v", good.URL, good.Error)
			}
			if got, want := verdicts(good), verdicts(onlyTarget(t, alone)); got != want {
				t.Errorf("the good target's findings changed next to %s:\n got %s\nwant %s", b, got, want)
			}
			wantCode := gate.ExitOK // the hostile one sends good headers
			if b == hostile.Silent {
				wantCode = gate.ExitErrors
			}
			if mixed.code != wantCode {
				t.Errorf("exit %d, want %d", mixed.code, wantCode)
			}
		})
	}
}

// verdicts is every finding of tg as id[subject]=severity, in order.
func verdicts(tg *result.Target) string {
	var b strings.Builder
	for _, f := range tg.Findings {
		b.WriteString(f.ID + "[" + f.Subject + "]=" + f.Severity.String() + " ")
	}
	return b.String()
}

// -H headers (a token) go to the target host over HTTPS and nowhere else:
// not to another host a redirect leads to, not over plain HTTP, not on a
// downgrade to http on the same host.
func TestHostileSecretsStayHome(t *testing.T) {
	const token = "Bearer tok-4f9a1c"
	for _, b := range []hostile.Behaviour{hostile.RedirectOtherHost, hostile.RedirectDowngrade, hostile.CertSelfSigned} {
		t.Run(b.String(), func(t *testing.T) {
			t.Parallel()
			s, args := startHostile(t, b)
			o := runHostile(t, append(args, "-p", "modern", "-f", "json", "-H", "Authorization: "+token, "https://example.tld/")...)
			onlyTarget(t, o)
			if strings.Contains(o.stdout+o.stderr, "tok-4f9a1c") {
				t.Errorf("the token is in the output")
			}
			sent := 0
			for _, r := range s.Requests() {
				if r.Header.Get("Authorization") == "" {
					continue
				}
				sent++
				if r.Scheme != "https" || r.Host != hostile.Host || r.SNI != hostile.Host {
					t.Errorf("the token went to %s://%s%s (SNI %q)", r.Scheme, r.Host, r.Path, r.SNI)
				}
			}
			switch {
			case b == hostile.CertSelfSigned && sent > 0:
				// Whoever answers without a valid certificate may not be the host.
				t.Errorf("the token was sent %d times to a server whose certificate did not verify", sent)
			case b != hostile.CertSelfSigned && sent == 0:
				t.Errorf("the token never reached the target host: the test proves nothing")
			}
			if b == hostile.RedirectOtherHost && !reached(s, hostile.OtherHost) {
				t.Errorf("the redirect to %s was not followed: the test proves nothing", hostile.OtherHost)
			}
		})
	}
}

func reached(s *hostile.Server, host string) bool {
	for _, r := range s.Requests() {
		if r.Host == host {
			return true
		}
	}
	return false
}

// A redirect whose Location holds credentials: they are neither sent nor
// printed in any report.
func TestHostileUserinfoInRedirect(t *testing.T) {
	t.Parallel()
	s, args := startHostile(t, hostile.RedirectUserinfo)
	for _, format := range []string{"json", "table", "ndjson", "prometheus"} {
		o := runHostile(t, append(args, "-p", "modern", "-f", format, "https://example.tld/")...)
		if o.code == gate.ExitUsage || o.stdout == "" {
			t.Fatalf("%s: exit %d, stderr %q", format, o.code, o.stderr)
		}
		for _, r := range s.Requests() {
			if strings.HasPrefix(r.Header.Get("Authorization"), "Basic") {
				t.Errorf("the Location's credentials were sent to %s%s", r.Host, r.Path)
			}
		}
		if strings.Contains(o.stdout+o.stderr, hostile.Secret) {
			t.Errorf("%s: a redirect's userinfo is printed in the report", format)
		}
	}
}

// Credentials in a URL of a -i list are refused and never printed.
func TestHostileUserinfoInList(t *testing.T) {
	t.Parallel()
	_, args := startHostile(t, hostile.Good)
	var stdout, stderr bytes.Buffer
	list := "https://admin:pa55word-xyz@example.tld/\nhttps://example.tld/\n"
	code := run(context.Background(), append(args, "-p", "modern", "-f", "json", "-i", "-"), strings.NewReader(list), &stdout, &stderr)
	if code != gate.ExitErrors {
		t.Errorf("exit %d, want 3 (one line could not be scanned)", code)
	}
	if strings.Contains(stdout.String()+stderr.String(), "pa55word-xyz") {
		t.Errorf("the password is in the output")
	}
	var r result.Report
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil || len(r.Targets) != 2 {
		t.Fatalf("report: %v, %d targets", err, len(r.Targets))
	}
	if e := r.Targets[0].Error; e == nil || !strings.Contains(*e, "credentials") {
		t.Errorf("first target error %v, want credentials refused", e)
	}
	if r.Targets[1].Error != nil {
		t.Errorf("the clean line was not scanned: %s", *r.Targets[1].Error)
	}
}

// A server that offers only TLS 1.0, which every current browser refuses,
// is scanned, and the report must say so in a finding.
func TestHostileTLS10Only(t *testing.T) {
	t.Parallel()
	_, args := startHostile(t, hostile.TLS10Only)
	o := runHostile(t, append(args, "-p", "modern", "-f", "json", "https://example.tld/")...)
	tg := onlyTarget(t, o)
	if tg.Error != nil || tg.TLS == nil || tg.TLS.Version != "TLS 1.0" {
		t.Fatalf("error %v, tls %+v: want a scan over TLS 1.0", tg.Error, tg.TLS)
	}
	for _, f := range tg.Findings {
		if f.Severity >= finding.Warn && strings.Contains(f.Actual+f.Message, "TLS 1.0") {
			return
		}
	}
	t.Errorf("no finding says the server negotiated TLS 1.0: %v", ids(tg, finding.Fail))
}

// An https page that redirects to plain http loses every protection of its
// headers: the report must say so.
func TestHostileDowngradeRedirect(t *testing.T) {
	t.Parallel()
	_, args := startHostile(t, hostile.RedirectDowngrade)
	o := runHostile(t, append(args, "-p", "modern", "-f", "json", "https://example.tld/")...)
	tg := onlyTarget(t, o)
	if tg.Error != nil {
		t.Fatalf("target error %q", *tg.Error)
	}
	for _, f := range tg.Findings {
		if f.Severity >= finding.Warn && strings.Contains(f.Actual+f.Message, "http://example.tld/plain") {
			return
		}
	}
	t.Errorf("no finding names the downgrade to http://example.tld/plain: %v", ids(tg, finding.Fail))
}
