package cli

import (
	"path/filepath"
	"strings"
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
