// Package scan is hardscan as a library: it fetches a live web instance
// over HTTPS and plain HTTP, parses every header and Set-Cookie line by its
// RFC or W3C spec, judges them against a hardening profile and attaches the
// fixes for the platforms the target runs (README "What it checks").
//
// Options carries the target and client options the command line's scan
// and serve commands share; New validates them once and returns a Scanner,
// whose Scan judges one target into a result.Target, the data model that
// package report writes (-f json encodes it). Subpackages finding, result
// and gate are that data model and the exit status a run ends with.
package scan
