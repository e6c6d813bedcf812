package oracle

import (
	"bytes"
	"compress/gzip"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/hardscan/hardscan/internal/replica"
)

// Host names: every case has its own host under siteDomain; the attacker's
// origin is evilHost. Chromium and the probe resolve them by rule to the
// loopback listeners, never by DNS. They sit under real public suffixes
// (.org, .net) because Chromium refuses a cookie Domain attribute under a
// suffix it does not know (such as .test), as no real site has one.
const (
	siteDomain = "hardscan-oracle.org"
	// h1Domain holds the cases served over HTTP/1.1 only, under a
	// certificate of their own: Chromium would otherwise send their
	// requests over an HTTP/2 connection opened for another host of a
	// certificate that covers both (connection coalescing).
	h1Domain = "hardscan-oracle-h1.org"
	evilHost = "attacker-oracle.net"
)

// field is one header line as sent; repeated names stay apart, in order.
type field struct{ name, value string }

// reply is what one path of a case answers.
type reply struct {
	status int
	header []field
	body   string
	// encoding is the Content-Encoding the body is sent in: "gzip", "br",
	// or a list in the order applied ("gzip, br"); a list with br goes
	// only to clients that accept br.
	encoding string
	brAlways bool // br even to clients that do not ask for it
}

// hit is one request the attacker's origin or a plain-HTTP listener saw.
type hit struct {
	path, referer string
}

// lab holds the loopback listeners: HTTPS for every host, plain HTTP for
// every host, and what each case serves.
type lab struct {
	ca        *replica.CA
	leaf      *x509.Certificate
	httpsAddr string
	httpAddr  string

	mu      sync.Mutex
	replies map[string]map[string]reply // host -> path -> reply
	evil    map[string][]hit            // case host -> requests to evilHost for it
	plain   map[string][]hit            // host -> plain-HTTP requests
	secure  map[string][]hit            // host -> HTTPS requests
}

func newLab(t *testing.T) *lab {
	t.Helper()
	ca, err := replica.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	names := []string{siteDomain, "*." + siteDomain, evilHost, "*." + evilHost}
	cert, err := ca.Leaf(names, time.Now().Add(-time.Hour), time.Now().Add(30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	h1Cert, err := ca.Leaf([]string{"*." + h1Domain}, time.Now().Add(-time.Hour), time.Now().Add(30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	l := &lab{ca: ca, leaf: leaf, replies: map[string]map[string]reply{},
		evil: map[string][]hit{}, plain: map[string][]hit{}, secure: map[string][]hit{}}

	tl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l.httpsAddr, l.httpAddr = tl.Addr().String(), pl.Addr().String()
	quiet := log.New(io.Discard, "", 0) // Chromium drops connections it does not need; that is no error here
	hs := &http.Server{Handler: http.HandlerFunc(l.serveHTTPS), ReadHeaderTimeout: 10 * time.Second, ErrorLog: quiet,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2", "http/1.1"},
			GetConfigForClient: func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
				if strings.HasSuffix(hello.ServerName, "."+h1Domain) { // HTTP/1.1 only: see ocase.http1
					return &tls.Config{Certificates: []tls.Certificate{h1Cert}, NextProtos: []string{"http/1.1"}}, nil
				}
				return nil, nil
			}}}
	ps := &http.Server{Handler: http.HandlerFunc(l.servePlain), ReadHeaderTimeout: 10 * time.Second, ErrorLog: quiet}
	go func() { _ = hs.ServeTLS(tl, "", "") }()
	go func() { _ = ps.Serve(pl) }()
	t.Cleanup(func() { hs.Close(); ps.Close() })
	return l
}

// serve registers what host answers at each path.
func (l *lab) serve(host string, routes map[string]reply) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.replies[host] = routes
}

func hostOf(r *http.Request) string {
	h := r.Host
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
		h = h[:i]
	}
	return strings.ToLower(h)
}

func (l *lab) serveHTTPS(w http.ResponseWriter, r *http.Request) {
	host := hostOf(r)
	if host == evilHost {
		l.serveEvil(w, r)
		return
	}
	l.mu.Lock()
	l.secure[host] = append(l.secure[host], hit{path: r.URL.Path, referer: r.Header.Get("Referer")})
	routes := l.replies[host]
	l.mu.Unlock()
	if routes == nil { // a subdomain of a case, reached after an HSTS upgrade
		routes = map[string]reply{}
	}
	rep, ok := routes[r.URL.Path]
	if !ok {
		switch r.URL.Path {
		case "/hsts-check":
			rep = reply{status: 200, body: "<!doctype html><title>upgraded</title>"}
		default:
			rep = reply{status: 404, header: []field{{"Content-Type", "text/plain"}}, body: "not found"}
		}
	}
	write(w, r, rep)
}

// servePlain answers plain HTTP: a case's own reply for the path when it
// has one for http:, else a page; every request is noted, so that a
// missing one shows Chromium upgraded it (HSTS).
func (l *lab) servePlain(w http.ResponseWriter, r *http.Request) {
	host := hostOf(r)
	l.mu.Lock()
	l.plain[host] = append(l.plain[host], hit{path: r.URL.Path})
	rep, ok := l.replies[host]["http:"+r.URL.Path]
	l.mu.Unlock()
	if !ok {
		rep = reply{status: 200, body: "<!doctype html><title>plain</title>"}
		if r.URL.Path == "/" || strings.HasPrefix(r.URL.Path, "/hardscan/") {
			// As a hardened site does; the probe's http:// requests
			// then look like every other case's.
			rep = reply{status: 301, header: []field{{"Location", "https://" + host + r.URL.RequestURI()}}}
		}
	}
	write(w, r, rep)
}

// serveEvil is the attacker's origin: a script that marks that it ran,
// a page framing a case, and a sink that notes the Referer it was sent.
// The case is named by the c query parameter.
func (l *lab) serveEvil(w http.ResponseWriter, r *http.Request) {
	c := r.URL.Query().Get("c")
	l.mu.Lock()
	l.evil[c] = append(l.evil[c], hit{path: r.URL.Path + "?" + r.URL.Query().Get("k"), referer: r.Header.Get("Referer")})
	l.mu.Unlock()
	switch r.URL.Path {
	case "/s.js", "/b.js":
		w.Header().Set("Content-Type", "text/javascript")
		mark := "evil"
		if r.URL.Path == "/b.js" {
			mark = "base"
		}
		_, _ = w.Write([]byte("window.__" + mark + "=1;"))
	case "/frame":
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(`<!doctype html><iframe id=f src="` + htmlEscape(r.URL.Query().Get("u")) + `"></iframe>`))
	default:
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<!doctype html><title>evil</title>"))
	}
}

func write(w http.ResponseWriter, r *http.Request, rep reply) {
	body := []byte(rep.body)
	enc := rep.encoding
	if strings.Contains(enc, "br") && !rep.brAlways && !strings.Contains(r.Header.Get("Accept-Encoding"), "br") {
		enc = ""
	}
	if enc != "" {
		for _, c := range strings.Split(enc, ",") {
			body = encode(strings.TrimSpace(c), body)
		}
	}
	h := w.Header()
	for _, f := range rep.header {
		h.Add(f.name, f.value)
	}
	if enc != "" {
		h.Set("Content-Encoding", enc)
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "text/html; charset=utf-8")
	}
	h.Set("Cache-Control", "no-store")
	status := rep.status
	if status == 0 {
		status = 200
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// encode applies one content coding. Brotli at quality 1: fast, and the
// padding of a bomb still shrinks by a thousand times or more.
func encode(coding string, data []byte) []byte {
	var b bytes.Buffer
	var w io.WriteCloser
	switch coding {
	case "gzip":
		w = gzip.NewWriter(&b)
	case "br":
		w = brotli.NewWriterLevel(&b, 1)
	default:
		panic("no encoder for " + coding)
	}
	_, _ = w.Write(data)
	_ = w.Close()
	return b.Bytes()
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", `"`, "&quot;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// take returns and forgets what the listeners noted for a case host.
func (l *lab) evilHits(c string) []hit {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]hit(nil), l.evil[c]...)
}

func (l *lab) plainHits(host string) []hit {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]hit(nil), l.plain[host]...)
}

func (l *lab) secureHits(host string) []hit {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]hit(nil), l.secure[host]...)
}
