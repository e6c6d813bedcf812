package sts

import "testing"

// BenchmarkParse parses Strict-Transport-Security values as recorded
// (Pleroma with sts: true, Mastodon) and one preload-ready value.
func BenchmarkParse(b *testing.B) {
	for name, value := range map[string]string{
		"pleroma":  "max-age=31536000; includeSubDomains",
		"mastodon": "max-age=63072000; includeSubDomains",
		"preload":  "max-age=63072000; includeSubDomains; preload",
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(value); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
