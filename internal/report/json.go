package report

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/hardscan/hardscan/internal/result"
)

// writeJSON writes SPEC's JSON report, indented two spaces, with a final
// newline. HTML characters stay as they are (a CSP with '<' reads better).
func writeJSON(buf *bytes.Buffer, r *result.Report, _ Options) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonReport(r))
}

// writeNDJSON writes one compact target object a line and nothing else.
func writeNDJSON(buf *bytes.Buffer, r *result.Report, _ Options) error {
	for _, t := range r.Targets {
		if t == nil {
			continue
		}
		if err := encodeTarget(buf, t); err != nil {
			return err
		}
	}
	return nil
}

func encodeTarget(buf *bytes.Buffer, t *result.Target) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	return enc.Encode(jsonTarget(t))
}

// jsonReport returns a shallow copy of r shaped for the JSON report: lists
// are [] rather than null (so that `jq '.targets[]'` works on an empty run),
// except Changes, which stays null without a baseline as SPEC says.
func jsonReport(r *result.Report) *result.Report {
	c := *r
	c.Targets = make([]*result.Target, 0, len(r.Targets))
	for _, t := range r.Targets {
		if t != nil {
			jt := jsonTarget(t)
			jt.Changes = nil // listed once, in the report's changes
			c.Targets = append(c.Targets, jt)
		}
	}
	return &c
}

// jsonTarget returns a copy of t with lists never null and header names
// lower case and valid UTF-8. encoding/json already replaces invalid UTF-8
// in strings, but two names that differ only in case or in invalid bytes
// would become duplicate JSON keys, so such headers are merged, their
// values kept in the order of the sorted original names.
func jsonTarget(t *result.Target) *result.Target {
	c := *t
	c.Headers = make(map[string][]string, len(t.Headers))
	for _, name := range slices.Sorted(maps.Keys(t.Headers)) {
		key := strings.ToLower(strings.ToValidUTF8(name, "\uFFFD"))
		c.Headers[key] = append(c.Headers[key], t.Headers[name]...)
	}
	for key, vs := range c.Headers {
		if vs == nil {
			c.Headers[key] = []string{}
		}
	}
	c.Redirects.HTTP = nonNil(t.Redirects.HTTP)
	c.Redirects.HTTPS = nonNil(t.Redirects.HTTPS)
	c.Cookies = nonNil(t.Cookies)
	c.Findings = nonNil(t.Findings)
	return &c
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
