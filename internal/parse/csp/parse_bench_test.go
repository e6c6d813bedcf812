package csp

import (
	"net/http"
	"testing"

	replica "github.com/hardscan/hardscan/internal/replica"
)

// benchHeader reads a recorded response of the fixtures.
func benchHeader(b *testing.B, name string) http.Header {
	b.Helper()
	rec, err := replica.Response(name)
	if err != nil {
		b.Fatal(err)
	}
	return rec.Header
}

// BenchmarkParseList parses the recorded policies of Pleroma, Akkoma and
// Mastodon: the CSP parse of one scanned response.
func BenchmarkParseList(b *testing.B) {
	for _, name := range []string{
		"pleroma-2.7_default_GET-root.http",
		"akkoma-2025.10_default_GET-root.http",
		"mastodon-4.3_nginx_GET-root.http",
	} {
		value := benchHeader(b, name).Get("Content-Security-Policy")
		if value == "" {
			b.Fatalf("%s has no CSP", name)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(value)))
			for b.Loop() {
				if len(ParseList(value)) != 1 {
					b.Fatal("want one policy")
				}
			}
		})
	}
}
