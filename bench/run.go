package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hardscan/hardscan/fixtures/vhost"
)

func benchMain(ns []int, conc int, prof string, keep bool) error {
	dir, bin, cleanup, err := prepare(keep)
	if err != nil {
		return err
	}
	defer cleanup()
	self, err := os.Executable()
	if err != nil {
		return err
	}
	srv, ca, err := serve(vhost.Options{}, dir)
	if err != nil {
		return err
	}
	defer srv.Close()

	var rows []row
	for _, n := range ns {
		list := filepath.Join(dir, fmt.Sprintf("list-%d.txt", n))
		if err := writeList(list, n); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%d targets: hardscan ...\n", n)
		hs, recipe, err := runHardscan(srv, bin, list, ca, dir, n, conc, prof)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%d targets: bare loop (%s) ...\n", n, strings.Join(recipe, ", "))
		bare, err := runBare(srv, self, list, ca, n, conc, recipe)
		if err != nil {
			return err
		}
		rows = append(rows, hs, bare)
	}
	printRows(rows)
	fmt.Println()
	for i := 0; i+1 < len(rows); i += 2 {
		fmt.Printf("n=%d: hardscan throughput / bare loop = %.2f (goal >= 0.90)\n", rows[i].n, rows[i].rate()/rows[i+1].rate())
	}
	if len(rows) >= 4 {
		small, big := rows[0], rows[len(rows)-2]
		fmt.Printf("hardscan peak RSS at n=%d / n=%d = %.2f (goal <= 1.20)\n", big.n, small.n, float64(big.rssKB)/float64(small.rssKB))
	}
	fmt.Println("span: from a host's first request reaching the server to its last response (both tools);")
	fmt.Println("client: per-target time as the client measured it (bare loop; hardscan reports none).")
	return nil
}

func writeList(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for i := range n {
		fmt.Fprintf(w, "h%06d.test\n", i)
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

func serverRow(srv *vhost.Server, tool string, n int) row {
	st := srv.Stats()
	return row{n: n, tool: tool, reqs: float64(st.Requests) / float64(n), hands: float64(st.Handshakes) / float64(n), spans: srv.Spans()}
}

// runHardscan scans the list and returns its row and the requests it made
// for each target ("https /", ...), which the bare loop then repeats.
func runHardscan(srv *vhost.Server, bin, list, ca, dir string, n, conc int, prof string) (row, []string, error) {
	out := filepath.Join(dir, "out.ndjson")
	args := []string{"-i", list, "-c", fmt.Sprint(conc), "-f", "ndjson", "-o", out, "-p", prof,
		"--cacert", ca, "--backend-port", "0", "--no-progress", "--fail-on", "never"}
	for _, r := range srv.Resolve() {
		args = append(args, "--resolve", r)
	}
	srv.Reset()
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	u, err := child(cmd)
	// Exit 3 says some targets could not be scanned: they are counted
	// from the report.
	if err != nil && cmd.ProcessState.ExitCode() != 3 {
		return row{}, nil, fmt.Errorf("hardscan: %w: %s", err, stderr.String())
	}
	r := serverRow(srv, "hardscan", n)
	r.wall, r.rssKB, r.cpu = u.wall, u.rssKB, u.cpu
	lines, errs, client, firstErr, err := readNDJSON(out)
	if firstErr != "" {
		fmt.Fprintf(os.Stderr, "hardscan: %d targets not scanned, the first: %s\n", errs, firstErr)
	}
	if err != nil {
		return row{}, nil, err
	}
	if lines != n {
		return row{}, nil, fmt.Errorf("hardscan reported %d targets of %d", lines, n)
	}
	r.errors, r.client = errs, client
	var recipe []string
	for key, count := range srv.Stats().ByPath {
		for range (count + int64(n)/2) / int64(n) {
			recipe = append(recipe, key)
		}
	}
	sort.Strings(recipe)
	return r, recipe, nil
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

func runBare(srv *vhost.Server, self, list, ca string, n, conc int, recipe []string) (row, error) {
	srv.Reset()
	cmd := exec.Command(self, "bare", "-i", list, "-c", fmt.Sprint(conc), "-cacert", ca,
		"-https", srv.HTTPSAddr, "-http", srv.HTTPAddr, "-recipe", strings.Join(recipe, ","))
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
	r := serverRow(srv, "bare loop", n)
	r.wall, r.rssKB, r.cpu, r.errors = u.wall, u.rssKB, u.cpu, res.Errors
	for _, us := range res.ClientUS {
		r.client = append(r.client, time.Duration(us)*time.Microsecond)
	}
	if res.Targets != n {
		return row{}, fmt.Errorf("bare loop did %d targets of %d", res.Targets, n)
	}
	return r, nil
}
