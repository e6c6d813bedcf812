package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// bareConfig is what the bare loop is asked to do.
type bareConfig struct {
	list, caFile        string
	conc                int
	httpsAddr, httpAddr string
	recipe              string // "scheme path" separated by commas
}

// bareMain is the bare child: its flags, then bareRun, whose result goes
// to stdout as JSON.
func bareMain(args []string) error {
	fs := flag.NewFlagSet("bare", flag.ContinueOnError)
	var cfg bareConfig
	fs.StringVar(&cfg.list, "i", "", "list of hosts")
	fs.IntVar(&cfg.conc, "c", 64, "concurrency")
	fs.StringVar(&cfg.caFile, "cacert", "", "CA certificate")
	fs.StringVar(&cfg.httpsAddr, "https", "", "address for every host's port 443")
	fs.StringVar(&cfg.httpAddr, "http", "", "address for every host's port 80")
	fs.StringVar(&cfg.recipe, "recipe", "https /,http /", "requests per target, 'scheme path' separated by commas; * in a path is 16 random hex digits")
	if err := fs.Parse(args); err != nil {
		return err
	}
	res, err := bareRun(cfg)
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}

// bareRun is the floor: for each host of the list, the requests the
// verdicts need (the recipe), with a client set up as hardscan's (two
// transports, the same Accept-Encoding, HTTP/2 where the server offers
// it), reading the bodies and judging nothing. Each transport keeps one
// connection a host (MaxConnsPerHost 1, bodies drained before the next
// request): one TLS handshake a target, whatever the protocol. Like
// hardscan it starts the requests together: the plain-HTTP ones one after
// the other on their connection, the HTTPS ones once the root's
// connection is up (HTTP/2 carries them at once, HTTP/1.1 in turn).
func bareRun(cfg bareConfig) (bareResult, error) {
	pem, err := os.ReadFile(cfg.caFile)
	if err != nil {
		return bareResult{}, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return bareResult{}, errors.New("no certificate in -cacert")
	}
	var secure, plain []string // paths
	for _, step := range strings.Split(cfg.recipe, ",") {
		scheme, path, _ := strings.Cut(strings.TrimSpace(step), " ")
		switch scheme {
		case "https":
			secure = append(secure, path)
		case "http":
			plain = append(plain, path)
		default:
			return bareResult{}, fmt.Errorf("recipe step %q", step)
		}
	}
	// The root first: the others wait for its connection.
	slices.SortStableFunc(secure, func(a, b string) int {
		switch {
		case a == "/" && b != "/":
			return -1
		case b == "/" && a != "/":
			return 1
		}
		return 0
	})
	if len(secure) == 0 || secure[0] != "/" {
		return bareResult{}, errors.New("recipe without https /")
	}
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		to := cfg.httpAddr
		if strings.HasSuffix(addr, ":443") {
			to = cfg.httpsAddr
		}
		return (&net.Dialer{Timeout: 10 * time.Second}).DialContext(ctx, network, to)
	}
	// Each transport its own tls.Config: setting up HTTP/2 writes its NextProtos.
	transport := func(tc *tls.Config) *http.Transport {
		return &http.Transport{
			DialContext: dial, TLSClientConfig: tc.Clone(), ForceAttemptHTTP2: true, DisableCompression: true,
			MaxIdleConns: 1024, MaxIdleConnsPerHost: 1, MaxConnsPerHost: 1, IdleConnTimeout: 30 * time.Second,
			TLSHandshakeTimeout: 10 * time.Second, ResponseHeaderTimeout: 10 * time.Second,
		}
	}
	verifiedTLS := &tls.Config{RootCAs: pool}
	blindTLS := &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the plain-HTTP probe, as hardscan's
	get := func(rt http.RoundTripper, url string, trace *httptrace.ClientTrace) error {
		if strings.Contains(url, "*") {
			url = strings.Replace(url, "*", fmt.Sprintf("%016x", rand.Uint64()), 1)
		}
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if trace != nil {
			req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
		}
		req.Header.Set("User-Agent", "hardscan-bench")
		req.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
		req.Header.Set("Accept-Encoding", "gzip, deflate")
		resp, err := rt.RoundTrip(req)
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		return err
	}

	f, err := os.Open(cfg.list)
	if err != nil {
		return bareResult{}, err
	}
	defer f.Close()
	hosts := make(chan string)
	go func() {
		defer close(hosts)
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if h := strings.TrimSpace(sc.Text()); h != "" {
				hosts <- h
			}
		}
	}()
	var (
		mu      sync.Mutex
		res     bareResult
		wg      sync.WaitGroup
		clients []int64
	)
	for range cfg.conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for h := range hosts {
				start := time.Now()
				// Transports of its own for each target, closed when it is
				// done: every target is another host, so a connection kept
				// idle afterwards is never used again and only holds memory.
				verified, blind := transport(verifiedTLS), transport(blindTLS)
				var errs atomic.Int32
				var pw sync.WaitGroup
				pw.Add(1)
				go func() {
					defer pw.Done()
					for _, p := range plain {
						if get(blind, "http://"+h+p, nil) != nil {
							errs.Add(1)
						}
					}
				}()
				connected := make(chan struct{})
				var once sync.Once
				up := func() { once.Do(func() { close(connected) }) }
				pw.Add(1)
				go func() {
					defer pw.Done()
					defer up()
					if get(verified, "https://"+h+"/", &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { up() }}) != nil {
						errs.Add(1)
					}
				}()
				<-connected
				for _, p := range secure[1:] {
					pw.Add(1)
					go func() {
						defer pw.Done()
						if get(verified, "https://"+h+p, nil) != nil {
							errs.Add(1)
						}
					}()
				}
				pw.Wait()
				verified.CloseIdleConnections()
				blind.CloseIdleConnections()
				us := time.Since(start).Microseconds()
				mu.Lock()
				res.Targets++
				if errs.Load() > 0 {
					res.Errors++
				}
				clients = append(clients, us)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	slices.Sort(clients)
	res.ClientUS = clients
	return res, nil
}
