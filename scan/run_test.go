package scan_test

import (
	"context"
	"errors"
	"io"
	"iter"
	"log"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hardscan/hardscan/scan"
	"github.com/hardscan/hardscan/scan/result"
)

// slowSite is a loopback HTTPS instance whose answers take delay, reached
// as slow.test without DNS; its plain-HTTP port is closed.
func slowSite(t *testing.T, delay time.Duration) *scan.Scanner {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
		}
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	closed := httptest.NewServer(http.NotFoundHandler())
	addr := closed.Listener.Addr().String()
	closed.Close()
	opt := scan.DefaultOptions()
	opt.Profile, opt.BackendPort, opt.Insecure = "modern", 0, true
	opt.Timeout = 5 * time.Second
	opt.Resolve = []string{"slow.test:443:" + srv.Listener.Addr().String(), "slow.test:80:" + addr}
	s, err := scan.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// inputs yields the slow site, then n audited targets that need no scan,
// counting how many it has yielded.
func inputs(t *testing.T, n int, yielded *atomic.Int64) iter.Seq[scan.Input] {
	return func(yield func(scan.Input) bool) {
		slow, err := scan.ParseTarget("slow.test")
		if err != nil {
			t.Error(err)
			return
		}
		yielded.Add(1)
		if !yield(scan.Input{URL: slow, Raw: "slow.test"}) {
			return
		}
		for range n {
			yielded.Add(1)
			if !yield(scan.Input{Done: result.NewLocal(result.KindUnit, "x.service")}) {
				return
			}
		}
	}
}

// In input order, every target waits for the slow first one, and the
// window holds back the input rather than growing: no more than
// 2*Concurrency+64 inputs are read while the first is unfinished.
// Without it, the ready targets come first.
func TestRunInOrderBoundsTheWindow(t *testing.T) {
	s := slowSite(t, 500*time.Millisecond)
	const n, workers = 300, 2
	for _, inOrder := range []bool{true, false} {
		var yielded, maxRead atomic.Int64
		var order []int
		sink := scan.SinkFunc(func(tg *result.Target) error {
			if tg.Index == 0 {
				maxRead.Store(yielded.Load())
			}
			order = append(order, tg.Index)
			return nil
		})
		st, err := s.Run(context.Background(), inputs(t, n, &yielded), sink, scan.RunOptions{Concurrency: workers, InOrder: inOrder})
		if err != nil {
			t.Fatal(err)
		}
		if st.Summary.Targets != n+1 || len(order) != n+1 {
			t.Fatalf("in order %v: %d targets counted, %d handed on, want %d", inOrder, st.Summary.Targets, len(order), n+1)
		}
		if inOrder {
			for i, idx := range order {
				if idx != i {
					t.Fatalf("in order: target %d handed on as %d: %v", idx, i, order[:i+1])
				}
			}
			if read := maxRead.Load(); read > 2*workers+64+1 {
				t.Errorf("in order: %d inputs read before the first target finished, want at most the window %d", read, 2*workers+64+1)
			}
		} else if order[0] == 0 {
			t.Errorf("as they finish: the slow target came first")
		}
	}
}

// A sink's error ends the run at once: Run returns it, and the rest of
// the input is not read.
func TestRunStopsAtSinkError(t *testing.T) {
	s := slowSite(t, 0)
	full := errors.New("no space left on device")
	var yielded atomic.Int64
	calls := 0
	_, err := s.Run(context.Background(), inputs(t, 100000, &yielded), scan.SinkFunc(func(*result.Target) error {
		calls++
		return full
	}), scan.RunOptions{Concurrency: 4})
	if !errors.Is(err, full) || calls != 1 {
		t.Errorf("err %v after %d calls, want the sink's error after 1", err, calls)
	}
	if n := yielded.Load(); n > 1000 {
		t.Errorf("%d inputs read after the sink failed", n)
	}
}

// When ctx ends, Run returns its error promptly even while the input
// blocks (a pipe that never closes), with the status of what was handed on.
func TestRunEndsWithContext(t *testing.T) {
	s := slowSite(t, 0)
	block := make(chan struct{})
	defer close(block)
	targets := func(yield func(scan.Input) bool) {
		if !yield(scan.Input{Done: result.NewLocal(result.KindUnit, "a.service")}) {
			return
		}
		<-block
	}
	ctx, cancel := context.WithCancel(context.Background())
	handed := make(chan struct{})
	go func() { <-handed; cancel() }()
	start := time.Now()
	st, err := s.Run(ctx, targets, scan.SinkFunc(func(*result.Target) error { close(handed); return nil }), scan.RunOptions{Concurrency: 2})
	if !errors.Is(err, context.Canceled) || st.Summary.Targets != 1 {
		t.Errorf("err %v with %d targets, want context.Canceled with 1", err, st.Summary.Targets)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Run took %s to return after ctx ended", d)
	}
}
