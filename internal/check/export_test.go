package check

import "github.com/hardscan/hardscan/scan/finding"

// Fill and RuleFor let the external tests walk every rule and snippet of
// the catalogue (they import the judges, which import this package).
var Fill = fill

// RuleFor is the index in c.Fixes of the rule that fixes f, or -1.
func RuleFor(c *Check, f finding.Finding) int { return c.ruleFor(f) }
