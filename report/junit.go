package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/gate"
	"github.com/hardscan/hardscan/scan/result"
)

// junitFormat is JUnit XML, for CI.
var junitFormat = Format{Name: "junit", Exts: []string{".xml"}, write: writeJUnit}

// The JUnit XML shape CI systems read (Jenkins, GitLab, GitHub actions).
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Time     string       `xml:"time,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name       string          `xml:"name,attr"`
		Tests      int             `xml:"tests,attr"`
		Failures   int             `xml:"failures,attr"`
		Errors     int             `xml:"errors,attr"`
		Skipped    int             `xml:"skipped,attr"`
		Timestamp  string          `xml:"timestamp,attr,omitempty"`
		Properties []junitProperty `xml:"properties>property,omitempty"`
		Cases      []junitCase     `xml:"testcase"`
	}
	junitProperty struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitCase struct {
		Name      string        `xml:"name,attr"`
		ClassName string        `xml:"classname,attr"`
		Failure   *junitProblem `xml:"failure"`
		Error     *junitProblem `xml:"error"`
		SystemOut string        `xml:"system-out,omitempty"`
	}
	junitProblem struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",cdata"`
	}
)

// writeJUnit writes one testsuite per target and one testcase per finding.
// A finding that reaches Options.Gate is a <failure>; with a baseline
// (r.Changes not nil), only a new or worse one is, so that the verdict
// matches the exit status. Another info or warn finding passes with its
// message in <system-out> (info is not <skipped>: the check did run). A
// failure's body carries the fix (see junitText). A target that could not
// be scanned has one extra testcase, "scan", with an <error>. All server text is sanitised, which
// also keeps out characters XML 1.0 forbids (encoding/xml would turn the
// rest into U+FFFD).
func writeJUnit(buf *bytes.Buffer, r *result.Report, opt Options) error {
	fails := failing(r, opt.Gate)
	all := junitSuites{Name: "hardscan", Time: seconds(r.DurationMS)}
	for _, t := range r.Targets {
		if t == nil {
			continue
		}
		url := Sanitize(t.Name())
		s := junitSuite{Name: url, Properties: junitProperties(t)}
		if !r.StartedAt.IsZero() {
			s.Timestamp = r.StartedAt.UTC().Format("2006-01-02T15:04:05Z")
		}
		if t.Error != nil {
			s.Errors++
			s.Cases = append(s.Cases, junitCase{Name: "scan", ClassName: url, Error: &junitProblem{
				Message: Sanitize(*t.Error), Type: "error",
			}})
		}
		for _, f := range t.Findings {
			c := junitCase{Name: checkName(f), ClassName: url}
			switch {
			case fails(t.Name(), f):
				s.Failures++
				c.Failure = &junitProblem{
					Message: Sanitize(f.Message),
					Type:    f.Severity.String(),
					Text:    junitText(t, f),
				}
			case f.Severity != finding.Pass:
				c.SystemOut = f.Severity.String() + ": " + Sanitize(f.Message)
				if r.Changes != nil && opt.Gate.Reaches(f.Severity) {
					c.SystemOut = f.Severity.String() + " (as accepted in the baseline): " + Sanitize(f.Message)
				}
			}
			s.Cases = append(s.Cases, c)
		}
		s.Tests = len(s.Cases)
		all.Tests += s.Tests
		all.Failures += s.Failures
		all.Errors += s.Errors
		all.Suites = append(all.Suites, s)
	}
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(buf)
	enc.Indent("", "  ")
	if err := enc.Encode(all); err != nil {
		return err
	}
	buf.WriteByte('\n')
	return nil
}

// junitText is a failure's body: expected and seen, then what to do, the
// fix's summary and the snippets for the target's platform, so that a CI
// log says how to make the case pass.
func junitText(t *result.Target, f finding.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "expected: %s\nactual: %s\n", Sanitize(f.Expected), Sanitize(f.Actual))
	if f.Fix == nil {
		return b.String()
	}
	if s := Sanitize(f.Fix.Summary); s != "" {
		fmt.Fprintf(&b, "fix: %s\n", s)
	}
	for _, sn := range ownSnippets(t, f.Fix) {
		where := Sanitize(sn.Platform)
		if sn.File != "" {
			where += ", in " + Sanitize(sn.File)
		}
		fmt.Fprintf(&b, "\n# %s:\n%s\n", where, strings.Join(codeLines(sn.Code), "\n"))
	}
	return b.String()
}

func junitProperties(t *result.Target) []junitProperty {
	var ps []junitProperty
	add := func(name, value string) {
		if value != "" {
			ps = append(ps, junitProperty{name, Sanitize(value)})
		}
	}
	add("profile", t.Profile)
	if t.Software != nil {
		add("software", t.Software.Name)
		add("software_version", t.Software.Version)
	}
	add("grade", t.Grade)
	if t.Status != 0 {
		add("status", fmt.Sprint(t.Status))
	}
	return ps
}

// seconds formats milliseconds as JUnit's decimal seconds.
func seconds(ms int64) string { return fmt.Sprintf("%.3f", float64(ms)/1000) }

// failing returns whether a finding of the target at url fails the run
// under g: it reaches g, and with a baseline it is a regression.
func failing(r *result.Report, g gate.Gate) func(url string, f finding.Finding) bool {
	if r.Changes == nil {
		return func(_ string, f finding.Finding) bool { return g.Reaches(f.Severity) }
	}
	type key struct{ url, id, subject string }
	worse := map[key]bool{}
	for _, c := range g.Regressions(r.Changes) {
		worse[key{c.URL, c.ID, c.Subject}] = true
	}
	return func(url string, f finding.Finding) bool {
		return g.Reaches(f.Severity) && worse[key{url, f.ID, f.Subject}]
	}
}
