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
