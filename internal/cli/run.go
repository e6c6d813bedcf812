package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/hardscan/hardscan/internal/probe"
	"github.com/hardscan/hardscan/internal/profile"
	"github.com/hardscan/hardscan/report"
	"github.com/hardscan/hardscan/scan"
	"github.com/hardscan/hardscan/scan/gate"
	"github.com/hardscan/hardscan/scan/result"
)

// Version is hardscan's version, reported by -V and in every report.
const Version = scan.Version

// config is one invocation, validated.
type config struct {
	format      string
	output      string
	gate        gate.Gate // --fail-on
	baseline    string
	accept      bool
	concurrency int
	scan        scan.Options  // the target and client options
	scanner     *scan.Scanner // built from scan by validate
	quiet       bool
	color       bool
	progress    bool
	verbose     bool
	width       int // columns the table and --help are laid out for
	input       string
	units       []string
	configs     []string
	form        *report.Format   // -f, or the one -o's extension names
	usageMsg    string           // the usage error the command failed with
	local       []*result.Target // the audited --unit and --config files
	urls        []string
	demo        bool
}

// flags defines the command line on a fresh FlagSet.
func flags(c *config, stderr io.Writer) (*pflag.FlagSet, *rawFlags) {
	fs := pflag.NewFlagSet("hardscan", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	r := &rawFlags{}
	fs.StringVarP(&c.scan.Profile, "profile", "p", "auto", "what to expect (`NAME|FILE`): auto, "+strings.Join(profile.Names(), ", ")+", or a profile file")
	fs.StringVarP(&c.format, "format", "f", "", "output `FORMAT`: "+strings.Join(report.Formats(), ", ")+" (default table; with -o, the one the file's extension names: .json, .html, .md ...)")
	fs.StringVarP(&c.output, "output", "o", "", "write the report to `FILE`, atomically (default stdout)")
	fs.StringVar(&r.failOn, "fail-on", "fail", "lowest severity (`LEVEL`) that makes the exit status 1: fail, warn, info, never")
	fs.StringVar(&c.baseline, "baseline", "", "the accepted state, a JSON report `FILE`: report what changed, exit 1 on new or worse findings only; never rewritten by a scan")
	fs.BoolVar(&c.accept, "accept", false, "with --baseline: write this scan's JSON report to the baseline file (accept today's state)")
	fs.IntVarP(&c.concurrency, "concurrency", "c", 32, "`N` targets scanned at once")
	fs.DurationVar(&c.scan.Timeout, "timeout", 10*time.Second, "limit for each request (connect + TLS + headers), a `DURATION` such as 10s")
	fs.StringArrayVar(&c.scan.Resolve, "resolve", nil, "connect to ADDR for HOST:PORT (`HOST:PORT:ADDR`, curl's meaning; * matches any; ADDR may carry a port); repeatable")
	fs.StringArrayVar(&c.scan.CAFiles, "cacert", nil, "trust the PEM CA certificates in `FILE` as well as the system's; repeatable")
	fs.BoolVarP(&c.scan.Insecure, "insecure", "k", false, "do not verify certificates (the report says they were not verified)")
	fs.StringArrayVarP(&c.scan.Header, "header", "H", nil, "extra request `HEADER` 'Name: value', sent only to the target host over verified HTTPS; repeatable")
	fs.StringVar(&c.scan.UserAgent, "user-agent", "hardscan/"+Version, "the User-Agent `STRING` sent")
	fs.IntVar(&c.scan.BackendPort, "backend-port", -1, "also probe this `PORT` for an exposed application server; 0 turns it off (default: the profile's)")
	fs.StringVarP(&c.input, "input", "i", "", "scan the URLs in `FILE`, one a line (- for stdin)")
	fs.StringArrayVar(&c.units, "unit", nil, "audit this systemd unit `FILE` and its drop-ins; repeatable")
	fs.StringArrayVar(&c.configs, "config", nil, "audit this Pleroma/Akkoma config `FILE` (prod.secret.exs); repeatable")
	fs.BoolVarP(&c.quiet, "quiet", "q", false, "print nothing when nothing reaches --fail-on; else what does, as text on stdout, even with -o (for cron mail)")
	fs.StringVar(&r.color, "color", "auto", "colour the table (`WHEN`): auto (on a terminal), always, never; NO_COLOR, CLICOLOR_FORCE, FORCE_COLOR and TERM=dumb are honoured")
	fs.BoolVar(&r.progress, "progress", false, "show progress on stderr (the default when stderr is a terminal and there are several targets)")
	fs.BoolVar(&r.noProgress, "no-progress", false, "never show a progress bar")
	fs.BoolVarP(&c.verbose, "verbose", "v", false, "the table lists passed checks too")
	// --brief was the default's name before -v; it stays accepted, unlisted.
	fs.Bool("brief", false, "leave passed checks out of the table (the default)")
	_ = fs.MarkHidden("brief")
	fs.BoolVar(&c.demo, "demo", false, "scan a built-in loopback replica of a default Pleroma 2.7")
	fs.BoolVar(&r.listProfiles, "list-profiles", false, "list the built-in profiles")
	fs.StringVar(&r.showProfile, "show-profile", "", "print the built-in profile `NAME` as a profile file (JSON)")
	fs.BoolVar(&r.listChecks, "list-checks", false, "list every check id with its title and the reasons it can give (-f json for tools)")
	fs.BoolVarP(&r.version, "version", "V", false, "print the version")
	fs.BoolVarP(&r.help, "help", "h", false, "show this help")
	return fs, r
}

// hiddenDefaults are defaults the usage text already explains.
var hiddenDefaults = map[string]bool{"backend-port": true, "format": true}

// helpText is --help laid out for width columns: each row's description
// wraps in its own column, or below the row's name when the column would be
// too narrow to read.
func helpText(fs *pflag.FlagSet, width int) string {
	var b strings.Builder
	b.WriteString("hardscan checks whether a live web instance is hardened.\n\nUsage:\n")
	helpRows(&b, width, usageRows)
	b.WriteString("\n")
	for _, l := range report.Wrap("A bare host (example.tld) means https://example.tld/.", width) {
		b.WriteString(l + "\n")
	}
	b.WriteString("\nFlags:\n")
	helpRows(&b, width, flagRows(fs))
	b.WriteString("\nExit status:\n")
	helpRows(&b, width, exitRows)
	b.WriteString("\n")
	for _, l := range report.Wrap("With -f nagios the status is Nagios' state instead: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (usage errors too).", width-2) {
		b.WriteString("  " + l + "\n")
	}
	return b.String()
}

var usageRows = [][2]string{
	{"  hardscan [flags] URL...", "scan one or more live instances"},
	{"  hardscan [flags] -i FILE|-", "scan the URLs in FILE (one a line, # comments), or stdin"},
	{"  hardscan [flags] --unit FILE...", "audit systemd unit files (with their drop-ins) locally"},
	{"  hardscan [flags] --config FILE", "audit a Pleroma/Akkoma config file (prod.secret.exs) locally"},
	{"  hardscan --demo", "scan a built-in loopback replica of a default Pleroma"},
	{"  hardscan serve [flags]", "a Prometheus exporter: /probe?target=URL scans on demand"},
	{"  hardscan completion bash|zsh|fish", "print the shell's completion script"},
}

var exitRows = [][2]string{
	{"  0", "every target was scanned and no finding reaches --fail-on"},
	{"  1", "at least one finding reaches --fail-on (with --baseline: a new or worse one)"},
	{"  2", "usage error: bad flag, bad URL, unreadable input, bad profile file"},
	{"  3", "at least one target could not be scanned; wins over 1"},
	{"  130", "interrupted (SIGINT/SIGTERM): no report written, or one marked incomplete"},
}

// flagRows lists the flags, without pflag's type names and "[=true|false]"
// noise: a switch is just its name, a value flag names its value.
func flagRows(fs *pflag.FlagSet) [][2]string {
	var rows [][2]string
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		name, usage := pflag.UnquoteUsage(f)
		left := "      --" + f.Name
		if f.Shorthand != "" {
			left = "  -" + f.Shorthand + ", --" + f.Name
		}
		if f.Value.Type() != "bool" {
			left += " " + name
		}
		if d := f.DefValue; d != "" && d != "false" && d != "[]" && d != "0" && !hiddenDefaults[f.Name] {
			usage += " (default " + d + ")"
		}
		rows = append(rows, [2]string{left, usage})
	})
	return rows
}

// helpRows writes rows of a name and its description in two columns.
func helpRows(b *strings.Builder, width int, rows [][2]string) {
	col := 0
	for _, r := range rows {
		col = max(col, len(r[0]))
	}
	col += 2
	const minText = 30 // narrower than this, a description goes below its name
	for _, r := range rows {
		if width-col < minText {
			b.WriteString(r[0] + "\n")
			if r[1] == "" {
				continue
			}
			for _, l := range report.Wrap(r[1], width-8) {
				b.WriteString("        " + l + "\n")
			}
			continue
		}
		for i, l := range report.Wrap(r[1], width-col) {
			left := ""
			if i == 0 {
				left = r[0]
			}
			b.WriteString(strings.TrimRight(fmt.Sprintf("%-*s%s", col, left, l), " ") + "\n")
		}
	}
}

// rawFlags are flag values that need checking before they enter config.
type rawFlags struct {
	failOn, color, showProfile string
	progress, noProgress       bool
	listProfiles, listChecks   bool
	version, help              bool
}

// run is the whole command, with its streams, so tests drive it in-process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "serve":
			return serveCommand(ctx, args[1:], stdout, stderr)
		case "completion":
			return completionCommand(args[1:], stdout, stderr)
		case "man":
			return manCommand(args[1:], stdout, stderr)
		}
	}
	return scanCommand(ctx, args, stdin, stdout, stderr)
}

// scanCommand is hardscan without a subcommand: scan, audit, list. A
// format that reports usage errors its own way (a Nagios plugin's) does,
// as well as the line on stderr.
func scanCommand(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &config{}
	code := c.command(ctx, args, stdin, stdout, stderr)
	if code != gate.ExitUsage || c.usageMsg == "" {
		return code
	}
	if f, err := report.Lookup(c.format); err == nil && f.Usage != nil {
		return f.Usage(stdout, c.usageMsg)
	}
	return code
}

// fail is the package's fail, noting a usage error for scanCommand.
func (c *config) fail(stderr io.Writer, err error) int {
	code := fail(stderr, err)
	if code == gate.ExitUsage {
		c.usageMsg = oneLine(err.Error())
	}
	return code
}

// formatArg is -f's value in args that do not parse, read by the flag
// parser with every other flag unknown, so that a bad flag anywhere still
// answers in the format asked for.
func formatArg(args []string) string {
	fs := pflag.NewFlagSet("hardscan", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.ParseErrorsWhitelist.UnknownFlags = true
	format := fs.StringP("format", "f", "", "")
	_ = fs.Parse(args)
	return *format
}

// command is scanCommand's work.
func (c *config) command(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs, r := flags(c, stderr)
	if err := fs.Parse(args); err != nil {
		c.format = formatArg(args)
		return c.fail(stderr, &usageError{msg: err.Error(), hint: flagHint(fs, err)})
	}
	switch {
	case r.help:
		fmt.Fprint(stdout, helpText(fs, outputWidth(stdout, os.Getenv)))
		return gate.ExitOK
	case r.version:
		fmt.Fprintf(stdout, "hardscan %s\n", Version)
		return gate.ExitOK
	case r.listProfiles:
		return listProfiles(stdout)
	case r.showProfile != "":
		raw, err := profile.BuiltinJSON(r.showProfile)
		if err != nil {
			return c.fail(stderr, usagef("%v", err))
		}
		_, _ = stdout.Write(raw)
		return gate.ExitOK
	case r.listChecks:
		if err := listChecks(stdout, c.format, outputWidth(stdout, os.Getenv)); err != nil {
			return c.fail(stderr, err)
		}
		return gate.ExitOK
	}
	c.urls = fs.Args()
	localFiles(c)
	if err := validate(c, r, stdout); err != nil {
		return c.fail(stderr, err)
	}
	return execute(ctx, c, stdin, stdout, stderr)
}

func listProfiles(stdout io.Writer) int {
	fmt.Fprintf(stdout, "%-10s %s\n", "auto", "detect the software (NodeInfo, /api/v1/instance, Server) and use its profile; modern when unknown")
	for _, n := range profile.Names() {
		p, err := profile.Builtin(n)
		if err != nil {
			continue
		}
		fmt.Fprintf(stdout, "%-10s %s\n", n, p.Description)
	}
	return gate.ExitOK
}

// validate checks every flag before any network traffic.
func validate(c *config, r *rawFlags, stdout io.Writer) error {
	g, err := gate.Parse(r.failOn)
	if err != nil {
		return &usageError{msg: err.Error(), hint: didYouMean(r.failOn, []string{"fail", "warn", "info", "never"}, "")}
	}
	c.gate = g
	if c.concurrency < 1 || c.concurrency > 10000 {
		return usagef("--concurrency %d: want a number from 1 to 10000", c.concurrency)
	}
	if c.format == "" {
		c.format = report.DefaultFormat
		if f, ok := report.ForFile(c.output); ok {
			c.format = f.Name
		}
	} else if err := formatMatchesName(c.format, c.output); err != nil {
		return err
	}
	form, err := report.Lookup(c.format)
	if err != nil {
		return &usageError{msg: fmt.Sprintf("--format %q: want one of %s", c.format, strings.Join(report.Formats(), ", ")),
			hint: didYouMean(c.format, report.Formats(), "")}
	}
	c.form = form
	if !contains([]string{"auto", "always", "never"}, r.color) {
		return &usageError{msg: fmt.Sprintf("--color %q: want auto, always or never", r.color),
			hint: didYouMean(r.color, []string{"auto", "always", "never"}, "")}
	}
	c.color = useColor(r.color, isTerminal(stdout), c.output != "", os.Getenv)
	c.width = outputWidth(stdout, os.Getenv)
	// Progress is on by default; it is drawn only when stderr is a terminal
	// and there are several targets (see execute).
	c.progress = !r.noProgress
	// The target and client options are checked as serve checks them.
	scanner, err := scan.New(c.scan)
	if err != nil {
		return usageOf(err)
	}
	c.scanner = scanner
	if c.form.Alert {
		// The output is already the alert (a Nagios plugin's one line and
		// its long text): -q's cron text would replace what Icinga parses.
		c.quiet = false
	}
	if c.output != "" {
		if err := report.CheckFolder(c.output); err != nil {
			return &usageError{msg: fmt.Sprintf("-o %s: %v", c.output, err), hint: folderHint(c.output, err)}
		}
	}
	if err := validateBaseline(c); err != nil {
		return err
	}
	local, err := audit(c)
	if err != nil {
		return err
	}
	c.local = local
	if c.demo {
		if len(c.urls) > 0 || c.input != "" {
			return usagef("--demo scans its own replica: give it no URL and no -i")
		}
		return nil
	}
	var rules []probe.Resolve
	for _, v := range c.scan.Resolve {
		rule, _ := probe.ParseResolve(v) // valid: New read them
		rules = append(rules, rule)
	}
	for _, u := range c.urls {
		target, err := scan.ParseTarget(u)
		if err != nil {
			return &usageError{msg: err.Error()}
		}
		if err := resolveCovers(rules, target); err != nil {
			return err
		}
	}
	if len(c.urls) == 0 && c.input == "" && len(c.units) == 0 && len(c.configs) == 0 {
		return &usageError{msg: "nothing to scan", hint: "give a URL (hardscan example.tld), -i FILE, --unit FILE or --config FILE; hardscan --demo shows a scan of a built-in replica"}
	}
	return nil
}

// localFiles lets "--unit A B" and "--config A B" name several files, as
// the README's synopsis writes them: a positional argument that is an existing
// file joins the list of the mode flag given, instead of being read as a host.
func localFiles(c *config) {
	if len(c.units) == 0 && len(c.configs) == 0 {
		return
	}
	var urls []string
	for _, a := range c.urls {
		if st, err := os.Stat(a); err == nil && st.Mode().IsRegular() {
			if len(c.units) > 0 {
				c.units = append(c.units, a)
			} else {
				c.configs = append(c.configs, a)
			}
			continue
		}
		urls = append(urls, a)
	}
	c.urls = urls
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// isTerminal reports whether w is a terminal (not merely a character
// device: /dev/null is one too).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
