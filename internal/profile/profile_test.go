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
	p.Apply(fs, "")
	want := []finding.Severity{finding.Info, finding.Pass, finding.Fail, finding.Fail}
	for i, f := range fs {
		if f.Severity != want[i] {
			t.Errorf("%s[%s] = %s, want %s", f.ID, f.Subject, f.Severity, want[i])
		}
	}
	if a := fs[0].Accepted; a == nil || a.Was != finding.Warn || a.Reason != "our CDN" || fs[0].Message != "extra https:" {
		t.Errorf("an accepted finding must keep its message and say what it was, as data: %+v %q", a, fs[0].Message)
	}
	if fs[2].Accepted != nil {
		t.Errorf("a finding no override changed must not be marked accepted: %+v", fs[2].Accepted)
	}
}

func TestOverrideIDsAndReasonsAreChecked(t *testing.T) {
	for _, tc := range []struct {
		override, wantErr string
	}{
		{`{"id": "csp.script-src", "severity": "info"}`, ""},
		{`{"id": "csp.connect-src", "severity": "info", "when_reason": "wide-source"}`, ""},
		{`{"id": "hsts", "severity": "info", "when_reason": "ok"}`, ""},
		{`{"id": "csp.scirpt-src", "severity": "info"}`, `unknown check id "csp.scirpt-src" (did you mean "csp.script-src"?`},
		{`{"id": "x-frame-option", "severity": "info"}`, `did you mean "x-frame-options"?`},
		{`{"id": "nope", "severity": "info"}`, `unknown check id "nope"`},
		{`{"id": "hsts", "severity": "info", "when_reason": "too-short"}`, `check hsts has no reason "too-short"`},
	} {
		_, err := Parse(strings.NewReader(`{"name": "x", "overrides": [` + tc.override + `]}`))
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tc.override, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s: err %v, want one containing %q", tc.override, err, tc.wantErr)
		}
	}
}

// A profile can say what each release sends: an override limited to
// versions applies only when auto-detection found one in range.
func TestOverridesByVersion(t *testing.T) {
	p, err := Parse(strings.NewReader(`{"name": "v", "overrides": [
		{"id": "cookie.session", "severity": "warn", "below": "2.5", "reason": "2.4 sets it anonymously"},
		{"id": "csp.script-src", "severity": "pass", "from": "2.5", "below": "2.6"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		version      string
		cookie, wasm finding.Severity
	}{
		{"2.4.5", finding.Warn, finding.Info},
		{"2.5.0", finding.Info, finding.Pass},
		{"2.5.1-rc1", finding.Info, finding.Pass},
		{"2.6", finding.Info, finding.Info},
		{"2.7.0", finding.Info, finding.Info},
		{"", finding.Info, finding.Info}, // unknown: no versioned override applies
		{"develop", finding.Info, finding.Info},
	} {
		fs := []finding.Finding{{ID: "cookie.session", Severity: finding.Info}, {ID: "csp.script-src", Severity: finding.Info}}
		p.Apply(fs, tc.version)
		if fs[0].Severity != tc.cookie || fs[1].Severity != tc.wasm {
			t.Errorf("version %q: cookie.session %s, csp.script-src %s; want %s, %s", tc.version, fs[0].Severity, fs[1].Severity, tc.cookie, tc.wasm)
		}
	}
	fs := []finding.Finding{{ID: "cookie.session", Severity: finding.Info, Message: "not seen"}}
	p.Apply(fs, "2.4")
	if a := fs[0].Accepted; a == nil || a.Was != finding.Info || a.Reason != "2.4 sets it anonymously" || fs[0].Severity != finding.Warn {
		t.Errorf("a raised finding must keep what it was and why, as data: %+v", a)
	}
	if _, err := Parse(strings.NewReader(`{"name": "v", "overrides": [{"id": "hsts", "severity": "info", "below": "two"}]}`)); err == nil || !strings.Contains(err.Error(), "overrides[0].below") {
		t.Errorf("a bad version must be an error naming the field: %v", err)
	}
}

func TestCookiePathCap(t *testing.T) {
	paths := make([]string, MaxCookiePaths+1)
	for i := range paths {
		paths[i] = `"/p"`
	}
	// why: each cookie path is a request made at once for every target.
	src := `{"name": "x", "cookie_paths": [` + strings.Join(paths, ",") + `]}`
	if _, err := Parse(strings.NewReader(src)); err == nil || !strings.Contains(err.Error(), "cap of 16") {
		t.Errorf("err = %v, want the cap named", err)
	}
}
