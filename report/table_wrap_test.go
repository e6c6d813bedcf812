package report

import (
	"strings"
	"testing"
)

// A long token is broken to fit its column, but never inside an escape:
// "\u206" on one line and "9" on the next would read as other text.
func TestBreakWordsKeepsEscapesWhole(t *testing.T) {
	for _, tc := range []struct {
		in    string
		width int
	}{
		{strings.Repeat("a", 9) + `\u2069` + strings.Repeat("b", 9), 12},
		{strings.Repeat("a", 11) + `\x1b` + "[31m", 12},
		{strings.Repeat(`\\`, 10), 5},
		{strings.Repeat("é", 30), 7},
	} {
		lines := Wrap(tc.in, tc.width)
		if strings.Join(lines, "") != tc.in {
			t.Errorf("Wrap(%q) lost or added text: %q", tc.in, lines)
		}
		for _, line := range lines {
			if len([]rune(line)) > tc.width {
				t.Errorf("line %q is wider than %d", line, tc.width)
			}
			if strings.HasSuffix(line, `\`) && !strings.HasSuffix(line, `\\`) {
				t.Errorf("line %q ends inside an escape", line)
			}
			for _, esc := range []string{`\u`, `\x`} {
				if i := strings.LastIndex(line, esc); i >= 0 && (i == 0 || line[i-1] != '\\') {
					need := map[string]int{`\u`: 6, `\x`: 4}[esc]
					if len(line)-i < need {
						t.Errorf("line %q cuts the escape %s", line, line[i:])
					}
				}
			}
		}
	}
}
