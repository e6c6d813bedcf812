package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The Debian package's version is the binary's: packaging/build-deb.sh
// refuses to build when packaging/debian/changelog's top entry is another.
func TestChangelogNamesThisVersion(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "packaging", "debian", "changelog"))
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(raw), "\n")
	if want := "hardscan (" + Version + ") "; !strings.HasPrefix(first, want) {
		t.Errorf("packaging/debian/changelog starts %q, want %q...: add an entry for %s", first, want, Version)
	}
}
