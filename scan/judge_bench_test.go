package scan

import (
	"bufio"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hardscan/hardscan/scan/profile"
)

// BenchmarkJudge measures judging one recorded Pleroma response under its
// profile: what hardscan adds per target to the requests themselves.
func BenchmarkJudge(b *testing.B) {
	f, err := os.Open(filepath.Join("testdata", "headersets", "pleroma-2.7_hardened-sts_GET-root.http"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	resp, err := http.ReadResponse(bufio.NewReader(f), nil)
	if err != nil {
		b.Fatal(err)
	}
	u, _ := url.Parse("https://example.tld/")
	httpU, _ := url.Parse("http://example.tld/")
	p, err := profile.Builtin("pleroma")
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		o := &Observed{
			URL:      u,
			Root:     &Chain{Hops: []Hop{{URL: u, Status: 200, Header: resp.Header}}, Body: []byte("<html><head><title>x</title></head></html>")},
			HTTP:     &Chain{Hops: []Hop{{URL: httpU, Status: 301, Header: http.Header{}, Location: u}}},
			Verified: true,
		}
		Judge(p, o, now)
	}
}
