package cli

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/scan/gate"
)

// --list-checks is a reference: every id once, with its own title and
// only its own reasons, in lines that fit the terminal; -f json the same
// for tools.
func TestListChecks(t *testing.T) {
	var ids []string
	for _, c := range check.List() {
		ids = append(ids, c.ID)
	}
	for _, width := range []string{"40", "60", "80", "120", "250"} {
		t.Setenv("COLUMNS", width)
		o := runCLI(t, nil, nil, "-f", "table", "--list-checks")
		if o.code != gate.ExitOK {
			t.Fatalf("COLUMNS=%s: exit %d, stderr %q", width, o.code, o.stderr)
		}
		limit := map[string]int{"40": 60, "60": 60, "80": 80, "120": 120, "250": 250}[width] // below 60, the narrowest layout
		seen := 0
		for _, l := range strings.Split(strings.TrimSuffix(o.stdout, "\n"), "\n") {
			if n := utf8.RuneCountInString(l); n > limit {
				t.Errorf("COLUMNS=%s: a line of %d columns: %q", width, n, l)
			}
			if f := strings.Fields(l); len(f) > 0 && !strings.HasPrefix(l, " ") && slices.Contains(ids, f[0]) {
				seen++
			}
		}
		if seen != len(ids) {
			t.Errorf("COLUMNS=%s: %d ids start a line, want %d", width, seen, len(ids))
		}
	}

	o := runCLI(t, nil, nil, "--list-checks", "-f", "json")
	var got []struct {
		ID      string   `json:"id"`
		Title   string   `json:"title"`
		Reasons []string `json:"reasons"`
		Refs    []string `json:"refs"`
	}
	if err := json.Unmarshal([]byte(o.stdout), &got); err != nil {
		t.Fatalf("--list-checks -f json: %v\n%s", err, o.stdout)
	}
	if len(got) != len(ids) {
		t.Fatalf("%d entries, want %d", len(got), len(ids))
	}
	byID := map[string][]string{}
	titles := map[string]int{}
	for _, c := range got {
		if c.Title == "" || len(c.Reasons) == 0 || c.Reasons[0] != "ok" || c.Refs == nil {
			t.Errorf("%+v: want a title, reasons starting with ok, refs ([] when none)", c)
		}
		byID[c.ID] = c.Reasons
		titles[c.Title]++
	}
	for title, n := range titles {
		if n > 1 {
			t.Errorf("%d ids share the title %q", n, title)
		}
	}
	for _, tc := range []struct {
		id         string
		has, hasNo string
	}{
		{"csp.script-src", "unsafe-inline", ""},
		{"csp.img-src", "wide-source", "unsafe-inline"},
		{"csp.sandbox", "extra-source", "wide-source"},
		{"unit.ProtectHome", "hides-service", "cap-sys-admin"},
		{"unit.PrivateTmp", "off", "hides-service"},
		{"config.http.ip", "exposed", "not-boolean"},
	} {
		rs := byID[tc.id]
		if !slices.Contains(rs, tc.has) || (tc.hasNo != "" && slices.Contains(rs, tc.hasNo)) {
			t.Errorf("%s reasons %v: want %s and not %q", tc.id, rs, tc.has, tc.hasNo)
		}
	}
	if o := runCLI(t, nil, nil, "--list-checks", "-f", "html"); o.code != gate.ExitUsage {
		t.Errorf("--list-checks -f html: exit %d, want 2", o.code)
	}
}
