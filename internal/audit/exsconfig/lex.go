package exsconfig

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

type tokKind int

const (
	tEOF      tokKind = iota
	tEOL              // a newline or ";": ends an expression outside brackets
	tAtom             // :foo, :"foo", :+ (text is the name)
	tAlias            // Foo (one segment; the parser joins Foo.Bar)
	tIdent            // foo, true, do, end ...
	tKey              // foo: or "foo": in keyword syntax (text is the name)
	tString           // "..." (text is the decoded content)
	tCharlist         // '...'
	tInt              // 31_536_000, 0x1F, ?a (text is the cleaned literal)
	tFloat            // 1.5e3
	tSigil            // ~r/.../i and friends, kept opaque
	tPunct            // ( ) [ ] { } , %{
	tOp               // any operator, including . % @ &
	tBad              // something the lexer cannot read
)

type token struct {
	kind     tokKind
	text     string
	opaque   bool // a string or atom with #{} interpolation, or a heredoc
	pos, end int  // byte offsets in the source
	line     int
	spaced   bool // whitespace came before the token
}

// ops are Elixir's operators, longest first so that the lexer is greedy.
var ops = []string{
	"===", "!==", "<<<", ">>>", "<<~", "~>>", "<~>", "|||", "&&&", "^^^", "~~~", "...", "<|>",
	"<>", "++", "--", "|>", "=>", "==", "!=", "<=", ">=", "&&", "||", "..", "::", "->", "<-",
	`\\`, "=~", "**", "//", "<<", ">>", "~>", "<~",
	"+", "-", "*", "/", "=", "<", ">", "|", "&", "!", "^", "@", ".", "%",
}

type lexer struct {
	src  string
	i    int
	line int
	toks []token
}

// lex splits Elixir source into tokens, at most limit of them (ok false
// beyond). It never fails otherwise: what it cannot read becomes a tBad
// token that makes the parser skip the statement.
func lex(src string, limit int) (toks []token, ok bool) {
	l := &lexer{src: src, line: 1}
	spaced := true
	for l.i < len(l.src) {
		c := l.src[l.i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			l.i++
			spaced = true
			continue
		case c == '\\' && l.i+1 < len(l.src) && l.src[l.i+1] == '\n':
			l.i += 2 // an escaped newline continues the line
			l.line++
			spaced = true
			continue
		case c == '#':
			for l.i < len(l.src) && l.src[l.i] != '\n' {
				l.i++
			}
			continue
		}
		start, line := l.i, l.line
		t := l.next()
		t.pos, t.end, t.line, t.spaced = start, l.i, line, spaced
		l.toks = append(l.toks, t)
		spaced = t.kind == tEOL
		if len(l.toks) > limit {
			return nil, false
		}
	}
	l.toks = append(l.toks, token{kind: tEOF, pos: len(src), end: len(src), line: l.line, spaced: true})
	return l.toks, true
}

func (l *lexer) peekAt(off int) byte {
	if l.i+off < len(l.src) {
		return l.src[l.i+off]
	}
	return 0
}

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 0x80 }
func isUpper(c byte) bool      { return c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isIdentChar(c byte) bool {
	return isIdentStart(c) || isUpper(c) || isDigit(c)
}

func (l *lexer) next() token {
	c := l.src[l.i]
	switch {
	case c == '\n' || c == ';':
		if c == '\n' {
			l.line++
		}
		l.i++
		return token{kind: tEOL}
	case c == '"' || c == '\'':
		s, opaque, ok := l.quoted()
		kind := tString
		if c == '\'' {
			kind = tCharlist
		}
		if !ok {
			return token{kind: tBad, text: "unterminated string"}
		}
		if l.peekAt(0) == ':' && l.peekAt(1) != ':' {
			l.i++
			return token{kind: tKey, text: s, opaque: opaque}
		}
		return token{kind: kind, text: s, opaque: opaque}
	case c == ':':
		return l.atom()
	case c == '~' && (isUpper(l.peekAt(1)) || l.peekAt(1) >= 'a' && l.peekAt(1) <= 'z'):
		return l.sigil()
	case c == '?' && l.i+1 < len(l.src):
		return l.char()
	case isDigit(c):
		return l.number()
	case isIdentStart(c) || isUpper(c):
		start := l.i
		for l.i < len(l.src) && isIdentChar(l.src[l.i]) {
			l.i++
		}
		if c := l.peekAt(0); c == '?' || c == '!' {
			l.i++
		}
		word := l.src[start:l.i]
		if l.peekAt(0) == ':' && l.peekAt(1) != ':' {
			l.i++
			return token{kind: tKey, text: word}
		}
		if isUpper(c) {
			return token{kind: tAlias, text: word}
		}
		return token{kind: tIdent, text: word}
	case strings.IndexByte("()[]{},", c) >= 0:
		l.i++
		return token{kind: tPunct, text: string(c)}
	case c == '%' && l.peekAt(1) == '{':
		l.i += 2
		return token{kind: tPunct, text: "%{"}
	}
	for _, op := range ops {
		if strings.HasPrefix(l.src[l.i:], op) {
			l.i += len(op)
			return token{kind: tOp, text: op}
		}
	}
	_, n := utf8.DecodeRuneInString(l.src[l.i:])
	l.i += n
	return token{kind: tBad, text: "unexpected character"}
}

// quoted reads a string or charlist (heredocs too), decoding escapes.
// Interpolation marks it opaque: its value is only known at run time.
func (l *lexer) quoted() (s string, opaque, ok bool) {
	q := l.src[l.i]
	triple := strings.Repeat(string(q), 3)
	if strings.HasPrefix(l.src[l.i:], triple) {
		// A heredoc: its indentation rules do not matter for settings, so
		// the text is kept opaque.
		end := strings.Index(l.src[l.i+3:], "\n")
		j := -1
		if end >= 0 {
			j = strings.Index(l.src[l.i+3+end:], triple)
		}
		if j < 0 {
			l.i = len(l.src) // unterminated: the rest of the file is the heredoc
			return "", false, false
		}
		rest := l.src[l.i+3+end:]
		body := rest[:j]
		l.line += strings.Count(l.src[l.i:l.i+3+end+j+3], "\n")
		l.i += 3 + end + j + 3
		return body, true, true
	}
	l.i++
	var b strings.Builder
	for l.i < len(l.src) {
		c := l.src[l.i]
		switch {
		case c == q:
			l.i++
			return b.String(), opaque, true
		case c == '\\' && l.i+1 < len(l.src):
			l.escape(&b)
		case c == '#' && l.peekAt(1) == '{':
			if !l.interpolation() {
				return "", false, false
			}
			opaque = true
		default:
			if c == '\n' {
				l.line++
			}
			b.WriteByte(c)
			l.i++
		}
	}
	return "", false, false
}

// simpleEscapes are the one-letter escapes of Elixir strings.
var simpleEscapes = map[byte]string{'n': "\n", 't': "\t", 'r': "\r", 's': " ", 'e': "\x1b", '0': "\x00",
	'a': "\a", 'b': "\b", 'f': "\f", 'v': "\v", 'd': "\x7f"}

// escape decodes one backslash escape at l.i.
func (l *lexer) escape(b *strings.Builder) {
	c := l.src[l.i+1]
	l.i += 2
	if s, ok := simpleEscapes[c]; ok {
		b.WriteString(s)
		return
	}
	switch c {
	case '\n':
		l.line++ // a backslash-newline is dropped
		return
	case 'x':
		if l.i+2 <= len(l.src) {
			if n, err := strconv.ParseUint(l.src[l.i:l.i+2], 16, 8); err == nil {
				b.WriteByte(byte(n))
				l.i += 2
				return
			}
		}
	case 'u':
		digits := ""
		if l.peekAt(0) == '{' {
			if j := strings.IndexByte(l.src[l.i:], '}'); j > 0 && j <= 7 {
				digits = l.src[l.i+1 : l.i+j]
				if n, err := strconv.ParseUint(digits, 16, 32); err == nil && utf8.ValidRune(rune(n)) {
					b.WriteRune(rune(n))
					l.i += j + 1
					return
				}
			}
		} else if l.i+4 <= len(l.src) {
			if n, err := strconv.ParseUint(l.src[l.i:l.i+4], 16, 32); err == nil && utf8.ValidRune(rune(n)) {
				b.WriteRune(rune(n))
				l.i += 4
				return
			}
		}
	}
	b.WriteByte(c)
}

// interpolation skips a #{...} block, minding nested braces and strings.
func (l *lexer) interpolation() bool {
	l.i += 2
	depth := 1
	for l.i < len(l.src) {
		switch c := l.src[l.i]; c {
		case '{':
			depth++
			l.i++
		case '}':
			depth--
			l.i++
			if depth == 0 {
				return true
			}
		case '"', '\'':
			if _, _, ok := l.quoted(); !ok {
				return false
			}
		case '\n':
			l.line++
			l.i++
		default:
			l.i++
		}
	}
	return false
}

func (l *lexer) atom() token {
	l.i++ // the colon
	c := l.peekAt(0)
	switch {
	case c == ':':
		l.i++
		return token{kind: tOp, text: "::"}
	case c == '"' || c == '\'':
		s, opaque, ok := l.quoted()
		if !ok {
			return token{kind: tBad, text: "unterminated atom"}
		}
		return token{kind: tAtom, text: s, opaque: opaque}
	case isIdentStart(c) || isUpper(c):
		start := l.i
		for l.i < len(l.src) && (isIdentChar(l.src[l.i]) || l.src[l.i] == '@') {
			l.i++
		}
		if c := l.peekAt(0); c == '?' || c == '!' {
			l.i++
		}
		return token{kind: tAtom, text: l.src[start:l.i]}
	}
	for _, op := range ops {
		if strings.HasPrefix(l.src[l.i:], op) {
			l.i += len(op)
			return token{kind: tAtom, text: op}
		}
	}
	return token{kind: tOp, text: ":"}
}

// closers pairs a sigil's opening delimiter with its closing one.
var closers = map[byte]byte{'(': ')', '[': ']', '{': '}', '<': '>', '/': '/', '|': '|', '"': '"', '\'': '\''}

func (l *lexer) sigil() token {
	l.i++ // ~
	for l.i < len(l.src) && (isUpper(l.src[l.i]) || l.src[l.i] >= 'a' && l.src[l.i] <= 'z') {
		l.i++
	}
	open := l.peekAt(0)
	if (open == '"' || open == '\'') && strings.HasPrefix(l.src[l.i:], strings.Repeat(string(open), 3)) {
		if _, _, ok := l.quoted(); !ok {
			return token{kind: tBad, text: "unterminated sigil"}
		}
	} else {
		closer, ok := closers[open]
		if !ok {
			return token{kind: tBad, text: "bad sigil delimiter"}
		}
		l.i++
		for {
			if l.i >= len(l.src) {
				return token{kind: tBad, text: "unterminated sigil"}
			}
			c := l.src[l.i]
			if c == '\\' && l.i+1 < len(l.src) {
				l.i += 2
				continue
			}
			if c == '\n' {
				l.line++
			}
			l.i++
			if c == closer {
				break
			}
		}
	}
	for l.i < len(l.src) && isIdentChar(l.src[l.i]) {
		l.i++ // modifiers
	}
	return token{kind: tSigil}
}

// char reads ?a, the integer code of a character.
func (l *lexer) char() token {
	l.i++
	if l.peekAt(0) == '\\' && l.i+1 < len(l.src) {
		var b strings.Builder
		l.escape(&b)
		r, _ := utf8.DecodeRuneInString(b.String())
		return token{kind: tInt, text: strconv.Itoa(int(r))}
	}
	r, n := utf8.DecodeRuneInString(l.src[l.i:])
	l.i += n
	return token{kind: tInt, text: strconv.Itoa(int(r))}
}

func (l *lexer) number() token {
	start := l.i
	if l.src[l.i] == '0' && strings.IndexByte("xob", l.peekAt(1)) >= 0 && l.peekAt(1) != 0 {
		l.i += 2
		for l.i < len(l.src) && (isIdentChar(l.src[l.i])) {
			l.i++
		}
		return token{kind: tInt, text: strings.ReplaceAll(l.src[start:l.i], "_", "")}
	}
	digits := func() {
		for l.i < len(l.src) && (isDigit(l.src[l.i]) || l.src[l.i] == '_') {
			l.i++
		}
	}
	digits()
	kind := tInt
	if l.peekAt(0) == '.' && isDigit(l.peekAt(1)) {
		kind = tFloat
		l.i++
		digits()
		if c := l.peekAt(0); c == 'e' || c == 'E' {
			j := 1
			if s := l.peekAt(1); s == '+' || s == '-' {
				j = 2
			}
			if isDigit(l.peekAt(j)) {
				l.i += j
				digits()
			}
		}
	}
	return token{kind: kind, text: strings.ReplaceAll(l.src[start:l.i], "_", "")}
}
