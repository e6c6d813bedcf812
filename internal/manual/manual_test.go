package manual

import (
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func TestMarkdownToRoff(t *testing.T) {
	for _, tc := range []struct{ md, want string }{
		{"A `-f json` report.", "A \\fB\\%\\-f \\%json\\fR report.\n"},
		{"**The exporter.** It runs.", "\\fBThe exporter.\\fR\nIt runs.\n"},
		{"See [the page](docs/a.png) now", "See the page now\n"},
		{".dotfile and 'quote", "\\&.dotfile and 'quote\n"},
		{"First one. Second one.", "First one.\nSecond one.\n"},
		{"e.g. this stays", "e.g. this stays\n"},
		{"a back\\slash", "a back\\eslash\n"},
		{"wraps with a ↪ mark — here", "wraps with a \\(-> mark \\(em here\n"},
		{"```sh\n.hidden --flag\n```", ".RS 4\n.nf\n\\&.hidden \\-\\-flag\n.fi\n.RE\n"},
		{"| code | meaning |\n|---|---|\n| 0 | fine, `-q` |", ".TP\n0\nfine, \\fB\\%\\-q\\fR\n"},
		{"- one\n  more\n- two", ".IP \\(bu 2\none more\n.IP \\(bu 2\ntwo\n"},
		{"para\n\n### Sub\n\nnext", "para\n.SS \"Sub\"\n.PP\nnext\n"},
		{"Look:\n\n![a picture](x.png)\n\ntext", "Look:\n.IP\n\\fIa picture\\fR (x.png)\n.PP\ntext\n"},
		{"<!-- a marker -->\ntext", "text\n"},
	} {
		var b strings.Builder
		markdown(&b, tc.md)
		if b.String() != tc.want {
			t.Errorf("%q:\n got %q\nwant %q", tc.md, b.String(), tc.want)
		}
	}
}

func TestLineWraps(t *testing.T) {
	long := strings.Repeat("word ", 40)
	for _, l := range strings.Split(strings.TrimSpace(line(long)), "\n") {
		if len(l) > 80 {
			t.Errorf("line of %d bytes: %q", len(l), l)
		}
	}
}

func TestMarkdownSection(t *testing.T) {
	md := "# Top\nintro\n## A\na text\n```sh\n# not a heading\n```\n### A.1\nsub\n## B\nb text\n"
	for _, tc := range []struct {
		title, want string
		ok          bool
	}{
		{"A", "a text\n```sh\n# not a heading\n```\n### A.1\nsub", true},
		{"A.1", "sub", true},
		{"B", "b text\n", true},
		{"C", "", false},
	} {
		got, ok := MarkdownSection(md, tc.title)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: %q %v, want %q %v", tc.title, got, ok, tc.want, tc.ok)
		}
	}
}

func TestFirstSentence(t *testing.T) {
	for in, want := range map[string]string{
		"output FORMAT: table, json":                    "output FORMAT",
		"connect to ADDR for HOST:PORT (curl's); again": "connect to ADDR for HOST:PORT (curl's)",
		"lowest (`LEVEL`: fail; warn) that fails":       "lowest (`LEVEL`: fail; warn) that fails",
		"plain": "plain",
	} {
		if got := firstSentence(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func TestOptions(t *testing.T) {
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.StringP("output", "o", "", "write to `FILE`")
	fs.String("profile", "auto", "what (`NAME|FILE`)")
	fs.Int("port", 0, "the `PORT`")
	fs.Bool("quiet", false, "say nothing")
	fs.Bool("old", false, "gone")
	_ = fs.MarkHidden("old")
	got := options(fs, map[string][]string{"profile": {"auto", "pleroma"}})
	want := []option{
		{long: "output", short: "o", usage: "write to FILE", arg: "FILE", files: true},
		{long: "profile", usage: "what (NAME|FILE)", arg: "NAME|FILE", values: []string{"auto", "pleroma"}, files: true},
		{long: "port", usage: "the PORT", arg: "PORT"},
		{long: "quiet", usage: "say nothing"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d options, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.long != w.long || g.short != w.short || g.usage != w.usage || g.arg != w.arg || g.files != w.files || strings.Join(g.values, " ") != strings.Join(w.values, " ") {
			t.Errorf("option %d: %+v, want %+v", i, g, w)
		}
	}
}
