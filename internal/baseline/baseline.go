// Package baseline compares a run with an earlier JSON report, so that
// --baseline can list what changed and fail on new findings only.
//
// A finding is identified across runs by (target URL, check id, subject).
// A target that could not be scanned, in either run, is unknown rather than
// clean: none of its findings count as appeared or disappeared. So is a
// target the new run did not scan at all. A target the baseline does not
// have is new, and all its findings appear.
package baseline

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/hardscan/hardscan/internal/finding"
	"github.com/hardscan/hardscan/internal/localfile"
	"github.com/hardscan/hardscan/internal/result"
)

// MaxFileSize bounds a baseline file: a JSON report of tens of thousands
// of targets fits, an endless or hostile one is refused.
const MaxFileSize = 256 << 20

// Load reads an earlier report written with --format json. It accepts
// only this tool's schema version, and names the file in every error. It
// does not block on a FIFO, reads at most MaxFileSize bytes, and keeps of
// each target what a comparison reads: no headers, cookies or redirects,
// which are most of a report's size.
func Load(path string) (*result.Report, error) {
	if r, ok := loadStreaming(path); ok {
		return r, nil
	}
	// Something is wrong (or the file could not be streamed): reading it
	// whole names the problem and where it is.
	data, err := localfile.Read(path, MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	r, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	return r, nil
}

// loadStreaming decodes a well-formed baseline straight from the file, so
// that memory holds the findings, not the file too; ok is false on any
// problem, which Load then reports.
func loadStreaming(path string) (r *result.Report, ok bool) {
	f, err := localfile.Open(path)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || st.Size() > MaxFileSize {
		return nil, false
	}
	lr := &io.LimitedReader{R: f, N: MaxFileSize + 1}
	r, version, err := decodeSlim(bufio.NewReaderSize(lr, 64<<10))
	if err != nil || lr.N <= 0 || !version || r.SchemaVersion != result.SchemaVersion {
		return nil, false
	}
	for _, t := range r.Targets {
		if t == nil {
			return nil, false
		}
	}
	return r, true
}

func parse(data []byte) (*result.Report, error) {
	// The version is read first, so that a report of another version is
	// named as such rather than as a field of the wrong type.
	var head struct {
		SchemaVersion *int `json:"schema_version"`
	}
	// Unmarshal, not a Decoder: a Decoder would copy the whole report into
	// its buffer to decode it as one value.
	if err := json.Unmarshal(data, &head); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) && strings.Contains(syn.Error(), "after top-level value") {
			return nil, errors.New("data after the report (an ndjson file? write one with --format json)")
		}
		return nil, fmt.Errorf("not a JSON report (write one with --format json): %w", position(data, err))
	}
	switch {
	case head.SchemaVersion == nil:
		return nil, errors.New("no schema_version: not a hardscan JSON report")
	case *head.SchemaVersion != result.SchemaVersion:
		return nil, fmt.Errorf("schema_version %d, but this hardscan reads version %d", *head.SchemaVersion, result.SchemaVersion)
	}

	r, _, err := decodeSlim(bytes.NewReader(data))
	if err != nil {
		// encoding/json's own error names the field and type; the slim
		// decoder's may not.
		var full result.Report
		if uerr := json.Unmarshal(data, &full); uerr != nil {
			err = uerr
		}
		return nil, position(data, err)
	}
	for i, t := range r.Targets {
		if t == nil {
			return nil, fmt.Errorf("targets[%d] is null", i)
		}
	}
	return r, nil
}

// decodeSlim decodes a report one target at a time, dropping each
// target's headers, cookies and redirects as it goes, so that memory holds
// the file and the findings, not the file's whole tree.
// version says whether the report has a schema_version.
func decodeSlim(in io.Reader) (r *result.Report, version bool, err error) {
	dec := json.NewDecoder(in)
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false, fmt.Errorf("not a JSON object: %v", err)
	}
	rest := map[string]json.RawMessage{}
	var targets []*result.Target
	sawTargets := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false, err
		}
		name, _ := tok.(string)
		if name != "targets" {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil, false, err
			}
			rest[name] = raw
			continue
		}
		sawTargets = true
		tok, err = dec.Token()
		if err != nil {
			return nil, false, err
		}
		if tok == nil { // "targets": null
			continue
		}
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			return nil, false, fmt.Errorf("targets: want an array, got %v", tok)
		}
		for dec.More() {
			var t *result.Target
			if err := dec.Decode(&t); err != nil {
				return nil, false, err
			}
			if t != nil {
				t.Headers, t.Cookies, t.Redirects = nil, nil, result.Redirects{}
			}
			targets = append(targets, t)
		}
		if _, err := dec.Token(); err != nil { // "]"
			return nil, false, err
		}
	}
	head, err := json.Marshal(rest)
	if err != nil {
		return nil, false, err
	}
	if _, err := dec.Token(); err != nil { // the report's "}"
		return nil, false, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false, errors.New("data after the report")
	}
	r = &result.Report{}
	if err := json.Unmarshal(head, r); err != nil {
		return nil, false, err
	}
	if sawTargets {
		r.Targets = targets
	}
	_, version = rest["schema_version"]
	return r, version, nil
}

// position adds the line and column of a JSON syntax or type error.
func position(data []byte, err error) error {
	var off int64
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
	case errors.As(err, &typ):
		off = typ.Offset
	default:
		return err
	}
	off = min(max(off, 0), int64(len(data)))
	line := bytes.Count(data[:off], []byte("\n")) + 1
	col := off - int64(bytes.LastIndexByte(data[:off], '\n'))
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

type key struct{ url, id, subject string }

// known is what one report says: the worst severity of each finding of
// each target scanned, and which URLs could not be scanned.
type known struct {
	findings map[key]finding.Severity
	scanned  map[string]bool
	errored  map[string]bool
}

func index(r *result.Report) known {
	k := known{map[key]finding.Severity{}, map[string]bool{}, map[string]bool{}}
	if r == nil {
		return k
	}
	for _, t := range r.Targets {
		if t == nil {
			continue
		}
		if t.Error != nil {
			k.errored[t.URL] = true
			continue
		}
		k.scanned[t.URL] = true
		for _, f := range t.Findings {
			fk := key{t.URL, f.ID, f.Subject}
			if s, ok := k.findings[fk]; !ok || f.Severity > s {
				k.findings[fk] = f.Severity
			}
		}
	}
	return k
}

// Diff lists every finding whose severity differs between old and now, in
// order of URL, id and subject: Was is empty for a finding that appeared,
// Now for one that disappeared. Targets that errored in either report, and
// targets now did not scan, are left out (see the package comment). When a
// report has two findings with the same key, the worse one counts.
func Diff(old, now *result.Report) []result.Change {
	o, n := index(old), index(now)
	judged := func(url string) bool {
		return n.scanned[url] && !n.errored[url] && !o.errored[url]
	}
	var out []result.Change
	for k, s := range n.findings {
		if !judged(k.url) {
			continue
		}
		if was, ok := o.findings[k]; !ok {
			out = append(out, change(k, "", s.String()))
		} else if was != s {
			out = append(out, change(k, was.String(), s.String()))
		}
	}
	for k, s := range o.findings {
		if _, ok := n.findings[k]; !ok && judged(k.url) {
			out = append(out, change(k, s.String(), ""))
		}
	}
	slices.SortFunc(out, func(a, b result.Change) int {
		return cmp.Or(cmp.Compare(a.URL, b.URL), cmp.Compare(a.ID, b.ID), cmp.Compare(a.Subject, b.Subject))
	})
	return out
}

func change(k key, was, now string) result.Change {
	return result.Change{URL: k.url, ID: k.id, Subject: k.subject, Was: was, Now: now}
}

// NewFindings reports whether some change is new or worse and reaches
// failOn: Now is at least failOn and worse than Was (an appeared finding
// is worse than nothing). A failOn above finding.Fail (--fail-on never)
// matches nothing.
func NewFindings(changes []result.Change, failOn finding.Severity) bool {
	for _, c := range changes {
		now, err := finding.ParseSeverity(c.Now)
		if c.Now == "" || err != nil || now < failOn {
			continue
		}
		if c.Was == "" {
			return true
		}
		if was, err := finding.ParseSeverity(c.Was); err != nil || now > was {
			return true
		}
	}
	return false
}
