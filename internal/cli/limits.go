package cli

import (
	"fmt"
	"io"

	"github.com/hardscan/hardscan/internal/fdlimit"
	"github.com/hardscan/hardscan/internal/profile"
)

// capConcurrency raises the open-file limit and lowers -c to what the
// descriptors allow, with one warning line: a lowered -c is slower, while
// "too many open files" would fail most targets.
func capConcurrency(c *config, stderr io.Writer) int {
	limit := fdlimit.Raise()
	n := fdlimit.Concurrency(c.concurrency, fdsPerTarget(c), limit)
	if n < c.concurrency {
		fmt.Fprintf(stderr, "hardscan: warning: -c %d lowered to %d: the open-file limit is %d (raise it with ulimit -n to scan more at once)\n", c.concurrency, n, limit)
	}
	return n
}

// fdsPerTarget is how many connections one target may hold at once: the
// HTTPS chain (a redirect to another host opens a second), plain HTTP, each
// cookie path at once, and the backend port.
func fdsPerTarget(c *config) int {
	paths := 0
	count := func(p *profile.Profile) {
		n := len(p.CookiePaths)
		if len(c.scan.Header) > 0 {
			n += len(p.AuthCookiePaths)
		}
		paths = max(paths, n)
	}
	if c.profile != nil {
		count(c.profile)
	} else {
		for _, name := range profile.Names() {
			if p, err := profile.Builtin(name); err == nil {
				count(p)
			}
		}
	}
	return 4 + paths
}
