package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"sync"
	"time"

	"github.com/hardscan/hardscan/internal/audit/exsconfig"
	"github.com/hardscan/hardscan/internal/audit/unit"
	"github.com/hardscan/hardscan/internal/baseline"
	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/internal/inorder"
	"github.com/hardscan/hardscan/internal/localfile"
	"github.com/hardscan/hardscan/internal/probe"
	replica "github.com/hardscan/hardscan/internal/replica"
	"github.com/hardscan/hardscan/report"
	"github.com/hardscan/hardscan/scan"
	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/gate"
	"github.com/hardscan/hardscan/scan/result"
)

var (
	errInterrupted = errors.New("interrupted: no report written")
	// errInterruptedStdout is an interrupted run whose report was
	// streaming to stdout: what was written is closed as a complete
	// document marked incomplete.
	errInterruptedStdout = errors.New("interrupted: the report on standard output has only the targets scanned so far (json: marked incomplete)")
)

// interruptGrace is how long a signalled run may take to finish cleanly
// (remove its temporary file, close a streamed JSON report) before run
// returns regardless of a read, write or request that is still blocked.
const interruptGrace = 500 * time.Millisecond

// execute scans what c names and writes the report, and returns within
// interruptGrace of ctx's end (a signal) with exit 130, whatever is
// blocked: reading a never-closing stdin, writing to a stalled pipe.
func execute(ctx context.Context, c *config, stdin io.Reader, stdout, stderr io.Writer) int {
	done := make(chan int, 1)
	go func() { done <- executeRun(ctx, c, stdin, stdout, stderr) }()
	select {
	case code := <-done:
		return code
	case <-ctx.Done():
	}
	select {
	case code := <-done:
		return code
	case <-time.After(interruptGrace):
		fmt.Fprintf(stderr, "hardscan: %v\n", errInterrupted)
		return exitInterrupted
	}
}

// executeRun is execute's work. Everything the user could have got wrong
// was checked by validate, except the input list's contents, which are
// read lazily, and the output, which is created here before any scan.
func executeRun(ctx context.Context, c *config, stdin io.Reader, stdout, stderr io.Writer) int {
	var base *result.Report
	var accepted *baseline.Baseline
	if c.baseline != "" {
		b, err := loadBaseline(c, stderr)
		if err != nil {
			return fail(stderr, err)
		}
		base = b
		// The first --accept has nothing to compare with: every finding
		// would be listed as new, when all it does is write the state.
		if !c.accept || len(b.Targets) > 0 {
			accepted = baseline.New(b)
		}
	}
	src, closeSrc, err := openInput(ctx, c, stdin)
	if err != nil {
		if errors.Is(err, errInterrupted) {
			fmt.Fprintf(stderr, "hardscan: %v\n", err)
			return exitInterrupted
		}
		return fail(stderr, err)
	}
	defer closeSrc()
	var out *report.File
	if c.output != "" {
		if out, err = report.Create(c.output); err != nil {
			return fail(stderr, usagef("-o: %v", err))
		}
		defer out.Abort()
	}
	c.concurrency = capConcurrency(c, stderr)
	if c.demo {
		stop, err := startDemo(c)
		if err != nil {
			return fail(stderr, fmt.Errorf("demo: %w", err))
		}
		defer stop()
	}

	start := time.Now()
	rep := scan.NewReport(start)
	opt := report.Options{Color: c.color, Verbose: c.verbose, Width: c.width, Gate: c.gate}
	// ndjson and json stream: a streamed run keeps no target, just the
	// tally, so that a list of a million hosts does not grow in memory. A
	// baseline, the alert text (-q, or a regression with -o) and --accept
	// need the findings, so they keep them, without the headers and
	// cookies already written.
	streams := report.Streams(c.format)
	keep := !streams || base != nil || c.quiet
	sum := tally{gate: gate.NewTally(c.gate)}
	grade := "" // the last target's, for the -o line of one target
	var stream report.Stream
	write := func(w io.Writer) error {
		var err error
		stream, err = report.NewStream(w, c.format, opt)
		if err != nil {
			return err
		}
		if st, ok := stream.(report.Starter); ok {
			if err := st.Start(rep); err != nil {
				return err
			}
		}
		record := func(t *result.Target) error {
			t.Summary = finding.Tally(t.Findings)
			if accepted != nil {
				// Each target carries its own changes, for ndjson.
				t.Changes = accepted.Target(t)
				rep.Changes = append(rep.Changes, t.Changes...)
			}
			sum.add(t)
			grade = t.Grade
			if err := stream.Target(t); err != nil {
				return err
			}
			if keep {
				if streams {
					t.Headers, t.Cookies, t.Redirects = nil, nil, result.Redirects{}
				}
				rep.Targets = append(rep.Targets, t)
			}
			return nil
		}
		for _, t := range c.local {
			if err := record(t); err != nil {
				return err
			}
		}
		emit := record
		if c.progress && isTerminal(stderr) && (c.input != "" || len(c.urls) > 1) {
			total := len(c.urls)
			if c.input != "" {
				total = listTotal(c.input) // 0: a list on stdin has no known length
				if total > 0 {
					total += len(c.urls)
				}
			}
			bar := startProgress(stderr, total)
			defer bar.end()
			emit = func(t *result.Target) error {
				bar.add(t.Error != nil)
				return record(t)
			}
		}
		if c.progress && isTerminal(stderr) && c.input == "" && len(c.urls) == 1 {
			// One target: no progress bar, but a line when it is slow.
			wait := startWaiter(stderr)
			defer wait.end()
			c.watch = wait.watch
			inner := emit
			emit = func(t *result.Target) error {
				wait.clear()
				return inner(t)
			}
		}
		if c.format == "json" {
			// json writes targets in input order: a finished target waits
			// in a ring for the slower ones before it, and the ring's
			// window holds back new scans rather than growing.
			c.order = inorder.New[*result.Target](2*c.concurrency + 64)
			inOrder := emit
			emit = func(t *result.Target) error {
				if t.Index < 0 {
					return inOrder(t)
				}
				return c.order.Put(t.Index, t, inOrder)
			}
		}
		if err := scanAll(ctx, c, src, emit); err != nil {
			if errors.Is(err, errInterrupted) && out == nil && streams && !c.quiet {
				// Targets already reached stdout: end the document as a
				// complete report marked incomplete (SPEC, exit 130).
				rep.Incomplete = true
				rep.DurationMS = time.Since(start).Milliseconds()
				rep.Summary = sum.summary
				_ = stream.Close(rep)
				return errInterruptedStdout
			}
			return err
		}
		if keep {
			sortByInput(rep.Targets)
		}
		// From the precise start: StartedAt is shown to the second.
		rep.DurationMS = time.Since(start).Milliseconds()
		rep.Summary = sum.summary
		if accepted != nil {
			baseline.Sort(rep.Changes)
			if rep.Changes == nil {
				rep.Changes = []result.Change{}
			}
			sum.gate.Changes(rep.Changes)
		}
		return stream.Close(rep)
	}

	switch {
	case out != nil:
		if err = write(out); err == nil {
			err = out.Commit()
		}
	case c.quiet:
		// -q prints the alert text below instead of the report.
		err = write(io.Discard)
	case !streams:
		// Render whole, so that a failure never leaves half a report.
		var buf bytes.Buffer
		if err = write(&buf); err == nil {
			_, err = stdout.Write(buf.Bytes())
		}
	default:
		err = write(stdout)
	}
	if err != nil {
		if errors.Is(err, errInterrupted) || errors.Is(err, errInterruptedStdout) {
			fmt.Fprintf(stderr, "hardscan: %v\n", err)
			return exitInterrupted
		}
		return fail(stderr, &codedError{err: err, code: exitErrors})
	}
	if out != nil && !out.Special() && !c.quiet && isTerminal(stderr) {
		// The report went to a file: say where, and what it holds.
		fmt.Fprintln(stderr, wroteLine(c.output, sum.summary, grade))
	}
	st := sum.gate.Status()
	if c.accept {
		acc, err := writeAccepted(c, base, rep)
		if err != nil {
			return fail(stderr, &codedError{err: err, code: exitErrors})
		}
		if !c.quiet {
			fmt.Fprintln(stderr, acceptedLine(c.baseline, acc))
		}
		// Today's state is the accepted one now: nothing is worse than it.
		st.Reached = false
	}
	// What got worse is printed as text whenever stdout is free for it:
	// under -q, and with -o (SPEC "-q"; issue 11: a regression mails).
	if (c.quiet && st.Code() != exitOK) || (c.output != "" && st.Baseline && st.Reached) {
		if err := report.WriteAlert(stdout, rep, opt); err != nil {
			return fail(stderr, &codedError{err: err, code: exitErrors})
		}
	}
	return exitCode(c, st)
}

// startDemo serves the replica of a default Pleroma 2.7 on loopback and
// aims c at it: its host resolved to the replica's ports, its CA trusted.
func startDemo(c *config) (stop func(), err error) {
	site, err := replica.Scenario("pleroma-2.7-default")
	if err != nil {
		return nil, err
	}
	running, err := site.Start()
	if err != nil {
		return nil, err
	}
	c.urls = []string{"https://" + running.Host + "/"}
	c.scan.RootCAs = running.CA.Pool()
	for _, v := range running.Resolve(4000) {
		rule, err := probe.ParseResolve(v)
		if err != nil {
			running.Close()
			return nil, err
		}
		c.scan.Resolve = append(c.scan.Resolve, rule)
	}
	return running.Close, nil
}

// codedError carries an exit status with an error that is not a usage error.
type codedError struct {
	err  error
	code int
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }
func (e *codedError) ExitCode() int { return e.code }

// tally is what the summary and the exit status need of every target.
type tally struct {
	summary result.Summary
	gate    *gate.Tally
}

func (s *tally) add(t *result.Target) {
	s.summary.Add(t)
	s.gate.Target(t)
}

// exitCode is SPEC's table, from the one gate.Status of the run: errors
// win, then what reaches --fail-on (with a baseline: what regressed).
// -f nagios maps the same status to the Nagios plugin states.
func exitCode(c *config, st gate.Status) int {
	if c.format == "nagios" {
		return st.Nagios()
	}
	return st.Code()
}

// openInput opens -i, checking before any scan that it is readable and not
// empty; the rest of it is read as the scan goes. A file must be a regular
// file (opened without blocking); a pipe is read only as "-i -". Waiting
// for the first line of a pipe ends with ctx.
func openInput(ctx context.Context, c *config, stdin io.Reader) (*listReader, func(), error) {
	if c.input == "" {
		return nil, func() {}, nil
	}
	var r io.Reader = stdin
	closer := func() {}
	name := "standard input"
	if c.input != "-" {
		f, err := localfile.Open(c.input)
		if err != nil {
			ue := &usageError{msg: fmt.Sprintf("-i: %v", err)}
			var nr *localfile.NotRegularError
			if errors.As(err, &nr) && nr.What != "a directory" {
				// A FIFO or a device: a pipe is read from standard input.
				ue.hint = "to read a pipe, give it on standard input: -i -"
			}
			return nil, nil, ue
		}
		r, closer, name = f, func() { f.Close() }, c.input
	}
	lr := newListReader(r)
	peeked := make(chan error, 1)
	go func() { peeked <- lr.peek() }()
	select {
	case err := <-peeked:
		if err != nil {
			closer()
			return nil, nil, usagef("-i %s: %v", name, err)
		}
	case <-ctx.Done():
		return nil, nil, errInterrupted
	}
	return lr, closer, nil
}

// audit judges the local files: systemd units and Pleroma config files.
// It runs in validate, before any network traffic: a file that cannot be
// read, is beyond a cap or is not what its flag says is a usage error.
func audit(c *config) ([]*result.Target, error) {
	var out []*result.Target
	for _, path := range c.units {
		t := localTarget(result.KindUnit, path)
		u, err := unit.Load(path, unit.Options{DropInRoots: []string{"/etc/systemd/system"}})
		if err != nil {
			return nil, usagef("--unit: %v", err)
		}
		t.Findings = append(t.Findings, unit.Judge(u)...)
		out = append(out, t)
	}
	for _, path := range c.configs {
		t := localTarget(result.KindConfig, path)
		cfg, skipped, err := exsconfig.Load(path)
		if err != nil {
			return nil, usagef("--config: %v", err)
		}
		t.Findings = append(append(t.Findings, exsconfig.Judge(cfg)...), skipped...)
		out = append(out, t)
	}
	for _, t := range out {
		if c.profile != nil {
			c.profile.Apply(t.Findings, "")
		}
		// A config file is Pleroma's or Akkoma's; both read config :pleroma.
		check.Attach(t.Findings, check.Target{App: check.Pleroma})
	}
	return out, nil
}

// localTarget is an audited file's target; local audits come first in a report.
func localTarget(kind, path string) *result.Target {
	t := result.NewLocal(kind, path)
	t.Index = -1
	return t
}

// scanAll scans the command-line URLs, then the -i list, with
// c.concurrency workers. done is called as each target finishes, one call at
// a time; sortByInput restores input order afterwards.
func scanAll(ctx context.Context, c *config, list *listReader, done func(*result.Target) error) error {
	client := probe.NewClient(c.scan)
	scanner := &scan.Scanner{Client: client, Profile: c.profile, BackendPort: c.backendPort, Authorized: len(c.scan.Header) > 0}

	// A failed write (a full disk) stops the scan at once: sctx ends.
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan job)
	go produce(sctx, c, list, jobs)

	var (
		mu      sync.Mutex
		doneErr error
		wg      sync.WaitGroup
	)
	for range c.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				// produce may be blocked reading a pipe: a worker
				// leaves when the scan ends, not when jobs closes.
				var j job
				var ok bool
				select {
				case j, ok = <-jobs:
				case <-sctx.Done():
				}
				if !ok {
					return
				}
				t := scanOne(sctx, c, scanner, j)
				t.Index = j.index
				mu.Lock()
				if doneErr == nil && sctx.Err() == nil {
					if doneErr = done(t); doneErr != nil {
						cancel()
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return errInterrupted
	}
	return doneErr
}

// sortByInput puts targets back in input order: local audits first, then
// the command line, then the list.
func sortByInput(ts []*result.Target) {
	sort.SliceStable(ts, func(i, j int) bool { return ts[i].Index < ts[j].Index })
}

// scanOne scans one job, bounding the whole target by twice the request
// timeout: the HTTPS chain and the requests that depend on it.
func scanOne(ctx context.Context, c *config, s *scan.Scanner, j job) *result.Target {
	if j.err != nil {
		msg := j.err.Error()
		if j.line > 0 {
			msg = fmt.Sprintf("line %d: %s", j.line, msg)
		}
		t := result.NewSite(j.raw)
		t.Error, t.Line = &msg, j.line
		return t
	}
	tctx, cancel := context.WithTimeout(ctx, 2*c.scan.Timeout+time.Second)
	defer cancel()
	if c.watch != nil {
		tctx = probe.WithWatch(tctx, c.watch)
	}
	t := s.Scan(tctx, j.url)
	t.Line = j.line
	return t
}

// produce sends every target once, in input order, then closes jobs.
func produce(ctx context.Context, c *config, list *listReader, jobs chan<- job) {
	defer close(jobs)
	seen := seenSet{}
	index := 0
	send := func(j job) bool {
		if j.err == nil && !seen.add(j.url) {
			return true
		}
		if c.order != nil && c.order.Acquire(ctx) != nil {
			return false
		}
		j.index = index
		index++
		select {
		case jobs <- j:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for _, raw := range c.urls {
		u, err := parseTarget(raw)
		if !send(job{raw: raw, url: u, err: err}) {
			return
		}
	}
	if list == nil {
		return
	}
	for {
		it, ok, err := list.next()
		if err != nil {
			send(job{raw: c.input, err: err})
			return
		}
		if !ok {
			return
		}
		if it.err != nil {
			if !send(job{raw: it.raw, line: it.line, err: it.err}) {
				return
			}
			continue
		}
		u, perr := parseTarget(it.raw)
		raw := it.raw
		if perr != nil {
			raw = safeRaw(raw)
		}
		if !send(job{raw: raw, line: it.line, url: u, err: perr}) {
			return
		}
	}
}

// safeRaw keeps a bad line out of the report when it holds credentials.
func safeRaw(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		return u.Redacted()
	}
	return raw
}
