package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/result"
)

// The helpers here give the table and markdown the same words and order.
// Their results are sanitised.

// sortFindings returns fs worst first, then by id, keeping the scanner's
// order otherwise; without all, passed findings are left out.
func sortFindings(fs []finding.Finding, all bool) []finding.Finding {
	out := make([]finding.Finding, 0, len(fs))
	for _, f := range fs {
		if all || f.Severity != finding.Pass {
			out = append(out, f)
		}
	}
	slices.SortStableFunc(out, func(a, b finding.Finding) int {
		return cmp.Or(cmp.Compare(b.Severity, a.Severity), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// checkName is a finding's id, followed by its subject in parentheses.
func checkName(f finding.Finding) string {
	if f.Subject == "" {
		return Sanitize(f.ID)
	}
	return Sanitize(f.ID + " (" + f.Subject + ")")
}

func tlsFacts(t *result.TLS) string {
	s := Sanitize(t.Version)
	if s == "" {
		s = "TLS"
	}
	if t.Verified {
		s += " verified"
	} else {
		s += " NOT verified"
	}
	switch {
	case t.NotAfter.IsZero():
	case t.DaysLeft < 0:
		s += fmt.Sprintf(", expired %s (%d days ago)", t.NotAfter.UTC().Format("2006-01-02"), -t.DaysLeft)
	default:
		s += fmt.Sprintf(", expires %s (%d days)", t.NotAfter.UTC().Format("2006-01-02"), t.DaysLeft)
	}
	return s
}

// summary is the run's one-line tally.
func summary(s result.Summary) string {
	return fmt.Sprintf("%d %s, %d %s: %d fail, %d warn, %d info, %d pass",
		s.Targets, plural(s.Targets, "target", "targets"),
		s.Errors, plural(s.Errors, "error", "errors"),
		s.Fail, s.Warn, s.Info, s.Pass)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// changeWord is a Change's Was or Now for people: "new" and "gone" for the
// empty side.
func changeWord(s, empty string) string {
	if s == "" {
		return empty
	}
	return Sanitize(s)
}

// platformFirst puts first in each fix the snippets for what the target
// runs: its application (the software detected, else the profile), then
// the web server its Server header names, then the others in the
// catalogue's order; so that the fix on the first screen is the one that
// applies. The findings' own Fix values are not changed.
func platformFirst(t *result.Target, fs []finding.Finding) []finding.Finding {
	rank, _ := platformRank(t)
	out := make([]finding.Finding, len(fs))
	for i, f := range fs {
		out[i] = f
		if f.Fix == nil || len(f.Fix.Snippets) < 2 {
			continue
		}
		fix := *f.Fix
		fix.Snippets = slices.Clone(fix.Snippets)
		slices.SortStableFunc(fix.Snippets, func(a, b finding.Snippet) int { return cmp.Compare(rank(a.Platform), rank(b.Platform)) })
		out[i].Fix = &fix
	}
	return out
}

// platformRank ranks a platform name by how surely the target runs it: 0
// for its application, then the web server its Server header names; every
// other platform gets the same, last rank: none.
func platformRank(t *result.Target) (rank func(platform string) int, none int) {
	var own []string
	if t.Software != nil && t.Software.Name != "" {
		own = append(own, strings.ToLower(t.Software.Name))
	}
	if t.Profile != "" {
		own = append(own, strings.ToLower(t.Profile))
	}
	for _, v := range t.Headers["server"] {
		name, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(v)), "/")
		own = append(own, strings.TrimSpace(name))
	}
	return func(p string) int {
		if i := slices.Index(own, strings.ToLower(p)); i >= 0 {
			return i
		}
		return len(own)
	}, len(own)
}

// ownSnippets are the snippets of a fix for the platform the target runs
// most surely (all of that platform's, in order); when it runs none that
// the fix has a snippet for, every snippet, since one of them applies.
func ownSnippets(t *result.Target, fix *finding.Fix) []finding.Snippet {
	if fix == nil || len(fix.Snippets) == 0 {
		return nil
	}
	rank, none := platformRank(t)
	best := rank(fix.Snippets[0].Platform)
	for _, s := range fix.Snippets[1:] {
		best = min(best, rank(s.Platform))
	}
	var out []finding.Snippet
	for _, s := range fix.Snippets {
		if r := rank(s.Platform); r == best || best == none {
			out = append(out, s)
		}
	}
	return out
}
