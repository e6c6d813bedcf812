package scan

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"iter"
	"net/url"
	"sync"
	"time"

	"github.com/hardscan/hardscan/internal/inorder"
	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/gate"
	"github.com/hardscan/hardscan/scan/result"
)

// Input is one target of a run, as a list gives it: a URL to scan, the
// error that makes a line unusable (reported as a target that could not
// be scanned, and the run goes on), or a target judged already (an audited
// local file), handed on as it is.
type Input struct {
	URL *url.URL
	// Raw is what was written: the report's URL for an Err.
	Raw string
	// Line is its line in a list (-i FILE), 0 when it came from none.
	Line int
	// Err makes the input a target that could not be scanned.
	Err error
	// Done is a target judged already, handed on as it is.
	Done *result.Target
}

// URLs are the inputs of targets written as on the command line
// (ParseTarget): one that does not parse is an Input carrying its error.
func URLs(raws ...string) iter.Seq[Input] {
	return func(yield func(Input) bool) {
		for _, raw := range raws {
			u, err := ParseTarget(raw)
			if !yield(Input{URL: u, Raw: raw, Err: err}) {
				return
			}
		}
	}
}

// A Sink takes a run's finished targets, one call at a time. An error
// ends the run: no target is scanned or handed on after it.
type Sink interface {
	Target(t *result.Target) error
}

// SinkFunc is a function as a Sink.
type SinkFunc func(t *result.Target) error

// Target calls f(t).
func (f SinkFunc) Target(t *result.Target) error { return f(t) }

// RunOptions tune Run; the zero value scans one target at a time, hands
// targets on as they finish and counts under --fail-on fail.
type RunOptions struct {
	// Concurrency bounds the targets scanned at once (below 1: one).
	Concurrency int
	// InOrder hands targets on in input order: a finished target waits
	// for the slower ones before it in a window of 2*Concurrency+64
	// targets, and a full window holds back new scans rather than grow,
	// so memory stays bounded whatever the input's length.
	InOrder bool
	// Gate is --fail-on, for the Status Run returns.
	Gate gate.Gate
	// Timeout bounds each target: its HTTPS chain and the requests that
	// depend on it. 0 is twice Options.Timeout and a second, as the
	// command bounds it. A target that reaches it is handed on as one
	// that could not be scanned; ctx's end, instead, ends the run.
	Timeout time.Duration
}

// Run scans every target targets yields, Concurrency at a time, each
// bounded by opt.Timeout, and hands each finished
// target to sink with its Index (its place among the inputs), Line and
// Summary filled. A URL given twice is scanned and handed on once. Run
// reads targets as it scans, so a list of a million hosts is never held
// in memory, and keeps no target after sink returns.
//
// It returns the run's Status (its summary and what reached the gate),
// counted over the targets handed on, and the error that ended it early:
// sink's, or ctx's when ctx ends, in which case it returns without
// waiting for targets to finish reading (a pipe that never closes).
func (s *Scanner) Run(ctx context.Context, targets iter.Seq[Input], sink Sink, opt RunOptions) (gate.Status, error) {
	workers := max(opt.Concurrency, 1)
	var order *inorder.Ring[*result.Target]
	if opt.InOrder {
		order = inorder.New[*result.Target](2*workers + 64)
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 2*s.timeout + time.Second
	}
	tally := gate.NewTally(opt.Gate)
	var sinkErr error
	// hand is called with mu held: the sink sees one target at a time.
	hand := func(t *result.Target) error {
		t.Summary = finding.Tally(t.Findings)
		tally.Target(t)
		return sink.Target(t)
	}

	// A failed sink (a full disk) stops the scan at once: rctx ends.
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan job)
	go produce(rctx, targets, order, jobs)

	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				// produce may be blocked reading a pipe: a worker
				// leaves when the run ends, not when jobs closes.
				var j job
				var ok bool
				select {
				case j, ok = <-jobs:
				case <-rctx.Done():
				}
				if !ok {
					return
				}
				t := s.scanJob(rctx, j, opt.Timeout)
				t.Index = j.index
				mu.Lock()
				if sinkErr == nil && rctx.Err() == nil {
					if order != nil {
						sinkErr = order.Put(j.index, t, hand)
					} else {
						sinkErr = hand(t)
					}
					if sinkErr != nil {
						cancel()
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	st := tally.Status()
	if ctx.Err() != nil {
		return st, ctx.Err()
	}
	return st, sinkErr
}

// job is one input to scan, numbered in input order.
type job struct {
	Input
	index int
}

// scanJob scans one job within timeout.
func (s *Scanner) scanJob(ctx context.Context, j job, timeout time.Duration) *result.Target {
	switch {
	case j.Done != nil:
		return j.Done
	case j.Err != nil || j.URL == nil:
		msg := "no URL"
		if j.Err != nil {
			msg = j.Err.Error()
		}
		if j.Line > 0 {
			msg = fmt.Sprintf("line %d: %s", j.Line, msg)
		}
		t := result.NewSite(j.Raw)
		t.Error, t.Line = &msg, j.Line
		return t
	}
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	t := s.Scan(tctx, j.URL)
	t.Line = j.Line
	return t
}

// produce numbers every input, skipping a URL already seen, and sends it
// on jobs, then closes jobs. With order it takes the window's slot first.
func produce(ctx context.Context, targets iter.Seq[Input], order *inorder.Ring[*result.Target], jobs chan<- job) {
	defer close(jobs)
	seen := seenSet{}
	index := 0
	for in := range targets {
		if in.Done == nil && in.Err == nil && in.URL != nil && !seen.add(in.URL) {
			continue
		}
		if order != nil && order.Acquire(ctx) != nil {
			return
		}
		select {
		case jobs <- job{Input: in, index: index}:
			index++
		case <-ctx.Done():
			return
		}
	}
}

// seenSet remembers targets by a 64-bit hash, so that a list of a million
// URLs is deduplicated without keeping its strings.
type seenSet map[uint64]struct{}

func (s seenSet) add(u *url.URL) bool {
	h := fnv.New64a()
	_, _ = io.WriteString(h, u.String())
	k := h.Sum64()
	if _, ok := s[k]; ok {
		return false
	}
	s[k] = struct{}{}
	return true
}
