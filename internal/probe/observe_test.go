package probe

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hardscan/hardscan/internal/replica"
	"github.com/hardscan/hardscan/scan/result"
)

// lab is a site on loopback: HTTPS with a certificate of its own CA for
// site.test, plain HTTP, and counts of what the client asked.
type lab struct {
	ca          *replica.CA
	https, http *httptest.Server
	closed      string // where nothing listens

	mu       sync.Mutex
	requests []string // "scheme path?query", in arrival order
	accept   []string // Accept-Encoding of each HTTPS request
	conns    atomic.Int64
	hands    atomic.Int64
	plain    atomic.Int64 // TCP connections to the plain-HTTP server
	protos   map[string]bool
}

type labOptions struct {
	h1        bool             // HTTPS speaks HTTP/1.1 only
	untrusted bool             // a certificate from a CA the client does not trust
	streams   int              // HTTP/2 streams allowed at once; 0: the default
	handler   http.HandlerFunc // the HTTPS site; nil: 200 on /, 404 elsewhere
	// closeEach makes both servers close the connection after each
	// response (Connection: close); firstOnly makes them answer the first
	// request of each connection, without Connection: close, and drop the
	// ones pipelined behind it with the connection. Both imply h1.
	closeEach, firstOnly bool
}

func startLab(t *testing.T, opt labOptions) *lab {
	t.Helper()
	ca, err := replica.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"site.test"}
	cert, err := ca.Leaf(names, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	if opt.untrusted {
		cert, err = replica.Untrusted(names)
	}
	if err != nil {
		t.Fatal(err)
	}
	l := &lab{ca: ca, protos: map[string]bool{}}
	h := opt.handler
	if h == nil {
		h = func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/" {
				http.NotFound(w, r)
				return
			}
			_, _ = w.Write([]byte("<!DOCTYPE html><title>site</title>"))
		}
	}
	l.https = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.requests = append(l.requests, "https "+r.URL.RequestURI())
		l.accept = append(l.accept, r.Header.Get("Accept-Encoding"))
		l.protos[r.Proto] = true
		l.mu.Unlock()
		if opt.firstOnly {
			answerAndHangUp(w, r, h)
			return
		}
		h(w, r)
	}))
	l.https.EnableHTTP2 = !opt.h1 && !opt.closeEach && !opt.firstOnly
	if opt.closeEach {
		l.https.Config.SetKeepAlivesEnabled(false)
	}
	if opt.streams > 0 {
		l.https.Config.HTTP2 = &http.HTTP2Config{MaxConcurrentStreams: opt.streams}
	}
	l.https.TLS = &tls.Config{
		Certificates: []tls.Certificate{cert},
		GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
			l.hands.Add(1)
			return nil, nil
		},
	}
	l.https.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are the point of some tests
	l.https.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			l.conns.Add(1)
		}
	}
	l.https.StartTLS()
	l.http = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.requests = append(l.requests, "http "+r.URL.RequestURI())
		l.mu.Unlock()
		redirect := func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://site.test"+r.URL.RequestURI(), http.StatusMovedPermanently)
		}
		if opt.firstOnly {
			answerAndHangUp(w, r, redirect)
			return
		}
		redirect(w, r)
	}))
	if opt.closeEach {
		l.http.Config.SetKeepAlivesEnabled(false)
	}
	l.http.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			l.plain.Add(1)
		}
	}
	l.http.Start()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l.closed = ln.Addr().String()
	_ = ln.Close()
	t.Cleanup(func() { l.https.Close(); l.http.Close() })
	return l
}

// answerAndHangUp answers r as h would, says nothing of closing, and
// closes the connection: what a server that reads one request at a time and
// then goes away does to the requests pipelined behind it.
func answerAndHangUp(w http.ResponseWriter, r *http.Request, h http.HandlerFunc) {
	rec := httptest.NewRecorder()
	h(rec, r)
	resp := rec.Result()
	resp.ContentLength = int64(rec.Body.Len())
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	_ = resp.Write(buf)
	_ = buf.Flush()
}

func (l *lab) session(t *testing.T) *Session {
	t.Helper()
	c := NewClient(Options{
		Timeout: 5 * time.Second, RootCAs: l.ca.Pool(), UserAgent: "hardscan-test",
		Resolve: []Resolve{
			{"site.test", "443", strings.TrimPrefix(l.https.URL, "https://")},
			{"site.test", "80", strings.TrimPrefix(l.http.URL, "http://")},
			{"*", "*", l.closed},
		},
	})
	s := c.Session()
	t.Cleanup(s.CloseIdle)
	return s
}

// asked lists the requests in a stable order, the error page's random
// suffix replaced by *.
func (l *lab) asked() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]string, len(l.requests))
	for i, r := range l.requests {
		if rest, ok := strings.CutPrefix(r, "https "+ErrorPrefix); ok && len(rest) == 16 {
			r = "https " + ErrorPrefix + "*"
		}
		out[i] = r
	}
	sort.Strings(out)
	return out
}

var site = &url.URL{Scheme: "https", Host: "site.test", Path: "/"}

func fixed(pl Plan) ([]Plan, func(*result.Software) Plan) {
	return []Plan{pl}, func(*result.Software) Plan { return pl }
}

// noncePage serves / with a CSP nonce where says ("header", "report-only",
// "meta", or "" for none) and 404 elsewhere.
func noncePage(where string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		nonce := fmt.Sprintf("'nonce-%016x'", rand.Uint64())
		page := "<!DOCTYPE html><title>site</title>"
		switch where {
		case "header":
			w.Header().Set("Content-Security-Policy", "script-src "+nonce)
		case "report-only":
			w.Header().Set("Content-Security-Policy-Report-Only", "script-src "+nonce)
		case "meta":
			page = `<!DOCTYPE html><meta http-equiv="Content-Security-Policy" content="script-src ` + nonce + `"><title>site</title>`
		}
		_, _ = w.Write([]byte(page))
	}
}

// Every request a target's verdicts need, each once: the second root only
// for a page whose policy (header, report-only or <meta>) has a nonce. One
// TLS connection and one handshake, whether the server speaks HTTP/2 or
// only HTTP/1.1 (pipelined).
func TestObserveRequestsAndConnections(t *testing.T) {
	for _, tc := range []struct {
		name      string
		h1        bool
		nonce     string
		wantProto string
	}{
		{name: "h2", wantProto: "HTTP/2.0"},
		{name: "h2-nonce", nonce: "header", wantProto: "HTTP/2.0"},
		{name: "h2-report-only-nonce", nonce: "report-only", wantProto: "HTTP/2.0"},
		{name: "h2-meta-nonce", nonce: "meta", wantProto: "HTTP/2.0"},
		{name: "h1", h1: true, wantProto: "HTTP/1.1"},
		{name: "h1-nonce", h1: true, nonce: "header", wantProto: "HTTP/1.1"},
		{name: "h1-meta-nonce", h1: true, nonce: "meta", wantProto: "HTTP/1.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := startLab(t, labOptions{h1: tc.h1, handler: noncePage(tc.nonce)})
			plans, pick := fixed(Plan{CookiePaths: []string{"/login"}})
			o, err := l.session(t).Observe(context.Background(), site, false, plans, pick)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{
				"http " + DeepPath, "http /",
				"https /", "https " + ErrorPrefix + "*", "https /login",
			}
			if tc.nonce != "" {
				want = append(want, "https /")
			}
			sort.Strings(want)
			if got := l.asked(); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if n, h := l.conns.Load(), l.hands.Load(); n != 1 || h != 1 {
				t.Errorf("%d TLS connections and %d handshakes, want 1 and 1", n, h)
			}
			if !l.protos[tc.wantProto] || len(l.protos) != 1 {
				t.Errorf("protocols %v, want only %s", l.protos, tc.wantProto)
			}
			if !o.Verified || o.Root.Final().Status != 200 {
				t.Fatalf("root %+v verified %v", o.Root, o.Verified)
			}
			if tc.nonce == "" && o.Again != nil {
				t.Errorf("a second root was fetched for a page without a nonce")
			}
			if tc.nonce != "" && (o.Again == nil || o.Again.Final().Status != 200) {
				t.Errorf("again %+v, want a second 200 for a page with a nonce", o.Again)
			}
			if o.ErrorPage == nil || o.ErrorPage.Final().Status != 404 || !strings.HasPrefix(o.ErrorPage.Final().URL.Path, ErrorPrefix) {
				t.Errorf("error page %+v, want a 404 for %s...", o.ErrorPage, ErrorPrefix)
			}
			if o.DeepPath != DeepPath || o.DeepHTTPErr != nil || len(o.DeepHTTP.Hops) != 1 {
				t.Fatalf("deep path %q: %+v, %v", o.DeepPath, o.DeepHTTP, o.DeepHTTPErr)
			}
			if loc := o.DeepHTTP.Hops[0].Location; loc == nil || loc.String() != "https://site.test"+DeepPath {
				t.Errorf("deep path redirect to %v, want https://site.test%s (first hop only, not followed)", loc, DeepPath)
			}
			if len(o.CookieChains) != 1 || o.CookieChains[0] == nil || o.CookieChains[0].Final().URL.Path != "/login" {
				t.Errorf("cookie chains %+v", o.CookieChains)
			}
		})
	}
}

// A server that allows one stream at a time: no request is dropped or held
// until the timeout.
func TestObserveOneStream(t *testing.T) {
	l := startLab(t, labOptions{streams: 1, handler: noncePage("header")})
	plans, pick := fixed(Plan{CookiePaths: []string{"/login"}})
	o, err := l.session(t).Observe(context.Background(), site, false, plans, pick)
	if err != nil {
		t.Fatal(err)
	}
	if o.Again == nil || o.ErrorPage == nil || o.CookieChains[0] == nil {
		t.Errorf("again %v, error page %v, cookie path %v: a request was dropped", o.Again, o.ErrorPage, o.CookieChains[0])
	}
	// Like net/http on its own, more connections carry what the first
	// cannot (refused streams are retried, some on new connections).
	if n := l.conns.Load(); n > 8 {
		t.Errorf("%d TLS connections for 4 requests", n)
	}
}

// The error page is not followed: a redirect on it is what is judged.
func TestObserveErrorPageNotFollowed(t *testing.T) {
	l := startLab(t, labOptions{handler: func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.Redirect(w, r, "/", http.StatusFound)
		}
	}})
	plans, pick := fixed(Plan{})
	o, err := l.session(t).Observe(context.Background(), site, false, plans, pick)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.ErrorPage.Hops) != 1 || o.ErrorPage.Final().Status != http.StatusFound {
		t.Errorf("error page hops %+v, want the 302 alone", o.ErrorPage.Hops)
	}
}

// With auto, the cookie paths and backend ports of every plan start at once,
// over HTTP/2 and pipelined HTTP/1.1 alike, on one connection. Only the
// picked plan's are kept.
func TestObserveAutoSpeculative(t *testing.T) {
	for _, h1 := range []bool{false, true} {
		t.Run(map[bool]string{false: "h2", true: "h1"}[h1], func(t *testing.T) {
			l := startLab(t, labOptions{h1: h1, handler: func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/":
				case "/.well-known/nodeinfo":
					_ = json.NewEncoder(w).Encode(map[string]any{"links": []map[string]string{
						{"rel": nodeInfoSchema + "2.1", "href": "https://site.test/nodeinfo/2.1"}}})
				case "/nodeinfo/2.1":
					_, _ = w.Write([]byte(`{"software":{"name":"Pleroma","version":"2.7.0"}}`))
				default:
					http.NotFound(w, r)
				}
			}})
			pleroma := Plan{CookiePaths: []string{"/web/getting-started"}, BackendPort: 4000}
			mastodon := Plan{CookiePaths: []string{"/auth/sign_in"}, BackendPort: 3000}
			var picked *result.Software
			o, err := l.session(t).Observe(context.Background(), site, true, []Plan{mastodon, pleroma, {}}, func(sw *result.Software) Plan {
				picked = sw
				if sw != nil && sw.Name == "pleroma" {
					return pleroma
				}
				return Plan{}
			})
			if err != nil {
				t.Fatal(err)
			}
			if picked == nil || picked.Name != "pleroma" || picked.Version != "2.7.0" || o.Software != picked {
				t.Fatalf("software %+v, picked with %+v", o.Software, picked)
			}
			asked := map[string]int{}
			for _, r := range l.asked() {
				asked[r]++
			}
			for _, p := range []string{"https /web/getting-started", "https /.well-known/nodeinfo", "https /nodeinfo/2.1"} {
				if asked[p] != 1 {
					t.Errorf("%s asked %d times, want once; asked %v", p, asked[p], asked)
				}
			}
			if asked["https /auth/sign_in"] != 1 {
				t.Errorf("the other plan's path asked %d times, want once", asked["https /auth/sign_in"])
			}
			if len(o.CookieChains) != 1 || o.CookieChains[0].Final().URL.Path != "/web/getting-started" {
				t.Errorf("cookie chains %+v, want the picked plan's only", o.CookieChains)
			}
			if o.Backend == nil || o.Backend.Port != 4000 || o.Backend.Open {
				t.Errorf("backend %+v, want port 4000, refused", o.Backend)
			}
			if n, h := l.conns.Load(), l.hands.Load(); n != 1 || h != 1 {
				t.Errorf("%d TLS connections and %d handshakes, want 1 and 1", n, h)
			}
		})
	}
}

// A root that answers 5xx: the server in front is up, the application is
// not; detection learns nothing.
func TestObserveDown(t *testing.T) {
	l := startLab(t, labOptions{handler: func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
	}})
	o, err := l.session(t).Observe(context.Background(), site, true, []Plan{{}}, func(*result.Software) Plan { return Plan{} })
	if err != nil {
		t.Fatal(err)
	}
	if !o.Down || o.Software != nil || o.Root.Final().Status != http.StatusBadGateway {
		t.Errorf("down %v software %+v status %d; want down, no software, 502", o.Down, o.Software, o.Root.Final().Status)
	}
}

// A certificate that does not verify: one failed handshake, then every
// HTTPS request again without verification, on one connection.
func TestObserveCertificateRetry(t *testing.T) {
	l := startLab(t, labOptions{untrusted: true, handler: noncePage("header")})
	plans, pick := fixed(Plan{CookiePaths: []string{"/login"}})
	o, err := l.session(t).Observe(context.Background(), site, false, plans, pick)
	if err != nil {
		t.Fatal(err)
	}
	if o.Verified || o.CertErr == nil || !IsCertificateError(o.CertErr) {
		t.Errorf("verified %v cert error %v", o.Verified, o.CertErr)
	}
	if o.ErrorPage == nil || o.Again == nil || o.CookieChains[0] == nil {
		t.Errorf("error page %v again %v cookie %v: fetched without verification too", o.ErrorPage, o.Again, o.CookieChains[0])
	}
	if h := l.hands.Load(); h != 2 {
		t.Errorf("%d handshakes, want 2 (one refused, one blind)", h)
	}
}

func compress(t *testing.T, coding string, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	var w interface {
		Write([]byte) (int, error)
		Close() error
	}
	switch coding {
	case "gzip":
		w = gzip.NewWriter(&b)
	case "zlib":
		w = zlib.NewWriter(&b)
	case "flate":
		w, _ = flate.NewWriter(&b, flate.BestCompression)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Bodies are read as a browser reads them: decoded, within MaxBodyBytes of
// decoded output however small the compressed body.
func TestObserveContentCodings(t *testing.T) {
	page := []byte(`<!DOCTYPE html><meta http-equiv="Content-Security-Policy" content="default-src 'self'">`)
	bomb := make([]byte, 64<<20) // 64 MiB of zeros: about 64 KiB of gzip
	for _, tc := range []struct {
		name         string
		encoding     string
		body         []byte
		want         []byte
		wantEncoding string
		undecoded    bool
		truncated    bool
		wantLen      int
	}{
		{name: "identity", body: page, want: page},
		{name: "gzip", encoding: "gzip", body: compress(t, "gzip", page), want: page, wantEncoding: "gzip"},
		{name: "x-gzip", encoding: "X-Gzip", body: compress(t, "gzip", page), want: page, wantEncoding: "x-gzip"},
		// RFC 9110 §8.4.1.2: deflate is the zlib format; raw DEFLATE is read too, as browsers do.
		{name: "deflate zlib", encoding: "deflate", body: compress(t, "zlib", page), want: page, wantEncoding: "deflate"},
		{name: "deflate raw", encoding: "deflate", body: compress(t, "flate", page), want: page, wantEncoding: "deflate"},
		// RFC 9110 §8.4: codings listed in the order applied; decoded in reverse.
		{name: "deflate then gzip", encoding: "deflate, gzip", body: compress(t, "gzip", compress(t, "zlib", page)), want: page, wantEncoding: "deflate, gzip"},
		{name: "identity listed", encoding: "identity", body: page, want: page},
		{name: "br", encoding: "br", body: brotliOf(t, page, 5), want: page, wantEncoding: "br"},
		{name: "zstd kept raw", encoding: "zstd", body: []byte("opaque"), want: []byte("opaque"), wantEncoding: "zstd", undecoded: true},
		{name: "empty gzip", encoding: "gzip", body: nil, want: []byte{}, wantEncoding: "gzip"},
		{name: "corrupt gzip", encoding: "gzip", body: []byte("\x1f\x8b\x08\x00garbage"), wantEncoding: "gzip", truncated: true},
		{name: "bomb", encoding: "gzip", body: compress(t, "gzip", bomb), wantEncoding: "gzip", truncated: true, wantLen: MaxBodyBytes},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := startLab(t, labOptions{handler: func(w http.ResponseWriter, r *http.Request) {
				if tc.encoding != "" {
					w.Header().Set("Content-Encoding", tc.encoding)
				}
				w.Header().Set("Content-Type", "text/html")
				_, _ = w.Write(tc.body)
			}})
			plans, pick := fixed(Plan{})
			o, err := l.session(t).Observe(context.Background(), site, false, plans, pick)
			if err != nil {
				t.Fatal(err)
			}
			ch := o.Root
			if ch.Encoding != tc.wantEncoding || ch.Undecoded != tc.undecoded || ch.Truncated != tc.truncated {
				t.Errorf("encoding %q undecoded %v truncated %v; want %q %v %v", ch.Encoding, ch.Undecoded, ch.Truncated, tc.wantEncoding, tc.undecoded, tc.truncated)
			}
			if tc.want != nil && !bytes.Equal(ch.Body, tc.want) {
				t.Errorf("body %q, want %q", ch.Body, tc.want)
			}
			if tc.wantLen > 0 && len(ch.Body) != tc.wantLen {
				t.Errorf("body of %d bytes, want %d", len(ch.Body), tc.wantLen)
			}
			for _, ae := range l.accept {
				if ae != AcceptEncoding {
					t.Errorf("Accept-Encoding %q, want %q", ae, AcceptEncoding)
				}
			}
		})
	}
}

// A compressed body larger than the cap is not read to its end.
func TestReadBodyRawCap(t *testing.T) {
	// Stored DEFLATE blocks of zero length decode to nothing: without a cap
	// on the raw side, an endless stream of them would be read forever.
	empty := []byte{0x00, 0x00, 0x00, 0xff, 0xff}
	var raw bytes.Buffer
	for raw.Len() <= 2*MaxBodyBytes {
		raw.Write(empty)
	}
	total := raw.Len()
	b := readBody(&raw, "deflate")
	if !b.truncated || len(b.data) != 0 {
		t.Errorf("truncated %v, %d bytes; want truncated, empty", b.truncated, len(b.data))
	}
	if read := total - raw.Len(); read > MaxBodyBytes+1 {
		t.Errorf("read %d bytes of %d, want at most %d", read, total, MaxBodyBytes+1)
	}
}

// A speculative backend probe that the picked plan does not name is given
// up: a port that accepts and never answers must not hold the scan until
// the timeout.
func TestObserveDropsUnpickedBackend(t *testing.T) {
	l := startLab(t, labOptions{})
	hang, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer hang.Close()
	go func() {
		for {
			c, err := hang.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, never answered
		}
	}()
	c := NewClient(Options{
		Timeout: time.Minute, RootCAs: l.ca.Pool(),
		Resolve: []Resolve{
			{"site.test", "443", strings.TrimPrefix(l.https.URL, "https://")},
			{"site.test", "80", strings.TrimPrefix(l.http.URL, "http://")},
			{"site.test", "3000", hang.Addr().String()},
			{"*", "*", l.closed},
		},
	})
	s := c.Session()
	defer s.CloseIdle()
	done := make(chan *Observed)
	go func() {
		o, _ := s.Observe(context.Background(), site, true, []Plan{{BackendPort: 3000}, {BackendPort: 4000}},
			func(*result.Software) Plan { return Plan{BackendPort: 4000} })
		done <- o
	}()
	select {
	case o := <-done:
		if o.Backend == nil || o.Backend.Port != 4000 {
			t.Errorf("backend %+v, want the picked port 4000", o.Backend)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Observe waited for a backend probe the picked plan does not name")
	}
}

// The backend probe: a port that answers HTTP gives its status, one that
// accepts and speaks something else is open with an error.
func TestProbeBackend(t *testing.T) {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	defer app.Close()
	junk, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer junk.Close()
	go func() {
		for {
			c, err := junk.Accept()
			if err != nil {
				return
			}
			_, _ = c.Write([]byte("SSH-2.0-OpenSSH_9.2\r\n"))
			_ = c.Close()
		}
	}()
	c := NewClient(Options{Timeout: 5 * time.Second, Resolve: []Resolve{
		{"site.test", "4000", strings.TrimPrefix(app.URL, "http://")},
		{"site.test", "3000", junk.Addr().String()},
		{"*", "*", "127.0.0.1:1"},
	}})
	s := c.Session()
	defer s.CloseIdle()
	for _, tc := range []struct {
		port   int
		open   bool
		status int
		err    bool
	}{
		{port: 4000, open: true, status: http.StatusTeapot},
		{port: 3000, open: true, err: true},
		{port: 5000},
	} {
		p := s.probeBackend(context.Background(), "site.test", tc.port)
		if p.Port != tc.port || p.Open != tc.open || p.Status != tc.status || (p.Err != nil) != tc.err {
			t.Errorf("port %d: %+v; want open %v status %d error %v", tc.port, p, tc.open, tc.status, tc.err)
		}
	}
}

// Port 80 closed: one refused connection, not two; the deep path says why
// it was not asked.
func TestObservePlainClosed(t *testing.T) {
	l := startLab(t, labOptions{})
	c := NewClient(Options{
		Timeout: 5 * time.Second, RootCAs: l.ca.Pool(),
		Resolve: []Resolve{
			{"site.test", "443", strings.TrimPrefix(l.https.URL, "https://")},
			{"*", "*", l.closed},
		},
	})
	s := c.Session()
	defer s.CloseIdle()
	plans, pick := fixed(Plan{})
	o, err := s.Observe(context.Background(), site, false, plans, pick)
	if err != nil {
		t.Fatal(err)
	}
	if !Refused(o.HTTPErr) || !Refused(o.DeepHTTPErr) || o.HTTP != nil || o.DeepHTTP != nil {
		t.Errorf("http %v (%v), deep %v (%v): want both refused", o.HTTP, o.HTTPErr, o.DeepHTTP, o.DeepHTTPErr)
	}
}

// carriesNonce skips the parse of values and bodies that cannot hold a
// nonce-source; what it still finds must be what a full parse finds.
func TestCarriesNonce(t *testing.T) {
	meta := func(content string) []byte {
		return []byte(`<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="` + content + `"></head></html>`)
	}
	for _, tc := range []struct {
		name   string
		header string
		body   []byte
		want   bool
	}{
		{"no policy", "", nil, false},
		{"header nonce", "script-src 'nonce-abc'", nil, true},
		{"header nonce in capitals", "script-src 'NONCE-abc'", nil, true},
		{"unquoted is a host, not a nonce", "script-src nonce-abc", nil, false},
		{"header without nonce", "default-src 'self'", nil, false},
		{"meta nonce", "", meta("script-src 'nonce-abc'"), true},
		{"meta nonce behind a character reference", "", meta("script-src &#39;nonce-abc&#39;"), true},
		{"meta attribute in capitals", "", []byte(`<html><head><META HTTP-EQUIV="content-security-policy" CONTENT="script-src 'nonce-x'"></head></html>`), true},
		{"meta without nonce", "", meta("default-src 'self'"), false},
		{"nonce in the page, no meta policy", "", []byte(`<html><head><script nonce="abc">x</script></head></html>`), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if tc.header != "" {
				h.Set("Content-Security-Policy", tc.header)
			}
			ch := &Chain{Hops: []Hop{{Status: 200, Header: h}}, Body: tc.body}
			if got := carriesNonce(ch); got != tc.want {
				t.Errorf("carriesNonce = %v, want %v", got, tc.want)
			}
		})
	}
}
