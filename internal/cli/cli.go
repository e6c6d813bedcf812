// Package cli is the hardscan command: its flags, --help, validation, the
// scan, audit and serve commands, Nagios mode, progress and the terminal.
// Package main is only the door that calls Run; the scanning itself is
// package scan and the formats are package report.
package cli

import (
	"context"
	"io"
)

// Run is the whole command with its streams: args without the program
// name, and the exit status to end with (README "Exit status"). ctx is
// cancelled on SIGINT/SIGTERM by the caller.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return run(ctx, args, stdin, stdout, stderr)
}
