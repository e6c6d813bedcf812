package report

import (
	"bytes"
	"fmt"
	"io"
	"sync"

	"github.com/hardscan/hardscan/internal/result"
)

// Stream receives each target as soon as it is scanned, then the finished
// report. Only ndjson writes as targets arrive; the other formats need the
// whole report (sorting, summaries, changes) and write it in Close.
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
	if format == "ndjson" {
		return &lineStream{w: w}, nil
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
