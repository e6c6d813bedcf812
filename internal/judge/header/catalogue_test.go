package header

import (
	"net/http"
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

// Verdicts keyed on id, reason and severity, one row per case of a header.
func TestVerdictReasons(t *testing.T) {
	oac := Rule{Want: "?1", Missing: "info"} // the modern profile's
	for _, tc := range []struct {
		id     string
		rule   Rule
		values []string // the header's lines; none: absent
		reason string
		sev    finding.Severity
		why    string
	}{
		{check.OriginAgentCluster, oac, []string{"?1"}, check.OK, finding.Pass, "HTML: the boolean true asks for an origin-keyed agent cluster"},
		{check.OriginAgentCluster, oac, []string{"?1;report"}, check.OK, finding.Pass, "RFC 8941: an item may carry parameters"},
		{check.OriginAgentCluster, oac, []string{"?0"}, check.Weaker, finding.Warn, "HTML: ?0 asks for the site-keyed cluster, where document.domain works"},
		{check.OriginAgentCluster, oac, nil, check.Absent, finding.Info, "the profile's missing severity"},
		{check.OriginAgentCluster, oac, []string{"1"}, check.Invalid, finding.Warn, "RFC 8941: 1 is an integer, not a boolean: ignored"},
		{check.OriginAgentCluster, oac, []string{"?1", "?1"}, check.Invalid, finding.Warn, "RFC 8941: two lines join into a list, not an item: ignored"},
		{check.OriginAgentCluster, oac, []string{"true"}, check.Invalid, finding.Warn, "a token is no boolean"},
		{check.OriginAgentCluster, Rule{}, []string{"?0"}, check.OK, finding.Pass, "no want: any valid value"},
	} {
		hd := http.Header{}
		for _, v := range tc.values {
			hd.Add(tc.id, v)
		}
		f := one(t, tc.id, tc.rule, Input{Header: hd})
		if f.Reason != tc.reason || f.Severity != tc.sev {
			t.Errorf("%s %q: %s %s (%s), want %s %s (%s)", tc.id, tc.values, f.Severity, f.Reason, f.Message, tc.sev, tc.reason, tc.why)
		}
	}
}
