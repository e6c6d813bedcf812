package cli

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// reportSchema compiles docs/report.schema.json, the contract dashboards
// validate against; def, when set, picks one of its $defs (a target, for
// an ndjson line).
func reportSchema(t *testing.T, def string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "report.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("docs/report.schema.json: %v", err)
	}
	const id = "https://github.com/hardscan/hardscan/docs/report.schema.json"
	if err := c.AddResource(id, doc); err != nil {
		t.Fatal(err)
	}
	loc := id
	if def != "" {
		loc += "#/$defs/" + def
	}
	s, err := c.Compile(loc)
	if err != nil {
		t.Fatalf("compile %s: %v", loc, err)
	}
	return s
}

func conforms(t *testing.T, s *jsonschema.Schema, what string, data []byte) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Errorf("%s: not JSON: %v", what, err)
		return
	}
	if err := s.Validate(v); err != nil {
		t.Errorf("%s does not validate against docs/report.schema.json:\n%v", what, err)
	}
}

// TestReportsValidateAgainstTheSchema checks every JSON report hardscan
// writes in its tests and golden files, and a report of each kind of
// target, against the published schema.
func TestReportsValidateAgainstTheSchema(t *testing.T) {
	report, target := reportSchema(t, ""), reportSchema(t, "target")

	goldens, _ := filepath.Glob(filepath.Join("..", "..", "report", "testdata", "*.json.golden"))
	if len(goldens) == 0 {
		t.Fatal("no golden JSON report found")
	}
	for _, g := range goldens {
		raw, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		conforms(t, report, g, raw)
	}
	ndjson, _ := filepath.Glob(filepath.Join("..", "..", "report", "testdata", "*.ndjson.golden"))
	for _, g := range ndjson {
		raw, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(raw))
		sc.Buffer(nil, 1<<20)
		for n := 1; sc.Scan(); n++ {
			conforms(t, target, g+" line "+strconv.Itoa(n), sc.Bytes())
		}
	}

	args := startSite(t, scenario(t, "pleroma-2.7-default"))
	unitFile := filepath.Join("..", "..", "internal", "audit", "unit", "testdata", "pleroma-source-2.7.service")
	configFile := filepath.Join("..", "..", "internal", "audit", "exsconfig", "testdata", "prod.secret.exs")
	for name, argv := range map[string][]string{
		"the demo":             {"--demo", "-f", "json"},
		"a scan under auto":    append(append([]string{}, args...), "-f", "json", "example.tld"),
		"an unreachable site":  {"-f", "json", "--timeout", "2s", "https://127.0.0.1:1/"},
		"a unit and a config":  {"-f", "json", "--unit", unitFile, "--config", configFile},
		"an accepted override": append(append([]string{}, args...), "-f", "json", "-p", writeProfile(t), "example.tld"),
	} {
		o := runArgs(t, argv...)
		if o.report == nil {
			t.Errorf("%s: no JSON report (exit %d, stderr %q)", name, o.code, o.stderr)
			continue
		}
		conforms(t, report, name, []byte(o.stdout))
	}
}

// writeProfile writes a profile that accepts Pleroma's connect-src source,
// so that a report carries an accepted finding.
func writeProfile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "mine.json")
	body := `{"name": "mine", "overrides": [{"id": "csp.connect-src", "severity": "info", "reason": "our media"}]}`
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
