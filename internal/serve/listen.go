package serve

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"golang.org/x/net/netutil"
)

// Limits of the exporter's own HTTP server, so that clients that are slow
// or large on purpose cannot stop it serving Prometheus.
const (
	// DefaultMaxConns is the cap on connections accepted at once: above
	// 500 concurrent probes, with room for /metrics, and well under the
	// descriptors a process gets.
	DefaultMaxConns = 1024
	// DefaultHeaderTimeout bounds the time a client takes to send a
	// request's headers: Prometheus sends them in one packet, a client
	// that drips them one byte at a time (slowloris) is cut off.
	DefaultHeaderTimeout = 5 * time.Second
	// MaxHeaderBytes caps a request's line and headers: more gets 431.
	MaxHeaderBytes = 32 << 10
	// MaxURIBytes caps the request target (path and query): a longer one
	// gets 414. A /probe URL needs a fraction of it.
	MaxURIBytes = 8 << 10
	// idleTimeout closes a kept-alive connection no scrape has used for
	// longer than Prometheus' usual intervals.
	idleTimeout = 2 * time.Minute
)

// Serve answers on ln until ctx ends, then lets the probes under way
// finish for up to five seconds.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := s.HTTPServer()
	done := make(chan error, 1)
	go func() { done <- hs.Serve(netutil.LimitListener(ln, s.cfg.MaxConns)) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shut); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// HTTPServer is the exporter's http.Server with its limits: headers within
// HeaderTimeout, a response within the longest probe and a margin.
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{
		Handler:           limitURI(s.Handler()),
		ReadHeaderTimeout: s.cfg.HeaderTimeout,
		ReadTimeout:       2 * s.cfg.HeaderTimeout,
		WriteTimeout:      2*s.cfg.Scan.Timeout + time.Second + 10*time.Second,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
	}
}

// limitURI answers 414 to a request target longer than MaxURIBytes.
func limitURI(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.RequestURI) > MaxURIBytes {
			w.Header().Set("Connection", "close")
			http.Error(w, "hardscan: request URI too long", http.StatusRequestURITooLong)
			return
		}
		h.ServeHTTP(w, r)
	})
}
