package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/hardscan/hardscan/scan/gate"
)

// Each usage error says what was wrong with what the user typed, and a
// hint only where the hint fits: one line and a hint, before any request.
func TestUsageMessagesHelp(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	addr, conns := countingListener(t)
	target := []string{"--resolve", "*:*:" + addr, "-p", "modern", "a.test"}
	missing := filepath.Join(dir, "no-such-list.txt")
	for _, tc := range []struct {
		name       string
		args       []string
		msg, hint  string // in the error line, in the hint line ("" none)
		noHintWith string // the hint must not say this
	}{
		{"a missing -i file", []string{"-i", missing}, "-i: open " + missing + ": no such file or directory", "", "pipe"},
		{"-i on a FIFO", []string{"-i", fifo}, "not a regular file (a FIFO)", "-i -", ""},
		{"--fail-on warning", append([]string{"--fail-on", "warning"}, target...), `--fail-on "warning"`, "did you mean warn?", ""},
		{"--fail-on failure", append([]string{"--fail-on", "failure"}, target...), `--fail-on "failure"`, "did you mean fail?", ""},
		{"--format jsn", append([]string{"-f", "jsn"}, target...), `--format "jsn"`, "did you mean json?", ""},
		{"a URL with a space", []string{"https://exa mple.tld/"}, `bad URL "https://exa mple.tld/": invalid character " " in host name`, "", ""},
		{"a URL with a space and a password", []string{"https://me:secret@exa mple.tld/"}, `bad URL "https://xxxxx@exa mple.tld/"`, "", ""},
		{"a bad IPv6 literal", []string{"https://[::1/"}, `bad URL "https://[::1/"`, "", ""},
		{"-f json -o x.html", append([]string{"-f", "json", "-o", filepath.Join(dir, "x.html")}, target...), "-f json -o " + filepath.Join(dir, "x.html") + ": the file's extension says html", "leave out -f", ""},
		{"-f table -o x.md", append([]string{"-f", "table", "-o", filepath.Join(dir, "x.md")}, target...), "the file's extension says markdown", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append(tc.args, "--no-progress"), strings.NewReader(""), &stdout, &stderr)
			if code != gate.ExitUsage {
				t.Errorf("exit %d, want 2; stderr %q", code, stderr.String())
			}
			lines := strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n")
			if !strings.HasPrefix(lines[0], "hardscan: ") || !strings.Contains(lines[0], tc.msg) {
				t.Errorf("error line %q, want it to say %q", lines[0], tc.msg)
			}
			hint := ""
			if len(lines) > 1 {
				hint = lines[1]
			}
			if tc.hint != "" && !strings.Contains(hint, tc.hint) {
				t.Errorf("hint %q, want %q", hint, tc.hint)
			}
			if tc.noHintWith != "" && strings.Contains(hint, tc.noHintWith) {
				t.Errorf("hint %q should not speak of %q", hint, tc.noHintWith)
			}
			if strings.Contains(stderr.String(), "secret") {
				t.Errorf("stderr echoes the password: %q", stderr.String())
			}
		})
	}
	if n := conns.Load(); n != 0 {
		t.Errorf("%d connections before the usage errors", n)
	}
	// An extension no format claims, or the one -f names, is fine.
	for _, ok := range []string{"r.txt", "r.json", "r", "/dev/stdout"} {
		if err := formatMatchesName("json", ok); err != nil {
			t.Errorf("-f json -o %s: %v", ok, err)
		}
	}
}

// -o on a terminal says in one line where the report went and what it
// holds; under -q, or off a terminal, nothing. The first --accept says
// what it accepted, and lists no finding as new.
func TestOutputAndAcceptSayWhatTheyWrote(t *testing.T) {
	site := startSite(t, scenario(t, "pleroma-2.7-default"))
	dir := t.TempDir()
	out := filepath.Join(dir, "r.html")
	args := append(append([]string{}, site...), "-p", "pleroma", "-o", out, "example.tld")

	tty, read := openPTY(t)
	code := run(context.Background(), args, strings.NewReader(""), &bytes.Buffer{}, tty)
	got := read()
	if code != gate.ExitFindings {
		t.Errorf("exit %d, want 1", code)
	}
	if want := "wrote " + out + ": grade C, 1 fail, 1 warn\r\n"; got != want {
		t.Errorf("the terminal got %q, want %q", got, want)
	}
	if _, err := os.Stat(out); err != nil {
		t.Error(err)
	}
	tty, read = openPTY(t)
	run(context.Background(), append([]string{"-q"}, args...), strings.NewReader(""), &bytes.Buffer{}, tty)
	if got := read(); got != "" {
		t.Errorf("under -q the terminal got %q", got)
	}
	var stderr bytes.Buffer
	run(context.Background(), args, strings.NewReader(""), &bytes.Buffer{}, &stderr)
	if stderr.Len() != 0 {
		t.Errorf("off a terminal stderr got %q", stderr.String())
	}

	base := filepath.Join(dir, "accepted.json")
	o := runArgs(t, append(append([]string{}, site...), "-p", "pleroma", "-f", "table", "--baseline", base, "--accept", "example.tld")...)
	if o.code != gate.ExitOK {
		t.Errorf("first --accept: exit %d, stderr %q", o.code, o.stderr)
	}
	if want := "baseline written to " + base + ": 5 findings accepted (1 fail, 1 warn, 3 info)\n"; o.stderr != want {
		t.Errorf("first --accept: stderr %q, want %q", o.stderr, want)
	}
	if strings.Contains(o.stdout, "Changes since the baseline") || strings.Contains(o.stdout, "new") {
		t.Errorf("first --accept lists findings as new:\n%s", o.stdout)
	}
	o = runArgs(t, append(append([]string{}, site...), "-q", "-p", "pleroma", "--baseline", base, "--accept", "example.tld")...)
	if o.code != gate.ExitOK || o.stdout != "" || o.stderr != "" {
		t.Errorf("--accept -q: exit %d stdout %q stderr %q, want silence", o.code, o.stdout, o.stderr)
	}
}
