package setcookie

import "testing"

// BenchmarkParse parses the recorded session cookies of Pleroma 2.4 and
// Mastodon 4.3.
func BenchmarkParse(b *testing.B) {
	for name, line := range map[string]string{
		"pleroma":  "__Host-pleroma_key=SFMyNTY.g3QAAAABbQAAAAlyZXR1cm5fdG9tAAAAFC93ZWIvZ2V0dGluZy1zdGFydGVk.LF4XPXFvWs3amLIED6i2WRwXeTSWaqouy0X2eGjwB38; path=/; secure; HttpOnly; SameSite=Lax",
		"mastodon": "_mastodon_session=Yk1wR0x1c3VqN2xVbG5ZZ3p4b0tLQ1pVY3k2b2ZWd2hBbDV3S3Yxb3Q4WDdsZz09--bq5N2vH0fE1cXkz4--Jt0c8Yv3h2xQ1m5pR9sLwA%3D%3D; path=/; HttpOnly; SameSite=Lax; secure",
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(line)))
			for b.Loop() {
				c, err := Parse(line)
				if err != nil || !c.Secure {
					b.Fatal(err)
				}
			}
		})
	}
}
