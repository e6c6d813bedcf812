package csp

import (
	"slices"
	"testing"

	"github.com/hardscan/hardscan/internal/check"
	parse "github.com/hardscan/hardscan/internal/parse/csp"
)

// The catalogue lists the csp.<directive> members as data: the directives
// the parser knows are its listed members, and the deprecated ones (which
// a profile may still name) its unlisted members; nothing else is one.
func TestCatalogueListsTheDirectivesParsed(t *testing.T) {
	known := parse.KnownNames()
	slices.Sort(known)
	if got := check.Members("csp.<directive>"); !slices.Equal(got, known) {
		t.Errorf("catalogue members %v\nparser's directives %v", got, known)
	}
	fam, ok := check.Lookup(check.CSPDirective("script-src"))
	if !ok {
		t.Fatal("no csp.<directive> family")
	}
	for _, n := range fam.Unlisted {
		if !parse.Deprecated(n) {
			t.Errorf("%s: an unlisted member the parser does not call deprecated", n)
		}
	}
	for _, n := range []string{"block-all-mixed-content", "disown-opener", "navigate-to", "plugin-types", "prefetch-src", "referrer", "reflected-xss", "require-sri-for"} {
		if parse.Deprecated(n) != slices.Contains(fam.Unlisted, n) {
			t.Errorf("%s: deprecated %v, unlisted member %v", n, parse.Deprecated(n), slices.Contains(fam.Unlisted, n))
		}
	}
	if check.Known(check.CSPDirective("scirpt-src")) {
		t.Error("csp.scirpt-src is a member")
	}
}
