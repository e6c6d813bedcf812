package exsconfig

import (
	"os"
	"testing"
)

func TestParseValue(t *testing.T) {
	tests := []struct {
		why, src string
		want     Value
	}{
		{"integers with _", "31_536_000", Value{Kind: Int, Int: 31536000}},
		{"negative integers", "-5", Value{Kind: Int, Int: -5}},
		{"binary integers", "0b101", Value{Kind: Int, Int: 5}},
		{"char literal", "?a", Value{Kind: Int, Int: 97}},
		{"floats", "1.5e3", Value{Kind: Float, Float: 1500}},
		{"atoms", ":foo", Value{Kind: Atom, Str: "foo"}},
		{"quoted atoms", `:"foo bar"`, Value{Kind: Atom, Str: "foo bar"}},
		{"aliases are Elixir.-prefixed atoms", "Pleroma.Web.Endpoint", Value{Kind: Atom, Str: "Elixir.Pleroma.Web.Endpoint"}},
		{"an alias equals its quoted atom", `:"Elixir.Foo"`, Value{Kind: Atom, Str: "Elixir.Foo"}},
		{"true is an atom", ":true", Value{Kind: Bool, Bool: true}},
		{"nil", "nil", Value{Kind: Nil}},
		{"string escapes", `"a\"b\n\x41\u{1F600}"`, Value{Kind: String, Str: "a\"b\nA😀"}},
		{"escaped interpolation is literal", `"\#{x}"`, Value{Kind: String, Str: "#{x}"}},
		{"interpolation is opaque", `"#{x}"`, Value{Kind: Opaque}},
		{"sigils are opaque", "~r/a\\/b/i", Value{Kind: Opaque}},
		{"remote calls are opaque", `System.get_env("X", "y")`, Value{Kind: Opaque}},
		{"keyword lists are {atom, value} lists", "[a: 1, \"b c\": 2]", Value{Kind: List, Items: []Value{
			{Kind: Tuple, Items: []Value{{Kind: Atom, Str: "a"}, {Kind: Int, Int: 1}}},
			{Kind: Tuple, Items: []Value{{Kind: Atom, Str: "b c"}, {Kind: Int, Int: 2}}}}}},
		{"a trailing keyword list in a tuple is one element", "{:a, b: 1}", Value{Kind: Tuple, Items: []Value{
			{Kind: Atom, Str: "a"}, {Kind: List, Items: []Value{{Kind: Tuple, Items: []Value{{Kind: Atom, Str: "b"}, {Kind: Int, Int: 1}}}}}}}},
		{"maps", `%{"a" => 1}`, Value{Kind: Map, Items: []Value{{Kind: String, Str: "a"}, {Kind: Int, Int: 1}}}},
		{"operators make an opaque term", `"a" <> "b"`, Value{Kind: Opaque}},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			v, err := ParseValue(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if !Equal(v, tt.want) {
				t.Errorf("ParseValue(%q) = %s, want %s", tt.src, v, tt.want)
			}
			again, err := ParseValue(v.String())
			if err != nil || !Equal(again, v) {
				t.Errorf("round trip of %s: %s, %v", v, again, err)
			}
		})
	}
}

func TestKeywordMerge(t *testing.T) {
	// why: Keyword.merge/3 keeps a's other keys first, replaces every
	// occurrence of a merged key, and deep-merges nested keyword lists.
	a, _ := ParseValue("[a: 1, b: [x: 1, y: 2], a: 3, c: 4]")
	b, _ := ParseValue("[b: [y: 5], a: 6]")
	want, _ := ParseValue("[c: 4, b: [x: 1, y: 5], a: 6]")
	if got := kwMerge(a, b, deepMerge); !Equal(got, want) {
		t.Errorf("merge = %s, want %s", got, want)
	}
}

func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile("testdata/prod.secret.exs"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("config :pleroma, :http_security, sts: true, referrer_policy: \"#{x}\"\nconfig(:a, [b: %{1 => ~w(a b)a}])"))
	f.Add([]byte("if x do\n fn -> :ok end\nend\nconfig :a, b: [c: {1, 2.5, 'x', ?\\n}], d: \"\"\"\nhi\n\"\"\""))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, _ := Parse("f", data)
		seen := map[string]bool{}
		for _, fd := range Judge(c) {
			if seen[fd.Key()] {
				t.Fatalf("duplicate %s", fd.ID)
			}
			seen[fd.Key()] = true
		}
		for _, cl := range c.calls {
			if cl.unreadable {
				continue
			}
			again, err := ParseValue(cl.opts.String())
			if err != nil || !Equal(again, cl.opts) {
				t.Fatalf("round trip of %q: got %q, %v", cl.opts.String(), again.String(), err)
			}
		}
	})
}
