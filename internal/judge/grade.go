package judge

import (
	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/scan/finding"
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

// GradeTable maps the lowest score of each grade, best first (the MDN
// Observatory's thresholds).
var GradeTable = []struct {
	Grade    string
	MinScore int
}{
	{"A+", 100}, {"A", 90}, {"A-", 85}, {"B+", 80}, {"B", 70}, {"B-", 65},
	{"C+", 60}, {"C", 50}, {"C-", 45}, {"D+", 40}, {"D", 30}, {"D-", 25}, {"F", -1 << 31},
}

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
	for _, g := range GradeTable {
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
	for i, row := range GradeTable {
		if row.Grade == g {
			return i
		}
	}
	return len(GradeTable)
}
