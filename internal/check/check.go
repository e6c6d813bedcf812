// Package check is hardscan's catalogue of checks: every check is defined
// here once, with its id, a one-line title, the reasons it can give, the
// spec references, and the fixes per platform. --list-checks, the
// validation of profile overrides, every output format and the tests read
// it; a judge names a check by one of the ID constants, so that a typo is a
// build failure rather than an id that loads and never applies.
//
// Fixes are data: templates with {name} placeholders that Attach fills from
// the finding's Vars (set by the judge: the header to send, the value it
// wants) and from the target (its host), keeping only the snippets for the
// platforms the target runs.
package check

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hardscan/hardscan/internal/suggest"
	"github.com/hardscan/hardscan/scan/finding"
)

// Platform names what a fix snippet is written for.
type Platform string

// The platforms: the applications hardscan knows, the web servers in front
// of them, and systemd for unit files.
const (
	Pleroma  Platform = "pleroma"
	Akkoma   Platform = "akkoma"
	Mastodon Platform = "mastodon"
	Nginx    Platform = "nginx"
	Apache   Platform = "apache"
	Caddy    Platform = "caddy"
	Lighttpd Platform = "lighttpd"
	HAProxy  Platform = "haproxy"
	Systemd  Platform = "systemd"
)

// Servers are the web servers, in the order a fix lists them when the
// server in front is unknown.
var Servers = []Platform{Nginx, Apache, Caddy, Lighttpd, HAProxy}

// Apps are the applications whose own settings can fix a header they send.
var Apps = []Platform{Pleroma, Akkoma, Mastodon}

// OK is the reason of every pass.
const OK = "ok"

// Check is one catalogue entry.
type Check struct {
	// ID is the stable dotted id; a family ends in ".<name>" and stands
	// for every id with its prefix (csp.<directive>, unit.<Directive>).
	ID    string
	Title string
	// Reasons are every reason the check can give besides OK.
	Reasons []string
	Refs    []string
	// Fixes are tried in order; the first whose Reasons include the
	// finding's reason (or that names no reasons) applies.
	Fixes []Fix
	// Members, for a family, names its members: the package that judges
	// them sets it (csp directives, unit directives, config keys), so
	// that csp.scirpt-src is an unknown id and not a family member.
	Members func(name string) bool
}

// SetMembers gives the family id (as registered, "csp.<directive>") the
// function that knows its members. It panics on an id that is no family.
func SetMembers(family string, members func(string) bool) {
	c, ok := byID[family]
	if !ok || !c.Family() {
		panic("check: no family " + family)
	}
	c.Members = members
}

// Family reports whether c stands for a family of ids.
func (c Check) Family() bool { return strings.HasSuffix(c.ID, ">") }

// Prefix is the part of a family's id before "<".
func (c Check) Prefix() string { return c.ID[:strings.Index(c.ID, "<")] }

// Fix is what to change for some of a check's reasons.
type Fix struct {
	Reasons []string
	// IDs, when set, limits the rule to these members of a family
	// (csp.connect-src of csp.<directive>, config.http.ip of config.<key>).
	IDs     []string
	Summary string
	// Snippets are templates, one or more per platform.
	Snippets []finding.Snippet
	// AppOwned marks a header the application sends itself: where the
	// target runs an application with a snippet here, the web-server
	// snippets are left out, since adding the header in nginx as well
	// would send it twice.
	AppOwned bool
}

func (f Fix) covers(reason string) bool {
	return len(f.Reasons) == 0 || slices.Contains(f.Reasons, reason)
}

var (
	byID     = map[string]*Check{}
	families []*Check
	all      []*Check
)

// Register adds checks to the catalogue. It panics on a duplicate id or an
// entry without a title: the catalogue is built at init, so a defect shows
// in every test.
func Register(cs ...Check) {
	for i := range cs {
		c := &cs[i]
		if c.Title == "" {
			panic("check " + c.ID + ": no title")
		}
		if _, dup := byID[c.ID]; dup {
			panic("check " + c.ID + " registered twice")
		}
		byID[c.ID] = c
		if c.Family() {
			families = append(families, c)
		}
		all = append(all, c)
	}
}

// All returns every check, sorted by id.
func All() []Check {
	out := make([]Check, 0, len(all))
	for _, c := range all {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Lookup finds the check of id, directly or through its family.
func Lookup(id string) (*Check, bool) {
	if c, ok := byID[id]; ok {
		return c, true
	}
	for _, c := range families {
		if rest, ok := strings.CutPrefix(id, c.Prefix()); ok && rest != "" && !strings.ContainsAny(rest, " \t") &&
			(c.Members == nil || c.Members(rest)) {
			return c, true
		}
	}
	return nil, false
}

// Known reports whether id is a check hardscan can emit.
func Known(id string) bool {
	_, ok := Lookup(id)
	return ok
}

// Validate says what is wrong with an id and, when given, a reason (as a
// profile override names them), with a suggestion for a near miss.
func Validate(id, reason string) error {
	c, ok := Lookup(id)
	if !ok {
		if s := Suggest(id); s != "" {
			return fmt.Errorf("unknown check id %q (did you mean %q? hardscan --list-checks lists them)", id, s)
		}
		return fmt.Errorf("unknown check id %q (hardscan --list-checks lists them)", id)
	}
	if reason != "" && reason != OK && !slices.Contains(c.Reasons, reason) {
		return fmt.Errorf("check %s has no reason %q (it gives %s)", id, reason, strings.Join(append([]string{OK}, c.Reasons...), ", "))
	}
	return nil
}

// Suggest returns the known id closest to id, or "" when none is close.
func Suggest(id string) string {
	best, bestD := "", 3
	for _, c := range all {
		cand := c.ID
		if c.Family() {
			continue // a family's members are suggested by their own names below
		}
		if d := suggest.Distance(id, cand); d < bestD {
			best, bestD = cand, d
		}
	}
	if best != "" {
		return best
	}
	for _, c := range families {
		rest, ok := strings.CutPrefix(id, c.Prefix())
		if !ok || c.Members == nil {
			continue
		}
		for _, m := range memberNames[c.ID] {
			if d := suggest.Distance(rest, m); d < bestD {
				best, bestD = c.Prefix()+m, d
			}
		}
	}
	return best
}

// memberNames lists a family's members for suggestions, where known.
var memberNames = map[string][]string{}

// SetMemberNames gives a family the names Suggest may offer.
func SetMemberNames(family string, names []string) { memberNames[family] = names }

// List returns every id a report can contain, sorted: each check, and each
// member of a family by its own id, with the family's title and reasons.
func List() []Check {
	var out []Check
	for _, c := range All() {
		if !c.Family() {
			out = append(out, c)
			continue
		}
		names := memberNames[c.ID]
		if len(names) == 0 {
			out = append(out, c)
			continue
		}
		for _, n := range names {
			id := c.Prefix() + n
			if _, own := byID[id]; own {
				continue // a member with an entry of its own is listed as that
			}
			m := c
			m.ID = id
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
