package cli

import (
	"fmt"
	"io"

	"github.com/hardscan/hardscan/internal/fdlimit"
)

// capConcurrency raises the open-file limit and lowers -c to what the
// descriptors allow, with one warning line: a lowered -c is slower, while
// "too many open files" would fail most targets.
func capConcurrency(c *config, stderr io.Writer) int {
	limit := fdlimit.Raise()
	n := fdlimit.Concurrency(c.concurrency, c.scanner.ConnsPerTarget(), limit)
	if n < c.concurrency {
		fmt.Fprintf(stderr, "hardscan: warning: -c %d lowered to %d: the open-file limit is %d (raise it with ulimit -n to scan more at once)\n", c.concurrency, n, limit)
	}
	return n
}
