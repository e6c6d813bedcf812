package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/report"
)

// listedCheck is one entry of --list-checks -f json (README, "Checks").
type listedCheck struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Reasons []string `json:"reasons"` // "ok" first
	Refs    []string `json:"refs"`
}

func listedChecks() []listedCheck {
	var out []listedCheck
	for _, c := range check.List() {
		refs := c.Refs
		if refs == nil {
			refs = []string{}
		}
		out = append(out, listedCheck{ID: c.ID, Title: c.Title, Reasons: append([]string{check.OK}, check.Strings(c.Reasons)...), Refs: refs})
	}
	return out
}

// listChecks prints the catalogue: a table laid out for width columns
// (each id, its title and the reasons it can give), or JSON for tools.
func listChecks(w io.Writer, format string, width int) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(listedChecks())
	case "", "table":
	default:
		return &usageError{msg: fmt.Sprintf("--list-checks -f %s: the list is table or json", format),
			hint: didYouMean(format, []string{"table", "json"}, "")}
	}
	checks := listedChecks()
	col := 0
	for _, c := range checks {
		col = max(col, len(c.ID))
	}
	col += 2
	const minText = 50 // narrower than this, the text goes below the id
	var b strings.Builder
	for _, c := range checks {
		text := []string{c.Title, "reasons: " + strings.Join(c.Reasons, ", ")}
		if width-col < minText {
			b.WriteString(c.ID + "\n")
			for _, para := range text {
				for _, l := range report.Wrap(para, width-4) {
					b.WriteString("    " + l + "\n")
				}
			}
			continue
		}
		first := true
		for _, para := range text {
			for _, l := range report.Wrap(para, width-col) {
				left := ""
				if first {
					left, first = c.ID, false
				}
				fmt.Fprintf(&b, "%-*s%s\n", col, left, l)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
