package cli

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/hardscan/hardscan/internal/localfile"
	"github.com/hardscan/hardscan/internal/probe"
	"github.com/hardscan/hardscan/scan"
)

// progress draws one status line on stderr while many targets are scanned:
// done/total, rate, errors and time left. It is only ever drawn on a
// terminal, so it never lands in redirected output or in a report.
type progress struct {
	w     io.Writer
	total int // 0 when unknown (a list read lazily)
	start time.Time

	mu     sync.Mutex
	done   int
	errors int
	stop   chan struct{}
	ended  sync.WaitGroup
}

func startProgress(w io.Writer, total int) *progress {
	p := &progress{w: w, total: total, start: time.Now(), stop: make(chan struct{})}
	p.ended.Add(1)
	go func() {
		defer p.ended.Done()
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				p.draw()
			case <-p.stop:
				// Clear the line so the report or the shell prompt starts clean.
				fmt.Fprint(p.w, "\r\x1b[K")
				return
			}
		}
	}()
	return p
}

// add counts one finished target.
func (p *progress) add(failed bool) {
	p.mu.Lock()
	p.done++
	if failed {
		p.errors++
	}
	p.mu.Unlock()
}

func (p *progress) draw() {
	p.mu.Lock()
	line := progressLine(p.done, p.total, p.errors, time.Since(p.start))
	p.mu.Unlock()
	fmt.Fprint(p.w, "\r\x1b[K"+line)
}

// end stops drawing and clears the line.
func (p *progress) end() {
	close(p.stop)
	p.ended.Wait()
}

// progressLine formats the status: "120/2000 targets · 35.2/s · 3 errors · 53s left".
func progressLine(done, total, errors int, elapsed time.Duration) string {
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(done) / s
	}
	line := fmt.Sprintf("%d targets", done)
	if total > 0 {
		line = fmt.Sprintf("%d/%d targets", done, total)
	}
	line += fmt.Sprintf(" · %.1f/s · %d %s", rate, errors, plural(errors, "error", "errors"))
	if total > 0 && rate > 0 && done < total {
		left := time.Duration(float64(total-done) / rate * float64(time.Second)).Round(time.Second)
		line += fmt.Sprintf(" · %s left", left)
	}
	return line
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// listTotal counts the targets of a -i list that is a regular file, so that
// the progress line can say done/total and the time left. The scan still
// reads the list lazily; this is one more quick pass over the file. It is 0
// when the count is unknown: standard input, a pipe, an unreadable file.
// Duplicates are counted, so the time left errs long.
func listTotal(path string) int {
	if path == "" || path == "-" {
		return 0
	}
	f, err := localfile.Open(path) // never blocks, regular files only
	if err != nil {
		return 0
	}
	defer f.Close()
	return scan.NewList(f, path).Count()
}

// waitAfter is how long a request waits before the wait line names it.
var waitAfter = 2 * time.Second

// waiter draws one line on stderr, a terminal, while a request has waited
// longer than waitAfter for the server: "waiting for host: TLS
// handshake…", so that a target that accepts a connection and never
// answers does not look like a hung hardscan. The line is cleared as soon
// as nothing waits that long, and at the end.
type waiter struct {
	w io.Writer

	mu    sync.Mutex
	reqs  map[uint64]waiting
	shown string
	stop  chan struct{}
	ended sync.WaitGroup
}

type waiting struct {
	host  string
	phase probe.Phase
	since time.Time
}

func startWaiter(w io.Writer) *waiter {
	wt := &waiter{w: w, reqs: map[uint64]waiting{}, stop: make(chan struct{})}
	wt.ended.Add(1)
	go func() {
		defer wt.ended.Done()
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				wt.draw(time.Now())
			case <-wt.stop:
				wt.clear()
				return
			}
		}
	}()
	return wt
}

// watch is the probe.Watch that feeds the line.
func (wt *waiter) watch(req uint64, host string, p probe.Phase) {
	wt.mu.Lock()
	defer wt.mu.Unlock()
	if p == "" {
		delete(wt.reqs, req)
		return
	}
	wt.reqs[req] = waiting{host: host, phase: p, since: time.Now()}
}

// waitLine names a request that has waited longer than waitAfter: of
// those, the one furthest along (a request parked on another's handshake
// still says connect), else the one waiting longest.
func waitLine(reqs map[uint64]waiting, now time.Time) string {
	var pick *waiting
	for _, r := range reqs {
		if now.Sub(r.since) < waitAfter {
			continue
		}
		if pick == nil || phaseRank[r.phase] > phaseRank[pick.phase] ||
			(phaseRank[r.phase] == phaseRank[pick.phase] && r.since.Before(pick.since)) {
			r := r
			pick = &r
		}
	}
	if pick == nil {
		return ""
	}
	return fmt.Sprintf("waiting for %s: %s… (%s)", oneLine(pick.host), pick.phase, now.Sub(pick.since).Truncate(time.Second))
}

var phaseRank = map[probe.Phase]int{probe.PhaseConnect: 0, probe.PhaseTLS: 1, probe.PhaseHeaders: 2, probe.PhaseBody: 3}

func (wt *waiter) draw(now time.Time) {
	wt.mu.Lock()
	defer wt.mu.Unlock()
	line := waitLine(wt.reqs, now)
	if line != wt.shown {
		fmt.Fprint(wt.w, "\r\x1b[K"+line)
		wt.shown = line
	}
}

// clear removes the line, before anything else is written to the terminal.
func (wt *waiter) clear() {
	wt.mu.Lock()
	defer wt.mu.Unlock()
	if wt.shown != "" {
		fmt.Fprint(wt.w, "\r\x1b[K")
		wt.shown = ""
	}
}

// end stops drawing and clears the line.
func (wt *waiter) end() {
	close(wt.stop)
	wt.ended.Wait()
}
