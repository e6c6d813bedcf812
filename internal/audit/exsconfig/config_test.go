package exsconfig

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/hardscan/hardscan/scan/finding"
)

var guideIDs = []string{"config.http.ip", "config.secure_cookie_flag", "config.http_security.enabled",
	"config.http_security.sts", "config.http_security.sts_max_age", "config.http_security.ct_max_age",
	"config.http_security.referrer_policy"}

func index(t *testing.T, fs []finding.Finding) map[string]finding.Finding {
	t.Helper()
	m := map[string]finding.Finding{}
	for _, f := range fs {
		if _, dup := m[f.Key()]; dup {
			t.Errorf("two findings for %s %q", f.ID, f.Subject)
		}
		m[f.Key()] = f
	}
	return m
}

func TestReferenceConfig(t *testing.T) {
	// why: config/README: the generated file passes except sts, off by default;
	// Expect-CT's max-age is only informational.
	c, skipped, err := Load("testdata/prod.secret.exs")
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 0 {
		t.Errorf("skipped %v", skipped)
	}
	want := map[string]finding.Severity{
		"config.http.ip": finding.Pass, "config.secure_cookie_flag": finding.Pass,
		"config.http_security.enabled": finding.Pass, "config.http_security.sts": finding.Fail,
		"config.http_security.sts_max_age": finding.Pass, "config.http_security.ct_max_age": finding.Info,
		"config.http_security.referrer_policy": finding.Pass,
	}
	m := index(t, Judge(c))
	for id, sev := range want {
		if f := m[id+"\x00"]; f.Severity != sev {
			t.Errorf("%s = %s, want %s: %s", id, f.Severity, sev, f.Message)
		}
	}
	sts := m["config.http_security.sts\x00"]
	if !strings.Contains(sts.Message, "config :pleroma, :http_security, sts: true") {
		t.Errorf("sts message lacks the line to add: %s", sts.Message)
	}
	if !strings.Contains(sts.Actual, "default") || !strings.Contains(m["config.http.ip\x00"].Actual, "line 10") {
		t.Errorf("Actual must say default or file line: %q, %q", sts.Actual, m["config.http.ip\x00"].Actual)
	}
}

func TestSettings(t *testing.T) {
	ref, err := os.ReadFile("testdata/prod.secret.exs")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		why, src, id string
		want         finding.Severity
		withRef      bool // append src to the reference file
	}{
		{"all interfaces is exposed", "config :pleroma, Pleroma.Web.Endpoint, http: [ip: {0, 0, 0, 0}]", "config.http.ip", finding.Fail, true},
		{"secure_cookie_flag: false fails", "config :pleroma, Pleroma.Web.Endpoint, secure_cookie_flag: false", "config.secure_cookie_flag", finding.Fail, true},
		{"enabled: false fails", "config :pleroma, :http_security, enabled: false", "config.http_security.enabled", finding.Fail, true},
		{"sts: true passes", "config :pleroma, :http_security, sts: true", "config.http_security.sts", finding.Pass, true},
		{"sts on while http_security is disabled has no effect", "config :pleroma, :http_security, sts: true, enabled: false", "config.http_security.sts", finding.Fail, true},
		{"Config deep-merges: a later http: [port: ...] keeps ip", "config :pleroma, Pleroma.Web.Endpoint, http: [ip: {0,0,0,0}]\nconfig :pleroma, Pleroma.Web.Endpoint, http: [port: 4001]", "config.http.ip", finding.Fail, false},
		{"a later call overrides ip", "config :pleroma, Pleroma.Web.Endpoint, http: [ip: {0,0,0,0}]\nconfig :pleroma, Pleroma.Web.Endpoint, http: [ip: {127, 0, 0, 1}]", "config.http.ip", finding.Pass, false},
		{"Keyword.keyword?([]) is true: an empty list merges and keeps ip", "config :pleroma, Pleroma.Web.Endpoint, http: [ip: {0,0,0,0}]\nconfig :pleroma, Pleroma.Web.Endpoint, http: []\nconfig :pleroma, Pleroma.Web.Endpoint, http: [port: 1]", "config.http.ip", finding.Fail, false},
		{"Pleroma's default ip is loopback", "config :pleroma, Pleroma.Web.Endpoint, http: [port: 4000]", "config.http.ip", finding.Pass, false},
		{"IPv6 loopback", "config :pleroma, Pleroma.Web.Endpoint, http: [ip: {0, 0, 0, 0, 0, 0, 0, 1}]", "config.http.ip", finding.Pass, false},
		{"IPv6 any", "config :pleroma, Pleroma.Web.Endpoint, http: [ip: {0, 0, 0, 0, 0, 0, 0, 0}]", "config.http.ip", finding.Fail, false},
		{"a unix socket is not exposed", `config :pleroma, Pleroma.Web.Endpoint, http: [ip: {:local, "/run/pleroma.sock"}, port: 0]`, "config.http.ip", finding.Pass, false},
		{"a public address is exposed", "config :pleroma, Pleroma.Web.Endpoint, http: [ip: {192, 0, 2, 1}]", "config.http.ip", finding.Fail, false},
		{"a string is no address for Cowboy", `config :pleroma, Pleroma.Web.Endpoint, http: [ip: "127.0.0.1"]`, "config.http.ip", finding.Warn, false},
		{"a runtime value cannot be judged", `config :pleroma, Pleroma.Web.Endpoint, http: [ip: System.get_env("IP") |> parse()]`, "config.http.ip", finding.Info, false},
		{"config/2 form", "config :pleroma, http_security: [sts: true]", "config.http_security.sts", finding.Pass, false},
		{"parenthesised call", "config(:pleroma, :http_security, sts: true)", "config.http_security.sts", finding.Pass, false},
		{"explicit keyword list", "config :pleroma, :http_security, [sts: true]", "config.http_security.sts", finding.Pass, false},
		{"config/README: commented-out code is not configuration", "# config :pleroma, :http_security,\n#   sts: true", "config.http_security.sts", finding.Fail, true},
		{"a comment after a value", "config :pleroma, :http_security, sts: true # on", "config.http_security.sts", finding.Pass, false},
		{"use Mix.Config in old files", "use Mix.Config\nconfig :pleroma, :http_security,\n  sts: true", "config.http_security.sts", finding.Pass, false},
		{"nil is false for Elixir", "config :pleroma, :http_security, sts: nil", "config.http_security.sts", finding.Fail, false},
		{":true is true", "config :pleroma, :http_security, sts: :true", "config.http_security.sts", finding.Pass, false},
		{"integers with _", "config :pleroma, :http_security, sts_max_age: 63_072_000", "config.http_security.sts_max_age", finding.Pass, false},
		{"hex integers", "config :pleroma, :http_security, sts_max_age: 0x1E13380", "config.http_security.sts_max_age", finding.Pass, false},
		{"max-age under a year warns", "config :pleroma, :http_security, sts_max_age: 86_400", "config.http_security.sts_max_age", finding.Warn, false},
		{"ct_max_age is informational whatever it is", "config :pleroma, :http_security, ct_max_age: 0", "config.http_security.ct_max_age", finding.Info, false},
		{"W3C: no-referrer is stricter than same-origin", `config :pleroma, :http_security, referrer_policy: "no-referrer"`, "config.http_security.referrer_policy", finding.Pass, false},
		{"W3C: strict-origin leaks the origin cross-site", `config :pleroma, :http_security, referrer_policy: "strict-origin"`, "config.http_security.referrer_policy", finding.Warn, false},
		{"W3C: the last recognised token wins", `config :pleroma, :http_security, referrer_policy: "no-referrer, unsafe-url"`, "config.http_security.referrer_policy", finding.Warn, false},
		{"W3C: unknown tokens are skipped", `config :pleroma, :http_security, referrer_policy: "same-origin, bogus"`, "config.http_security.referrer_policy", finding.Pass, false},
		{"W3C: no recognised token falls back to the browser default", `config :pleroma, :http_security, referrer_policy: "bogus"`, "config.http_security.referrer_policy", finding.Warn, false},
		{"an if block is skipped, not applied", "if true do\n  config :pleroma, :http_security, sts: true\nend", "config.http_security.sts", finding.Fail, false},
		{"an unreadable call for the key makes its settings unknown", "config :pleroma, :http_security, sts: true, enabled: ]", "config.http_security.sts", finding.Info, false},
		{"an unreadable earlier call is overridden by a readable later one", "config :pleroma, :http_security, sts: ]\nconfig :pleroma, :http_security, sts: true", "config.http_security.sts", finding.Pass, false},
		{"other apps do not matter", "config :akkoma, :http_security, sts: true", "config.http_security.sts", finding.Fail, false},
		{"multi-line keyword lists with a trailing comma in brackets", "config :pleroma, :http_security, [\n  sts: true,\n]", "config.http_security.sts", finding.Pass, false},
		{"unknown terms around do not break reading", "config :pleroma, :frontend, a: %{\"k\" => ~r/x/i, b: \"#{y}\"}, c: 'cl', d: ?a, e: -1.5e3, f: <<1, 2>>, g: fn x -> x end, h: &Foo.bar/1, i: @attr, j: %URI{host: \"x\"}\nconfig :pleroma, :http_security, sts: true", "config.http_security.sts", finding.Pass, false},
		{"heredocs are read past", "config :pleroma, :instance, description: \"\"\"\n  config :pleroma, :http_security, sts: false\n  \"\"\"\nconfig :pleroma, :http_security, sts: true", "config.http_security.sts", finding.Pass, false},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			src := tt.src
			if tt.withRef {
				src = string(ref) + "\n" + src + "\n"
			}
			c, _ := Parse("prod.secret.exs", []byte(src))
			m := index(t, Judge(c))
			f, ok := m[tt.id+"\x00"]
			if !ok {
				t.Fatalf("no %s", tt.id)
			}
			if f.Severity != tt.want {
				t.Errorf("%s = %s, want %s: %s (actual %q)", tt.id, f.Severity, tt.want, f.Message, f.Actual)
			}
			if len(m) != len(guideIDs) {
				t.Errorf("got %d findings, want %d", len(m), len(guideIDs))
			}
		})
	}
}

func TestSkips(t *testing.T) {
	tests := []struct {
		why, src string
		skips    int
	}{
		{"import Config is understood", "import Config\nconfig :a, b: 1", 0},
		{"import_config is not followed and says so", `import_config "prod.secret.exs"`, 1},
		{"code is not run", "x = 1\nconfig :a, b: x", 1},
		{"a syntax error skips one statement, the next is read", "config :a, b: ]\nconfig :a, c: 1", 1},
		{"unterminated string", "config :a, b: \"open", 1},
		{"garbage", "}}} ))) ]]]\n@@@ %%%", 2},
		{"trailing text after a call", "config :a, :b, 1 2", 1},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			_, skips := Parse("f.exs", []byte(tt.src))
			if len(skips) != tt.skips {
				t.Errorf("%d skips, want %d: %+v", len(skips), tt.skips, skips)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	_, _, err := Load("testdata/missing.exs")
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "missing.exs") {
		t.Errorf("err = %v", err)
	}
	dir := t.TempDir() + "/bad.exs"
	if err := os.WriteFile(dir, []byte("config :pleroma, :http_security, sts: [\nconfig :pleroma, Pleroma.Web.Endpoint, http: [ip: {0,0,0,0}]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, skipped, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 1 || skipped[0].ID != "config.parse" || skipped[0].Severity != finding.Info {
		t.Errorf("want one config.parse info finding, got %+v", skipped)
	}
	if len(Judge(c)) != len(guideIDs) {
		t.Error("a malformed file must still be judged")
	}
}

func TestHostileInput(t *testing.T) {
	// why: BRIEF: never panic, bound work on 100 KB inputs.
	inputs := []string{
		strings.Repeat("[", 100_000),
		"config :a, b: " + strings.Repeat("{", 50_000) + strings.Repeat("}", 50_000),
		"config :a, b: " + strings.Repeat("-", 100_000) + "1",
		"config :a, b: [" + strings.Repeat("k: 1, ", 20_000) + "]\nconfig :a, b: [" + strings.Repeat("k: 2, ", 20_000) + "]",
		strings.Repeat("\"#{", 10_000),
		strings.Repeat("fn ", 30_000),
		"config :a, b: 1" + strings.Repeat("0", 100_000),
		"\x00\xff\xfe config :a",
	}
	for _, in := range inputs {
		c, _ := Parse("x", []byte(in))
		Judge(c)
	}
}
