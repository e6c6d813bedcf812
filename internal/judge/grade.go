package judge

import (
	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/result"
)

// Scoring: 100 points, minus FailPenalty per fail and WarnPenalty per warn.
// Bonuses (BonusIDs passing) count only when nothing failed or warned, and a
// target with any fail is capped at FailCap: a bonus never hides a failure.
const (
	FailPenalty = 25
	WarnPenalty = 8
	Bonus       = 5
	FailCap     = "C"
)

// BonusIDs earn Bonus points each when they pass on an otherwise clean target.
var BonusIDs = []string{check.HSTSPreload, check.CrossOriginOpenerPolicy}

// Score computes the points of a target's findings.
func Score(fs []finding.Finding) int {
	c := finding.Tally(fs)
	score := 100 - FailPenalty*c.Fail - WarnPenalty*c.Warn
	if c.Fail == 0 && c.Warn == 0 {
		for _, f := range fs {
			for _, id := range BonusIDs {
				if f.ID == id && f.Severity == finding.Pass {
					score += Bonus
				}
			}
		}
	}
	return score
}

// Grade turns findings into a letter grade; "" (no grade, left out of the
// report) when site.down failed: the page judged was the server's error
// page, not the site (README, "Grades").
func Grade(fs []finding.Finding) string {
	for _, f := range fs {
		if f.ID == check.SiteDown && f.Severity != finding.Pass {
			return ""
		}
	}
	score := Score(fs)
	grade := "F"
	for _, g := range result.GradeTable {
		if score >= g.MinScore {
			grade = g.Grade
			break
		}
	}
	if finding.Tally(fs).Fail > 0 && rank(grade) < rank(FailCap) {
		grade = FailCap
	}
	return grade
}

// rank orders grades, 0 best.
func rank(g string) int {
	for i, row := range result.GradeTable {
		if row.Grade == g {
			return i
		}
	}
	return len(result.GradeTable)
}
