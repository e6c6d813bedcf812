package manual

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
)

// Bash writes a bash completion script: source it, or install it as
// /usr/share/bash-completion/completions/NAME, where bash-completion loads
// it on the first Tab after NAME.
func (p *Program) Bash(w io.Writer) error {
	fn := "_" + shellName(p.Name)
	var b strings.Builder
	fmt.Fprintf(&b, "# bash completion for %s %s; written by %s completion bash.\n", p.Name, p.Version, p.Name)
	fmt.Fprintf(&b, "%s() {\n", fn)
	b.WriteString(`    local cur=${COMP_WORDS[COMP_CWORD]} prev=""
    (( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}
    # bash splits --flag=value at '=' (COMP_WORDBREAKS): the value's flag is
    # the word before the '='.
    if [[ $cur == "=" ]]; then
        cur=""
    elif [[ $prev == "=" ]] && (( COMP_CWORD > 1 )); then
        prev=${COMP_WORDS[COMP_CWORD-2]}
    fi
    local sub=""
    (( COMP_CWORD > 1 )) && sub=${COMP_WORDS[1]}
    COMPREPLY=()
    case $sub in
`)
	for _, s := range p.Subcommands {
		fmt.Fprintf(&b, "    %s)\n", shellQuote(s.Name))
		if s.Flags == nil {
			fmt.Fprintf(&b, "        (( COMP_CWORD == 2 )) && COMPREPLY=($(compgen -W %s -- \"$cur\"))\n        return 0\n        ;;\n",
				shellQuote(strings.Join(s.Args, " ")))
			continue
		}
		bashFlags(&b, s.Flags, s.Values, nil, "        ")
		b.WriteString("        ;;\n")
	}
	b.WriteString("    esac\n")
	var subs []string
	for _, s := range p.Subcommands {
		subs = append(subs, s.Name)
	}
	bashFlags(&b, p.Flags, p.Values, subs, "    ")
	b.WriteString("}\n")
	fmt.Fprintf(&b, "complete -F %s %s\n", fn, p.Name)
	_, err := io.WriteString(w, b.String())
	return err
}

// bashFlags writes the case over the previous word (a flag that takes a
// value), then the flags themselves, then (first word only) the
// subcommands.
func bashFlags(b *strings.Builder, fs *pflag.FlagSet, values map[string][]string, subs []string, ind string) {
	opts := options(fs, values)
	b.WriteString(ind + "case $prev in\n")
	var all, free []string
	for _, o := range opts {
		names := "--" + o.long
		all = append(all, "--"+o.long)
		if o.short != "" {
			names += "|-" + o.short
			all = append(all, "-"+o.short)
		}
		if o.arg == "" {
			continue
		}
		if len(o.values) == 0 && !o.files {
			free = append(free, names)
			continue
		}
		fmt.Fprintf(b, "%s%s)\n", ind, names)
		if len(o.values) > 0 {
			fmt.Fprintf(b, "%s    COMPREPLY=($(compgen -W %s -- \"$cur\"))\n", ind, shellQuote(strings.Join(o.values, " ")))
		}
		if o.files {
			// One name a line, so names with spaces survive.
			fmt.Fprintf(b, "%s    compopt -o filenames 2>/dev/null\n", ind)
			fmt.Fprintf(b, "%s    local IFS=$'\\n'\n", ind)
			fmt.Fprintf(b, "%s    COMPREPLY+=($(compgen -f -- \"$cur\"))\n", ind)
		}
		fmt.Fprintf(b, "%s    return 0\n%s    ;;\n", ind, ind)
	}
	if len(free) > 0 {
		// A value nothing can guess (a number, an address): no words.
		fmt.Fprintf(b, "%s%s)\n%s    return 0\n%s    ;;\n", ind, strings.Join(free, "|"), ind, ind)
	}
	b.WriteString(ind + "esac\n")
	fmt.Fprintf(b, "%sif [[ $cur == -* ]]; then\n%s    COMPREPLY=($(compgen -W %s -- \"$cur\"))\n%s    return 0\n%sfi\n",
		ind, ind, shellQuote(strings.Join(all, " ")), ind, ind)
	if len(subs) > 0 {
		fmt.Fprintf(b, "%s(( COMP_CWORD == 1 )) && COMPREPLY=($(compgen -W %s -- \"$cur\"))\n", ind, shellQuote(strings.Join(subs, " ")))
	}
	b.WriteString(ind + "return 0\n")
}

// shellQuote quotes s for sh, bash, zsh and fish alike.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shellName is name as part of a shell function's name.
func shellName(name string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, name)
}
