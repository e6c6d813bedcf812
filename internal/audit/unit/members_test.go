package unit

import (
	"slices"
	"testing"

	"github.com/hardscan/hardscan/internal/check"
)

// The catalogue lists the unit.<Directive> members as data; they must be
// exactly the directives this package judges: the guide's and every extra
// one it scores.
func TestCatalogueListsTheDirectivesJudged(t *testing.T) {
	var judged []string
	for k := range guideWeights {
		if k != "User" {
			judged = append(judged, k)
		}
	}
	for _, e := range extras {
		judged = append(judged, e.key)
	}
	slices.Sort(judged)
	if got := check.Members("unit.<Directive>"); !slices.Equal(got, judged) {
		t.Errorf("catalogue members %v\njudged directives %v", got, judged)
	}
}
