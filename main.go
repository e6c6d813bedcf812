// Command hardscan checks whether a live web instance is hardened: it fetches
// the instance over HTTPS and HTTP, parses every header and cookie, and
// judges them against a hardening guide. See README.md and --help.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

func main() {
	// hardscan's live heap is small and steady (tens of MB) however many
	// targets it scans, while each target allocates its parsed headers and
	// findings: collecting less often buys throughput for a little memory.
	// GOGC, when set, still decides.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
