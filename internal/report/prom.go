package report

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hardscan/hardscan/internal/finding"
	"github.com/hardscan/hardscan/internal/result"
)

// grades maps each grade the scanner may give to hardscan_grade's value:
// A+ 6, A 5, B 4, C 3, D 2, E 1, F 0, with "+" and "-" on B to F (and "-"
// on A) worth 0.3 either way. Other grades get no sample.
var grades = func() map[string]float64 {
	m := map[string]float64{"A+": 6}
	for i, letter := range []string{"F", "E", "D", "C", "B", "A"} {
		v := float64(i)
		m[letter] = v
		m[letter+"-"] = v - 0.3
		if letter != "A" {
			m[letter+"+"] = v + 0.3
		}
	}
	return m
}()

// writeProm writes the text exposition format 0.0.4, as node_exporter's
// textfile collector reads it: each family's HELP, TYPE and samples
// together, no timestamps. The collector rejects a file that repeats a
// series, so a URL listed twice is reported once, from its first target.
// An errored target has no hardscan_findings samples: its counts are
// unknown, not zero, and hardscan_scan_success says why.
func writeProm(buf *bytes.Buffer, r *result.Report, _ Options) error {
	var targets []*result.Target
	seen := map[string]bool{}
	for _, t := range r.Targets {
		if t != nil && !seen[t.URL] {
			seen[t.URL] = true
			targets = append(targets, t)
		}
	}

	family(buf, "hardscan_findings", "Findings of the target's last scan, by severity.")
	for _, t := range targets {
		if t.Error != nil {
			continue
		}
		counts := finding.Tally(t.Findings)
		for _, c := range []struct {
			sev finding.Severity
			n   int
		}{{finding.Pass, counts.Pass}, {finding.Info, counts.Info}, {finding.Warn, counts.Warn}, {finding.Fail, counts.Fail}} {
			sample(buf, "hardscan_findings", float64(c.n), "url", t.URL, "profile", t.Profile, "severity", c.sev.String())
		}
	}

	family(buf, "hardscan_scan_success", "Whether the target could be scanned (1) or not (0).")
	for _, t := range targets {
		v := 1.0
		if t.Error != nil {
			v = 0
		}
		sample(buf, "hardscan_scan_success", v, "url", t.URL)
	}

	family(buf, "hardscan_grade", "The target's grade as a number: A+ 6, A 5, B 4, C 3, D 2, E 1, F 0; + and - add or take 0.3.")
	for _, t := range targets {
		if v, ok := grades[t.Grade]; ok {
			sample(buf, "hardscan_grade", v, "url", t.URL, "grade", t.Grade)
		}
	}

	family(buf, "hardscan_tls_days_left", "Days until the target's certificate expires.")
	for _, t := range targets {
		if t.TLS != nil && !t.TLS.NotAfter.IsZero() {
			sample(buf, "hardscan_tls_days_left", float64(t.TLS.DaysLeft), "url", t.URL)
		}
	}

	family(buf, "hardscan_scan_duration_seconds", "How long the whole run took.")
	sample(buf, "hardscan_scan_duration_seconds", float64(r.DurationMS)/1000)

	if !r.StartedAt.IsZero() {
		end := r.StartedAt.Add(time.Duration(r.DurationMS) * time.Millisecond)
		family(buf, "hardscan_last_run_timestamp_seconds", "When the run finished, in seconds since the epoch.")
		sample(buf, "hardscan_last_run_timestamp_seconds", float64(end.UnixMilli())/1000)
	}
	return nil
}

func family(buf *bytes.Buffer, name, help string) {
	fmt.Fprintf(buf, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name)
}

// sample writes one line; labels are name, value pairs.
func sample(buf *bytes.Buffer, name string, v float64, labels ...string) {
	buf.WriteString(name)
	for i := 0; i+1 < len(labels); i += 2 {
		if i == 0 {
			buf.WriteByte('{')
		} else {
			buf.WriteByte(',')
		}
		fmt.Fprintf(buf, "%s=\"%s\"", labels[i], labelValue(labels[i+1]))
	}
	if len(labels) > 0 {
		buf.WriteByte('}')
	}
	buf.WriteByte(' ')
	buf.WriteString(strconv.FormatFloat(v, 'f', -1, 64))
	buf.WriteByte('\n')
}

// labelEscaper escapes a label value as the text format requires.
var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

// labelValue escapes s, which must also be valid UTF-8.
func labelValue(s string) string {
	return labelEscaper.Replace(strings.ToValidUTF8(s, "\uFFFD"))
}
