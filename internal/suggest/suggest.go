// Package suggest finds the word a user meant: the "did you mean" of a
// mistyped flag, profile, format or check id.
package suggest

import "strings"

// Closest returns the candidate nearest to s by edit distance, ignoring
// case, or "" when none is near enough to be the word meant: at most 2
// edits, and fewer than half of s, so that "-x" does not suggest "-k".
func Closest(s string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		d := Distance(strings.ToLower(s), strings.ToLower(c))
		if d < bestD && d*2 < max(len(s), 2) {
			best, bestD = c, d
		}
	}
	return best
}

// Distance is the Levenshtein distance between a and b, over bytes: the
// names it compares are ASCII.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
