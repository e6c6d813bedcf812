package probe

import (
	"bufio"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// web-platform-tests' response-header byte cases, carried as our own rows
// for readRawResponse: github.com/web-platform-tests/wpt
// fetch/api/headers/header-values.html (a response header "x<byte>x" for
// every byte but NUL, LF and CR reads back as sent),
// fetch/api/headers/header-values-normalize.html (bytes 0x01-0x20 alone,
// before or after "x", tabs and spaces at the ends stripped and LF and CR
// never sent), fetch/h1-parsing/lone-cr.window.js (a CR that ends no line
// before the body is a network error) and
// fetch/h1-parsing/resources-with-0x00-in-header.window.js (a NUL in a
// header is a network error, for a script, a frame and an image alike).
func TestWPTHeaderBytes(t *testing.T) {
	type row struct {
		name string
		raw  string // the response head
		want string // X-Test's value; "" with fail
		fail bool
	}
	var rows []row
	for i := 0; i < 0x100; i++ {
		if i == 0 || i == '\n' || i == '\r' {
			continue
		}
		v := "x" + string(rune(i)) + "x"
		if i >= 0x80 {
			v = "x" + string([]byte{byte(i)}) + "x" // one byte, as isomorphic decoding keeps it
		}
		rows = append(rows, row{name: fmt.Sprintf("header-values 0x%02x", i), raw: "HTTP/1.1 200 OK\r\nX-Test: " + v + "\r\n", want: v})
	}
	for i := 1; i < 0x21; i++ {
		c := string(rune(i))
		strip := i == '\t' || i == '\n' || i == '\r' || i == ' '
		e := c
		if strip {
			e = ""
		}
		for _, p := range [][2]string{{"x" + e, "x" + e}, {e, e}, {e + "x", e + "x"}} {
			// The request value was normalised before the server echoed it,
			// so the response carries the expected value.
			rows = append(rows, row{name: fmt.Sprintf("header-values-normalize 0x%02x %q", i, p[0]), raw: "HTTP/1.1 200 OK\r\nX-Test: " + p[0] + "\r\n", want: p[1]})
		}
	}
	for _, in := range []string{
		"HTTP/1.1\r200 OK\n",
		"HTTP/1.1 200\rOK\n",
		"HTTP/1.1 200 OK\n\rHeader: Value\n",
		"HTTP/1.1 200 OK\nHeader\r: Value\n",
		"HTTP/1.1 200 OK\nHeader:\r Value\n",
		"HTTP/1.1 200 OK\nHeader:\r Value\n",
		"HTTP/1.1 200 OK\nHeader: Value\r\r\n",
		"HTTP/1.1 200 OK\nHeader: Value\rHeader2: Value2\n",
	} {
		rows = append(rows, row{name: fmt.Sprintf("lone-cr %q", in), raw: in, fail: true})
	}
	rows = append(rows, row{name: "0x00 in a header", raw: "HTTP/1.1 200 OK\r\nX-Test: a\x00b\r\n", fail: true})
	agree := 0
	for _, r := range rows {
		raw := r.raw + "\r\nbody"
		if strings.HasSuffix(r.raw, "\n") && !strings.HasSuffix(r.raw, "\r\n") {
			raw = r.raw + "\nbody"
		}
		resp, err := readRawResponse(bufio.NewReader(strings.NewReader(raw)), &http.Request{Method: http.MethodGet})
		switch {
		case r.fail && err != nil:
			agree++
		case r.fail:
			t.Errorf("wpt %s: read as %d %q, want a network error", r.name, resp.StatusCode, resp.Header)
		case err != nil:
			t.Errorf("wpt %s: %v, want X-Test %q", r.name, err, r.want)
		case strings.Join(resp.Header.Values("X-Test"), "|") != r.want:
			t.Errorf("wpt %s: X-Test %q, want %q", r.name, resp.Header.Values("X-Test"), r.want)
		default:
			agree++
		}
	}
	t.Logf("suite wpt header bytes (web-platform-tests/wpt fetch/api/headers, fetch/h1-parsing): %d cases, %d agree, 0 documented differences", len(rows), agree)
}
