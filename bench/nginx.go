package main

import (
	"bufio"
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hardscan/hardscan/internal/probe"
	replica "github.com/hardscan/hardscan/internal/replica"
)

// nginxLab is Debian's nginx, started by the bench in a temporary prefix of
// its own: one server block per vhost (server_name hNNNNNN.test, HTTPS on
// one loopback port with `listen ... ssl http2`), each sending Pleroma
// 2.7's recorded root headers with `always` (so that its 404 carries them,
// as Pleroma's plug does) and serving NodeInfo; one catch-all plain-HTTP
// server answering 301 to https://$host$request_uri, as Pleroma's shipped
// nginx file does for port 80.
//
// One server block per name, not one wildcard server: a survey scans
// thousands of instances, each its own server, so nginx picks a block by
// SNI and Host among many (its server-names hash), as a shared host does.
// The certificate is one wildcard for *.test, shared by every block.
//
// Counting, on the server side: requests, by path and per host span, from
// an access log (log_format with $connection, $connection_requests,
// $scheme, $host, $msec, $request_time); TLS handshakes from stub_status's
// accepted-connection counter, read before and after a run, less the
// plain-HTTP connections the log shows. The log alone would miss a TLS
// connection that carried no request; the counter does not.
type nginxLab struct {
	cmd        *exec.Cmd
	done       chan struct{}
	dir        string
	ca         string
	https      string
	http       string
	closed     string // where nothing listens: other ports
	vhosts     int
	logOffset  int64
	accepts    int64 // stub_status's accepts at reset
	errorLog   string
	accessLog  string
	statusHost string
}

// nginxBinary finds nginx on PATH or where Debian puts it (/usr/sbin is
// not on every user's PATH); "" when it is not installed.
func nginxBinary() string {
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx"
	}
	return ""
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startNginx writes the prefix (CA, certificate, config, documents) under
// dir and starts nginx with vhosts server blocks; close stops it.
func startNginx(bin, dir string, vhosts int) (*nginxLab, error) {
	dir = filepath.Join(dir, "nginx")
	for _, sub := range []string{"tmp", "www/nodeinfo"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, err
		}
	}
	l := &nginxLab{dir: dir, vhosts: vhosts, errorLog: filepath.Join(dir, "error.log"),
		accessLog: filepath.Join(dir, "access.log"), statusHost: "bench-status.invalid"}
	var err error
	for _, a := range []*string{&l.https, &l.http, &l.closed} {
		if *a, err = freeAddr(); err != nil {
			return nil, err
		}
	}
	if err := l.writeFiles(); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-p", dir+"/", "-e", l.errorLog, "-c", filepath.Join(dir, "nginx.conf"), "-g", "daemon off;")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// Its own process group, so that its workers go with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start nginx: %w", err)
	}
	l.cmd, l.done = cmd, make(chan struct{})
	go func() { _ = cmd.Wait(); close(l.done) }()
	for deadline := time.Now().Add(30 * time.Second); ; {
		select {
		case <-l.done:
			log, _ := os.ReadFile(l.errorLog)
			return nil, fmt.Errorf("nginx exited at start: %s%s", out.String(), log)
		default:
		}
		if _, err := l.status(); err == nil {
			return l, nil
		}
		if time.Now().After(deadline) {
			l.close()
			return nil, fmt.Errorf("nginx: no answer on %s after 30s", l.http)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (l *nginxLab) writeFiles() error {
	ca, err := replica.NewCA()
	if err != nil {
		return err
	}
	leaf, err := ca.Leaf([]string{"*.test"}, time.Now().Add(-time.Hour), time.Now().Add(90*24*time.Hour))
	if err != nil {
		return err
	}
	key, err := x509.MarshalPKCS8PrivateKey(leaf.PrivateKey)
	if err != nil {
		return err
	}
	l.ca = filepath.Join(l.dir, "ca.pem")
	rec, err := replica.Response("pleroma-2.7_default_GET-root.http")
	if err != nil {
		return err
	}
	nodeinfo, err := replica.Document("pleroma-2.7_nodeinfo-2.0.json")
	if err != nil {
		return err
	}
	files := map[string][]byte{
		"ca.pem":                ca.PEM,
		"cert.pem":              pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leaf.Certificate[0]}),
		"key.pem":               pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key}),
		"www/index.html":        []byte("<!DOCTYPE html><html><head><title>Pleroma</title></head><body><noscript>To use Pleroma, please enable JavaScript.</noscript></body></html>\n"),
		"www/nodeinfo/2.0.json": nodeinfo,
		"www/nodeinfo/2.1.json": nodeinfo,
		"nginx.conf":            []byte(l.config(rec.Header)),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(l.dir, name), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// config is nginx.conf: Debian's defaults where they matter (sendfile,
// keep-alive), every path under the prefix, loopback ports.
func (l *nginxLab) config(root http.Header) string {
	var b strings.Builder
	d := l.dir
	if os.Geteuid() == 0 {
		// Workers would run as nobody, who may not read the prefix.
		b.WriteString("user root;\n")
	}
	fmt.Fprintf(&b, `worker_processes auto;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 8192; }
http {
    sendfile on;
    tcp_nopush on;
    types { text/html html; application/json json; }
    default_type application/octet-stream;
    keepalive_timeout 65;
    log_format bench '$connection $connection_requests $scheme $host $msec $request_time $status $request_uri';
    access_log %[1]s/access.log bench;
    client_body_temp_path %[1]s/tmp/body;
    proxy_temp_path %[1]s/tmp/proxy;
    fastcgi_temp_path %[1]s/tmp/fastcgi;
    uwsgi_temp_path %[1]s/tmp/uwsgi;
    scgi_temp_path %[1]s/tmp/scgi;
    server_names_hash_max_size 65536;
    server_names_hash_bucket_size 64;
    ssl_certificate %[1]s/cert.pem;
    ssl_certificate_key %[1]s/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:SSL:10m;

    server {
        listen %[2]s default_server;
        server_name _;
        return 301 https://$host$request_uri;
    }
    server {
        listen %[2]s;
        server_name %[3]s;
        location = /status { stub_status; }
    }
`, d, l.http, l.statusHost)
	var heads []string
	for k, vs := range root {
		switch k {
		case "Content-Length", "Connection", "Transfer-Encoding", "Date", "Server", "Content-Type":
			continue
		}
		for _, v := range vs {
			heads = append(heads, fmt.Sprintf("        add_header %s %s always;\n", k, nginxQuote(v)))
		}
	}
	sort.Strings(heads)
	headers := strings.Join(heads, "")
	for i, host := range hostNames(l.vhosts) {
		def := ""
		if i == 0 {
			def = " default_server"
		}
		fmt.Fprintf(&b, `    server {
        listen %s ssl http2%s;
        server_name %s;
        root %s/www;
        index index.html;
%s        location = /.well-known/nodeinfo {
            default_type application/json;
            return 200 '{"links":[{"href":"https://%[3]s/nodeinfo/2.0.json","rel":"http://nodeinfo.diaspora.software/ns/schema/2.0"}]}';
        }
    }
`, l.https, def, host, d, strings.ReplaceAll(headers, replica.RecordedHost, host))
	}
	b.WriteString("}\n")
	return b.String()
}

// nginxQuote writes v as an nginx double-quoted string.
func nginxQuote(v string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(v) + `"`
}

func (l *nginxLab) describe() string {
	return fmt.Sprintf("Debian nginx (%s, %d vhosts), HTTPS `listen ssl http2` (ALPN h2), and plain HTTP", nginxVersion(l.cmd.Path), l.vhosts)
}

func nginxVersion(bin string) string {
	out, _ := exec.Command(bin, "-v").CombinedOutput()
	v := strings.TrimSpace(string(out))
	if _, after, ok := strings.Cut(v, "version: "); ok {
		return after
	}
	return v
}

func (l *nginxLab) addrs() (string, string) { return l.https, l.http }
func (l *nginxLab) caFile() string          { return l.ca }
func (l *nginxLab) closedAddr() string      { return l.closed }

func (l *nginxLab) hosts(n int) []string {
	if n > l.vhosts {
		n = l.vhosts
	}
	return hostNames(n)
}

func (l *nginxLab) resolve() []string {
	return []string{"*:443:" + l.https, "*:80:" + l.http, "*:*:" + l.closed}
}

// status reads stub_status's accepted-connection counter. Its own
// connection is counted in it.
func (l *nginxLab) status() (int64, error) {
	c, err := net.DialTimeout("tcp", l.http, 2*time.Second)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(c, "GET /status HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", l.statusHost)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	// "Active connections: 1 \nserver accepts handled requests\n 5 5 9 \n..."
	lines := strings.Split(string(body), "\n")
	for i, line := range lines {
		if strings.Contains(line, "accepts") && i+1 < len(lines) {
			f := strings.Fields(lines[i+1])
			if len(f) >= 1 {
				return strconv.ParseInt(f[0], 10, 64)
			}
		}
	}
	return 0, fmt.Errorf("stub_status: no accepts in %q", body)
}

func (l *nginxLab) reset() error {
	a, err := l.status()
	if err != nil {
		return fmt.Errorf("nginx status: %w", err)
	}
	l.accepts = a
	fi, err := os.Stat(l.accessLog)
	if err != nil {
		return err
	}
	l.logOffset = fi.Size()
	return nil
}

func (l *nginxLab) counts() (counts, error) {
	after, err := l.status()
	if err != nil {
		return counts{}, fmt.Errorf("nginx status: %w", err)
	}
	// nginx logs a request once its response is sent: the client may have
	// seen it a moment before. The status request after the run is logged
	// after every earlier one on its worker; give the others a moment.
	time.Sleep(100 * time.Millisecond)
	f, err := os.Open(l.accessLog)
	if err != nil {
		return counts{}, err
	}
	defer f.Close()
	if _, err := f.Seek(l.logOffset, io.SeekStart); err != nil {
		return counts{}, err
	}
	c := counts{byPath: map[string]int64{}}
	plainConns := map[string]bool{}
	type span struct{ first, last float64 }
	spans := map[string]*span{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		// $connection $connection_requests $scheme $host $msec $request_time $status $request_uri
		fs := strings.Fields(sc.Text())
		if len(fs) != 8 {
			return counts{}, fmt.Errorf("access log line %q", sc.Text())
		}
		if fs[3] == l.statusHost {
			continue
		}
		c.requests++
		if fs[2] == "http" {
			plainConns[fs[0]] = true
		}
		c.byPath[fs[2]+" "+pathKey(fs[7])]++
		end, _ := strconv.ParseFloat(fs[4], 64)
		took, _ := strconv.ParseFloat(fs[5], 64)
		s := spans[fs[3]]
		if s == nil {
			s = &span{first: end - took, last: end}
			spans[fs[3]] = s
		}
		s.first, s.last = min(s.first, end-took), max(s.last, end)
	}
	if err := sc.Err(); err != nil {
		return counts{}, err
	}
	// Between the two status requests, each counted in its own reading.
	c.handshakes = after - l.accepts - 1 - int64(len(plainConns))
	for _, s := range spans {
		c.spans = append(c.spans, time.Duration((s.last-s.first)*float64(time.Second)))
	}
	sort.Slice(c.spans, func(i, j int) bool { return c.spans[i] < c.spans[j] })
	return c, nil
}

// pathKey is vhost's key for a request target: the error page's random
// part as vhost.RandomSuffix.
func pathKey(uri string) string {
	if rest, ok := strings.CutPrefix(uri, probe.ErrorPrefix); ok && len(rest) == 16 {
		return probe.ErrorPrefix + "*"
	}
	return uri
}

// close stops nginx (SIGTERM to its process group, then SIGKILL).
func (l *nginxLab) close() {
	if l.cmd == nil || l.cmd.Process == nil {
		return
	}
	pgid := l.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-l.done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-l.done
	}
}

var errNoNginx = errors.New("nginx is not installed (Debian package nginx-light): the nginx mode is skipped")
