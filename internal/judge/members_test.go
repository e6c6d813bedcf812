package judge

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardscan/hardscan/internal/audit/exsconfig"
	"github.com/hardscan/hardscan/internal/audit/unit"
	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/internal/judge/csp"
	"github.com/hardscan/hardscan/scan/finding"
)

// memberCases are inputs made to draw every reason a family member can
// give from its judge: each CSP directive under policies that allow
// nothing, too much, everything or unsafe keywords; units and configs
// that get each directive and key wrong in each way the judges know.
func memberCases(t *testing.T) []finding.Finding {
	t.Helper()
	var out []finding.Finding
	origin, _ := url.Parse("https://example.tld/")
	for _, c := range check.List() {
		name, ok := strings.CutPrefix(c.ID, "csp.")
		if _, own := check.OwnEntry(c.ID); !ok || !own {
			continue
		}
		other := "img-src 'none'"
		if name == "img-src" {
			other = "font-src 'none'"
		}
		policies := []string{other, name + " 'self'", name + " 'self' https://cdn.example", name + " *", name + " https:",
			name + " 'self' 'wasm-unsafe-eval'", name + " 'unsafe-inline'", name + " 'unsafe-eval'",
			name + " 'self' 'unsafe-hashes' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
			name + " allow-scripts allow-forms", name}
		expects := []csp.Expect{
			{Required: true, Directives: map[string][]string{name: {"'self'"}}},
			{Required: true, Require: []string{name}},
		}
		if name == "sandbox" {
			expects[0].Directives[name] = []string{"allow-forms"}
		}
		for _, e := range expects {
			for _, p := range policies {
				out = append(out, csp.Judge(csp.Input{Enforced: []string{p}, Origin: origin}, e)...)
			}
		}
	}

	dir := t.TempDir()
	units := map[string]string{
		"bare":      "[Service]\nExecStart=/usr/bin/app\n",
		"home":      "[Service]\nExecStart=/home/app/bin/app\n",
		"tmpfs":     "[Service]\nExecStart=/home/app/bin/app\nProtectHome=tmpfs\n",
		"weak":      "[Service]\nExecStart=/usr/bin/app\nProtectSystem=true\n",
		"hardened":  "[Service]\nExecStart=/usr/bin/app\nPrivateTmp=true\nProtectHome=true\nProtectSystem=strict\nPrivateDevices=true\nNoNewPrivileges=true\nCapabilityBoundingSet=~CAP_SYS_ADMIN\n",
		"protected": "[Service]\nExecStart=/home/app/bin/app\nProtectHome=true\n",
	}
	for name, body := range units {
		path := filepath.Join(dir, name+".service")
		writeFile(t, path, body)
		u, err := unit.Load(path, unit.Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, unit.Judge(u)...)
	}

	for i, body := range []string{
		"config :pleroma, Pleroma.Web.Endpoint, http: [ip: {0, 0, 0, 0}], secure_cookie_flag: false\n" +
			"config :pleroma, :http_security, enabled: false, sts: true, sts_max_age: 100, referrer_policy: :same_origin\n",
		"config :pleroma, Pleroma.Web.Endpoint, http: [ip: \"0.0.0.0\"], secure_cookie_flag: \"yes\"\n" +
			"config :pleroma, :http_security, enabled: \"yes\", sts: false, sts_max_age: \"a year\", referrer_policy: \"nope\"\n",
		"config :pleroma, :http_security, referrer_policy: \"unsafe-url\"\n",
		"config :pleroma, Pleroma.Web.Endpoint, http: [ip: System.get_env(\"IP\")], secure_cookie_flag: System.get_env(\"S\")\n" +
			"config :pleroma, :http_security, enabled: System.get_env(\"E\"), sts: System.get_env(\"T\"), sts_max_age: System.get_env(\"M\"),\n" +
			"  ct_max_age: System.get_env(\"C\"), referrer_policy: System.get_env(\"R\")\n",
	} {
		path := filepath.Join(dir, fmt.Sprintf("c%d.exs", i))
		writeFile(t, path, "import Config\n"+body)
		cfg, skipped, err := exsconfig.Load(path)
		if err != nil {
			t.Fatalf("config %d: %v", i, err)
		}
		out = append(append(out, exsconfig.Judge(cfg)...), skipped...)
	}
	return out
}

// Each family member lists exactly the reasons its judge gives for it: a
// listed reason no case draws from the judge fails, as does a reason the
// judge gives that the member does not list.
func TestMembersListWhatTheyGive(t *testing.T) {
	given := map[string]map[string]bool{}
	for _, f := range append(emitted(t), memberCases(t)...) {
		if given[f.ID] == nil {
			given[f.ID] = map[string]bool{}
		}
		given[f.ID][f.Reason] = true
		if err := check.Validate(f.ID, f.Reason); err != nil {
			t.Errorf("%s: %v", f.ID, err)
		}
	}
	n := 0
	for _, c := range check.List() {
		m, own := check.OwnEntry(c.ID)
		if !own {
			continue
		}
		n++
		for _, r := range m.Reasons {
			if !given[c.ID][string(r)] {
				t.Errorf("%s lists reason %s, which no judge gives for it", c.ID, r)
			}
		}
	}
	if n < 50 {
		t.Errorf("only %d members have entries of their own", n)
	}
}
