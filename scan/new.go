package scan

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hardscan/hardscan/internal/probe"
	"github.com/hardscan/hardscan/internal/profile"
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
		client:      probe.NewClient(s.client),
		profile:     s.profile,
		backendPort: s.backendPort,
		authorized:  s.authorized,
		timeout:     s.client.Timeout,
	}, nil
}

// WithProfile is a Scanner sharing s's client and options that judges
// every target against the built-in profile name ("auto" or "": detect
// the software). Unlike Options.Profile it reads no file, so that a name
// from a request cannot make the process read one.
func (s *Scanner) WithProfile(name string) (*Scanner, error) {
	var p *profile.Profile
	if name != "" && name != "auto" {
		if !slices.Contains(profile.Names(), name) {
			return nil, &OptionError{Msg: fmt.Sprintf("profile %q: want auto or %s", name, strings.Join(profile.Names(), ", "))}
		}
		var err error
		if p, err = profile.Builtin(name); err != nil {
			return nil, err
		}
	}
	return &Scanner{client: s.client, profile: p, backendPort: s.backendPort, authorized: s.authorized, timeout: s.timeout, Now: s.Now}, nil
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
