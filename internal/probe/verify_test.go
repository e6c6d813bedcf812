package probe

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"github.com/hardscan/hardscan/internal/replica"
)

// verify checks chains as crypto/tls would, names and IP addresses alike,
// trying ExtraRoots before the system's roots.
func TestVerify(t *testing.T) {
	ca, err := replica.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	leaf := func(names []string, from, to time.Time) []*x509.Certificate {
		t.Helper()
		c, err := ca.Leaf(names, from, to)
		if err != nil {
			t.Fatal(err)
		}
		x, err := x509.ParseCertificate(c.Certificate[0])
		if err != nil {
			t.Fatal(err)
		}
		return []*x509.Certificate{x}
	}
	untrusted, err := replica.Untrusted([]string{"site.test"})
	if err != nil {
		t.Fatal(err)
	}
	stranger, _ := x509.ParseCertificate(untrusted.Certificate[0])
	valid := leaf([]string{"site.test"}, now.Add(-time.Hour), now.Add(time.Hour))
	extra := NewClient(Options{ExtraRoots: [][]byte{ca.PEM}})
	exact := NewClient(Options{RootCAs: ca.Pool()})
	for _, tc := range []struct {
		name   string
		c      *Client
		certs  []*x509.Certificate
		host   string
		wantOK bool
		want   any // the x509 error type expected
	}{
		{name: "extra root", c: extra, certs: valid, host: "site.test", wantOK: true},
		{name: "exact pool", c: exact, certs: valid, host: "site.test", wantOK: true},
		{name: "another name", c: extra, certs: valid, host: "other.test", want: x509.HostnameError{}},
		{name: "an IP address the certificate does not name", c: extra, certs: valid, host: "127.0.0.1", want: x509.HostnameError{}},
		{name: "an IP address it names", c: extra, certs: leaf([]string{"127.0.0.1"}, now.Add(-time.Hour), now.Add(time.Hour)), host: "127.0.0.1", wantOK: true},
		{name: "expired", c: extra, certs: leaf([]string{"site.test"}, now.Add(-48*time.Hour), now.Add(-24*time.Hour)), host: "site.test", want: x509.CertificateInvalidError{}},
		{name: "unknown authority, system roots too", c: extra, certs: []*x509.Certificate{stranger}, host: "site.test", want: x509.UnknownAuthorityError{}},
		{name: "unknown authority, exact pool", c: exact, certs: []*x509.Certificate{stranger}, host: "site.test", want: x509.UnknownAuthorityError{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.c.verify(tls.ConnectionState{PeerCertificates: tc.certs}, tc.host)
			if tc.wantOK {
				if err != nil {
					t.Fatalf("verify: %v", err)
				}
				return
			}
			if err == nil || !IsCertificateError(err) {
				t.Fatalf("verify = %v, want a certificate error", err)
			}
			var ok bool
			switch tc.want.(type) {
			case x509.HostnameError:
				var e x509.HostnameError
				ok = errors.As(err, &e)
			case x509.CertificateInvalidError:
				var e x509.CertificateInvalidError
				ok = errors.As(err, &e)
			case x509.UnknownAuthorityError:
				var e x509.UnknownAuthorityError
				ok = errors.As(err, &e)
			}
			if !ok {
				t.Errorf("verify = %v, want a %T", err, tc.want)
			}
		})
	}
}
