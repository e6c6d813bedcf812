package scan_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/hardscan/hardscan/report"
	"github.com/hardscan/hardscan/scan"
	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/gate"
	"github.com/hardscan/hardscan/scan/result"
)

// site is a loopback instance: HTTPS with net/http/httptest's own
// certificate (valid for example.com) and a plain-HTTP listener that
// redirects to it. Its Options reach both through Resolve rules, so no
// name is looked up, and trust its CA through RootCAs.
func site() (opt scan.Options, stop func()) {
	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		w.Header()["Date"] = nil // keep the report the same from run to run
		if r.URL.Path != "/" {
			http.NotFound(w, r) // with the same headers: error pages need them too
			return
		}
		fmt.Fprintln(w, "<!doctype html><title>hello</title>")
	}))
	// A scan that ends drops connections the server may still be reading.
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0)
	tlsSrv.StartTLS()
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://example.com"+r.URL.RequestURI(), http.StatusMovedPermanently)
	}))
	opt = scan.DefaultOptions()
	opt.Profile = "modern"
	opt.BackendPort = 0 // no probe of an application server's port
	opt.RootCAs = tlsSrv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	opt.Resolve = []string{
		"example.com:443:" + tlsSrv.Listener.Addr().String(),
		"example.com:80:" + plain.Listener.Addr().String(),
	}
	return opt, func() { tlsSrv.Close(); plain.Close() }
}

// Scan one HTTPS instance and list what it should fix.
func Example() {
	opt, stop := site()
	defer stop()

	s, err := scan.New(opt)
	if err != nil {
		fmt.Println(err)
		return
	}
	u, _ := url.Parse("https://example.com/")
	// Scan does not bound the target's time: the context does.
	ctx, cancel := context.WithTimeout(context.Background(), 2*opt.Timeout+time.Second)
	defer cancel()
	t := s.Scan(ctx, u)
	if t.Error != nil {
		fmt.Println("scan failed:", *t.Error)
		return
	}
	fmt.Println(t.URL, t.Status, "grade", t.Grade)
	for _, f := range t.Findings {
		if f.Severity >= finding.Warn {
			fmt.Println(f.Severity, f.ID, f.Reason)
		}
	}
	// Output:
	// https://example.com/ 200 grade B+
	// warn csp.base-uri absent
	// warn csp.form-action absent
}

// Write the run as the JSON report hardscan -f json prints.
func ExampleNewReport() {
	opt, stop := site()
	defer stop()

	s, err := scan.New(opt)
	if err != nil {
		fmt.Println(err)
		return
	}
	// A fixed clock, for the example's output.
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s.Now = func() time.Time { return start }
	rep := scan.NewReport(start)
	for _, raw := range []string{"https://example.com/"} {
		u, _ := url.Parse(raw)
		ctx, cancel := context.WithTimeout(context.Background(), 2*opt.Timeout+time.Second)
		rep.Targets = append(rep.Targets, s.Scan(ctx, u))
		cancel()
	}
	rep.Finish()

	var out strings.Builder
	if err := report.Write(&out, "json", rep, report.Options{}); err != nil {
		fmt.Println(err)
		return
	}
	// The report's opening and its summary:
	head, _, _ := strings.Cut(out.String(), `  "targets"`)
	fmt.Print(head)
	_, tail, _ := strings.Cut(out.String(), "\n  \"duration_ms\"")
	fmt.Print(`  "duration_ms"`, tail)
	// Output:
	// {
	//   "schema_version": 2,
	//   "tool": {
	//     "name": "hardscan",
	//     "version": "0.1.0"
	//   },
	//   "started_at": "2026-01-02T03:04:05Z",
	//   "duration_ms": 0,
	//   "summary": {
	//     "targets": 1,
	//     "errors": 0,
	//     "pass": 16,
	//     "info": 6,
	//     "warn": 2,
	//     "fail": 0
	//   },
	//   "changes": null
	// }
}

// Run a list of targets, in input order, into a sink, and end with the
// exit status hardscan would give.
func ExampleScanner_Run() {
	opt, stop := site()
	defer stop()

	s, err := scan.New(opt)
	if err != nil {
		fmt.Println(err)
		return
	}
	// A list as -i reads it: a duplicate is scanned once, a bad line is a
	// target that could not be scanned.
	list := scan.URLs("example.com", "https://example.com/", "ftp://example.com/")
	sink := scan.SinkFunc(func(t *result.Target) error {
		if t.Error != nil {
			fmt.Println(t.Index, "error:", *t.Error)
			return nil
		}
		fmt.Println(t.Index, t.URL, "grade", t.Grade, "warn", t.Summary.Warn)
		return nil
	})
	st, err := s.Run(context.Background(), list, sink, scan.RunOptions{Concurrency: 4, InOrder: true, Gate: gate.At(finding.Warn)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("targets", st.Summary.Targets, "errors", st.Summary.Errors, "exit", st.Code())
	// Output:
	// 0 https://example.com/ grade B+ warn 2
	// 1 error: bad URL ftp://example.com/: scheme "ftp" is not supported: hardscan scans https:// (and probes http://)
	// targets 2 errors 1 exit 3
}

// Stream the targets of a list as NDJSON lines while they are scanned:
// the sink is any writer of targets.
func ExampleSinkFunc() {
	opt, stop := site()
	defer stop()

	s, err := scan.New(opt)
	if err != nil {
		fmt.Println(err)
		return
	}
	var lines strings.Builder
	w, err := report.NewWriter(&lines, "ndjson", report.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	st, err := s.Run(context.Background(), scan.URLs("example.com"), scan.SinkFunc(w.Target), scan.RunOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.Count(lines.String(), "\n"), "line; fail-on fail exit", st.Code())
	// Output:
	// 1 line; fail-on fail exit 0
}

// Read targets from a list as -i does: comments and blank lines are
// skipped, and a line that is no target is an Input with its error, which
// Run reports as a target that could not be scanned.
func ExampleList() {
	list := scan.NewList(strings.NewReader(`# our instances
social.example
https://other.example:8443/  # the staging one

gopher://old.example/
`), "instances.txt")
	if err := list.Peek(); err != nil { // empty or unreadable: before any scan
		fmt.Println(err)
		return
	}
	for in := range list.All() {
		if in.Err != nil {
			fmt.Printf("line %d: %v\n", in.Line, in.Err)
			continue
		}
		fmt.Printf("line %d: %s\n", in.Line, in.URL)
	}
	// Output:
	// line 2: https://social.example/
	// line 3: https://other.example:8443/
	// line 5: bad URL gopher://old.example/: scheme "gopher" is not supported: hardscan scans https:// (and probes http://)
}
