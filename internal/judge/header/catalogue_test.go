package header

import (
	"testing"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/scan/finding"
)

// Every header entry of the catalogue is judged here, by a comparator
// under its id, except the two with packages of their own; and every
// comparator judges a header the catalogue has.
func TestEveryHeaderEntryHasAComparator(t *testing.T) {
	own := map[string]bool{check.CSP: true, check.HSTS: true}
	entries := map[string]bool{}
	for _, c := range check.Headers() {
		entries[c.ID] = true
		if _, ok := comparators[c.ID]; !ok && !own[c.ID] {
			t.Errorf("%s: a header entry with no comparator", c.ID)
		}
		if _, ok := kinds[c.ID]; !ok && !own[c.ID] {
			t.Errorf("%s: not among the kinds", c.ID)
		}
		if c.Header.Recommended == "" && !own[c.ID] {
			t.Errorf("%s: no recommended value", c.ID)
		}
	}
	for id := range comparators {
		if !entries[id] {
			t.Errorf("%s: a comparator for no header entry", id)
		}
	}
	// The recommended value is one the header's own comparator passes.
	for id, k := range kinds {
		if err := k.validWant(k.Recommended); err != nil {
			t.Errorf("%s: recommended %q is no valid want: %v", id, k.Recommended, err)
		}
		if v := k.judge([]string{k.Recommended}, "", Input{}); v.reason != "" || v.sev != finding.Pass {
			t.Errorf("%s: recommended %q is judged %v %q: %s", id, k.Recommended, v.sev, v.reason, v.msg)
		}
	}
}
