package main

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// The --help text is part of the contract (SPEC): a change to it must be
// seen. It wraps to the terminal's width: at 80 columns (help.golden) and
// at 120 (help-120.golden), and no line is ever wider than asked.
func TestHelpGolden(t *testing.T) {
	for _, tc := range []struct {
		columns int
		golden  string
	}{
		{80, "help.golden"},
		{120, "help-120.golden"},
	} {
		t.Setenv("COLUMNS", strconv.Itoa(tc.columns))
		o := runArgs(t, "--help")
		for i, line := range strings.Split(o.stdout, "\n") {
			if n := len([]rune(line)); n > tc.columns {
				t.Errorf("at %d columns, line %d is %d wide: %q", tc.columns, i+1, n, line)
			}
		}
		golden := filepath.Join("testdata", tc.golden)
		if *update {
			if err := os.WriteFile(golden, []byte(o.stdout), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if o.stdout != string(want) {
			t.Errorf("--help at %d columns differs from %s (run go test -run HelpGolden -update and read the diff):\n%s", tc.columns, golden, o.stdout)
		}
	}
	for _, columns := range []string{"60", "61", "99", "100", "250", "7", "wide"} {
		t.Setenv("COLUMNS", columns)
		o := runArgs(t, "--help")
		limit := outputWidth(nil, func(string) string { return columns })
		for i, line := range strings.Split(o.stdout, "\n") {
			if n := len([]rune(line)); n > limit {
				t.Errorf("COLUMNS=%s: line %d is %d wide, want at most %d: %q", columns, i+1, n, limit, line)
			}
		}
	}
}
