package unit

import (
	"strings"
)

// whitespace is systemd's WHITESPACE set; Go's TrimSpace would also eat
// Unicode spaces that systemd keeps.
const whitespace = " \t\n\r"

// Assignment is one "Key=Value" line of a unit file or drop-in, after
// continuation lines were joined.
type Assignment struct {
	Section string // the section it appeared in, e.g. "Service"
	Key     string // the directive name, case-sensitive as in systemd
	Value   string // the raw value, trimmed; quotes are kept
	File    string // the file it came from
	Line    int    // the line the assignment started on, from 1
}

// Where names the assignment's origin as "file:line" for messages.
func (a Assignment) Where() string {
	return baseName(a.File) + ":" + itoa(a.Line)
}

// Skip is a line the parser could not use, with the reason systemd would
// log when it ignores it.
type Skip struct {
	File   string
	Line   int
	Reason string
}

// Parse reads unit-file syntax (systemd.syntax(7)): sections, "#" and ";"
// comments, backslash continuations (comment lines inside a continuation are
// dropped), and "Key=Value" assignments. It never fails: lines it cannot use
// come back as skips, as systemd ignores them with a warning.
func Parse(file string, data []byte) ([]Assignment, []Skip) {
	var (
		as      []Assignment
		skips   []Skip
		section string
		inSect  bool
		buf     strings.Builder
		start   int // line where the logical line in buf began; 0 when none
	)
	flush := func() {
		if start == 0 {
			return
		}
		line := strings.Trim(buf.String(), whitespace)
		at := start
		buf.Reset()
		start = 0
		switch {
		case line == "":
			return
		case line[0] == '[':
			if len(line) < 2 || line[len(line)-1] != ']' {
				skips = append(skips, Skip{file, at, "invalid section header"})
				inSect = false
				return
			}
			section, inSect = line[1:len(line)-1], true
			return
		}
		if !inSect {
			skips = append(skips, Skip{file, at, "assignment outside of any section"})
			return
		}
		k, v, ok := strings.Cut(line, "=")
		k = strings.Trim(k, whitespace)
		if !ok || k == "" {
			skips = append(skips, Skip{file, at, "not a Key=Value assignment"})
			return
		}
		as = append(as, Assignment{section, k, strings.Trim(v, whitespace), file, at})
	}
	text := string(data)
	for n := 1; text != ""; n++ {
		raw, rest, _ := strings.Cut(text, "\n")
		text = rest
		raw = strings.TrimSuffix(raw, "\r")
		trimmed := strings.TrimLeft(raw, whitespace)
		if trimmed != "" && (trimmed[0] == '#' || trimmed[0] == ';') {
			// A comment, even in the middle of a continuation: systemd
			// drops it and keeps joining.
			continue
		}
		if start == 0 {
			start = n
		}
		if oddBackslash(raw) {
			buf.WriteString(raw[:len(raw)-1])
			buf.WriteByte(' ')
			continue
		}
		buf.WriteString(raw)
		flush()
	}
	flush()
	return as, skips
}

// oddBackslash reports whether s ends in an unescaped backslash, which
// continues the line ("\\" at the end is a literal backslash).
func oddBackslash(s string) bool {
	n := 0
	for n < len(s) && s[len(s)-1-n] == '\\' {
		n++
	}
	return n%2 == 1
}

// Format writes assignments back as unit-file text, one section header
// each time the section changes. Parse(Format(as)) gives back as.
func Format(as []Assignment) string {
	var b strings.Builder
	cur, started := "", false
	for _, a := range as {
		if !started || a.Section != cur {
			b.WriteString("[" + a.Section + "]\n")
			cur, started = a.Section, true
		}
		b.WriteString(a.Key + "=" + a.Value)
		if oddBackslash(a.Value) {
			// A trailing space keeps a final backslash literal, as
			// systemd checks for continuation before trimming.
			b.WriteByte(' ')
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// Words splits a list value into words the way systemd's
// extract_first_word(EXTRACT_UNQUOTE) does: whitespace separates, double
// or single quotes group, a backslash escapes the next character. ok is
// false on an unterminated quote, which systemd rejects.
func Words(v string) (words []string, ok bool) {
	var (
		w      strings.Builder
		inWord bool
		quote  byte
	)
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\' && i+1 < len(v):
			i++
			w.WriteByte(v[i])
			inWord = true
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				w.WriteByte(c)
			}
		case c == '"' || c == '\'':
			quote, inWord = c, true
		case strings.IndexByte(whitespace, c) >= 0:
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, false
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, true
}
