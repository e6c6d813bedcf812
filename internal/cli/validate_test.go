package cli

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardscan/hardscan/scan/gate"
)

// The command rejects a profile override of a family member with the very
// answer the profile package's test gets in a binary that links no audit
// package (both read internal/profile/testdata/validate.txt): the
// catalogue does not depend on what is linked. Rows whose answer is "ok"
// would need a scan; the profile test covers them.
func TestOverridesOfMembersValidateAsWithoutTheAudits(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "profile", "testdata", "validate.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dir := t.TempDir()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		override, answer, ok := strings.Cut(sc.Text(), "\t")
		if !ok || strings.HasPrefix(override, "#") || answer == "ok" {
			continue
		}
		n++
		path := filepath.Join(dir, "p.json")
		if err := os.WriteFile(path, []byte(`{"name": "x", "overrides": [`+override+`]}`), 0o600); err != nil {
			t.Fatal(err)
		}
		o := runArgs(t, "-p", path, "example.tld")
		first, _, _ := strings.Cut(o.stderr, "\n")
		if o.code != gate.ExitUsage || !strings.HasPrefix(first, "hardscan: ") || !strings.HasSuffix(first, ": "+answer) {
			t.Errorf("%s: exit %d, stderr %q\nwant exit 2 ending: %s", override, o.code, o.stderr, answer)
		}
	}
	if err := sc.Err(); err != nil || n == 0 {
		t.Fatalf("read %d rows: %v", n, err)
	}
}
