package serve

import (
	"net/http/httptest"
	"testing"
	"time"
)

func TestAllowed(t *testing.T) {
	s, err := New(Config{Allow: []string{"*.Example.org", "social.example"}, MaxProbes: 1})
	if err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]bool{
		"a.example.org":       true,
		"A.B.EXAMPLE.ORG.":    true, // case and a trailing dot do not matter
		"example.org":         false,
		"example.org.evil.io": false,
		"social.example":      true,
		"social.example.io":   false,
		"127.0.0.1":           false,
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
	s, err := New(Config{Allow: []string{"*"}, MaxProbes: 1, Timeout: 10 * time.Second})
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
