package main

import (
	"fmt"
	"time"

	"github.com/hardscan/hardscan/fixtures/vhost"
)

// lab is a server the bench scans: the Go replica in this process or a
// real nginx. It counts, on the server side, what it was asked between
// reset and counts.
type lab interface {
	// describe is the server and protocol, for the setup line.
	describe() string
	// addrs are the loopback addresses of its HTTPS and plain-HTTP listeners.
	addrs() (https, http string)
	// hosts are the n host names a run scans (writeList's names).
	hosts(n int) []string
	// caFile is the PEM file of the CA its certificate chains to.
	caFile() string
	// resolve are the --resolve values aiming every host at it, and every
	// other port at an address where nothing listens.
	resolve() []string
	// closedAddr is a loopback address where nothing listens.
	closedAddr() string
	reset() error
	counts() (counts, error)
	close()
}

// counts is what a lab was asked since its reset.
type counts struct {
	requests   int64
	handshakes int64            // TLS handshakes (ClientHellos or accepted HTTPS connections)
	byPath     map[string]int64 // "scheme path", the error page's random part as vhost.RandomSuffix
	spans      []time.Duration  // per host, first request to last response, sorted
}

// goLab is fixtures/vhost: HTTP/2 or, with h1, ALPN http/1.1 only.
type goLab struct {
	srv      *vhost.Server
	ca       string
	h1       bool
	scenario string
}

// startGoLab starts the replica; scenario "" is its default, Pleroma's.
func startGoLab(dir string, h1 bool, scenario string) (*goLab, error) {
	srv, ca, err := serve(vhost.Options{HTTP1: h1, Scenario: scenario}, dir)
	if err != nil {
		return nil, err
	}
	return &goLab{srv: srv, ca: ca, h1: h1, scenario: scenario}, nil
}

func (l *goLab) describe() string {
	if l.scenario != "" {
		return fmt.Sprintf("Go replica serving the recorded %s responses (a CSP nonce), HTTP/1.1 only: %v", l.scenario, l.h1)
	}
	if l.h1 {
		return "Go replica (fixtures/vhost, this process), HTTPS with ALPN http/1.1 only, and plain HTTP"
	}
	return "Go replica (fixtures/vhost, this process), HTTPS with ALPN h2 and http/1.1, and plain HTTP"
}

func (l *goLab) addrs() (string, string) { return l.srv.HTTPSAddr, l.srv.HTTPAddr }
func (l *goLab) hosts(n int) []string    { return hostNames(n) }
func (l *goLab) caFile() string          { return l.ca }
func (l *goLab) resolve() []string       { return l.srv.Resolve() }
func (l *goLab) closedAddr() string      { return l.srv.ClosedAddr }
func (l *goLab) reset() error            { l.srv.Reset(); return nil }
func (l *goLab) close()                  { l.srv.Close() }

func (l *goLab) counts() (counts, error) {
	st := l.srv.Stats()
	return counts{requests: st.Requests, handshakes: st.Handshakes, byPath: st.ByPath, spans: l.srv.Spans()}, nil
}

// hostNames are the names of a list of n targets.
func hostNames(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("h%06d.test", i)
	}
	return out
}
