package serve

// The exporter under load and abuse, on loopback: probes of a target that
// accepts connections and never answers, clients that send their headers
// one byte at a time, and requests too large to read. Each test is bounded
// in connections and in seconds.

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hardscan/hardscan/scan"
)

func parseURL(s string) (*url.URL, error) {
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	return url.Parse(s)
}

// startExporter serves cfg on a free loopback port until the test ends.
func startExporter(t *testing.T, cfg Config) (string, *Server) {
	t.Helper()
	cfg.Version = "test"
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String(), s
}

// hangingTarget accepts connections and never answers them; it counts
// those open now and the most open at once.
type hangingTarget struct {
	ln         net.Listener
	open, peak atomic.Int64
}

func startHanging(t *testing.T) *hangingTarget {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &hangingTarget{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n := h.open.Add(1)
			for p := h.peak.Load(); n > p && !h.peak.CompareAndSwap(p, n); p = h.peak.Load() {
			}
			go func() {
				_, _ = io.Copy(io.Discard, c) // until the exporter hangs up
				_ = c.Close()
				h.open.Add(-1)
			}()
		}
	}()
	t.Cleanup(func() { _ = ln.Close() })
	return h
}

func openFDs() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents)
}

// get fetches base+path within limit, with Prometheus' scrape timeout
// header when scrape is set.
func get(client *http.Client, url string, scrape time.Duration) (int, string, time.Duration, error) {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return 0, "", 0, err
	}
	if scrape > 0 {
		req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", strconv.FormatFloat(scrape.Seconds(), 'f', -1, 64))
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", time.Since(start), err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), time.Since(start), err
}

// gauge reads one unlabelled sample of an exposition.
func gauge(body, name string) (float64, bool) {
	for _, l := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(l, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			return f, err == nil
		}
	}
	return 0, false
}

// TestHangingTarget: many probes at once of a target that never answers
// keep to -c, each answers within its scrape timeout, /metrics answers
// throughout, and when they are over the connections, goroutines and
// descriptors they took are given back.
func TestHangingTarget(t *testing.T) {
	// The offset leaves two seconds for connecting, reading and answering:
	// the test shares a small machine with the race detector and other
	// packages' tests, as an exporter on a loaded machine is run with a
	// larger --timeout-offset. The exporter's own time is checked against
	// the budget itself.
	const (
		probes    = 40
		maxProbes = 4
		scrape    = 3 * time.Second
		offset    = 2 * time.Second
		budget    = scrape - offset
	)
	hang := startHanging(t)
	port := hang.ln.Addr().(*net.TCPAddr).Port
	rule := fmt.Sprintf("hang.test:*:127.0.0.1:%d", port)
	baseG, baseFD := runtime.NumGoroutine(), openFDs()
	base, _ := startExporter(t, Config{Allow: []string{"hang.test"}, MaxProbes: maxProbes, TimeoutOffset: offset,
		AllowNets: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, Scan: scan.Options{Timeout: 5 * time.Second, BackendPort: 4000, Resolve: []string{rule}}})
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: probes + 10}}
	defer client.CloseIdleConnections()

	stop := make(chan struct{})
	var metricsWorst time.Duration
	var metricsN int
	var inFlightPeak float64
	var metricsErr error
	var mwg sync.WaitGroup
	mwg.Add(1)
	go func() {
		defer mwg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			code, body, took, err := get(client, base+"/metrics", 0)
			if err != nil || code != 200 {
				metricsErr = fmt.Errorf("/metrics: %d, %v", code, err)
				return
			}
			metricsN++
			metricsWorst = max(metricsWorst, took)
			if v, ok := gauge(body, "hardscan_exporter_probes_in_flight"); ok {
				inFlightPeak = max(inFlightPeak, v)
			}
		}
	}()

	var wg sync.WaitGroup
	var late, failed, scanned, busy atomic.Int64
	var slowest atomic.Int64
	for range probes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, _, took, err := get(client, base+"/probe?target=hang.test", scrape)
			for s := slowest.Load(); int64(took) > s && !slowest.CompareAndSwap(s, int64(took)); s = slowest.Load() {
			}
			switch {
			case err != nil:
				failed.Add(1)
			case took > scrape:
				late.Add(1)
			}
			switch code {
			case http.StatusOK:
				scanned.Add(1)
			case http.StatusServiceUnavailable:
				busy.Add(1)
			}
		}()
	}
	wg.Wait()
	close(stop)
	mwg.Wait()

	if failed.Load() > 0 || late.Load() > 0 {
		t.Errorf("of %d probes, %d failed and %d answered after the %s scrape timeout (the slowest in %s)", probes, failed.Load(), late.Load(), scrape, time.Duration(slowest.Load()))
	}
	if scanned.Load()+busy.Load() != probes || scanned.Load() < maxProbes {
		t.Errorf("%d scanned (200) and %d busy (503) of %d", scanned.Load(), busy.Load(), probes)
	}
	// A second and a half: /metrics must never wait for a scan, and the
	// race detector on a loaded machine costs some hundreds of ms.
	if metricsErr != nil || metricsN == 0 || metricsWorst > 1500*time.Millisecond {
		t.Errorf("/metrics during the probes: %d answers, the slowest in %s (%v)", metricsN, metricsWorst, metricsErr)
	}
	if inFlightPeak > maxProbes {
		t.Errorf("%v scans in flight at once under -c %d", inFlightPeak, maxProbes)
	}
	// A probe opens a few connections of its own (the two roots, the error
	// page, plain HTTP, the backend port): never more than -c probes' worth.
	if p := hang.peak.Load(); p > maxProbes*8 {
		t.Errorf("%d connections to the target at once under -c %d", p, maxProbes)
	}

	_, body, _, err := get(client, base+"/metrics", 0)
	if err != nil {
		t.Fatal(err)
	}
	secs, ok := gauge(body, "hardscan_exporter_probe_seconds_total")
	if mean := time.Duration(secs / probes * float64(time.Second)); !ok {
		t.Errorf("no hardscan_exporter_probe_seconds_total in /metrics")
	} else if mean > budget+budget/4 {
		t.Errorf("the exporter spent %s a probe on average, past its %s budget", mean, budget)
	}

	client.CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) && (hang.open.Load() > 0 || runtime.NumGoroutine() > baseG+20 || openFDs() > baseFD+20) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := hang.open.Load(); n > 0 {
		t.Errorf("%d connections to the hanging target still open after the probes", n)
	}
	if g := runtime.NumGoroutine(); g > baseG+20 {
		t.Errorf("%d goroutines after the probes, %d before", g, baseG)
	}
	if fd := openFDs(); fd > baseFD+20 {
		t.Errorf("%d descriptors open after the probes, %d before", fd, baseFD)
	}
	t.Logf("slowest probe %s; %d scanned, %d busy; /metrics %d times, slowest %s; peak %d connections to the target", time.Duration(slowest.Load()), scanned.Load(), busy.Load(), metricsN, metricsWorst, hang.peak.Load())
}

// slowClient opens a connection and sends a request's head one byte at a
// time, every gap, until the server hangs up; closed receives how long it
// stayed open.
func slowClient(addr string, gap time.Duration, closed chan<- time.Duration, stop <-chan struct{}) {
	start := time.Now()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		closed <- 0
		return
	}
	defer c.Close()
	head := "GET /metrics HTTP/1.1\r\nHost: exporter\r\nX-Slow: " + strings.Repeat("a", 1<<12)
	for i := 0; ; i++ {
		select {
		case <-stop:
			closed <- -1
			return
		case <-time.After(gap):
		}
		_ = c.SetWriteDeadline(time.Now().Add(time.Second))
		if _, err := c.Write([]byte{head[i%len(head)]}); err != nil {
			closed <- time.Since(start)
			return
		}
		_ = c.SetReadDeadline(time.Now().Add(time.Millisecond))
		var b [1]byte
		if _, err := c.Read(b[:]); err != nil && !isTimeout(err) {
			closed <- time.Since(start)
			return
		}
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// TestSlowloris: clients that drip their headers are cut off at the header
// timeout, and while they hold connections /metrics still answers: at once
// while they are fewer than the connection cap, within the header timeout
// when they fill it.
func TestSlowloris(t *testing.T) {
	const (
		maxConns = 32
		timeout  = time.Second
	)
	base, _ := startExporter(t, Config{Allow: []string{"example.org"}, MaxProbes: 1, MaxConns: maxConns, HeaderTimeout: timeout})
	addr := strings.TrimPrefix(base, "http://")
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}

	for _, tc := range []struct {
		name   string
		slow   int
		within time.Duration // a /metrics answer's bound while they drip
	}{
		// Half a second of headroom for a loaded machine; beyond the cap
		// it stays under the time the slow clients hold the slots.
		{"below the cap", maxConns - 4, 1500 * time.Millisecond},
		{"beyond the cap", maxConns + 16, timeout + 1500*time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stop := make(chan struct{})
			closed := make(chan time.Duration, tc.slow)
			for range tc.slow {
				go slowClient(addr, 20*time.Millisecond, closed, stop)
			}
			time.Sleep(100 * time.Millisecond)
			var worst time.Duration
			for range 8 {
				code, _, took, err := get(client, base+"/metrics", 0)
				if err != nil || code != 200 {
					t.Fatalf("/metrics under slowloris: %d, %v", code, err)
				}
				worst = max(worst, took)
				time.Sleep(150 * time.Millisecond)
			}
			if worst > tc.within {
				t.Errorf("/metrics took up to %s with %d slow clients, want within %s", worst, tc.slow, tc.within)
			}
			// Every slow client is cut off: those over the cap wait to be
			// accepted, then get the header timeout of their own.
			bound := time.Duration((tc.slow+maxConns-1)/maxConns)*timeout + time.Second
			wait := time.After(bound + time.Second)
			for i := range tc.slow {
				select {
				case d := <-closed:
					if d <= 0 || d > bound {
						t.Errorf("slow client %d: open for %s, want cut off within %s", i, d, bound)
					}
				case <-wait:
					close(stop)
					t.Fatalf("%d of %d slow clients still connected after %s", tc.slow-i, tc.slow, bound+time.Second)
				}
			}
			close(stop)
		})
	}
}

// TestRequestLimits: a request line or headers too large get 414 and 431,
// and the exporter goes on serving.
func TestRequestLimits(t *testing.T) {
	base, _ := startExporter(t, Config{Allow: []string{"example.org"}, MaxProbes: 1})
	client := &http.Client{Timeout: 5 * time.Second}
	do := func(path string, header string) int {
		t.Helper()
		req, err := http.NewRequest("GET", base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if header != "" {
			req.Header.Set("X-Big", header)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("GET %.40s...: %v", path, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, tc := range []struct {
		name         string
		path, header string
		want         int
	}{
		{"long query", "/probe?target=" + strings.Repeat("a", 12<<10), "", http.StatusRequestURITooLong},
		{"long path", "/" + strings.Repeat("p", 12<<10), "", http.StatusRequestURITooLong},
		{"huge query", "/probe?target=" + strings.Repeat("a", 100<<10), "", http.StatusRequestHeaderFieldsTooLarge},
		{"huge header", "/metrics", strings.Repeat("h", 64<<10), http.StatusRequestHeaderFieldsTooLarge},
		{"fine", "/metrics", strings.Repeat("h", 1<<10), http.StatusOK},
	} {
		if got := do(tc.path, tc.header); got != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, got, tc.want)
		}
	}
}
