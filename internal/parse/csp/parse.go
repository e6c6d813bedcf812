// Package csp parses Content-Security-Policy values (W3C CSP Level 3):
// serialized policy lists into policies, directives and source
// expressions, with the problems a parser drops or doubts. It is pure:
// strings in, values out; judging lives in internal/judge/csp.
package csp

import (
	"fmt"
	"strings"
)

// Directive is one directive of a policy: its lower-case name, its value
// split on ASCII whitespace, and, for source-list directives, the parsed
// sources.
type Directive struct {
	Name    string
	Value   []string
	Sources []Source // nil unless Name takes a source list
}

// String serialises the directive as "name token token".
func (d Directive) String() string {
	if len(d.Value) == 0 {
		return d.Name
	}
	return d.Name + " " + strings.Join(d.Value, " ")
}

// Problem is something the parser dropped or doubts, for csp.syntax.
type Problem struct {
	Directive string // the directive's name
	Token     string // the offending token, or "" for the whole directive
	Reason    string
	// Code is the finding's reason when it is more than "syntax":
	// CodeMissingSemicolon.
	Code string
}

// CodeMissingSemicolon marks a directive name inside another directive's
// value: a forgotten ';' that makes the named directive part of the value.
const CodeMissingSemicolon = "missing-semicolon"

// Policy is one serialized policy: its directives in order, the first of
// each name only.
type Policy struct {
	Directives []Directive
	Problems   []Problem
}

// Get returns the policy's directive called name.
func (p Policy) Get(name string) (Directive, bool) {
	for _, d := range p.Directives {
		if d.Name == name {
			return d, true
		}
	}
	return Directive{}, false
}

// String serialises the policy with "; " between directives.
func (p Policy) String() string {
	parts := make([]string, len(p.Directives))
	for i, d := range p.Directives {
		parts[i] = d.String()
	}
	return strings.Join(parts, "; ")
}

// FormatList serialises policies as one header value, joined by ", ".
func FormatList(ps []Policy) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	return strings.Join(parts, ", ")
}

// ParseList parses a serialized CSP list, one header value (CSP3 §2.2.2
// "parse a serialized CSP list"): policies split on "," and empty ones
// dropped.
func ParseList(value string) []Policy {
	var ps []Policy
	for tok := range strings.SplitSeq(value, ",") {
		if p := ParsePolicy(tok); len(p.Directives) > 0 {
			ps = append(ps, p)
		}
	}
	return ps
}

// ParsePolicy parses one serialized policy (CSP3 §2.2.1 "parse a
// serialized CSP"): directives split on ";", trimmed, empty and non-ASCII
// ones skipped, names lower-cased, a repeated name ignored.
func ParsePolicy(s string) Policy {
	var p Policy
	seen := map[string]bool{}
	for tok := range strings.SplitSeq(s, ";") {
		tok = trimSpace(tok)
		if tok == "" {
			continue
		}
		fields := SplitSpace(tok)
		name := Lower(fields[0])
		if !isASCII(tok) {
			p.Problems = append(p.Problems, Problem{Directive: name, Reason: "contains non-ASCII characters, so browsers ignore the whole directive"})
			continue
		}
		if seen[name] {
			p.Problems = append(p.Problems, Problem{Directive: name, Reason: "repeated in the same policy; browsers use the first and ignore this one"})
			continue
		}
		seen[name] = true
		d := Directive{Name: name, Value: fields[1:]}
		for _, v := range d.Value {
			if n := Lower(v); known[n] || deprecated[n] {
				p.Problems = append(p.Problems, Problem{Directive: name, Token: v, Code: CodeMissingSemicolon,
					Reason: fmt.Sprintf("%s is a directive name inside the value of %s: a ';' is missing before it, so %s is not in effect and what follows is read as part of %s", n, name, n, name)})
				break
			}
		}
		switch {
		case sourceList[name]:
			d.Sources = make([]Source, len(d.Value))
			for i, v := range d.Value {
				d.Sources[i] = ParseSource(v)
				if pr := d.Sources[i].Problem; pr != "" {
					p.Problems = append(p.Problems, Problem{Directive: name, Token: v, Reason: pr})
				}
			}
			if len(d.Value) > 1 && hasKeyword(d.Sources, "'none'") {
				p.Problems = append(p.Problems, Problem{Directive: name, Token: "'none'", Reason: "'none' only counts alone; next to other sources it is ignored"})
			}
		case valueless[name] && len(d.Value) > 0:
			p.Problems = append(p.Problems, Problem{Directive: name, Token: d.Value[0], Reason: "takes no value; the value is ignored"})
		case !known[name] && !deprecated[name]:
			p.Problems = append(p.Problems, Problem{Directive: name, Reason: "unknown directive; browsers ignore it"})
		}
		p.Directives = append(p.Directives, d)
	}
	return p
}

func hasKeyword(ss []Source, kw string) bool {
	for _, s := range ss {
		if s.Kind == KindKeyword && s.Keyword == kw {
			return true
		}
	}
	return false
}

// isASCIISpace is the Infra standard's ASCII whitespace (no \v).
func isASCIISpace(c byte) bool {
	return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '
}

func trimSpace(s string) string {
	i, j := 0, len(s)
	for i < j && isASCIISpace(s[i]) {
		i++
	}
	for j > i && isASCIISpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

// SplitSpace splits s on ASCII whitespace, as CSP3 splits a directive into
// its name and value tokens.
func SplitSpace(s string) []string {
	var out []string
	start := -1
	for i := 0; i <= len(s); i++ {
		if i == len(s) || isASCIISpace(s[i]) {
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
