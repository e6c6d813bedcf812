package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/result"
)

const evil = "x\x1b]0;pwned\x07y\u202ez\x1b[2J\xff"

// hostile is a report in which everything a server controls is an attack
// on the reader's terminal, and some of it is not even UTF-8.
func hostile() *result.Report {
	r := &result.Report{
		SchemaVersion: result.SchemaVersion,
		Targets: []*result.Target{
			{
				URL:      "https://evil.example/" + evil,
				Profile:  "modern",
				Software: &result.Software{Name: evil, Version: evil},
				Grade:    "F",
				TLS:      &result.TLS{Version: evil},
				Headers: map[string][]string{
					"x-evil":          {evil},
					"X-Evil":          {"second"},
					"x-bad-\xff-name": {"v"},
				},
				Redirects: result.Redirects{HTTP: []string{"http://evil.example/", evil}},
				Cookies:   []result.Cookie{{Name: evil, SetBy: evil}},
				Findings: []finding.Finding{
					{ID: "x-frame-options", Severity: finding.Fail, Subject: evil, Expected: "DENY", Actual: evil, Message: evil},
					{ID: "cookie.secure", Severity: finding.Pass, Subject: evil, Actual: strings.Repeat(evil, 1<<16)},
				},
			},
			{URL: "https://down.example/", Error: ptr(evil)},
		},
		Changes: []result.Change{{URL: evil, ID: "csp", Subject: evil, Was: "pass", Now: "fail"}},
	}
	r.Finish()
	return r
}

// TestHostileText checks the terminal-safety rule end to end: no control
// character or bidi override a server sent reaches table or markdown
// output, and a huge value does not flood it.
func TestHostileText(t *testing.T) {
	for _, tc := range []struct {
		format string
		opt    Options
		seen   string // how the OSC sequence reads in the output
	}{
		{"table", Options{}, `\x1b]0;pwned\x07`},
		{"table", Options{Color: true, Verbose: true}, `\x1b]0;pwned\x07`},
		{"markdown", Options{}, `\\x1b\]0;pwned\\x07`}, // rendered: \x1b]0;pwned\x07
		{"junit", Options{}, `\x1b]0;pwned\x07`},
	} {
		var buf bytes.Buffer
		if err := Write(&buf, tc.format, hostile(), tc.opt); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		// Our own colour codes are the only escapes allowed.
		for _, code := range []string{sgrBold, sgrDim, sgrReset, sgr[finding.Pass], sgr[finding.Info], sgr[finding.Warn], sgr[finding.Fail]} {
			out = strings.ReplaceAll(out, code, "")
		}
		for _, bad := range []string{"\x1b", "\x07", "\u202e", "\xff"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s %+v: raw %q in output", tc.format, tc.opt, bad)
			}
		}
		if !strings.Contains(out, tc.seen) || !strings.Contains(out, `\u202e`) {
			t.Errorf("%s: escaped text missing; the reader should see what was sent", tc.format)
		}
		if len(out) > 64<<10 {
			t.Errorf("%s: %d bytes out of a 1.6 MB value: not capped", tc.format, len(out))
		}
	}
}

func TestJSONInvalidUTF8(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, "json", hostile(), Options{}); err != nil {
		t.Fatal(err)
	}
	if !utf8.Valid(buf.Bytes()) {
		t.Error("json output is not UTF-8 (contract: strings are valid UTF-8)")
	}
	var back result.Report
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatalf("json output does not parse: %v", err)
	}
	h := back.Targets[0].Headers
	if got := h["x-evil"]; len(got) != 2 || got[0] != "second" {
		t.Errorf("x-evil = %q, want X-Evil's and x-evil's values merged in name order (contract: names lower case)", got)
	}
	if _, ok := h["x-bad-\uFFFD-name"]; !ok {
		t.Errorf("header name with invalid UTF-8 not replaced: %q", h)
	}
	if !strings.Contains(back.Targets[0].Findings[0].Actual, "\uFFFD") {
		t.Error("invalid byte in a value not replaced by U+FFFD")
	}

	buf.Reset()
	if err := Write(&buf, "ndjson", hostile(), Options{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("ndjson: %d lines, want one a target", len(lines))
	}
	for i, line := range lines {
		var target result.Target
		if !utf8.ValidString(line) || json.Unmarshal([]byte(line), &target) != nil {
			t.Errorf("ndjson line %d is not a valid UTF-8 JSON target", i+1)
		}
	}
}

func TestJSONChangesNull(t *testing.T) {
	r := fixture()
	r.Changes = nil
	var buf bytes.Buffer
	if err := Write(&buf, "json", r, Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte(`"changes": null`)) {
		t.Error(`without a baseline "changes" must be null (docs/contract.md, "JSON report")`)
	}
	buf.Reset()
	if err := Write(&buf, "json", &result.Report{SchemaVersion: 1}, Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte(`"targets": []`)) {
		t.Error(`an empty run has "targets": [], not null`)
	}
}

func TestJUnitWellFormed(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, "junit", hostile(), Options{}); err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(&buf)
	for {
		_, err := d.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("junit output is not well-formed XML: %v", err)
			}
			break
		}
	}
}
