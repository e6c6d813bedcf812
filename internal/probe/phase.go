package probe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Phase is the step of a request that waits for the server: what a slow
// target has not answered yet, and what a timeout names.
type Phase string

const (
	PhaseConnect Phase = "connect"
	PhaseTLS     Phase = "TLS handshake"
	PhaseHeaders Phase = "response headers"
	PhaseBody    Phase = "body"

	// phaseQueued is a request that waited for a connection while the
	// host's connections were busy with answers that did not finish.
	phaseQueued Phase = "a free connection"
)

// Watch is told each step a request starts, with the host and port it
// waits for, and p "" when the request is over; req tells concurrent
// requests apart.
type Watch func(req uint64, host string, p Phase)

var lastReq atomic.Uint64

type watchKey struct{}

// WithWatch returns ctx whose requests tell watch each step they start, so
// that a caller can show what a slow target is waiting for.
func WithWatch(ctx context.Context, watch Watch) context.Context {
	return context.WithValue(ctx, watchKey{}, watch)
}

// step is one request's current phase.
type step struct {
	id    uint64
	host  string
	watch Watch

	mu    sync.Mutex
	phase Phase
	done  bool
	other *step // the request whose connection this one waits for
}

type stepKey struct{}

// steps are the requests of one target, so that a request that waited
// for a connection another request was making (the transport queues it
// behind that dial) names the step that one is stuck at.
type steps struct {
	mu  sync.Mutex
	all []*step
}

type stepsKey struct{}

// withSteps returns ctx in which every request joins one set of steps.
func withSteps(ctx context.Context) context.Context {
	return context.WithValue(ctx, stepsKey{}, &steps{})
}

// furthest is the step furthest along of the unfinished requests to host.
func (ss *steps) furthest(host string) Phase {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	best := Phase("")
	for _, s := range ss.all {
		s.mu.Lock()
		p, done := s.phase, s.done
		s.mu.Unlock()
		if s.host == host && !done && (best == "" || phaseOrder[p] > phaseOrder[best]) {
			best = p
		}
	}
	return best
}

var phaseOrder = map[Phase]int{PhaseConnect: 1, PhaseTLS: 2, PhaseHeaders: 3, PhaseBody: 4}

// withStep returns ctx carrying a step for a request to host, at connect;
// end it when the request is over.
func withStep(ctx context.Context, host string) (context.Context, *step) {
	s := &step{id: lastReq.Add(1), host: host}
	s.watch, _ = ctx.Value(watchKey{}).(Watch)
	if ss, ok := ctx.Value(stepsKey{}).(*steps); ok {
		ss.mu.Lock()
		ss.all = append(ss.all, s)
		ss.mu.Unlock()
	}
	ctx = context.WithValue(ctx, stepKey{}, s)
	s.set(PhaseConnect)
	return ctx, s
}

// enter records that the request made with ctx (if any) is at p now.
func enter(ctx context.Context, p Phase) {
	if s := stepOf(ctx); s != nil {
		s.set(p)
	}
}

func stepOf(ctx context.Context) *step {
	s, _ := ctx.Value(stepKey{}).(*step)
	return s
}

// waitOn records that the request made with ctx waits for the connection
// the request of other is making: until it has one, its step is other's.
func waitOn(ctx context.Context, other *step) {
	if s := stepOf(ctx); s != nil && other != nil && s != other {
		s.mu.Lock()
		s.other = other
		s.mu.Unlock()
	}
}

func (s *step) set(p Phase) {
	s.mu.Lock()
	s.phase = p
	s.mu.Unlock()
	if s.watch != nil {
		s.watch(s.id, s.host, p)
	}
}

// end tells the watch the request is over.
func (s *step) end() {
	s.mu.Lock()
	s.done = true
	s.mu.Unlock()
	if s.watch != nil {
		s.watch(s.id, s.host, "")
	}
}

func (s *step) get() Phase {
	if s == nil {
		return ""
	}
	var phase Phase
	for range 4 { // a few hops: waits never chain far, and must not loop
		s.mu.Lock()
		p, other := s.phase, s.other
		s.mu.Unlock()
		if phase == "" {
			phase = p
		}
		if p != PhaseConnect || other == nil {
			return p
		}
		s = other
	}
	return phase
}

// TimeoutError is a request that ran out of time: it names the step the
// server did not answer, not the context's "deadline exceeded".
type TimeoutError struct {
	Phase   Phase
	Timeout time.Duration
	Err     error // what the transport returned
}

func (e *TimeoutError) Error() string {
	switch e.Phase {
	case PhaseConnect:
		return fmt.Sprintf("no answer to the connection within %s (connect timed out)", e.Timeout)
	case PhaseTLS:
		return fmt.Sprintf("the TLS handshake did not finish within %s: the server accepted the connection but did not complete the handshake", e.Timeout)
	case PhaseHeaders:
		return fmt.Sprintf("the response headers did not arrive within %s: the server took the request but did not answer it in time", e.Timeout)
	case PhaseBody:
		return fmt.Sprintf("the body did not finish within %s", e.Timeout)
	case phaseQueued:
		return fmt.Sprintf("no connection to the host was free within %s: the server had not finished answering the requests before it", e.Timeout)
	}
	return fmt.Sprintf("no complete response within %s", e.Timeout)
}

func (e *TimeoutError) Unwrap() error { return e.Err }

// describe turns transport errors into what a user can act on: a timeout
// says which step the server did not answer.
func describe(ctx context.Context, err error, timeout time.Duration) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || isTimeout(err) {
		s := stepOf(ctx)
		p := s.get()
		var op *net.OpError
		if ss, ok := ctx.Value(stepsKey{}).(*steps); ok && s != nil && p == PhaseConnect && !(errors.As(err, &op) && op.Op == "dial") {
			// Not its own connect that timed out: it was queued behind
			// another request's connection to the host.
			switch f := ss.furthest(s.host); f {
			case PhaseTLS:
				p = f
			case PhaseHeaders, PhaseBody:
				p = phaseQueued
			}
		}
		return &TimeoutError{Phase: p, Timeout: timeout, Err: err}
	}
	return err
}
