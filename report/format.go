package report

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/hardscan/hardscan/scan/gate"
	"github.com/hardscan/hardscan/scan/result"
)

// A Format is one output format, as -f names it: everything the command
// needs to know of it is declared here, so that a new format is its own
// file, one line in the registry and one golden.
type Format struct {
	// Name is what -f takes.
	Name string
	// Exts are the file extensions (lower case, with the dot) that choose
	// this format for -o FILE when no -f is given.
	Exts []string
	// Streams is set when the format writes each target as it arrives
	// and keeps none, so a run need not keep them either.
	Streams bool
	// InOrder is set when its targets must arrive in input order.
	InOrder bool
	// Alert is set when the output is itself the alert a monitor reads
	// (a Nagios plugin's): -q does not replace it with the alert text.
	Alert bool
	// Exit maps the run's status to the exit status; nil is Status.Code.
	Exit func(gate.Status) int
	// Usage, when set, reports a usage error in the format, on the
	// output (a plugin's caller reads nothing else), and returns the exit
	// status for it; nil leaves the error to standard error and exit 2.
	Usage func(w io.Writer, msg string) int

	// write renders a whole report; stream, when set, is the Writer
	// that writes targets as they arrive.
	write  func(buf *bytes.Buffer, r *result.Report, opt Options) error
	stream func(w io.Writer, opt Options) Writer
}

// A Writer writes a report as a run makes it: Start with the report's
// fields known at the start (schema, tool, start time), Target for each
// finished target, Close with the finished report (summaries and changes
// filled in). A streaming format writes each target as it arrives; the
// others keep nothing and write the whole report in Close. Target is
// safe for concurrent use.
type Writer interface {
	Start(r *result.Report) error
	Target(t *result.Target) error
	Close(r *result.Report) error
}

// Formats lists the format names, in --help order.
func Formats() []string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = f.Name
	}
	return names
}

// Lookup returns the format called name.
func Lookup(name string) (*Format, error) {
	for _, f := range formats {
		if f.Name == name {
			return f, nil
		}
	}
	return nil, fmt.Errorf("unknown format %q (want %s)", name, strings.Join(Formats(), ", "))
}

// DefaultFormat is the format without -f, and for a file whose extension
// no format claims.
const DefaultFormat = "table"

// ForFile returns the format path's extension names (report.json,
// report.html ...), and false when no format claims it (.txt, none).
func ForFile(path string) (*Format, bool) {
	ext := strings.ToLower(filepath.Ext(path))
	for _, f := range formats {
		for _, e := range f.Exts {
			if e == ext {
				return f, true
			}
		}
	}
	return nil, false
}

// ExitCode is the exit status of a run that ends in st, in this format.
func (f *Format) ExitCode(st gate.Status) int {
	if f.Exit != nil {
		return f.Exit(st)
	}
	return st.Code()
}

// NewWriter returns a Writer of f to w.
func (f *Format) NewWriter(w io.Writer, opt Options) Writer {
	if f.stream != nil {
		return f.stream(w, opt)
	}
	return &wholeWriter{w: w, f: f, opt: opt}
}

// NewWriter returns a Writer of format to w.
func NewWriter(w io.Writer, format string, opt Options) (Writer, error) {
	f, err := Lookup(format)
	if err != nil {
		return nil, err
	}
	return f.NewWriter(w, opt), nil
}

// wholeWriter ignores targets and writes the finished report in Close.
type wholeWriter struct {
	w   io.Writer
	f   *Format
	opt Options
}

func (s *wholeWriter) Start(*result.Report) error  { return nil }
func (s *wholeWriter) Target(*result.Target) error { return nil }
func (s *wholeWriter) Close(r *result.Report) error {
	return Write(s.w, s.f.Name, r, s.opt)
}
