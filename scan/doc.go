// Package scan is hardscan as a library: it fetches a live web instance
// over HTTPS and plain HTTP, parses every header and Set-Cookie line by its
// RFC or W3C spec, judges them against a hardening profile and attaches the
// fixes for the platforms the target runs (README "What it checks").
//
// Options carries the target and client options the command line's scan
// and serve commands share; New validates them once and returns a Scanner,
// whose Scan judges one target into a result.Target, the data model that
// package report writes (-f json encodes it). Run is the whole run, as the
// command and its exporter do it: targets from an iterator (URLs, or a
// list read as it goes), a bounded number at once, each handed to a Sink
// as it finishes (in input order when asked), and the gate.Status the
// exit status comes from:
//
//	s, err := scan.New(opt)
//	...
//	st, err := s.Run(ctx, scan.URLs("social.example", "other.example"),
//		scan.SinkFunc(func(t *result.Target) error { ...; return nil }),
//		scan.RunOptions{Concurrency: 8, InOrder: true})
//	os.Exit(st.Code())
//
// Subpackages finding, result and gate are that data model and the exit
// status a run ends with.
package scan
