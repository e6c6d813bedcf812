package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/hardscan/hardscan/scan/gate"
)

// usageError is an invocation the user must correct. Hint, when set, says how.
type usageError struct {
	msg  string
	hint string
}

func (e *usageError) Error() string { return e.msg }

// ExitCode makes usage errors exit 2.
func (e *usageError) ExitCode() int { return gate.ExitUsage }

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
	code := gate.ExitUsage
	var coded interface{ ExitCode() int }
	if errors.As(err, &coded) {
		code = coded.ExitCode()
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
