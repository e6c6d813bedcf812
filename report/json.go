package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/hardscan/hardscan/scan/result"
)

// jsonFormat is the JSON report (-f json), written a target at a time in
// input order; ndjsonFormat is one target object a line, as they finish.
var (
	jsonFormat = Format{Name: "json", Exts: []string{".json"}, Streams: true, InOrder: true, write: writeJSON,
		stream: func(w io.Writer, _ Options) Writer { return &jsonStream{w: w} }}
	ndjsonFormat = Format{Name: "ndjson", Exts: []string{".ndjson", ".jsonl"}, Streams: true, write: writeNDJSON,
		stream: func(w io.Writer, _ Options) Writer { return &lineStream{w: w} }}
)

// writeJSON writes the JSON report (docs/report.schema.json), indented two spaces, with a final
// newline. HTML characters stay as they are (a CSP with '<' reads better).
// It writes exactly what the streaming writer does (see jsonStream): the
// targets come before the duration, summary and changes, which are known
// only at the end.
func writeJSON(buf *bytes.Buffer, r *result.Report, _ Options) error {
	if err := jsonHead(buf, r); err != nil {
		return err
	}
	n := 0
	for _, t := range r.Targets {
		if t == nil {
			continue
		}
		if err := jsonItem(buf, t, n); err != nil {
			return err
		}
		n++
	}
	return jsonTail(buf, r, n)
}

// jsonHead writes the report's opening up to the targets' "[".
func jsonHead(buf *bytes.Buffer, r *result.Report) error {
	buf.WriteString("{\n")
	for _, f := range []struct {
		name string
		v    any
	}{{"schema_version", r.SchemaVersion}, {"tool", r.Tool}, {"started_at", r.StartedAt}} {
		if err := jsonField(buf, f.name, f.v); err != nil {
			return err
		}
		buf.WriteString(",\n")
	}
	buf.WriteString(`  "targets": [`)
	return nil
}

// jsonItem writes the n-th target (from 0) of the targets array.
func jsonItem(buf *bytes.Buffer, t *result.Target, n int) error {
	if n > 0 {
		buf.WriteByte(',')
	}
	buf.WriteString("\n    ")
	jt := jsonTarget(t)
	jt.Changes = nil // listed once, in the report's changes; ndjson keeps them per line
	if !jt.IsSite() {
		return jsonValue(buf, "    ", jt.JSONValue())
	}
	// encoding/json indents its compact output just so.
	compact, err := appendSite(nil, jt)
	if err != nil {
		return fmt.Errorf("json: %w", err)
	}
	return json.Indent(buf, compact, "    ", "  ")
}

// jsonTail closes the targets array (of n targets) and the report.
func jsonTail(buf *bytes.Buffer, r *result.Report, n int) error {
	if n > 0 {
		buf.WriteString("\n  ")
	}
	buf.WriteString("],\n")
	fields := []struct {
		name string
		v    any
	}{{"duration_ms", r.DurationMS}, {"summary", r.Summary}, {"changes", r.Changes}}
	if r.Incomplete {
		fields = append(fields, struct {
			name string
			v    any
		}{"incomplete", true})
	}
	for i, f := range fields {
		if err := jsonField(buf, f.name, f.v); err != nil {
			return err
		}
		if i < len(fields)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("}\n")
	return nil
}

func jsonField(buf *bytes.Buffer, name string, v any) error {
	buf.WriteString("  ")
	if err := jsonValue(buf, "", name); err != nil {
		return err
	}
	buf.WriteString(": ")
	return jsonValue(buf, "  ", v)
}

// jsonValue writes v indented as if at prefix, without a final newline.
func jsonValue(buf *bytes.Buffer, prefix string, v any) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1) // Encode's newline
	return nil
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
	c := jsonTarget(t)
	if c.IsSite() {
		b, err := appendSite(buf.AvailableBuffer(), c)
		if err != nil {
			return fmt.Errorf("json: %w", err)
		}
		buf.Write(append(b, '\n'))
		return nil
	}
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	return enc.Encode(c.JSONValue())
}

// jsonTarget returns a copy of t with lists never null and header names
// lower case and valid UTF-8. encoding/json already replaces invalid UTF-8
// in strings, but two names that differ only in case or in invalid bytes
// would become duplicate JSON keys, so such headers are merged, their
// values kept in the order of the sorted original names.
func jsonTarget(t *result.Target) *result.Target {
	c := *t
	if !jsonReady(t.Headers) {
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
	}
	c.Redirects.HTTP = nonNil(t.Redirects.HTTP)
	c.Redirects.HTTPS = nonNil(t.Redirects.HTTPS)
	c.Cookies = nonNil(t.Cookies)
	c.Findings = nonNil(t.Findings)
	return &c
}

// jsonReady reports whether h's names are lower case and valid UTF-8 and
// no list is nil, as the scanner writes them: jsonTarget then keeps h.
func jsonReady(h map[string][]string) bool {
	if h == nil {
		return false
	}
	for k, vs := range h {
		if vs == nil || !utf8.ValidString(k) || strings.ToLower(k) != k {
			return false
		}
	}
	return true
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
