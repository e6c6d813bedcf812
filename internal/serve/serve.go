// Package serve is hardscan's Prometheus exporter, in the pattern of
// blackbox_exporter: GET /probe?target=URL scans that one target, within
// the scrape timeout Prometheus sends, and answers with the same series as
// -f prometheus. It keeps no state between probes (each has its own
// connections and its own scanner), so several exporters behind
// Prometheus' hashmod relabelling can share one long target list.
//
// It scans only hosts that --allow names, so that it cannot be turned into
// an open proxy or a port scanner of the network it runs in, and it runs
// at most MaxProbes scans at once.
package serve

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hardscan/hardscan/internal/probe"
	"github.com/hardscan/hardscan/internal/profile"
	"github.com/hardscan/hardscan/report"
	"github.com/hardscan/hardscan/scan"
	"github.com/hardscan/hardscan/scan/result"
)

// Config is one exporter, validated by the command line.
type Config struct {
	// Allow are host globs (path.Match syntax, matched against the
	// target's lower-case host name without its port); at least one.
	Allow []string
	// MaxProbes bounds the scans running at once.
	MaxProbes int
	// Timeout bounds each request of a scan, as --timeout does; a probe
	// without a scrape timeout header gets twice that and a second.
	Timeout time.Duration
	// Scan are the client's options (Timeout is set from Timeout).
	Scan probe.Options
	// Profile is the profile a probe without &profile= is judged by; nil
	// is auto.
	Profile *profile.Profile
	// BackendPort overrides the profile's when >= 0, as --backend-port.
	BackendPort int
	// ParseTarget reads the target parameter as the command line reads a
	// URL.
	ParseTarget func(string) (*url.URL, error)
	// Version is hardscan's, for the report and the build info.
	Version string
}

// timeoutOffset is kept free of the scrape timeout, as blackbox_exporter
// does, so that the answer reaches Prometheus before it gives up.
const timeoutOffset = 500 * time.Millisecond

// Server answers /probe, /metrics and /.
type Server struct {
	cfg    Config
	client *probe.Client
	slots  chan struct{}

	inFlight atomic.Int64
	mu       sync.Mutex
	results  map[string]float64 // probes by result
	seconds  float64            // time spent probing
}

// New checks cfg and returns its server.
func New(cfg Config) (*Server, error) {
	if len(cfg.Allow) == 0 {
		return nil, fmt.Errorf("no --allow pattern: the exporter would scan nothing")
	}
	for i, p := range cfg.Allow {
		p = strings.ToLower(p)
		if _, err := path.Match(p, "example.org"); err != nil {
			return nil, fmt.Errorf("--allow %q: %w", p, err)
		}
		cfg.Allow[i] = p
	}
	if cfg.MaxProbes < 1 {
		return nil, fmt.Errorf("at most %d probes at once: want 1 or more", cfg.MaxProbes)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	cfg.Scan.Timeout = cfg.Timeout
	return &Server{
		cfg:     cfg,
		client:  probe.NewClient(cfg.Scan),
		slots:   make(chan struct{}, cfg.MaxProbes),
		results: map[string]float64{},
	}, nil
}

// Handler routes the exporter's three pages.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /probe", s.probe)
	mux.HandleFunc("GET /metrics", s.metrics)
	mux.HandleFunc("GET /{$}", s.index)
	return mux
}

// Allowed reports whether host matches an --allow pattern.
func (s *Server) Allowed(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	for _, p := range s.cfg.Allow {
		if ok, _ := path.Match(p, host); ok {
			return true
		}
	}
	return false
}

func (s *Server) count(result string, took time.Duration) {
	s.mu.Lock()
	s.results[result]++
	s.seconds += took.Seconds()
	s.mu.Unlock()
}

// probe scans one target and answers with its series. A target that
// cannot be scanned in time is still a 200 with hardscan_scan_success 0,
// as blackbox_exporter answers probe_success 0: the scrape worked.
func (s *Server) probe(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	q := r.URL.Query()
	raw := q.Get("target")
	if raw == "" {
		s.count("bad_request", 0)
		http.Error(w, "hardscan: /probe needs ?target=URL", http.StatusBadRequest)
		return
	}
	u, err := s.cfg.ParseTarget(raw)
	if err != nil {
		s.count("bad_request", 0)
		http.Error(w, "hardscan: "+err.Error(), http.StatusBadRequest)
		return
	}
	if !s.Allowed(u.Hostname()) {
		s.count("denied", 0)
		http.Error(w, "hardscan: "+u.Hostname()+" is not matched by --allow", http.StatusForbidden)
		return
	}
	prof := s.cfg.Profile
	if name := q.Get("profile"); name != "" && name != "auto" {
		// Built-in profiles only: a file name from a URL is not ours to read.
		p, err := profile.Builtin(name)
		if err != nil {
			s.count("bad_request", 0)
			http.Error(w, "hardscan: profile "+strconv.Quote(name)+": want auto or "+strings.Join(profile.Names(), ", "), http.StatusBadRequest)
			return
		}
		prof = p
	} else if name == "auto" {
		prof = nil
	}

	ctx, cancel := context.WithTimeout(r.Context(), s.budget(r))
	defer cancel()
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		s.count("busy", time.Since(start))
		http.Error(w, "hardscan: too many probes at once, none free before the scrape timeout", http.StatusServiceUnavailable)
		return
	}
	s.inFlight.Add(1)
	scanner := &scan.Scanner{Client: s.client, Profile: prof, BackendPort: s.cfg.BackendPort}
	t := scanner.Scan(ctx, u)
	s.inFlight.Add(-1)
	<-s.slots

	rep := &result.Report{
		SchemaVersion: result.SchemaVersion,
		Tool:          result.Tool{Name: "hardscan", Version: s.cfg.Version},
		StartedAt:     start.UTC().Truncate(time.Second),
		Targets:       []*result.Target{t},
		DurationMS:    time.Since(start).Milliseconds(),
	}
	rep.Finish()
	var buf bytes.Buffer
	if err := report.Write(&buf, "prometheus", rep, report.Options{}); err != nil {
		s.count("failure", time.Since(start))
		http.Error(w, "hardscan: "+err.Error(), http.StatusInternalServerError)
		return
	}
	if t.Error != nil {
		s.count("failure", time.Since(start))
	} else {
		s.count("success", time.Since(start))
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_, _ = w.Write(buf.Bytes())
}

// budget is the time a probe may take: the scrape timeout Prometheus
// sends, less timeoutOffset, and never more than a scan's own bound.
func (s *Server) budget(r *http.Request) time.Duration {
	own := 2*s.cfg.Timeout + time.Second
	v, err := strconv.ParseFloat(r.Header.Get("X-Prometheus-Scrape-Timeout-Seconds"), 64)
	if err != nil || v <= 0 {
		return own
	}
	d := time.Duration(v*float64(time.Second)) - timeoutOffset
	return min(max(d, timeoutOffset), own)
}

// metrics writes the exporter's own metrics.
func (s *Server) metrics(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	var probes []report.Sample
	for _, res := range []string{"success", "failure", "denied", "bad_request", "busy"} {
		probes = append(probes, report.Sample{Value: s.results[res], Labels: []string{"result", res}})
	}
	seconds := s.seconds
	s.mu.Unlock()
	var buf bytes.Buffer
	report.WriteFamily(&buf, "hardscan_exporter_probes_total", "counter", "Probes answered, by result: success, failure (the target could not be scanned), denied (not matched by --allow), bad_request, busy (no free slot before the scrape timeout).", probes...)
	report.WriteFamily(&buf, "hardscan_exporter_probe_seconds_total", "counter", "Time spent answering probes.", report.Sample{Value: seconds})
	report.WriteFamily(&buf, "hardscan_exporter_probes_in_flight", "gauge", "Scans running now.", report.Sample{Value: float64(s.inFlight.Load())})
	report.WriteFamily(&buf, "hardscan_exporter_max_probes", "gauge", "Scans allowed at once (--concurrency).", report.Sample{Value: float64(s.cfg.MaxProbes)})
	report.WriteFamily(&buf, "hardscan_exporter_build_info", "gauge", "hardscan's version (always 1).", report.Sample{Value: 1, Labels: []string{"version", s.cfg.Version}})
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_, _ = w.Write(buf.Bytes())
}

// index is a short page for a person who opens the exporter in a browser.
func (s *Server) index(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	fmt.Fprintf(w, `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>hardscan exporter</title></head>
<body><h1>hardscan exporter</h1>
<p>hardscan %s checks whether a web instance is hardened. Prometheus scrapes
<code>/probe?target=URL</code> (optionally <code>&amp;profile=NAME</code>) for one target's series;
<a href="/metrics">/metrics</a> has the exporter's own.</p>
<form action="/probe"><label>target <input name="target" placeholder="social.example"></label> <button>probe</button></form>
</body></html>
`, html.EscapeString(s.cfg.Version))
}
