package report

import (
	"bytes"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/result"
)

// fixesGolden is the catalogue's every snippet, filled, as a person reads
// it (written by internal/check's TestEverySnippet).
var fixesGolden = filepath.Join("..", "internal", "check", "testdata", "fixes.golden")

// goldenFixes reads fixesGolden back into findings: "### id (reason):
// summary" starts one, "--- platform, file (lang)" one of its snippets,
// whose code runs to the next such line.
func goldenFixes(t *testing.T) []finding.Finding {
	t.Helper()
	b, err := os.ReadFile(fixesGolden)
	if err != nil {
		t.Fatalf("%v (the snippets to test come from internal/check's golden)", err)
	}
	head := regexp.MustCompile(`^### (\S+) \(([^)]*)\): (.*)$`)
	snip := regexp.MustCompile(`^--- ([^,]*), (.*) \(([^()]*)\)$`)
	var out []finding.Finding
	var code []string
	flush := func() {
		if len(out) == 0 || len(code) == 0 {
			return
		}
		sn := &out[len(out)-1].Fix.Snippets[len(out[len(out)-1].Fix.Snippets)-1]
		sn.Code = strings.TrimRight(strings.Join(code, "\n"), "\n")
		code = nil
	}
	for _, l := range strings.Split(string(b), "\n") {
		if m := head.FindStringSubmatch(l); m != nil {
			flush()
			out = append(out, finding.Finding{ID: m[1], Reason: m[2], Severity: finding.Fail,
				Message: "a finding", Fix: &finding.Fix{Summary: m[3]}})
			continue
		}
		if m := snip.FindStringSubmatch(l); m != nil && len(out) > 0 {
			flush()
			fx := out[len(out)-1].Fix
			fx.Snippets = append(fx.Snippets, finding.Snippet{Platform: m[1], File: m[2], Lang: m[3]})
			code = []string{}
			continue
		}
		if code != nil {
			code = append(code, l)
		}
	}
	flush()
	if len(out) < 50 {
		t.Fatalf("%s: read only %d fixes", fixesGolden, len(out))
	}
	return out
}

// catalogueFixes are the catalogue's snippet templates as written, the
// {{placeholders}} unfilled: their lines are what a filled one is made of.
func catalogueFixes() []finding.Finding {
	var out []finding.Finding
	for _, c := range check.All() {
		for _, fx := range c.Fixes {
			out = append(out, finding.Finding{ID: c.ID, Reason: "template", Severity: finding.Warn,
				Message: "a template", Fix: &finding.Fix{Summary: fx.Summary, Snippets: fx.Snippets}})
		}
	}
	return out
}

// TestCodeLinesAreNeverSplit renders every snippet of the catalogue in the
// table at widths from 40 to 250, and in Markdown and HTML: each line
// of code must come out whole, on one line, since a line break inside it
// is pasted into the config (a header value cut in two). Only a comment
// line may be wrapped, and only into comment lines of its language that
// keep every word.
func TestCodeLinesAreNeverSplit(t *testing.T) {
	fs := append(goldenFixes(t), catalogueFixes()...)
	r := &result.Report{Targets: []*result.Target{{Kind: result.KindSite, URL: "https://example.tld/", Findings: fs}}}
	r.Finish()
	var snippets []finding.Snippet
	for _, f := range fs {
		snippets = append(snippets, f.Fix.Snippets...)
	}
	// The distinct lines to look for: code lines, and comment texts as
	// their single-spaced words.
	type want struct{ lang, line string }
	code, comment := map[want]bool{}, map[want]bool{}
	for _, sn := range snippets {
		mark := commentMark(sn.Lang)
		for _, l := range codeLines(sn.Code) {
			if _, text, ok := commentLine(l, mark); ok {
				comment[want{sn.Lang, " " + strings.Join(strings.Fields(text), " ") + " "}] = true
			} else {
				code[want{sn.Lang, l}] = true
			}
		}
	}

	render := func(format string, opt Options) string {
		var buf bytes.Buffer
		if err := Write(&buf, format, r, opt); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	// Every width up to 140, where the longest comment stops wrapping and
	// the layout stops changing, then every 10th up to the widest.
	for w := MinWidth; w <= MaxWidth; w += map[bool]int{true: 1, false: 10}[w < 140] {
		out := render("table", Options{Width: w})
		lines := map[string]bool{}
		for _, l := range strings.Split(out, "\n") {
			lines[strings.TrimLeft(l, " ")] = true
		}
		comments := commentRuns(out)
		for c := range comment {
			if !strings.Contains(comments, c.line) {
				t.Fatalf("at %d columns the comment %q of a %s snippet lost words", w, c.line, c.lang)
			}
		}
		for c := range code {
			if !lines[strings.TrimLeft(c.line, " ")] {
				t.Fatalf("at %d columns the %s line %q is not printed whole", w, c.lang, c.line)
			}
		}
	}

	md := render("markdown", Options{Width: MinWidth})
	page := html.UnescapeString(render("html", Options{Width: MinWidth}))
	mdLines := map[string]bool{}
	for _, l := range strings.Split(md, "\n") {
		mdLines[l] = true
	}
	pageLines := map[string]bool{}
	for _, l := range strings.Split(page, "\n") {
		// A block's first line shares its line with <pre><code ...>, its
		// last with </code></pre>.
		if _, after, ok := strings.Cut(l, "<pre><code"); ok {
			_, l, _ = strings.Cut(after, ">")
		}
		pageLines[strings.TrimSuffix(l, "</code></pre>")] = true
	}
	for _, sn := range snippets {
		for _, l := range codeLines(sn.Code) {
			if !mdLines[l] {
				t.Errorf("markdown: the %s line %q is not printed whole", sn.Lang, l)
			}
			if !pageLines[l] {
				t.Errorf("html: the %s line %q is not printed whole", sn.Lang, l)
			}
		}
	}
}

// commentRuns joins each run of the table's comment lines ("# ..." after
// the indent) into one text of single-spaced words, the runs separated by
// " | ", so that a re-wrapped comment can be looked up by its words.
func commentRuns(out string) string {
	var b strings.Builder
	b.WriteString(" ")
	for _, l := range strings.Split(out, "\n") {
		text, ok := strings.CutPrefix(strings.TrimLeft(l, " "), "# ")
		if !ok {
			if !strings.HasSuffix(b.String(), "| ") {
				b.WriteString("| ")
			}
			continue
		}
		for _, w := range strings.Fields(text) {
			b.WriteString(w + " ")
		}
	}
	return b.String()
}
