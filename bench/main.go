// Command bench measures hardscan on many targets against a loopback
// replica, next to a bare net/http loop that makes the same requests and
// does nothing with the answers: the floor hardscan is compared with.
//
//	go run ./bench -n 2000,20000 -c 64
//	go run ./bench -rtt 100ms       # latency mode: round trips per scan
//	go run ./bench -mode memory -n 20000   # peak RSS of -f json against -f ndjson
//
// It serves fixtures/vhost in this process (one HTTPS and one HTTP listener
// answering for every *.test name), builds hardscan, and runs both the
// scanner and the bare loop as child processes, so that each one's peak RSS
// is its own (VmHWM, see child). The server counts requests and TLS handshakes per
// host, so both are shown per target, and times each host from its first
// request to its last response (the "span" columns): hardscan's report has
// no per-target time, so the spans are the latency measure common to both.
//
// With -rtt, it measures latency instead: single `hardscan URL` runs
// through a delaying proxy of its own (see delayProxy), reported in round
// trips per scan for -p auto and a fixed profile, against an HTTP/2 and an
// HTTP/1.1-only replica.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "bare" {
		if err := bareMain(os.Args[2:]); err != nil {
			fmt.Fprintf(os.Stderr, "bench bare: %v\n", err)
			os.Exit(1)
		}
		return
	}
	sizes := flag.String("n", "2000", "targets to scan; a comma-separated list runs each size in turn")
	conc := flag.Int("c", 64, "concurrency, for hardscan (-c) and the bare loop")
	prof := flag.String("p", "pleroma", "hardscan profile (pleroma: 6 requests a target; auto adds NodeInfo and the other profiles' cookie paths)")
	keep := flag.Bool("keep", false, "keep the work directory (binary, lists, reports) and print its path")
	rtt := flag.Duration("rtt", 0, "latency mode: scan one target at a time through a proxy adding this round-trip time, and report round trips per scan for auto and -p")
	scans := flag.Int("scans", 7, "latency mode: scans per profile")
	mode := flag.String("mode", "speed", "speed: hardscan against the bare loop; memory: peak RSS of -f json against -f ndjson")
	flag.Parse()
	if *rtt > 0 {
		prof := *prof
		if prof == "auto" {
			prof = "pleroma"
		}
		if err := latencyMain(*rtt, max(*scans, 1), prof); err != nil {
			fmt.Fprintf(os.Stderr, "bench: %v\n", err)
			os.Exit(1)
		}
		return
	}
	var ns []int
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "bench: -n %q: want positive numbers separated by commas\n", *sizes)
			os.Exit(2)
		}
		ns = append(ns, n)
	}
	bench := benchMain
	if *mode == "memory" {
		bench = memoryMain
	}
	if err := bench(ns, *conc, *prof, *keep); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		os.Exit(1)
	}
}

// row is one measured run.
type row struct {
	n           int
	tool        string
	wall, cpu   time.Duration // the child's wall and CPU (user + system) time
	reqs, hands float64       // per target, counted by the server
	spans       []time.Duration
	client      []time.Duration // per-target time measured by the client, when known
	rssKB       int64
	errors      int
}

func (r row) rate() float64 { return float64(r.n) / r.wall.Seconds() }

func pct(d []time.Duration, p float64) string {
	if len(d) == 0 {
		return "-"
	}
	i := int(p * float64(len(d)-1))
	return fmt.Sprintf("%.1fms", float64(d[i].Microseconds())/1000)
}

func printRows(rows []row) {
	fmt.Printf("\n%-7s %-9s %5s %5s %9s %7s %7s %9s %9s %10s %10s %9s %6s\n",
		"targets", "tool", "req/t", "tls/t", "targets/s", "wall", "cpu/t", "span p50", "span p99", "client p50", "client p99", "peak RSS", "errors")
	for _, r := range rows {
		fmt.Printf("%-7d %-9s %5.2f %5.2f %9.0f %7s %7s %9s %9s %10s %10s %7.1fMB %6d\n",
			r.n, r.tool, r.reqs, r.hands, r.rate(), r.wall.Round(10*time.Millisecond), (r.cpu / time.Duration(r.n)).Round(time.Microsecond),
			pct(r.spans, 0.5), pct(r.spans, 0.99), pct(r.client, 0.5), pct(r.client, 0.99),
			float64(r.rssKB)/1024, r.errors)
	}
}

// bareResult is what the bare child reports on its stdout.
type bareResult struct {
	Targets  int     `json:"targets"`
	Errors   int     `json:"errors"`
	ClientUS []int64 `json:"client_us"` // per-target microseconds, sorted
}

func decodeBare(out []byte) (bareResult, error) {
	var r bareResult
	if err := json.Unmarshal(out, &r); err != nil {
		return r, fmt.Errorf("bare child output: %w", err)
	}
	return r, nil
}
