package judge

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/hardscan/hardscan/internal/probe"
	"github.com/hardscan/hardscan/internal/profile"
	replica "github.com/hardscan/hardscan/internal/replica"
)

// BenchmarkJudge measures judging one recorded Pleroma response under its
// profile: what hardscan adds per target to the requests themselves.
func BenchmarkJudge(b *testing.B) {
	rec, err := replica.Response("pleroma-2.7_hardened-sts_GET-root.http")
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
		o := &probe.Observed{
			URL:      u,
			Root:     &probe.Chain{Hops: []probe.Hop{{URL: u, Status: 200, Header: rec.Header}}, Body: []byte("<html><head><title>x</title></head></html>")},
			HTTP:     &probe.Chain{Hops: []probe.Hop{{URL: httpU, Status: 301, Header: http.Header{}, Location: u}}},
			Verified: true,
		}
		Site(p, o, now)
	}
}
