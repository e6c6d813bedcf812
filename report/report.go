// Package report renders a *result.Report in each output format: a table for
// terminals, JSON and NDJSON for scripts, the Prometheus text format for
// node_exporter's textfile collector, JUnit XML for CI, and Markdown for
// issues and wikis. Every writer reads the same report, so a JSON report read
// back (as --baseline does) renders again in any format.
//
// Each format is a Format in one registry (Formats, Lookup, ForFile): its
// name, the file extensions that choose it, whether it streams or needs
// its targets in input order, and how a run's status maps to its exit
// status. Write renders a whole report; a Format's Writer writes one as a
// run makes it (Start, Target, Close), and is the sink of scan's runner.
//
// The human-facing formats print server-controlled text only through
// Sanitize (see sanitize.go for the rule); the machine formats escape it as
// their grammar requires.
package report

import (
	"bytes"
	"fmt"
	"io"

	"github.com/hardscan/hardscan/scan/gate"
	"github.com/hardscan/hardscan/scan/result"
)

// Options tune the writers; the zero value is plain and terse.
type Options struct {
	// Width is the most columns a line of the table takes; run decides it
	// once from COLUMNS or the terminal. 0 means DefaultWidth.
	Width int
	// Color adds ANSI colours to the table; run decides it once from
	// --color, NO_COLOR, TERM and whether stdout is a terminal.
	Color bool
	// Verbose lists passed checks in the table; without it the table lists
	// info, warn and fail findings and counts the passes in one line.
	Verbose bool
	// Gate is --fail-on (the zero value is the default, fail): it decides
	// which junit cases fail, Nagios' state and what the alert text lists,
	// as it decides the exit status.
	Gate gate.Gate
}

// formats is every format, in --help order. A new format is one file
// that declares its Format, and one line here.
var formats = []*Format{
	&tableFormat,
	&jsonFormat,
	&ndjsonFormat,
	&promFormat,
	&junitFormat,
	&markdownFormat,
	&htmlFormat,
	&nagiosFormat,
}

// Write renders the whole report r to w in format. The output is built in
// memory and written with one Write, so a failing writer leaves at most one
// partial write behind and its error is returned.
func Write(w io.Writer, format string, r *result.Report, opt Options) error {
	f, err := Lookup(format)
	if err != nil {
		return err
	}
	if r == nil {
		r = &result.Report{}
	}
	var buf bytes.Buffer
	if err := f.write(&buf, r, opt); err != nil {
		return fmt.Errorf("write %s report: %w", format, err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write %s report: %w", format, err)
	}
	return nil
}
