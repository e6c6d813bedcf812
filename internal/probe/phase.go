package probe

import (
	"context"
	"errors"
	"fmt"
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
}

type stepKey struct{}

// withStep returns ctx carrying a step for a request to host, at connect;
// end it when the request is over.
func withStep(ctx context.Context, host string) (context.Context, *step) {
	s := &step{id: lastReq.Add(1), host: host}
	s.watch, _ = ctx.Value(watchKey{}).(Watch)
	ctx = context.WithValue(ctx, stepKey{}, s)
	s.set(PhaseConnect)
	return ctx, s
}

// enter records that the request made with ctx (if any) is at p now.
func enter(ctx context.Context, p Phase) {
	if s, ok := ctx.Value(stepKey{}).(*step); ok {
		s.set(p)
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
	if s.watch != nil {
		s.watch(s.id, s.host, "")
	}
}

func (s *step) get() Phase {
	if s == nil {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.phase
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
	}
	return fmt.Sprintf("no complete response within %s", e.Timeout)
}

func (e *TimeoutError) Unwrap() error { return e.Err }

// describe turns transport errors into what a user can act on: a timeout
// says which step the server did not answer.
func describe(ctx context.Context, err error, timeout time.Duration) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || isTimeout(err) {
		s, _ := ctx.Value(stepKey{}).(*step)
		return &TimeoutError{Phase: s.get(), Timeout: timeout, Err: err}
	}
	return err
}
