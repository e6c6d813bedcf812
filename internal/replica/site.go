package replica

import (
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// RecordedHost is the host name the recorded responses were made for.
const RecordedHost = "example.tld"

// CertKind picks the certificate a Site's HTTPS server presents.
type CertKind int

// The certificates a Site can present.
const (
	CertValid     CertKind = iota // issued by the site's CA for the host
	CertExpired                   // issued by the CA, expired yesterday
	CertWrongHost                 // issued by the CA for another name
	CertUntrusted                 // issued by a CA nobody trusts
	CertExpiring                  // issued by the CA, expires in 5 days
)

// HTTPMode says what the plain-HTTP listener does.
type HTTPMode int

// What a Site's port 80 can do.
const (
	HTTPRedirect HTTPMode = iota // 301 to https://host/ (nginx's usual server block)
	HTTPServe                    // answers 200 in clear, no redirect
	HTTPClosed                   // nothing listens: connections are refused
)

// Route is what the HTTPS server answers for one path.
type Route struct {
	File   string      // a recorded response head in responses/, or ""
	Doc    string      // a recorded document served as the body (JSON), or ""
	Status int         // overrides the recorded status when not 0
	Header http.Header // added to the recorded headers
}

// Site is a replica of an instance: routes replayed over HTTPS, a plain-HTTP
// listener and optionally an exposed backend port.
type Site struct {
	Host    string // defaults to RecordedHost
	Routes  map[string]Route
	HTTP    HTTPMode
	HTTPSet []string // Set-Cookie lines the HTTP redirect carries
	Backend bool     // an application server answers on the backend port
	Cert    CertKind
}

// Running is a started Site. Close it when done.
type Running struct {
	Host        string
	CA          *CA
	HTTPSAddr   string // 127.0.0.1:port
	HTTPAddr    string // listening or closed port
	BackendAddr string // listening or closed port
	closers     []func()
}

// Start serves the site on loopback ports chosen by the system.
func (s Site) Start() (*Running, error) {
	if s.Host == "" {
		s.Host = RecordedHost
	}
	ca, err := NewCA()
	if err != nil {
		return nil, err
	}
	cert, err := s.certificate(ca)
	if err != nil {
		return nil, err
	}
	r := &Running{Host: s.Host, CA: ca}
	ok := false
	defer func() {
		if !ok {
			r.Close()
		}
	}()

	tlsLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen https: %w", err)
	}
	r.HTTPSAddr = tlsLn.Addr().String()
	https := &http.Server{
		Handler:           s.replay(),
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}},
		ReadHeaderTimeout: 5 * time.Second,
		ErrorLog:          quietLog(),
	}
	go func() { _ = https.ServeTLS(tlsLn, "", "") }()
	r.closers = append(r.closers, func() { _ = https.Close() })

	if r.HTTPAddr, err = r.serveOrClose(s.HTTP != HTTPClosed, s.plain()); err != nil {
		return nil, err
	}
	if r.BackendAddr, err = r.serveOrClose(s.Backend, backend()); err != nil {
		return nil, err
	}
	ok = true
	return r, nil
}

// serveOrClose serves h on a fresh loopback port, or when serve is false
// returns a port that was just closed, so that connecting to it is refused.
func (r *Running) serveOrClose(serve bool, h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("listen: %w", err)
	}
	addr := ln.Addr().String()
	if !serve {
		_ = ln.Close()
		return addr, nil
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ErrorLog: quietLog()}
	go func() { _ = srv.Serve(ln) }()
	r.closers = append(r.closers, func() { _ = srv.Close() })
	return addr, nil
}

// Close stops every listener.
func (r *Running) Close() {
	for _, c := range r.closers {
		c()
	}
	r.closers = nil
}

// Resolve returns the --resolve values that send the host's ports 443, 80
// and backendPort to this site's listeners.
func (r *Running) Resolve(backendPort int) []string {
	return []string{
		fmt.Sprintf("%s:443:%s", r.Host, r.HTTPSAddr),
		fmt.Sprintf("%s:80:%s", r.Host, r.HTTPAddr),
		fmt.Sprintf("%s:%d:%s", r.Host, backendPort, r.BackendAddr),
	}
}

// Args writes the CA into dir and returns the flags that point a scan of
// https://HOST/ at this site: --resolve for each port and --cacert.
func (r *Running) Args(dir string, backendPort int) ([]string, error) {
	caFile := filepath.Join(dir, "ca-"+r.Host+".pem")
	if err := os.WriteFile(caFile, r.CA.PEM, 0o600); err != nil {
		return nil, fmt.Errorf("write CA: %w", err)
	}
	args := []string{"--cacert", caFile, "--backend-port", fmt.Sprint(backendPort)}
	for _, v := range r.Resolve(backendPort) {
		args = append(args, "--resolve", v)
	}
	return args, nil
}

func (s Site) certificate(ca *CA) (tls.Certificate, error) {
	now := time.Now()
	switch s.Cert {
	case CertExpired:
		return ca.Leaf([]string{s.Host}, now.Add(-90*24*time.Hour), now.Add(-24*time.Hour))
	case CertWrongHost:
		return ca.Leaf([]string{"other.invalid"}, now.Add(-time.Hour), now.Add(90*24*time.Hour))
	case CertUntrusted:
		return Untrusted([]string{s.Host})
	case CertExpiring:
		return ca.Leaf([]string{s.Host}, now.Add(-time.Hour), now.Add(5*24*time.Hour+time.Hour))
	default:
		return ca.Leaf([]string{s.Host}, now.Add(-time.Hour), now.Add(90*24*time.Hour))
	}
}

// replay answers each route with its recorded head and a small body.
func (s Site) replay() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		route, found := s.Routes[req.URL.Path]
		if !found {
			// Unknown paths get the root's headers with a 404, as a real
			// instance's plug pipeline would add them to every response.
			route = s.Routes["/"]
			route.Status = http.StatusNotFound
			route.Doc = ""
		}
		status := http.StatusOK
		if route.File != "" {
			rec, err := Response(route.File)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			status = rec.Status
			copyHeader(w.Header(), rec.Header, s.Host)
		}
		copyHeader(w.Header(), route.Header, s.Host)
		freshNonces(w.Header())
		if route.Status != 0 {
			status = route.Status
		}
		body := []byte("<!DOCTYPE html><html><head><title>replica</title></head><body></body></html>\n")
		if route.Doc != "" {
			doc, err := Document(route.Doc)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			body = []byte(strings.ReplaceAll(string(doc), RecordedHost, s.Host))
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	})
}

// plain is the port-80 server block.
func (s Site) plain() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		for _, c := range s.HTTPSet {
			w.Header().Add("Set-Cookie", c)
		}
		w.Header().Set("Server", "nginx")
		if s.HTTP == HTTPServe {
			_, _ = w.Write([]byte("<html><body>plain</body></html>\n"))
			return
		}
		http.Redirect(w, req, "https://"+s.Host+req.URL.RequestURI(), http.StatusMovedPermanently)
	})
}

// backend is an application server answering on its own port, as Pleroma's
// Phoenix endpoint does when it listens on every interface.
func backend() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<!DOCTYPE html><html><head><title>Pleroma</title></head></html>\n"))
	})
}

// hopHeaders are framing headers of the recording that the server must set
// itself for the body it really sends.
var hopHeaders = map[string]bool{"Content-Length": true, "Connection": true, "Transfer-Encoding": true, "Date": true}

func copyHeader(dst, src http.Header, host string) {
	for k, vs := range src {
		if hopHeaders[k] {
			continue
		}
		for _, v := range vs {
			dst.Add(k, strings.ReplaceAll(v, RecordedHost, host))
		}
	}
}

var errNoSuchScenario = errors.New("no such scenario")

// nonceRE matches a CSP nonce source.
var nonceRE = regexp.MustCompile(`'nonce-[A-Za-z0-9+/_=-]+'`)

// freshNonces gives each response new CSP nonces, as the recorded software
// makes one per response (a replayed recording would repeat its own).
func freshNonces(h http.Header) {
	for _, name := range []string{"Content-Security-Policy", "Content-Security-Policy-Report-Only"} {
		vs := h.Values(name)
		if len(vs) == 0 {
			continue
		}
		var b [16]byte
		_, _ = rand.Read(b[:])
		fresh := "'nonce-" + base64.StdEncoding.EncodeToString(b[:]) + "'"
		h.Del(name)
		for _, v := range vs {
			h.Add(name, nonceRE.ReplaceAllString(v, fresh))
		}
	}
}
