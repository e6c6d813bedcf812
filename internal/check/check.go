// Package check is hardscan's catalogue of checks: every check is defined
// here once, in one table, with its id, a one-line title, the reasons it
// can give, the spec references, the fixes per platform and, for a header,
// what hardscan knows of it. --list-checks, the validation of profile
// overrides, every output format and the tests read it; a judge names a
// check and a reason by the constants declared here, so that a typo is a
// build failure rather than an id that loads and never applies. The
// members of a family (csp.<directive>, unit.<Directive>, config.<key>)
// are data too: whatever a binary links, it validates an id alike.
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

// Check is one catalogue entry.
type Check struct {
	// ID is the stable dotted id; a family ends in ".<name>" and stands
	// for every id with its prefix (csp.<directive>, unit.<Directive>):
	// its members are the entries of the members table with that prefix.
	ID    string
	Title string
	// Reasons are every reason the check can give besides OK.
	Reasons []Reason
	Refs    []string
	// Fixes are tried in order; the first whose Reasons include the
	// finding's reason (or that names no reasons) applies. A header check
	// that gives none gets the usual two: send the header where it is
	// absent, replace it where it is wrong.
	Fixes []Fix
	// Header, for a check of one response header, says what hardscan
	// knows of that header.
	Header *Header
	// Unlisted, for a family, are further members that have no entry of
	// their own and are not listed (deprecated CSP directives, which a
	// profile may still name).
	Unlisted []string
}

// Header is what the catalogue knows of the header a check judges; the
// comparator that judges its value is the header judge's, under the
// check's id.
type Header struct {
	// Name is the header as usually spelt (X-XSS-Protection); a profile's
	// rules key on it in lower case, which is also the check's id.
	Name string
	// Recommended is the value a fix writes when the profile names none:
	// today's advice (OWASP Secure Headers Project).
	Recommended string
	// ErrorPages means error pages must carry the header too: when / sends
	// it and an error page does not, headers.error-page says so.
	ErrorPages bool
	// Obsolete, for a header browsers no longer read, is the note added
	// to the row of a profile that still asks for it.
	Obsolete string
}

// Family reports whether c stands for a family of ids.
func (c Check) Family() bool { return strings.HasSuffix(c.ID, ">") }

// Prefix is the part of a family's id before "<".
func (c Check) Prefix() string { return c.ID[:strings.Index(c.ID, "<")] }

// Fix is what to change for some of a check's reasons.
type Fix struct {
	Reasons []Reason
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
	return len(f.Reasons) == 0 || slices.Contains(f.Reasons, Reason(reason))
}

// catalogue is the table of entries.go with its fixes attached, indexed.
type catalogue struct {
	byID     map[string]*Check
	families []*Check
	all      []*Check // in table order
	// memberNames are each family's listed members, sorted.
	memberNames map[string][]string
}

// cat is built from the tables of this package alone, so that every
// binary that links it sees the same catalogue.
var cat = build(entries, members, allFixes())

// build indexes the entries and attaches the fixes. It panics on a
// duplicate id, an entry without a title, fixes of no entry and members
// of no family: the tables are constants, so a defect shows in every test.
func build(cs []Check, ms map[string]Member, fx map[string][]Fix) catalogue {
	k := catalogue{byID: map[string]*Check{}, memberNames: map[string][]string{}}
	for i := range cs {
		c := &cs[i]
		if c.Title == "" {
			panic("check " + c.ID + ": no title")
		}
		if _, dup := k.byID[c.ID]; dup {
			panic("check " + c.ID + " given twice")
		}
		if !c.Family() && slices.Contains(c.Reasons, Absent) {
			// On a site whose application is down (site.down), a header
			// the error page lacks is unknown rather than absent: every
			// check that can say absent can say site-down instead.
			c.Reasons = append(c.Reasons, SiteDownReason)
		}
		k.byID[c.ID] = c
		if c.Family() {
			k.families = append(k.families, c)
		}
		k.all = append(k.all, c)
	}
	for id := range ms {
		fam := k.familyOf(id)
		if fam == nil {
			panic("check: member " + id + " of no family")
		}
		k.memberNames[fam.ID] = append(k.memberNames[fam.ID], strings.TrimPrefix(id, fam.Prefix()))
	}
	for _, names := range k.memberNames {
		sort.Strings(names)
	}
	for id, f := range fx {
		c, ok := k.byID[id]
		if !ok {
			panic("check: fixes for unknown check " + id)
		}
		c.Fixes = f
	}
	for _, c := range k.all {
		if c.Header != nil && c.Fixes == nil {
			c.Fixes = headerFix(c)
		}
	}
	return k
}

// familyOf is the family whose prefix id has, by prefix alone.
func (k catalogue) familyOf(id string) *Check {
	for _, c := range k.families {
		if rest, ok := strings.CutPrefix(id, c.Prefix()); ok && rest != "" {
			return c
		}
	}
	return nil
}

// All returns every check, sorted by id.
func All() []Check {
	out := make([]Check, 0, len(cat.all))
	for _, c := range cat.all {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Headers returns the checks of one response header, in table order:
// the order in which headers.error-page compares them.
func Headers() []Check {
	var out []Check
	for _, c := range cat.all {
		if c.Header != nil {
			out = append(out, *c)
		}
	}
	return out
}

// Lookup finds the check of id, directly or through its family.
func Lookup(id string) (*Check, bool) {
	if c, ok := cat.byID[id]; ok {
		return c, true
	}
	for _, c := range cat.families {
		rest, ok := strings.CutPrefix(id, c.Prefix())
		if !ok || rest == "" {
			continue
		}
		if _, member := members[id]; member || slices.Contains(c.Unlisted, rest) {
			return c, true
		}
	}
	return nil, false
}

// Members returns the listed members of the family id ("unit.<Directive>"),
// sorted: the names after its prefix.
func Members(family string) []string { return slices.Clone(cat.memberNames[family]) }

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
	if rs := reasonsOf(id, c); reason != "" && Reason(reason) != OK && !slices.Contains(rs, Reason(reason)) {
		return fmt.Errorf("check %s has no reason %q (it gives %s)", id, reason, strings.Join(Strings(append([]Reason{OK}, rs...)), ", "))
	}
	return nil
}

// Suggest returns the known id closest to id, or "" when none is close.
func Suggest(id string) string {
	best, bestD := "", 3
	for _, c := range cat.all {
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
	for _, c := range cat.families {
		rest, ok := strings.CutPrefix(id, c.Prefix())
		if !ok {
			continue
		}
		for _, m := range cat.memberNames[c.ID] {
			if d := suggest.Distance(rest, m); d < bestD {
				best, bestD = c.Prefix()+m, d
			}
		}
	}
	return best
}

// List returns every id a report can contain, sorted: each check, and each
// member of a family by its own id, with its own title and reasons (the
// family's where it has no entry of its own).
func List() []Check {
	var out []Check
	for _, c := range All() {
		if !c.Family() {
			out = append(out, c)
			continue
		}
		names := cat.memberNames[c.ID]
		if len(names) == 0 {
			out = append(out, c)
			continue
		}
		for _, n := range names {
			id := c.Prefix() + n
			if _, own := cat.byID[id]; own {
				continue // a member with an entry of its own is listed as that
			}
			m := c
			m.ID = id
			own := members[id]
			m.Title, m.Reasons = own.Title, own.Reasons
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Strings returns reasons as the strings a finding and a report carry.
func Strings(rs []Reason) []string {
	ss := make([]string, len(rs))
	for i, r := range rs {
		ss[i] = string(r)
	}
	return ss
}
