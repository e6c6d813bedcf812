package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	replica "github.com/hardscan/hardscan/internal/replica"
	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/gate"
	"github.com/hardscan/hardscan/scan/result"
)

// The hosts of testdata/nginx: each server block, by SNI and Host.
var nginxHosts = []string{"pleroma.test", "blog.test", "down.test", "static.test", "nonce.test", "meta.test", "paste.test"}

// TestRealNginx scans Debian's nginx, configured from Pleroma's shipped
// pleroma.nginx and the classic mistakes (testdata/nginx), in front of a
// backend that replays Pleroma 2.7's recorded responses. Each check beyond
// the front page (deep redirect, error page, nonce, site down) is asserted as {id, subject, reason, severity}.
func TestRealNginx(t *testing.T) {
	bin := nginxBinary()
	if bin == "" {
		t.Skip("nginx is not installed (Debian package nginx): the real-server test needs it")
	}
	lab := startNginx(t, bin)
	type want struct {
		key, reason string
		sev         finding.Severity
	}
	for _, tc := range []struct {
		name, host, profile string
		code                int
		want                []want
		absent              []string
		noGrade             bool
		software            string // the profile auto must pick
		gzip                bool   // / is sent gzip-encoded (checked, so that the case tests what it says)
	}{
		{name: "shipped", host: "pleroma.test", profile: "pleroma", code: gate.ExitFindings,
			want: []want{
				{"https.redirect", "ok", finding.Pass},
				{"https.redirect.path", "ok", finding.Pass}, // return 301 https://$server_name$request_uri
				{"headers.error-page", "ok", finding.Pass},  // Pleroma's plug sends its headers on its 404 too
				{"site.down", "ok", finding.Pass},
				{"hsts", "absent", finding.Fail}, // Pleroma's default sts: false, and the shipped file adds none
				{"csp.script-src", "ok", finding.Pass},
			},
			absent: []string{"csp.nonce[script-src]", "headers.error-page[content-security-policy]"}},
		{name: "blog-post-headers", host: "blog.test", profile: "auto", software: "pleroma", code: gate.ExitFindings,
			want: []want{
				{"hsts", "duplicate", finding.Warn},                                        // two add_header lines; browsers use the first, a year without includeSubDomains
				{"referrer-policy", "duplicate", finding.Fail},                             // Pleroma's same-origin, then nginx's no-referrer-when-downgrade
				{"headers.error-page[strict-transport-security]", "missing", finding.Info}, // no `always`: not on Pleroma's 404
				{"x-content-type-options", "ok", finding.Pass},                             // nosniff twice works
				{"https.redirect.path", "ok", finding.Pass},
			},
			absent: []string{"headers.error-page[x-content-type-options]", "headers.error-page[referrer-policy]"}},
		{name: "down-auto", host: "down.test", profile: "auto", code: gate.ExitFindings, noGrade: true,
			want: []want{
				{"site.down", "server-error", finding.Fail}, // nginx's 502: a finding, not a target error
				{"csp", "site-down", finding.Info},
				{"hsts", "site-down", finding.Info},
				{"x-content-type-options", "site-down", finding.Info},
				{"https.redirect.path", "ok", finding.Pass},
			},
			absent: []string{"headers.error-page", "headers.error-page[content-security-policy]"}},
		{name: "down-pleroma", host: "down.test", profile: "pleroma", code: gate.ExitFindings, noGrade: true,
			want: []want{
				{"site.down", "server-error", finding.Fail},
				{"x-frame-options", "site-down", finding.Info},
				{"csp", "site-down", finding.Info},
			}},
		{name: "static-error-page-location", host: "static.test", profile: "modern", code: gate.ExitFindings,
			want: []want{
				{"headers.error-page[content-security-policy]", "missing", finding.Warn},
				{"headers.error-page[x-frame-options]", "missing", finding.Warn},
				{"headers.error-page[x-content-type-options]", "missing", finding.Warn},
				{"headers.error-page[strict-transport-security]", "missing", finding.Info},
				{"headers.error-page[referrer-policy]", "missing", finding.Info},
				{"https.redirect", "ok", finding.Pass},
				{"https.redirect.path", "host-mangled", finding.Fail}, // rewrite ^/(.*)$ https://static.test$1
				{"csp", "ok", finding.Pass},
				{"hsts", "ok", finding.Pass},
			}},
		{name: "static-nonce", host: "nonce.test", profile: "modern", code: gate.ExitFindings,
			want: []want{
				{"csp.nonce[script-src]", "reused", finding.Fail},
				{"csp.bypass-host[https://www.google.com]", "jsonp", finding.Fail},
				{"https.redirect.path", "ok", finding.Pass},
				{"headers.error-page", "ok", finding.Pass}, // `always` on every line
			}},
		{name: "gzip-meta", host: "meta.test", profile: "modern", code: gate.ExitOK, gzip: true,
			want: []want{
				{"csp", "ok", finding.Pass}, // the <meta> policy, read from the gzip-decoded body
				{"csp.meta", "meta", finding.Info},
				{"referrer-policy", "ok", finding.Pass}, // <meta name=referrer content=no-referrer>
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.gzip {
				if enc := lab.encoding(t, tc.host); enc != "gzip" {
					t.Fatalf("nginx sent / with Content-Encoding %q, want gzip", enc)
				}
			}
			o := runArgs(t, append(lab.args, "-p", tc.profile, "-f", "json", "https://"+tc.host+"/")...)
			tg := onlyTarget(t, o)
			if tg.Error != nil {
				t.Fatalf("target error %q, want a scanned site", *tg.Error)
			}
			if o.code != tc.code {
				t.Errorf("exit %d, want %d; stderr %q", o.code, tc.code, o.stderr)
			}
			got := map[string]finding.Finding{}
			for _, f := range tg.Findings {
				got[key(f)] = f
			}
			for _, w := range tc.want {
				f, ok := got[w.key]
				switch {
				case !ok:
					t.Errorf("%s: not reported, want %s %s", w.key, w.sev, w.reason)
				case f.Reason != w.reason || f.Severity != w.sev:
					t.Errorf("%s: %s %s, want %s %s (%s)", w.key, f.Severity, f.Reason, w.sev, w.reason, f.Message)
				}
			}
			for _, k := range tc.absent {
				if f, ok := got[k]; ok {
					t.Errorf("%s: reported (%s %s: %s), want nothing", k, f.Severity, f.Reason, f.Message)
				}
			}
			if tc.noGrade != (tg.Grade == "") {
				t.Errorf("grade %q; a site answering 5xx gets none, others one", tg.Grade)
			}
			if tc.software != "" && (tg.Software == nil || tg.Software.Name != tc.software || tg.Profile != tc.software) {
				t.Errorf("auto picked profile %q for software %+v, want %s", tg.Profile, tg.Software, tc.software)
			}
			if t.Failed() {
				t.Logf("findings:\n%s", dumpTarget(tg))
			}
		})
	}
}

func key(f finding.Finding) string {
	if f.Subject == "" {
		return f.ID
	}
	return f.ID + "[" + f.Subject + "]"
}

func dumpTarget(tg *result.Target) string {
	var b strings.Builder
	for _, f := range tg.Findings {
		fmt.Fprintf(&b, "  %-50s %-4s %-14s %s\n", key(f), f.Severity, f.Reason, f.Message)
	}
	return b.String()
}

// nginxBinary finds nginx on PATH or where Debian puts it (/usr/sbin is
// not on every user's PATH).
func nginxBinary() string {
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx"
	}
	return ""
}

// nginxLab is a running nginx and the flags that aim a scan at it.
type nginxLab struct {
	args  []string
	https string // its address for port 443
	pool  *x509.CertPool
}

// encoding is the Content-Encoding of GET https://host/ for a client that
// accepts gzip.
func (l *nginxLab) encoding(t *testing.T, host string) string {
	t.Helper()
	tr := &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: l.pool},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, l.https)
		},
		DisableCompression: true,
	}
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequest(http.MethodGet, "https://"+host+"/", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	return res.Header.Get("Content-Encoding")
}

// startNginx writes testdata/nginx into a temporary prefix with a CA and a
// certificate for every host, starts the backends and nginx on loopback
// ports, and stops them when the test ends.
func startNginx(t *testing.T, bin string) *nginxLab {
	t.Helper()
	dir := t.TempDir()
	for _, sub := range []string{"tmp", "cache", "sites", "www"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.CopyFS(filepath.Join(dir, "www"), os.DirFS("testdata/nginx/www")); err != nil {
		t.Fatal(err)
	}
	ca, pool := writeCerts(t, dir)

	backend := httptest.NewServer(pleromaBackend())
	t.Cleanup(backend.Close)
	vars := map[string]string{
		"@DIR@":     dir,
		"@HTTPS@":   freePort(t),
		"@HTTP@":    freePort(t),
		"@BACKEND@": strings.TrimPrefix(backend.URL, "http://"),
		"@CLOSED@":  "127.0.0.1:" + freePort(t), // nothing listens: the application is down
		"@USER@":    "",
	}
	if os.Geteuid() == 0 {
		// Workers would run as nobody, who cannot read the test's 0700 files.
		vars["@USER@"] = "user root;"
	}
	confs, err := filepath.Glob("testdata/nginx/*.conf")
	if err != nil || len(confs) == 0 {
		t.Fatalf("testdata/nginx: %v", err)
	}
	for _, c := range confs {
		to := filepath.Join(dir, "sites", filepath.Base(c))
		if filepath.Base(c) == "nginx.conf" {
			to = filepath.Join(dir, "nginx.conf")
		}
		renderConf(t, c, to, vars)
	}

	addr := "127.0.0.1:" + vars["@HTTPS@"]
	errorLog := filepath.Join(dir, "error.log")
	startDaemon(t, exec.Command(bin, "-p", dir+"/", "-e", errorLog, "-c", filepath.Join(dir, "nginx.conf"), "-g", "daemon off;"),
		addr, errorLog, 5*time.Second)
	return &nginxLab{https: addr, pool: pool, args: []string{"--cacert", ca, "--backend-port", "0",
		"--resolve", "*:443:" + addr, "--resolve", "*:80:127.0.0.1:" + vars["@HTTP@"]}}
}

// writeCerts writes a CA (ca.pem, for --cacert and nginx's
// ssl_trusted_certificate) and a certificate for every host with its key
// (cert.pem, key.pem), and returns the CA's path and a pool trusting it.
func writeCerts(t *testing.T, dir string) (string, *x509.CertPool) {
	t.Helper()
	ca, err := replica.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ca.Leaf(nginxHosts, time.Now().Add(-time.Hour), time.Now().Add(90*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	key, err := x509.MarshalPKCS8PrivateKey(leaf.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"ca.pem":   ca.PEM,
		"cert.pem": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leaf.Certificate[0]}),
		"key.pem":  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key}),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "ca.pem"), ca.Pool()
}

func renderConf(t *testing.T, from, to string, vars map[string]string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for k, v := range vars {
		s = strings.ReplaceAll(s, k, v)
	}
	if err := os.WriteFile(to, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// pleromaBackend replays Pleroma 2.7's recorded responses for the host
// nginx passes on: its root head on / and, with a 404, on any other path
// (Pleroma's plug pipeline adds its headers to every response), and its
// NodeInfo documents.
func pleromaBackend() http.Handler {
	docs := map[string]string{
		"/.well-known/nodeinfo": "pleroma-2.7_well-known-nodeinfo.json",
		"/nodeinfo/2.1.json":    "pleroma-2.7_nodeinfo-2.1.json",
		"/nodeinfo/2.0.json":    "pleroma-2.7_nodeinfo-2.0.json",
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec, err := replica.Response("pleroma-2.7_default_GET-root.http")
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		host := r.Host
		for k, vs := range rec.Header {
			switch k {
			case "Content-Length", "Connection", "Transfer-Encoding", "Date", "Server":
				continue
			}
			for _, v := range vs {
				w.Header().Add(k, strings.ReplaceAll(v, replica.RecordedHost, host))
			}
		}
		if name, ok := docs[r.URL.Path]; ok {
			doc, err := replica.Document(name)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(strings.ReplaceAll(string(doc), replica.RecordedHost, host)))
			return
		}
		status := http.StatusOK
		if r.URL.Path != "/" {
			status = http.StatusNotFound
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte("<!DOCTYPE html><html><head><title>Pleroma</title></head><body><noscript>To use Pleroma, please enable JavaScript.</noscript></body></html>\n"))
	})
}
