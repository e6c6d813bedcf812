// Command bench measures hardscan on many targets against loopback
// servers, next to a bare net/http loop that makes the requests the
// verdicts need and does nothing with the answers: the floor hardscan is
// compared with.
//
//	go run ./bench                         # h1, h2 and nginx: throughput, requests and TLS handshakes a target
//	go run ./bench -mode h1 -n 5000 -runs 5
//	go run ./bench -rtt 100ms              # latency mode: round trips per scan
//	go run ./bench -rtt 100ms -mode mastodon,mastodon-h1   # a site with a CSP nonce
//	go run ./bench -mode memory -n 20000   # peak RSS of -f json against -f ndjson
//
// The servers (modes): h1 and h2 are fixtures/vhost in this process (one
// HTTPS and one HTTP listener answering for every *.test name; h1 offers
// only http/1.1 by ALPN); nginx is Debian's nginx, started here in a
// temporary prefix with its own CA, one server block a vhost, HTTP/2 (see
// nginxLab). hardscan and the bare loop run as child processes, so that
// each one's CPU time and peak RSS are its own (VmHWM, see child). The
// servers count requests and TLS handshakes, so both are shown per target,
// and time each host from its first request to its last response (the
// "span" columns): hardscan's report has no per-target time, so the spans
// are the latency measure common to both.
//
// With -rtt, it measures latency instead: single `hardscan URL` runs
// through a delaying proxy of its own (see delayProxy), reported in round
// trips per scan for -p auto and a fixed profile, against each mode's
// server.
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
	sizes := flag.String("n", "2000", "targets to scan; a comma-separated list runs each size in turn (nginx serves as many vhosts as the largest)")
	conc := flag.Int("c", 64, "concurrency, for hardscan (-c) and the bare loop")
	prof := flag.String("p", "", "hardscan's fixed profile (default: modern for throughput, whose floor is 4 requests a target; pleroma for -rtt, beside auto)")
	keep := flag.Bool("keep", false, "keep the work directory (binary, lists, reports, nginx's prefix) and print its path")
	rtt := flag.Duration("rtt", 0, "latency mode: scan one target at a time through a proxy adding this round-trip time, and report round trips per scan for auto and -p")
	scans := flag.Int("scans", 7, "latency mode: scans per profile")
	runs := flag.Int("runs", 3, "throughput: runs of hardscan and of the bare loop at each size; the ratio is the median of the runs'")
	mode := flag.String("mode", "h1,h2,nginx", "servers, comma-separated: h1 (Go replica, HTTP/1.1 only), h2 (Go replica, HTTP/2), nginx (Debian nginx, HTTP/2); with -rtt also mastodon, mastodon-h1 (the replica serving Mastodon's pages, a CSP nonce); or memory: peak RSS of -f json against -f ndjson")
	flag.Parse()
	var ms []string
	for _, m := range strings.Split(*mode, ",") {
		m = strings.TrimSpace(m)
		if m == "speed" { // the name before there were several servers
			m = "h2"
		}
		switch m {
		case "h1", "h2", "nginx":
		case "mastodon", "mastodon-h1":
			if *rtt == 0 {
				fmt.Fprintf(os.Stderr, "bench: -mode %s is for -rtt: a nonce site's round trips\n", m)
				os.Exit(2)
			}
		case "memory":
			if *mode != "memory" || *rtt > 0 {
				fmt.Fprintln(os.Stderr, "bench: -mode memory runs alone, without -rtt")
				os.Exit(2)
			}
		default:
			fmt.Fprintf(os.Stderr, "bench: -mode %q: want h1, h2, nginx (comma-separated) or memory\n", m)
			os.Exit(2)
		}
		ms = append(ms, m)
	}
	if *rtt > 0 {
		p := *prof
		if p == "" || p == "auto" {
			p = "pleroma"
		}
		if err := latencyMain(ms, *rtt, max(*scans, 1), p); err != nil {
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
	var err error
	if *mode == "memory" {
		p := *prof
		if p == "" {
			p = "pleroma"
		}
		err = memoryMain(ns, *conc, p, *keep)
	} else {
		p := *prof
		if p == "" {
			p = "modern"
		}
		err = throughputMain(ms, ns, *conc, max(*runs, 1), p, *keep)
	}
	if err != nil {
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
	byPath      map[string]int64
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
