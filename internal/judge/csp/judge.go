package csp

import (
	"net/url"
	"sort"
	"strings"

	"github.com/hardscan/hardscan/internal/check"
	parse "github.com/hardscan/hardscan/internal/parse/csp"
	"github.com/hardscan/hardscan/scan/finding"
)

// Input is what a response tells about its CSP.
type Input struct {
	Enforced []string // raw Content-Security-Policy header values in order (each may hold comma-joined policies)
	// Policies are Enforced parsed by ParseHeaders, for a caller that reads
	// them too; nil: Judge parses Enforced.
	Policies   []Policy
	ReportOnly []string // raw Content-Security-Policy-Report-Only values
	Meta       []string // content= of <meta http-equiv="Content-Security-Policy"> in <head>
	Origin     *url.URL // the scanned page's URL (scheme, host and port give 'self')
	// Again are the Content-Security-Policy values of a second response to
	// the same URL, to see whether its nonces change; nil when not fetched.
	Again []string
	// PageNonces are the nonce attributes of the page's <script> elements.
	PageNonces []string
	// Cached names the header that shows a shared cache served the page or
	// its second fetch ("X-Cached: HIT", "Age: 7"), "" when none does: a
	// cache hands every visitor the same nonce.
	Cached string
}

// judge carries one Judge call's state.
type judge struct {
	in       Input
	exp      Expect
	page     *page
	enforced []Policy
	headers  int // enforced[:headers] came from headers, the rest from <meta>
	out      *collector
	// restrictions caches restricting by directive name: several checks
	// ask for the same directive, and building its sets is the costly part.
	restrictions map[string][]restriction
	// sets caches the sets built for restrictions, by the effective
	// directive and the rules it was normalised under: names that fall
	// back to the same directive share its set.
	sets map[setKey]*set
	// wants caches expected by directive name.
	wants map[string][]Source
}

type setKey struct {
	policy, directive int // indexes into enforced and its Directives
	script, inline    bool
}

// expected is the profile's sources for name on this page; the callers
// only read them.
func (j *judge) expected(name string) []Source {
	if srcs, ok := j.wants[name]; ok {
		return srcs
	}
	if j.wants == nil {
		j.wants = make(map[string][]Source, len(j.exp.Directives))
	}
	srcs := expected(j.exp.Directives[name], j.in.Origin)
	j.wants[name] = srcs
	return srcs
}

// Judge checks the policies of in against exp. It returns at most one
// finding per (ID, Subject), sorted by ID then Subject.
func Judge(in Input, exp Expect) []finding.Finding {
	j := &judge{in: in, exp: exp, page: newPage(in.Origin)}
	j.out = newCollector(func() string { return exp.policy(j.expected) })
	j.enforced = in.Policies
	if j.enforced == nil {
		j.enforced = ParseHeaders(in.Enforced)
	}
	j.enforced = j.enforced[:len(j.enforced):len(j.enforced)] // <meta> policies are appended to a copy
	j.headers = len(j.enforced)
	j.addMeta()
	j.reportOnly()
	if !j.present() {
		return j.out.result()
	}
	j.syntax()
	for _, name := range sortedKeys(exp.Directives) {
		j.compare(name, exp.Directives[name])
	}
	j.scripts()
	j.objects()
	j.baseURI()
	j.required()
	j.sources()
	j.reusedNonces()
	j.bypassHosts()
	return j.out.result()
}

// addMeta adds the <meta> policies, without the directives CSP3 §3.3
// ignores there.
func (j *judge) addMeta() {
	var ignored []string
	n := 0
	for _, v := range j.in.Meta {
		for _, p := range ParseList(v) {
			kept := p.Directives[:0:0]
			for _, d := range p.Directives {
				if metaIgnored[d.Name] {
					ignored = append(ignored, d.Name)
					continue
				}
				kept = append(kept, d)
			}
			p.Directives = kept
			if len(kept) > 0 {
				j.enforced = append(j.enforced, p)
				n++
			}
		}
	}
	if n == 0 && len(ignored) == 0 {
		return
	}
	msg, reason := "a <meta http-equiv=\"Content-Security-Policy\"> policy is enforced together with the headers", check.Meta
	if len(ignored) > 0 {
		msg += "; browsers ignore " + strings.Join(dedupe(ignored), ", ") + " in <meta>"
		reason = check.MetaIgnored
	}
	j.out.add(finding.Finding{ID: check.CSPMeta, Reason: reason, Severity: finding.Info, Actual: strings.Join(j.in.Meta, " | "), Message: msg})
}

func (j *judge) reportOnly() {
	var n int
	for _, v := range j.in.ReportOnly {
		n += len(ParseList(v))
	}
	if n == 0 {
		return
	}
	j.out.add(finding.Finding{ID: check.CSPReportOnly, Reason: check.ReportOnly, Severity: finding.Info, Actual: strings.Join(j.in.ReportOnly, ", "),
		Message: "Content-Security-Policy-Report-Only only reports violations and protects nothing; it is not counted as protection"})
}

// present judges the csp check itself.
func (j *judge) present() bool {
	if len(j.enforced) > 0 {
		j.out.add(finding.Finding{ID: check.CSP, Reason: check.OK, Severity: finding.Pass, Expected: "an enforced policy",
			Actual: j.actualHeader(), Message: "an enforced Content-Security-Policy is present"})
		return true
	}
	sev := finding.Info
	if j.exp.Required {
		sev = finding.Fail
	}
	msg, reason := "no enforced Content-Security-Policy", check.Absent
	if len(j.in.ReportOnly) > 0 {
		msg, reason = "only Content-Security-Policy-Report-Only is sent, which protects nothing", check.ReportOnly
	} else if len(j.in.Enforced) > 0 {
		msg, reason = "the Content-Security-Policy header holds no directive", check.Empty
	}
	j.out.add(finding.Finding{ID: check.CSP, Reason: reason, Severity: sev, Expected: "an enforced policy", Actual: j.actualHeader(), Message: msg})
	return false
}

func (j *judge) actualHeader() string {
	vs := append(append([]string{}, j.in.Enforced...), j.in.Meta...)
	if len(vs) == 0 {
		return "(none)"
	}
	return strings.Join(vs, ", ")
}

// syntax reports what the parser dropped or doubts, and deprecated directives.
func (j *judge) syntax() {
	for _, p := range j.enforced {
		for _, pr := range p.Problems {
			msg := pr.Directive + ": " + pr.Reason
			if pr.Token != "" {
				msg = pr.Directive + " " + pr.Token + ": " + pr.Reason
			}
			f := finding.Finding{ID: check.CSPSyntax, Reason: check.Syntax, Severity: finding.Info, Subject: pr.Directive, Actual: pr.Token, Message: msg}
			if pr.Code == CodeMissingSemicolon {
				// The directive the author wrote is lost, and its
				// sources widen the one that swallowed it.
				f.Reason, f.Severity, f.Expected = pr.Code, finding.Warn, "directives separated by ';'"
			}
			j.out.add(f)
		}
		for _, d := range p.Directives {
			if parse.Deprecated(d.Name) {
				j.out.add(finding.Finding{ID: check.CSPDeprecated, Reason: check.Deprecated, Severity: finding.Info, Subject: d.Name, Actual: d.String(),
					Message: d.Name + " is deprecated and ignored by current browsers", Vars: map[string]string{"directive": d.Name}})
			}
		}
	}
}

// restricting holds, for each enforced policy that restricts name, the
// effective directive and its normalised sources.
type restriction struct {
	dir Directive
	set *set
}

func (j *judge) restricting(name string) []restriction {
	if rs, ok := j.restrictions[name]; ok {
		return rs
	}
	if j.restrictions == nil {
		j.restrictions = make(map[string][]restriction, 32) // the directives a Judge asks about, sized to not regrow
	}
	rs := j.buildRestrictions(name)
	j.restrictions[name] = rs
	return rs
}

func (j *judge) buildRestrictions(name string) []restriction {
	var rs []restriction
	for i, p := range j.enforced {
		k, ok := effectiveIndex(p, name)
		if !ok {
			continue
		}
		d := p.Directives[k]
		key := setKey{policy: i, directive: k, script: scriptLike[name], inline: inlineLike[name]}
		s := j.sets[key]
		if s == nil {
			if j.sets == nil {
				j.sets = map[setKey]*set{}
			}
			s = newSet(normalize(name, d), j.page)
			j.sets[key] = s
		}
		rs = append(rs, restriction{dir: d, set: s})
	}
	return rs
}

// inEffect reports whether every enforced policy allows src for name.
// A policy that does not restrict name allows everything.
func inEffect(rs []restriction, src Source) bool {
	for _, r := range rs {
		if !r.set.covers(src) {
			return false
		}
	}
	return true
}

func (j *judge) actual(rs []restriction) string {
	if len(rs) == 0 {
		return "(none)"
	}
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.dir.String()
	}
	return strings.Join(parts, " | ")
}

func dedupe(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// collector keeps one finding per (ID, Subject): the worst severity wins
// and the messages are joined, worst first.
type collector struct {
	// policy writes the profile's whole policy, which every fix of a CSP
	// finding may use; it is written once, and only when one needs a fix.
	policy func() string
	m      map[string]*entry
}

type entry struct {
	f    finding.Finding
	msgs []msg
}

type msg struct {
	sev  finding.Severity
	text string
}

func newCollector(policy func() string) *collector {
	return &collector{policy: policy, m: make(map[string]*entry, 32)} // a CSP's findings, sized to not regrow
}

// add keeps one finding per (id, subject): the worst one's severity,
// reason and values, with the messages of all.
func (c *collector) add(f finding.Finding) {
	if f.Reason == "" {
		f.Reason = check.OK
	}
	key := f.Key()
	e := c.m[key]
	if e == nil {
		c.m[key] = &entry{f: f, msgs: []msg{{f.Severity, f.Message}}}
		return
	}
	for _, m := range e.msgs {
		if m.text == f.Message {
			if f.Severity > m.sev {
				break
			}
			return
		}
	}
	e.msgs = append(e.msgs, msg{f.Severity, f.Message})
	if f.Severity > e.f.Severity {
		e.f.Severity, e.f.Reason, e.f.Vars, e.f.Expected, e.f.Actual = f.Severity, f.Reason, f.Vars, f.Expected, f.Actual
	}
}

func (c *collector) result() []finding.Finding {
	out := make([]finding.Finding, 0, len(c.m))
	policy := ""
	for _, e := range c.m {
		sort.SliceStable(e.msgs, func(a, b int) bool { return e.msgs[a].sev > e.msgs[b].sev })
		texts := make([]string, 0, len(e.msgs))
		for _, m := range e.msgs {
			if e.f.Severity > finding.Pass && m.sev == finding.Pass {
				continue // a pass note next to a problem only confuses
			}
			texts = append(texts, m.text)
		}
		f := e.f
		f.Message = strings.Join(dedupe(texts), "; ")
		if f.Severity > finding.Pass && c.policy != nil {
			if policy == "" {
				policy = c.policy()
			}
			f = f.With("policy", policy)
		}
		out = append(out, f)
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].ID != out[b].ID {
			return out[a].ID < out[b].ID
		}
		return out[a].Subject < out[b].Subject
	})
	return out
}
