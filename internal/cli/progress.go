package cli

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/hardscan/hardscan/internal/localfile"
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
	lr := newListReader(f)
	n := 0
	for {
		_, ok, err := lr.next()
		if err != nil || !ok {
			return n
		}
		n++
	}
}
