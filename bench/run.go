package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hardscan/hardscan/fixtures/vhost"
	"github.com/hardscan/hardscan/internal/probe"
)

// modes are the servers the throughput and latency modes measure, in order.
var modes = []struct {
	name, about string
}{
	{"h1", "the Go replica, HTTPS over HTTP/1.1 only (ALPN http/1.1)"},
	{"h2", "the Go replica, HTTPS over HTTP/2"},
	{"nginx", "Debian's nginx, HTTPS over HTTP/2 (`listen ssl http2`), one server block a vhost"},
}

// startLab starts the server of a mode; vhosts is nginx's number of server
// blocks. For nginx when it is not installed the error is errNoNginx.
func startLab(mode, dir string, vhosts int) (lab, error) {
	switch mode {
	case "h1", "h2":
		return startGoLab(dir, mode == "h1", "")
	case "mastodon", "mastodon-h1":
		return startGoLab(dir, mode == "mastodon-h1", "mastodon-default")
	case "nginx":
		bin := nginxBinary()
		if bin == "" {
			return nil, errNoNginx
		}
		return startNginx(bin, dir, vhosts)
	}
	return nil, fmt.Errorf("mode %q: want h1, h2, nginx or memory", mode)
}

// bar is one goal and what was measured against it.
type bar struct {
	what, goal string
	got        float64
	ok         bool
}

func printBars(bars []bar) {
	if len(bars) == 0 {
		return
	}
	fmt.Printf("\n%-62s %8s  %-8s %s\n", "bar", "measured", "goal", "")
	for _, b := range bars {
		mark := "PASS"
		if !b.ok {
			mark = "FAIL"
		}
		fmt.Printf("%-62s %8.2f  %-8s %s\n", b.what, b.got, b.goal, mark)
	}
}

// throughputMain scans n targets with hardscan and with the bare loop,
// once each to warm the server up, then runs times each, taking turns at
// going first, against each mode's server, and compares
// throughput (median of the runs' ratios), requests and TLS handshakes a
// target, both counted by the server.
func throughputMain(modeNames []string, ns []int, conc, runs int, prof string, keep bool) error {
	dir, bin, cleanup, err := prepare(keep)
	if err != nil {
		return err
	}
	defer cleanup()
	self, err := os.Executable()
	if err != nil {
		return err
	}
	recipe, err := floorRecipe(bin, prof)
	if err != nil {
		return err
	}
	fmt.Printf("setup: targets %s, concurrency -c %d, hardscan -p %s --backend-port 0 -f ndjson, a warm-up run each, then %d runs each (in turn: hardscan first, then the bare loop first), %d CPUs\n",
		joinInts(ns), conc, prof, runs, runtime.NumCPU())
	fmt.Printf("bare loop: %s a target (what the verdicts need for a site without a CSP nonce), one connection a host per transport\n", strings.Join(recipe, ", "))
	var bars []bar
	for _, m := range modeNames {
		l, err := startLab(m, dir, slices.Max(ns))
		if errors.Is(err, errNoNginx) {
			fmt.Printf("\n[%s] %v\n", m, err)
			continue
		}
		if err != nil {
			return err
		}
		fmt.Printf("\n[%s] %s\n", m, l.describe())
		for _, n := range ns {
			b, err := throughputSize(l, m, bin, self, dir, n, conc, runs, prof, recipe)
			if err != nil {
				l.close()
				return fmt.Errorf("%s: %w", m, err)
			}
			bars = append(bars, b...)
		}
		l.close()
	}
	printBars(bars)
	fmt.Println("\nreq/t, tls/t: requests and TLS handshakes a target, counted by the server (Go replica: its handlers and ClientHellos;")
	fmt.Println("nginx: its access log, and stub_status's accepted connections less the plain-HTTP ones). span: a host's first")
	fmt.Println("request reaching the server to its last response. Other columns are the median run's.")
	return nil
}

func throughputSize(l lab, m, bin, self, dir string, n, conc, runs int, prof string, recipe []string) ([]bar, error) {
	hosts := l.hosts(n)
	n = len(hosts)
	list := filepath.Join(dir, fmt.Sprintf("list-%s-%d.txt", m, n))
	if err := writeList(list, hosts); err != nil {
		return nil, err
	}
	// A first run finds the server cold (nginx's workers, the replica's
	// goroutines and heap, the page cache), and would charge that to
	// whichever tool runs first: each runs once untimed before the runs
	// that count.
	fmt.Fprintf(os.Stderr, "[%s] %d targets, warm-up: hardscan, then the bare loop ...\n", m, n)
	if _, err := runHardscan(l, bin, list, dir, n, conc, prof); err != nil {
		return nil, err
	}
	if _, err := runBare(l, self, list, n, conc, recipe); err != nil {
		return nil, err
	}
	var hs, bare []row
	var ratios []float64
	for k := range runs {
		// The order turns every run (hardscan first, then the bare loop
		// first, ...), so that a drift of the machine during an
		// invocation (the loopback's TIME_WAIT sockets pile up, another
		// guest's load) does not always fall on the same tool.
		var h, b row
		var err error
		hardscan := func() error {
			fmt.Fprintf(os.Stderr, "[%s] %d targets, run %d: hardscan ...\n", m, n, k+1)
			h, err = runHardscan(l, bin, list, dir, n, conc, prof)
			return err
		}
		bareLoop := func() error {
			fmt.Fprintf(os.Stderr, "[%s] %d targets, run %d: bare loop ...\n", m, n, k+1)
			b, err = runBare(l, self, list, n, conc, recipe)
			return err
		}
		order := []func() error{hardscan, bareLoop}
		if k%2 == 1 {
			order[0], order[1] = bareLoop, hardscan
		}
		for _, run := range order {
			if err := run(); err != nil {
				return nil, err
			}
		}
		hs, bare = append(hs, h), append(bare, b)
		ratios = append(ratios, h.rate()/b.rate())
	}
	fmt.Printf("%-7s %-9s %-20s %6s %5s %5s %7s %9s %9s %8s %6s\n",
		"targets", "tool", "targets/s (runs)", "median", "req/t", "tls/t", "cpu/t", "span p50", "span p99", "peak RSS", "errors")
	for _, rs := range [][]row{hs, bare} {
		mid := medianRow(rs)
		var rates []string
		for _, r := range rs {
			rates = append(rates, fmt.Sprintf("%.0f", r.rate()))
		}
		fmt.Printf("%-7d %-9s %-20s %6.0f %5.2f %5.2f %7s %9s %9s %6.1fMB %6d\n",
			n, mid.tool, strings.Join(rates, " "), mid.rate(), mid.reqs, mid.hands, (mid.cpu / time.Duration(n)).Round(time.Microsecond),
			pct(mid.spans, 0.5), pct(mid.spans, 0.99), float64(mid.rssKB)/1024, mid.errors)
	}
	var rs []string
	for _, r := range ratios {
		rs = append(rs, fmt.Sprintf("%.2f", r))
	}
	ratio := median(ratios)
	fmt.Printf("hardscan / bare loop: %s, median %.2f\n", strings.Join(rs, " "), ratio)
	mid := medianRow(hs)
	if extra := beyondFloor(mid.byPath, n, recipe); extra != "" {
		fmt.Printf("hardscan's requests beyond the floor, a target: %s\n", extra)
	}
	floor := float64(len(recipe))
	return []bar{
		{fmt.Sprintf("[%s] n=%d throughput hardscan / bare (median of %d)", m, n, runs), ">= 0.95", ratio, ratio >= 0.95},
		{fmt.Sprintf("[%s] n=%d TLS handshakes a target, hardscan", m, n), "= 1.00", mid.hands, mid.hands > 0.995 && mid.hands < 1.005},
		{fmt.Sprintf("[%s] n=%d requests a target, hardscan (the floor: %d)", m, n, len(recipe)), fmt.Sprintf("= %d", len(recipe)), mid.reqs, mid.reqs > floor-0.005 && mid.reqs < floor+0.005},
	}, nil
}

// medianRow is the run of median throughput.
func medianRow(rs []row) row {
	s := slices.Clone(rs)
	sort.Slice(s, func(i, j int) bool { return s[i].rate() < s[j].rate() })
	return s[len(s)/2]
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func joinInts(ns []int) string {
	var s []string
	for _, n := range ns {
		s = append(s, strconv.Itoa(n))
	}
	return strings.Join(s, ",")
}

// floorRecipe is what the verdicts of a fixed profile need from a site
// without a CSP nonce and without a backend port: https / and a missing
// page, the profile's cookie paths, http / and the deep path.
func floorRecipe(bin, prof string) ([]string, error) {
	if prof == "auto" {
		return nil, errors.New("-p auto: the throughput floor needs a fixed profile (its cookie paths); use -p modern, pleroma ...")
	}
	out, err := exec.Command(bin, "--show-profile", prof).Output()
	if err != nil {
		return nil, fmt.Errorf("hardscan --show-profile %s: %w", prof, err)
	}
	var p struct {
		CookiePaths []string `json:"cookie_paths"`
	}
	if err := json.Unmarshal(out, &p); err != nil {
		return nil, fmt.Errorf("hardscan --show-profile %s: %w", prof, err)
	}
	return floor(p.CookiePaths), nil
}

// floor is the recipe of a site without a nonce, for these cookie paths.
func floor(cookiePaths []string) []string {
	recipe := []string{"https /", "https " + probe.ErrorPrefix + vhost.RandomSuffix}
	for _, c := range cookiePaths {
		recipe = append(recipe, "https "+c)
	}
	return append(recipe, "http /", "http "+probe.DeepPath)
}

// beyondFloor says which requests a target hardscan made beyond the
// recipe's, e.g. "https / +1.00", "" when none.
func beyondFloor(byPath map[string]int64, n int, recipe []string) string {
	want := map[string]float64{}
	for _, r := range recipe {
		want[r]++
	}
	var out []string
	for key, c := range byPath {
		if d := float64(c)/float64(n) - want[key]; d > 0.005 {
			out = append(out, fmt.Sprintf("%s +%.2f", key, d))
		}
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

func writeList(path string, hosts []string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, h := range hosts {
		fmt.Fprintln(w, h)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// usage is what a child process cost.
type usage struct {
	wall, cpu time.Duration
	rssKB     int64
}

// child runs cmd and measures it: wall time, CPU time (user + system) and
// peak RSS in KiB.
//
// The peak is the child's VmHWM, read from /proc every 10 ms while it
// runs, not ru_maxrss: Linux counts in a child's ru_maxrss the RSS of the
// parent it was forked from (the exec replaces a memory map shared with
// the parent), and this parent holds the server. The last 10 ms of a run
// may be missed.
func child(cmd *exec.Cmd) (usage, error) {
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return usage{}, err
	}
	status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
	stop := make(chan struct{})
	peak := make(chan int64, 1)
	go func() {
		var max int64
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			if kb := vmHWM(status); kb > max {
				max = kb
			}
			select {
			case <-stop:
				peak <- max
				return
			case <-tick.C:
			}
		}
	}()
	err := cmd.Wait()
	close(stop)
	u := usage{wall: time.Since(start), rssKB: <-peak}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		u.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return u, err
}

// vmHWM reads the peak resident set size in KiB from a /proc status file,
// 0 when the process is gone.
func vmHWM(path string) int64 {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb
		}
	}
	return 0
}

// serverRow is a row with the lab's counts since its reset.
func serverRow(l lab, tool string, n int) (row, error) {
	c, err := l.counts()
	if err != nil {
		return row{}, err
	}
	return row{n: n, tool: tool, reqs: float64(c.requests) / float64(n), hands: float64(c.handshakes) / float64(n),
		spans: c.spans, byPath: c.byPath}, nil
}

// runHardscan scans the list and returns its row.
func runHardscan(l lab, bin, list, dir string, n, conc int, prof string) (row, error) {
	out := filepath.Join(dir, "out.ndjson")
	args := []string{"-i", list, "-c", fmt.Sprint(conc), "-f", "ndjson", "-o", out, "-p", prof,
		"--cacert", l.caFile(), "--backend-port", "0", "--no-progress", "--fail-on", "never"}
	for _, r := range l.resolve() {
		args = append(args, "--resolve", r)
	}
	if err := l.reset(); err != nil {
		return row{}, err
	}
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	u, err := child(cmd)
	// Exit 3 says some targets could not be scanned: they are counted
	// from the report.
	if err != nil && cmd.ProcessState.ExitCode() != 3 {
		return row{}, fmt.Errorf("hardscan: %w: %s", err, stderr.String())
	}
	r, err := serverRow(l, "hardscan", n)
	if err != nil {
		return row{}, err
	}
	r.wall, r.rssKB, r.cpu = u.wall, u.rssKB, u.cpu
	lines, errs, client, firstErr, err := readNDJSON(out)
	if firstErr != "" {
		fmt.Fprintf(os.Stderr, "hardscan: %d targets not scanned, the first: %s\n", errs, firstErr)
	}
	if err != nil {
		return row{}, err
	}
	if lines != n {
		return row{}, fmt.Errorf("hardscan reported %d targets of %d", lines, n)
	}
	r.errors, r.client = errs, client
	return r, nil
}

// readNDJSON counts the report's lines and errored targets, and collects
// a per-target duration_ms should the report carry one.
func readNDJSON(path string) (lines, errs int, client []time.Duration, firstErr string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, nil, "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var t struct {
			Error      *string `json:"error"`
			DurationMS *int64  `json:"duration_ms"`
		}
		if err := json.Unmarshal(sc.Bytes(), &t); err != nil {
			return 0, 0, nil, "", fmt.Errorf("%s line %d: %w", path, lines+1, err)
		}
		lines++
		if t.Error != nil {
			if errs == 0 {
				firstErr = *t.Error
			}
			errs++
		}
		if t.DurationMS != nil {
			client = append(client, time.Duration(*t.DurationMS)*time.Millisecond)
		}
	}
	sort.Slice(client, func(i, j int) bool { return client[i] < client[j] })
	return lines, errs, client, firstErr, sc.Err()
}

func runBare(l lab, self, list string, n, conc int, recipe []string) (row, error) {
	if err := l.reset(); err != nil {
		return row{}, err
	}
	https, http := l.addrs()
	cmd := exec.Command(self, "bare", "-i", list, "-c", fmt.Sprint(conc), "-cacert", l.caFile(),
		"-https", https, "-http", http, "-recipe", strings.Join(recipe, ","))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	u, err := child(cmd)
	if err != nil {
		return row{}, fmt.Errorf("bare loop: %w: %s", err, stderr.String())
	}
	res, err := decodeBare(stdout.Bytes())
	if err != nil {
		return row{}, err
	}
	r, err := serverRow(l, "bare loop", n)
	if err != nil {
		return row{}, err
	}
	r.wall, r.rssKB, r.cpu, r.errors = u.wall, u.rssKB, u.cpu, res.Errors
	for _, us := range res.ClientUS {
		r.client = append(r.client, time.Duration(us)*time.Microsecond)
	}
	if res.Targets != n {
		return row{}, fmt.Errorf("bare loop did %d targets of %d", res.Targets, n)
	}
	return r, nil
}
