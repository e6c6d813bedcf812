package probe

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRawHeaderFallback serves header values with control bytes Go's
// reader refuses and browsers keep (Fetch: a header value excludes only
// NUL, CR and LF): the chain must carry them as sent, and a NUL must still
// fail the response as it does in browsers.
func TestRawHeaderFallback(t *testing.T) {
	tests := []struct {
		name, value string
		want        string // the value the hop must carry
		fail        bool
	}{
		{"X-Content-Type-Options", "nosniff\f", "nosniff\f", false},
		{"X-Frame-Options", "\x0bDENY", "\x0bDENY", false},
		{"X-Custom", "a\x01b\x7f", "a\x01b\x7f", false},
		{"X-Custom", "a\x00b", "", true},
	}
	for _, tt := range tests {
		t.Run(strconv.Quote(tt.value), func(t *testing.T) {
			body := "<!doctype html><title>x</title>"
			raw := "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + tt.name + ": " + tt.value + "\r\n" +
				"Set-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-Folded: one\r\n two\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
			addr := serveRaw(t, raw)
			c := NewClient(Options{Timeout: 5 * time.Second, Resolve: []Resolve{{"site.test", "80", addr}, {"*", "*", "127.0.0.1:1"}}})
			s := c.Session()
			defer s.CloseIdle()
			ch, err := s.get(context.Background(), request{url: &url.URL{Scheme: "http", Host: "site.test", Path: "/"}, readBody: true})
			if tt.fail {
				if err == nil || !strings.Contains(err.Error(), "NUL") {
					t.Fatalf("get = %v, %v; want an error naming the NUL", ch, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			h := ch.Final()
			if got := h.Header.Values(tt.name); len(got) != 1 || got[0] != tt.want {
				t.Errorf("%s = %q, want %q", tt.name, got, tt.want)
			}
			if got := h.Header.Values("Set-Cookie"); len(got) != 2 {
				t.Errorf("Set-Cookie = %q, want the two lines apart", got)
			}
			if got := h.Header.Get("X-Folded"); got != "one two" {
				t.Errorf("folded header = %q, want %q", got, "one two")
			}
			if string(ch.Body) != body || h.Status != 200 {
				t.Errorf("status %d body %q, want 200 %q", h.Status, ch.Body, body)
			}
		})
	}
}

// serveRaw answers every connection with raw after reading its request.
func serveRaw(t *testing.T, raw string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	acceptAll(t, ln, func(c net.Conn) {
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
			return
		}
		_, _ = c.Write([]byte(raw))
	})
	return ln.Addr().String()
}

// TestRawHeaderFallbackHTTPS takes the same path over verified TLS.
func TestRawHeaderFallbackHTTPS(t *testing.T) {
	l := startLab(t, labOptions{h1: true, handler: func(w http.ResponseWriter, r *http.Request) {
		w.Header()["X-Content-Type-Options"] = []string{"nosniff\f"}
		_, _ = w.Write([]byte("<!doctype html>"))
	}})
	s := l.session(t)
	ch, err := s.get(context.Background(), request{url: &url.URL{Scheme: "https", Host: "site.test", Path: "/"}, verify: true, readBody: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := ch.Final().Header.Get("X-Content-Type-Options"); got != "nosniff\f" || ch.Final().TLS == nil {
		t.Errorf("X-Content-Type-Options = %q (TLS %v), want %q over TLS", got, ch.Final().TLS != nil, "nosniff\f")
	}
}
