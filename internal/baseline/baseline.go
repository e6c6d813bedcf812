// Package baseline compares a run with an earlier JSON report, so that
// --baseline can list what changed and fail on new findings only.
//
// A finding is identified across runs by (target URL or audited file's
// path, check id, subject).
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

	"github.com/hardscan/hardscan/internal/localfile"
	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/result"
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

type key struct{ id, subject string }

// Baseline is what an accepted report says, indexed: the worst severity of
// each finding of each target scanned, and which URLs could not be scanned.
type Baseline struct {
	findings map[string]map[key]finding.Severity // by URL
	errored  map[string]bool
}

// New indexes r (nil: an empty baseline, as on a first run).
func New(r *result.Report) *Baseline {
	b := &Baseline{map[string]map[key]finding.Severity{}, map[string]bool{}}
	if r == nil {
		return b
	}
	for _, t := range r.Targets {
		if t == nil {
			continue
		}
		if t.Error != nil {
			b.errored[t.Name()] = true
			continue
		}
		b.findings[t.Name()] = worstByKey(t, b.findings[t.Name()])
	}
	return b
}

// worstByKey adds t's findings to m (made when nil), keeping the worse
// severity when a key repeats.
func worstByKey(t *result.Target, m map[key]finding.Severity) map[key]finding.Severity {
	if m == nil {
		m = make(map[key]finding.Severity, len(t.Findings))
	}
	for _, f := range t.Findings {
		// A finding of a site that is down says nothing about the
		// application's headers: unknown, not a change (docs/contract.md, "Scan").
		if f.Reason == "site-down" {
			continue
		}
		k := key{f.ID, f.Subject}
		if s, ok := m[k]; !ok || f.Severity > s {
			m[k] = f.Severity
		}
	}
	return m
}

// Target lists the changes of one finished target against the baseline,
// never nil, in order of id and subject: Was is empty for a finding that
// appeared, Now for one that disappeared. A target that errored, now or in
// the baseline, has none (see the package comment).
func (b *Baseline) Target(t *result.Target) []result.Change {
	out := []result.Change{}
	if t == nil || t.Error != nil || b.errored[t.Name()] {
		return out
	}
	old := b.findings[t.Name()]
	now := worstByKey(t, nil)
	unknown := map[key]bool{}
	for _, f := range t.Findings {
		if f.Reason == "site-down" {
			unknown[key{f.ID, f.Subject}] = true
		}
	}
	for k, s := range now {
		if was, ok := old[k]; !ok {
			out = append(out, change(t.Name(), k, "", s.String()))
		} else if was != s {
			out = append(out, change(t.Name(), k, was.String(), s.String()))
		}
	}
	for k, s := range old {
		if _, ok := now[k]; !ok && !unknown[k] {
			out = append(out, change(t.Name(), k, s.String(), ""))
		}
	}
	Sort(out)
	return out
}

// Sort orders changes by URL, id and subject.
func Sort(cs []result.Change) {
	slices.SortFunc(cs, func(a, b result.Change) int {
		return cmp.Or(cmp.Compare(a.URL, b.URL), cmp.Compare(a.ID, b.ID), cmp.Compare(a.Subject, b.Subject))
	})
}

// Diff lists every finding whose severity differs between old and now, in
// order of URL, id and subject (see Baseline.Target). Targets that errored
// in either report, and targets now did not scan, are left out (see the
// package comment). When a report has two findings with the same key, the
// worse one counts.
func Diff(old, now *result.Report) []result.Change {
	b := New(old)
	var out []result.Change
	seen := map[string]bool{}
	for _, t := range now.Targets {
		if t == nil || seen[t.Name()] {
			continue
		}
		seen[t.Name()] = true
		out = append(out, b.Target(mergedTarget(now, t.Name()))...)
	}
	Sort(out)
	return out
}

// mergedTarget is the target for url in r; when r lists url more than
// once, one target with all their findings, errored if any errored.
func mergedTarget(r *result.Report, url string) *result.Target {
	var m *result.Target
	for _, t := range r.Targets {
		if t == nil || t.Name() != url {
			continue
		}
		if m == nil {
			c := *t
			c.Findings = append([]finding.Finding(nil), t.Findings...)
			m = &c
			continue
		}
		if t.Error != nil {
			m.Error = t.Error
		}
		m.Findings = append(m.Findings, t.Findings...)
	}
	return m
}

func change(url string, k key, was, now string) result.Change {
	return result.Change{URL: url, ID: k.id, Subject: k.subject, Was: was, Now: now}
}

// Accept returns the report to write as the new baseline when the admin
// accepts now: now itself, except that a target now could not scan keeps
// what the old baseline knew of it, so that an outage on the day of
// accepting does not erase its accepted state.
func Accept(old, now *result.Report) *result.Report {
	c := *now
	c.Targets = make([]*result.Target, 0, len(now.Targets))
	prev := map[string]*result.Target{}
	if old != nil {
		for _, t := range old.Targets {
			if t != nil && t.Error == nil {
				if _, ok := prev[t.Name()]; !ok {
					prev[t.Name()] = t
				}
			}
		}
	}
	for _, t := range now.Targets {
		if t != nil && t.Error != nil && prev[t.Name()] != nil {
			t = prev[t.Name()]
		}
		c.Targets = append(c.Targets, t)
	}
	c.Finish()
	// The accepted state has nothing to change against.
	c.Changes = nil
	return &c
}
