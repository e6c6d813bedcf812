package manual

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
)

// Fish writes fish completions: install them as NAME.fish in
// /usr/share/fish/vendor_completions.d, or source them.
func (p *Program) Fish(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# fish completion for %s %s; written by %s completion fish.\n", p.Name, p.Version, p.Name)
	fmt.Fprintf(&b, "complete -c %s -e\n", p.Name)
	var subs []string
	for _, s := range p.Subcommands {
		subs = append(subs, s.Name)
	}
	top := "not __fish_seen_subcommand_from " + strings.Join(subs, " ")
	for _, s := range p.Subcommands {
		fmt.Fprintf(&b, "complete -c %s -n __fish_use_subcommand -f -a %s -d %s\n", p.Name, shellQuote(s.Name), shellQuote(s.Summary))
	}
	fishFlags(&b, p.Name, top, p.Flags, p.Values)
	for _, s := range p.Subcommands {
		cond := "__fish_seen_subcommand_from " + s.Name
		if s.Flags == nil {
			fmt.Fprintf(&b, "complete -c %s -n %s -f -a %s\n", p.Name, shellQuote(cond), shellQuote(strings.Join(s.Args, " ")))
			continue
		}
		fishFlags(&b, p.Name, cond, s.Flags, s.Values)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func fishFlags(b *strings.Builder, name, cond string, fs *pflag.FlagSet, values map[string][]string) {
	for _, o := range options(fs, values) {
		fmt.Fprintf(b, "complete -c %s -n %s", name, shellQuote(cond))
		if o.short != "" {
			fmt.Fprintf(b, " -s %s", o.short)
		}
		fmt.Fprintf(b, " -l %s", o.long)
		switch {
		case o.arg == "":
		case len(o.values) > 0 && o.files:
			fmt.Fprintf(b, " -r -F -a %s", shellQuote(strings.Join(o.values, " ")))
		case len(o.values) > 0:
			fmt.Fprintf(b, " -x -a %s", shellQuote(strings.Join(o.values, " ")))
		case o.files:
			b.WriteString(" -r -F")
		default:
			b.WriteString(" -x")
		}
		fmt.Fprintf(b, " -d %s\n", shellQuote(firstSentence(o.usage)))
	}
}
