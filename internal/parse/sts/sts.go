// Package sts parses Strict-Transport-Security header values by RFC 6797's
// grammar (§6.1), keeping every directive as sent so that judges can apply
// stricter rules (hstspreload's) on top.
package sts

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Directive is one STS directive as sent: a lower-cased name and its value
// with quoted-string escapes removed.
type Directive struct {
	Name     string
	Value    string
	HasValue bool
	// Quoted is true when the value was sent as a quoted-string.
	Quoted bool
}

// Policy is a valid STS header value.
type Policy struct {
	MaxAge            int64
	IncludeSubDomains bool
	Preload           bool
	// Unknown holds the directives RFC 6797 §6.1 says to ignore, in order.
	Unknown []Directive
}

// maxValueLen bounds the work on absurd header values.
const maxValueLen = 64 << 10

// Parse reads one Strict-Transport-Security value as browsers do: a value
// that breaks the RFC 6797 §6.1 grammar, lacks max-age, or repeats max-age
// or includeSubDomains is invalid as a whole, as a browser ignores it whole.
// RFC 6797 §6.1 allows every directive at most once, but Chromium and
// Firefox enforce that only for the two directives they act on and skip
// every other one however often it comes, so a repeated preload or unknown
// directive leaves the policy in force (Notes names it).
func Parse(value string) (Policy, error) {
	ds, err := Directives(value)
	if err != nil {
		return Policy{}, err
	}
	var p Policy
	haveMaxAge := false
	for _, d := range ds {
		switch d.Name {
		case "max-age":
			if haveMaxAge {
				return Policy{}, errors.New("max-age appears more than once (RFC 6797 §6.1)")
			}
			if !d.HasValue {
				return Policy{}, errors.New("max-age has no value")
			}
			n, err := DeltaSeconds(d.Value)
			if err != nil {
				return Policy{}, fmt.Errorf("max-age: %w", err)
			}
			p.MaxAge, haveMaxAge = n, true
		case "includesubdomains":
			if p.IncludeSubDomains {
				return Policy{}, errors.New("includeSubDomains appears more than once (RFC 6797 §6.1)")
			}
			if d.HasValue {
				return Policy{}, errors.New("includeSubDomains takes no value")
			}
			p.IncludeSubDomains = true
		case "preload":
			if d.HasValue {
				// Not the opt-in hstspreload looks for; an ignored extension.
				p.Unknown = append(p.Unknown, d)
				continue
			}
			p.Preload = true
		default:
			p.Unknown = append(p.Unknown, d)
		}
	}
	if !haveMaxAge {
		return Policy{}, errors.New("max-age is missing (RFC 6797 §6.1.1)")
	}
	return p, nil
}

// DeltaSeconds reads 1*DIGIT, clamping values too large for int64.
func DeltaSeconds(s string) (int64, error) {
	if s == "" {
		return 0, errors.New("empty value")
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q is not a number of seconds", s)
		}
		if n > (math.MaxInt64-int64(c-'0'))/10 {
			n = math.MaxInt64
			continue
		}
		n = n*10 + int64(c-'0')
	}
	return n, nil
}

// String writes p in the canonical form Parse reads back to the same Policy.
func (p Policy) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "max-age=%d", p.MaxAge)
	if p.IncludeSubDomains {
		b.WriteString("; includeSubDomains")
	}
	if p.Preload {
		b.WriteString("; preload")
	}
	for _, d := range p.Unknown {
		b.WriteString("; ")
		b.WriteString(d.Name)
		if d.HasValue {
			b.WriteByte('=')
			if isToken(d.Value) && !d.Quoted {
				b.WriteString(d.Value)
			} else {
				b.WriteString(quote(d.Value))
			}
		}
	}
	return b.String()
}

// Directives tokenizes a value by the §6.1 ABNF, with implied linear
// whitespace around separators; empty directives (";;") are allowed there.
func Directives(value string) ([]Directive, error) {
	ds, _, err := Split(value)
	return ds, err
}

// Split is Directives that also counts the ';' separators outside
// quoted-strings: n directives need n-1, and each further one is an empty
// directive.
func Split(value string) ([]Directive, int, error) {
	if len(value) > maxValueLen {
		return nil, 0, fmt.Errorf("value longer than %d bytes", maxValueLen)
	}
	var ds []Directive
	semicolons := 0
	s := value
	for {
		s = trimOWS(s)
		if s == "" {
			return ds, semicolons, nil
		}
		if s[0] == ';' {
			s = s[1:]
			semicolons++
			continue
		}
		n := tokenLen(s)
		if n == 0 {
			return nil, 0, fmt.Errorf("unexpected %q where a directive name belongs", s[:1])
		}
		d := Directive{Name: strings.ToLower(s[:n])}
		s = trimOWS(s[n:])
		if s != "" && s[0] == '=' {
			s = trimOWS(s[1:])
			d.HasValue = true
			if s != "" && s[0] == '"' {
				v, rest, err := unquote(s)
				if err != nil {
					return nil, 0, fmt.Errorf("directive %q: %w", d.Name, err)
				}
				d.Value, d.Quoted, s = v, true, rest
			} else {
				m := tokenLen(s)
				if m == 0 {
					return nil, 0, fmt.Errorf("directive %q has an empty or malformed value", d.Name)
				}
				d.Value, s = s[:m], s[m:]
			}
			s = trimOWS(s)
		}
		if s != "" && s[0] != ';' {
			return nil, 0, fmt.Errorf("unexpected %q after directive %q", s[:1], d.Name)
		}
		ds = append(ds, d)
	}
}

func trimOWS(s string) string { return strings.TrimLeft(s, " \t") }

// isTchar reports whether c may appear in an RFC 9110 token.
func isTchar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func tokenLen(s string) int {
	i := 0
	for i < len(s) && isTchar(s[i]) {
		i++
	}
	return i
}

func isToken(s string) bool { return s != "" && tokenLen(s) == len(s) }

// unquote reads a quoted-string at the start of s and returns its content
// and the rest of s.
func unquote(s string) (string, string, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			return b.String(), s[i+1:], nil
		case c == '\\':
			i++
			if i == len(s) {
				return "", "", errors.New("quoted-string ends in a backslash")
			}
			if isCTL(s[i]) && s[i] != '\t' {
				return "", "", errors.New("control character in quoted-string")
			}
			b.WriteByte(s[i])
		case isCTL(c) && c != '\t':
			return "", "", errors.New("control character in quoted-string")
		default:
			b.WriteByte(c)
		}
	}
	return "", "", errors.New("unterminated quoted-string")
}

func isCTL(c byte) bool { return c < 0x20 || c == 0x7f }

func quote(v string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		if v[i] == '"' || v[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(v[i])
	}
	b.WriteByte('"')
	return b.String()
}
