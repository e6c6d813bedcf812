package manual

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
)

// Zsh writes a zsh completion function: install it as _NAME in a directory
// of $fpath (Debian: /usr/share/zsh/vendor-completions), or source it.
func (p *Program) Zsh(w io.Writer) error {
	fn := "_" + shellName(p.Name)
	var b strings.Builder
	fmt.Fprintf(&b, "#compdef %s\n# zsh completion for %s %s; written by %s completion zsh.\n\n", p.Name, p.Name, p.Version, p.Name)
	fmt.Fprintf(&b, "%s() {\n", fn)
	b.WriteString("  local curcontext=$curcontext state line ret=1\n")
	b.WriteString("  if (( CURRENT > 2 )); then\n    case $words[2] in\n")
	for _, s := range p.Subcommands {
		fmt.Fprintf(&b, "    %s)\n", shellQuote(s.Name))
		if s.Flags == nil {
			fmt.Fprintf(&b, "      (( CURRENT == 3 )) && compadd -- %s\n      return\n      ;;\n", strings.Join(quoteAll(s.Args), " "))
			continue
		}
		b.WriteString("      shift words; (( CURRENT-- ))\n      _arguments -s -S \\\n")
		zshSpecs(&b, s.Flags, s.Values, "        ")
		b.WriteString("        && return 0\n      return 1\n      ;;\n")
	}
	b.WriteString("    esac\n  fi\n")
	b.WriteString("  _arguments -s -S -C \\\n")
	zshSpecs(&b, p.Flags, p.Values, "    ")
	b.WriteString("    '*: :->arg' && ret=0\n")
	b.WriteString("  if [[ $state == arg ]] && (( CURRENT == 2 )); then\n")
	b.WriteString("    local -a subcommands=(\n")
	for _, s := range p.Subcommands {
		fmt.Fprintf(&b, "      %s\n", shellQuote(zshEscape(s.Name+":"+s.Summary, ":")))
	}
	b.WriteString("    )\n    _describe -t commands command subcommands && ret=0\n  fi\n  return ret\n}\n\n")
	fmt.Fprintf(&b, "if [[ $zsh_eval_context[-1] == loadautofunc ]]; then\n  %s \"$@\"\nelse\n  compdef %s %s\nfi\n", fn, fn, p.Name)
	_, err := io.WriteString(w, b.String())
	return err
}

// zshSpecs writes one _arguments spec a line, each ending in a backslash.
func zshSpecs(b *strings.Builder, fs *pflag.FlagSet, values map[string][]string, ind string) {
	for _, o := range options(fs, values) {
		desc := "[" + zshEscape(firstSentence(o.usage), "") + "]"
		var action string
		if o.arg != "" {
			action = ":" + zshEscape(strings.ToLower(o.arg), ":") + ":"
			switch {
			case len(o.values) > 0 && o.files:
				action += "{_alternative 'values:" + strings.ToLower(o.arg) + ":(" + strings.Join(o.values, " ") + ")' 'files:file:_files'}"
			case len(o.values) > 0:
				action += "(" + strings.Join(o.values, " ") + ")"
			case o.files:
				action += "_files"
			default:
				action += " "
			}
		}
		// A repeatable flag (an array) may be given again.
		repeat := ""
		if f := fs.Lookup(o.long); f != nil && strings.HasSuffix(f.Value.Type(), "Array") {
			repeat = "*"
		}
		if o.short != "" {
			ex := "(-" + o.short + " --" + o.long + ")"
			if repeat != "" {
				ex = ""
			}
			fmt.Fprintf(b, "%s%s{-%s,--%s}%s \\\n", ind, shellQuote(ex+repeat), o.short, o.long, shellQuote(desc+action))
			continue
		}
		fmt.Fprintf(b, "%s%s\n", ind, shellQuote(repeat+"--"+o.long+desc+action)+` \`)
	}
}

// zshEscape escapes the characters _arguments gives a meaning: brackets
// in a description, and extra (such as ':') in a message.
func zshEscape(s, extra string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '[' || r == ']' || r == '\\' || strings.ContainsRune(extra, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func quoteAll(ws []string) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = shellQuote(w)
	}
	return out
}
