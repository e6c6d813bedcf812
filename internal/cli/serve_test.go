package cli

// Tests of `hardscan serve`, started as a user starts it and scraped as
// Prometheus scrapes it, against fixtures/vhost.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/hardscan/hardscan/fixtures/vhost"
	"github.com/hardscan/hardscan/scan/gate"
)

// syncBuffer is a stderr the test can read while serve writes it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServe runs `hardscan serve` with args on a free loopback port and
// returns its base URL; it stops when the test ends.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...), strings.NewReader(""), io.Discard, stderr)
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != gate.ExitOK {
			t.Errorf("serve exited %d on SIGTERM, want 0; stderr %q", code, stderr.String())
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if _, rest, ok := strings.Cut(stderr.String(), "listening on "); ok {
			return strings.TrimSuffix(strings.TrimSpace(rest), "/")
		}
		select {
		case code := <-done:
			done <- code
			t.Fatalf("serve exited %d: %s", code, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not say where it listens: %q", stderr.String())
	return ""
}

// scrape GETs base+path as Prometheus does, with its scrape timeout header.
func scrape(t *testing.T, base, path string, timeout time.Duration) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
	req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", fmt.Sprintf("%g", timeout.Seconds()))
	client := &http.Client{Timeout: timeout + 5*time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// families parses an exposition as Prometheus does, and lints it.
func families(t *testing.T, body string) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("not the text exposition format: %v\n%s", err, body)
	}
	problems, err := promlint.New(strings.NewReader(body)).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}
	return fams
}

// value is the value of name's series whose labels include want.
func value(fams map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.Metric {
		labels := map[string]string{}
		for _, l := range m.Label {
			labels[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if labels[k] != v {
				continue next
			}
		}
		if g := m.GetGauge(); g != nil {
			return g.GetValue(), true
		}
		return m.GetCounter().GetValue(), true
	}
	return 0, false
}

func probePath(target string, extra ...string) string {
	q := url.Values{"target": {target}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return "/probe?" + q.Encode()
}

func TestServeProbe(t *testing.T) {
	srv, args := monServer(t, vhost.Options{Delay: func(host string) time.Duration {
		switch {
		case strings.HasPrefix(host, "slow-c"):
			return 300 * time.Millisecond
		case strings.HasPrefix(host, "slow"):
			return 3 * time.Second
		}
		return 0
	}})
	args = removeFlag(args, "--no-progress")
	base := startServe(t, append(args, "--allow", "*.test", "--allow", "exact.example", "-c", "2", "--allow-net", "127.0.0.0/8")...)

	t.Run("a probe", func(t *testing.T) {
		code, body := scrape(t, base, probePath("a.test", "profile", "pleroma"), 10*time.Second)
		if code != http.StatusOK {
			t.Fatalf("status %d: %s", code, body)
		}
		fams := families(t, body)
		if v, ok := value(fams, "hardscan_scan_success", map[string]string{"url": "https://a.test/"}); !ok || v != 1 {
			t.Errorf("hardscan_scan_success = %v (%v)", v, ok)
		}
		if v, ok := value(fams, "hardscan_check_severity", map[string]string{"check": "hsts"}); !ok || v != 3 {
			t.Errorf("hsts severity = %v (%v), want 3 (fail) for a default Pleroma", v, ok)
		}
		if _, ok := value(fams, "hardscan_grade_score", nil); !ok {
			t.Errorf("no grade score")
		}
		if v, ok := value(fams, "hardscan_target_info", map[string]string{"profile": "pleroma"}); !ok || v != 1 {
			t.Errorf("profile=pleroma not applied")
		}
		promtoolMetrics(t, body)
	})

	t.Run("outside --allow", func(t *testing.T) {
		for _, target := range []string{"a.example", "https://exact.example.evil.test.org/", "127.0.0.1", "test"} {
			if code, body := scrape(t, base, probePath(target), 5*time.Second); code != http.StatusForbidden {
				t.Errorf("%s: status %d, want 403: %s", target, code, body)
			}
		}
		if code, _ := scrape(t, base, probePath("EXACT.example"), 2*time.Second); code == http.StatusForbidden {
			t.Errorf("exact.example is allowed, in any case")
		}
	})

	t.Run("bad requests", func(t *testing.T) {
		for _, p := range []string{"/probe", probePath("ftp://a.test/"), probePath("a.test", "profile", "/etc/passwd")} {
			if code, body := scrape(t, base, p, 5*time.Second); code != http.StatusBadRequest {
				t.Errorf("%s: status %d, want 400: %s", p, code, body)
			}
		}
	})

	t.Run("scrape timeout honoured", func(t *testing.T) {
		start := time.Now()
		code, body := scrape(t, base, probePath("slow1.test"), 1500*time.Millisecond)
		took := time.Since(start)
		if took > 1500*time.Millisecond {
			t.Errorf("answered after %s, past the 1.5 s scrape timeout", took)
		}
		if code != http.StatusOK {
			t.Fatalf("status %d: %s", code, body)
		}
		if v, ok := value(families(t, body), "hardscan_scan_success", nil); !ok || v != 0 {
			t.Errorf("a scan cut by the scrape timeout: success %v (%v), want 0", v, ok)
		}
	})

	t.Run("concurrent probes bounded", func(t *testing.T) {
		srv.Reset()
		var wg sync.WaitGroup
		codes := make([]int, 5)
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i], _ = scrape(t, base, probePath(fmt.Sprintf("slow-c%d.test", i), "profile", "pleroma"), 20*time.Second)
			}()
		}
		wg.Wait()
		if st := srv.Stats(); st.MaxActiveHosts > 2 || st.Hosts != 5 {
			t.Errorf("%d hosts in flight at once under -c 2 (%d hosts probed)", st.MaxActiveHosts, st.Hosts)
		}
		for i, c := range codes {
			if c != http.StatusOK {
				t.Errorf("probe %d: status %d", i, c)
			}
		}
	})

	t.Run("no state between probes", func(t *testing.T) {
		srv.Reset()
		_, first := scrape(t, base, probePath("same.test", "profile", "pleroma"), 10*time.Second)
		_, second := scrape(t, base, probePath("same.test", "profile", "modern"), 10*time.Second)
		_, third := scrape(t, base, probePath("same.test", "profile", "pleroma"), 10*time.Second)
		if st := srv.Host("same.test"); st.Handshakes != 3 {
			t.Errorf("%d TLS handshakes for 3 probes: a connection outlived its probe", st.Handshakes)
		}
		if checks(t, first) != checks(t, third) {
			t.Errorf("the same probe answered differently after another:\n%s\n%s", checks(t, first), checks(t, third))
		}
		if checks(t, first) == checks(t, second) {
			t.Errorf("profile=modern was judged as pleroma")
		}
	})

	t.Run("own metrics and page", func(t *testing.T) {
		code, body := scrape(t, base, "/metrics", 5*time.Second)
		if code != http.StatusOK {
			t.Fatalf("/metrics status %d", code)
		}
		fams := families(t, body)
		if v, ok := value(fams, "hardscan_exporter_probes_total", map[string]string{"result": "denied"}); !ok || v < 4 {
			t.Errorf("denied probes counted %v (%v), want at least 4", v, ok)
		}
		if v, _ := value(fams, "hardscan_exporter_max_probes", nil); v != 2 {
			t.Errorf("max probes %v, want 2", v)
		}
		promtoolMetrics(t, body)
		if code, body := scrape(t, base, "/", 5*time.Second); code != http.StatusOK || !strings.Contains(body, "/probe?target=") {
			t.Errorf("/: status %d: %s", code, body)
		}
	})
}

// checks is the hardscan_check_severity series of an exposition, as text.
func checks(t *testing.T, body string) string {
	var lines []string
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, "hardscan_check_severity{") {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

func removeFlag(args []string, flag string) []string {
	var out []string
	for _, a := range args {
		if a != flag {
			out = append(out, a)
		}
	}
	return out
}

// promtoolMetrics runs Debian's promtool over an exposition when it is
// installed.
func promtoolMetrics(t *testing.T, body string) {
	t.Helper()
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Log("promtool not installed (Debian package prometheus): skipping promtool check metrics")
		return
	}
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(body)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}

func TestServeUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve"}, "--allow"},
		{[]string{"serve", "--allow", "[x"}, "--allow"},
		{[]string{"serve", "--allow", "*", "-c", "0"}, "--concurrency"},
		{[]string{"serve", "--allow", "*", "extra"}, "no arguments"},
		{[]string{"serve", "--allow", "*", "--listen", "256.0.0.1:1"}, "--listen"},
	} {
		o := runArgs(t, tc.args...)
		if o.code != gate.ExitUsage || !strings.Contains(o.stderr, tc.want) || strings.Count(o.stderr, "hardscan: ") != 1 {
			t.Errorf("%q: exit %d, stderr %q; want 2 and one line naming %s", tc.args, o.code, o.stderr, tc.want)
		}
	}
}
