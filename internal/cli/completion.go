package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/hardscan/hardscan/internal/manual"
	"github.com/hardscan/hardscan/internal/profile"
	"github.com/hardscan/hardscan/report"
	"github.com/hardscan/hardscan/scan/gate"
)

// failOnLevels and colorModes are the words --fail-on and --color take.
var (
	failOnLevels = []string{"fail", "warn", "info", "never"}
	colorModes   = []string{"auto", "always", "never"}
	shells       = []string{"bash", "zsh", "fish"}
)

// program is hardscan's command line as the completion scripts and the man
// page describe it, from the flag sets the commands parse.
func program() *manual.Program {
	fs, _ := flags(&config{}, io.Discard)
	profiles := append([]string{"auto"}, profile.Names()...)
	var synopsis []string
	for _, r := range usageRows {
		synopsis = append(synopsis, strings.TrimPrefix(strings.TrimSpace(r[0]), "hardscan "))
	}
	return &manual.Program{
		Name:     "hardscan",
		Version:  Version,
		Summary:  "check whether a live web instance is hardened",
		Synopsis: synopsis,
		Flags:    fs,
		Values: map[string][]string{
			"format":       report.Formats(),
			"profile":      profiles,
			"show-profile": profile.Names(),
			"fail-on":      failOnLevels,
			"color":        colorModes,
		},
		Subcommands: []manual.Subcommand{
			{
				Name:        "serve",
				Summary:     "a Prometheus exporter: /probe?target=URL scans on demand",
				Description: serveAbout,
				Flags:       serveFlagSet(),
				Values:      map[string][]string{"profile": profiles},
			},
			{
				Name:        "completion",
				Summary:     "print a shell's completion script",
				Description: "Print the completion script of the shell named (" + strings.Join(shells, ", ") + ") on stdout.",
				Args:        shells,
			},
		},
	}
}

// flagSetKey asks a command, through its context, for its flag set instead
// of a run: the completions and the man page are written from the very
// flag set serveCommand parses, with no second list to keep in step.
type flagSetKey struct{}

// flagSetOnly hands fs to a caller that asked for it (see flagSetKey) and
// reports whether the command should return without running.
func flagSetOnly(ctx context.Context, fs *pflag.FlagSet) bool {
	p, ok := ctx.Value(flagSetKey{}).(**pflag.FlagSet)
	if ok {
		*p = fs
	}
	return ok
}

// serveFlagSet is serve's flag set, as serveCommand defines it.
func serveFlagSet() *pflag.FlagSet {
	var fs *pflag.FlagSet
	serveCommand(context.WithValue(context.Background(), flagSetKey{}, &fs), nil, io.Discard, io.Discard)
	return fs
}

// completionCommand is `hardscan completion bash|zsh|fish`.
func completionCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		return fail(stderr, &usageError{msg: "completion takes one shell: " + strings.Join(shells, ", "),
			hint: "hardscan completion bash > /etc/bash_completion.d/hardscan"})
	}
	p := program()
	var err error
	switch args[0] {
	case "bash":
		err = p.Bash(stdout)
	case "zsh":
		err = p.Zsh(stdout)
	case "fish":
		err = p.Fish(stdout)
	default:
		return fail(stderr, &usageError{msg: fmt.Sprintf("completion %q: want one of %s", args[0], strings.Join(shells, ", ")),
			hint: didYouMean(args[0], shells, "")})
	}
	if err != nil {
		return fail(stderr, &codedError{err: fmt.Errorf("completion: %w", err), code: gate.ExitErrors})
	}
	return gate.ExitOK
}

// manCommand is `hardscan man README.md`, unlisted: the packaging writes
// hardscan(1) with it, from the flags and README's prose. The page's date
// is SOURCE_DATE_EPOCH's when set (a reproducible build), else today.
func manCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		return fail(stderr, usagef("man takes README.md's path"))
	}
	raw, err := os.ReadFile(args[0])
	if err != nil {
		return fail(stderr, usagef("man: %v", err))
	}
	page, err := manPage(string(raw), pageDate(os.Getenv("SOURCE_DATE_EPOCH")))
	if err != nil {
		return fail(stderr, usagef("man: %v", err))
	}
	if err := page.Roff(stdout); err != nil {
		return fail(stderr, &codedError{err: fmt.Errorf("man: %w", err), code: gate.ExitErrors})
	}
	return gate.ExitOK
}

func pageDate(epoch string) time.Time {
	if s, err := strconv.ParseInt(epoch, 10, 64); err == nil {
		return time.Unix(s, 0)
	}
	return time.Now()
}

// manSections are README's sections the page carries, in its order.
var manSections = []string{"Reading the report", "Exit status", "Files"}

// manPage is hardscan(1): the flags, and README's introduction and sections.
func manPage(readme string, date time.Time) (*manual.Page, error) {
	intro, ok := manual.MarkdownSection(readme, "hardscan")
	if !ok {
		return nil, fmt.Errorf("README has no introduction")
	}
	// The introduction ends where the first "##" section starts.
	intro, _, _ = strings.Cut(intro, "\n## ")
	pg := &manual.Page{
		Program:     program(),
		Date:        date,
		Description: intro,
		NoDefault:   hiddenDefaults,
		SeeAlso:     []string{"systemd.timer(5)", "prometheus(1)", "crontab(5)"},
	}
	for _, title := range manSections {
		body, ok := manual.MarkdownSection(readme, title)
		if !ok {
			return nil, fmt.Errorf("README has no section %q", title)
		}
		pg.Sections = append(pg.Sections, manual.Section{Title: title, Markdown: body})
	}
	return pg, nil
}
