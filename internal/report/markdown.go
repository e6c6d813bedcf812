package report

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/hardscan/hardscan/internal/finding"
	"github.com/hardscan/hardscan/internal/result"
)

// mdEscaper makes sanitised text literal in GitHub-flavoured Markdown,
// table cells included: a backslash before each character that could start
// emphasis, code, a link, math or a cell boundary, and entities for '<' and
// '>' so that no HTML gets through. Sanitize has already turned newlines
// into "\n", so a cell stays on its line.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`,
	`|`, `\|`, `~`, `\~`, `$`, `\$`, `&`, `\&`, `<`, `&lt;`, `>`, `&gt;`,
)

// md escapes sanitised text s for Markdown.
func md(s string) string { return mdEscaper.Replace(s) }

// writeMarkdown writes a heading and a table of findings per target, all
// findings included (a report kept as a document should be complete), then
// the changes since the baseline.
func writeMarkdown(buf *bytes.Buffer, r *result.Report, _ Options) error {
	buf.WriteString("# hardscan report\n\n")
	fmt.Fprintf(buf, "%s.", md(summary(r.Summary)))
	if !r.StartedAt.IsZero() {
		fmt.Fprintf(buf, " Started %s, took %s s.", r.StartedAt.UTC().Format("2006-01-02 15:04:05 UTC"), seconds(r.DurationMS))
	}
	buf.WriteString("\n")
	for _, t := range r.Targets {
		if t == nil {
			continue
		}
		fmt.Fprintf(buf, "\n## %s\n\n", md(Sanitize(t.URL)))
		if fs := facts(t); len(fs) > 0 {
			fmt.Fprintf(buf, "%s\n\n", md(strings.Join(fs, " · ")))
		}
		redirects(buf, "HTTP", t.Redirects.HTTP)
		redirects(buf, "HTTPS", t.Redirects.HTTPS)
		if t.Error != nil {
			fmt.Fprintf(buf, "**Error:** %s\n\n", md(Sanitize(*t.Error)))
		}
		rows := sortFindings(t.Findings, true)
		if len(rows) == 0 {
			buf.WriteString("No findings.\n")
			continue
		}
		mdRow(buf, "severity", "check", "expected", "actual", "message")
		mdRow(buf, "---", "---", "---", "---", "---")
		for _, f := range rows {
			sev := f.Severity.String()
			if f.Severity == finding.Fail {
				sev = "**fail**"
			}
			mdRow(buf, sev, md(checkName(f)), md(Sanitize(f.Expected)), md(Sanitize(f.Actual)), md(Sanitize(f.Message)))
		}
	}
	if len(r.Changes) > 0 {
		buf.WriteString("\n## Changed since the baseline\n\n")
		mdRow(buf, "url", "check", "was", "now")
		mdRow(buf, "---", "---", "---", "---")
		for _, c := range r.Changes {
			mdRow(buf, md(Sanitize(c.URL)), md(checkName(finding.Finding{ID: c.ID, Subject: c.Subject})),
				md(changeWord(c.Was, "new")), md(changeWord(c.Now, "gone")))
		}
	}
	return nil
}

// redirects writes a redirect chain of more than the start URL.
func redirects(buf *bytes.Buffer, scheme string, hops []string) {
	if len(hops) < 2 {
		return
	}
	parts := make([]string, len(hops))
	for i, h := range hops {
		parts[i] = md(Sanitize(h))
	}
	fmt.Fprintf(buf, "%s redirects: %s\n\n", scheme, strings.Join(parts, " → "))
}

// mdRow writes one table row of escaped cells; an empty cell stays empty.
func mdRow(buf *bytes.Buffer, cells ...string) {
	buf.WriteString("|")
	for _, c := range cells {
		buf.WriteString(" " + c + " |")
	}
	buf.WriteString("\n")
}
