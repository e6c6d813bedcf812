package header

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/internal/parse/sf"
	"github.com/hardscan/hardscan/scan/finding"
)

// Allowlist is who may use one Permissions-Policy feature.
type Allowlist struct {
	All     bool     // *
	Self    bool     // self
	Origins []string // quoted origins
}

// None reports whether the feature is disabled everywhere: "()".
func (a Allowlist) None() bool { return !a.All && !a.Self && len(a.Origins) == 0 }

// within reports whether a allows no more than b.
func (a Allowlist) within(b Allowlist) bool {
	if b.All {
		return true
	}
	if a.All || a.Self && !b.Self {
		return false
	}
	for _, o := range a.Origins {
		if !slices.Contains(b.Origins, o) {
			return false
		}
	}
	return true
}

// Feature is one member of a Permissions-Policy.
type Feature struct {
	Name  string
	Allow Allowlist
}

// ParsePermissionsPolicy parses Permissions-Policy values as one RFC 8941
// Dictionary (several header lines join with commas). An error means
// browsers ignore the whole header.
func ParsePermissionsPolicy(values []string) ([]Feature, error) {
	dict, err := sf.ParseDictionary(strings.Join(values, ", "))
	if err != nil {
		return nil, err
	}
	fs := make([]Feature, 0, len(dict))
	for _, m := range dict {
		items := m.Inner
		if !m.IsInner {
			items = []sf.Item{m.Item}
		}
		var a Allowlist
		seen := map[string]bool{}
		for _, it := range items {
			switch b := it.Bare; {
			case b.Kind == sf.Token && b.Str == "*":
				a.All = true
			case b.Kind == sf.Token && b.Str == "self":
				a.Self = true
			case b.Kind == sf.String:
				if !seen[b.Str] {
					seen[b.Str] = true
					a.Origins = append(a.Origins, b.Str)
				}
			}
		}
		fs = append(fs, Feature{Name: m.Key, Allow: a})
	}
	return fs, nil
}

func validPermissions(want string) error {
	_, err := ParsePermissionsPolicy([]string{want})
	return err
}

func judgePermissions(vs []string, want string, _ Input) verdict {
	got, err := ParsePermissionsPolicy(vs)
	if err != nil {
		return verdict{sev: finding.Warn, reason: check.Invalid, msg: fmt.Sprintf("Permissions-Policy is not a valid structured-field dictionary (%v), so browsers ignore it whole; fix its syntax, e.g. camera=(), geolocation=(self)", err)}
	}
	var off, on []string
	for _, f := range got {
		if f.Allow.None() {
			off = append(off, f.Name)
		} else {
			on = append(on, f.Name)
		}
	}
	summary := fmt.Sprintf("disabled: %s; restricted or allowed: %s", listOrNone(off), listOrNone(on))
	wanted, _ := ParsePermissionsPolicy([]string{want})
	var weaker []string
	for _, w := range wanted {
		i := slices.IndexFunc(got, func(f Feature) bool { return f.Name == w.Name })
		if i < 0 || !got[i].Allow.within(w.Allow) {
			weaker = append(weaker, w.Name)
		}
	}
	if len(weaker) > 0 {
		return verdict{sev: finding.Warn, reason: check.Weaker, msg: fmt.Sprintf("Permissions-Policy allows more than the profile for %s (%s); restrict them as in %q", strings.Join(weaker, ", "), summary, want)}
	}
	return verdict{msg: "Permissions-Policy " + summary}
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
