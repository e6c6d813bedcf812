package exsconfig

import (
	"slices"
	"testing"

	"github.com/hardscan/hardscan/internal/check"
)

// The catalogue lists the config.<key> members as data; they must be
// exactly the keys Judge gives.
func TestCatalogueListsTheKeysJudged(t *testing.T) {
	judged := slices.Sorted(slices.Values(keys))
	if got := check.Members("config.<key>"); !slices.Equal(got, judged) {
		t.Errorf("catalogue members %v\njudged keys %v", got, judged)
	}
}
