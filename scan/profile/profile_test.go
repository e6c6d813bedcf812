package profile

import (
	"strings"
	"testing"

	"github.com/hardscan/hardscan/scan/finding"
)

func TestBuiltinsLoad(t *testing.T) {
	names := Names()
	if strings.Join(names, ",") != "akkoma,mastodon,modern,pleroma" {
		t.Fatalf("built-in profiles = %v", names)
	}
	for _, n := range names {
		p, err := Builtin(n)
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		if p.Name != n {
			t.Errorf("%s: name field %q", n, p.Name)
		}
	}
}

func TestParseErrorsNameTheField(t *testing.T) {
	for _, tc := range []struct {
		name, json, want string
	}{
		{"syntax", `{"name": "x",}`, "bad JSON"},
		{"empty", ``, "empty"},
		{"unknown field", `{"name": "x", "hsts": {"max_age": 1}}`, "max_age"},
		{"wrong type", `{"name": "x", "backend_port": "4000"}`, "backend_port"},
		{"no name", `{}`, "name"},
		{"bad port", `{"name": "x", "backend_port": 70000}`, "backend_port"},
		{"bad cookie path", `{"name": "x", "cookie_paths": ["web"]}`, "cookie_paths[0]"},
		{"unknown check", `{"name": "x", "overrides": [{"id": "csp-script", "severity": "info"}]}`, "overrides[0].id"},
		{"bad severity", `{"name": "x", "overrides": [{"id": "hsts", "severity": "ok"}]}`, "overrides[0].severity"},
		{"two values", `{"name": "x"} {"name": "y"}`, "more than one"},
		{"bad csp directive", `{"name": "x", "csp": {"directives": {"scritp-src": ["'self'"]}}}`, "scritp-src"},
		{"bad header rule", `{"name": "x", "headers": {"rules": {"x-frame-option": {"want": "DENY"}}}}`, "x-frame-option"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tc.json))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Parse(%s) error = %v, want one naming %q", tc.json, err, tc.want)
			}
		})
	}
}

func TestOverridesAcceptAChoice(t *testing.T) {
	p, err := Parse(strings.NewReader(`{"name": "mine", "overrides": [
		{"id": "csp.connect-src", "severity": "info", "reason": "our CDN"},
		{"id": "cookie.httponly", "subject": "prefs", "severity": "pass"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	fs := []finding.Finding{
		{ID: "csp.connect-src", Severity: finding.Warn, Message: "extra https:"},
		{ID: "cookie.httponly", Subject: "prefs", Severity: finding.Warn},
		{ID: "cookie.httponly", Subject: "session", Severity: finding.Fail},
		{ID: "hsts", Severity: finding.Fail},
	}
	p.Apply(fs)
	want := []finding.Severity{finding.Info, finding.Pass, finding.Fail, finding.Fail}
	for i, f := range fs {
		if f.Severity != want[i] {
			t.Errorf("%s[%s] = %s, want %s", f.ID, f.Subject, f.Severity, want[i])
		}
	}
	if !strings.Contains(fs[0].Message, "accepted by profile mine: our CDN") || !strings.Contains(fs[0].Message, "was warn") {
		t.Errorf("an accepted finding must say so and what it was: %q", fs[0].Message)
	}
}

func TestKnownCheck(t *testing.T) {
	for id, want := range map[string]bool{
		"hsts": true, "csp.script-src": true, "unit.SystemCallFilter": true, "config.http.ip": true,
		"csp.": false, "nope": false, "x-frame-option": false, "cookie.secret": false,
	} {
		if got := KnownCheck(id); got != want {
			t.Errorf("KnownCheck(%q) = %v, want %v", id, got, want)
		}
	}
}
