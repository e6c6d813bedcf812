package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Exit statuses (SPEC "Exit status"); the same whatever the format.
const (
	exitOK       = 0 // scanned, nothing reaches --fail-on
	exitFindings = 1 // a finding reaches --fail-on
	exitUsage    = 2 // bad flag, bad URL, unreadable input, bad profile
	exitErrors   = 3 // a target could not be scanned; wins over 1

	exitInterrupted = 130 // SIGINT/SIGTERM: no report, or one marked incomplete
)

// usageError is an invocation the user must correct. Hint, when set, says how.
type usageError struct {
	msg  string
	hint string
}

func (e *usageError) Error() string { return e.msg }

// ExitCode makes usage errors exit 2.
func (e *usageError) ExitCode() int { return exitUsage }

func usagef(format string, a ...any) *usageError {
	return &usageError{msg: fmt.Sprintf(format, a...)}
}

// fail prints err as one line "hardscan: ..." (and a hint line) and returns
// its exit code. Text from the error is reduced to one printable line: a
// file name or URL a user typed can hold anything.
func fail(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "hardscan: %s\n", oneLine(err.Error()))
	var ue *usageError
	if errors.As(err, &ue) && ue.hint != "" {
		fmt.Fprintf(stderr, "hint: %s\n", oneLine(ue.hint))
	}
	code := exitUsage
	var coded interface{ ExitCode() int }
	if errors.As(err, &coded) {
		code = coded.ExitCode()
	}
	// -f nagios reports usage errors its own way (see runNagios).
	if r, ok := stderr.(interface{ recordUsage(string) }); ok && code == exitUsage {
		r.recordUsage(oneLine(err.Error()))
	}
	return code
}

func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return '?'
		}
		return r
	}, s)
}
