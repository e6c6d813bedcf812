package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"sort"
	"time"

	"github.com/hardscan/hardscan/internal/baseline"
	"github.com/hardscan/hardscan/internal/localfile"
	"github.com/hardscan/hardscan/internal/probe"
	replica "github.com/hardscan/hardscan/internal/replica"
	"github.com/hardscan/hardscan/report"
	"github.com/hardscan/hardscan/scan"
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
		return gate.ExitInterrupted
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
			return c.fail(stderr, err)
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
			return gate.ExitInterrupted
		}
		return c.fail(stderr, err)
	}
	defer closeSrc()
	var out *report.File
	if c.output != "" {
		if out, err = report.Create(c.output); err != nil {
			return c.fail(stderr, usagef("-o: %v", err))
		}
		defer out.Abort()
	}
	c.concurrency = capConcurrency(c, stderr)
	if c.demo {
		stop, err := startDemo(c)
		if err != nil {
			return c.fail(stderr, fmt.Errorf("demo: %w", err))
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
	streams := c.form.Streams
	keep := !streams || base != nil || c.quiet
	var st gate.Status
	grade := "" // the last target's, for the -o line of one target
	write := func(w io.Writer) error {
		stream := c.form.NewWriter(w, opt)
		if err := stream.Start(rep); err != nil {
			return err
		}
		record := func(t *result.Target) error {
			if accepted != nil {
				// Each target carries its own changes, for ndjson.
				t.Changes = accepted.Target(t)
				rep.Changes = append(rep.Changes, t.Changes...)
			}
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
		rctx, sink, end := c.show(ctx, stderr, record)
		defer end()
		st, err = c.scanner.Run(rctx, c.inputs(src), sink, scan.RunOptions{Concurrency: c.concurrency, InOrder: c.form.InOrder, Gate: c.gate})
		if ctx.Err() != nil {
			err = errInterrupted
		}
		if err != nil {
			if errors.Is(err, errInterrupted) && out == nil && streams && !c.quiet {
				// Targets already reached stdout: end the document as a
				// complete report marked incomplete (exit 130).
				rep.Incomplete = true
				rep.DurationMS = time.Since(start).Milliseconds()
				rep.Summary = st.Summary
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
		rep.Summary = st.Summary
		if accepted != nil {
			baseline.Sort(rep.Changes)
			if rep.Changes == nil {
				rep.Changes = []result.Change{}
			}
			st = st.Against(rep.Changes)
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
			return gate.ExitInterrupted
		}
		return c.fail(stderr, &codedError{err: err, code: gate.ExitErrors})
	}
	if out != nil && !out.Special() && !c.quiet && isTerminal(stderr) {
		// The report went to a file: say where, and what it holds.
		fmt.Fprintln(stderr, wroteLine(c.output, st.Summary, grade))
	}
	if c.accept {
		acc, err := writeAccepted(c, base, rep)
		if err != nil {
			return c.fail(stderr, &codedError{err: err, code: gate.ExitErrors})
		}
		if !c.quiet {
			fmt.Fprintln(stderr, acceptedLine(c.baseline, acc))
		}
		// Today's state is the accepted one now: nothing is worse than it.
		st.Reached = false
	}
	// What got worse is printed as text whenever stdout is free for it:
	// under -q, and with -o, so that a regression mails from cron (README "Use").
	if (c.quiet && st.Code() != gate.ExitOK) || (c.output != "" && st.Baseline && st.Reached) {
		if err := report.WriteAlert(stdout, rep, opt); err != nil {
			return c.fail(stderr, &codedError{err: err, code: gate.ExitErrors})
		}
	}
	return c.form.ExitCode(st)
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
	c.scan.Resolve = append(c.scan.Resolve, running.Resolve(4000)...)
	if c.scanner, err = scan.New(c.scan); err != nil {
		running.Close()
		return nil, err
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

// openInput opens -i, checking before any scan that it is readable and not
// empty; the rest of it is read as the scan goes. A file must be a regular
// file (opened without blocking); a pipe is read only as "-i -". Waiting
// for the first line of a pipe ends with ctx.
func openInput(ctx context.Context, c *config, stdin io.Reader) (*scan.List, func(), error) {
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
	lr := scan.NewList(r, name)
	peeked := make(chan error, 1)
	go func() { peeked <- lr.Peek() }()
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
		t, err := c.scanner.AuditUnit(path)
		if err != nil {
			return nil, usagef("--unit: %v", err)
		}
		out = append(out, t)
	}
	for _, path := range c.configs {
		t, err := c.scanner.AuditConfig(path)
		if err != nil {
			return nil, usagef("--config: %v", err)
		}
		out = append(out, t)
	}
	return out, nil
}

// show draws progress on a terminal: a bar for several targets, a line
// naming what a slow single target waits for. It wraps record, and ctx
// for the wait line's watch.
func (c *config) show(ctx context.Context, stderr io.Writer, record func(*result.Target) error) (context.Context, scan.Sink, func()) {
	if !c.progress || !isTerminal(stderr) {
		return ctx, scan.SinkFunc(record), func() {}
	}
	if c.input != "" || len(c.urls) > 1 {
		total := len(c.urls)
		if c.input != "" {
			total = listTotal(c.input) // 0: a list on stdin has no known length
			if total > 0 {
				total += len(c.urls)
			}
		}
		bar := startProgress(stderr, total)
		return ctx, scan.SinkFunc(func(t *result.Target) error {
			if t.Kind == result.KindSite {
				bar.add(t.Error != nil)
			}
			return record(t)
		}), bar.end
	}
	if len(c.urls) == 1 {
		// One target: no progress bar, but a line when it is slow.
		wait := startWaiter(stderr)
		return probe.WithWatch(ctx, wait.watch), scan.SinkFunc(func(t *result.Target) error {
			if t.Kind == result.KindSite {
				wait.clear()
			}
			return record(t)
		}), wait.end
	}
	return ctx, scan.SinkFunc(record), func() {}
}

// inputs are the run's targets in input order: the audited files, the
// command-line URLs, then the -i list, read as the run goes.
func (c *config) inputs(list *scan.List) iter.Seq[scan.Input] {
	return func(yield func(scan.Input) bool) {
		for _, t := range c.local {
			if !yield(scan.Input{Done: t}) {
				return
			}
		}
		for in := range scan.URLs(c.urls...) {
			if !yield(in) {
				return
			}
		}
		if list == nil {
			return
		}
		for in := range list.All() {
			if !yield(in) {
				return
			}
		}
	}
}

// sortByInput puts targets back in input order: local audits first, then
// the command line, then the list.
func sortByInput(ts []*result.Target) {
	sort.SliceStable(ts, func(i, j int) bool { return ts[i].Index < ts[j].Index })
}
