package profile

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// validationCase is one row of testdata/validate.txt.
type validationCase struct{ override, answer string }

func validationCases(t *testing.T, path string) []validationCase {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []validationCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		override, answer, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("%s: no tab in %q", path, line)
		}
		out = append(out, validationCase{override, answer})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// The catalogue is one table in the check package, so a profile override
// of a unit directive or a config key is judged alike in a binary that
// does not link the packages that audit units and configs (this test's)
// and in the command (whose test reads the same rows).
func TestOverridesOfMembersValidateWithoutTheAudits(t *testing.T) {
	if goTool, err := exec.LookPath("go"); err == nil {
		out, err := exec.Command(goTool, "list", "-test", "-deps", ".").Output()
		if err != nil {
			t.Fatalf("go list: %v", err)
		}
		if strings.Contains(string(out), "/internal/audit/") {
			t.Fatalf("the profile test links an audit package, so it proves nothing:\n%s", out)
		}
	}
	for _, tc := range validationCases(t, "testdata/validate.txt") {
		_, err := Parse(strings.NewReader(`{"name": "x", "overrides": [` + tc.override + `]}`))
		switch {
		case tc.answer == "ok" && err != nil:
			t.Errorf("%s: %v, want ok", tc.override, err)
		case tc.answer != "ok" && (err == nil || !strings.HasSuffix(err.Error(), ": "+tc.answer)):
			t.Errorf("%s: %v\nwant: %s", tc.override, err, tc.answer)
		}
	}
}
