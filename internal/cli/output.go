package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hardscan/hardscan/scan/result"
)

// formatFromName is the format a report written to path defaults to when no
// -f is given: the one its extension names (report.json, report.html ...),
// so that `-o last.json` does not write a table into a JSON file that a
// later --baseline must read; else table, SPEC's default.
func formatFromName(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		return "json"
	case ".ndjson", ".jsonl":
		return "ndjson"
	case ".html", ".htm":
		return "html"
	case ".md", ".markdown":
		return "markdown"
	case ".xml":
		return "junit"
	case ".prom":
		return "prometheus"
	}
	return "table"
}

// formatMatchesName refuses a -f that the -o file's extension contradicts
// (-f json -o report.html): the file would hold one format under the
// other's name, and whatever opens it by its name would fail.
func formatMatchesName(format, path string) error {
	if path == "" {
		return nil
	}
	named := formatFromName(path)
	if named == "table" || named == format {
		return nil // no extension, or one no format claims (.txt, .log)
	}
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
