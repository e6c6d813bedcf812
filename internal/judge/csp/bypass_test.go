package csp

import (
	"strings"
	"testing"
)

// TestBypassList checks that the embedded list names its source and
// licence and that every entry reads as a host source with a path.
func TestBypassList(t *testing.T) {
	for _, want := range []string{"github.com/google/csp-evaluator", "Apache License 2.0"} {
		if !strings.Contains(bypassData, want) {
			t.Errorf("bypass_hosts.txt does not name %q", want)
		}
	}
	kinds := map[string]int{}
	for _, b := range bypassURLs() {
		kinds[b.kind]++
		if b.src.Host == "" || b.src.Path == "" {
			t.Errorf("%s: host %q path %q", b.url, b.src.Host, b.src.Path)
		}
	}
	if kinds["jsonp"] < 100 || kinds["angular"] < 30 {
		t.Errorf("entries by kind: %v; the CSP Evaluator lists over 100 JSONP and 30 AngularJS URLs", kinds)
	}
}
