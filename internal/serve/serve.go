// Package serve is hardscan's Prometheus exporter, in the pattern of
// blackbox_exporter: GET /probe?target=URL scans that one target, within
// the scrape timeout Prometheus sends, and answers with the same series as
// -f prometheus. It keeps no state between probes (each has its own
// connections and its own scanner), so several exporters behind
// Prometheus' hashmod relabelling can share one long target list.
//
// It scans only hosts that --allow names, follows redirects only to such
// hosts, and connects to no loopback, private, link-local or other
// special-purpose address unless the operator opens it (AllowPrivate,
// AllowNets), checked at every dial after name resolution: so that it
// cannot be turned into an open proxy or a scanner of the network it runs
// in. It runs at most MaxProbes scans at once.
package serve

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"maps"
	"net/http"
	"net/netip"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/internal/probe"
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
	// Scan are the target and client options, as a scan's: Profile for
	// probes without &profile=, Timeout for each request (a probe without
	// a scrape timeout header gets twice that and a second; 0 is 10s).
	// AllowRedirect is set here; Guard, when set, is asked after the
	// address policy, for the connections it lets through.
	Scan scan.Options
	// AllowPrivate lets probes connect to special-purpose addresses
	// (probe.Classify) as to public ones; AllowNets lets them connect to
	// those in these networks.
	AllowPrivate bool
	AllowNets    []netip.Prefix
	// MaxConns bounds the connections the exporter accepts at once (0:
	// DefaultMaxConns); HeaderTimeout bounds the time a client takes to
	// send a request's headers (0: DefaultHeaderTimeout).
	MaxConns      int
	HeaderTimeout time.Duration
	// TimeoutOffset is how long before the scrape timeout a probe answers
	// (0: DefaultTimeoutOffset): more on a loaded machine, where reading
	// a request and writing its answer take longer.
	TimeoutOffset time.Duration
	// Version is hardscan's, for the report and the build info.
	Version string
}

// DefaultTimeoutOffset is kept free of the scrape timeout, as
// blackbox_exporter's --timeout-offset, so that the answer reaches
// Prometheus before it gives up.
const DefaultTimeoutOffset = 500 * time.Millisecond

// Server answers /probe, /metrics and /.
type Server struct {
	cfg     Config
	scanner *scan.Scanner
	slots   chan struct{}

	inFlight atomic.Int64
	mu       sync.Mutex
	results  map[string]float64 // probes by result
	refused  map[string]float64 // probes refused a connection or a redirect, by reason
	seconds  float64            // time spent probing
}

// New checks cfg and returns its server.
func New(cfg Config) (*Server, error) {
	if len(cfg.Allow) == 0 {
		return nil, fmt.Errorf("no --allow pattern: the exporter would scan nothing")
	}
	allow := make([]string, len(cfg.Allow))
	for i, p := range cfg.Allow {
		if _, err := path.Match(p, "example.org"); err != nil {
			return nil, fmt.Errorf("--allow %q: %w", p, err)
		}
		n, err := normalPattern(p)
		if err != nil {
			return nil, err
		}
		allow[i] = n
	}
	cfg.Allow = allow
	if cfg.MaxProbes < 1 {
		return nil, fmt.Errorf("at most %d probes at once: want 1 or more", cfg.MaxProbes)
	}
	if cfg.Scan.Timeout <= 0 {
		cfg.Scan.Timeout = 10 * time.Second
	}
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = DefaultMaxConns
	}
	if cfg.HeaderTimeout <= 0 {
		cfg.HeaderTimeout = DefaultHeaderTimeout
	}
	if cfg.TimeoutOffset <= 0 {
		cfg.TimeoutOffset = DefaultTimeoutOffset
	}
	s := &Server{
		cfg:     cfg,
		slots:   make(chan struct{}, cfg.MaxProbes),
		results: map[string]float64{},
		refused: map[string]float64{},
	}
	policy := probe.AddrPolicy{AllowSpecial: cfg.AllowPrivate, Allow: cfg.AllowNets}
	next := cfg.Scan.Guard
	cfg.Scan.Guard = func(ctx context.Context, addr netip.AddrPort) error {
		if err := policy.Check(addr); err != nil {
			if rec, ok := ctx.Value(refusalsKey{}).(*refusals); ok {
				rec.add(err)
			}
			return err
		}
		if next != nil {
			return next(ctx, addr)
		}
		return nil
	}
	cfg.Scan.AllowRedirect = func(to *url.URL) bool {
		host, _, err := hostOf(to)
		return err == nil && s.Allowed(host)
	}
	scanner, err := scan.New(cfg.Scan)
	if err != nil {
		return nil, err
	}
	s.scanner = scanner
	return s, nil
}

// reasonOutsideAllow is the judge's reason for a redirect chain stopped
// at a host --allow does not match.
const reasonOutsideAllow = "outside-allow"

// refusalsKey carries a probe's *refusals in the context its requests
// are made with, down to the dialer's guard.
type refusalsKey struct{}

// refusals are the connections one probe's address policy refused.
type refusals struct {
	mu      sync.Mutex
	first   error
	classes map[string]bool
}

func (r *refusals) add(err error) {
	var re *probe.RefusedError
	if !errors.As(err, &re) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.first == nil {
		r.first = re
		r.classes = map[string]bool{}
	}
	r.classes[re.Class] = true
}

// Handler routes the exporter's three pages.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /probe", s.probe)
	mux.HandleFunc("GET /metrics", s.metrics)
	mux.HandleFunc("GET /{$}", s.index)
	return mux
}

// Allowed reports whether host matches an --allow pattern; case and a
// trailing dot do not matter. Targets and redirects are read by hostOf
// first, as a browser reads them.
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
	u, err := scan.ParseTarget(raw)
	var host string
	if err == nil {
		u, host, err = canonical(u)
	}
	if err != nil {
		s.count("bad_request", 0)
		http.Error(w, "hardscan: "+err.Error(), http.StatusBadRequest)
		return
	}
	if !s.Allowed(host) {
		s.count("denied", 0)
		http.Error(w, "hardscan: "+host+" is not matched by --allow", http.StatusForbidden)
		return
	}
	scanner := s.scanner
	if name := q.Get("profile"); name != "" {
		// Built-in profiles only: a file name from a URL is not ours to read.
		if scanner, err = s.scanner.WithProfile(name); err != nil {
			s.count("bad_request", 0)
			http.Error(w, "hardscan: profile "+strconv.Quote(name)+": want auto or "+strings.Join(scan.Profiles(), ", "), http.StatusBadRequest)
			return
		}
	}

	rec := &refusals{}
	// The slot and the scan share the probe's budget: the scan gets what
	// waiting for a slot left of it.
	pctx := context.WithValue(r.Context(), refusalsKey{}, rec)
	deadline := start.Add(s.budget(r))
	ctx, cancel := context.WithDeadline(pctx, deadline)
	defer cancel()
	select {
	case s.slots <- struct{}{}:
		if ctx.Err() != nil { // both were ready: select picked the slot
			<-s.slots
			s.busy(w, start)
			return
		}
	case <-ctx.Done():
		s.busy(w, start)
		return
	}
	s.inFlight.Add(1)
	// The command's runner, for one target: its deadline makes the target
	// one that could not be scanned, not the end of the run.
	rep := scan.NewReport(start)
	st, err := scanner.Run(pctx, func(yield func(scan.Input) bool) { yield(scan.Input{URL: u, Raw: raw}) },
		scan.SinkFunc(func(t *result.Target) error { rep.Targets = append(rep.Targets, t); return nil }),
		scan.RunOptions{Timeout: max(time.Until(deadline), time.Nanosecond)}) // 0 would be Run's default
	s.inFlight.Add(-1)
	<-s.slots
	if err != nil || len(rep.Targets) != 1 {
		// The client went away (its own timeout): nobody reads an answer.
		s.count("failure", time.Since(start))
		http.Error(w, "hardscan: the probe was cancelled", http.StatusServiceUnavailable)
		return
	}
	rep.Summary = st.Summary
	rep.DurationMS = time.Since(start).Milliseconds()
	t := rep.Targets[0]
	var buf bytes.Buffer
	if err := report.Write(&buf, "prometheus", rep, report.Options{}); err != nil {
		s.count("failure", time.Since(start))
		http.Error(w, "hardscan: "+err.Error(), http.StatusInternalServerError)
		return
	}
	s.countRefused(rec, t)
	switch {
	case t.Error != nil && rec.first != nil:
		// The target itself is out of bounds, as a host --allow does not
		// match is: the operator's policy, not the target, failed the scan.
		s.count("refused", time.Since(start))
		http.Error(w, fmt.Sprintf("hardscan: %s: %v; the exporter connects to such addresses only with --allow-private or --allow-net", host, rec.first), http.StatusForbidden)
		return
	case t.Error != nil:
		s.count("failure", time.Since(start))
	default:
		s.count("success", time.Since(start))
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_, _ = w.Write(buf.Bytes())
}

// countRefused counts each reason a probe was refused a connection or a
// redirect once.
func (s *Server) countRefused(rec *refusals, t *result.Target) {
	rec.mu.Lock()
	reasons := maps.Clone(rec.classes)
	rec.mu.Unlock()
	if reasons == nil {
		reasons = map[string]bool{}
	}
	for _, f := range t.Findings {
		if f.ID == check.RedirectStopped && f.Reason == reasonOutsideAllow {
			reasons[reasonOutsideAllow] = true
		}
	}
	s.mu.Lock()
	for r := range reasons {
		s.refused[r]++
	}
	s.mu.Unlock()
}

// busy answers a probe that found no free slot before its deadline.
func (s *Server) busy(w http.ResponseWriter, start time.Time) {
	s.count("busy", time.Since(start))
	http.Error(w, "hardscan: too many probes at once, none free before the scrape timeout", http.StatusServiceUnavailable)
}

// budget is the time a probe may take: the scrape timeout Prometheus
// sends, less the offset, and never more than a scan's own bound.
func (s *Server) budget(r *http.Request) time.Duration {
	own := 2*s.cfg.Scan.Timeout + time.Second
	v, err := strconv.ParseFloat(r.Header.Get("X-Prometheus-Scrape-Timeout-Seconds"), 64)
	if err != nil || v <= 0 {
		return own
	}
	off := s.cfg.TimeoutOffset
	d := time.Duration(v*float64(time.Second)) - off
	return min(max(d, min(off, DefaultTimeoutOffset)), own)
}

// metrics writes the exporter's own metrics.
func (s *Server) metrics(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	var probes []report.Sample
	for _, res := range []string{"success", "failure", "denied", "refused", "bad_request", "busy"} {
		probes = append(probes, report.Sample{Value: s.results[res], Labels: []string{"result", res}})
	}
	var refused []report.Sample
	for _, r := range append(slices.Clone(probe.Classes), reasonOutsideAllow) {
		refused = append(refused, report.Sample{Value: s.refused[r], Labels: []string{"reason", r}})
	}
	seconds := s.seconds
	s.mu.Unlock()
	var buf bytes.Buffer
	report.WriteFamily(&buf, "hardscan_exporter_probes_total", "counter", "Probes answered, by result: success, failure (the target could not be scanned), denied (not matched by --allow), refused (its address is one the exporter does not connect to), bad_request, busy (no free slot before the scrape timeout).", probes...)
	report.WriteFamily(&buf, "hardscan_exporter_probes_refused_total", "counter", "Probes refused a connection or a redirect, by reason: the address class (loopback, private, link-local, cgnat, multicast, unspecified, reserved) without --allow-private or --allow-net, or outside-allow (a redirect to a host --allow does not match).", refused...)
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
