package probe

import (
	"bytes"
	"compress/gzip"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

func brotliOf(t *testing.T, data []byte, quality int) []byte {
	t.Helper()
	var b bytes.Buffer
	w := brotli.NewWriterLevel(&b, quality)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gzipOf(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Brotli bodies (RFC 7932) are decoded as browsers decode them, within the
// same cap on the decoded output as gzip: a small br body that expands to
// gigabytes stops at MaxBodyBytes.
func TestReadBodyBrotli(t *testing.T) {
	page := []byte(`<!DOCTYPE html><meta http-equiv="Content-Security-Policy" content="default-src 'self'">`)
	bomb := brotliOf(t, make([]byte, 256<<20), 1) // 256 MiB of zeros: some hundreds of bytes of br
	if len(bomb) > 64<<10 {
		t.Fatalf("the bomb is %d bytes: not a bomb", len(bomb))
	}
	for _, tc := range []struct {
		name      string
		encoding  string
		body      []byte
		want      []byte // nil: not compared
		wantLen   int
		undecoded bool
		truncated bool
	}{
		{name: "br", encoding: "br", body: brotliOf(t, page, 5), want: page},
		{name: "BR upper case", encoding: "BR", body: brotliOf(t, page, 11), want: page},
		// RFC 9110 §8.4: listed in the order applied, decoded in reverse.
		{name: "gzip then br", encoding: "gzip, br", body: brotliOf(t, gzipOf(t, page), 5), want: page},
		{name: "br then gzip", encoding: "br, gzip", body: gzipOf(t, brotliOf(t, page, 5)), want: page},
		{name: "empty br", encoding: "br", body: nil, want: []byte{}},
		{name: "corrupt br", encoding: "br", body: []byte("\x1b\x00\xf8not brotli at all"), truncated: true},
		{name: "br cut short", encoding: "br", body: brotliOf(t, bytes.Repeat(page, 50), 5)[:40], truncated: true},
		{name: "br bomb", encoding: "br", body: bomb, wantLen: MaxBodyBytes, truncated: true},
		{name: "gzip of a br bomb", encoding: "br, gzip", body: gzipOf(t, bomb), wantLen: MaxBodyBytes, truncated: true},
		// zstd, which browsers also offer, stays undecoded: the raw body is kept.
		{name: "zstd kept raw", encoding: "zstd", body: []byte("\x28\xb5\x2f\xfdzstd"), want: []byte("\x28\xb5\x2f\xfdzstd"), undecoded: true},
		{name: "br then zstd kept raw", encoding: "br, zstd", body: []byte("opaque"), want: []byte("opaque"), undecoded: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t0 := time.Now()
			b := readBody(bytes.NewReader(tc.body), tc.encoding)
			if b.undecoded != tc.undecoded || b.truncated != tc.truncated {
				t.Errorf("undecoded %v truncated %v; want %v %v", b.undecoded, b.truncated, tc.undecoded, tc.truncated)
			}
			if tc.want != nil && !bytes.Equal(b.data, tc.want) {
				t.Errorf("body %q, want %q", b.data, tc.want)
			}
			if tc.wantLen > 0 && len(b.data) != tc.wantLen {
				t.Errorf("body of %d bytes, want %d", len(b.data), tc.wantLen)
			}
			if len(b.data) > MaxBodyBytes {
				t.Errorf("body of %d bytes, over the cap %d", len(b.data), MaxBodyBytes)
			}
			// Decoding stops at the cap rather than expanding the bomb.
			if took := time.Since(t0); took > 5*time.Second {
				t.Errorf("took %s", took)
			}
		})
	}
}

// hardscan offers br as browsers do, so that a server that compresses for
// browsers sends hardscan the same body.
func TestAcceptEncodingOffersWhatIsDecoded(t *testing.T) {
	for _, c := range codings(AcceptEncoding) {
		if b := readBody(bytes.NewReader(nil), c); b.undecoded {
			t.Errorf("Accept-Encoding offers %q, which readBody does not decode", c)
		}
	}
	if !bytes.Contains([]byte(AcceptEncoding), []byte("br")) {
		t.Errorf("Accept-Encoding %q does not offer br", AcceptEncoding)
	}
}
