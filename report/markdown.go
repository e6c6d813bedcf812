package report

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/result"
)

// markdownFormat is Markdown, for issues and wikis.
var markdownFormat = Format{Name: "markdown", Exts: []string{".md", ".markdown"}, write: writeMarkdown}

// mdEscaper makes sanitised text literal in GitHub-flavoured Markdown,
// table cells included: a backslash before each character that could start
// emphasis, code, a link, math, a cell boundary or an HTML tag (CommonMark
// lets any ASCII punctuation be escaped so). Backslashes rather than
// entities keep the source readable where people read it raw: "max-age>="
// stays as it is, since '>' can close no tag once '<' is escaped. Sanitize
// has already turned newlines into "\n", so a cell stays on its line.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`,
	`|`, `\|`, `~`, `\~`, `$`, `\$`, `&`, `\&`, `<`, `\<`, `#`, `\#`,
)

// md escapes sanitised text s for Markdown; a '>' that starts it would
// start a block quote and is escaped too.
func md(s string) string {
	s = mdEscaper.Replace(s)
	if strings.HasPrefix(s, ">") {
		s = `\` + s
	}
	return s
}

// writeMarkdown writes the table's structure as a document for an issue or
// a wiki: a summary, an overview of the targets when there are several,
// then per target its findings that need action with their fixes as
// fenced code blocks, the info findings in a table and the passes in one
// line, then the changes since the baseline.
func writeMarkdown(buf *bytes.Buffer, r *result.Report, _ Options) error {
	buf.WriteString("# hardscan report\n\n")
	fmt.Fprintf(buf, "%s.", md(summary(r.Summary)))
	if !r.StartedAt.IsZero() {
		fmt.Fprintf(buf, " Started %s, took %s s.", r.StartedAt.UTC().Format("2006-01-02 15:04:05 UTC"), seconds(r.DurationMS))
	}
	if r.Incomplete {
		buf.WriteString(" **Incomplete:** the run was interrupted.")
	}
	buf.WriteString("\n")
	var targets []*result.Target
	for _, t := range r.Targets {
		if t != nil {
			targets = append(targets, t)
		}
	}
	if len(targets) > 1 {
		buf.WriteString("\n| grade | fail | warn | target | error |\n|---|--:|--:|---|---|\n")
		for _, t := range targets {
			grade := md(Sanitize(t.Grade))
			if grade == "" {
				grade = "–"
			}
			errText := ""
			if t.Error != nil {
				errText = "could not scan: " + md(Sanitize(*t.Error))
			}
			fails, warns := fmt.Sprint(t.Summary.Fail), fmt.Sprint(t.Summary.Warn)
			if t.Error != nil && len(t.Findings) == 0 {
				fails, warns = "–", "–" // nothing was judged
			}
			fmt.Fprintf(buf, "| %s | %s | %s | %s | %s |\n", grade, fails, warns, md(targetTitle(t)), errText)
		}
	}
	for _, t := range targets {
		mdTarget(buf, t)
	}
	if len(r.Changes) > 0 {
		buf.WriteString("\n## Changes since the baseline\n\n")
		fmt.Fprintf(buf, "%d %s changed since the baseline.\n\n", len(r.Changes), plural(len(r.Changes), "finding", "findings"))
		mdRow(buf, "target", "check", "was", "now")
		mdRow(buf, "---", "---", "---", "---")
		for _, c := range r.Changes {
			mdRow(buf, md(Sanitize(c.URL)), md(checkName(finding.Finding{ID: c.ID, Subject: c.Subject})),
				md(changeWord(c.Was, "new")), md(changeWord(c.Now, "gone")))
		}
	}
	return nil
}

// targetTitle names a target: its URL, or its file with the kind of file.
func targetTitle(t *result.Target) string {
	if k := kindName(t); k != "" {
		return k + " " + Sanitize(t.Name())
	}
	return Sanitize(t.Name())
}

func mdTarget(buf *bytes.Buffer, t *result.Target) {
	fmt.Fprintf(buf, "\n## %s\n\n", md(targetTitle(t)))
	var head []string
	if t.Grade != "" {
		head = append(head, "**Grade "+md(Sanitize(t.Grade))+"**")
	}
	for _, f := range targetFacts(t) {
		head = append(head, md(f))
	}
	if t.Error != nil {
		// First, and instead of counts that would read as clean.
		fmt.Fprintf(buf, "**Could not scan:** %s\n\n", md(Sanitize(*t.Error)))
	}
	c := t.Summary
	if t.Error == nil || len(t.Findings) > 0 {
		head = append(head, fmt.Sprintf("%d fail, %d warn, %d info, %d pass", c.Fail, c.Warn, c.Info, c.Pass))
	}
	if len(head) > 0 {
		buf.WriteString(strings.Join(head, " · ") + "\n\n")
	}
	redirects(buf, "HTTP", t.Redirects.HTTP)
	redirects(buf, "HTTPS", t.Redirects.HTTPS)
	var info, pass []finding.Finding
	for _, f := range platformFirst(t, sortFindings(t.Findings, true)) {
		switch f.Severity {
		case finding.Fail, finding.Warn:
			mdFinding(buf, f)
		case finding.Info:
			info = append(info, f)
		default:
			pass = append(pass, f)
		}
	}
	if len(info) > 0 {
		buf.WriteString("### Info\n\n")
		mdRow(buf, "check", "note")
		mdRow(buf, "---", "---")
		for _, f := range info {
			mdRow(buf, md(checkName(f)), md(sanitizeText(f.Message)))
		}
		buf.WriteString("\n")
	}
	if len(pass) > 0 {
		names := make([]string, len(pass))
		for i, f := range pass {
			names[i] = md(checkName(f))
		}
		fmt.Fprintf(buf, "%d %s passed: %s.\n", len(pass), plural(len(pass), "check", "checks"), strings.Join(names, ", "))
	}
}

// mdFinding writes a finding that needs action, with its fix.
func mdFinding(buf *bytes.Buffer, f finding.Finding) {
	fmt.Fprintf(buf, "### %s %s\n\n", strings.ToUpper(f.Severity.String()), md(checkName(f)))
	if f.Message != "" {
		fmt.Fprintf(buf, "%s\n\n", md(sanitizeText(f.Message)))
	}
	if f.Expected != "" || f.Actual != "" {
		fmt.Fprintf(buf, "- expected: %s\n", md(sanitizeText(f.Expected)))
		seen := md(sanitizeText(f.Actual))
		if seen == "" {
			seen = "(nothing)"
		}
		fmt.Fprintf(buf, "- seen: %s\n", seen)
	}
	if a := f.Accepted; a != nil {
		fmt.Fprintf(buf, "- accepted by the profile, was %s: %s\n", a.Was, md(sanitizeText(a.Reason)))
	}
	buf.WriteString("\n")
	if f.Fix == nil {
		return
	}
	if f.Fix.Summary != "" {
		fmt.Fprintf(buf, "**Fix:** %s\n\n", md(sanitizeText(f.Fix.Summary)))
	}
	for _, sn := range f.Fix.Snippets {
		where := md(Sanitize(sn.Platform))
		if sn.File != "" {
			where += ", in " + md(Sanitize(sn.File))
		}
		fmt.Fprintf(buf, "%s:\n\n", where)
		code := strings.Join(codeLines(sn.Code), "\n")
		fence := "```"
		for strings.Contains(code, fence) {
			fence += "`"
		}
		fmt.Fprintf(buf, "%s%s\n%s\n%s\n\n", fence, mdLang(sn.Lang), code, fence)
	}
}

// mdLang keeps a fence's info string to a plain language name.
func mdLang(lang string) string {
	for _, r := range lang {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '+' || r == '_') {
			return ""
		}
	}
	return lang
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
