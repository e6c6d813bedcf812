package main

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// The --help text is part of the contract (SPEC): a change to it must be seen.
func TestHelpGolden(t *testing.T) {
	helpGolden(t, "help.golden", "--help")
	helpGolden(t, "help-serve.golden", "serve", "--help")
}

func helpGolden(t *testing.T, name string, args ...string) {
	t.Helper()
	o := runArgs(t, args...)
	golden := filepath.Join("testdata", name)
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
		t.Errorf("--help differs from %s (run go test -run HelpGolden -update and read the diff):\n%s", golden, o.stdout)
	}
}
