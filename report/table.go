package report

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/result"
)

// tableFormat is for terminals, the default.
var tableFormat = Format{Name: "table", write: writeTable}

// The table is the report a person reads in a terminal. It answers first
// and fits the terminal: per target a header (name, grade, software and
// profile, counts with fail first), then the findings that need action
// (fail, warn), each with what was expected, what was seen and its fix as
// code to paste, then the info findings in one compact block, then the
// passes as one line (-v lists them). With several targets a one-line-per-
// target overview comes first, and only the targets that need action are
// detailed. No line is wider than Options.Width but a line of code: text
// wraps at spaces, and code is never broken (see code). Below wideLayout
// columns each
// finding is a block of stacked lines; from wideLayout on, labels and
// messages sit in columns beside their check.

// wideLayout is the width from which the table puts labels in a column.
const wideLayout = 100

// ANSI SGR colours, used only with Options.Color.
var sgr = map[finding.Severity]string{
	finding.Pass: "\x1b[32m", // green
	finding.Info: "\x1b[36m", // cyan
	finding.Warn: "\x1b[33m", // yellow
	finding.Fail: "\x1b[31m", // red
}

const (
	sgrBold  = "\x1b[1m"
	sgrDim   = "\x1b[2m"
	sgrReset = "\x1b[0m"
)

// paint wraps our own text s in code when colour is on.
func paint(on bool, code, s string) string {
	if !on || code == "" || s == "" {
		return s
	}
	return code + s + sgrReset
}

// screen writes lines of at most width columns.
type screen struct {
	buf   *bytes.Buffer
	width int
	color bool
	wide  bool
}

func newScreen(buf *bytes.Buffer, opt Options) *screen {
	w := opt.Width
	if w == 0 {
		w = DefaultWidth
	}
	w = min(max(w, MinWidth), MaxWidth)
	return &screen{buf: buf, width: w, color: opt.Color, wide: w >= wideLayout}
}

func (t *screen) paint(code, s string) string { return paint(t.color, code, s) }

// line writes one line, without trailing spaces.
func (t *screen) line(s string) {
	t.buf.WriteString(strings.TrimRight(s, " "))
	t.buf.WriteByte('\n')
}

func (t *screen) blank() { t.buf.WriteByte('\n') }

// para writes sanitised text s wrapped to the width: the first line after
// first, the others after an indent of rest's width. first may hold colour.
func (t *screen) para(first string, rest int, s string) {
	fw := width(first)
	for i, l := range wrapHanging(s, t.width-max(fw, rest), t.width-rest) {
		if i == 0 {
			t.line(first + strings.Repeat(" ", max(0, rest-fw)) + l)
			continue
		}
		t.line(strings.Repeat(" ", rest) + l)
	}
}

// code writes a snippet's lines at indent, each line whole however wide:
// a terminal soft-wraps a long line and joins it again when it is copied,
// while a line break of ours would be pasted into the config as one (a
// header value cut in two). Only a comment line of the snippet's language
// is re-wrapped, into comment lines of that language.
func (t *screen) code(indent int, sn finding.Snippet) {
	pad := strings.Repeat(" ", indent)
	mark := commentMark(sn.Lang)
	lines := codeLines(sn.Code)
	for i := 0; i < len(lines); i++ {
		prefix, _, ok := commentLine(lines[i], mark)
		if !ok {
			t.line(pad + lines[i])
			continue
		}
		// A run of comment lines with the same prefix is one paragraph:
		// kept as it is when it fits, else wrapped again as a whole,
		// never inside a word (a URL stays whole).
		end, fits := i, true
		var text []string
		for ; end < len(lines); end++ {
			p, txt, ok := commentLine(lines[end], mark)
			if !ok || p != prefix {
				break
			}
			text = append(text, txt)
			fits = fits && indent+width(lines[end]) <= t.width
		}
		if fits {
			for _, l := range lines[i:end] {
				t.line(pad + l)
			}
		} else {
			for _, piece := range wrapWords(strings.Join(text, " "), t.width-indent-width(prefix)) {
				t.line(pad + prefix + piece)
			}
		}
		i = end - 1
	}
}

// commentLine splits a line that is only a comment ("    #  text") into
// its prefix (up to the text) and text; ok is false for code, for an empty
// comment and for a language we do not know.
func commentLine(l, mark string) (prefix, text string, ok bool) {
	if mark == "" {
		return "", "", false
	}
	lead, rest, found := strings.Cut(l, mark+" ")
	if !found || strings.TrimSpace(lead) != "" || strings.TrimSpace(rest) == "" {
		return "", "", false
	}
	text = strings.TrimLeft(rest, " ")
	return l[:len(l)-len(text)], text, true
}

// wrapWords wraps text at spaces into lines of at most w columns; a word
// wider than w gets a line of its own, whole.
func wrapWords(s string, w int) []string {
	var lines []string
	var line string
	for _, word := range strings.Fields(s) {
		if line != "" && width(line)+1+width(word) <= w {
			line += " " + word
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		line = word
	}
	return append(lines, line)
}

// commentMark is what starts a comment line in a snippet's language, or ""
// where we do not know it (and so never re-wrap).
func commentMark(lang string) string {
	switch strings.ToLower(lang) {
	case "nginx", "apache", "apacheconf", "caddy", "caddyfile", "haproxy", "lighttpd",
		"sh", "bash", "shell", "ini", "systemd", "elixir", "yaml", "toml":
		return "#"
	}
	return ""
}

// sevLabel is a severity in capitals, coloured.
func (t *screen) sevLabel(s finding.Severity) string {
	return t.paint(sgrBold+sgr[s], strings.ToUpper(s.String()))
}

// writeTable writes the whole report for a person; see the comment above.
func writeTable(buf *bytes.Buffer, r *result.Report, opt Options) error {
	t := newScreen(buf, opt)
	var targets []*result.Target
	for _, tg := range r.Targets {
		if tg != nil {
			targets = append(targets, tg)
		}
	}
	switch len(targets) {
	case 0:
		t.line("no targets")
	case 1:
		t.target(targets[0], opt)
	default:
		t.overview(r, targets)
		for _, tg := range targets {
			if opt.Verbose || needsAction(tg) {
				t.blank()
				t.rule()
				t.target(tg, opt)
			}
		}
	}
	t.changes(r.Changes)
	if r.Incomplete {
		t.blank()
		t.para(t.paint(sgr[finding.Fail], "incomplete:")+" ", 2, "the run was interrupted; targets not scanned are missing")
	}
	return nil
}

// needsAction reports whether a target has a fail or warn finding. One
// that could not be scanned and has none is not detailed: its overview
// line already says why.
func needsAction(t *result.Target) bool {
	return t.Summary.Fail+t.Summary.Warn > 0
}

// rule is a line that separates targets.
func (t *screen) rule() { t.line(t.paint(sgrDim, strings.Repeat("─", t.width))) }

// counts is "1 fail · 2 warn · 5 info · 23 pass", fail first, coloured.
func (t *screen) counts(c finding.Counts) string {
	parts := []string{
		t.paint(sgr[finding.Fail], fmt.Sprintf("%d fail", c.Fail)),
		t.paint(sgr[finding.Warn], fmt.Sprintf("%d warn", c.Warn)),
		t.paint(sgr[finding.Info], fmt.Sprintf("%d info", c.Info)),
		t.paint(sgr[finding.Pass], fmt.Sprintf("%d pass", c.Pass)),
	}
	if c.Fail == 0 {
		parts[0] = fmt.Sprintf("%d fail", c.Fail)
	}
	if c.Warn == 0 {
		parts[1] = fmt.Sprintf("%d warn", c.Warn)
	}
	return strings.Join(parts, " · ")
}

// gradeColor colours a grade as a traffic light.
func gradeColor(g string) string {
	switch {
	case strings.HasPrefix(g, "A"):
		return sgrBold + sgr[finding.Pass]
	case strings.HasPrefix(g, "B"), strings.HasPrefix(g, "C"):
		return sgrBold + sgr[finding.Warn]
	}
	return sgrBold + sgr[finding.Fail]
}

// kindName is what a local target is, for its header.
func kindName(t *result.Target) string {
	switch t.Kind {
	case result.KindUnit:
		return "systemd unit"
	case result.KindConfig:
		return "Pleroma/Akkoma config"
	}
	return ""
}

// overview writes one line per target: grade, fails, warns, name, and why
// a target could not be scanned.
func (t *screen) overview(r *result.Report, targets []*result.Target) {
	s := r.Summary
	head := fmt.Sprintf("%d targets · %d %s · ", s.Targets, s.Errors, plural(s.Errors, "error", "errors")) + t.counts(s.Counts)
	t.para("", 0, head)
	t.blank()
	const nameCol = 19 // "GRADE  FAIL  WARN  "
	t.line(t.paint(sgrBold, "GRADE  FAIL  WARN  TARGET"))
	for _, tg := range targets {
		grade := tg.Grade
		if grade == "" {
			grade = "-"
		}
		grade = Sanitize(grade)
		cell := fmt.Sprintf("%-5s", grade)
		if tg.Grade != "" {
			cell = t.paint(gradeColor(tg.Grade), grade) + strings.Repeat(" ", max(0, 5-width(grade)))
		}
		fails, warns := fmt.Sprintf("%4d", tg.Summary.Fail), fmt.Sprintf("%4d", tg.Summary.Warn)
		if tg.Error != nil && len(tg.Findings) == 0 {
			fails, warns = "   -", "   -" // not 0: nothing was judged
		}
		if tg.Summary.Fail > 0 {
			fails = t.paint(sgr[finding.Fail], fails)
		}
		if tg.Summary.Warn > 0 {
			warns = t.paint(sgr[finding.Warn], warns)
		}
		name := Sanitize(tg.Name())
		if k := kindName(tg); k != "" {
			name = k + " " + name
		}
		t.para(cell+"  "+fails+"  "+warns+"  ", nameCol, name)
		if tg.Error != nil {
			t.para(strings.Repeat(" ", nameCol)+t.paint(sgr[finding.Fail], "could not scan:")+" ", nameCol+2, Sanitize(*tg.Error))
		}
	}
}

// target writes one target's header and findings. A target that could not
// be scanned says so on its first line: its counts, all 0 when nothing was
// judged, would read as a clean site, and are left out then.
func (t *screen) target(tg *result.Target, opt Options) {
	if tg.Error != nil {
		t.para(t.paint(sgrBold+sgr[finding.Fail], "could not scan:")+" ", 2, Sanitize(*tg.Error))
	}
	name := t.paint(sgrBold, Sanitize(tg.Name()))
	if tg.Grade != "" && width(Sanitize(tg.Name()))+9 <= t.width {
		name += "  " + t.paint(gradeColor(tg.Grade), "grade "+Sanitize(tg.Grade))
		t.line(name)
	} else {
		t.para("", 0, Sanitize(tg.Name()))
		if tg.Grade != "" {
			t.line(t.paint(gradeColor(tg.Grade), "grade "+Sanitize(tg.Grade)))
		}
	}
	var facts []string
	if k := kindName(tg); k != "" {
		facts = append(facts, k)
	}
	facts = append(facts, targetFacts(tg)...)
	if len(facts) > 0 {
		t.para("", 0, strings.Join(facts, " · "))
	}
	if tg.Error == nil || len(tg.Findings) > 0 {
		t.line(t.counts(tg.Summary))
	}

	var action, info, pass []finding.Finding
	for _, f := range platformFirst(tg, sortFindings(tg.Findings, true)) {
		switch f.Severity {
		case finding.Fail, finding.Warn:
			action = append(action, f)
		case finding.Info:
			info = append(info, f)
		default:
			pass = append(pass, f)
		}
	}
	for _, f := range action {
		t.blank()
		t.finding(f)
	}
	if opt.Verbose {
		// Verbose shows the info findings in full, fixes included.
		for _, f := range info {
			t.blank()
			t.finding(f)
		}
	} else if len(info) > 0 {
		t.blank()
		t.compact(finding.Info, info)
	}
	if len(pass) > 0 {
		t.blank()
		if opt.Verbose {
			t.compact(finding.Pass, pass)
		} else {
			t.line(t.paint(sgr[finding.Pass], fmt.Sprintf("%d %s passed", len(pass), plural(len(pass), "check", "checks"))) + "; -v lists them")
		}
	}
}

// targetFacts are the header's phrases: software, profile, status, TLS.
func targetFacts(tg *result.Target) []string {
	var out []string
	if s := tg.Software; s != nil && s.Name != "" {
		out = append(out, Sanitize(strings.TrimSpace(s.Name+" "+s.Version)))
	}
	if tg.Profile != "" {
		out = append(out, "profile "+Sanitize(tg.Profile))
	}
	if tg.Status != 0 {
		out = append(out, fmt.Sprintf("HTTP %d", tg.Status))
	}
	if tg.TLS != nil {
		out = append(out, tlsFacts(tg.TLS))
	}
	return out
}

// labelWidth is the label column of a finding block: "expected  ".
const labelWidth = 10

// finding writes one finding in full: severity and check, the message,
// expected and seen, the accepted note and the fix with its snippets.
func (t *screen) finding(f finding.Finding) {
	indent := 2
	if t.wide {
		indent = 6
	}
	sev := t.sevLabel(f.Severity) + strings.Repeat(" ", max(1, indent-4))
	if name := checkName(f); 5+width(name) <= t.width {
		t.line(sev + t.paint(sgrBold, name))
	} else {
		t.para(sev, 5, name)
	}
	t.para(strings.Repeat(" ", indent), indent, sanitizeText(f.Message))
	field := func(label, value string) {
		if value == "" {
			return
		}
		if t.wide {
			t.para(strings.Repeat(" ", indent)+t.paint(sgrDim, fmt.Sprintf("%-*s", labelWidth, label)), indent+labelWidth, value)
			return
		}
		t.para(strings.Repeat(" ", indent)+t.paint(sgrDim, fmt.Sprintf("%-*s", labelWidth, label+":")), indent+labelWidth, value)
	}
	if f.Expected != "" || f.Actual != "" {
		field("expected", sanitizeText(f.Expected))
		seen := sanitizeText(f.Actual)
		if seen == "" {
			seen = "(nothing)"
		}
		field("seen", seen)
	}
	if a := f.Accepted; a != nil {
		note := "by the profile, was " + a.Was.String()
		if a.Reason != "" {
			note += ": " + sanitizeText(a.Reason)
		}
		field("accepted", note)
	}
	fx := f.Fix
	if fx == nil || (fx.Summary == "" && len(fx.Snippets) == 0) {
		return
	}
	summary := sanitizeText(fx.Summary)
	if summary == "" {
		summary = "change:"
	}
	field("fix", summary)
	// Where to paste is a comment line above the code, wrapped as comment
	// lines, so that a selection that takes it along still pastes cleanly;
	// the code sits two columns in from it, the least that sets it apart.
	for _, sn := range fx.Snippets {
		where := Sanitize(sn.Platform)
		if sn.File != "" {
			where += ", in " + Sanitize(sn.File)
		}
		for _, l := range Wrap(where+":", t.width-indent-2) {
			t.line(strings.Repeat(" ", indent) + t.paint(sgrDim, "# "+l))
		}
		t.code(indent+2, sn)
	}
}

// compact writes findings of one severity as a label and a list of checks
// with their messages: two columns when wide, stacked when narrow.
func (t *screen) compact(sev finding.Severity, fs []finding.Finding) {
	label := t.sevLabel(sev)
	if !t.wide {
		t.line(label)
		for _, f := range fs {
			lead := "  " + checkName(f) + ": "
			if width(lead) > t.width/2 {
				// A long name (a cookie's, a URL) wraps on its own lines.
				t.para("  ", 4, checkName(f)+":")
				lead = "    "
			}
			t.para(lead, 4, sanitizeText(f.Message))
		}
		return
	}
	col := 0
	for _, f := range fs {
		col = max(col, width(checkName(f)))
	}
	col = min(col, max(24, t.width/3))
	for i, f := range fs {
		lead := "      "
		if i == 0 {
			lead = label + "  "
		}
		name := checkName(f)
		if width(name) > col {
			t.para(lead, 6, name)
			t.para(strings.Repeat(" ", 6+col+2), 6+col+2, sanitizeText(f.Message))
			continue
		}
		t.para(lead+name+strings.Repeat(" ", col-width(name)+2), 6+col+2, sanitizeText(f.Message))
	}
}

// changes writes the changes since the baseline as their own section.
func (t *screen) changes(cs []result.Change) {
	if len(cs) == 0 {
		return
	}
	t.blank()
	t.rule()
	t.line(t.paint(sgrBold, "Changes since the baseline"))
	t.para("", 0, fmt.Sprintf("%d %s changed since the baseline:", len(cs), plural(len(cs), "finding", "findings")))
	var lastURL string
	for _, c := range cs {
		if c.URL != lastURL || lastURL == "" {
			t.para("  ", 2, Sanitize(c.URL))
			lastURL = c.URL
		}
		was, now := changeWord(c.Was, "new"), changeWord(c.Now, "gone")
		pad := func(s string) string { return s + strings.Repeat(" ", max(0, 4-width(s))) }
		t.para("    "+t.changeSev(c.Was, pad(was))+" → "+t.changeSev(c.Now, pad(now))+"  ", 17, checkName(finding.Finding{ID: c.ID, Subject: c.Subject}))
	}
}

// changeSev colours one side of a change by its severity.
func (t *screen) changeSev(raw, word string) string {
	if sev, err := finding.ParseSeverity(raw); err == nil {
		return t.paint(sgr[sev], word)
	}
	return word
}
