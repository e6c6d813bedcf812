package cli

// Tests of what `hardscan serve` may reach: the hosts --allow matches,
// read as a browser reads them, no special-purpose address unless opened,
// and no redirect to a host --allow does not match. Every target is on
// loopback or refused before any packet is sent.

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hardscan/hardscan/internal/serve"
	"github.com/hardscan/hardscan/scan"
	"github.com/hardscan/hardscan/scan/gate"
)

// dialRecorder is a Guard asked after serve's address policy: it records
// every connection the policy let through and refuses it, or any address
// outside loopback, so that these tests never send a packet anywhere.
type dialRecorder struct {
	mu    sync.Mutex
	addrs []string
}

func (d *dialRecorder) guard(_ context.Context, ap netip.AddrPort) error {
	d.mu.Lock()
	d.addrs = append(d.addrs, ap.String())
	d.mu.Unlock()
	return errors.New("test: connection recorded, not made")
}

func (d *dialRecorder) take() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := d.addrs
	d.addrs = nil
	return out
}

// TestServeTargetForms: each way of writing a host either matches --allow
// for the host a browser would connect to, and is scanned there, or is
// refused (400 for what a browser would not read so, 403 for another host).
func TestServeTargetForms(t *testing.T) {
	rec := &dialRecorder{}
	srv, err := serve.New(serve.Config{
		Allow:     []string{"allowed.test", "*.example.org", "127.0.0.1", "[::1]", "bücher.test"},
		MaxProbes: 4,
		Version:   "test",
		AllowNets: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")},
		Scan: scan.Options{Timeout: 2 * time.Second, BackendPort: 0, Guard: rec.guard, Resolve: []string{
			"allowed.test:*:127.0.0.2", "a.example.org:*:127.0.0.3", "xn--bcher-kva.test:*:127.0.0.4",
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	for _, tc := range []struct {
		target string
		status int    // 200: scanned
		dial   string // for 200: the address the root GET connects to
	}{
		{"https://allowed.test/", 200, "127.0.0.2:443"},
		{"allowed.test", 200, "127.0.0.2:443"},
		{"HTTPS://ALLOWED.TEST/", 200, "127.0.0.2:443"},
		{"https://allowed.test./", 200, "127.0.0.2:443"},
		{"https://allowed.test:0443/", 200, "127.0.0.2:443"},
		{"https://allowed.test:8443/x?y=1", 200, "127.0.0.2:8443"},
		{"https://ａｌｌｏｗｅｄ.ｔｅｓｔ/", 200, "127.0.0.2:443"}, // fullwidth: UTS #46 maps it to ASCII
		{"https://allowed。test/", 200, "127.0.0.2:443"}, // ideographic full stop
		{"https://bücher.test/", 200, "127.0.0.4:443"},
		{"https://xn--bcher-kva.test/", 200, "127.0.0.4:443"},
		{"https://a.example.org/", 200, "127.0.0.3:443"},
		{"https://127.0.0.1/", 200, "127.0.0.1:443"},
		{"https://2130706433/", 200, "127.0.0.1:443"}, // the URL Standard's IPv4 forms
		{"https://0x7f.1/", 200, "127.0.0.1:443"},
		{"https://0177.0.0.1/", 200, "127.0.0.1:443"},
		{"https://127.1/", 200, "127.0.0.1:443"},
		{"https://[::1]/", 200, "[::1]:443"},
		{"https://[0:0:0:0:0:0:0:1]:8443/", 200, "[::1]:8443"},

		{"https://evil@allowed.test/", 400, ""},
		{"https://allowed.test@evil.test/", 400, ""},
		{"https://allowed.test:443@evil.test/", 400, ""},
		{"https://evil.test\\@allowed.test/", 400, ""},
		{"https://%61llowed.test/", 400, ""},
		{"https://allowed%2etest/", 400, ""},
		{"https://[fe80::1%25eth0]/", 400, ""},
		{"https://[::1%25lo]/", 400, ""},
		{"https://allowed.test:0/", 400, ""},
		{"https://allowed.test:65536/", 400, ""},
		{"https://allowed.test:99999999999999999999/", 400, ""},
		{"https://0x7f.0.0.256/", 400, ""},
		{"https://1.2.3.4.5/", 400, ""},
		{"https://allowed.09/", 400, ""}, // ends in a number (to a browser), not a valid one
		{"https://foo.0x/", 400, ""},

		{"https://evil.test#@allowed.test/", 403, ""},
		{"https://evil.test?@allowed.test/", 403, ""},
		{"https://allowed.test.evil.test/", 403, ""},
		{"https://evilallowed.test/", 403, ""},
		{"https://аllowed.test/", 403, ""}, // Cyrillic а: xn--llowed-2nf.test
		{"https://xn--llowed-2nf.test/", 403, ""},
		{"https://example.org/", 403, ""},
		{"https://a.example.org.evil.test/", 403, ""},
		{"https://[::ffff:127.0.0.1]/", 403, ""}, // another host than 127.0.0.1 to --allow
		{"https://127.0.0.2/", 403, ""},
		{"https://2130706434/", 403, ""},
		{"https://127.0.0.0x/", 403, ""}, // 127.0.0.0 to a browser
	} {
		t.Run(tc.target, func(t *testing.T) {
			rec.take()
			req := httptest.NewRequest("GET", "/probe?"+url.Values{"target": {tc.target}}.Encode(), nil)
			req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "2")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			dials := rec.take()
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.status, w.Body)
			}
			if tc.status != 200 {
				if len(dials) > 0 {
					t.Errorf("refused, yet dialed %v", dials)
				}
				if !strings.HasPrefix(w.Body.String(), "hardscan: ") {
					t.Errorf("message %q", w.Body)
				}
				return
			}
			if !slices.Contains(dials, tc.dial) {
				t.Errorf("dialed %v, want %s among them", dials, tc.dial)
			}
			want, _ := netip.ParseAddrPort(tc.dial)
			for _, d := range dials {
				if ap, _ := netip.ParseAddrPort(d); ap.Addr() != want.Addr() {
					t.Errorf("dialed %s too: another host than the one matched", d)
				}
			}
		})
	}
}

// TestServeRefusesSpecialAddresses: an allowed name that resolves to the
// exporter's own machine or network is refused, with the reason in the
// exporter's metrics, unless --allow-private or --allow-net opens it.
func TestServeRefusesSpecialAddresses(t *testing.T) {
	t.Run("loopback forms", func(t *testing.T) {
		for _, tc := range []struct{ addr, reason string }{
			{"127.0.0.1", "loopback"}, {"[::1]", "loopback"}, {"[::ffff:127.0.0.1]", "loopback"},
		} {
			base := startServe(t, "--allow", "allowed.test", "--resolve", "allowed.test:443:"+tc.addr, "--resolve", "allowed.test:80:"+tc.addr)
			code, body := scrape(t, base, probePath("allowed.test"), 5*time.Second)
			if code != http.StatusForbidden || !strings.Contains(body, tc.reason) || !strings.Contains(body, "--allow-private") {
				t.Errorf("%s: status %d, %q; want 403 naming %s and --allow-private", tc.addr, code, body, tc.reason)
			}
			_, m := scrape(t, base, "/metrics", 5*time.Second)
			fams := families(t, m)
			if v, _ := value(fams, "hardscan_exporter_probes_refused_total", map[string]string{"reason": tc.reason}); v != 1 {
				t.Errorf("%s: refused{reason=%s} = %v, want 1", tc.addr, tc.reason, v)
			}
			if v, _ := value(fams, "hardscan_exporter_probes_total", map[string]string{"result": "refused"}); v != 1 {
				t.Errorf("%s: probes{result=refused} = %v, want 1", tc.addr, v)
			}
		}
	})

	// 10.0.0.1 and 169.254.169.254 are off the machine: the policy must
	// refuse them before the recorder, which stands where the connect would
	// be, is ever asked.
	t.Run("off-machine addresses never dialed", func(t *testing.T) {
		for _, tc := range []struct{ addr, reason string }{
			{"10.0.0.1", "private"}, {"169.254.169.254", "link-local"}, {"100.64.0.1", "cgnat"}, {"[fd00::1]", "private"}, {"[fe80::1]", "link-local"},
		} {
			rec := &dialRecorder{}
			srv, err := serve.New(serve.Config{Allow: []string{"allowed.test"}, MaxProbes: 1, Version: "test",
				Scan: scan.Options{Timeout: 2 * time.Second, BackendPort: 4000, Guard: rec.guard, Resolve: []string{"allowed.test:*:" + tc.addr}}})
			if err != nil {
				t.Fatal(err)
			}
			w := httptest.NewRecorder()
			srv.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/probe?target=allowed.test", nil))
			if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), tc.reason) {
				t.Errorf("%s: status %d, %q", tc.addr, w.Code, w.Body)
			}
			if d := rec.take(); len(d) > 0 {
				t.Errorf("%s: the policy let %v through to the dial", tc.addr, d)
			}
			mw := httptest.NewRecorder()
			srv.Handler().ServeHTTP(mw, httptest.NewRequest("GET", "/metrics", nil))
			if !strings.Contains(mw.Body.String(), `hardscan_exporter_probes_refused_total{reason="`+tc.reason+`"} 1`) {
				t.Errorf("%s: metrics do not count the refusal as %s:\n%s", tc.addr, tc.reason, mw.Body)
			}
		}
	})

	t.Run("opened", func(t *testing.T) {
		srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
		defer srv.Close()
		port := srv.Listener.Addr().(interface{ String() string }).String()
		_, p, _ := strings.Cut(port, ":")
		for _, open := range [][]string{{"--allow-private"}, {"--allow-net", "127.0.0.0/8"}, {"--allow-net", "127.0.0.1"}} {
			base := startServe(t, append(open, "-k", "--allow", "allowed.test", "--backend-port", "0", "--resolve", "allowed.test:443:127.0.0.1:"+p)...)
			code, body := scrape(t, base, probePath("allowed.test"), 5*time.Second)
			if v, ok := value(families(t, body), "hardscan_scan_success", nil); code != http.StatusOK || !ok || v != 1 {
				t.Errorf("%v: status %d, success %v: %s", open, code, v, body)
			}
		}
		base := startServe(t, "-k", "--allow", "allowed.test", "--allow-net", "10.0.0.0/8", "--resolve", "allowed.test:443:127.0.0.1:"+p)
		if code, _ := scrape(t, base, probePath("allowed.test"), 5*time.Second); code != http.StatusForbidden {
			t.Errorf("--allow-net 10.0.0.0/8 opened 127.0.0.1: status %d", code)
		}
	})

	t.Run("usage", func(t *testing.T) {
		for _, bad := range []string{"10.0.0.0/33", "example.org", "fe80::1%eth0"} {
			o := runArgs(t, "serve", "--allow", "*", "--allow-net", bad)
			if o.code != gate.ExitUsage || !strings.Contains(o.stderr, "--allow-net") || strings.Count(o.stderr, "hardscan: ") != 1 {
				t.Errorf("--allow-net %s: exit %d, %q", bad, o.code, o.stderr)
			}
		}
	})
}

// TestServeRedirectOutsideAllow is the exporter turned on its operator's
// network by a redirect: allowed.test answers 302 to internal.test, which
// --allow does not match. The probe reports where the redirect leads and
// never requests it.
func TestServeRedirectOutsideAllow(t *testing.T) {
	var mu sync.Mutex
	hosts := map[string]int{}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hosts[r.Host+r.URL.Path]++
		mu.Unlock()
		if r.Host == "allowed.test" && r.URL.Path == "/" {
			http.Redirect(w, r, "https://internal.test/secret", http.StatusFound)
		}
	}))
	defer srv.Close()
	_, p, _ := strings.Cut(srv.Listener.Addr().String(), ":")
	base := startServe(t, "-k", "--allow", "allowed.test", "--allow-net", "127.0.0.0/8", "--backend-port", "0",
		"--resolve", "allowed.test:443:127.0.0.1:"+p, "--resolve", "internal.test:443:127.0.0.1:"+p)
	code, body := scrape(t, base, probePath("allowed.test"), 5*time.Second)
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	fams := families(t, body)
	if v, ok := value(fams, "hardscan_check_severity", map[string]string{"check": "redirect.stopped", "subject": "https"}); !ok || v != 1 {
		t.Errorf("redirect.stopped severity %v (%v), want 1 (info): %s", v, ok, body)
	}
	mu.Lock()
	if n := hosts["internal.test/secret"]; n != 0 {
		t.Errorf("the exporter requested internal.test %d times", n)
	}
	if hosts["allowed.test/"] < 1 {
		t.Errorf("allowed.test was not scanned: %v", hosts)
	}
	mu.Unlock()
	_, m := scrape(t, base, "/metrics", 5*time.Second)
	if v, _ := value(families(t, m), "hardscan_exporter_probes_refused_total", map[string]string{"reason": "outside-allow"}); v != 1 {
		t.Errorf("refused{reason=outside-allow} = %v, want 1", v)
	}

	// The CLI follows: there the user chose the target.
	o := runArgs(t, "-k", "--resolve", "allowed.test:443:127.0.0.1:"+p, "--resolve", "internal.test:443:127.0.0.1:"+p, "--backend-port", "0", "--no-progress", "-f", "json", "https://allowed.test/")
	_ = o
	mu.Lock()
	defer mu.Unlock()
	if hosts["internal.test/secret"] == 0 {
		t.Errorf("the CLI did not follow the redirect (exit %d, %s)", o.code, o.stderr)
	}
}
