package judge

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hardscan/hardscan/internal/audit/exsconfig"
	"github.com/hardscan/hardscan/internal/audit/unit"
	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/internal/probe"
	"github.com/hardscan/hardscan/internal/profile"
	"github.com/hardscan/hardscan/scan/finding"
)

// emitted runs every judge over the test cases of this package and the
// audit packages' test files, and returns every finding they give.
func emitted(t *testing.T) []finding.Finding {
	t.Helper()
	var all []finding.Finding
	for _, c := range judgeCases() {
		p, err := profile.Builtin(c.profile)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, Site(p, observed(t, c), judgeNow)...)
	}
	all = append(all, siteExtras(t)...)
	units, _ := filepath.Glob(filepath.Join("..", "audit", "unit", "testdata", "*.service"))
	for _, path := range units {
		u, err := unit.Load(path, unit.Options{})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		all = append(all, unit.Judge(u)...)
	}
	dir := t.TempDir()
	odd := filepath.Join(dir, "odd.service")
	writeFile(t, odd, "[Service]\nExecStart=/bin/true\nPrivateTmp=maybe\nnot a line\n")
	u, err := unit.Load(odd, unit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	all = append(all, unit.Judge(u)...)
	odds := filepath.Join(dir, "odd.exs")
	writeFile(t, odds, "import Config\nif true do\n  config :pleroma, :x, y: 1\nend\nconfig :pleroma, Pleroma.Web.Endpoint, http: [ip: {0, 0, 0, 0}]\n")
	for _, path := range []string{filepath.Join("..", "audit", "exsconfig", "testdata", "prod.secret.exs"), odds} {
		cfg, skipped, err := exsconfig.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		all = append(append(all, exsconfig.Judge(cfg)...), skipped...)
	}
	return all
}

// siteExtras are observations the header table does not make: a TLS
// connection with a certificate, a backend port, capped responses.
func siteExtras(t *testing.T) []finding.Finding {
	t.Helper()
	u, _ := url.Parse("https://example.tld/")
	httpU, _ := url.Parse("http://example.tld/")
	p, err := profile.Builtin("pleroma")
	if err != nil {
		t.Fatal(err)
	}
	leaf := &x509.Certificate{NotAfter: judgeNow.Add(3 * 24 * time.Hour)}
	state := &tls.ConnectionState{Version: tls.VersionTLS11, PeerCertificates: []*x509.Certificate{leaf}}
	coep, err := profile.Parse(strings.NewReader(`{"name": "coep", "headers": {"rules": {"cross-origin-embedder-policy": {"want": "require-corp"}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	out := Site(coep, &probe.Observed{URL: u, Verified: true,
		Root: &probe.Chain{Hops: []probe.Hop{{URL: u, Status: 200, Header: http.Header{}}}, Downgrade: true, Stopped: "http://example.tld/"},
		HTTP: &probe.Chain{Hops: []probe.Hop{{URL: httpU, Status: 301, Header: http.Header{}, Location: u}}}}, judgeNow)
	for _, o := range []*probe.Observed{
		{URL: u, Verified: true, Backend: &probe.Probe{Port: 4000, Open: true, Status: 200},
			Root: &probe.Chain{Hops: []probe.Hop{{URL: u, Status: 200, Header: http.Header{}, TLS: state}}, Truncated: true, Stopped: "a loop"},
			HTTP: &probe.Chain{Hops: []probe.Hop{{URL: httpU, Status: 301, Header: http.Header{}, Location: u}}}},
	} {
		out = append(out, Site(p, o, judgeNow)...)
	}
	return out
}

// TestCatalogueCoversWhatJudgesSay proves the catalogue and the judges
// agree: every id and reason a judge gives is in the catalogue, and every
// catalogue entry is given by at least one test case.
func TestCatalogueCoversWhatJudgesSay(t *testing.T) {
	seen := map[string]bool{}
	reasons := map[string]map[string]bool{}
	for _, f := range emitted(t) {
		c, ok := check.Lookup(f.ID)
		if !ok {
			t.Errorf("%s: not in the catalogue", f.ID)
			continue
		}
		if err := check.Validate(f.ID, f.Reason); err != nil || f.Reason == "" {
			t.Errorf("%s: reason %q: %v", f.ID, f.Reason, err)
		}
		seen[c.ID] = true
		if reasons[c.ID] == nil {
			reasons[c.ID] = map[string]bool{}
		}
		reasons[c.ID][f.Reason] = true
	}
	var unseen []string
	for _, c := range check.All() {
		if !seen[c.ID] {
			unseen = append(unseen, c.ID)
		}
	}
	sort.Strings(unseen)
	if len(unseen) > 0 {
		t.Errorf("catalogue entries no test case gives: %s", strings.Join(unseen, ", "))
	}
	// Reasons no test gives are listed, not failed: some need a network
	// a pure test does not have (a refused port 80).
	for _, c := range check.All() {
		var missing []string
		for _, r := range c.Reasons {
			if !reasons[c.ID][string(r)] {
				missing = append(missing, string(r))
			}
		}
		if len(missing) > 0 {
			t.Logf("%s: no test case gives %s", c.ID, strings.Join(missing, ", "))
		}
	}
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}
