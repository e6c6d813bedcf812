package exsconfig

import (
	"fmt"
	"strconv"
)

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 200

// binaryWords are the operators spelled as words.
var binaryWords = map[string]bool{"and": true, "or": true, "in": true, "when": true}

type parser struct {
	src   string
	toks  []token
	i     int
	depth int
}

// parseError carries the line where reading stopped.
type parseError struct {
	line int
	msg  string
}

func (e *parseError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) fail(t token, format string, args ...any) error {
	return &parseError{t.line, fmt.Sprintf(format, args...)}
}

func (p *parser) is(kind tokKind, text string) bool {
	t := p.peek()
	return t.kind == kind && t.text == text
}

func (p *parser) expect(kind tokKind, text string) error {
	if !p.is(kind, text) {
		t := p.peek()
		return p.fail(t, "expected %q, found %s", text, describe(t))
	}
	p.next()
	return nil
}

func (p *parser) skipEOL() {
	for p.peek().kind == tEOL {
		p.next()
	}
}

func describe(t token) string {
	switch t.kind {
	case tEOF:
		return "end of file"
	case tEOL:
		return "end of line"
	case tBad:
		return t.text
	}
	return strconv.Quote(clip(srcText(t)))
}

func srcText(t token) string {
	if t.text != "" {
		return t.text
	}
	return "token"
}

// opaque makes an unknown-value term spanning tokens from..p.i.
func (p *parser) opaque(from int) Value {
	start := p.toks[from]
	end := p.toks[p.i-1].end
	if p.i-1 < from {
		end = start.end
	}
	return Value{Kind: Opaque, Str: p.src[start.pos:end], Line: start.line}
}

// expr reads one expression; a chain of binary operators is opaque.
func (p *parser) expr() (Value, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return Value{}, p.fail(p.peek(), "nesting deeper than %d", maxDepth)
	}
	from := p.i
	v, err := p.unary()
	if err != nil {
		return Value{}, err
	}
	binary := false
	for {
		t := p.peek()
		isOp := t.kind == tOp && t.text != "." && t.text != "%" && t.text != "@" && t.text != "=>" && t.text != "&"
		if !isOp && !(t.kind == tIdent && binaryWords[t.text]) {
			break
		}
		p.next()
		p.skipEOL()
		if _, err := p.unary(); err != nil {
			return Value{}, err
		}
		binary = true
	}
	if binary {
		return p.opaque(from), nil
	}
	return v, nil
}

func (p *parser) unary() (Value, error) {
	t := p.peek()
	from := p.i
	if t.kind == tOp && (t.text == "-" || t.text == "+" || t.text == "!" || t.text == "^" || t.text == "&" || t.text == "@" || t.text == "~~~") ||
		t.kind == tIdent && t.text == "not" {
		p.next()
		if n := p.peek(); (t.text == "-" || t.text == "+") && !n.spaced && (n.kind == tInt || n.kind == tFloat) {
			p.next()
			return number(n, t.text == "-"), nil
		}
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			return Value{}, p.fail(t, "nesting deeper than %d", maxDepth)
		}
		if _, err := p.unary(); err != nil {
			return Value{}, err
		}
		return p.opaque(from), nil
	}
	return p.primary()
}

// number converts an integer or float token; one that does not fit is opaque.
func number(t token, neg bool) Value {
	text := t.text
	if neg {
		text = "-" + text
	}
	if t.kind == tFloat {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return Value{Kind: Opaque, Str: text, Line: t.line}
		}
		return Value{Kind: Float, Float: f, Line: t.line}
	}
	n, err := strconv.ParseInt(text, 0, 64)
	if err != nil {
		return Value{Kind: Opaque, Str: text, Line: t.line}
	}
	return Value{Kind: Int, Int: n, Line: t.line}
}

// atomValue normalises an atom: :true, :false and :nil are the literals.
func atomValue(name string, line int) Value {
	switch name {
	case "true", "false":
		return Value{Kind: Bool, Bool: name == "true", Line: line}
	case "nil":
		return Value{Kind: Nil, Line: line}
	}
	return Value{Kind: Atom, Str: name, Line: line}
}

func (p *parser) primary() (Value, error) {
	from := p.i
	t := p.next()
	switch t.kind {
	case tAtom:
		if t.opaque {
			return p.opaque(from), nil
		}
		return atomValue(t.text, t.line), nil
	case tString, tCharlist:
		if t.opaque {
			return p.opaque(from), nil
		}
		k := String
		if t.kind == tCharlist {
			k = Charlist
		}
		return Value{Kind: k, Str: t.text, Line: t.line}, nil
	case tInt, tFloat:
		return number(t, false), nil
	case tSigil:
		return p.opaque(from), nil
	case tIdent:
		return p.identifier(from, t)
	case tAlias:
		return p.alias(from, t)
	case tPunct:
		switch t.text {
		case "[":
			items, err := p.items("]", true)
			return Value{Kind: List, Items: items, Line: t.line}, err
		case "{":
			items, err := p.items("}", false)
			return Value{Kind: Tuple, Items: items, Line: t.line}, err
		case "%{":
			items, err := p.mapItems()
			return Value{Kind: Map, Items: items, Line: t.line}, err
		case "(":
			p.skipEOL()
			if _, err := p.expr(); err != nil {
				return Value{}, err
			}
			p.skipEOL()
			if err := p.expect(tPunct, ")"); err != nil {
				return Value{}, err
			}
			return p.opaque(from), nil
		}
	case tOp:
		switch t.text {
		case "%": // a struct, %Foo{...}: its fields only matter at run time
			if _, err := p.primary(); err != nil {
				return Value{}, err
			}
			if err := p.expect(tPunct, "{"); err != nil {
				return Value{}, err
			}
			if _, err := p.mapItems(); err != nil {
				return Value{}, err
			}
			return p.opaque(from), nil
		case "<<":
			if _, err := p.items(">>", false); err != nil {
				return Value{}, err
			}
			return p.opaque(from), nil
		}
	}
	return Value{}, p.fail(t, "unexpected %s", describe(t))
}

// identifier reads a literal, a variable, a local call or an fn.
func (p *parser) identifier(from int, t token) (Value, error) {
	switch t.text {
	case "true", "false", "nil":
		return atomValue(t.text, t.line), nil
	case "fn":
		if err := p.skipBlock(); err != nil {
			return Value{}, err
		}
		return p.opaque(from), nil
	case "do", "end":
		return Value{}, p.fail(t, "unexpected %q", t.text)
	}
	if err := p.callTail(); err != nil {
		return Value{}, err
	}
	return p.opaque(from), nil
}

// alias reads Foo.Bar, or a remote call such as System.get_env("X").
func (p *parser) alias(from int, t token) (Value, error) {
	name := "Elixir." + t.text
	for p.is(tOp, ".") && p.toks[p.i+1].kind == tAlias {
		p.next()
		name += "." + p.next().text
	}
	if !p.is(tOp, ".") || p.peek().spaced {
		return Value{Kind: Atom, Str: name, Line: t.line}, nil
	}
	if err := p.callTail(); err != nil {
		return Value{}, err
	}
	return p.opaque(from), nil
}

// callTail consumes what may follow a name: (args), .field or .fun(args)
// chains and a do ... end block.
func (p *parser) callTail() error {
	for {
		switch {
		case p.is(tPunct, "(") && !p.peek().spaced:
			p.next()
			if _, err := p.items(")", false); err != nil {
				return err
			}
		case p.is(tOp, ".") && !p.peek().spaced:
			p.next()
			n := p.next()
			if n.kind != tIdent && n.kind != tAlias && !(n.kind == tPunct && n.text == "(") {
				return p.fail(n, "unexpected %s after a dot", describe(n))
			}
			if n.kind == tPunct { // an anonymous call, fun.(x)
				if _, err := p.items(")", false); err != nil {
					return err
				}
			}
		case p.is(tPunct, "[") && !p.peek().spaced: // access, map[:key]
			p.next()
			if _, err := p.items("]", false); err != nil {
				return err
			}
		case p.is(tIdent, "do"):
			p.next()
			return p.skipTo("end")
		default:
			return nil
		}
	}
}

// skipBlock skips from after "fn" to its "end".
func (p *parser) skipBlock() error { return p.skipTo("end") }

// skipTo skips tokens up to and including the "end" that closes the block
// just opened, counting nested do/fn blocks.
func (p *parser) skipTo(end string) error {
	depth := 1
	for {
		t := p.next()
		switch {
		case t.kind == tEOF:
			return p.fail(t, "missing %q", end)
		case t.kind == tIdent && (t.text == "do" || t.text == "fn"):
			depth++
		case t.kind == tIdent && t.text == "end":
			depth--
			if depth == 0 {
				return nil
			}
		}
	}
}

// items reads comma-separated terms up to closer. Keyword pairs (key: v)
// may end the sequence; in a list they are elements ({:key, v} tuples),
// elsewhere (call arguments, tuples) they form one trailing keyword list.
func (p *parser) items(closer string, flat bool) ([]Value, error) {
	var out []Value
	for {
		p.skipEOL()
		if p.is(tPunct, closer) || p.is(tOp, closer) {
			p.next()
			return out, nil
		}
		if p.peek().kind == tKey {
			kw, err := p.keywords()
			if err != nil {
				return out, err
			}
			if flat {
				out = append(out, kw.Items...)
			} else {
				out = append(out, kw)
			}
			p.skipEOL()
			if p.is(tPunct, closer) || p.is(tOp, closer) {
				p.next()
				return out, nil
			}
			t := p.peek()
			return out, p.fail(t, "expected %q after keyword pairs, found %s", closer, describe(t))
		}
		v, err := p.expr()
		if err != nil {
			return out, err
		}
		out = append(out, v)
		p.skipEOL()
		if p.is(tPunct, ",") {
			p.next()
			continue
		}
		if p.is(tPunct, closer) || p.is(tOp, closer) {
			p.next()
			return out, nil
		}
		t := p.peek()
		return out, p.fail(t, "expected \",\" or %q, found %s", closer, describe(t))
	}
}

// keywords reads key: value pairs separated by commas (a trailing comma is
// allowed inside brackets) into a keyword list.
func (p *parser) keywords() (Value, error) {
	kw := Value{Kind: List, Line: p.peek().line}
	for p.peek().kind == tKey {
		k := p.next()
		p.skipEOL()
		v, err := p.expr()
		if err != nil {
			return Value{}, err
		}
		key := atomValue(k.text, k.line)
		if k.opaque {
			key = Value{Kind: Opaque, Str: p.src[k.pos : k.end-1], Line: k.line} // without the colon
		}
		kw.Items = append(kw.Items, Value{Kind: Tuple, Items: []Value{key, v}, Line: k.line})
		if !p.is(tPunct, ",") {
			break
		}
		// A comma after the last pair is allowed inside brackets; the
		// caller checks what follows it.
		p.next()
		save := p.i
		p.skipEOL()
		if p.peek().kind != tKey {
			p.i = save
			break
		}
	}
	return kw, nil
}

// mapItems reads the entries of %{...}: key => value or key: value.
func (p *parser) mapItems() ([]Value, error) {
	var out []Value
	for {
		p.skipEOL()
		if p.is(tPunct, "}") {
			p.next()
			return out, nil
		}
		if p.peek().kind == tKey {
			kw, err := p.keywords()
			if err != nil {
				return nil, err
			}
			for _, pair := range kw.Items {
				out = append(out, pair.Items...)
			}
			p.skipEOL()
			if err := p.expect(tPunct, "}"); err != nil {
				return nil, err
			}
			return out, nil
		}
		k, err := p.expr()
		if err != nil {
			return nil, err
		}
		p.skipEOL()
		if p.is(tOp, "|") { // %{map | key: v}: an update, known at run time
			return nil, p.fail(p.peek(), "map update syntax")
		}
		if err := p.expect(tOp, "=>"); err != nil {
			return nil, err
		}
		p.skipEOL()
		v, err := p.expr()
		if err != nil {
			return nil, err
		}
		out = append(out, k, v)
		p.skipEOL()
		if p.is(tPunct, ",") {
			p.next()
			continue
		}
		if err := p.expect(tPunct, "}"); err != nil {
			return nil, err
		}
		return out, nil
	}
}

// ParseValue reads a single Elixir term, for tests and tools.
func ParseValue(src string) (Value, error) {
	toks, ok := lex(src, MaxTokens)
	if !ok {
		return Value{}, fmt.Errorf("%w: more than the cap of %d tokens", ErrTooComplex, MaxTokens)
	}
	p := &parser{src: src, toks: toks}
	p.skipEOL()
	v, err := p.expr()
	if err != nil {
		return Value{}, err
	}
	p.skipEOL()
	if t := p.peek(); t.kind != tEOF {
		return Value{}, p.fail(t, "unexpected %s after the term", describe(t))
	}
	return v, nil
}
