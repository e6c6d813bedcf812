package report

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSanitize(t *testing.T) {
	for _, tc := range []struct {
		in, want, why string
	}{
		{"max-age=63072000", "max-age=63072000", "plain ASCII is printed as received"},
		{"pleroma ✓ 日本", "pleroma ✓ 日本", "printable Unicode is printed as received"},
		{`a\x1b`, `a\\x1b`, "a literal backslash is doubled so an escape cannot be faked"},
		{"a\tb\nc\rd", `a\tb\nc\rd`, "tab, newline, CR would break a cell or a line"},
		{"\x00\x07\x08\x1f", `\x00\x07\x08\x1f`, "C0 controls: NUL, BEL, BS, US"},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`, "ANSI CSI: ESC must not reach the terminal"},
		{"\x1b]0;pwned\x07", `\x1b]0;pwned\x07`, "OSC 0 would set the window title"},
		{"\x1b]52;c;SGVsbG8=\x07", `\x1b]52;c;SGVsbG8=\x07`, "OSC 52 would write the clipboard"},
		{"a\x7fb", `a\x7fb`, "DEL"},
		{"\u0085\u009b31m", `\u0085\u009b31m`, "C1 controls: NEL and the 8-bit CSI"},
		{"abc\u202edcb", `abc\u202edcb`, "RLO, the Trojan Source override"},
		{"\u202a\u202b\u202c\u202d", `\u202a\u202b\u202c\u202d`, "bidi embeddings and PDF"},
		{"\u2066\u2067\u2068\u2069", `\u2066\u2067\u2068\u2069`, "bidi isolates"},
		{"\u200e\u200f\u061c", `\u200e\u200f\u061c`, "bidi marks LRM, RLM, ALM"},
		{"a\u200bb\u200dc\u2060d\ufeff", `a\u200bb\u200dc\u2060d\ufeff`, "zero-width characters hide text"},
		{"\U000e0041\U000e007f", `\U000e0041\U000e007f`, "tag characters (Cf) are invisible"},
		{"a\u2028b\u2029", `a\u2028b\u2029`, "line and paragraph separators break lines"},
		{"\u3164\u115f", `\u3164\u115f`, "Hangul fillers render as blank"},
		{"\ufffe", `\ufffe`, "a non-character XML 1.0 forbids"},
		{"a\xffb\xc3", `a\xffb\xc3`, "invalid UTF-8 bytes, also a truncated sequence"},
		{"\xc2\x85", `\u0085`, "a valid C1 encoding is one rune, not two bytes"},
	} {
		if got := Sanitize(tc.in); got != tc.want {
			t.Errorf("Sanitize(%q) = %q, want %q (%s)", tc.in, got, tc.want, tc.why)
		}
	}
}

func TestSanitizeCap(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int // runes
		why  string
	}{
		{strings.Repeat("a", MaxCell), MaxCell, "exactly the cap is not cut"},
		{strings.Repeat("a", MaxCell+1), MaxCell, "one over is cut, ending in an ellipsis"},
		{strings.Repeat("\x1b", 4<<20), 49*4 + 1, "a 4 MiB header of escapes stays within the cap, no escape cut in half"},
		{strings.Repeat("é", 1000), MaxCell, "runes, not bytes, are counted"},
	} {
		got := Sanitize(tc.in)
		if n := utf8.RuneCountInString(got); n != tc.want {
			t.Errorf("%s: %d runes, want %d", tc.why, n, tc.want)
		}
		if cut := utf8.RuneCountInString(tc.in) > MaxCell; cut != strings.HasSuffix(got, "…") {
			t.Errorf("%s: ellipsis %v, want %v", tc.why, !cut, cut)
		}
		if strings.Contains(got, "\x1b") {
			t.Errorf("%s: raw ESC left", tc.why)
		}
	}
	// An escape is never cut in half.
	got := Sanitize(strings.Repeat("a", MaxCell-3) + "\x1b")
	if want := strings.Repeat("a", MaxCell-3) + "…"; got != want {
		t.Errorf("cut escape: got %q, want %q", got, want)
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b]0;pwned\x07", "\u202e", "\xff\xfe", strings.Repeat("\\", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Sanitize(s)
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 out of %q", s)
		}
		if n := utf8.RuneCountInString(got); n > MaxCell {
			t.Fatalf("%d runes out of %q", n, s)
		}
		for _, r := range got {
			if r < 0x20 || r == 0x7f || hides(r) {
				t.Fatalf("rune %U left in %q", r, got)
			}
		}
		if back := unescape(clean(s, 0)); back != s {
			t.Fatalf("escape not reversible: %q -> %q -> %q", s, clean(s, 0), back)
		}
	})
}

// unescape reverses clean(s, 0), showing that the escaping loses nothing.
func unescape(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b = append(b, s[i])
			continue
		}
		i++
		switch c := s[i]; c {
		case 't', 'n', 'r', '\\':
			b = append(b, map[byte]byte{'t': '\t', 'n': '\n', 'r': '\r', '\\': '\\'}[c])
		case 'x', 'u', 'U':
			n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c]
			v, _ := strconv.ParseUint(s[i+1:i+1+n], 16, 32)
			if c == 'x' {
				b = append(b, byte(v))
			} else {
				b = utf8.AppendRune(b, rune(v))
			}
			i += n
		}
	}
	return string(b)
}
