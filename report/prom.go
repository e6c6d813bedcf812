package report

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/gate"
	"github.com/hardscan/hardscan/scan/result"
)

// promFormat is the Prometheus text format, for node_exporter's textfile
// collector.
var promFormat = Format{Name: "prometheus", Exts: []string{".prom"}, write: writeProm}

// writeProm writes the text exposition format 0.0.4, as node_exporter's
// textfile collector and Prometheus read it, clean under `promtool check
// metrics`: each family's HELP, TYPE and samples together, base units
// (seconds), no timestamps, and no label whose value changes with the
// verdict (the grade and the severity are values, so a new grade is a new
// sample, not a new series). The collector rejects a file that repeats a
// series, so a URL listed twice is reported once, from its first target.
// An errored target has only hardscan_scan_success (0) and its info: its
// findings are unknown, not zero.
func writeProm(buf *bytes.Buffer, r *result.Report, opt Options) error {
	var targets []*result.Target
	seen := map[string]bool{}
	for _, t := range r.Targets {
		if t != nil && !seen[t.Name()] {
			seen[t.Name()] = true
			targets = append(targets, t)
		}
	}
	scanned := func(yield func(*result.Target) bool) {
		for _, t := range targets {
			if t.Error == nil && !yield(t) {
				return
			}
		}
	}

	family(buf, "hardscan_scan_success", "Whether the target could be scanned (1) or not (0).")
	for _, t := range targets {
		sample(buf, "hardscan_scan_success", boolValue(t.Error == nil), "url", t.Name())
	}

	family(buf, "hardscan_target_info", "What the target was judged as: its profile and the software it runs (always 1).")
	for _, t := range targets {
		var name, version string
		if t.Software != nil {
			name, version = t.Software.Name, t.Software.Version
		}
		sample(buf, "hardscan_target_info", 1, "url", t.Name(), "kind", kindOf(t), "profile", t.Profile, "software", name, "version", version)
	}

	family(buf, "hardscan_check_severity", "The check's verdict on its subject: 0 pass, 1 info, 2 warn, 3 fail.")
	for t := range scanned {
		for _, f := range worstPerCheck(t.Findings) {
			sample(buf, "hardscan_check_severity", float64(f.Severity), "url", t.Name(), "check", f.ID, "subject", f.Subject)
		}
	}

	family(buf, "hardscan_findings", "Findings of the target's scan, by severity.")
	for t := range scanned {
		counts := finding.Tally(t.Findings)
		for _, c := range []struct {
			sev finding.Severity
			n   int
		}{{finding.Pass, counts.Pass}, {finding.Info, counts.Info}, {finding.Warn, counts.Warn}, {finding.Fail, counts.Fail}} {
			sample(buf, "hardscan_findings", float64(c.n), "url", t.Name(), "severity", c.sev.String())
		}
	}

	family(buf, "hardscan_grade_score", "The target's grade as the lowest score that earns it: A+ 100, A 90, A- 85, B+ 80, B 70, B- 65, C+ 60, C 50, C- 45, D+ 40, D 30, D- 25, F 0.")
	for t := range scanned {
		if v, ok := gradeScore(t.Grade); ok {
			sample(buf, "hardscan_grade_score", float64(v), "url", t.Name())
		}
	}

	family(buf, "hardscan_tls_verified", "Whether the target's certificate chain verifies for its host (1) or not (0).")
	for t := range scanned {
		if t.TLS != nil {
			sample(buf, "hardscan_tls_verified", boolValue(t.TLS.Verified), "url", t.Name())
		}
	}

	family(buf, "hardscan_tls_not_after_timestamp_seconds", "When the target's certificate expires, in seconds since the epoch.")
	for t := range scanned {
		if t.TLS != nil && !t.TLS.NotAfter.IsZero() {
			sample(buf, "hardscan_tls_not_after_timestamp_seconds", float64(t.TLS.NotAfter.Unix()), "url", t.Name())
		}
	}

	if r.Changes != nil {
		writePromChanges(buf, r, targets, opt.Gate)
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

// writePromChanges writes the changes against the baseline: per changed
// check how much worse it got (negative: better), and per target the
// regressions that fail the run, which is what an alert should fire on.
func writePromChanges(buf *bytes.Buffer, r *result.Report, targets []*result.Target, g gate.Gate) {
	family(buf, "hardscan_check_change", "How much worse the check's verdict is than the baseline's, in steps of hardscan_check_severity (a finding that appeared counts from pass, one that went away to pass); only changed checks have a series.")
	done := map[string]bool{}
	for _, c := range r.Changes {
		k := c.URL + "\x00" + c.ID + "\x00" + c.Subject
		if done[k] {
			continue
		}
		done[k] = true
		sample(buf, "hardscan_check_change", float64(severityValue(c.Now)-severityValue(c.Was)), "url", c.URL, "check", c.ID, "subject", c.Subject)
	}
	family(buf, "hardscan_regressions", "Findings new or worse than the baseline that reach --fail-on: what makes the run exit 1.")
	n := map[string]int{}
	for _, c := range g.Regressions(r.Changes) {
		n[c.URL]++
	}
	for _, t := range targets {
		if t.Error == nil {
			sample(buf, "hardscan_regressions", float64(n[t.Name()]), "url", t.Name())
		}
	}
}

// worstPerCheck keeps one finding per (id, subject), the worst, in order
// of first appearance: a series must not repeat.
func worstPerCheck(fs []finding.Finding) []finding.Finding {
	index := map[string]int{}
	var out []finding.Finding
	for _, f := range fs {
		if i, ok := index[f.Key()]; ok {
			if f.Severity > out[i].Severity {
				out[i] = f
			}
			continue
		}
		index[f.Key()] = len(out)
		out = append(out, f)
	}
	return out
}

// severityValue is a Change side's severity as hardscan_check_severity
// counts it; a missing finding counts as a pass.
func severityValue(s string) int {
	sev, err := finding.ParseSeverity(s)
	if err != nil {
		return 0
	}
	return int(sev)
}

func kindOf(t *result.Target) string {
	if t.Kind == "" {
		return result.KindSite
	}
	return t.Kind
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
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

// WriteFamily writes one gauge or counter family for other exporters of
// hardscan's (the serve command's own metrics) in the same format.
func WriteFamily(buf *bytes.Buffer, name, typ, help string, samples ...Sample) {
	fmt.Fprintf(buf, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
	for _, s := range samples {
		sample(buf, name, s.Value, s.Labels...)
	}
}

// Sample is one sample of WriteFamily: a value and label name, value pairs.
type Sample struct {
	Value  float64
	Labels []string
}
