package scan

import (
	"time"

	"github.com/hardscan/hardscan/internal/probe"
	"github.com/hardscan/hardscan/scan/result"
)

// Version is hardscan's version: what -V prints and the tool every report
// names.
const Version = "0.1.0"

// New validates opt, reading its CA and profile files, and returns a
// Scanner whose client is shared by every Scan. An invalid option is an
// *OptionError. Scan itself does not bound a target's time: give it a
// context with a deadline (the command gives each target twice
// opt.Timeout and a second).
func New(opt Options) (*Scanner, error) {
	s, err := opt.settings()
	if err != nil {
		return nil, err
	}
	return &Scanner{
		Client:      probe.NewClient(s.client),
		Profile:     s.profile,
		BackendPort: s.backendPort,
		Authorized:  s.authorized,
	}, nil
}

// NewReport starts the report of a run begun at start, as the command
// starts its own: the schema version, the tool, and the start to the
// second. Append the targets, then call Finish for the summaries.
func NewReport(start time.Time) *result.Report {
	return &result.Report{
		SchemaVersion: result.SchemaVersion,
		Tool:          result.Tool{Name: "hardscan", Version: Version},
		StartedAt:     start.UTC().Truncate(time.Second),
	}
}
