package manual

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// Page is a man page in section 1: the program's flags, then sections
// written in the Markdown subset README.md uses (paragraphs, `code`,
// **bold**, links, lists, fenced code, tables, ### headings).
type Page struct {
	Program     *Program
	Date        time.Time
	Description string // Markdown
	Sections    []Section
	SeeAlso     []string // "systemd.timer(5)"
	// NoDefault names flags whose default their text already explains.
	NoDefault map[string]bool
}

// Section is one .SH of the page.
type Section struct {
	Title    string
	Markdown string
}

// Roff writes the page in man(7) roff, clean under `mandoc -T lint` and
// `groff -ww -man -z`.
func (pg *Page) Roff(w io.Writer) error {
	p := pg.Program
	var b strings.Builder
	fmt.Fprintf(&b, ".TH %s 1 %s %s \"User Commands\"\n", strings.ToUpper(p.Name), pg.Date.UTC().Format("2006-01-02"), quoteArg(p.Name+" "+p.Version))
	b.WriteString(".SH NAME\n")
	fmt.Fprintf(&b, "%s \\- %s\n", p.Name, escape(p.Summary))
	b.WriteString(".SH SYNOPSIS\n")
	for i, s := range p.Synopsis {
		if i > 0 {
			b.WriteString(".br\n")
		}
		fmt.Fprintf(&b, "\\fB%s\\fR %s\n", p.Name, synopsis(s))
	}
	b.WriteString(".SH DESCRIPTION\n")
	markdown(&b, pg.Description)
	b.WriteString(".SH OPTIONS\n")
	pg.options(&b, p.Flags, p.Values)
	for _, s := range p.Subcommands {
		fmt.Fprintf(&b, ".SH %s\n", quoteArg(strings.ToUpper(p.Name+" "+s.Name)))
		fmt.Fprintf(&b, "\\fB%s %s\\fR", p.Name, s.Name)
		if s.Flags == nil {
			fmt.Fprintf(&b, " \\fI%s\\fR\n", escape(strings.Join(s.Args, "|")))
		} else {
			b.WriteString(" [\\fIflags\\fR]\n")
		}
		desc := s.Description
		if desc == "" {
			desc = s.Summary
		}
		b.WriteString(".PP\n" + line(inline(desc)))
		if s.Flags != nil {
			pg.options(&b, s.Flags, s.Values)
		}
	}
	for _, s := range pg.Sections {
		fmt.Fprintf(&b, ".SH %s\n", quoteArg(strings.ToUpper(s.Title)))
		markdown(&b, s.Markdown)
	}
	if len(pg.SeeAlso) > 0 {
		b.WriteString(".SH \"SEE ALSO\"\n")
		for i, ref := range pg.SeeAlso {
			name, sect, _ := strings.Cut(strings.TrimSuffix(ref, ")"), "(")
			sep := ","
			if i == len(pg.SeeAlso)-1 {
				sep = ""
			}
			fmt.Fprintf(&b, ".BR %s (%s)%s\n", name, sect, sep)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// options writes one .TP item per visible flag.
func (pg *Page) options(b *strings.Builder, fs *pflag.FlagSet, values map[string][]string) {
	for _, o := range options(fs, values) {
		b.WriteString(".TP\n")
		if o.short != "" {
			fmt.Fprintf(b, "\\fB\\-%s\\fR, ", escape(o.short))
		}
		fmt.Fprintf(b, "\\fB\\-\\-%s\\fR", code(o.long))
		if o.arg != "" {
			fmt.Fprintf(b, " \\fI%s\\fR", escape(o.arg))
		}
		b.WriteString("\n")
		usage := o.usage
		if f := fs.Lookup(o.long); f != nil && !pg.NoDefault[o.long] {
			if d := f.DefValue; d != "" && d != "false" && d != "[]" && d != "0" {
				usage += " (default " + d + ")"
			}
		}
		b.WriteString(line(inline(usage)))
	}
}

// synopsis sets a usage line: flags in bold, placeholders in italics.
func synopsis(s string) string {
	var out []string
	for _, w := range strings.Fields(s) {
		switch {
		case strings.HasPrefix(w, "-") || strings.HasPrefix(w, "[-"):
			out = append(out, "\\fB"+escape(w)+"\\fR")
		case strings.ToUpper(w) == w:
			out = append(out, "\\fI"+escape(w)+"\\fR")
		default:
			out = append(out, escape(w))
		}
	}
	return strings.Join(out, " ")
}

var (
	codeSpan  = regexp.MustCompile("`([^`]+)`")
	boldSpan  = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	linkSpan  = regexp.MustCompile(`\[([^\]]+)\]\([^)]+\)`)
	imageLine = regexp.MustCompile(`^!\[([^\]]*)\]\(([^)]+)\)$`)
)

// inline converts one paragraph's Markdown spans to roff font escapes.
func inline(s string) string {
	s = linkSpan.ReplaceAllString(s, "$1")
	var b strings.Builder
	last := 0
	for _, m := range codeSpan.FindAllStringSubmatchIndex(s, -1) {
		b.WriteString(bold(s[last:m[0]]))
		// \% keeps each word of code from being hyphenated.
		b.WriteString("\\fB\\%" + strings.ReplaceAll(code(s[m[2]:m[3]]), " ", " \\%") + "\\fR")
		last = m[1]
	}
	b.WriteString(bold(s[last:]))
	return b.String()
}

func bold(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range boldSpan.FindAllStringSubmatchIndex(s, -1) {
		b.WriteString(escape(s[last:m[0]]))
		b.WriteString("\\fB" + escape(s[m[2]:m[3]]) + "\\fR")
		last = m[1]
	}
	b.WriteString(escape(s[last:]))
	return b.String()
}

// code escapes literal text, where every '-' is a minus sign (an option).
func code(s string) string {
	var b strings.Builder
	for _, part := range strings.SplitAfter(s, "-") {
		if p, ok := strings.CutSuffix(part, "-"); ok {
			b.WriteString(escape(p) + "\\-")
			continue
		}
		b.WriteString(escape(part))
	}
	return b.String()
}

// escape makes text literal in roff: the backslash, and any character
// beyond ASCII as a \[uXXXX] glyph (groff reads its input as Latin-1).
func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString("\\e")
		case glyphs[r] != "":
			b.WriteString(glyphs[r])
		case r > 0x7e:
			fmt.Fprintf(&b, "\\[u%04X]", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// glyphs are the characters beyond ASCII whose Unicode name groff's
// fonts lack, by the name they have.
var glyphs = map[rune]string{'↪': `\(->`, '→': `\(->`, '—': `\(em`, '–': `\(en`, '…': `\&...`}

// line is filled text as input lines: a sentence starts a line (groff
// puts its wider space after a sentence only at a line's end), lines are
// kept within 80 bytes where a space allows, and a line starting with a
// control character ('.' or an apostrophe) is guarded.
func line(text string) string {
	var b strings.Builder
	n := 0
	emit := func(l string) { b.WriteString(guard(l) + "\n") }
	var cur []string
	for _, w := range strings.Fields(text) {
		if len(cur) > 0 && n+1+len(w) > 80 {
			emit(strings.Join(cur, " "))
			cur, n = nil, 0
		}
		if len(cur) > 0 {
			n++
		}
		cur = append(cur, w)
		n += len(w)
		if endsSentence(w) {
			emit(strings.Join(cur, " "))
			cur, n = nil, 0
		}
	}
	if len(cur) > 0 {
		emit(strings.Join(cur, " "))
	}
	return b.String()
}

// guard keeps a text line from being read as a request: one starting with
// '.' or an apostrophe.
func guard(l string) string {
	if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
		return "\\&" + l
	}
	return l
}

// endsSentence reports whether a word ends a sentence: a full stop, "?" or
// "!", maybe inside a closing bracket or a font change, after a lower-case
// word that is no abbreviation ("e.g.").
func endsSentence(w string) bool {
	w = strings.TrimSuffix(w, `\fR`)
	w = strings.TrimRight(w, `)"`)
	if !strings.HasSuffix(w, ".") && !strings.HasSuffix(w, "?") && !strings.HasSuffix(w, "!") {
		return false
	}
	core := strings.TrimRight(w, ".?!")
	return len(core) > 1 && !strings.Contains(core, ".") && core[len(core)-1] >= 'a' && core[len(core)-1] <= 'z'
}

func quoteArg(s string) string { return `"` + strings.ReplaceAll(escape(s), `"`, `\(dq`) + `"` }

// markdown converts the README subset to roff blocks.
func markdown(b *strings.Builder, md string) {
	lines := strings.Split(strings.TrimSpace(md), "\n")
	var para []string
	start := b.Len() // a section's first paragraph needs no .PP
	flush := func() {
		if len(para) > 0 {
			if b.Len() > start {
				b.WriteString(".PP\n")
			}
			b.WriteString(line(inline(strings.Join(para, " "))))
			para = nil
		}
	}
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		t := strings.TrimSpace(l)
		switch {
		case t == "":
			flush()
		case strings.HasPrefix(t, "<!--"):
			flush()
		case imageLine.MatchString(t):
			// A picture the page cannot show: its description, and where
			// it is.
			flush()
			m := imageLine.FindStringSubmatch(t)
			b.WriteString(".IP\n" + guard("\\fI"+escape(m[1])+"\\fR ("+escape(m[2])+")") + "\n")
		case strings.HasPrefix(t, "```"):
			flush()
			b.WriteString(".RS 4\n.nf\n")
			for i++; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), "```"); i++ {
				c := code(lines[i])
				if strings.HasPrefix(c, ".") || strings.HasPrefix(c, "'") {
					c = "\\&" + c
				}
				b.WriteString(c + "\n")
			}
			b.WriteString(".fi\n.RE\n")
		case strings.HasPrefix(t, "### "):
			flush()
			fmt.Fprintf(b, ".SS %s\n", quoteArg(strings.TrimPrefix(t, "### ")))
		case strings.HasPrefix(t, "|"):
			flush()
			// A table: the header and the separator go; each row becomes
			// an item named by its first cell.
			rows := 0
			for ; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "|"); i++ {
				rows++
				if rows <= 2 {
					continue
				}
				cells := strings.Split(strings.Trim(strings.TrimSpace(lines[i]), "|"), "|")
				// The tag is one input line, however long: .TP takes one.
				b.WriteString(".TP\n")
				b.WriteString(guard(inline(strings.TrimSpace(cells[0]))) + "\n")
				var rest []string
				for _, c := range cells[1:] {
					rest = append(rest, strings.TrimSpace(c))
				}
				b.WriteString(line(inline(strings.Join(rest, "; "))))
			}
			i--
		case strings.HasPrefix(t, "- "):
			flush()
			item := []string{strings.TrimPrefix(t, "- ")}
			for i+1 < len(lines) && strings.HasPrefix(lines[i+1], "  ") && strings.TrimSpace(lines[i+1]) != "" {
				i++
				item = append(item, strings.TrimSpace(lines[i]))
			}
			b.WriteString(".IP \\(bu 2\n")
			b.WriteString(line(inline(strings.Join(item, " "))))
		default:
			para = append(para, t)
		}
	}
	flush()
}
