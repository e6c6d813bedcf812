// Command exporter measures `hardscan serve` under a burst of probes of a
// target that accepts connections and never answers: whether every probe
// answers within its scrape timeout, how long /metrics takes meanwhile, and
// the exporter's peak RSS and open descriptors.
//
//	go run ./bench/exporter -n 500 -c 8 -scrape 5s
//
// It builds hardscan, starts `hardscan serve` as a child process on
// loopback (so that the RSS and descriptors are the exporter's own), and
// serves the hanging target itself.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	n := flag.Int("n", 500, "probes sent at once")
	conc := flag.Int("c", 8, "the exporter's --concurrency")
	scrape := flag.Duration("scrape", 5*time.Second, "the scrape timeout each probe sends")
	flag.Parse()
	if err := run(*n, *conc, *scrape); err != nil {
		fmt.Fprintf(os.Stderr, "bench exporter: %v\n", err)
		os.Exit(1)
	}
}

func run(n, conc int, scrape time.Duration) error {
	dir, err := os.MkdirTemp("", "hardscan-bench-exporter-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "hardscan")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/hardscan/hardscan").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}

	hang, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer hang.Close()
	var held atomic.Int64
	go func() {
		for {
			c, err := hang.Accept()
			if err != nil {
				return
			}
			held.Add(1)
			go func() {
				_, _ = io.Copy(io.Discard, c)
				_ = c.Close()
				held.Add(-1)
			}()
		}
	}()
	to := hang.Addr().String()

	cmd := exec.Command(bin, "serve", "--listen", "127.0.0.1:0", "--allow", "hang.test", "--allow-net", "127.0.0.0/8",
		"-c", strconv.Itoa(conc), "--resolve", "hang.test:443:"+to, "--resolve", "hang.test:80:"+to, "--resolve", "hang.test:4000:"+to)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	sc := bufio.NewScanner(stderr)
	var base string
	for sc.Scan() {
		if _, rest, ok := strings.Cut(sc.Text(), "listening on "); ok {
			base = strings.TrimSuffix(strings.TrimSpace(rest), "/")
			break
		}
	}
	if base == "" {
		return fmt.Errorf("serve did not say where it listens")
	}
	go func() { _, _ = io.Copy(io.Discard, stderr) }()
	pid := cmd.Process.Pid

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n + 16, MaxConnsPerHost: 0}, Timeout: scrape + 10*time.Second}
	stop := make(chan struct{})
	var (
		mu       sync.Mutex
		metrics  []time.Duration
		mErrs    int
		peakFDs  int
		samplers sync.WaitGroup
	)
	samplers.Add(2)
	go func() { // the exporter's own metrics, as a second Prometheus job scrapes them
		defer samplers.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			start := time.Now()
			code, err := fetch(client, base+"/metrics", 0)
			mu.Lock()
			if err != nil || code != 200 {
				mErrs++
			} else {
				metrics = append(metrics, time.Since(start))
			}
			mu.Unlock()
		}
	}()
	go func() {
		defer samplers.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			if ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid)); err == nil {
				mu.Lock()
				peakFDs = max(peakFDs, len(ents))
				mu.Unlock()
			}
		}
	}()
	time.Sleep(200 * time.Millisecond)
	fdsBefore := countFDs(pid)

	var wg sync.WaitGroup
	took := make([]time.Duration, n)
	codes := make([]int, n)
	errs := make([]error, n)
	start := time.Now()
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			codes[i], errs[i] = fetch(client, base+"/probe?target=hang.test", scrape)
			took[i] = time.Since(t0)
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	time.Sleep(300 * time.Millisecond)
	close(stop)
	samplers.Wait()
	client.CloseIdleConnections()
	time.Sleep(500 * time.Millisecond)

	byCode := map[int]int{}
	late, failed := 0, 0
	for i := range n {
		switch {
		case errs[i] != nil:
			failed++
		case took[i] > scrape:
			late++
		}
		byCode[codes[i]]++
	}
	slices.Sort(took)
	slices.Sort(metrics)
	fmt.Printf("probes: %d at once, -c %d, scrape timeout %s; all answered in %s\n", n, conc, scrape, wall.Round(time.Millisecond))
	fmt.Printf("  statuses: %v; late (past the scrape timeout): %d; failed: %d\n", byCode, late, failed)
	fmt.Printf("  probe latency: p50 %s, p99 %s, max %s\n", pctl(took, 0.5), pctl(took, 0.99), pctl(took, 1))
	fmt.Printf("/metrics: %d scrapes (%d errors) during the burst: p50 %s, p99 %s, max %s\n", len(metrics), mErrs, pctl(metrics, 0.5), pctl(metrics, 0.99), pctl(metrics, 1))
	if secs, probes, err := ownTime(client, base); err == nil && probes > 0 {
		fmt.Printf("  the exporter's own time per probe (hardscan_exporter_probe_seconds_total / probes): %.3fs\n", secs/probes)
	}
	fmt.Printf("exporter: peak RSS %d KiB; descriptors %d before, peak %d, %d after; connections still held by the target: %d\n",
		vmHWM(pid), fdsBefore, peakFDs, countFDs(pid), held.Load())
	return nil
}

// ownTime reads the exporter's time spent probing and its probes answered.
func ownTime(client *http.Client, base string) (secs, probes float64, err error) {
	resp, err := client.Get(base + "/metrics")
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, 0, err
	}
	for _, l := range strings.Split(string(raw), "\n") {
		name, v, ok := strings.Cut(l, " ")
		if !ok || strings.HasPrefix(l, "#") {
			continue
		}
		f, _ := strconv.ParseFloat(v, 64)
		switch {
		case name == "hardscan_exporter_probe_seconds_total":
			secs = f
		case strings.HasPrefix(name, "hardscan_exporter_probes_total{"):
			probes += f
		}
	}
	return secs, probes, nil
}

func fetch(client *http.Client, url string, scrape time.Duration) (int, error) {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return 0, err
	}
	if scrape > 0 {
		req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", strconv.FormatFloat(scrape.Seconds(), 'f', -1, 64))
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}

func pctl(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	i := int(p*float64(len(d))+0.5) - 1
	return d[min(max(i, 0), len(d)-1)].Round(100 * time.Microsecond)
}

func countFDs(pid int) int {
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return -1
	}
	return len(ents)
}

// vmHWM is a process's peak resident set, in KiB.
func vmHWM(pid int) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb
		}
	}
	return -1
}
