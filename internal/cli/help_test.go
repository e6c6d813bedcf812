package cli

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// The --help text is part of the contract (docs/contract.md): a change to it must be
// seen. It wraps to the terminal's width: at 80 columns (help.golden) and
// at 120 (help-120.golden), and no line is ever wider than asked.
func TestHelpGolden(t *testing.T) {
	for _, tc := range []struct {
		columns int
		golden  string
		args    []string
	}{
		{80, "help.golden", []string{"--help"}},
		{120, "help-120.golden", []string{"--help"}},
		{80, "help-serve.golden", []string{"serve", "--help"}},
	} {
		t.Setenv("COLUMNS", strconv.Itoa(tc.columns))
		o := runArgs(t, tc.args...)
		for i, line := range strings.Split(o.stdout, "\n") {
			if n := len([]rune(line)); n > tc.columns {
				t.Errorf("%s at %d columns: line %d is %d wide: %q", tc.golden, tc.columns, i+1, n, line)
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
			t.Errorf("%v differs from %s (run go test -run HelpGolden -update and read the diff):\n%s", tc.args, golden, o.stdout)
		}
	}
}
