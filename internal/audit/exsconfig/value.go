package exsconfig

import (
	"math"
	"strconv"
	"strings"
)

// Kind is the type of an Elixir term.
type Kind int

// The kinds of term the reader knows. Opaque is anything only known when
// Pleroma starts: a function call, a variable, an interpolated string, a
// sigil, an operator expression.
const (
	Opaque Kind = iota
	Atom
	String
	Charlist
	Int
	Float
	Bool
	Nil
	List
	Tuple
	Map
)

// Value is an Elixir term read from a config file.
type Value struct {
	Kind  Kind
	Str   string  // Atom name (aliases as "Elixir.Foo.Bar"), String or Charlist content, Opaque source text
	Int   int64   // Int
	Float float64 // Float
	Bool  bool    // Bool
	Items []Value // List and Tuple elements; Map keys and values alternating
	Line  int     // the line the term starts on, from 1; 0 when built in code
}

// keyword reports whether v is a keyword list: a list of {atom, value}
// pairs (the empty list included), as Keyword.keyword?/1.
func (v Value) keyword() bool {
	if v.Kind != List {
		return false
	}
	for _, it := range v.Items {
		if _, ok := pairKey(it); !ok {
			return false
		}
	}
	return true
}

// pairKey returns the atom name of a {atom, value} pair.
func pairKey(v Value) (string, bool) {
	if v.Kind != Tuple || len(v.Items) != 2 {
		return "", false
	}
	return atomName(v.Items[0])
}

// atomName returns the name of an atom; true, false and nil are atoms too.
func atomName(v Value) (string, bool) {
	switch v.Kind {
	case Atom:
		return v.Str, true
	case Bool:
		return strconv.FormatBool(v.Bool), true
	case Nil:
		return "nil", true
	}
	return "", false
}

// get returns the first value of key in a keyword list, as Keyword.get/2.
func (v Value) get(key string) (Value, bool) {
	if v.Kind != List {
		return Value{}, false
	}
	for _, it := range v.Items {
		if k, ok := pairKey(it); ok && k == key {
			return it.Items[1], true
		}
	}
	return Value{}, false
}

// String writes v back as Elixir source that reads as the same term.
func (v Value) String() string {
	var b strings.Builder
	v.write(&b)
	return b.String()
}

func (v Value) write(b *strings.Builder) {
	switch v.Kind {
	case Opaque:
		b.WriteString(v.Str)
	case Atom:
		writeAtom(b, v.Str)
	case String:
		writeQuoted(b, v.Str, '"')
	case Charlist:
		writeQuoted(b, v.Str, '\'')
	case Int:
		b.WriteString(strconv.FormatInt(v.Int, 10))
	case Float:
		b.WriteString(formatFloat(v.Float))
	case Bool:
		b.WriteString(strconv.FormatBool(v.Bool))
	case Nil:
		b.WriteString("nil")
	case List, Tuple, Map:
		open, sep, end := "[", ", ", "]"
		if v.Kind == Tuple {
			open, end = "{", "}"
		} else if v.Kind == Map {
			open, end = "%{", "}"
		}
		b.WriteString(open)
		for i, it := range v.Items {
			if i > 0 {
				if v.Kind == Map && i%2 == 1 {
					b.WriteString(" => ")
				} else {
					b.WriteString(sep)
				}
			}
			it.write(b)
		}
		b.WriteString(end)
	}
}

// writeAtom writes :name, an alias as Foo.Bar, or :"quoted" otherwise.
func writeAtom(b *strings.Builder, name string) {
	if rest, ok := strings.CutPrefix(name, "Elixir."); ok && isAliasPath(rest) {
		b.WriteString(rest)
		return
	}
	if isPlainAtom(name) {
		b.WriteString(":" + name)
		return
	}
	b.WriteByte(':')
	writeQuoted(b, name, '"')
}

func isAliasPath(s string) bool {
	for _, seg := range strings.Split(s, ".") {
		if seg == "" || !isUpper(seg[0]) {
			return false
		}
		for i := 1; i < len(seg); i++ {
			if !isIdentChar(seg[i]) || seg[i] >= 0x80 {
				return false
			}
		}
	}
	return true
}

func isPlainAtom(s string) bool {
	if s == "" || !(s[0] == '_' || s[0] >= 'a' && s[0] <= 'z' || isUpper(s[0])) {
		return false
	}
	body := strings.TrimRight(s, "?!")
	if len(s)-len(body) > 1 {
		return false
	}
	for i := 0; i < len(body); i++ {
		if c := body[i]; !(isIdentChar(c) && c < 0x80 || c == '@') {
			return false
		}
	}
	return true
}

// writeQuoted escapes only what would end the string, start an escape or
// start an interpolation; every other byte is literal in Elixir.
func writeQuoted(b *strings.Builder, s string, q byte) {
	b.WriteByte(q)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == q || c == '\\' || c == '#' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte(q)
}

// formatFloat writes a float the way Elixir reads one: digits on both sides
// of the point.
func formatFloat(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return "nil" // cannot come from source; keeps String total
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	mant, exp, hasExp := strings.Cut(s, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	if hasExp {
		return mant + "e" + exp
	}
	return mant
}

// Equal reports whether two terms are the same, ignoring lines; all opaque
// terms are equal, since their values are unknown.
func Equal(a, b Value) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case Opaque, Nil:
		return true
	case Atom, String, Charlist:
		return a.Str == b.Str
	case Int:
		return a.Int == b.Int
	case Float:
		return a.Float == b.Float
	case Bool:
		return a.Bool == b.Bool
	}
	if len(a.Items) != len(b.Items) {
		return false
	}
	for i := range a.Items {
		if !Equal(a.Items[i], b.Items[i]) {
			return false
		}
	}
	return true
}
