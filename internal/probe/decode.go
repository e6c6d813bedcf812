package probe

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"io"
	"strings"

	"github.com/andybalholm/brotli"
)

// AcceptEncoding is what hardscan can decode, sent with every request as a
// browser sends its own list: servers that compress only for clients that
// ask must be judged on the body a browser reads, and a server (or a CDN's
// cache) may keep a br variant of a page apart from its gzip one. Browsers
// also offer zstd, which hardscan cannot decode; a server that sends it
// anyway gets response.truncated (undecoded).
const AcceptEncoding = "gzip, deflate, br"

// body is what readBody read of a response.
type body struct {
	data      []byte
	truncated bool   // longer than MaxBodyBytes (decoded or raw), or cut short
	encoding  string // the Content-Encoding as sent, lower case; "" for none
	undecoded bool   // a coding hardscan cannot decode: data is the raw body
}

// codings parses a Content-Encoding field value (RFC 9110 §8.4): a list of
// codings in the order they were applied; identity is no coding.
func codings(value string) []string {
	var out []string
	for _, c := range strings.Split(value, ",") {
		c = strings.ToLower(strings.TrimSpace(c))
		if c != "" && c != "identity" {
			out = append(out, c)
		}
	}
	return out
}

// readBody reads at most MaxBodyBytes of r's decoded content. Both sides are
// capped: the raw body at MaxBodyBytes, so that a body of padding that
// decodes to nothing is not read forever, and the decoded output at
// MaxBodyBytes, so that a small compressed bomb does not become gigabytes.
func readBody(r io.Reader, contentEncoding string) body {
	cs := codings(contentEncoding)
	b := body{encoding: strings.Join(cs, ", ")}
	raw := &io.LimitedReader{R: r, N: MaxBodyBytes + 1}
	var dec io.Reader = raw
	for i := len(cs) - 1; i >= 0 && !b.undecoded; i-- {
		switch cs[i] {
		case "gzip", "x-gzip":
			dec = &lazy{open: func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }, r: dec}
		case "deflate":
			dec = &lazy{open: openDeflate, r: dec}
		case "br":
			dec = &lazy{open: func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil }, r: dec}
		default:
			b.undecoded = true
		}
	}
	if b.undecoded {
		dec = raw
	}
	data, err := io.ReadAll(io.LimitReader(dec, MaxBodyBytes+1))
	b.data = data
	if len(data) > MaxBodyBytes {
		b.data, b.truncated = data[:MaxBodyBytes], true
	}
	// A read error leaves the head to judge and the body cut short; so
	// does a raw body that reached its cap, of which only a prefix was
	// decoded.
	if err != nil || raw.N <= 0 {
		b.truncated = true
	}
	return b
}

// lazy opens a decoder on the first read, so that an empty body with a
// Content-Encoding (a 204, a 304) is empty rather than an error.
type lazy struct {
	open func(io.Reader) (io.Reader, error)
	r    io.Reader
	dec  io.Reader
}

func (l *lazy) Read(p []byte) (int, error) {
	if l.dec == nil {
		br := bufio.NewReader(l.r)
		if _, err := br.Peek(1); errors.Is(err, io.EOF) {
			return 0, io.EOF
		}
		d, err := l.open(br)
		if err != nil {
			return 0, err
		}
		l.dec = d
	}
	return l.dec.Read(p)
}

// openDeflate reads "deflate", which RFC 9110 §8.4.1.2 defines as the zlib
// format; some servers send raw DEFLATE instead, and browsers read both.
func openDeflate(r io.Reader) (io.Reader, error) {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReader(r)
	}
	if h, err := br.Peek(2); err == nil && h[0]&0x0f == 8 && (uint16(h[0])<<8|uint16(h[1]))%31 == 0 {
		return zlib.NewReader(br)
	}
	return flate.NewReader(br), nil
}
