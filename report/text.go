package report

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter/pkg/twwidth"
)

// Width bounds the table's lines: Options.Width is clamped to them, and 0
// means DefaultWidth. Below MinWidth no layout is readable.
const (
	DefaultWidth = 80
	MinWidth     = 40
	MaxWidth     = 250
)

// MaxCode is the most runes one line of a fix snippet keeps. A snippet is
// our own template, but it may carry a value a server sent; it is never
// cut at MaxCell, since a fix cut in half is no fix.
const MaxCode = 4096

// MaxText is the most runes a message, an expected or a seen value keeps in
// the human formats: long enough for a whole CSP, short enough that a 4 MiB
// header cannot flood the reader.
const MaxText = 1500

// sanitizeText is Sanitize with the longer cap of the detailed formats.
func sanitizeText(s string) string { return clean(s, MaxText) }

// codeLines splits a snippet's code into sanitised lines: tabs become four
// spaces (a terminal's tab stops would not match the indent), other controls
// are escaped as Sanitize does, and nothing is cut short of MaxCode.
func codeLines(code string) []string {
	code = strings.TrimRight(strings.ReplaceAll(code, "\r\n", "\n"), "\n")
	lines := strings.Split(code, "\n")
	for i, l := range lines {
		lines[i] = clean(strings.ReplaceAll(l, "\t", "    "), MaxCode)
	}
	return lines
}

var sgrCode = regexp.MustCompile("\x1b\\[[0-9;]*m")

// width is the number of terminal columns s takes, our colour codes aside.
func width(s string) int {
	if strings.Contains(s, "\x1b") {
		s = sgrCode.ReplaceAllString(s, "")
	}
	return twwidth.Width(s)
}

// Wrap breaks sanitised text s into lines of at most w columns, at spaces
// where it can; a word wider than w is broken between runes, never inside
// an escape Sanitize wrote. Runs of spaces between words collapse.
func Wrap(s string, w int) []string { return wrapHanging(s, w, w) }

// wrapHanging is Wrap with a first line of w1 columns and the others of w.
func wrapHanging(s string, w1, w int) []string {
	w1, w = max(w1, 1), max(w, 1)
	restW := w
	w = w1
	var lines []string
	var line strings.Builder
	lw := 0
	for _, word := range strings.Fields(s) {
		ww := width(word)
		if lw > 0 && lw+1+ww <= w {
			line.WriteByte(' ')
			line.WriteString(word)
			lw += 1 + ww
			continue
		}
		if lw > 0 {
			lines = append(lines, line.String())
			line.Reset()
			lw = 0
			w = restW
		}
		if ww <= w {
			line.WriteString(word)
			lw = ww
			continue
		}
		parts := breakWord(word, w)
		if len(parts) > 1 && w != restW {
			// Only the first piece has the first line's width.
			parts = append(parts[:1], breakWord(strings.Join(parts[1:], ""), restW)...)
		}
		lines = append(lines, parts[:len(parts)-1]...)
		if len(parts) > 1 {
			w = restW
		}
		line.WriteString(parts[len(parts)-1])
		lw = width(parts[len(parts)-1])
	}
	if lw > 0 || len(lines) == 0 {
		lines = append(lines, line.String())
	}
	return lines
}

// breakWord cuts word into pieces of at most w columns.
func breakWord(word string, w int) []string {
	var out []string
	var b strings.Builder
	bw := 0
	for rest := word; rest != ""; {
		unit := nextUnit(rest)
		uw := twwidth.Width(unit)
		if bw+uw > w && bw > 0 {
			out = append(out, b.String())
			b.Reset()
			bw = 0
		}
		b.WriteString(unit)
		bw += uw
		rest = rest[len(unit):]
	}
	return append(out, b.String())
}

// nextUnit returns the first rune of s, or the whole escape Sanitize wrote
// there (\xNN, \uNNNN, \UNNNNNNNN, \n, \\ ...), so that a line break never
// splits an escape into two halves that read as something else.
func nextUnit(s string) string {
	if len(s) >= 2 && s[0] == '\\' {
		n := 2
		switch s[1] {
		case 'x':
			n = 4
		case 'u':
			n = 6
		case 'U':
			n = 10
		}
		return s[:min(n, len(s))]
	}
	_, size := utf8.DecodeRuneInString(s)
	return s[:size]
}
