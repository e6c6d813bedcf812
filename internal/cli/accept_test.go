package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardscan/hardscan/scan/gate"
)

// The baseline is the accepted state: only --accept writes it, and an
// invocation that would rewrite it otherwise, or accept nowhere, is a
// usage error found before any scan.
func TestBaselineUsageErrors(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "accepted.json")
	if err := os.WriteFile(base, []byte(`{"schema_version": 2, "targets": []}`), 0o600); err != nil {
		t.Fatal(err)
	}
	notJSON := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notJSON, []byte("hello\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"-o is the baseline", []string{"--baseline", base, "-o", base, "example.tld"}, "never rewrites"},
		{"-o is the baseline by another name", []string{"--baseline", base, "-o", filepath.Join(dir, ".", "accepted.json"), "example.tld"}, "never rewrites"},
		{"--accept without --baseline", []string{"--accept", "example.tld"}, "--accept needs --baseline"},
		{"a directory", []string{"--baseline", dir, "example.tld"}, "not a regular file"},
		{"not a report", []string{"--baseline", notJSON, "example.tld"}, "notes.txt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := os.ReadFile(base)
			o := runArgs(t, tc.args...)
			if o.code != gate.ExitUsage || !strings.HasPrefix(o.stderr, "hardscan: ") || !strings.Contains(o.stderr, tc.want) || o.stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and one line naming %q", o.code, o.stdout, o.stderr, tc.want)
			}
			if after, _ := os.ReadFile(base); string(after) != string(before) {
				t.Errorf("the baseline changed")
			}
		})
	}
}

// Under umask 077 (a unit's UMask=0077) the report and the baseline are
// the user's alone: files are created 0666 less the umask, as by any
// program, not forced readable by all.
func TestFilesKeepToUmask(t *testing.T) {
	site := startSite(t, scenario(t, "pleroma-2.7-sts"))
	dir := t.TempDir()
	report, accepted := filepath.Join(dir, "r.json"), filepath.Join(dir, "accepted.json")
	args := append([]string{"--no-progress", "-o", report, "--baseline", accepted, "--accept"}, site...)
	cmd := runSelf(t, "umask 077", append(args, "example.tld")...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("umask 077; hardscan %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	for _, p := range []string{report, accepted} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("%s: mode %#o under umask 077, want 0600", filepath.Base(p), got)
		}
	}
}
