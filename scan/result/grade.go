package result

// GradeStep is one grade and the lowest score that earns it.
type GradeStep struct {
	Grade    string
	MinScore int
}

// GradeTable maps the lowest score of each grade, best first (the MDN
// Observatory's thresholds): the grades a Target's Grade can hold, in the
// order dashboards rank them.
var GradeTable = []GradeStep{
	{"A+", 100}, {"A", 90}, {"A-", 85}, {"B+", 80}, {"B", 70}, {"B-", 65},
	{"C+", 60}, {"C", 50}, {"C-", 45}, {"D+", 40}, {"D", 30}, {"D-", 25}, {"F", -1 << 31},
}
