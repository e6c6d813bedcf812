package report

import (
	"bytes"
	"fmt"
	"io"
	"sync"

	"github.com/hardscan/hardscan/scan/result"
)

// Stream receives each target as soon as it is scanned, then the finished
// report. ndjson writes each target as it arrives; json writes each one as
// it arrives too, after the head Start wrote, so the caller hands json its
// targets in input order; the other formats need the whole report
// (sorting, summaries, changes) and write it in Close.
type Stream interface {
	// Target takes one finished target; it is safe for concurrent use.
	Target(t *result.Target) error
	// Close takes the finished report (summaries and changes filled in).
	Close(r *result.Report) error
}

// NewStream returns a Stream that writes format to w.
func NewStream(w io.Writer, format string, opt Options) (Stream, error) {
	if _, err := lookup(format); err != nil {
		return nil, err
	}
	switch format {
	case "ndjson":
		return &lineStream{w: w}, nil
	case "json":
		return &jsonStream{w: w}, nil
	}
	return &wholeStream{w: w, format: format, opt: opt}, nil
}

// lineStream writes one NDJSON line per target. Close writes nothing: the
// summary and the changes have no line of their own, so that every line of
// the stream is a target object.
type lineStream struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *lineStream) Target(t *result.Target) error {
	if t == nil {
		return nil
	}
	var buf bytes.Buffer
	if err := encodeTarget(&buf, t); err != nil {
		return fmt.Errorf("write ndjson line: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write ndjson line: %w", err)
	}
	return nil
}

func (s *lineStream) Close(*result.Report) error { return nil }

// wholeStream ignores targets and writes the finished report in Close.
type wholeStream struct {
	w      io.Writer
	format string
	opt    Options
}

func (s *wholeStream) Target(*result.Target) error { return nil }

func (s *wholeStream) Close(r *result.Report) error { return Write(s.w, s.format, r, s.opt) }

// Starter is a Stream that writes a head before the first target: Start
// takes the report's fields known at the start (schema, tool, start time).
type Starter interface {
	Start(r *result.Report) error
}

// Streams reports whether format writes targets as they arrive, keeping
// none of them.
func Streams(format string) bool { return format == "ndjson" || format == "json" }

// jsonStream writes the JSON report a target at a time: the head in
// Start, each target in Target, the duration, summary and changes in
// Close. It holds no target after writing it.
type jsonStream struct {
	mu      sync.Mutex
	w       io.Writer
	started bool
	n       int
	err     error
}

func (s *jsonStream) Start(r *result.Report) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.start(r)
}

func (s *jsonStream) start(r *result.Report) error {
	if s.started {
		return s.err
	}
	s.started = true
	var buf bytes.Buffer
	if err := jsonHead(&buf, r); err != nil {
		s.err = err
		return err
	}
	return s.write(buf.Bytes())
}

func (s *jsonStream) write(b []byte) error {
	if s.err != nil {
		return s.err
	}
	if _, err := s.w.Write(b); err != nil {
		s.err = fmt.Errorf("write json report: %w", err)
	}
	return s.err
}

func (s *jsonStream) Target(t *result.Target) error {
	if t == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.start(&result.Report{}); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := jsonItem(&buf, t, s.n); err != nil {
		return fmt.Errorf("write json report: %w", err)
	}
	s.n++
	return s.write(buf.Bytes())
}

func (s *jsonStream) Close(r *result.Report) error {
	if r == nil {
		r = &result.Report{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.start(r); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := jsonTail(&buf, r, s.n); err != nil {
		return fmt.Errorf("write json report: %w", err)
	}
	return s.write(buf.Bytes())
}
