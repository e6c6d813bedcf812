package report

import (
	"bytes"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"

	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/result"
)

// promLine is one line of the text format 0.0.4, strictly: a comment line,
// or a sample with quoted, escaped label values and a float.
var (
	promComment = regexp.MustCompile(`^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$`)
	promSample  = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*\})? (-?[0-9.e+]+)$`)
	promLabel   = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"`)
)

// parseProm reads exposition text back into "name{l="v",...}" -> value,
// with label values unescaped, failing on any line the format forbids and
// on a family whose HELP, TYPE or samples are not together.
func parseProm(t *testing.T, text string) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	done := map[string]bool{} // families already closed
	current := ""
	for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		var name string
		if m := promComment.FindStringSubmatch(line); m != nil {
			name = m[2]
			if m[1] == "TYPE" && m[3] != "gauge" {
				t.Errorf("line %d: type %q", i+1, m[3])
			}
		} else if m := promSample.FindStringSubmatch(line); m != nil {
			name = m[1]
			v, err := strconv.ParseFloat(m[3], 64)
			if err != nil {
				t.Fatalf("line %d: value %q", i+1, m[3])
			}
			key := name
			for _, l := range promLabel.FindAllStringSubmatch(m[2], -1) {
				val := strings.NewReplacer(`\\`, `\`, `\"`, `"`, `\n`, "\n").Replace(l[2])
				key += "|" + l[1] + "=" + val
			}
			if _, dup := out[key]; dup {
				t.Errorf("line %d: series repeated (the textfile collector rejects the file)", i+1)
			}
			out[key] = v
		} else {
			t.Fatalf("line %d not in the text format: %q", i+1, line)
		}
		if name != current {
			if done[name] {
				t.Errorf("line %d: family %s split", i+1, name)
			}
			done[current] = true
			current = name
		}
	}
	return out
}

func TestPrometheus(t *testing.T) {
	weird := "https://a.example/\"quoted\"\\back\nslash"
	r := fixture()
	r.Targets = append(r.Targets,
		&result.Target{URL: weird, Profile: "modern", Grade: "A+",
			Findings: []finding.Finding{{ID: "hsts", Severity: finding.Warn}, {ID: "hsts", Severity: finding.Fail}}},
		&result.Target{URL: weird, Profile: "modern", Grade: "F"}, // listed twice
		&result.Target{URL: "https://c.example/", Grade: "Z?"},
	)
	r.Finish()
	got := parseProm(t, promText(t, r, Options{}))
	for key, want := range map[string]float64{
		"hardscan_check_severity|url=https://example.tld/|check=csp.script-src|subject=":                         3,
		"hardscan_check_severity|url=https://example.tld/|check=cookie.samesite|subject=__Host-pleroma_key":      3,
		"hardscan_check_severity|url=https://example.tld/|check=x-frame-options|subject=":                        0,
		"hardscan_check_severity|url=" + weird + "|check=hsts|subject=":                                          3, // the worse of two
		"hardscan_findings|url=https://example.tld/|severity=fail":                                               2,
		"hardscan_findings|url=https://example.tld/|severity=pass":                                               2,
		"hardscan_findings|url=" + weird + "|severity=warn":                                                      1,
		"hardscan_findings|url=" + weird + "|severity=info":                                                      0,
		"hardscan_scan_success|url=https://example.tld/":                                                         1,
		"hardscan_scan_success|url=https://down.example/":                                                        0,
		"hardscan_target_info|url=https://example.tld/|kind=site|profile=pleroma|software=pleroma|version=2.7.0": 1,
		"hardscan_grade_score|url=https://example.tld/":                                                          70,
		"hardscan_grade_score|url=" + weird:                                                                      100,
		"hardscan_tls_verified|url=https://example.tld/":                                                         1,
		"hardscan_tls_not_after_timestamp_seconds|url=https://example.tld/":                                      1798761600,
		"hardscan_check_change|url=https://example.tld/|check=cookie.samesite|subject=__Host-pleroma_key":        3,
		"hardscan_check_change|url=https://example.tld/|check=csp.connect-src|subject=https:":                    2,
		"hardscan_check_change|url=https://example.tld/|check=expect-ct|subject=":                                -1,
		"hardscan_regressions|url=https://example.tld/":                                                          1,
		"hardscan_scan_duration_seconds":                                                                         0.412,
		"hardscan_last_run_timestamp_seconds":                                                                    1795575600.412,
	} {
		if v, ok := got[key]; !ok || v != want {
			t.Errorf("%q = %v (present %v), want %v", key, v, ok, want)
		}
	}
	for key := range got {
		for _, absent := range []string{
			"hardscan_findings|url=https://down.example/",                       // errored: counts unknown
			"hardscan_check_severity|url=https://down.example/",                 // the same
			"hardscan_grade_score|url=https://c.example/",                       // unknown grade
			"hardscan_tls_not_after_timestamp_seconds|url=https://down.example", // no TLS
			"grade=", // the grade is a value, never a label
		} {
			if strings.Contains(key, absent) {
				t.Errorf("unexpected series %q", key)
			}
		}
	}
	// Without a baseline there is nothing to compare with.
	r.Changes = nil
	for key := range parseProm(t, promText(t, r, Options{})) {
		if strings.HasPrefix(key, "hardscan_check_change") || strings.HasPrefix(key, "hardscan_regressions") {
			t.Errorf("%s without a baseline", key)
		}
	}
}

func promText(t *testing.T, r *result.Report, opt Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, "prometheus", r, opt); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// The Prometheus project's own lint (what `promtool check metrics` runs)
// finds nothing: base units, names, HELP on every family.
func TestPrometheusLint(t *testing.T) {
	problems, err := promlint.New(strings.NewReader(promText(t, fixture(), Options{}))).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}
}

// Debian's promtool agrees (.ci/run has it; elsewhere the test skips).
func TestPrometheusPromtool(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not installed (Debian package prometheus)")
	}
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(promText(t, fixture(), Options{}))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}
