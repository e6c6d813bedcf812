package probe

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// hold accepts connections and never sends a byte on them.
func hold(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	acceptAll(t, ln, nil)
	return ln.Addr().String()
}

// acceptAll accepts on ln until the test ends, handing each connection to
// serve in a goroutine of its own (nil: holding it silent), and closes ln
// and every connection at cleanup, so that no server outlives its test.
func acceptAll(t *testing.T, ln net.Listener, serve func(net.Conn)) {
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			if serve != nil {
				go serve(c)
			}
		}
	}()
}

// unanswered is a listening socket whose accept queue is full and never
// drained, so that a new connect gets no answer at all; "" where the
// kernel answers it anyway.
func unanswered(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr := (&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: sa.(*syscall.SockaddrInet4).Port}).String()
	// Fill the queue until a connect hangs.
	for range 8 {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			return addr
		}
		t.Cleanup(func() { c.Close() })
	}
	return ""
}

// A timeout names the step the server did not answer (connect, TLS
// handshake, response headers), never the context's "deadline exceeded",
// and a watch hears each step as it starts.
func TestTimeoutNamesTheStep(t *testing.T) {
	l := startLab(t, labOptions{h1: true, handler: func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // takes the request, never answers
	}})
	headers := strings.TrimPrefix(l.https.URL, "https://")
	for _, tc := range []struct {
		name, addr string
		want       Phase
		says       string
	}{
		{"connect", unanswered(t), PhaseConnect, "no answer to the connection within 300ms"},
		{"TLS", hold(t), PhaseTLS, "the TLS handshake did not finish within 300ms"},
		{"headers", headers, PhaseHeaders, "the response headers did not arrive within 300ms"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.addr == "" {
				t.Skip("the kernel answers connects beyond a full accept queue here")
			}
			c := NewClient(Options{Timeout: 300 * time.Millisecond, RootCAs: l.ca.Pool(),
				Resolve: []Resolve{{"site.test", "443", tc.addr}}})
			s := c.Session()
			defer s.CloseIdle()
			var mu sync.Mutex
			var heard []string
			ctx := WithWatch(context.Background(), func(_ uint64, host string, p Phase) {
				mu.Lock()
				heard = append(heard, host+" "+string(p))
				mu.Unlock()
			})
			u, _ := url.Parse("https://site.test/")
			_, _, err := s.once(ctx, u, request{url: u, verify: true}, false)
			var te *TimeoutError
			if !errors.As(err, &te) || te.Phase != tc.want {
				t.Fatalf("err = %v, want a timeout at %s", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.says) || strings.Contains(err.Error(), "deadline") {
				t.Errorf("err = %q, want it to say %q and not the context's words", err, tc.says)
			}
			mu.Lock()
			defer mu.Unlock()
			if n := len(heard); n < 2 || heard[n-2] != "site.test "+string(tc.want) || heard[n-1] != "site.test " {
				t.Errorf("the watch heard %q, want %q last, then the end", heard, tc.want)
			}
		})
	}
}
