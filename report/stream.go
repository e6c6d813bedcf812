package report

import (
	"bytes"
	"fmt"
	"io"
	"sync"

	"github.com/hardscan/hardscan/scan/result"
)

// lineStream writes one NDJSON line per target. Close writes nothing: the
// summary and the changes have no line of their own, so that every line of
// the stream is a target object.
type lineStream struct {
	mu sync.Mutex
	w  io.Writer
}

// lineBuffers keep the buffers lines are encoded in: a line is a dozen KB,
// and growing a new buffer to that for every target of a survey costs more
// than encoding it.
var lineBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putLineBuffer(b *bytes.Buffer) {
	if b.Cap() > 1<<20 {
		return // a target with huge headers: let it go
	}
	b.Reset()
	lineBuffers.Put(b)
}

func (s *lineStream) Target(t *result.Target) error {
	if t == nil {
		return nil
	}
	buf := lineBuffers.Get().(*bytes.Buffer)
	defer putLineBuffer(buf)
	if err := encodeTarget(buf, t); err != nil {
		return fmt.Errorf("write ndjson line: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write ndjson line: %w", err)
	}
	return nil
}

func (s *lineStream) Start(*result.Report) error { return nil }
func (s *lineStream) Close(*result.Report) error { return nil }

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
