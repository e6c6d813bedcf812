// Command hardscan checks whether a live web instance is hardened: it fetches
// the instance over HTTPS and HTTP, parses every header and cookie, and
// judges them against a hardening guide. See README.md and --help.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
