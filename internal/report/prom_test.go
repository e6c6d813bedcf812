package report

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hardscan/hardscan/internal/finding"
	"github.com/hardscan/hardscan/internal/result"
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
			Findings: []finding.Finding{{ID: "hsts", Severity: finding.Warn}}},
		&result.Target{URL: weird, Profile: "modern", Grade: "F"}, // listed twice
		&result.Target{URL: "https://c.example/", Grade: "Z?"},
	)
	r.Finish()
	var buf bytes.Buffer
	if err := Write(&buf, "prometheus", r, Options{}); err != nil {
		t.Fatal(err)
	}
	got := parseProm(t, buf.String())
	for key, want := range map[string]float64{
		"hardscan_findings|url=https://example.tld/|profile=pleroma|severity=fail": 2,
		"hardscan_findings|url=https://example.tld/|profile=pleroma|severity=pass": 2,
		"hardscan_findings|url=" + weird + "|profile=modern|severity=warn":         1,
		"hardscan_findings|url=" + weird + "|profile=modern|severity=info":         0,
		"hardscan_scan_success|url=https://example.tld/":                           1,
		"hardscan_scan_success|url=https://down.example/":                          0,
		"hardscan_grade|url=https://example.tld/|grade=B":                          4,
		"hardscan_grade|url=" + weird + "|grade=A+":                                6,
		"hardscan_tls_days_left|url=https://example.tld/":                          37,
		"hardscan_scan_duration_seconds":                                           0.412,
		"hardscan_last_run_timestamp_seconds":                                      1795575600.412,
	} {
		if v, ok := got[key]; !ok || v != want {
			t.Errorf("%q = %v (present %v), want %v", key, v, ok, want)
		}
	}
	for key := range got {
		for _, absent := range []string{
			"hardscan_findings|url=https://down.example/",     // errored: counts unknown
			"hardscan_grade|url=https://c.example/",           // unknown grade
			"hardscan_tls_days_left|url=https://down.example", // no TLS
			"grade=F", // the second of a repeated URL
		} {
			if strings.Contains(key, absent) {
				t.Errorf("unexpected series %q", key)
			}
		}
	}
}

func TestGrades(t *testing.T) {
	order := []string{"F", "E", "D-", "D", "D+", "C-", "C", "C+", "B-", "B", "B+", "A-", "A", "A+"}
	for i := 1; i < len(order); i++ {
		if grades[order[i-1]] >= grades[order[i]] {
			t.Errorf("grade %s (%v) not below %s (%v)", order[i-1], grades[order[i-1]], order[i], grades[order[i]])
		}
	}
}
