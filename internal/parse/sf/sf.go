// Package sf parses and serializes Structured Field Values for HTTP (RFC 8941,
// RFC 9651): enough for Permissions-Policy dictionaries, COOP/COEP items and
// boolean items such as Origin-Agent-Cluster.
package sf

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Bare item kinds.
const (
	Integer = iota + 1
	Decimal
	String
	Token
	Bytes
	Boolean
)

// Bare is one bare item. Decimals are kept in thousandths so that they
// compare and round-trip exactly (RFC 8941 §3.3.2 allows three digits).
type Bare struct {
	Kind int
	Str  string // string, token, or decoded bytes
	Int  int64  // integer, or decimal in thousandths
	Bool bool
}

type Param struct {
	Key   string
	Value Bare
}

type Item struct {
	Bare   Bare
	Params []Param
}

// Member is one dictionary member: an item or an inner list.
type Member struct {
	Key     string
	IsInner bool
	Item    Item   // when !IsInner
	Inner   []Item // when IsInner
	Params  []Param
}

type parser struct{ s string }

// ParseDictionary parses a Dictionary (RFC 8941 §4.2.2); a repeated key
// keeps its first position and takes the last value.
func ParseDictionary(s string) ([]Member, error) {
	p := &parser{s: strings.TrimLeft(s, " ")}
	p.s = strings.TrimRight(p.s, " ")
	var dict []Member
	index := map[string]int{}
	for p.s != "" {
		key, err := p.key()
		if err != nil {
			return nil, err
		}
		m := Member{Key: key}
		if p.peek() == '=' {
			p.s = p.s[1:]
			if err := p.itemOrInner(&m); err != nil {
				return nil, fmt.Errorf("member %s: %w", key, err)
			}
		} else {
			m.Item.Bare = Bare{Kind: Boolean, Bool: true}
			if m.Item.Params, err = p.params(); err != nil {
				return nil, err
			}
		}
		if i, ok := index[key]; ok {
			dict[i] = m
		} else {
			index[key] = len(dict)
			dict = append(dict, m)
		}
		p.ows()
		if p.s == "" {
			return dict, nil
		}
		if p.s[0] != ',' {
			return nil, fmt.Errorf("expected ',' after member %s, found %q", key, p.s[:1])
		}
		p.s = p.s[1:]
		p.ows()
		if p.s == "" {
			return nil, errors.New("trailing comma")
		}
	}
	return dict, nil
}

// ParseItem parses an Item (RFC 8941 §4.2.3).
func ParseItem(s string) (Item, error) {
	p := &parser{s: strings.Trim(s, " ")}
	it, err := p.item()
	if err != nil {
		return Item{}, err
	}
	if p.s != "" {
		return Item{}, fmt.Errorf("unexpected %q after the item", p.s)
	}
	return it, nil
}

func (p *parser) peek() byte {
	if p.s == "" {
		return 0
	}
	return p.s[0]
}

func (p *parser) ows() { p.s = strings.TrimLeft(p.s, " \t") }

func (p *parser) itemOrInner(m *Member) error {
	if p.peek() != '(' {
		it, err := p.item()
		m.Item = it
		return err
	}
	m.IsInner = true
	p.s = p.s[1:]
	for {
		p.s = strings.TrimLeft(p.s, " ")
		if p.peek() == ')' {
			p.s = p.s[1:]
			var err error
			m.Params, err = p.params()
			return err
		}
		it, err := p.item()
		if err != nil {
			return err
		}
		m.Inner = append(m.Inner, it)
		if c := p.peek(); c != ' ' && c != ')' {
			return errors.New("inner list items must be separated by spaces")
		}
	}
}

func (p *parser) item() (Item, error) {
	b, err := p.bare()
	if err != nil {
		return Item{}, err
	}
	ps, err := p.params()
	return Item{Bare: b, Params: ps}, err
}

func (p *parser) params() ([]Param, error) {
	var ps []Param
	var index map[string]int
	for p.peek() == ';' {
		p.s = strings.TrimLeft(p.s[1:], " ")
		key, err := p.key()
		if err != nil {
			return nil, err
		}
		v := Bare{Kind: Boolean, Bool: true}
		if p.peek() == '=' {
			p.s = p.s[1:]
			if v, err = p.bare(); err != nil {
				return nil, err
			}
		}
		if index == nil {
			index = map[string]int{}
		}
		if i, ok := index[key]; ok {
			ps[i].Value = v
		} else {
			index[key] = len(ps)
			ps = append(ps, Param{Key: key, Value: v})
		}
	}
	return ps, nil
}

func (p *parser) key() (string, error) {
	c := p.peek()
	if !(c >= 'a' && c <= 'z' || c == '*') {
		return "", fmt.Errorf("a key must start with a lower-case letter or '*', found %q", p.s[:min(1, len(p.s))])
	}
	i := 1
	for i < len(p.s) && isKeyChar(p.s[i]) {
		i++
	}
	k := p.s[:i]
	p.s = p.s[i:]
	return k, nil
}

func isKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("_-.*", c) >= 0
}

func (p *parser) bare() (Bare, error) {
	c := p.peek()
	switch {
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	case c == '"':
		return p.str()
	case c == '*' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		i := 1
		for i < len(p.s) && (isTchar(p.s[i]) || p.s[i] == ':' || p.s[i] == '/') {
			i++
		}
		t := p.s[:i]
		p.s = p.s[i:]
		return Bare{Kind: Token, Str: t}, nil
	case c == ':':
		end := strings.IndexByte(p.s[1:], ':')
		if end < 0 {
			return Bare{}, errors.New("unterminated byte sequence")
		}
		raw := p.s[1 : 1+end]
		p.s = p.s[2+end:]
		b, err := base64.StdEncoding.DecodeString(raw)
		if err != nil {
			return Bare{}, fmt.Errorf("byte sequence: %w", err)
		}
		return Bare{Kind: Bytes, Str: string(b)}, nil
	case c == '?':
		if len(p.s) < 2 || (p.s[1] != '0' && p.s[1] != '1') {
			return Bare{}, errors.New("a boolean is ?0 or ?1")
		}
		v := p.s[1] == '1'
		p.s = p.s[2:]
		return Bare{Kind: Boolean, Bool: v}, nil
	}
	if p.s == "" {
		return Bare{}, errors.New("missing value")
	}
	return Bare{}, fmt.Errorf("unexpected %q", p.s[:1])
}

// number follows RFC 8941 §4.2.4.
func (p *parser) number() (Bare, error) {
	neg := p.peek() == '-'
	s := p.s
	if neg {
		s = s[1:]
	}
	i, dot := 0, -1
	for i < len(s) {
		c := s[i]
		if c == '.' && dot < 0 {
			if i > 12 {
				return Bare{}, errors.New("decimal integer part too long")
			}
			dot = i
		} else if c < '0' || c > '9' {
			break
		}
		i++
		if dot < 0 && i > 15 || dot >= 0 && i > 16 {
			return Bare{}, errors.New("number too long")
		}
	}
	num := s[:i]
	if num == "" || num[0] == '.' {
		return Bare{}, errors.New("number without digits")
	}
	p.s = s[i:]
	sign := int64(1)
	if neg {
		sign = -1
	}
	if dot < 0 {
		n, err := strconv.ParseInt(num, 10, 64)
		return Bare{Kind: Integer, Int: sign * n}, err
	}
	frac := num[dot+1:]
	if frac == "" || len(frac) > 3 {
		return Bare{}, errors.New("a decimal needs 1 to 3 fractional digits")
	}
	whole, _ := strconv.ParseInt(num[:dot], 10, 64)
	f, _ := strconv.ParseInt((frac + "00")[:3], 10, 64)
	return Bare{Kind: Decimal, Int: sign * (whole*1000 + f)}, nil
}

func (p *parser) str() (Bare, error) {
	var b strings.Builder
	for i := 1; i < len(p.s); i++ {
		c := p.s[i]
		switch {
		case c == '\\':
			i++
			if i == len(p.s) || (p.s[i] != '"' && p.s[i] != '\\') {
				return Bare{}, errors.New("bad escape in string")
			}
			b.WriteByte(p.s[i])
		case c == '"':
			p.s = p.s[i+1:]
			return Bare{Kind: String, Str: b.String()}, nil
		case c < 0x20 || c > 0x7e:
			return Bare{}, errors.New("a string holds printable ASCII only")
		default:
			b.WriteByte(c)
		}
	}
	return Bare{}, errors.New("unterminated string")
}

func isTchar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// SerializeDictionary writes dict in RFC 8941 §4.1.2's canonical form.
func SerializeDictionary(dict []Member) string {
	var b strings.Builder
	for i, m := range dict {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(m.Key)
		switch {
		case m.IsInner:
			b.WriteString("=(")
			for j, it := range m.Inner {
				if j > 0 {
					b.WriteByte(' ')
				}
				writeItem(&b, it)
			}
			b.WriteByte(')')
			writeParams(&b, m.Params)
		case m.Item.Bare.Kind == Boolean && m.Item.Bare.Bool:
			writeParams(&b, m.Item.Params)
		default:
			b.WriteByte('=')
			writeItem(&b, m.Item)
		}
	}
	return b.String()
}

func writeItem(b *strings.Builder, it Item) {
	writeBare(b, it.Bare)
	writeParams(b, it.Params)
}

func writeParams(b *strings.Builder, ps []Param) {
	for _, p := range ps {
		b.WriteByte(';')
		b.WriteString(p.Key)
		if p.Value.Kind == Boolean && p.Value.Bool {
			continue
		}
		b.WriteByte('=')
		writeBare(b, p.Value)
	}
}

func writeBare(b *strings.Builder, v Bare) {
	switch v.Kind {
	case Integer:
		b.WriteString(strconv.FormatInt(v.Int, 10))
	case Decimal:
		n := v.Int
		if n < 0 {
			b.WriteByte('-')
			n = -n
		}
		frac := strings.TrimRight(fmt.Sprintf("%03d", n%1000), "0")
		if frac == "" {
			frac = "0"
		}
		fmt.Fprintf(b, "%d.%s", n/1000, frac)
	case String:
		b.WriteByte('"')
		for i := 0; i < len(v.Str); i++ {
			if v.Str[i] == '"' || v.Str[i] == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(v.Str[i])
		}
		b.WriteByte('"')
	case Token:
		b.WriteString(v.Str)
	case Bytes:
		b.WriteByte(':')
		b.WriteString(base64.StdEncoding.EncodeToString([]byte(v.Str)))
		b.WriteByte(':')
	case Boolean:
		if v.Bool {
			b.WriteString("?1")
		} else {
			b.WriteString("?0")
		}
	}
}
