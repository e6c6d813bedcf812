// Package manual writes what an installed command needs besides itself: the
// shell completion scripts (bash, zsh, fish) and the roff man page. Both are
// built from the very pflag.FlagSets the command parses, so that a flag added
// to --help is completed and documented without another edit.
package manual

import (
	"sort"
	"strings"

	"github.com/spf13/pflag"
)

// Program is a command and its subcommands, as the shells complete them.
type Program struct {
	Name     string // the executable, "hardscan"
	Version  string
	Summary  string   // one line: what the program does
	Synopsis []string // usage lines without the program's name ("[flags] URL...")
	Flags    *pflag.FlagSet
	// Values lists the words a flag's value may be, by flag name; a flag
	// whose value placeholder names a FILE completes file names too.
	Values map[string][]string
	// Subcommands are the words that may come first instead of a flag.
	Subcommands []Subcommand
}

// Subcommand is a word such as "serve" with its own flags, or with a fixed
// list of arguments (completion's shells).
type Subcommand struct {
	Name        string
	Summary     string         // one line, for a shell's menu
	Description string         // the man page's paragraph; Summary when empty
	Flags       *pflag.FlagSet // nil: takes Args only
	Values      map[string][]string
	Args        []string // the words its first argument may be
}

// option is one visible flag as the generators see it.
type option struct {
	long, short string
	usage       string   // the help text, the placeholder's backquotes removed
	arg         string   // the value's placeholder ("FILE", "FORMAT"); "" for a switch
	values      []string // the words the value may be
	files       bool     // the value may be a file name
}

// options lists fs's visible flags in definition order.
func options(fs *pflag.FlagSet, values map[string][]string) []option {
	var out []option
	if fs == nil {
		return nil
	}
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		arg, usage := pflag.UnquoteUsage(f)
		o := option{long: f.Name, short: f.Shorthand, usage: usage}
		if f.Value.Type() != "bool" {
			o.arg = arg
			o.values = values[f.Name]
			o.files = takesFile(arg)
		}
		out = append(out, o)
	})
	return out
}

// takesFile reports whether a placeholder such as "FILE" or "NAME|FILE"
// names a file.
func takesFile(arg string) bool {
	for _, w := range strings.Split(arg, "|") {
		if w == "FILE" {
			return true
		}
	}
	return false
}

// Names returns every flag spelling a Program's scripts and page must carry:
// "--format", "-f", and "serve --listen" for a subcommand's, sorted.
func (p *Program) Names() []string {
	var out []string
	add := func(prefix string, fs *pflag.FlagSet, values map[string][]string) {
		for _, o := range options(fs, values) {
			out = append(out, prefix+"--"+o.long)
			if o.short != "" {
				out = append(out, prefix+"-"+o.short)
			}
		}
	}
	add("", p.Flags, p.Values)
	for _, s := range p.Subcommands {
		add(s.Name+" ", s.Flags, s.Values)
	}
	sort.Strings(out)
	return out
}

// firstSentence is the start of a flag's help up to its first full stop,
// colon or semicolon outside brackets, for a shell's one-line description.
func firstSentence(s string) string {
	depth := 0
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case ';', ':':
			if depth == 0 && (i+1 == len(s) || s[i+1] == ' ') {
				return strings.TrimSpace(s[:i])
			}
		}
	}
	return s
}

// MarkdownSection returns the body of the section of md whose heading is
// title (any level), up to the next heading of the same or a higher level.
func MarkdownSection(md, title string) (string, bool) {
	lines := strings.Split(md, "\n")
	for i, l := range lines {
		level := len(l) - len(strings.TrimLeft(l, "#"))
		if level == 0 || strings.TrimSpace(l[level:]) != title {
			continue
		}
		var body []string
		fence := false
		for _, m := range lines[i+1:] {
			if strings.HasPrefix(m, "```") {
				fence = !fence
			}
			if !fence {
				if l := len(m) - len(strings.TrimLeft(m, "#")); l > 0 && l <= level && strings.HasPrefix(m[l:], " ") {
					break
				}
			}
			body = append(body, m)
		}
		return strings.Join(body, "\n"), true
	}
	return "", false
}
