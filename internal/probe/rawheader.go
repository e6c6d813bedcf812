package probe

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/textproto"
	"strings"
)

// Browsers and Go's HTTP/1.1 reader differ on response header values. The
// Fetch standard's header value excludes only NUL, CR and LF (Chromium's
// HttpUtil::IsValidHeaderValue agrees), and a browser keeps the other
// control bytes in the value and renders the page: "X-Content-Type-Options:
// nosniff\v" reaches the nosniff check as it is, and is no "nosniff".
// net/textproto refuses the whole response instead, and hardscan would
// report no response at all. For such a response readRawResponse reads the
// head as browsers do and keeps those values, so that the judges see what
// the browser sees. A NUL, or a CR that ends no line, fails the response in
// browsers too (web-platform-tests fetch/h1-parsing), and here.

// isMalformedHeader tells the error net/textproto gives for a header line
// with a control byte other than tab (or no colon, or a bad name), and the
// stream error net/http's HTTP/2 client gives for such a value. An HTTP/2
// response is asked again over HTTP/1.1, which the same server answers
// with the same headers as a rule.
func isMalformedHeader(err error) bool {
	var pe textproto.ProtocolError
	if errors.As(err, &pe) && strings.HasPrefix(string(pe), "malformed MIME header line") {
		return true
	}
	return err != nil && strings.Contains(err.Error(), "invalid header field value")
}

// rawGet makes the request hr again on a connection of its own, HTTP/1.1
// only, and reads the response with readRawResponse. It is the fallback of
// Session.once for a response net/http refused for its header bytes.
func (c *Session) rawGet(ctx context.Context, hr *http.Request, verify bool) (*http.Response, error) {
	u := hr.URL
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	addr := net.JoinHostPort(u.Hostname(), port)
	conn, err := c.dial(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	var state *tls.ConnectionState
	if u.Scheme == "https" {
		cfg := c.Client.verified.Clone() // verification, when asked, is c.verify below
		cfg.ServerName = u.Hostname()
		cfg.NextProtos = []string{"http/1.1"}
		tc := tls.Client(conn, cfg)
		c.handshakes.Add(1)
		if err := tc.HandshakeContext(ctx); err != nil {
			_ = conn.Close()
			return nil, err
		}
		cs := tc.ConnectionState()
		if verify {
			if err := c.verify(cs, u.Hostname()); err != nil {
				_ = conn.Close()
				return nil, err
			}
		}
		state, conn = &cs, tc
	}
	req := hr.Clone(ctx)
	req.Close = true
	c.requests.Add(1)
	if err := req.Write(conn); err != nil {
		_ = conn.Close()
		return nil, err
	}
	resp, err := readRawResponse(bufio.NewReader(conn), req)
	if err != nil {
		_ = conn.Close()
		return nil, err
	}
	resp.TLS = state
	resp.Body = closeBoth{resp.Body, conn}
	return resp, nil
}

type closeBoth struct {
	io.ReadCloser
	conn net.Conn
}

func (b closeBoth) Close() error {
	err := b.ReadCloser.Close()
	_ = b.conn.Close()
	return err
}

// readRawResponse reads a response as http.ReadResponse does, but takes
// the header lines as browsers do: a value keeps every byte but NUL, CR and
// LF, trimmed of tabs and spaces only; a line without a colon or with a
// name that is no token is skipped; a folded line joins the one before.
// The body is framed by net/http, from the lines it accepts.
func readRawResponse(br *bufio.Reader, req *http.Request) (*http.Response, error) {
	var head bytes.Buffer
	var lines []string
	for {
		line, err := br.ReadSlice('\n')
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("reading the response head: %w", err)
		}
		head.Write(line)
		for errors.Is(err, bufio.ErrBufferFull) {
			var more []byte
			more, err = br.ReadSlice('\n')
			line = append(append([]byte{}, line...), more...)
			head.Write(more)
			if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
				return nil, fmt.Errorf("reading the response head: %w", err)
			}
		}
		if head.Len() > MaxHeaderBytes {
			return nil, fmt.Errorf("response head larger than %d bytes", MaxHeaderBytes)
		}
		s := strings.TrimSuffix(strings.TrimSuffix(string(line), "\n"), "\r")
		if strings.IndexByte(s, 0) >= 0 {
			return nil, errors.New("a response header holds a NUL byte, which browsers refuse as a network error (Fetch: a header value has no NUL)")
		}
		if strings.IndexByte(s, '\r') >= 0 {
			return nil, errors.New("a response header holds a CR that ends no line, which browsers refuse as a network error")
		}
		if s == "" {
			break
		}
		lines = append(lines, s)
	}
	if len(lines) == 0 {
		return nil, errors.New("empty response head")
	}
	header := http.Header{}
	var clean strings.Builder
	clean.WriteString(lines[0] + "\r\n")
	var last string // the name of the line before, for a folded line
	for _, s := range lines[1:] {
		if s[0] == ' ' || s[0] == '\t' {
			if vs := header[last]; len(vs) > 0 {
				vs[len(vs)-1] = strings.Trim(vs[len(vs)-1]+" "+strings.Trim(s, " \t"), " \t")
			}
			continue
		}
		name, value, ok := strings.Cut(s, ":")
		if !ok || !isToken(name) {
			last = ""
			continue
		}
		last = http.CanonicalHeaderKey(name)
		header[last] = append(header[last], strings.Trim(value, " \t"))
		if plainValue(value) {
			clean.WriteString(s + "\r\n")
		} else if last == "Content-Length" || last == "Transfer-Encoding" {
			return nil, fmt.Errorf("the %s header holds a control byte, so the body cannot be framed", last)
		}
	}
	clean.WriteString("\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(io.MultiReader(strings.NewReader(clean.String()), br)), req)
	if err != nil {
		return nil, err
	}
	resp.Header = header
	return resp, nil
}

// plainValue reports whether net/textproto takes v: no control byte but tab.
func plainValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}
