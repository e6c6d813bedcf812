package baseline

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hardscan/hardscan/report"
	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/result"
)

func f(id, subject string, s finding.Severity) finding.Finding {
	return finding.Finding{ID: id, Subject: subject, Severity: s}
}

func target(url string, fs ...finding.Finding) *result.Target {
	return &result.Target{URL: url, Findings: fs}
}

func errored(url string) *result.Target {
	e := "dial tcp: connection refused"
	return &result.Target{URL: url, Error: &e}
}

func run(ts ...*result.Target) *result.Report {
	r := &result.Report{SchemaVersion: result.SchemaVersion, Targets: ts}
	r.Finish()
	return r
}

const a, b = "https://a.example/", "https://b.example/"

func TestDiff(t *testing.T) {
	base := run(
		target(a, f("hsts", "", finding.Pass), f("csp", "", finding.Warn), f("cookie.secure", "sid", finding.Fail)),
		target(b, f("hsts", "", finding.Fail)),
	)
	for _, tc := range []struct {
		name string
		now  *result.Report
		want []result.Change
		why  string
	}{
		{
			name: "unchanged",
			now:  base,
			why:  "same findings, same severities: nothing to report",
		},
		{
			name: "changed, added, removed",
			now: run(
				target(a, f("hsts", "", finding.Fail), f("csp", "", finding.Warn), f("x-frame-options", "", finding.Warn)),
				target(b, f("hsts", "", finding.Fail)),
			),
			want: []result.Change{
				{URL: a, ID: "cookie.secure", Subject: "sid", Was: "fail", Now: ""},
				{URL: a, ID: "hsts", Was: "pass", Now: "fail"},
				{URL: a, ID: "x-frame-options", Was: "", Now: "warn"},
			},
			why: "contract, --baseline: severity changed, appeared or disappeared; sorted by url, id, subject",
		},
		{
			name: "subject is part of the key",
			now: run(
				target(a, f("hsts", "", finding.Pass), f("csp", "", finding.Warn), f("cookie.secure", "other", finding.Fail)),
				target(b, f("hsts", "", finding.Fail)),
			),
			want: []result.Change{
				{URL: a, ID: "cookie.secure", Subject: "other", Was: "", Now: "fail"},
				{URL: a, ID: "cookie.secure", Subject: "sid", Was: "fail", Now: ""},
			},
			why: "a finding about another cookie is another finding",
		},
		{
			name: "errored now",
			now:  run(errored(a), target(b, f("hsts", "", finding.Pass))),
			want: []result.Change{{URL: b, ID: "hsts", Was: "fail", Now: "pass"}},
			why:  "a target that could not be scanned is unknown: its findings did not disappear",
		},
		{
			name: "errored then",
			now: run(
				target(a, f("hsts", "", finding.Pass), f("csp", "", finding.Warn), f("cookie.secure", "sid", finding.Fail)),
				target(b, f("hsts", "", finding.Fail), f("csp", "", finding.Fail)),
			),
			want: nil,
			why:  "b errored in the baseline below, so its findings are not new",
		},
		{
			name: "not scanned now",
			now:  run(target(a, f("hsts", "", finding.Pass), f("csp", "", finding.Warn), f("cookie.secure", "sid", finding.Fail))),
			why:  "a target dropped from the list is unknown, not fixed",
		},
		{
			name: "new target",
			now: run(
				target(a, f("hsts", "", finding.Pass), f("csp", "", finding.Warn), f("cookie.secure", "sid", finding.Fail)),
				target(b, f("hsts", "", finding.Fail)),
				target("https://c.example/", f("hsts", "", finding.Fail)),
			),
			want: []result.Change{{URL: "https://c.example/", ID: "hsts", Was: "", Now: "fail"}},
			why:  "the baseline never accepted a target it does not have",
		},
		{
			name: "duplicate key takes the worst",
			now: run(
				target(a, f("hsts", "", finding.Pass), f("csp", "", finding.Warn), f("cookie.secure", "sid", finding.Pass), f("cookie.secure", "sid", finding.Fail)),
				target(b, f("hsts", "", finding.Fail)),
			),
			why: "two Set-Cookie lines of one name: the worse verdict is the finding",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old := base
			if tc.name == "errored then" {
				old = run(base.Targets[0], errored(b))
			}
			got := Diff(old, tc.now)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s\n got %+v\nwant %+v", tc.why, got, tc.want)
			}
		})
	}
}

// Each target line of ndjson carries its own changes: the same as the
// whole report's, target by target.
func TestTargetAgreesWithDiff(t *testing.T) {
	old := run(target(a, f("hsts", "", finding.Pass), f("csp", "", finding.Warn)), target(b, f("hsts", "", finding.Fail)))
	now := run(target(a, f("hsts", "", finding.Fail)), target(b, f("hsts", "", finding.Fail)), target("https://c.example/", f("csp", "", finding.Info)))
	bl := New(old)
	var got []result.Change
	for _, tg := range now.Targets {
		got = append(got, bl.Target(tg)...)
	}
	if want := Diff(old, now); !reflect.DeepEqual(got, want) {
		t.Errorf("per target %+v\nwhole %+v", got, want)
	}
	if ch := bl.Target(now.Targets[1]); ch == nil || len(ch) != 0 {
		t.Errorf("an unchanged target's changes = %#v, want an empty list, not null", ch)
	}
}

// A site that is down says nothing about its headers: its site-down
// findings are unknown, not changes (docs/contract.md, "Scan").
func TestSiteDownIsNotAChange(t *testing.T) {
	down := f("x-frame-options", "", finding.Info)
	down.Reason = "site-down"
	old := run(target(a, f("x-frame-options", "", finding.Pass)))
	now := run(target(a, down, f("site.down", "", finding.Fail)))
	got := Diff(old, now)
	if len(got) != 1 || got[0].ID != "site.down" {
		t.Errorf("changes %+v, want site.down only", got)
	}
}

// Accepting while a target is down keeps what the baseline knew of it.
func TestAcceptKeepsErroredTargets(t *testing.T) {
	old := run(target(a, f("hsts", "", finding.Fail)), target(b, f("hsts", "", finding.Pass)))
	now := run(target(a, f("hsts", "", finding.Pass)), errored(b))
	now.Changes = Diff(old, now)
	acc := Accept(old, now)
	if acc.Changes != nil || len(acc.Targets) != 2 || acc.Targets[1].Error != nil || acc.Summary.Errors != 0 {
		t.Fatalf("accepted %+v", acc)
	}
	if d := Diff(acc, run(target(a, f("hsts", "", finding.Pass)), target(b, f("hsts", "", finding.Fail)))); len(d) != 1 || d[0].URL != b {
		t.Errorf("b's regression after accepting during its outage: %+v", d)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	r := run(target(a, f("hsts", "", finding.Warn)), errored(b))
	if err := report.WriteFileAtomic(good, func(w io.Writer) error {
		return report.Write(w, "json", r, report.Options{})
	}); err != nil {
		t.Fatal(err)
	}
	back, err := Load(good)
	if err != nil {
		t.Fatal(err)
	}
	if len(Diff(back, r)) != 0 || back.Targets[1].Error == nil {
		t.Error("a report written by report.Write does not read back the same")
	}

	for _, tc := range []struct {
		name, content, want string
	}{
		{"bad.json", "{\n  \"schema_version\": 1,\n  oops\n}", "line 3"},
		{"v1.json", `{"schema_version": 1, "targets": []}`, "schema_version 1"},
		{"none.json", `{"targets": []}`, "no schema_version"},
		{"ndjson.json", `{"schema_version": 2}` + "\n" + `{"schema_version": 2}`, "data after the report"},
		{"severity.json", `{"schema_version": 2, "targets": [{"url": "x", "findings": [{"id": "hsts", "severity": "bad"}]}]}`, "unknown severity"},
		{"type.json", `{"schema_version": 2, "targets": {}}`, "line 1"},
		{"null.json", `{"schema_version": 2, "targets": [null]}`, "targets[0]"},
		{"empty.json", ``, "not a JSON report"},
	} {
		path := filepath.Join(dir, tc.name)
		os.WriteFile(path, []byte(tc.content), 0o644)
		_, err := Load(path)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: err = %v, want one naming the file and %q", tc.name, err, tc.want)
		}
	}
	if _, err := Load(filepath.Join(dir, "missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file: err = %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"schema_version": 2, "targets": [{"url": "a", "findings": [{"id": "hsts", "severity": "warn"}]}]}`,
		`{"schema_version": 2, "targets": [{"url": "a", "error": "down"}], "changes": null}`,
		`{"schema_version": 1}`, `[]`, `{"schema_version": 2}{}`, "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := parse(data)
		if err != nil {
			return
		}
		// What parses must read back the same once written as a report.
		var buf bytes.Buffer
		if err := report.Write(&buf, "json", r, report.Options{}); err != nil {
			return // e.g. a severity out of range cannot be written
		}
		back, err := parse(buf.Bytes())
		if err != nil {
			t.Fatalf("written report does not parse: %v\n%s", err, buf.Bytes())
		}
		if d := Diff(r, back); len(d) != 0 {
			t.Fatalf("round trip changed findings: %+v", d)
		}
	})
}
