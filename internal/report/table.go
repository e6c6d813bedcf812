package report

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/hardscan/hardscan/internal/finding"
	"github.com/hardscan/hardscan/internal/result"
)

// ANSI SGR colours, used only with Options.Color.
var sgr = map[finding.Severity]string{
	finding.Pass: "\x1b[32m", // green
	finding.Info: "\x1b[36m", // cyan
	finding.Warn: "\x1b[33m", // yellow
	finding.Fail: "\x1b[31m", // red
}

const (
	sgrBold  = "\x1b[1m"
	sgrReset = "\x1b[0m"
)

// paint wraps our own text s in code when colour is on.
func paint(on bool, code, s string) string {
	if !on || code == "" || s == "" {
		return s
	}
	return code + s + sgrReset
}

// tableWidths are the widest a column gets (in terminal cells, padding
// included), so that a row fits a terminal of about 130 columns. The first
// column (a severity or a URL) is not limited.
var tableWidths = []int{0, 30, 24, 30, 44}

// fit breaks each cell's words that are wider than their column into lines,
// so that a long token (a URL, a base64 value) wraps inside its column;
// tablewriter then wraps the rest at spaces. The breaks are real line
// breaks, which cannot be confused with server text: Sanitize has escaped
// every newline the server sent.
func fit(cells ...string) []string {
	for i, c := range cells {
		if i < len(tableWidths) && tableWidths[i] > 0 {
			cells[i] = breakWords(c, tableWidths[i]-2)
		}
	}
	return cells
}

func breakWords(s string, width int) string {
	if twwidth.Width(s) <= width {
		return s
	}
	words := strings.Split(s, " ")
	for i, w := range words {
		if twwidth.Width(w) <= width {
			continue
		}
		var b strings.Builder
		line := 0
		for rest := w; rest != ""; {
			unit := nextUnit(rest)
			uw := twwidth.Width(unit)
			if line+uw > width && line > 0 {
				b.WriteByte('\n')
				line = 0
			}
			b.WriteString(unit)
			line += uw
			rest = rest[len(unit):]
		}
		words[i] = b.String()
	}
	return strings.Join(words, " ")
}

// nextUnit returns the first rune of s, or the whole escape Sanitize wrote
// there (\xNN, \uNNNN, \n, \\ ...), so that a line break never splits
// an escape into two halves that read as something else.
func nextUnit(s string) string {
	if len(s) >= 2 && s[0] == '\\' {
		n := 2
		switch s[1] {
		case 'x':
			n = 4
		case 'u':
			n = 6
		}
		return s[:min(n, len(s))]
	}
	_, size := utf8.DecodeRuneInString(s)
	return s[:size]
}

// writeTable writes, per target, a title line and a table of its findings,
// then the changes since the baseline and a one-line summary.
func writeTable(buf *bytes.Buffer, r *result.Report, opt Options) error {
	for i, t := range r.Targets {
		if t == nil {
			continue
		}
		if i > 0 {
			buf.WriteByte('\n')
		}
		title := append([]string{paint(opt.Color, sgrBold, Sanitize(t.URL))}, facts(t)...)
		fmt.Fprintln(buf, strings.Join(title, " · "))
		if t.Error != nil {
			fmt.Fprintln(buf, paint(opt.Color, sgr[finding.Fail], "error: "+Sanitize(*t.Error)))
		}
		rows := sortFindings(t.Findings, opt.Verbose)
		if len(rows) > 0 {
			tab := newTable(buf, "severity", "check", "expected", "actual", "message")
			for _, f := range rows {
				if err := tab.Append(fit(
					paint(opt.Color, sgr[f.Severity], f.Severity.String()),
					checkName(f), Sanitize(f.Expected), Sanitize(f.Actual), Sanitize(f.Message),
				)); err != nil {
					return err
				}
			}
			if err := tab.Render(); err != nil {
				return err
			}
		}
		if hidden := len(t.Findings) - len(rows); hidden > 0 {
			fmt.Fprintf(buf, "%d passed %s not shown\n", hidden, plural(hidden, "check", "checks"))
		}
	}
	if len(r.Changes) > 0 {
		fmt.Fprintln(buf)
		fmt.Fprintln(buf, "changed since the baseline:")
		tab := newTable(buf, "url", "check", "was", "now")
		for _, c := range r.Changes {
			if err := tab.Append(fit(
				Sanitize(c.URL),
				checkName(finding.Finding{ID: c.ID, Subject: c.Subject}),
				changeWord(c.Was, "new"), changeWord(c.Now, "gone"),
			)); err != nil {
				return err
			}
		}
		if err := tab.Render(); err != nil {
			return err
		}
	}
	if len(r.Targets) > 0 || len(r.Changes) > 0 {
		fmt.Fprintln(buf)
	}
	fmt.Fprintln(buf, summary(r.Summary))
	return nil
}

// newTable returns a table with the given header that wraps long cells at
// tableWidths.
func newTable(buf *bytes.Buffer, header ...string) *tablewriter.Table {
	widths := tw.NewMapper[int, int]()
	for i, w := range tableWidths {
		if w > 0 && i < len(header) {
			widths.Set(i, w)
		}
	}
	tab := tablewriter.NewTable(buf).Configure(func(c *tablewriter.Config) {
		c.Row.ColMaxWidths.PerColumn = widths
	})
	tab.Header(header)
	return tab
}
