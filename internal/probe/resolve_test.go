package probe

import (
	"strings"
	"testing"
)

func TestParseResolve(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Resolve
		wantErr bool
	}{
		{in: "example.tld:443:127.0.0.1", want: Resolve{"example.tld", "443", "127.0.0.1"}},
		{in: "Example.TLD.:443:127.0.0.1", want: Resolve{"example.tld", "443", "127.0.0.1"}},
		{in: "*:*:127.0.0.1", want: Resolve{"*", "*", "127.0.0.1"}},
		{in: "example.tld:443:127.0.0.1:8443", want: Resolve{"example.tld", "443", "127.0.0.1:8443"}},
		{in: "example.tld:443:[::1]", want: Resolve{"example.tld", "443", "::1"}},
		{in: "example.tld:443:[::1]:8443", want: Resolve{"example.tld", "443", "[::1]:8443"}},
		{in: "example.tld:443:::1", want: Resolve{"example.tld", "443", "::1"}},
		{in: "example.tld:443", wantErr: true},
		{in: "example.tld:https:127.0.0.1", wantErr: true},
		{in: "example.tld:443:localhost", wantErr: true}, // an address, never a name: no DNS
		{in: "example.tld:443:127.0.0.1:99999", wantErr: true},
		{in: ":443:127.0.0.1", wantErr: true},
		{in: "example.tld:443:[::1", wantErr: true},
	} {
		got, err := ParseResolve(tc.in)
		if (err != nil) != tc.wantErr || (!tc.wantErr && got != tc.want) {
			t.Errorf("ParseResolve(%q) = %+v, %v; want %+v, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestLookupFirstMatchWins(t *testing.T) {
	rules := []Resolve{
		{"dead.test", "443", "127.0.0.1:9"},
		{"*", "443", "127.0.0.1:8443"},
		{"*", "*", "127.0.0.2"},
	}
	for _, tc := range []struct{ host, port, want string }{
		{"dead.test", "443", "127.0.0.1:9"},
		{"DEAD.test.", "443", "127.0.0.1:9"},
		{"live.test", "443", "127.0.0.1:8443"},
		{"live.test", "80", "127.0.0.2:80"},
	} {
		got, ok := lookup(rules, tc.host, tc.port)
		if !ok || got != tc.want {
			t.Errorf("lookup(%s:%s) = %q %v, want %q", tc.host, tc.port, got, ok, tc.want)
		}
	}
	if _, ok := lookup(rules[:1], "other.test", "443"); ok {
		t.Errorf("a host no rule names must go to the system resolver")
	}
}

// A host --resolve names is never looked up in DNS: its other ports go to
// the rule's address, unless the rule maps its port to another one, when
// there is no telling where port 80 lives.
func TestResolveOtherPortsOfANamedHost(t *testing.T) {
	bare := []Resolve{{Host: "example.tld", Port: "443", Addr: "192.0.2.1"}}
	if to, ok := lookup(bare, "example.tld", "80"); !ok || to != "192.0.2.1:80" {
		t.Errorf("port 80 of a host resolved for 443: %q %v, want 192.0.2.1:80", to, ok)
	}
	mapped := []Resolve{{Host: "example.tld", Port: "443", Addr: "127.0.0.1:8443"}}
	if to, ok := lookup(mapped, "example.tld", "80"); ok {
		t.Errorf("port 80 of a host whose 443 is mapped to 8443: %q, want no rule", to)
	}
	if !names(mapped, "EXAMPLE.tld.") || names(mapped, "other.tld") {
		t.Error("names must say which hosts --resolve covers, whatever their case and final dot")
	}
	c := NewClient(Options{Resolve: mapped})
	if _, err := c.dial(t.Context(), "tcp", "example.tld:80"); err == nil || !strings.Contains(err.Error(), "no --resolve rule for example.tld:80") {
		t.Errorf("dial of an uncovered port of a named host: %v, want a refusal that asks no DNS", err)
	}
}
