package csp

import (
	"bufio"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// benchHeader reads the recorded response testdata/responses/name.
func benchHeader(b *testing.B, name string) http.Header {
	b.Helper()
	f, err := os.Open(filepath.Join("testdata", "responses", name))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	resp, err := http.ReadResponse(bufio.NewReader(f), nil)
	if err != nil {
		b.Fatal(err)
	}
	return resp.Header
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
