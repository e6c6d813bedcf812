package cli

// Tests of the shell completions and the man page: what a user gets on
// Tab and from `man hardscan`, driven through the real shells and man.

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/hardscan/hardscan/report"
	"github.com/hardscan/hardscan/scan/gate"
)

// script is `hardscan completion SHELL`, written into a temporary file.
func script(t *testing.T, shell string) string {
	t.Helper()
	o := runArgs(t, "completion", shell)
	if o.code != gate.ExitOK || o.stderr != "" {
		t.Fatalf("completion %s: exit %d, stderr %q", shell, o.code, o.stderr)
	}
	path := filepath.Join(t.TempDir(), "hardscan."+shell)
	if err := os.WriteFile(path, []byte(o.stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// bashComplete loads the bash script into a real bash, sets the words as
// bash does on Tab (the cursor on the last word) and returns COMPREPLY.
func bashComplete(t *testing.T, path, dir string, words ...string) []string {
	t.Helper()
	var quoted []string
	for _, w := range words {
		quoted = append(quoted, shellQuoteTest(w))
	}
	prog := "source " + shellQuoteTest(path) + "\n" +
		"COMP_WORDS=(" + strings.Join(quoted, " ") + ")\n" +
		"COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n" +
		"COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE}\n" +
		"_hardscan hardscan \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\"\n" +
		"printf '%s\\n' \"${COMPREPLY[@]}\"\n"
	cmd := exec.Command("bash", "--norc", "--noprofile", "-c", prog)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	got := strings.Fields(string(out))
	sort.Strings(got)
	return got
}

func shellQuoteTest(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

// Tab in bash offers what each flag takes: the formats after -f, the
// levels after --fail-on, files after -o, the subcommands first.
func TestCompletionBash(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not installed")
	}
	path := script(t, "bash")
	dir := t.TempDir()
	for _, name := range []string{"report.json", "report.html", "targets.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		words []string
		want  []string
	}{
		{[]string{"hardscan", "-f", ""}, report.Formats()},
		{[]string{"hardscan", "--format", "n"}, []string{"nagios", "ndjson"}},
		{[]string{"hardscan", "--format", "=", ""}, report.Formats()},
		{[]string{"hardscan", "--fail-on", ""}, []string{"fail", "info", "never", "warn"}},
		{[]string{"hardscan", "--color", "a"}, []string{"always", "auto"}},
		{[]string{"hardscan", "-p", "p"}, []string{"pleroma"}},
		{[]string{"hardscan", "-o", "report."}, []string{"report.html", "report.json"}},
		{[]string{"hardscan", "-q", "-i", "t"}, []string{"targets.txt"}},
		{[]string{"hardscan", "--timeout", ""}, nil},
		{[]string{"hardscan", "--no-pro"}, []string{"--no-progress"}},
		{[]string{"hardscan", "s"}, []string{"serve"}},
		{[]string{"hardscan", "serve", "--al"}, []string{"--allow", "--allow-net", "--allow-private"}},
		{[]string{"hardscan", "serve", "-p", "m"}, []string{"mastodon", "modern"}},
		{[]string{"hardscan", "serve", "--fail"}, nil},
		{[]string{"hardscan", "completion", ""}, []string{"bash", "fish", "zsh"}},
	} {
		got := bashComplete(t, path, dir, tc.words...)
		if !slices.Equal(got, sorted(tc.want)) {
			t.Errorf("%q<Tab>: %q, want %q", strings.Join(tc.words, " "), got, sorted(tc.want))
		}
	}
}

// fish completes from the script as it does on Tab (complete -C); zsh
// parses it (its completion system needs a terminal to run).
func TestCompletionFishZsh(t *testing.T) {
	if _, err := exec.LookPath("zsh"); err != nil {
		t.Log("zsh not installed (Debian package zsh): not checked")
	} else if out, err := exec.Command("zsh", "-n", script(t, "zsh")).CombinedOutput(); err != nil {
		t.Errorf("zsh -n: %v\n%s", err, out)
	}
	if _, err := exec.LookPath("fish"); err != nil {
		t.Skip("fish not installed (Debian package fish)")
	}
	path := script(t, "fish")
	if out, err := exec.Command("fish", "--no-config", "-n", path).CombinedOutput(); err != nil {
		t.Fatalf("fish -n: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		line string
		want []string
	}{
		{"hardscan -f ", report.Formats()},
		{"hardscan --fail-on ", []string{"fail", "info", "never", "warn"}},
		{"hardscan serve --lis", []string{"--listen"}},
		{"hardscan completion ", []string{"bash", "fish", "zsh"}},
	} {
		cmd := exec.Command("fish", "--no-config", "-c", "source "+shellQuoteTest(path)+"; complete -C "+shellQuoteTest(tc.line))
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir(), "XDG_DATA_HOME="+t.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("fish: %v\n%s", err, out)
		}
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			w, _, _ := strings.Cut(l, "\t")
			got = append(got, w)
		}
		if !slices.Equal(sorted(got), sorted(tc.want)) {
			t.Errorf("fish %q<Tab>: %q, want %q", tc.line, sorted(got), sorted(tc.want))
		}
	}
}

// Every flag is completed by each shell and documented in the man page, in
// the section of its command.
func TestEveryFlagCompletedAndDocumented(t *testing.T) {
	page := manRoff(t)
	scripts := map[string]string{}
	for _, sh := range shells {
		scripts[sh] = runArgs(t, "completion", sh).stdout
	}
	serveAt := strings.Index(page, "\n.SH \"HARDSCAN SERVE\"")
	if serveAt < 0 {
		t.Fatal("the page has no HARDSCAN SERVE section")
	}
	names := program().Names()
	if len(names) < 40 {
		t.Fatalf("only %d flags: %q", len(names), names)
	}
	for _, name := range names {
		sub, flag, ok := strings.Cut(name, " ")
		section := page[:serveAt]
		if ok {
			section = page[serveAt:]
		} else {
			flag = sub
		}
		roff := `\fB` + strings.ReplaceAll(flag, "-", `\-`) + `\fR`
		if !strings.Contains(section, roff) {
			t.Errorf("man page: %s is not in its section", name)
		}
		long := strings.TrimLeft(flag, "-")
		for sh, s := range scripts {
			var spelled []string
			switch {
			case sh == "fish" && strings.HasPrefix(flag, "--"):
				spelled = []string{" -l " + long + " "}
			case sh == "fish":
				spelled = []string{" -s " + long + " "}
			case sh == "zsh" && strings.HasPrefix(flag, "--"):
				spelled = []string{"'" + flag + "[", "'*" + flag + "[", "," + flag + "}"}
			case sh == "zsh":
				spelled = []string{"{" + flag + ","}
			default:
				spelled = []string{" " + flag + " ", " " + flag + "'", "'" + flag + " "}
			}
			if !slices.ContainsFunc(spelled, func(sp string) bool { return strings.Contains(s, sp) }) {
				t.Errorf("%s completion lacks %s", sh, name)
			}
		}
	}
}

// Every word a completion offers for a flag's value is one the command
// accepts, and every flag that takes a value either lists its words, takes
// a file, or takes a value nothing can guess.
func TestCompletionValuesAreAccepted(t *testing.T) {
	free := map[string]bool{"N": true, "DURATION": true, "STRING": true, "PORT": true, "HEADER": true,
		"HOST:PORT:ADDR": true, "ADDR": true, "PATTERN": true, "CIDR": true}
	p := program()
	check := func(cmd string, fs *pflag.FlagSet, values map[string][]string) {
		fs.VisitAll(func(f *pflag.Flag) {
			arg, _ := pflag.UnquoteUsage(f)
			if f.Hidden || f.Value.Type() == "bool" {
				return
			}
			if len(values[f.Name]) == 0 && !strings.Contains(arg, "FILE") && !free[arg] {
				t.Errorf("%s--%s %s: the completions offer nothing for it", cmd, f.Name, arg)
			}
		})
	}
	check("", p.Flags, p.Values)
	for _, s := range p.Subcommands {
		if s.Flags != nil {
			check(s.Name+" ", s.Flags, s.Values)
		}
	}
	for flag, words := range p.Values {
		for _, w := range words {
			// Values are checked before "nothing to scan" (which -f
			// nagios reports as UNKNOWN, 3); --show-profile prints.
			o := runArgs(t, "--"+flag, w)
			ok := strings.HasPrefix(o.stderr, "hardscan: nothing to scan")
			if flag == "show-profile" {
				ok = o.code == gate.ExitOK && strings.HasPrefix(o.stdout, "{")
			}
			if !ok {
				t.Errorf("--%s %s: exit %d, stderr %q", flag, w, o.code, o.stderr)
			}
		}
	}
}

func TestCompletionUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"completion"}, {"completion", "tcsh"}, {"completion", "bash", "zsh"}} {
		o := runArgs(t, args...)
		if o.code != gate.ExitUsage || !strings.HasPrefix(o.stderr, "hardscan: completion") || o.stdout != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, o.code, o.stdout, o.stderr)
		}
	}
}

// manRoff is hardscan(1) as the package builds it.
func manRoff(t *testing.T) string {
	t.Helper()
	t.Setenv("SOURCE_DATE_EPOCH", "1796601600")
	o := runArgs(t, "man", filepath.Join("..", "..", "README.md"))
	if o.code != gate.ExitOK || o.stderr != "" {
		t.Fatalf("man: exit %d, stderr %q", o.code, o.stderr)
	}
	return o.stdout
}

// The page lints clean under mandoc and groff, and man renders it with
// README's sections and the exit codes.
func TestManPage(t *testing.T) {
	page := manRoff(t)
	if !strings.HasPrefix(page, `.TH HARDSCAN 1 2026-12-07 "hardscan `+Version+`"`) {
		t.Errorf("title line: %q", strings.SplitN(page, "\n", 2)[0])
	}
	path := filepath.Join(t.TempDir(), "hardscan.1")
	if err := os.WriteFile(path, []byte(page), 0o600); err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, c := range [][]string{
		{"mandoc", "-T", "lint", "-W", "style", path},
		{"groff", "-ww", "-man", "-z", path},
	} {
		if _, err := exec.LookPath(c[0]); err != nil {
			t.Logf("%s not installed: not checked", c[0])
			continue
		}
		ran++
		out, err := exec.Command(c[0], c[1:]...).CombinedOutput()
		if err != nil || len(out) > 0 {
			t.Errorf("%s: %v\n%s", strings.Join(c, " "), err, out)
		}
	}
	if _, err := exec.LookPath("man"); err != nil {
		t.Skip("man not installed (Debian package man-db)")
	}
	cmd := exec.Command("man", "-l", path)
	cmd.Env = append(os.Environ(), "MANWIDTH=80", "MANPAGER=cat", "PAGER=cat", "LANG=C.UTF-8")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("man -l: %v\n%s", err, stderr.String())
	}
	text := regexp.MustCompile(".\b").ReplaceAllString(string(out), "")
	for _, want := range []string{"NAME", "SYNOPSIS", "OPTIONS", "HARDSCAN SERVE", "READING THE REPORT",
		"EXIT STATUS", "FILES", "/etc/default/hardscan", "interrupted (SIGINT/SIGTERM)", "--allow PATTERN"} {
		if !strings.Contains(text, want) {
			t.Errorf("man -l output lacks %q", want)
		}
	}
	if ran == 0 {
		t.Log("neither mandoc nor groff is installed: the page was not linted")
	}
}
