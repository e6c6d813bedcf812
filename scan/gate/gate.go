// Package gate is --fail-on: the lowest severity that fails a run. One Gate
// decides the exit status, what -q prints, which JUnit cases fail, what
// Nagios reports and, with a baseline, which changes are regressions, so
// that every output agrees with the exit status.
package gate

import (
	"fmt"
	"strings"

	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/result"
)

// Gate is the lowest severity that fails a run. The zero value is the
// default, --fail-on fail.
type Gate struct {
	// min is the lowest failing severity less Fail, so that the zero value
	// is Fail; a min above 0 means never.
	min int
}

// Never is --fail-on never: no finding fails a run.
var Never = Gate{min: 1}

// Parse reads a --fail-on value: fail, warn, info or never.
func Parse(s string) (Gate, error) {
	if strings.EqualFold(s, "never") {
		return Never, nil
	}
	sev, err := finding.ParseSeverity(s)
	if err != nil || sev == finding.Pass {
		return Gate{}, fmt.Errorf("--fail-on %q: want fail, warn, info or never", s)
	}
	return At(sev), nil
}

// At is the gate that fails on sev and worse.
func At(sev finding.Severity) Gate { return Gate{min: int(sev) - int(finding.Fail)} }

// String is the --fail-on value.
func (g Gate) String() string {
	if g.IsNever() {
		return "never"
	}
	return g.Min().String()
}

// IsNever reports whether nothing reaches g.
func (g Gate) IsNever() bool { return g.min > 0 }

// Min is the lowest severity that reaches g; above finding.Fail for never.
func (g Gate) Min() finding.Severity { return finding.Fail + finding.Severity(g.min) }

// Reaches reports whether a finding of severity s fails the run.
func (g Gate) Reaches(s finding.Severity) bool { return s >= g.Min() && s > finding.Pass }

// Regressed reports whether c is a new or worse finding that reaches g:
// Now reaches g and is worse than Was (a finding that appeared is worse
// than none).
func (g Gate) Regressed(c result.Change) bool {
	now, err := finding.ParseSeverity(c.Now)
	if c.Now == "" || err != nil || !g.Reaches(now) {
		return false
	}
	if c.Was == "" {
		return true
	}
	was, err := finding.ParseSeverity(c.Was)
	return err != nil || now > was
}

// Regressions returns the changes that regressed at g, in their order.
func (g Gate) Regressions(cs []result.Change) []result.Change {
	var out []result.Change
	for _, c := range cs {
		if g.Regressed(c) {
			out = append(out, c)
		}
	}
	return out
}

// Status is what a run amounts to under a gate: the one place the exit
// status (and Nagios' state) is derived from.
type Status struct {
	Gate Gate
	// Summary counts the targets, those that could not be scanned
	// (Summary.Errors) and the findings by severity: the report's summary.
	Summary result.Summary
	// Worst is the worst severity that reaches the gate: of any finding,
	// or with a baseline of a regression only. Reached says whether any did.
	Worst   finding.Severity
	Reached bool
	// Baseline is set when a baseline decided Worst (changes, not findings).
	Baseline bool
}

// Tally is a run's one tally: it builds the Status target by target, so
// that a streamed run need not keep its targets. The zero value counts
// under the default gate.
type Tally struct {
	st Status
}

// NewTally starts counting under g.
func NewTally(g Gate) *Tally { return &Tally{st: Status{Gate: g}} }

// Target counts one finished target into the summary and, unless it
// could not be scanned, its findings against the gate.
func (t *Tally) Target(tg *result.Target) {
	t.st.Summary.Add(tg)
	if tg.Error != nil {
		return
	}
	for _, f := range tg.Findings {
		if t.st.Gate.Reaches(f.Severity) {
			t.st.worst(f.Severity)
		}
	}
}

// Status is the run's verdict so far.
func (t *Tally) Status() Status { return t.st }

func (s *Status) worst(sev finding.Severity) {
	if !s.Reached || sev > s.Worst {
		s.Worst, s.Reached = sev, true
	}
}

// Against is s judged against a baseline: only the regressions among cs
// (the changes from it, even none) decide Worst and Reached.
func (s Status) Against(cs []result.Change) Status {
	s.Baseline, s.Worst, s.Reached = true, 0, false
	for _, c := range s.Gate.Regressions(cs) {
		sev, _ := finding.ParseSeverity(c.Now)
		s.worst(sev)
	}
	return s
}

// Of is the Status of a whole report: with Changes non-nil (a baseline was
// given), regressions decide; else findings.
func Of(r *result.Report, g Gate) Status {
	t := NewTally(g)
	for _, tg := range r.Targets {
		if tg != nil {
			t.Target(tg)
		}
	}
	if r.Changes != nil {
		return t.Status().Against(r.Changes)
	}
	return t.Status()
}

// Exit statuses of hardscan (README "Exit status"): the one table, for the
// command and for a program that runs the scan itself.
const (
	ExitOK       = 0 // scanned, nothing reaches --fail-on
	ExitFindings = 1 // a finding (with a baseline: a regression) reaches --fail-on
	ExitUsage    = 2 // bad flag, bad URL, unreadable input, bad profile
	ExitErrors   = 3 // a target could not be scanned; wins over 1

	ExitInterrupted = 130 // SIGINT/SIGTERM: no report, or one marked incomplete
)

// Code is the exit status: errors win, then what reaches the gate.
func (s Status) Code() int {
	switch {
	case s.Summary.Errors > 0:
		return ExitErrors
	case s.Reached:
		return ExitFindings
	}
	return ExitOK
}

// Nagios plugin states (Nagios plugin guidelines, "Plugin Return Codes").
const (
	NagiosOK       = 0
	NagiosWarning  = 1
	NagiosCritical = 2
	NagiosUnknown  = 3
)

// Nagios is the state under the Nagios plugin guidelines: UNKNOWN when a
// target could not be scanned (the guidelines' "unable to open a TCP
// socket"), CRITICAL when a fail reaches the gate, WARNING when a warn or
// info does, else OK.
func (s Status) Nagios() int {
	switch {
	case s.Summary.Errors > 0:
		return NagiosUnknown
	case !s.Reached:
		return NagiosOK
	case s.Worst >= finding.Fail:
		return NagiosCritical
	}
	return NagiosWarning
}

// NagiosWord names a Nagios state.
func NagiosWord(state int) string {
	switch state {
	case NagiosOK:
		return "OK"
	case NagiosWarning:
		return "WARNING"
	case NagiosCritical:
		return "CRITICAL"
	}
	return "UNKNOWN"
}
