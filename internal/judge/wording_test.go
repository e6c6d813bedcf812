package judge

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardscan/hardscan/internal/profile"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestWordingGolden keeps what every case of the judge table says in one
// golden file that a person reads: verdict tests key on id, subject, reason
// and severity, and the wording a user reads changes only where this file's
// diff shows it.
func TestWordingGolden(t *testing.T) {
	var b strings.Builder
	for _, c := range judgeCases() {
		p, err := profile.Builtin(c.profile)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "== %s (%s)\n", c.name, c.profile)
		for _, f := range Site(p, observed(t, c), judgeNow) {
			if f.Severity == 0 && f.ID != "csp" && (f.ID != "x-xss-protection" || f.Reason == "absent") {
				continue // passes say little; the file is for what needs reading (X-XSS-Protection's pass argues against the profile)
			}
			fmt.Fprintf(&b, "%-4s %s %s: %s\n", f.Severity, findingKey(f), f.Reason, f.Message)
		}
	}
	golden := filepath.Join("testdata", "wording.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run WordingGolden -update)", err)
	}
	if got := b.String(); got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("%s differs at line %d:\n got: %s\nwant: %s\n(run go test -run WordingGolden -update and read the diff)", golden, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s differs in length (run go test -run WordingGolden -update and read the diff)", golden)
	}
}
