// Package finding holds the verdict types every check produces: a Severity and
// a Finding with a stable dotted id. It is the leaf every other package shares.
package finding

import (
	"fmt"
	"strings"
)

// Severity orders verdicts from best (Pass) to worst (Fail).
type Severity int

// The severities, best first; the order is relied on by --fail-on.
const (
	Pass Severity = iota
	Info
	Warn
	Fail
)

var severityNames = [...]string{"pass", "info", "warn", "fail"}

func (s Severity) String() string {
	if s < Pass || s > Fail {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads a severity name, case-insensitively.
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(name, n) {
			return Severity(i), nil
		}
	}
	return Pass, fmt.Errorf("unknown severity %q (want pass, info, warn or fail)", name)
}

// MarshalText writes the severity's name, so JSON carries "warn", not 2.
func (s Severity) MarshalText() ([]byte, error) {
	if s < Pass || s > Fail {
		return nil, fmt.Errorf("invalid severity %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText reads a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Finding is one verdict of one check about one subject (a cookie, a
// directive, a header). ID is stable: dashboards and baselines key on it;
// Reason is a stable code for why it got its severity, so that tests and
// dashboards never key on Message's wording. Message says what is wrong;
// Fix says what to write, and where.
type Finding struct {
	ID       string    `json:"id"`
	Reason   string    `json:"reason"`
	Severity Severity  `json:"severity"`
	Subject  string    `json:"subject"`
	Expected string    `json:"expected"`
	Actual   string    `json:"actual"`
	Message  string    `json:"message"`
	Fix      *Fix      `json:"fix"`
	Refs     []string  `json:"refs"`
	Accepted *Accepted `json:"accepted"`
	// Vars are the values a fix is written with (the header to set, the
	// value it wants), filled by the judge and read by the catalogue.
	Vars map[string]string `json:"-"`
}

// Fix is what to change, per platform that applies to the target.
type Fix struct {
	Summary  string    `json:"summary"`
	Snippets []Snippet `json:"snippets"`
}

// Snippet is the code to write on one platform, and the file it goes in.
type Snippet struct {
	Platform string `json:"platform"`
	File     string `json:"file"`
	Code     string `json:"code"`
	// Lang names the snippet's language for fenced code blocks
	// (elixir, nginx, apache, caddyfile, ini ...).
	Lang string `json:"lang,omitempty"`
}

// Accepted says that a profile override changed a finding's severity:
// what it was, and why the admin accepted it.
type Accepted struct {
	Was    Severity `json:"was"`
	Reason string   `json:"reason"`
}

// With returns f with the fix variable name set to value.
func (f Finding) With(name, value string) Finding {
	vars := make(map[string]string, len(f.Vars)+1)
	for k, v := range f.Vars {
		vars[k] = v
	}
	vars[name] = value
	f.Vars = vars
	return f
}

// Key identifies a finding across runs, for baselines.
func (f Finding) Key() string { return f.ID + "\x00" + f.Subject }

// Counts tallies findings by severity.
type Counts struct {
	Pass int `json:"pass"`
	Info int `json:"info"`
	Warn int `json:"warn"`
	Fail int `json:"fail"`
}

// Add counts one finding of severity s.
func (c *Counts) Add(s Severity) {
	switch s {
	case Pass:
		c.Pass++
	case Info:
		c.Info++
	case Warn:
		c.Warn++
	case Fail:
		c.Fail++
	}
}

// Tally counts a list of findings.
func Tally(fs []Finding) Counts {
	var c Counts
	for _, f := range fs {
		c.Add(f.Severity)
	}
	return c
}

// Worst returns the worst severity among fs, and false when fs is empty.
func Worst(fs []Finding) (Severity, bool) {
	if len(fs) == 0 {
		return Pass, false
	}
	w := Pass
	for _, f := range fs {
		if f.Severity > w {
			w = f.Severity
		}
	}
	return w, true
}
