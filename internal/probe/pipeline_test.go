package probe

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hardscan/hardscan/internal/replica"
)

// seen is what the verdicts read of a target, without what changes from one
// response to the next (Date, the nonce's value): the same seen, the same
// verdicts.
func seen(t *testing.T, o *Observed) string {
	t.Helper()
	var b strings.Builder
	add := func(name string, ch *Chain) {
		if ch == nil {
			b.WriteString(name + ": none\n")
			return
		}
		for _, h := range ch.Hops {
			var names []string
			for k := range h.Header {
				if k != "Date" {
					names = append(names, k)
				}
			}
			csp := h.Header.Get("Content-Security-Policy")
			if csp != "" {
				csp = "set"
			}
			loc := ""
			if h.Location != nil {
				loc = h.Location.String()
			}
			path := h.URL.Path
			if strings.HasPrefix(path, ErrorPrefix) {
				path = ErrorPrefix + "*"
			}
			fmt.Fprintf(&b, "%s %s %s %d headers=%d csp=%s loc=%s tls=%v\n", name, h.URL.Scheme, path, h.Status, len(names), csp, loc, h.TLS != nil)
		}
		fmt.Fprintf(&b, "%s body %q truncated=%v stopped=%q\n", name, ch.Body, ch.Truncated, ch.Stopped)
	}
	add("root", o.Root)
	add("again", o.Again)
	add("error", o.ErrorPage)
	add("http", o.HTTP)
	add("deep", o.DeepHTTP)
	for _, ch := range o.CookieChains {
		add("cookie", ch)
	}
	fmt.Fprintf(&b, "verified=%v http-err=%v deep-err=%v\n", o.Verified, o.HTTPErr, o.DeepHTTPErr)
	return b.String()
}

// Servers that do not take pipelined requests: one that closes after each
// response (Connection: close), and one that answers the first request of
// a connection and hangs up on the rest, on HTTPS and plain HTTP alike. The
// requests they did not answer go again one at a time, and the target is
// seen as on a server that pipelines, which carries everything on one TLS
// connection and one TCP connection to port 80.
func TestPipelineFallback(t *testing.T) {
	observe := func(t *testing.T, opt labOptions) (*Observed, *lab) {
		t.Helper()
		opt.h1, opt.handler = true, noncePage("header")
		l := startLab(t, opt)
		plans, pick := fixed(Plan{CookiePaths: []string{"/login"}})
		o, err := l.session(t).Observe(context.Background(), site, false, plans, pick)
		if err != nil {
			t.Fatal(err)
		}
		return o, l
	}
	base, bl := observe(t, labOptions{})
	want, wantAsked := seen(t, base), strings.Join(bl.asked(), "\n")
	if base.Again == nil || base.ErrorPage == nil || base.CookieChains[0] == nil || base.DeepHTTP == nil {
		t.Fatalf("the pipelining server's scan lacks a response:\n%s", want)
	}
	if h, n, p := bl.hands.Load(), bl.conns.Load(), bl.plain.Load(); h != 1 || n != 1 || p != 1 {
		t.Errorf("pipelining server: %d handshakes, %d TLS and %d plain connections, want 1, 1 and 1", h, n, p)
	}
	for _, tc := range []struct {
		name string
		opt  labOptions
	}{
		{"close-each", labOptions{closeEach: true}},
		{"first-only", labOptions{firstOnly: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, l := observe(t, tc.opt)
			if got := seen(t, o); got != want {
				t.Errorf("seen:\n%s\nwant, as on a server that pipelines:\n%s", got, want)
			}
			// Each request was answered once: none was dropped, none
			// asked twice of the application.
			if got := strings.Join(l.asked(), "\n"); got != wantAsked {
				t.Errorf("requests:\n%s\nwant:\n%s", got, wantAsked)
			}
			// One connection a request at most.
			https := int64(strings.Count(wantAsked, "https "))
			if h := l.hands.Load(); h < 2 || h > https {
				t.Errorf("%d TLS handshakes for %d HTTPS requests", h, https)
			}
		})
	}
}

// An HTTP/2 server gets every request from net/http's Transport, on the
// first connection the session made: no HTTP/1.1 connection of our own,
// one handshake, and the client's counts say what the server saw.
func TestHTTP2UsesTransport(t *testing.T) {
	l := startLab(t, labOptions{handler: noncePage("header")})
	s := l.session(t)
	plans, pick := fixed(Plan{CookiePaths: []string{"/login"}})
	if _, err := s.Observe(context.Background(), site, false, plans, pick); err != nil {
		t.Fatal(err)
	}
	if !l.protos["HTTP/2.0"] || len(l.protos) != 1 {
		t.Errorf("protocols %v, want HTTP/2.0 only", l.protos)
	}
	s.mu.Lock()
	for k, o := range s.origins {
		if k.scheme == "https" && (len(o.conns) != 0 || o.first == nil || !o.first.h2) {
			t.Errorf("origin %+v: %d HTTP/1.1 connections, first %+v; want the Transport's HTTP/2 alone", k, len(o.conns), o.first)
		}
	}
	s.mu.Unlock()
	asked := int64(len(l.asked()))
	if c := s.Counts(); c.Requests != asked || c.Handshakes != 1 || c.Conns != 2 || l.hands.Load() != 1 {
		t.Errorf("counts %+v, server saw %d requests and %d handshakes; want %d requests, 1 handshake, 2 connections (443 and 80)",
			c, asked, l.hands.Load(), asked)
	}
}

// rawTLS is an HTTP/1.1-only server on loopback that answers the first
// request of each connection well and the later ones as then says.
type rawTLS struct {
	addr  string
	hands atomic.Int64
}

func startRawTLS(t *testing.T, ca *replica.CA, then func(c net.Conn, req *http.Request)) *rawTLS {
	t.Helper()
	cert, err := ca.Leaf([]string{"site.test"}, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	s := &rawTLS{addr: ln.Addr().String()}
	acceptAll(t, ln, func(c net.Conn) {
		defer c.Close()
		if err := c.(*tls.Conn).Handshake(); err != nil {
			return
		}
		s.hands.Add(1)
		br := bufio.NewReader(c)
		for n := 0; ; n++ {
			req, err := http.ReadRequest(br)
			if err != nil {
				return
			}
			if n > 0 {
				then(c, req)
				continue
			}
			status, body := 404, "not found"
			if req.URL.Path == "/" {
				status, body = 200, "<!DOCTYPE html><title>site</title>"
			}
			fmt.Fprintf(c, "HTTP/1.1 %d %s\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s", status, http.StatusText(status), len(body), body)
		}
	})
	return s
}

// Hostile servers behind the first response: one that never answers the
// requests pipelined behind it, one that sends garbage, one that sends a
// head past the cap. The scan ends within the timeout, keeps the root, and
// where the server did answer on a connection of its own, keeps that too.
func TestPipelineHostile(t *testing.T) {
	ca, err := replica.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	const timeout = 700 * time.Millisecond
	for _, tc := range []struct {
		name      string
		then      func(c net.Conn, req *http.Request)
		errorPage bool // the error page is seen, asked again on a connection of its own
	}{
		{"never-answers", func(c net.Conn, _ *http.Request) { _, _ = io.Copy(io.Discard, c) }, false},
		{"garbage", func(c net.Conn, _ *http.Request) {
			_, _ = io.WriteString(c, "\x00\x1b[2Jgarbage\r\n\r\n")
			_ = c.Close()
		}, true},
		{"huge-head", func(c net.Conn, _ *http.Request) {
			_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nX-Pad: "+strings.Repeat("a", 2*MaxHeaderBytes)+"\r\n\r\n")
			_ = c.Close()
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startRawTLS(t, ca, tc.then)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			closed := ln.Addr().String()
			_ = ln.Close()
			c := NewClient(Options{Timeout: timeout, RootCAs: ca.Pool(), UserAgent: "hardscan-test",
				Resolve: []Resolve{{"site.test", "443", srv.addr}, {"*", "*", closed}}})
			s := c.Session()
			defer s.CloseIdle()
			plans, pick := fixed(Plan{CookiePaths: []string{"/login"}})
			start := time.Now()
			o, err := s.Observe(context.Background(), site, false, plans, pick)
			took := time.Since(start)
			if took > 3*timeout {
				t.Errorf("the scan took %s with a %s timeout", took.Round(time.Millisecond), timeout)
			}
			var te *TimeoutError
			if err != nil && !tc.errorPage && errors.As(err, &te) {
				// The root went second on the wire: the server never
				// answered it, and the timeout names the step.
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if o.Root == nil || o.Root.Final().Status != 200 || string(o.Root.Body) != "<!DOCTYPE html><title>site</title>" {
				t.Errorf("root %+v, want the first response intact", o.Root)
			}
			if got := o.ErrorPage != nil && o.ErrorPage.Final().Status == 404; got != tc.errorPage {
				t.Errorf("error page %+v, want seen: %v", o.ErrorPage, tc.errorPage)
			}
			if tc.errorPage && (o.CookieChains[0] == nil || o.CookieChains[0].Final().Status != 404) {
				t.Errorf("cookie path %+v, want the 404 a connection of its own gets", o.CookieChains[0])
			}
		})
	}
}
