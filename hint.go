package main

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/spf13/pflag"

	"github.com/hardscan/hardscan/internal/probe"
)

// closest returns the candidate nearest to s by edit distance, or "" when
// none is near enough to be the word meant: at most 2 edits, and fewer than
// half of s, so that "-x" does not suggest "-k".
func closest(s string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		d := editDistance(strings.ToLower(s), strings.ToLower(c))
		if d < bestD && d*2 < max(len(s), 2) {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, over bytes:
// flag and profile names are ASCII.
func editDistance(a, b string) int {
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

// flagHint turns pflag's "unknown flag: --colour" into a suggestion of the
// flag meant; other parse errors get the generic pointer to --help.
func flagHint(fs *pflag.FlagSet, err error) string {
	const generic = "hardscan --help lists the flags"
	name, ok := strings.CutPrefix(err.Error(), "unknown flag: --")
	if !ok {
		return generic
	}
	name, _, _ = strings.Cut(name, "=")
	var names []string
	fs.VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
	if s := closest(name, names); s != "" {
		return "did you mean --" + s + "?"
	}
	return generic
}

// didYouMean is a hint naming the candidate closest to s, else fallback.
func didYouMean(s string, candidates []string, fallback string) string {
	if c := closest(s, candidates); c != "" {
		return "did you mean " + c + "?"
	}
	return fallback
}

// resolveCovers refuses a --resolve set that names the URL's host but not
// its port: a user of --resolve is saying "do not ask DNS", and a rule for
// another port would otherwise fall back to a DNS lookup without a word.
func resolveCovers(rules []probe.Resolve, u *url.URL) error {
	if len(rules) == 0 {
		return nil
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	port := u.Port()
	if port == "" {
		port = "443"
	}
	var ports []string
	for _, r := range rules {
		if r.Host != "*" && r.Host != host {
			continue
		}
		if r.Port == "*" || r.Port == port {
			return nil
		}
		ports = append(ports, r.Port)
	}
	if len(ports) == 0 {
		return nil // the host is not one --resolve speaks of
	}
	return &usageError{
		msg:  fmt.Sprintf("--resolve covers %s on port %s but not port %s, which %s uses", host, strings.Join(ports, ", "), port, u.Redacted()),
		hint: fmt.Sprintf("add --resolve %s:%s:ADDR (or %s:*:ADDR for every port)", host, port, host),
	}
}
