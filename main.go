// Command hardscan checks whether a live web instance is hardened: it fetches
// the instance over HTTPS and HTTP, parses every header and cookie, and
// judges them against a hardening guide. See README.md and --help.
//
// This file is only the door: the command is package internal/cli, the
// scanner package scan, the formats package report.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/hardscan/hardscan/internal/cli"
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
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
