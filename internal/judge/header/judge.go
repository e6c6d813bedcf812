// Package header judges the response headers other than CSP and HSTS, each
// by the semantics its spec gives browsers (never by string comparison),
// against a profile's per-header rules; it also notes obsolete and
// version-revealing headers.
package header

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/scan/finding"
)

// Rule is what a profile expects of one header.
type Rule struct {
	// Want is the recommended value; a value at least as strict passes, "" accepts any valid value.
	Want string `json:"want"`
	// Missing is the severity when the header is absent: "fail" (when empty), "warn", "info" or "pass".
	Missing string `json:"missing"`
	// Deprecated marks a header the profile asks for although it is obsolete: an info note is added.
	Deprecated bool `json:"deprecated"`
	// Hint is accepted in profile files written for hardscan 0.1 and no longer
	// read: the fix comes from the check catalogue, per platform.
	Hint string `json:"hint,omitempty"`
}

// Expect is the header part of a profile; the zero value checks nothing.
type Expect struct {
	// Rules are keyed by lower-case header name.
	Rules map[string]Rule `json:"rules"`
	// Fingerprint reports version-revealing headers as info.
	Fingerprint bool `json:"fingerprint"`
}

// Input is what Judge looks at: the final response's headers and the
// facts of the page that change their meaning.
type Input struct {
	Header http.Header
	// MetaReferrer are the content values of <meta name=referrer>, in document order.
	MetaReferrer []string
	// CSPFrameAncestors is true when an enforced CSP has a frame-ancestors
	// that restricts framing.
	CSPFrameAncestors bool
	// CSPFrameAncestorsOpen is true when an enforced CSP has frame-ancestors
	// but none that restricts (frame-ancestors *): browsers then ignore
	// X-Frame-Options and anyone may frame the page.
	CSPFrameAncestorsOpen bool
}

// verdict is a comparator's judgement of a present header.
type verdict struct {
	sev    finding.Severity
	reason string // "" means ok
	msg    string
	// useless means the value gives no protection: judged as if absent,
	// but at least a warning because someone meant to send it.
	useless bool
}

// comparator judges the values of one header.
type comparator struct {
	// judge compares present values with the wanted value.
	judge func(values []string, want string, in Input) verdict
	// validWant checks a profile's Want.
	validWant func(want string) error
}

// kind is one header this package judges: its comparator, and what the
// catalogue knows of it (its name, the recommended value, the note when
// obsolete).
type kind struct {
	comparator
	check.Header
}

// kinds are the header entries of the catalogue, by lower-case name (the
// check's id), each with its comparator; CSP and HSTS have judges of their
// own. A header entry without a comparator, or a comparator without an
// entry, fails this package's tests.
var kinds = func() map[string]kind {
	out := map[string]kind{}
	for _, c := range check.Headers() {
		if cmp, ok := comparators[c.ID]; ok {
			out[c.ID] = kind{cmp, *c.Header}
		}
	}
	return out
}()

// Validate names the first bad field.
func (e Expect) Validate() error {
	for _, name := range sortedKeys(e.Rules) {
		r := e.Rules[name]
		k, ok := kinds[name]
		if !ok {
			return fmt.Errorf("header.rules.%s: no judge for this header (known: %s)", name, strings.Join(sortedKeys(kinds), ", "))
		}
		if _, err := r.missing(); err != nil {
			return fmt.Errorf("header.rules.%s.missing: %w", name, err)
		}
		if r.Want != "" {
			if err := k.validWant(r.Want); err != nil {
				return fmt.Errorf("header.rules.%s.want: %w", name, err)
			}
		}
	}
	return nil
}

func (r Rule) missing() (finding.Severity, error) {
	if r.Missing == "" {
		return finding.Fail, nil
	}
	return finding.ParseSeverity(r.Missing)
}

// Judge judges every header the profile names, then adds the notes about
// obsolete and version-revealing headers.
func Judge(in Input, exp Expect) []finding.Finding {
	in.Header = canonicalKeys(in.Header)
	var fs []finding.Finding
	for _, name := range sortedKeys(exp.Rules) {
		k, ok := kinds[name]
		if !ok {
			continue // Validate reports it.
		}
		r := exp.Rules[name]
		fs = append(fs, judgeOne(name, k, r, in))
	}
	if v := values(in.Header, "feature-policy"); len(v) > 0 {
		fs = append(fs, finding.Finding{ID: check.HeaderDeprecated, Reason: check.Obsolete, Severity: finding.Info, Subject: "feature-policy", Vars: map[string]string{"header": "Feature-Policy"},
			Actual: strings.Join(v, ", "), Message: "Feature-Policy is obsolete; send the same features as Permissions-Policy instead"})
	}
	if exp.Fingerprint {
		fs = append(fs, fingerprint(in.Header)...)
	}
	return fs
}

func judgeOne(name string, k kind, r Rule, in Input) finding.Finding {
	f := finding.Finding{ID: name, Expected: r.Want}
	if f.Expected == "" {
		f.Expected = "any valid value"
	}
	missing, _ := r.missing()
	vs := values(in.Header, name)
	f.Actual = strings.Join(vs, ", ")
	present := len(vs) > 0 || (name == "referrer-policy" && len(in.MetaReferrer) > 0)
	var v verdict
	switch {
	case name == "x-frame-options" && in.CSPFrameAncestors && !present:
		v = verdict{reason: check.FrameAncestors, msg: "no X-Frame-Options, but browsers follow the CSP frame-ancestors directive instead, so framing is controlled"}
	case !present:
		f.Actual = "(absent)"
		v = verdict{sev: missing, reason: check.Absent, msg: canonical(name) + " is not sent"}
		switch {
		case missing == finding.Pass:
			v.msg = canonical(name) + " is not sent, which the profile accepts"
		case r.Deprecated:
			v.msg = canonical(name) + " is not sent; it is obsolete, but the profile's guide asks for it"
		}
	default:
		if len(vs) == 0 {
			f.Actual = `<meta name="referrer" content="` + in.MetaReferrer[len(in.MetaReferrer)-1] + `">`
		}
		v = k.judge(vs, r.Want, in)
		if v.useless {
			v.sev = max(missing, finding.Warn)
		}
	}
	f.Severity, f.Reason, f.Message = v.sev, v.reason, v.msg
	if f.Reason == "" {
		f.Reason = check.OK
	}
	if present && r.Deprecated && k.Obsolete != "" && f.Severity == finding.Pass {
		// One row per header: the profile's guide asks for it, so it
		// passes, and the note that browsers no longer use it goes in
		// the same row.
		f.Reason = check.Obsolete
		f.Message += "; " + k.Obsolete
	}
	if f.Severity > finding.Pass && len(vs) > 1 && name == "referrer-policy" {
		// Two senders (the application and a proxy adding its own): the
		// fix is to remove one line, not to set what is already set.
		f.Reason = check.Duplicate
		f.Message = fmt.Sprintf("%d Referrer-Policy values are sent (%s) and browsers use the last one they understand: %s", len(vs), strings.Join(vs, " | "), f.Message)
	}
	f.Vars = map[string]string{"header": canonical(name), "value": recommend(name, r.Want)}
	if f.Reason == check.AllowFrom {
		// The origins the admin meant to allow, for the frame-ancestors
		// that replaces ALLOW-FROM: a fix must not lock the partner out.
		f.Vars["origin"] = allowFromOrigins(vs)
	}
	return f
}

// values returns a header's values; h has canonical keys (canonicalKeys).
func values(h http.Header, name string) []string { return h[headerKey(name)] }

// headerKeys caches the canonical key of the lower-case names judges ask
// for: the profiles' and the catalogue's names, a few dozen, asked for
// every target.
var headerKeys sync.Map // string -> string

func headerKey(name string) string {
	if k, ok := headerKeys.Load(name); ok {
		return k.(string)
	}
	k := http.CanonicalHeaderKey(name)
	headerKeys.Store(name, k)
	return k
}

// canonicalKeys returns h with every name in canonical form, as a response
// read by net/http already is. A hand-built header may hold a name in
// another case: its values then count under the canonical name, unless
// that name is also present, and several spellings join in sorted order.
func canonicalKeys(h http.Header) http.Header {
	odd := false
	for k := range h {
		if http.CanonicalHeaderKey(k) != k {
			odd = true
			break
		}
	}
	if !odd {
		return h
	}
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make(http.Header, len(h))
	for _, k := range keys {
		c := http.CanonicalHeaderKey(k)
		if c == k {
			out[c] = h[k]
		} else if _, ok := h[c]; !ok {
			out[c] = append(out[c], h[k]...)
		}
	}
	return out
}

// canonical writes a lower-case header name as it is usually spelt.
func canonical(name string) string {
	if c, ok := check.Lookup(name); ok && c.Header != nil {
		return c.Header.Name
	}
	return http.CanonicalHeaderKey(name)
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// splitList is Fetch's "get, decode, and split": the values joined with
// commas, split on commas outside quoted strings, HTTP whitespace trimmed.
func splitList(vs []string) []string {
	var out []string
	var cur strings.Builder
	for i, v := range vs {
		if i > 0 {
			out = append(out, strings.Trim(cur.String(), " \t"))
			cur.Reset()
		}
		quoted := false
		for j := 0; j < len(v); j++ {
			c := v[j]
			switch {
			case quoted && c == '\\' && j+1 < len(v):
				cur.WriteByte(c)
				j++
				c = v[j]
			case c == '"':
				quoted = !quoted
			case c == ',' && !quoted:
				out = append(out, strings.Trim(cur.String(), " \t"))
				cur.Reset()
				continue
			}
			cur.WriteByte(c)
		}
	}
	if len(vs) > 0 {
		out = append(out, strings.Trim(cur.String(), " \t"))
	}
	return out
}

// rankOf finds v (lower-cased) in order, weakest first; -1 when unknown.
func rankOf(order []string, v string) int {
	return slices.Index(order, strings.ToLower(strings.Trim(v, " \t")))
}

// recommend is the value a fix writes for the header name.
func recommend(name, want string) string {
	if want != "" {
		return want
	}
	return kinds[name].Recommended
}

// allowFromOrigins lists the origins of X-Frame-Options: ALLOW-FROM values,
// space-separated, as a frame-ancestors source list takes them.
func allowFromOrigins(vs []string) string {
	var out []string
	for _, v := range splitList(vs) {
		fields := strings.Fields(v)
		if len(fields) == 2 && strings.EqualFold(fields[0], "allow-from") {
			out = append(out, fields[1])
		}
	}
	return strings.Join(out, " ")
}
