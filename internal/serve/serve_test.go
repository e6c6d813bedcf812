package serve

import (
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/hardscan/hardscan/scan"
)

func TestAllowed(t *testing.T) {
	s, err := New(Config{Allow: []string{"*.Example.org", "social.example", "Bücher.example", "[::1]", "0:0::2"}, MaxProbes: 1})
	if err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]bool{
		"a.example.org":         true,
		"A.B.EXAMPLE.ORG.":      true, // case and a trailing dot do not matter
		"example.org":           false,
		"example.org.evil.io":   false,
		"social.example":        true,
		"social.example.io":     false,
		"127.0.0.1":             false,
		"xn--bcher-kva.example": true, // patterns are matched in the ASCII form hostOf writes
		"::1":                   true,
		"::2":                   true,
	} {
		if got := s.Allowed(host); got != want {
			t.Errorf("Allowed(%q) = %v, want %v", host, got, want)
		}
	}
	for _, cfg := range []Config{{MaxProbes: 1}, {Allow: []string{"[a-"}, MaxProbes: 1}, {Allow: []string{"*"}}} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}

// A probe ends half a second before Prometheus gives up, and never later
// than a scan's own bound.
func TestBudget(t *testing.T) {
	s, err := New(Config{Allow: []string{"*"}, MaxProbes: 1, Scan: scan.Options{Timeout: 10 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	for header, want := range map[string]time.Duration{
		"":      21 * time.Second,
		"15":    14500 * time.Millisecond,
		"0.75":  500 * time.Millisecond,
		"120":   21 * time.Second,
		"-3":    21 * time.Second,
		"nope":  21 * time.Second,
		"2.5e0": 2 * time.Second,
	} {
		r := httptest.NewRequest("GET", "/probe?target=a", nil)
		if header != "" {
			r.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", header)
		}
		if got := s.budget(r); got != want {
			t.Errorf("scrape timeout %q: budget %s, want %s", header, got, want)
		}
	}
}

// A redirect is followed only to a host --allow matches, read from its
// Location as the target is (the probe has dropped credentials by then).
func TestRedirectHosts(t *testing.T) {
	s, err := New(Config{Allow: []string{"allowed.test"}, MaxProbes: 1})
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://allowed.test/a/b")
	for loc, want := range map[string]bool{
		"/c":                              true,
		"//ALLOWED.test./x":               true,
		"https://allowed.test:8443/":      true,
		"https://ａｌｌｏｗｅｄ.test/":           true,
		"https://internal.test/secret":    false,
		"https://allowed.test.evil.test/": false,
		"https://аllowed.test/":           false, // Cyrillic а
		"https://127.0.0.1/":              false,
		"https://2130706433/":             false,
		"https://allowed.test:0/":         false,
		"http://[::1]/":                   false,
	} {
		u, err := base.Parse(loc)
		if err != nil {
			t.Fatalf("%s: %v", loc, err)
		}
		host, _, err := hostOf(u)
		if got := err == nil && s.Allowed(host); got != want {
			t.Errorf("redirect to %s (host %q, %v): followed %v, want %v", loc, host, err, got, want)
		}
	}
}

// --timeout-offset moves the answer earlier, for a loaded machine.
func TestBudgetOffset(t *testing.T) {
	s, err := New(Config{Allow: []string{"*"}, MaxProbes: 1, Scan: scan.Options{Timeout: 10 * time.Second}, TimeoutOffset: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for header, want := range map[string]time.Duration{"15": 13 * time.Second, "2": 500 * time.Millisecond, "": 21 * time.Second} {
		r := httptest.NewRequest("GET", "/probe?target=a", nil)
		if header != "" {
			r.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", header)
		}
		if got := s.budget(r); got != want {
			t.Errorf("offset 2s, scrape timeout %q: budget %s, want %s", header, got, want)
		}
	}
}
