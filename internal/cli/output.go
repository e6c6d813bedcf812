package cli

import (
	"fmt"
	"strings"

	"github.com/hardscan/hardscan/report"
	"github.com/hardscan/hardscan/scan/result"
)

// formatMatchesName refuses a -f that the -o file's extension contradicts
// (-f json -o report.html): the file would hold one format under the
// other's name, and whatever opens it by its name would fail.
func formatMatchesName(format, path string) error {
	if path == "" {
		return nil
	}
	f, ok := report.ForFile(path)
	if !ok || f.Name == format {
		return nil // no extension, or one no format claims (.txt, .log)
	}
	named := f.Name
	return &usageError{
		msg:  fmt.Sprintf("-f %s -o %s: the file's extension says %s", format, path, named),
		hint: fmt.Sprintf("leave out -f (the extension picks %s), or name the file for %s", named, format),
	}
}

// wroteLine is the one line -o prints on a terminal: where the report
// went and what it holds, "wrote r.html: grade C, 1 fail, 2 warn".
func wroteLine(path string, s result.Summary, grade string) string {
	var parts []string
	if s.Targets == 1 && grade != "" {
		parts = append(parts, "grade "+grade)
	} else if s.Targets != 1 {
		parts = append(parts, fmt.Sprintf("%d targets", s.Targets))
	}
	parts = append(parts, fmt.Sprintf("%d fail", s.Fail), fmt.Sprintf("%d warn", s.Warn))
	if s.Errors > 0 {
		parts = append(parts, fmt.Sprintf("%d could not be scanned", s.Errors))
	}
	return "wrote " + oneLine(path) + ": " + strings.Join(parts, ", ")
}
