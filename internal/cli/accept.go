package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hardscan/hardscan/internal/baseline"
	"github.com/hardscan/hardscan/internal/localfile"
	"github.com/hardscan/hardscan/report"
	"github.com/hardscan/hardscan/scan/result"
)

// validateBaseline checks --baseline, --accept and -o together: the
// baseline is the accepted state, which only --accept rewrites.
func validateBaseline(c *config) error {
	if c.accept && c.baseline == "" {
		return &usageError{msg: "--accept needs --baseline FILE: the file that holds the accepted state",
			hint: "hardscan --baseline /var/lib/hardscan/accepted.json --accept example.tld"}
	}
	if c.baseline == "" {
		return nil
	}
	if st, err := os.Stat(c.baseline); err != nil && !errors.Is(err, os.ErrNotExist) {
		return usagef("--baseline: %v", err)
	} else if err == nil && !st.Mode().IsRegular() {
		return usagef("--baseline %s: not a regular file (%s)", c.baseline, localfile.Kind(st.Mode()))
	}
	if c.output != "" && samePath(c.baseline, c.output) {
		return &usageError{msg: fmt.Sprintf("-o %s is the --baseline file: a scan never rewrites the accepted state", c.output),
			hint: "write the report elsewhere (-o last.json); --accept updates the baseline on purpose"}
	}
	return nil
}

// samePath reports whether a and b name the same file, existing or not.
func samePath(a, b string) bool {
	if sa, err := os.Stat(a); err == nil {
		if sb, err := os.Stat(b); err == nil {
			return os.SameFile(sa, sb)
		}
	}
	aa, err1 := filepath.Abs(a)
	ab, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == ab
}

// loadBaseline reads --baseline; a missing file is a first run, an empty
// accepted state, and says so on stderr with the way to accept.
func loadBaseline(c *config, stderr io.Writer) (*result.Report, error) {
	b, err := baseline.Load(c.baseline)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if !c.accept {
			fmt.Fprintf(stderr, "hardscan: --baseline %s does not exist yet: every finding counts as new\n", oneLine(c.baseline))
			fmt.Fprintf(stderr, "hint: accept today's state once with --baseline %s --accept\n", oneLine(c.baseline))
		}
		return &result.Report{}, nil
	case err != nil:
		// The baseline package names itself ("baseline x.json: ..."); the
		// user typed --baseline, so that is the name the line gives.
		msg := err.Error()
		if rest, ok := strings.CutPrefix(msg, "baseline: "); ok {
			return nil, usagef("--baseline: %s", rest)
		}
		if rest, ok := strings.CutPrefix(msg, "baseline "); ok {
			return nil, usagef("--baseline %s", rest)
		}
		return nil, usagef("--baseline: %s", msg)
	}
	return b, nil
}

// writeAccepted writes rep to the baseline file, atomically, as the new
// accepted state; a target rep could not scan keeps its accepted state.
func writeAccepted(c *config, old, rep *result.Report) error {
	acc := baseline.Accept(old, rep)
	err := report.WriteFileAtomic(c.baseline, func(w io.Writer) error {
		return report.Write(w, "json", acc, report.Options{})
	})
	if err != nil {
		return fmt.Errorf("--accept: %w", err)
	}
	return nil
}
