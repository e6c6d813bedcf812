package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

// delayProxy forwards loopback TCP connections to one address as if over a
// link with a round-trip time of rtt: the client's first bytes reach the
// server a round trip after it connected (TCP's handshake, which loopback
// completes at once) plus half a round trip, and every later chunk takes
// half a round trip each way. Chunks are delayed, not spaced: a response
// in many chunks costs one trip, as on a real link with room to spare.
type delayProxy struct {
	ln  net.Listener
	to  string
	rtt time.Duration
	wg  sync.WaitGroup
}

func startDelayProxy(to string, rtt time.Duration) (*delayProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("proxy listen: %w", err)
	}
	p := &delayProxy{ln: ln, to: to, rtt: rtt}
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

func (p *delayProxy) Addr() string { return p.ln.Addr().String() }

func (p *delayProxy) Close() {
	_ = p.ln.Close()
	p.wg.Wait()
}

func (p *delayProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.handle(c)
	}
}

func (p *delayProxy) handle(client net.Conn) {
	accepted := time.Now()
	server, err := net.Dial("tcp", p.to)
	if err != nil {
		_ = client.Close()
		return
	}
	var both sync.WaitGroup
	both.Add(2)
	go func() { defer both.Done(); p.pipe(server, client, accepted.Add(p.rtt)) }()
	go func() { defer both.Done(); p.pipe(client, server, time.Time{}) }()
	both.Wait()
	_ = client.Close()
	_ = server.Close()
}

type chunk struct {
	b   []byte
	due time.Time
}

// pipe copies src to dst, each chunk half a round trip after it was read
// (or after notBefore, when later), then half-closes dst.
func (p *delayProxy) pipe(dst, src net.Conn, notBefore time.Time) {
	chunks := make(chan chunk, 256)
	go func() {
		defer close(chunks)
		for {
			buf := make([]byte, 32<<10)
			n, err := src.Read(buf)
			if n > 0 {
				at := time.Now()
				if at.Before(notBefore) {
					at = notBefore
				}
				chunks <- chunk{buf[:n], at.Add(p.rtt / 2)}
			}
			if err != nil {
				return
			}
		}
	}()
	failed := false
	for c := range chunks {
		if failed {
			continue // drain, so that the reader ends
		}
		time.Sleep(time.Until(c.due))
		if _, err := dst.Write(c.b); err != nil {
			failed = true
			_ = src.Close()
		}
	}
	if tc, ok := dst.(*net.TCPConn); ok && !failed {
		_ = tc.CloseWrite()
	} else {
		_ = dst.Close()
	}
}

// latencyMain scans one target at a time through delaying proxies, for auto
// and a fixed profile, against each mode's server, and reports round trips
// per scan: the wall time of the whole hardscan process (start-up
// included) over the RTT.
func latencyMain(modeNames []string, rtt time.Duration, scans int, fixedProf string) error {
	dir, bin, cleanup, err := prepare(false)
	if err != nil {
		return err
	}
	defer cleanup()
	fmt.Printf("\nround trips per scan at %s RTT (wall time of one `hardscan -p PROFILE --backend-port 0 URL` / RTT, %d scans each, one at a time)\n", rtt, scans)
	fmt.Printf("%-11s %-10s %6s %6s %6s %6s %8s %6s\n", "server", "profile", "min", "median", "max", "req", "tls/scan", "errors")
	var bars []bar
	var skipped []string
	for _, m := range modeNames {
		l, err := startLab(m, dir, 2*scans)
		if errors.Is(err, errNoNginx) {
			skipped = append(skipped, fmt.Sprintf("[%s] %v", m, err))
			continue
		}
		if err != nil {
			return err
		}
		b, err := latencyRows(l, m, bin, dir, rtt, scans, fixedProf)
		l.close()
		if err != nil {
			return fmt.Errorf("%s: %w", m, err)
		}
		bars = append(bars, b...)
	}
	for _, s := range skipped {
		fmt.Println(s)
	}
	printBars(bars)
	fmt.Println("\nfloor: 3 round trips for a fixed profile (TCP, TLS 1.3, the requests), 4 for auto (NodeInfo's link, then its document);")
	fmt.Println("the rest is the process itself. h1: the Go replica over HTTP/1.1 only; h2: over HTTP/2; nginx: Debian's nginx over HTTP/2;")
	fmt.Println("mastodon, mastodon-h1: the replica serving Mastodon's recorded pages, whose CSP has a nonce (one more GET /), no bar.")
	return nil
}

// latencyRows measures auto and fixedProf against one server.
func latencyRows(l lab, m, bin, dir string, rtt time.Duration, scans int, fixedProf string) ([]bar, error) {
	https, http := l.addrs()
	secure, err := startDelayProxy(https, rtt)
	if err != nil {
		return nil, err
	}
	defer secure.Close()
	plain, err := startDelayProxy(http, rtt)
	if err != nil {
		return nil, err
	}
	defer plain.Close()
	hosts := l.hosts(2 * scans)
	if len(hosts) < 2*scans {
		return nil, fmt.Errorf("%d hosts, want %d", len(hosts), 2*scans)
	}
	// A site with a CSP nonce (the Mastodon replica) costs the second GET
	// of /: measured beside the others, with no bar of its own.
	nonceSite := m == "mastodon" || m == "mastodon-h1"
	if nonceSite {
		fixedProf = "mastodon"
	}
	var bars []bar
	for i, prof := range []string{"auto", fixedProf} {
		var walls []time.Duration
		errs := 0
		if err := l.reset(); err != nil {
			return nil, err
		}
		for k := range scans {
			host := hosts[i*scans+k]
			args := []string{"-p", prof, "--cacert", l.caFile(), "--backend-port", "0", "--no-progress",
				"--fail-on", "never", "-f", "json", "-o", filepath.Join(dir, "out.json"),
				"--resolve", "*:443:" + secure.Addr(), "--resolve", "*:80:" + plain.Addr(), "--resolve", "*:*:" + l.closedAddr(),
				"https://" + host + "/"}
			cmd := exec.Command(bin, args...)
			cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
			start := time.Now()
			err := cmd.Run()
			walls = append(walls, time.Since(start))
			if err != nil {
				errs++
			}
		}
		sort.Slice(walls, func(a, b int) bool { return walls[a] < walls[b] })
		c, err := l.counts()
		if err != nil {
			return nil, err
		}
		if c.requests == 0 {
			return nil, errors.New("the server saw no request: the proxies are not in the way")
		}
		rt := func(d time.Duration) float64 { return d.Seconds() / rtt.Seconds() }
		med := rt(walls[len(walls)/2])
		fmt.Printf("%-11s %-10s %6.2f %6.2f %6.2f %6.1f %8.2f %6d\n", m, prof, rt(walls[0]), med, rt(walls[len(walls)-1]),
			float64(c.requests)/float64(scans), float64(c.handshakes)/float64(scans), errs)
		goal := 3.5
		if prof == "auto" {
			goal = 4.5
		}
		if !nonceSite {
			bars = append(bars, bar{fmt.Sprintf("[%s] round trips a scan at %s RTT, -p %s (median)", m, rtt, prof), fmt.Sprintf("<= %.1f", goal), med, med <= goal})
		}
	}
	return bars, nil
}
