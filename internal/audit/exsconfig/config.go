// Package exsconfig reads a Pleroma or Akkoma configuration file
// (prod.secret.exs, config.exs) with a small Elixir term reader, merges its
// config calls as Elixir's Config module does, and judges the settings of
// the hardening guide (config.<key>) with Pleroma's defaults for what the
// file does not set. It never evaluates code: calls such as
// System.get_env/1 are opaque and reported as such.
package exsconfig

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/internal/localfile"
	"github.com/hardscan/hardscan/scan/finding"
)

// maxFileSize bounds what is read; real config files are a few KiB.
const maxFileSize = 4 << 20

// MaxTokens and MaxMergeWork bound the work of reading one file: a real
// prod.secret.exs is a few thousand tokens and merges a few hundred pairs,
// while 4 MiB of "[" is four million tokens, and thousands of config calls
// on one key would each copy the growing keyword list.
const (
	MaxTokens    = 250_000
	MaxMergeWork = 1_000_000
)

// ErrTooComplex is a file beyond MaxTokens or MaxMergeWork; Load returns it
// wrapped with the cap that was reached.
var ErrTooComplex = errors.New("too complex to read")

// Config is the merged configuration of one file.
type Config struct {
	Path string // the file as given to Load or Parse

	env   map[string]map[string]Value // app -> key -> merged value
	calls []call                      // every config call in order, readable or not

	imports bool  // import Config or use Mix.Config was seen
	work    int   // keyword pairs visited by merges, against MaxMergeWork
	capErr  error // the cap that stopped reading, if any
}

// call is one config/2 or config/3 call, reduced to config/3 form.
type call struct {
	app, key   string
	opts       Value
	line       int
	unreadable bool // the call was recognised but its value could not be read
}

// Skip is a statement the reader did not apply, and why.
type Skip struct {
	Line   int
	Text   string // the statement's start, shortened
	Reason string
}

// Load reads and parses the file at path. The findings are info findings
// (config.parse) naming what was skipped; a missing or unreadable file is
// an error.
func Load(path string) (*Config, []finding.Finding, error) {
	data, err := localfile.Read(path, maxFileSize)
	if err != nil {
		return nil, nil, fmt.Errorf("read config: %w", err)
	}
	c, skips := Parse(path, data)
	if c.capErr != nil {
		return nil, nil, fmt.Errorf("config %s: %w", path, c.capErr)
	}
	if !c.IsConfig() {
		return nil, nil, fmt.Errorf("%s: not an Elixir config file: no config call and no import Config", path)
	}
	return c, skipFindings(path, skips), nil
}

// IsConfig reports whether the source read as an Elixir config file: it
// has a config call, or at least imports Config.
func (c *Config) IsConfig() bool { return c.imports || len(c.calls) > 0 }

// Parse reads config source. It never fails: statements it cannot read or
// does not apply are returned as skips, and the rest is applied.
func Parse(name string, data []byte) (*Config, []Skip) {
	src := string(data)
	c := &Config{Path: name, env: map[string]map[string]Value{}}
	toks, ok := lex(src, MaxTokens)
	if !ok {
		c.capErr = fmt.Errorf("%w: more than the cap of %d tokens", ErrTooComplex, MaxTokens)
		return c, []Skip{{Line: 1, Text: firstLine(src), Reason: c.capErr.Error()}}
	}
	p := &parser{src: src, toks: toks}
	var skips []Skip
	for {
		if c.work > MaxMergeWork {
			c.capErr = fmt.Errorf("%w: more than the cap of %d merged keyword pairs", ErrTooComplex, MaxMergeWork)
			return c, append(skips, Skip{Line: p.peek().line, Text: firstLine(src[p.peek().pos:]), Reason: c.capErr.Error()})
		}
		p.skipEOL()
		if p.peek().kind == tEOF {
			return c, skips
		}
		start := p.i
		reason, err := c.statement(p)
		if err != nil {
			reason = err.Error()
			if pe, ok := err.(*parseError); ok {
				reason = pe.msg + " (line " + itoa(pe.line) + ")"
			}
		}
		if reason != "" {
			t := p.toks[start]
			skips = append(skips, Skip{Line: t.line, Text: firstLine(src[t.pos:]), Reason: reason})
		}
		if err == nil && reason == "" && !p.atStatementEnd() {
			t := p.toks[start]
			skips = append(skips, Skip{Line: t.line, Text: firstLine(src[t.pos:]), Reason: "unexpected " + describe(p.peek()) + " after the statement"})
		}
		if err != nil || !p.atStatementEnd() {
			p.i = start
			p.skipStatement()
		}
	}
}

// statement applies one top-level statement. It returns a reason when the
// statement was read but not applied, or an error when it could not be read.
func (c *Config) statement(p *parser) (string, error) {
	t := p.peek()
	if t.kind == tIdent {
		switch t.text {
		case "import", "use", "alias", "require":
			if n := p.toks[p.i+1]; n.kind == tAlias && (t.text == "import" && n.text == "Config" || t.text == "use" && n.text == "Mix") {
				c.imports = true
			}
			p.skipStatement() // import Config, use Mix.Config: nothing to apply
			return "", nil
		case "import_config":
			p.skipStatement()
			return "import_config is not followed: audit that file too", nil
		case "config":
			return c.configCall(p)
		}
	}
	if _, err := p.expr(); err != nil {
		return "", err
	}
	return "not a config call (code runs only when Pleroma starts)", nil
}

// configCall reads config :app, key, opts or config :app, opts, with or
// without parentheses.
func (c *Config) configCall(p *parser) (string, error) {
	kw := p.next()
	var args []Value
	var err error
	if p.is(tPunct, "(") && !p.peek().spaced {
		p.next()
		args, err = p.items(")", false)
	} else {
		args, err = p.bareArgs()
	}
	if err != nil {
		// Remember which key the unreadable call touched, so that the
		// judge does not fall back to a default the file may override.
		if len(args) >= 2 {
			app, ok1 := atomName(args[0])
			key, ok2 := atomName(args[1])
			if ok1 && ok2 {
				c.calls = append(c.calls, call{app: app, key: key, line: kw.line, unreadable: true})
			}
		}
		return "", err
	}
	app, ok := atomName(firstOr(args))
	switch {
	case !ok:
		return "config call without an application atom", nil
	case len(args) == 2 && args[1].keyword():
		for _, pair := range args[1].Items {
			key, _ := pairKey(pair)
			c.apply(call{app: app, key: key, opts: pair.Items[1], line: pair.Line})
		}
		return "", nil
	case len(args) == 3:
		key, ok := atomName(args[1])
		if !ok {
			c.calls = append(c.calls, call{app: app, line: kw.line, unreadable: true})
			return "config key is computed at run time", nil
		}
		c.apply(call{app: app, key: key, opts: args[2], line: kw.line})
		return "", nil
	}
	return "config call with unexpected arguments", nil
}

func firstOr(vs []Value) Value {
	if len(vs) == 0 {
		return Value{}
	}
	return vs[0]
}

// bareArgs reads call arguments without parentheses: up to the end of the
// line, continuing after commas. It returns what it read before an error.
func (p *parser) bareArgs() ([]Value, error) {
	var out []Value
	for {
		if p.peek().kind == tKey {
			kw, err := p.keywords()
			if err != nil {
				return out, err
			}
			return append(out, kw), nil
		}
		v, err := p.expr()
		if err != nil {
			return out, err
		}
		out = append(out, v)
		if !p.is(tPunct, ",") {
			return out, nil
		}
		p.next()
		p.skipEOL()
	}
}

// atStatementEnd reports whether the statement ended cleanly.
func (p *parser) atStatementEnd() bool {
	k := p.peek().kind
	return k == tEOL || k == tEOF
}

// skipStatement moves past the current statement: to the end of a line
// outside brackets and do/end blocks, where the line does not end in a
// comma or an operator.
func (p *parser) skipStatement() {
	depth, blocks := 0, 0
	var prev token
	for {
		t := p.peek()
		switch {
		case t.kind == tEOF:
			return
		case t.kind == tEOL && depth <= 0 && blocks <= 0 &&
			!(prev.kind == tPunct && prev.text == ",") && prev.kind != tOp && prev.kind != tKey:
			return
		case t.kind == tPunct && (t.text == "(" || t.text == "[" || t.text == "{" || t.text == "%{"):
			depth++
		case t.kind == tPunct && (t.text == ")" || t.text == "]" || t.text == "}"):
			depth--
		case t.kind == tIdent && (t.text == "do" || t.text == "fn"):
			blocks++
		case t.kind == tIdent && t.text == "end":
			blocks--
		}
		if t.kind != tEOL {
			prev = t
		}
		p.next()
	}
}

// apply merges one call into the environment, as Config.config/3 does:
// the key's old and new values deep-merge. The environment is indexed by
// app and key so that many calls stay linear; only the order of keys,
// which nothing reads, is lost.
func (c *Config) apply(cl call) {
	c.calls = append(c.calls, cl)
	keys := c.env[cl.app]
	if keys == nil {
		keys = map[string]Value{}
		c.env[cl.app] = keys
	}
	if old, ok := keys[cl.key]; ok {
		keys[cl.key] = c.merge(old, cl.opts)
		return
	}
	keys[cl.key] = cl.opts
}

// deepMerge is Config's rule: two keyword lists merge, otherwise the later
// value wins.
func deepMerge(a, b Value) Value {
	if a.keyword() && b.keyword() {
		return kwMerge(a, b, deepMerge)
	}
	return b
}

// merge is deepMerge counting its work against MaxMergeWork.
func (c *Config) merge(a, b Value) Value {
	if a.keyword() && b.keyword() {
		c.work += len(a.Items) + len(b.Items)
		if c.work > MaxMergeWork {
			return b
		}
		return kwMerge(a, b, c.merge)
	}
	return b
}

// kwMerge is Keyword.merge/3: the keys of b replace those of a (merged by
// fn where both have them), keeping a's other pairs first. It runs in
// linear time with an index instead of Erlang's list scans.
func kwMerge(a, b Value, fn func(a, b Value) Value) Value {
	original := map[string][]Value{} // a's values by key, in order, consumed as matched
	for _, it := range a.Items {
		k, _ := pairKey(it)
		original[k] = append(original[k], it.Items[1])
	}
	drop := map[string]bool{}
	var tail []Value
	for _, it := range b.Items {
		k, _ := pairKey(it)
		v := it.Items[1]
		if q := original[k]; len(q) > 0 {
			v = fn(q[0], v)
			original[k] = q[1:]
			drop[k] = true
		}
		tail = append(tail, Value{Kind: Tuple, Items: []Value{it.Items[0], v}, Line: it.Line})
	}
	out := Value{Kind: List, Line: a.Line}
	for _, it := range a.Items {
		if k, _ := pairKey(it); !drop[k] {
			out.Items = append(out.Items, it)
		}
	}
	out.Items = append(out.Items, tail...)
	return out
}

// Get returns the merged value at app and a path of keys, e.g.
// Get("pleroma", "Pleroma.Web.Endpoint", "http", "ip"); path must name at
// least the key. A key starting
// with an upper-case letter is an alias. Walking into an opaque value
// returns that opaque value.
func (c *Config) Get(app string, path ...string) (Value, bool) {
	if len(path) == 0 {
		return Value{}, false
	}
	v, ok := c.env[app][atomKey(path[0])]
	if !ok {
		return Value{}, false
	}
	return walk(v, path[1:])
}

func walk(v Value, path []string) (Value, bool) {
	for _, k := range path {
		if v.Kind == Opaque {
			return v, true
		}
		var ok bool
		if v, ok = v.get(atomKey(k)); !ok {
			return Value{}, false
		}
	}
	return v, true
}

// atomKey turns a path element into an atom name: Foo.Bar is an alias.
func atomKey(k string) string {
	if k != "" && isUpper(k[0]) {
		return "Elixir." + k
	}
	return k
}

// unreadableAfter returns the line of a config call for app and key that
// could not be read and comes after the last readable call setting path,
// or 0. When it is not 0 the file may set the value to something unseen.
func (c *Config) unreadableAfter(app, key string, path ...string) int {
	for i := len(c.calls) - 1; i >= 0; i-- {
		cl := c.calls[i]
		if cl.app != app || cl.key != key && !(cl.unreadable && cl.key == "") {
			continue
		}
		if cl.unreadable {
			return cl.line
		}
		if _, ok := walk(cl.opts, path); ok {
			return 0
		}
	}
	return 0
}

func skipFindings(path string, skips []Skip) []finding.Finding {
	if len(skips) == 0 {
		return nil
	}
	var parts []string
	for i, s := range skips {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(skips)-3))
			break
		}
		parts = append(parts, fmt.Sprintf("line %d %q: %s", s.Line, s.Text, s.Reason))
	}
	return []finding.Finding{{
		ID: check.ConfigParse, Reason: check.Skipped, Severity: finding.Info, Subject: path,
		Expected: "every statement read", Actual: fmt.Sprintf("%d statements skipped", len(skips)),
		Message: fmt.Sprintf("hardscan did not apply these statements of %s, so settings they make are not judged: %s.",
			filepath.Base(path), strings.Join(parts, "; ")),
	}}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return clip(strings.TrimSpace(s))
}

func clip(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut-- // never split a character
	}
	return s[:cut] + "..."
}

func itoa(n int) string { return fmt.Sprint(n) }
