package inorder

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

func TestRingOrdersAndBounds(t *testing.T) {
	const n, window = 500, 8
	r := New[int](window)
	var got []int
	emit := func(v int) error { got = append(got, v); return nil }
	jobs := make(chan int)
	var wg sync.WaitGroup
	maxWaiting := 0
	var mu sync.Mutex
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				time.Sleep(time.Duration(rand.IntN(200)) * time.Microsecond)
				if err := r.Put(i, i, emit); err != nil {
					t.Error(err)
				}
				mu.Lock()
				maxWaiting = max(maxWaiting, r.Waiting())
				mu.Unlock()
			}
		}()
	}
	for i := range n {
		if err := r.Acquire(context.Background()); err != nil {
			t.Fatal(err)
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if len(got) != n {
		t.Fatalf("emitted %d of %d", len(got), n)
	}
	for i, v := range got {
		if v != i {
			t.Fatalf("item %d emitted at position %d", v, i)
		}
	}
	// why: the window bounds what waits behind a slow item.
	if maxWaiting >= window {
		t.Errorf("%d items waited, window %d", maxWaiting, window)
	}
}

func TestRingAcquireHonoursContext(t *testing.T) {
	r := New[int](1)
	r.Acquire(context.Background())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := r.Acquire(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestRingStopsAtFirstError(t *testing.T) {
	r := New[int](4)
	boom := errors.New("disk full")
	calls := 0
	emit := func(int) error { calls++; return boom }
	for range 3 {
		r.Acquire(context.Background())
	}
	r.Put(1, 1, emit)
	if err := r.Put(0, 0, emit); err != boom {
		t.Fatalf("err = %v", err)
	}
	if err := r.Put(2, 2, emit); err != boom || calls != 1 {
		t.Fatalf("after an error: err = %v, %d emits", err, calls)
	}
}

// An item holds its slot until emit has handed it on: while the window's
// only item is being emitted, no other can start.
func TestRingHoldsTheSlotDuringEmit(t *testing.T) {
	r := New[int](1)
	if err := r.Acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	err := r.Put(0, 0, func(int) error {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		if r.Acquire(ctx) == nil {
			t.Error("a slot was free while item 0 was being emitted")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := r.Acquire(ctx); err != nil {
		t.Errorf("no slot after item 0 was handed on: %v", err)
	}
}
