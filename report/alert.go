package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/gate"
	"github.com/hardscan/hardscan/scan/result"
)

// WriteAlert writes, as plain text for a person (what cron mails), what
// makes the run fail under opt.Gate: the targets that could not be
// scanned, and the findings that reach the gate, or with a baseline
// (r.Changes not nil) only the new or worse ones, each with its fix. It
// writes nothing when the run passes, so that -q stays silent.
func WriteAlert(w io.Writer, r *result.Report, opt Options) error {
	st := gate.Of(r, opt.Gate)
	if st.Code() == gate.ExitOK {
		return nil
	}
	var buf bytes.Buffer
	writeAlert(&buf, r, opt.Gate)
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write alert: %w", err)
	}
	return nil
}

// alertItem is one finding to report, with the severity it had before
// when a baseline is compared.
type alertItem struct {
	f   finding.Finding
	was string // with a baseline: the accepted severity, "" for new
}

func writeAlert(buf *bytes.Buffer, r *result.Report, g gate.Gate) {
	items, count := alertItems(r, g)
	for _, t := range r.Targets {
		if t == nil || (t.Error == nil && len(items[t]) == 0) {
			continue
		}
		title := append([]string{Sanitize(t.Name())}, gradeFacts(t)...)
		fmt.Fprintln(buf, strings.Join(title, " · "))
		if t.Error != nil {
			fmt.Fprintf(buf, "  error: %s\n", Sanitize(*t.Error))
		}
		for _, it := range items[t] {
			sev := it.f.Severity.String()
			switch {
			case r.Changes == nil:
			case it.was == "":
				sev += " (new)"
			default:
				sev += " (was " + Sanitize(it.was) + ")"
			}
			fmt.Fprintf(buf, "  %s  %s: %s\n", sev, checkName(it.f), Sanitize(it.f.Message))
			writeFixText(buf, it.f.Fix, "      ")
		}
		buf.WriteByte('\n')
	}
	if r.Changes != nil && count > 0 {
		fmt.Fprintf(buf, "%d %s worse than the baseline at --fail-on %s: fix, or accept today's state with --accept.\n",
			count, plural(count, "finding is", "findings are"), g)
	}
	fmt.Fprintln(buf, summary(r.Summary))
}

// alertItems lists, per target, the findings that fail the run under g,
// worst first, and counts them.
func alertItems(r *result.Report, g gate.Gate) (map[*result.Target][]alertItem, int) {
	type key struct{ url, id, subject string }
	var worse map[key]result.Change
	if r.Changes != nil {
		worse = map[key]result.Change{}
		for _, c := range g.Regressions(r.Changes) {
			worse[key{c.URL, c.ID, c.Subject}] = c
		}
	}
	out := map[*result.Target][]alertItem{}
	n := 0
	for _, t := range r.Targets {
		if t == nil || t.Error != nil {
			continue
		}
		for _, f := range sortFindings(t.Findings, false) {
			if !g.Reaches(f.Severity) {
				continue
			}
			it := alertItem{f: f}
			if worse != nil {
				c, ok := worse[key{t.Name(), f.ID, f.Subject}]
				if !ok {
					continue
				}
				it.was = c.Was
			}
			out[t] = append(out[t], it)
			n++
		}
	}
	return out, n
}

// writeFixText writes a fix's summary and snippets, indented, as text.
func writeFixText(buf *bytes.Buffer, fix *finding.Fix, indent string) {
	if fix == nil {
		return
	}
	if fix.Summary != "" {
		fmt.Fprintf(buf, "%sfix: %s\n", indent, Sanitize(fix.Summary))
	}
	for _, sn := range fix.Snippets {
		where := Sanitize(sn.Platform)
		if sn.File != "" {
			where += ", " + Sanitize(sn.File)
		}
		fmt.Fprintf(buf, "%s%s:\n", indent, where)
		for _, line := range strings.Split(strings.TrimRight(sn.Code, "\n"), "\n") {
			fmt.Fprintf(buf, "%s  %s\n", indent, Sanitize(line))
		}
	}
}

// gradeFacts are a target's facts for a one-line title, its grade with them.
func gradeFacts(t *result.Target) []string {
	fs := targetFacts(t)
	if t.Grade != "" {
		fs = append(fs, "grade "+t.Grade)
	}
	return fs
}
