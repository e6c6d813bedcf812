package report

import (
	"bytes"
	"encoding/xml"
	"fmt"

	"github.com/hardscan/hardscan/internal/finding"
	"github.com/hardscan/hardscan/internal/result"
)

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
// A finding at or above Options.FailOn is a <failure>; a lower info or warn
// finding passes with its message in <system-out> (info is not <skipped>:
// the check did run). A target that could not be scanned has one extra
// testcase, "scan", with an <error>. All server text is sanitised, which
// also keeps out characters XML 1.0 forbids (encoding/xml would turn the
// rest into U+FFFD).
func writeJUnit(buf *bytes.Buffer, r *result.Report, opt Options) error {
	failOn := opt.failOn()
	all := junitSuites{Name: "hardscan", Time: seconds(r.DurationMS)}
	for _, t := range r.Targets {
		if t == nil {
			continue
		}
		url := Sanitize(t.URL)
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
			case f.Severity >= failOn:
				s.Failures++
				c.Failure = &junitProblem{
					Message: Sanitize(f.Message),
					Type:    f.Severity.String(),
					Text:    fmt.Sprintf("expected: %s\nactual: %s\n", Sanitize(f.Expected), Sanitize(f.Actual)),
				}
			case f.Severity != finding.Pass:
				c.SystemOut = f.Severity.String() + ": " + Sanitize(f.Message)
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
