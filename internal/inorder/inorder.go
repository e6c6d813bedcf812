// Package inorder hands on results that finish in any order in the order
// they were started, holding at most a window of them: a producer takes a
// slot before it starts item i, and the slot is freed when item i has been
// handed on. A slow item holds back at most the window's worth of finished
// ones behind it, never the whole run.
package inorder

import (
	"context"
	"sync"
)

// Ring reorders items numbered 0, 1, 2 ... by their number.
type Ring[T any] struct {
	slots chan struct{}

	mu      sync.Mutex
	next    int
	pending map[int]T
	err     error
}

// New returns a ring that lets at most size items be started and not yet
// handed on.
func New[T any](size int) *Ring[T] {
	return &Ring[T]{slots: make(chan struct{}, max(size, 1)), pending: map[int]T{}}
}

// Acquire takes a slot for the next item to start, waiting while the
// window is full; it returns ctx's error if ctx ends first.
func (r *Ring[T]) Acquire(ctx context.Context) error {
	select {
	case r.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Put takes finished item i and calls emit for it and every item after it
// that is ready, in order. The first error emit returns is returned by this
// and every later Put, and nothing more is emitted. Put is safe for
// concurrent use; emit is called by one goroutine at a time.
func (r *Ring[T]) Put(i int, v T, emit func(T) error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	r.pending[i] = v
	for {
		v, ok := r.pending[r.next]
		if !ok {
			return nil
		}
		delete(r.pending, r.next)
		r.next++
		err := emit(v)
		<-r.slots // only now handed on: a producer may start the next
		if err != nil {
			r.err = err
			return err
		}
	}
}

// Waiting is how many finished items wait for an earlier one.
func (r *Ring[T]) Waiting() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.pending)
}
