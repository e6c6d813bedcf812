package report

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Terminal safety.
//
// Anything a server or an input file controls (URLs, header values, cookie
// names, a finding's actual value and message, error text) may contain bytes
// that a terminal obeys rather than prints: an ESC starting a CSI sequence that
// moves the cursor or recolours the screen, an OSC sequence that sets the
// window title or writes the clipboard, bidi overrides that reorder what the
// admin reads, zero-width characters that hide text. The human-facing formats
// (table, markdown, junit) therefore print every such string through Sanitize,
// whose rule is: print what was received, except
//
//   - a backslash is doubled, so that every escape below is unambiguous;
//   - tab, newline and carriage return become \t, \n and \r;
//   - other C0 controls and DEL become \xNN (ESC is \x1b);
//   - C1 controls (U+0080 to U+009F), Unicode format characters (bidi
//     embeddings, overrides, isolates and marks, zero-width spaces and
//     joiners, the BOM, tags), line and paragraph separators, the Hangul
//     fillers and U+FFFE/U+FFFF become \uNNNN (or \UNNNNNNNN);
//   - each byte of invalid UTF-8 becomes \xNN (at least 0x80, so it never
//     reads as a C0 escape);
//   - the result is cut at MaxCell runes, the last of which is then "…", so
//     that a 4 MiB header cannot flood the terminal.
//
// Our own text (headings, severities, colour codes) does not go through it;
// server text is never used as a format string.

// MaxCell is the most runes Sanitize returns.
const MaxCell = 200

// Sanitize makes s safe and short enough to print on a terminal; see the
// rule above.
func Sanitize(s string) string { return clean(s, MaxCell) }

// clean applies the rule with a cap of max runes (0: no cap). Its work is
// bounded by max, not by len(s).
func clean(s string, max int) string {
	if max <= 0 {
		max = int(^uint(0) >> 1)
	}
	b := make([]byte, 0, min(len(s)+8, 1024))
	n, cut := 0, 0 // runes in b; len(b) when n last fitted below max
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		start := len(b)
		switch {
		case r == utf8.RuneError && size == 1:
			b = fmt.Appendf(b, `\x%02x`, s[i])
		case r == '\\':
			b = append(b, `\\`...)
		case r == '\t':
			b = append(b, `\t`...)
		case r == '\n':
			b = append(b, `\n`...)
		case r == '\r':
			b = append(b, `\r`...)
		case r < 0x20 || r == 0x7f:
			b = fmt.Appendf(b, `\x%02x`, r)
		case hides(r) && r > 0xffff:
			b = fmt.Appendf(b, `\U%08x`, r)
		case hides(r):
			b = fmt.Appendf(b, `\u%04x`, r)
		default:
			b = append(b, s[i:i+size]...)
			start = len(b) - 1 // one rune, whatever its size
		}
		i += size
		n += len(b) - start // an escape is ASCII: one rune a byte
		if n > max {
			return string(b[:cut]) + "…"
		}
		if n < max {
			cut = len(b)
		}
	}
	return string(b)
}

// hides reports whether r is a non-ASCII rune a terminal would not show as
// itself: C1 controls, format characters (category Cf, which holds the bidi
// controls U+061C, U+200E/F, U+202A-E, U+2066-9 and the zero-width ones), line
// and paragraph separators, the Hangul fillers used to make invisible text,
// and the two non-characters XML 1.0 forbids.
func hides(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x115f, r == 0x1160, r == 0x3164, r == 0xffa0:
		return true
	case r == 0xfffe, r == 0xffff: // not characters; XML 1.0 forbids them
		return true
	}
	return unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}
