package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
			if o.code != exitUsage || !strings.HasPrefix(o.stderr, "hardscan: ") || !strings.Contains(o.stderr, tc.want) || o.stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and one line naming %q", o.code, o.stdout, o.stderr, tc.want)
			}
			if after, _ := os.ReadFile(base); string(after) != string(before) {
				t.Errorf("the baseline changed")
			}
		})
	}
}
