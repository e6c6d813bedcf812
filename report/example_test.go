package report_test

import (
	"fmt"
	"os"
	"time"

	"github.com/hardscan/hardscan/report"
	"github.com/hardscan/hardscan/scan"
	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/result"
)

// Write a report as JSON, the format -f json prints. The report here is
// built by hand; package scan's examples fill one from a scan.
func ExampleWrite() {
	rep := scan.NewReport(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	t := result.NewSite("https://social.example/")
	t.Profile = "modern"
	t.Status = 200
	t.Grade = "A"
	t.Headers["x-content-type-options"] = []string{"nosniff"}
	t.Findings = []finding.Finding{{
		ID: "x-content-type-options", Reason: "ok", Severity: finding.Pass,
		Subject: "x-content-type-options", Expected: "nosniff", Actual: "nosniff",
		Message: "X-Content-Type-Options is nosniff",
		Refs:    []string{"https://fetch.spec.whatwg.org/#x-content-type-options-header"},
	}}
	rep.Targets = append(rep.Targets, t)
	rep.DurationMS = 1200
	rep.Finish() // the per-target and the run's summaries

	if err := report.Write(os.Stdout, "json", rep, report.Options{}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// {
	//   "schema_version": 2,
	//   "tool": {
	//     "name": "hardscan",
	//     "version": "0.1.0"
	//   },
	//   "started_at": "2026-01-02T03:04:05Z",
	//   "targets": [
	//     {
	//       "kind": "site",
	//       "url": "https://social.example/",
	//       "profile": "modern",
	//       "software": null,
	//       "error": null,
	//       "grade": "A",
	//       "status": 200,
	//       "tls": null,
	//       "redirects": {
	//         "http": [],
	//         "https": []
	//       },
	//       "headers": {
	//         "x-content-type-options": [
	//           "nosniff"
	//         ]
	//       },
	//       "cookies": [],
	//       "findings": [
	//         {
	//           "id": "x-content-type-options",
	//           "reason": "ok",
	//           "severity": "pass",
	//           "subject": "x-content-type-options",
	//           "expected": "nosniff",
	//           "actual": "nosniff",
	//           "message": "X-Content-Type-Options is nosniff",
	//           "fix": null,
	//           "refs": [
	//             "https://fetch.spec.whatwg.org/#x-content-type-options-header"
	//           ],
	//           "accepted": null
	//         }
	//       ],
	//       "summary": {
	//         "pass": 1,
	//         "info": 0,
	//         "warn": 0,
	//         "fail": 0
	//       }
	//     }
	//   ],
	//   "duration_ms": 1200,
	//   "summary": {
	//     "targets": 1,
	//     "errors": 0,
	//     "pass": 1,
	//     "info": 0,
	//     "warn": 0,
	//     "fail": 0
	//   },
	//   "changes": null
	// }
}

// Formats are the names Write and NewWriter accept, as -f takes them.
func ExampleFormats() {
	fmt.Println(report.Formats())
	// Output:
	// [table json ndjson prometheus junit markdown html nagios]
}

// The format a file's name asks for, as -o picks it, and what the
// registry says of it.
func ExampleForFile() {
	for _, name := range []string{"last.json", "hardscan.prom", "notes.txt"} {
		f, ok := report.ForFile(name)
		if !ok {
			fmt.Println(name, "->", report.DefaultFormat)
			continue
		}
		fmt.Println(name, "->", f.Name, "streams:", f.Streams, "in order:", f.InOrder)
	}
	// Output:
	// last.json -> json streams: true in order: true
	// hardscan.prom -> prometheus streams: false in order: false
	// notes.txt -> table
}
