package cli

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestProgressLine(t *testing.T) {
	for _, tc := range []struct {
		done, total, errors int
		elapsed             time.Duration
		want                string
	}{
		{0, 2000, 0, 0, "0/2000 targets · 0.0/s · 0 errors"},
		{100, 2000, 1, 10 * time.Second, "100/2000 targets · 10.0/s · 1 error · 3m10s left"},
		{2000, 2000, 3, 20 * time.Second, "2000/2000 targets · 100.0/s · 3 errors"},
		{50, 0, 2, 5 * time.Second, "50 targets · 10.0/s · 2 errors"}, // a lazily read list: no total, no ETA
	} {
		if got := progressLine(tc.done, tc.total, tc.errors, tc.elapsed); got != tc.want {
			t.Errorf("progressLine(%d, %d, %d, %s) = %q, want %q", tc.done, tc.total, tc.errors, tc.elapsed, got, tc.want)
		}
	}
}

// With -i FILE the progress line knows the total, so that it can say how
// long is left; a list on standard input does not.
func TestListTotal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "list.txt")
	if err := os.WriteFile(path, []byte("# my instances\na.test\n\nb.test # the big one\n  c.test\n#d.test\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if n := listTotal(path); n != 3 {
		t.Errorf("listTotal = %d, want 3 (comments and blank lines are not targets)", n)
	}
	if n := listTotal("-"); n != 0 {
		t.Errorf("stdin: %d, want 0 (unknown)", n)
	}
	if n := listTotal(filepath.Join(t.TempDir(), "missing")); n != 0 {
		t.Errorf("missing file: %d, want 0", n)
	}
}
