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
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/hardscan/hardscan/internal/finding"
	"github.com/hardscan/hardscan/internal/result"
)

// Load reads an earlier report written with --format json. It accepts
// only this tool's schema version, and names the file in every error.
func Load(path string) (*result.Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	r, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	return r, nil
}

func parse(data []byte) (*result.Report, error) {
	// The version is read first, so that a report of another version is
	// named as such rather than as a field of the wrong type.
	var head struct {
		SchemaVersion *int `json:"schema_version"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&head); err != nil {
		return nil, fmt.Errorf("not a JSON report (write one with --format json): %w", position(data, err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the report (an ndjson file? write one with --format json)")
	}
	switch {
	case head.SchemaVersion == nil:
		return nil, errors.New("no schema_version: not a hardscan JSON report")
	case *head.SchemaVersion != result.SchemaVersion:
		return nil, fmt.Errorf("schema_version %d, but this hardscan reads version %d", *head.SchemaVersion, result.SchemaVersion)
	}

	var r result.Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, position(data, err)
	}
	for i, t := range r.Targets {
		if t == nil {
			return nil, fmt.Errorf("targets[%d] is null", i)
		}
	}
	return &r, nil
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
		// application's headers: unknown, not a change (SPEC).
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
