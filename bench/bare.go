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
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

// bareMain is the floor: for each host of the list, the same requests
// hardscan made (the recipe, counted by the server), with a client set up
// as hardscan's (two transports, at most 2 connections a host, HTTP/2
// allowed), reading the bodies and judging nothing.
func bareMain(args []string) error {
	fs := flag.NewFlagSet("bare", flag.ContinueOnError)
	list := fs.String("i", "", "list of hosts")
	conc := fs.Int("c", 64, "concurrency")
	caFile := fs.String("cacert", "", "CA certificate")
	httpsAddr := fs.String("https", "", "address for every host's port 443")
	httpAddr := fs.String("http", "", "address for every host's port 80")
	recipe := fs.String("recipe", "https /,http /", "requests per target, 'scheme path' separated by commas")
	if err := fs.Parse(args); err != nil {
		return err
	}
	pem, err := os.ReadFile(*caFile)
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return errors.New("no certificate in -cacert")
	}
	var secure, plain []string // paths
	for _, step := range strings.Split(*recipe, ",") {
		scheme, path, _ := strings.Cut(strings.TrimSpace(step), " ")
		switch scheme {
		case "https":
			secure = append(secure, path)
		case "http":
			plain = append(plain, path)
		default:
			return fmt.Errorf("recipe step %q", step)
		}
	}
	// The root first, as hardscan fetches it before the cookie paths.
	slices.SortStableFunc(secure, func(a, b string) int {
		switch {
		case a == "/" && b != "/":
			return -1
		case b == "/" && a != "/":
			return 1
		}
		return 0
	})
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		to := *httpAddr
		if strings.HasSuffix(addr, ":443") {
			to = *httpsAddr
		}
		return (&net.Dialer{Timeout: 10 * time.Second}).DialContext(ctx, network, to)
	}
	transport := func(tc *tls.Config) *http.Transport {
		return &http.Transport{
			DialContext: dial, TLSClientConfig: tc, ForceAttemptHTTP2: true, DisableCompression: true,
			MaxIdleConns: 1024, MaxIdleConnsPerHost: 2, MaxConnsPerHost: 2, IdleConnTimeout: 30 * time.Second,
			TLSHandshakeTimeout: 10 * time.Second, ResponseHeaderTimeout: 10 * time.Second,
		}
	}
	verifiedTLS := &tls.Config{RootCAs: pool}
	blindTLS := &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the plain-HTTP probe, as hardscan's
	get := func(rt http.RoundTripper, url string) error {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		req.Header.Set("User-Agent", "hardscan-bench")
		req.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
		resp, err := rt.RoundTrip(req)
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		return err
	}

	f, err := os.Open(*list)
	if err != nil {
		return err
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
	for range *conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for h := range hosts {
				start := time.Now()
				// Transports of its own for each target, closed when it is
				// done: every target is another host, so a connection kept
				// idle afterwards is never used again and only holds memory.
				verified, blind := transport(verifiedTLS), transport(blindTLS)
				var plainErr error
				var pw sync.WaitGroup
				pw.Add(1)
				go func() {
					defer pw.Done()
					for _, p := range plain {
						if err := get(blind, "http://"+h+p); err != nil {
							plainErr = err
						}
					}
				}()
				var secureErr error
				for _, p := range secure {
					if err := get(verified, "https://"+h+p); err != nil {
						secureErr = err
					}
				}
				pw.Wait()
				verified.CloseIdleConnections()
				blind.CloseIdleConnections()
				us := time.Since(start).Microseconds()
				mu.Lock()
				res.Targets++
				if secureErr != nil || plainErr != nil {
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
	return json.NewEncoder(os.Stdout).Encode(res)
}
