package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"strings"

	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/result"
)

// htmlFormat is a self-contained HTML page.
var htmlFormat = Format{Name: "html", Exts: []string{".html", ".htm"}, write: writeHTML}

// The HTML report is one self-contained page (docs/contract.md): no script, no image,
// no font, no link to fetch; its only style is inline, and its own
// Content-Security-Policy (default-src 'none', the style allowed by its
// hash) makes a browser refuse anything else, so that server text that
// slipped through could not load or run anything either. Server text is
// sanitised as for the terminal and then escaped by html/template.

// pageCSS is the page's only style; pageCSP allows exactly it.
const pageCSS = `
:root{color-scheme:light dark;--fg:#1b1f23;--bg:#fff;--muted:#5a6470;--line:#d8dde3;--card:#f6f8fa;--fail:#b42318;--warn:#9a6700;--info:#0b63a6;--pass:#1a7f37}
@media (prefers-color-scheme:dark){:root{--fg:#e6e9ed;--bg:#111418;--muted:#9aa4af;--line:#30363d;--card:#1a1f25;--fail:#ff7b72;--warn:#e3b341;--info:#79c0ff;--pass:#56d364}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:60rem;padding:1rem;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:1.4rem;margin:0 0 .25rem}
h2{font-size:1.2rem;margin:0;overflow-wrap:anywhere}
h3{font-size:1rem;margin:0 0 .25rem;overflow-wrap:anywhere}
p{margin:.25rem 0}
.muted{color:var(--muted)}
section.target{border-top:2px solid var(--line);margin-top:1.5rem;padding-top:1rem}
.head{display:flex;gap:1rem;align-items:center}
.grade{flex:none;width:3.5rem;height:3.5rem;border-radius:.5rem;display:flex;align-items:center;justify-content:center;font-size:1.8rem;font-weight:700;color:#fff;background:var(--muted)}
.grade.A{background:#1a7f37}.grade.B,.grade.C{background:#9a6700}.grade.D,.grade.E,.grade.F{background:#b42318}
.counts span{margin-right:.75rem;white-space:nowrap}
.fail{color:var(--fail)}.warn{color:var(--warn)}.info{color:var(--info)}.pass{color:var(--pass)}
.sev{display:inline-block;min-width:3.2rem;font-size:.8rem;font-weight:700;letter-spacing:.05em}
article{background:var(--card);border:1px solid var(--line);border-left:4px solid var(--line);border-radius:.4rem;padding:.75rem;margin:.75rem 0}
article.f-fail{border-left-color:var(--fail)}article.f-warn{border-left-color:var(--warn)}article.f-info{border-left-color:var(--info)}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .75rem;margin:.5rem 0}
dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
.where{margin-top:.5rem;font-size:.9rem;color:var(--muted);overflow-wrap:anywhere}
pre{margin:.25rem 0 .5rem;padding:.6rem .75rem;background:var(--bg);border:1px solid var(--line);border-radius:.3rem;white-space:pre-wrap;overflow-wrap:anywhere}
code{font:14px/1.45 ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{text-align:left;vertical-align:top;padding:.3rem .5rem;border-bottom:1px solid var(--line);overflow-wrap:break-word}
table.notes td:first-child{white-space:nowrap}
th.n,td.n{text-align:right;white-space:nowrap;width:3.5rem}
th.g,td.g{width:3.5rem}
.error{color:var(--fail);overflow-wrap:anywhere}
details{margin:.75rem 0}summary{cursor:pointer}
a{color:inherit}
code.id{font-size:13px;color:var(--fg);overflow-wrap:anywhere}
@media (max-width:40rem){body{padding:.6rem}.grade{width:2.8rem;height:2.8rem;font-size:1.4rem}th,td{padding:.25rem .3rem}table.notes td{display:block;border:0;padding:.1rem .3rem}table.notes td:first-child{padding-top:.4rem;white-space:normal;overflow-wrap:anywhere}table.notes tr{display:block;border-bottom:1px solid var(--line)}}
`

// pageCSP is the page's policy: nothing but its own style.
var pageCSP = func() string {
	sum := sha256.Sum256([]byte(pageCSS))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; base-uri 'none'; form-action 'none'"
}()

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{.CSP}}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{{.Title}}</title>
<style>{{.CSS}}</style>
</head>
<body>
<header>
<h1>hardscan report</h1>
<p class="muted">{{.Summary}}{{if .Started}} · started {{.Started}}, took {{.Took}} s{{end}}{{if .Incomplete}} · <strong class="fail">incomplete: the run was interrupted</strong>{{end}}</p>
</header>
{{- if .Overview}}
<section>
<table>
<thead><tr><th class="g">Grade</th><th class="n">Fail</th><th class="n">Warn</th><th>Target</th><th>Error</th></tr></thead>
<tbody>
{{- range .Targets}}
<tr><td class="g">{{if .Grade}}<strong>{{.Grade}}</strong>{{else}}–{{end}}</td>{{if .Counted}}<td class="n{{if .Fail}} fail{{end}}">{{.Fail}}</td><td class="n{{if .Warn}} warn{{end}}">{{.Warn}}</td>{{else}}<td class="n">–</td><td class="n">–</td>{{end}}<td><a href="#{{.Anchor}}">{{.Title}}</a></td><td class="error">{{if .Error}}could not scan: {{.Error}}{{end}}</td></tr>
{{- end}}
</tbody>
</table>
</section>
{{- end}}
{{- range .Targets}}
<section class="target" id="{{.Anchor}}">
{{- if .Error}}
<p class="error"><strong>could not scan:</strong> {{.Error}}</p>
{{- end}}
<div class="head">
{{- if .Grade}}<div class="grade {{.GradeClass}}" title="grade">{{.Grade}}</div>{{end}}
<div>
<h2>{{.Title}}</h2>
{{- if .Facts}}<p class="muted">{{.Facts}}</p>{{end}}
{{- if .Counted}}
<p class="counts"><span class="{{if .Fail}}fail{{end}}">{{.Fail}} fail</span><span class="{{if .Warn}}warn{{end}}">{{.Warn}} warn</span><span>{{.Info}} info</span><span>{{.Pass}} pass</span></p>
{{- end}}
</div>
</div>
{{- range .Action}}
{{template "finding" .}}
{{- end}}
{{- if .Infos}}
<details open>
<summary>{{len .Infos}} info {{if eq (len .Infos) 1}}note{{else}}notes{{end}}</summary>
<table class="notes">
{{- range .Infos}}
<tr><td><code class="id">{{.Check}}</code></td><td>{{.Message}}</td></tr>
{{- end}}
</table>
</details>
{{- end}}
{{- if .Passes}}
<details>
<summary>{{len .Passes}} {{if eq (len .Passes) 1}}check{{else}}checks{{end}} passed</summary>
<table class="notes">
{{- range .Passes}}
<tr><td><code class="id">{{.Check}}</code></td><td>{{.Message}}</td></tr>
{{- end}}
</table>
</details>
{{- end}}
</section>
{{- end}}
{{- if .Changes}}
<section class="target" id="changes">
<h2>Changes since the baseline</h2>
<p class="muted">{{len .Changes}} {{if eq (len .Changes) 1}}finding{{else}}findings{{end}} changed since the baseline.</p>
<table>
<thead><tr><th>Target</th><th>Check</th><th>Was</th><th>Now</th></tr></thead>
<tbody>
{{- range .Changes}}
<tr><td>{{.URL}}</td><td>{{.Check}}</td><td class="{{.WasClass}}">{{.Was}}</td><td class="{{.NowClass}}">{{.Now}}</td></tr>
{{- end}}
</tbody>
</table>
</section>
{{- end}}
<footer><p class="muted">{{.Tool}}</p></footer>
</body>
</html>
{{define "finding"}}<article class="f-{{.Sev}}">
<h3><span class="sev {{.Sev}}">{{.SevLabel}}</span> {{.Check}}</h3>
{{- if .Message}}
<p>{{.Message}}</p>
{{- end}}
{{- if or .Expected .Seen}}
<dl><dt>expected</dt><dd>{{.Expected}}</dd><dt>seen</dt><dd>{{.Seen}}</dd>{{if .Accepted}}<dt>accepted</dt><dd>{{.Accepted}}</dd>{{end}}</dl>
{{- end}}
{{- if .Fix}}
<p><strong>Fix:</strong> {{.Fix}}</p>
{{- end}}
{{- range .Snippets}}
<p class="where">{{.Where}}</p>
<pre><code{{if .Lang}} class="language-{{.Lang}}"{{end}}>{{.Code}}</code></pre>
{{- end}}
</article>{{end}}
`))

type htmlPage struct {
	CSP        string
	CSS        template.CSS
	Title      string
	Summary    string
	Started    string
	Took       string
	Incomplete bool
	Overview   bool
	Targets    []htmlTarget
	Changes    []htmlChange
	Tool       string
}

type htmlTarget struct {
	Anchor, Title, Facts, Error string
	// Counted is false for a target that could not be scanned and has no
	// finding: its 0 fail, 0 warn would read as clean.
	Counted                bool
	Grade, GradeClass      string
	Fail, Warn, Info, Pass int
	Action, Infos          []htmlFinding
	Passes                 []htmlFinding
}

type htmlFinding struct {
	Sev, SevLabel, Check, Message string
	Expected, Seen, Accepted, Fix string
	Snippets                      []htmlSnippet
}

type htmlSnippet struct{ Where, Lang, Code string }

type htmlChange struct{ URL, Check, Was, Now, WasClass, NowClass string }

// writeHTML renders the page; see the comment above.
func writeHTML(buf *bytes.Buffer, r *result.Report, _ Options) error {
	p := htmlPage{
		CSP:        pageCSP,
		CSS:        template.CSS(pageCSS),
		Title:      "hardscan report",
		Summary:    summary(r.Summary),
		Incomplete: r.Incomplete,
		Tool:       Sanitize(strings.TrimSpace(r.Tool.Name + " " + r.Tool.Version)),
	}
	if !r.StartedAt.IsZero() {
		p.Started = r.StartedAt.UTC().Format("2006-01-02 15:04:05 UTC")
		p.Took = seconds(r.DurationMS)
	}
	for i, t := range r.Targets {
		if t == nil {
			continue
		}
		p.Targets = append(p.Targets, htmlTargetOf(i, t))
	}
	p.Overview = len(p.Targets) > 1
	if len(p.Targets) == 1 {
		p.Title = "hardscan: " + p.Targets[0].Title
		if g := p.Targets[0].Grade; g != "" {
			p.Title += " (grade " + g + ")"
		}
	}
	for _, c := range r.Changes {
		p.Changes = append(p.Changes, htmlChange{
			URL: Sanitize(c.URL), Check: checkName(finding.Finding{ID: c.ID, Subject: c.Subject}),
			Was: changeWord(c.Was, "new"), Now: changeWord(c.Now, "gone"),
			WasClass: sevClass(c.Was), NowClass: sevClass(c.Now),
		})
	}
	if err := pageTemplate.Execute(buf, p); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	return nil
}

// sevClass is the CSS class of a severity name, or "" for anything else.
func sevClass(s string) string {
	if sev, err := finding.ParseSeverity(s); err == nil {
		return sev.String()
	}
	return ""
}

func htmlTargetOf(i int, t *result.Target) htmlTarget {
	h := htmlTarget{
		Anchor: fmt.Sprintf("target-%d", i+1),
		Title:  targetTitle(t),
		Facts:  strings.Join(targetFacts(t), " · "),
		Grade:  Sanitize(t.Grade),
		Fail:   t.Summary.Fail, Warn: t.Summary.Warn, Info: t.Summary.Info, Pass: t.Summary.Pass,
	}
	if t.Grade != "" {
		h.GradeClass = gradeClass(t.Grade)
	}
	if t.Error != nil {
		h.Error = Sanitize(*t.Error)
	}
	h.Counted = t.Error == nil || len(t.Findings) > 0
	for _, f := range platformFirst(t, sortFindings(t.Findings, true)) {
		hf := htmlFindingOf(f)
		switch f.Severity {
		case finding.Fail, finding.Warn:
			h.Action = append(h.Action, hf)
		case finding.Info:
			h.Infos = append(h.Infos, hf)
		default:
			h.Passes = append(h.Passes, hf)
		}
	}
	return h
}

// gradeClass is the grade's letter as a class (A to F), else "".
func gradeClass(g string) string {
	if g == "" || !strings.Contains("ABCDEF", g[:1]) {
		return ""
	}
	return g[:1]
}

func htmlFindingOf(f finding.Finding) htmlFinding {
	h := htmlFinding{
		Sev:      f.Severity.String(),
		SevLabel: strings.ToUpper(f.Severity.String()),
		Check:    checkName(f),
		Message:  sanitizeText(f.Message),
		Expected: sanitizeText(f.Expected),
		Seen:     sanitizeText(f.Actual),
	}
	if h.Seen == "" && h.Expected != "" {
		h.Seen = "(nothing)"
	}
	if a := f.Accepted; a != nil {
		h.Accepted = "by the profile, was " + a.Was.String()
		if a.Reason != "" {
			h.Accepted += ": " + sanitizeText(a.Reason)
		}
	}
	if f.Severity == finding.Pass || f.Fix == nil {
		return h
	}
	h.Fix = sanitizeText(f.Fix.Summary)
	for _, sn := range f.Fix.Snippets {
		where := Sanitize(sn.Platform)
		if sn.File != "" {
			where += ", in " + Sanitize(sn.File)
		}
		h.Snippets = append(h.Snippets, htmlSnippet{Where: where, Lang: mdLang(sn.Lang), Code: strings.Join(codeLines(sn.Code), "\n")})
	}
	return h
}
