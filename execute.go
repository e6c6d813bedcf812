package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/hardscan/hardscan/internal/audit/exsconfig"
	"github.com/hardscan/hardscan/internal/audit/unit"
	"github.com/hardscan/hardscan/internal/baseline"
	"github.com/hardscan/hardscan/internal/finding"
	"github.com/hardscan/hardscan/internal/probe"
	replica "github.com/hardscan/hardscan/internal/replica"
	"github.com/hardscan/hardscan/internal/report"
	"github.com/hardscan/hardscan/internal/result"
	"github.com/hardscan/hardscan/internal/scan"
)

var errInterrupted = errors.New("interrupted: no report written")

// execute scans what c names and writes the report. Everything the user
// could have got wrong was checked by validate, except the input list's
// contents, which are read lazily.
func execute(ctx context.Context, c *config, stdin io.Reader, stdout, stderr io.Writer) int {
	var base *result.Report
	if c.baseline != "" {
		b, err := baseline.Load(c.baseline)
		switch {
		case errors.Is(err, os.ErrNotExist):
			// The first run of a cron job: nothing to compare with yet.
			base = &result.Report{}
		case err != nil:
			return fail(stderr, usagef("--baseline: %v", err))
		default:
			base = b
		}
	}
	src, closeSrc, err := openInput(c, stdin)
	if err != nil {
		return fail(stderr, err)
	}
	defer closeSrc()
	if c.demo {
		stop, err := startDemo(c)
		if err != nil {
			return fail(stderr, fmt.Errorf("demo: %w", err))
		}
		defer stop()
	}

	start := time.Now()
	rep := &result.Report{
		SchemaVersion: result.SchemaVersion,
		Tool:          result.Tool{Name: "hardscan", Version: Version},
		StartedAt:     start.UTC().Truncate(time.Second),
	}
	opt := report.Options{Color: c.color, Verbose: !c.brief, FailOn: c.failOn}
	if c.never {
		opt.FailOn = finding.Fail + 1
	}
	// Only ndjson streams: a streamed run keeps no target, just the tally,
	// so that a list of a million hosts does not grow in memory. A
	// baseline needs the findings, so it keeps them.
	keep := c.format != "ndjson" || base != nil
	var sum tally
	write := func(w io.Writer) error {
		stream, err := report.NewStream(w, c.format, opt)
		if err != nil {
			return err
		}
		record := func(t *result.Target) error {
			t.Summary = finding.Tally(t.Findings)
			sum.add(t, c.failOn)
			if keep {
				rep.Targets = append(rep.Targets, t)
			}
			return stream.Target(t)
		}
		for _, t := range c.local {
			if err := record(t); err != nil {
				return err
			}
		}
		emit := record
		if c.progress && isTerminal(stderr) && (c.input != "" || len(c.urls) > 1) {
			bar := startProgress(stderr, len(c.urls))
			if c.input != "" {
				bar.total = 0 // the list is read lazily: its length is unknown
			}
			defer bar.end()
			emit = func(t *result.Target) error {
				bar.add(t.Error != nil)
				return record(t)
			}
		}
		if err := scanAll(ctx, c, src, emit); err != nil {
			return err
		}
		if keep {
			sortByInput(rep.Targets)
		}
		// From the precise start: StartedAt is shown to the second.
		rep.DurationMS = time.Since(start).Milliseconds()
		rep.Summary = sum.summary
		if base != nil {
			rep.Changes = baseline.Diff(base, rep)
			if rep.Changes == nil {
				rep.Changes = []result.Change{}
			}
		}
		return stream.Close(rep)
	}

	switch {
	case c.output != "":
		err = report.WriteFileAtomic(c.output, write)
	case c.quiet || c.format != "ndjson":
		// Render whole, so that a failure never leaves half a report and
		// -q can stay silent.
		var buf bytes.Buffer
		if err = write(&buf); err == nil && !(c.quiet && exitCode(c, rep, &sum) == exitOK) {
			_, err = stdout.Write(buf.Bytes())
		}
	default:
		err = write(stdout)
	}
	if err != nil {
		if errors.Is(err, errInterrupted) {
			fmt.Fprintf(stderr, "hardscan: %v\n", err)
			return exitErrors
		}
		return fail(stderr, &codedError{err: err, code: exitErrors})
	}
	return exitCode(c, rep, &sum)
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
	reached bool // a finding reaches --fail-on
}

func (s *tally) add(t *result.Target, failOn finding.Severity) {
	s.summary.Add(t)
	if w, ok := finding.Worst(t.Findings); ok && w >= failOn {
		s.reached = true
	}
}

// exitCode applies SPEC's table: errors win, then findings at --fail-on (new
// ones only, with a baseline).
func exitCode(c *config, rep *result.Report, sum *tally) int {
	switch {
	case sum.summary.Errors > 0:
		return exitErrors
	case c.never:
		return exitOK
	case rep.Changes != nil:
		if baseline.NewFindings(rep.Changes, c.failOn) {
			return exitFindings
		}
		return exitOK
	case sum.reached:
		return exitFindings
	}
	return exitOK
}

// openInput opens -i, checking before any scan that it is readable and not
// empty; the rest of it is read as the scan goes.
func openInput(c *config, stdin io.Reader) (*listReader, func(), error) {
	if c.input == "" {
		return nil, func() {}, nil
	}
	var r io.Reader = stdin
	closer := func() {}
	name := "standard input"
	if c.input != "-" {
		f, err := os.Open(c.input)
		if err != nil {
			return nil, nil, usagef("-i: %v", err)
		}
		if st, err := f.Stat(); err == nil && st.IsDir() {
			f.Close()
			return nil, nil, usagef("-i %s: is a directory", c.input)
		}
		r, closer, name = f, func() { f.Close() }, c.input
	}
	lr := newListReader(r)
	if err := lr.peek(); err != nil {
		closer()
		return nil, nil, usagef("-i %s: %v", name, err)
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

	jobs := make(chan job)
	go produce(ctx, c, list, jobs)

	var (
		mu      sync.Mutex
		doneErr error
		wg      sync.WaitGroup
	)
	for range c.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				t := scanOne(ctx, c, scanner, j)
				t.Index = j.index
				mu.Lock()
				if doneErr == nil && ctx.Err() == nil {
					doneErr = done(t)
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
		line, raw, ok, err := list.next()
		if err != nil {
			send(job{raw: c.input, line: line, err: err})
			return
		}
		if !ok {
			return
		}
		u, perr := parseTarget(raw)
		if perr != nil {
			raw = safeRaw(raw)
		}
		if !send(job{raw: raw, line: line, url: u, err: perr}) {
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
