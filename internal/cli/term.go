package cli

import (
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"
)

// The terminal facts that shape the human report (its width, whether it is
// coloured) are decided here once per run and passed down in
// report.Options; nothing below run reads the environment.

// Report widths outside these bounds are clamped: below minWidth no layout
// is readable, and above maxWidth lines are too long to read anyway.
const (
	minWidth     = 40
	maxWidth     = 250
	defaultWidth = 80
)

// outputWidth is the width, in columns, that the human report and --help
// are laid out for: COLUMNS when it holds a number (the user's explicit
// word, and what a test or a pipe to `less` can set), else the size of the
// terminal w is, else 80.
func outputWidth(w io.Writer, getenv func(string) string) int {
	width := 0
	if n, err := strconv.Atoi(strings.TrimSpace(getenv("COLUMNS"))); err == nil && n > 0 {
		width = n
	} else if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if n, _, err := term.GetSize(int(f.Fd())); err == nil && n > 0 {
			width = n
		}
	}
	if width == 0 {
		width = defaultWidth
	}
	return min(max(width, minWidth), maxWidth)
}

// useColor applies --color WHEN to the environment's conventions: an
// explicit always or never wins; with auto, NO_COLOR (https://no-color.org)
// turns colour off, CLICOLOR_FORCE and FORCE_COLOR turn it on for a pipe
// too, and otherwise colour is on only when the report goes to a terminal
// that is not TERM=dumb. A report written with -o is never coloured in
// auto mode: a file is read later, often by a program.
func useColor(when string, toTerminal, toFile bool, getenv func(string) string) bool {
	switch when {
	case "always":
		return true
	case "never":
		return false
	}
	if getenv("NO_COLOR") != "" || toFile {
		return false
	}
	if forced(getenv("CLICOLOR_FORCE")) || forced(getenv("FORCE_COLOR")) {
		return true
	}
	return toTerminal && getenv("TERM") != "dumb"
}

// forced reads a CLICOLOR_FORCE or FORCE_COLOR value: set and not 0 or false.
func forced(v string) bool {
	v = strings.ToLower(strings.TrimSpace(v))
	return v != "" && v != "0" && v != "false"
}
