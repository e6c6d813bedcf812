package header

import (
	"net/http"
	"testing"

	replica "github.com/hardscan/hardscan/internal/replica"
)

func benchHeader(b *testing.B, name string) http.Header {
	b.Helper()
	rec, err := replica.Response(name)
	if err != nil {
		b.Fatal(err)
	}
	return rec.Header
}

var benchResponses = []string{
	"pleroma-2.7_default_GET-root.http",
	"akkoma-2025.10_default_GET-root.http",
	"mastodon-4.3_nginx_GET-root.http",
}

// BenchmarkParseReferrerPolicy parses the recorded Referrer-Policy values.
func BenchmarkParseReferrerPolicy(b *testing.B) {
	for _, name := range benchResponses {
		values := benchHeader(b, name).Values("Referrer-Policy")
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = ParseReferrerPolicy(values)
			}
		})
	}
}

// BenchmarkParsePermissionsPolicy parses the recorded Permissions-Policy
// (Pleroma's interest-cohort=()) and a longer real-world policy.
func BenchmarkParsePermissionsPolicy(b *testing.B) {
	cases := map[string][]string{
		"pleroma": benchHeader(b, "pleroma-2.7_default_GET-root.http").Values("Permissions-Policy"),
		"long":    {`accelerometer=(), camera=(), geolocation=(self "https://maps.example"), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=(), interest-cohort=()`},
	}
	for name, values := range cases {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParsePermissionsPolicy(values); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkJudge judges every header of a recorded response against an
// empty expectation: the per-response cost of the header checks.
func BenchmarkJudge(b *testing.B) {
	for _, name := range benchResponses {
		in := Input{Header: benchHeader(b, name)}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = Judge(in, Expect{})
			}
		})
	}
}
