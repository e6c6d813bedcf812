// Package fdlimit raises the process's open-file limit as far as it may go
// and says how many descriptors a run can count on, so that a large -c is
// lowered up front instead of failing targets with "too many open files".
package fdlimit

import "syscall"

// Raise sets the soft RLIMIT_NOFILE to the hard one and returns the soft
// limit in effect afterwards (0 when it cannot be read). Go's runtime does
// the same at start on Linux; doing it here makes it explicit and covers
// a limit lowered since.
func Raise() uint64 {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0
	}
	if rl.Cur < rl.Max {
		want := rl
		want.Cur = want.Max
		if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want) == nil {
			rl = want
		}
	}
	return rl.Cur
}

// Reserve is what a run keeps aside from the limit for itself: standard
// streams, the input and output files, the poller, the resolver, the
// --demo replica's listeners.
const Reserve = 64

// Concurrency returns the largest number of targets, at most want, that
// can be scanned at once when each needs perTarget descriptors and the
// limit is limit; at least 1. A limit of 0 (unknown) or beyond the int
// range leaves want as it is.
func Concurrency(want, perTarget int, limit uint64) int {
	if limit == 0 || limit > 1<<30 || perTarget < 1 {
		return want
	}
	avail := int(limit) - Reserve
	return max(1, min(want, avail/perTarget))
}
