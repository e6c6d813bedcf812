package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/gate"
	"github.com/hardscan/hardscan/scan/result"
)

// nagiosFormat is a Nagios plugin's output. Its exit statuses are the
// plugin states (gate.Status.Nagios), and the Nagios plugin guidelines
// make every usage error UNKNOWN, with a line on stdout, which is all
// Nagios and Icinga show.
var nagiosFormat = Format{Name: "nagios", Alert: true, Exit: gate.Status.Nagios, write: writeNagios,
	Usage: func(w io.Writer, msg string) int {
		_, _ = io.WriteString(w, "HARDSCAN UNKNOWN - "+strings.ReplaceAll(msg, "|", "/")+"\n")
		return gate.NagiosUnknown
	}}

// writeNagios writes Nagios plugin output (Nagios Plugin API, "Plugin
// Output"): a first line "HARDSCAN STATE - what is wrong | perfdata", then
// the long output, one line per finding that is not a pass. The state is
// the one the exit status gives under -f nagios (gate.Status.Nagios), so
// the text and the status Icinga or Nagios sees always agree.
func writeNagios(buf *bytes.Buffer, r *result.Report, opt Options) error {
	st := gate.Of(r, opt.Gate)
	state := st.Nagios()
	fmt.Fprintf(buf, "HARDSCAN %s - %s | %s\n", gate.NagiosWord(state), nagiosText(nagiosHeadline(r, opt.Gate, state)), nagiosPerf(r, opt.Gate))
	var long bytes.Buffer
	for _, t := range r.Targets {
		if t == nil {
			continue
		}
		title := append([]string{Sanitize(t.Name())}, gradeFacts(t)...)
		fmt.Fprintln(&long, strings.Join(title, " · "))
		if t.Error != nil {
			fmt.Fprintf(&long, "error: %s\n", Sanitize(*t.Error))
		}
		for _, f := range sortFindings(t.Findings, false) {
			fmt.Fprintf(&long, "%s %s: %s\n", f.Severity, checkName(f), Sanitize(f.Message))
			if f.Fix != nil && f.Fix.Summary != "" && f.Severity >= finding.Warn {
				fmt.Fprintf(&long, "  fix: %s\n", Sanitize(f.Fix.Summary))
			}
		}
	}
	if len(r.Changes) > 0 {
		long.WriteString("changed since the baseline:\n")
		for _, c := range r.Changes {
			fmt.Fprintf(&long, "%s %s: %s -> %s\n", Sanitize(c.URL), checkName(finding.Finding{ID: c.ID, Subject: c.Subject}),
				changeWord(c.Was, "new"), changeWord(c.Now, "gone"))
		}
	}
	// A '|' in the long output would start performance data.
	buf.WriteString(strings.ReplaceAll(long.String(), "|", "/"))
	return nil
}

// nagiosHeadline says in a few words why the state is what it is.
func nagiosHeadline(r *result.Report, g gate.Gate, state int) string {
	many := len(r.Targets) > 1
	name := func(t *result.Target) string {
		if many {
			return Sanitize(t.Name()) + " "
		}
		return ""
	}
	switch state {
	case gate.NagiosUnknown:
		for _, t := range r.Targets {
			if t != nil && t.Error != nil {
				return Sanitize(t.Name()) + ": could not scan: " + Sanitize(*t.Error)
			}
		}
		return "could not scan"
	case gate.NagiosOK:
		what := "nothing reaches --fail-on " + g.String()
		if r.Changes != nil {
			what = "nothing worse than the baseline at --fail-on " + g.String()
		}
		if len(r.Targets) == 1 && r.Targets[0] != nil && r.Targets[0].Grade != "" {
			return "grade " + Sanitize(r.Targets[0].Grade) + ", " + what
		}
		return what
	}
	items, n := alertItems(r, g)
	for _, t := range r.Targets {
		if its := items[t]; len(its) > 0 {
			f := its[0].f
			msg, _, _ := strings.Cut(Sanitize(f.Message), ": ")
			s := name(t) + checkName(f) + ": " + msg
			if n > 1 {
				s += fmt.Sprintf(", and %d more", n-1)
			}
			return s
		}
	}
	return "a finding reaches --fail-on " + g.String()
}

// nagiosPerf is the performance data: the run's counts by severity, and
// for one site its grade's score and the days left on its certificate,
// with the tls.expiry check's thresholds (warn under 21, fail under 7) in
// the plugin guidelines' range syntax: "21:" alerts below 21.
func nagiosPerf(r *result.Report, g gate.Gate) string {
	s := r.Summary
	perf := fmt.Sprintf("fail=%d warn=%d info=%d pass=%d errors=%d", s.Fail, s.Warn, s.Info, s.Pass, s.Errors)
	if r.Changes != nil {
		perf += fmt.Sprintf(" regressions=%d", len(g.Regressions(r.Changes)))
	}
	if len(r.Targets) == 1 && r.Targets[0] != nil {
		t := r.Targets[0]
		if v, ok := gradeScore(t.Grade); ok {
			perf += fmt.Sprintf(" grade_score=%d;;;0;100", v)
		}
		if t.TLS != nil && !t.TLS.NotAfter.IsZero() {
			perf += fmt.Sprintf(" cert_days_left=%d;%d:;%d:", t.TLS.DaysLeft, expiryWarnDays, expiryFailDays)
		}
	}
	return perf
}

// The tls.expiry check's thresholds: fewer days left than these warn, fail.
const (
	expiryWarnDays = 21
	expiryFailDays = 7
)

// nagiosText keeps the first line one line and free of '|'.
func nagiosText(s string) string {
	return strings.NewReplacer("|", "/", "\n", " ").Replace(s)
}

// gradeScore is a grade's lowest score in result.GradeTable (F: 0), so that
// "below B" is "under 70" on a dashboard as in README's table.
func gradeScore(grade string) (int, bool) {
	for _, row := range result.GradeTable {
		if row.Grade == grade {
			return max(row.MinScore, 0), true
		}
	}
	return 0, false
}
