package cli

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/hardscan/hardscan/internal/probe"
	"github.com/hardscan/hardscan/internal/serve"
	"github.com/hardscan/hardscan/report"
	"github.com/hardscan/hardscan/scan"
	"github.com/hardscan/hardscan/scan/gate"
)

// serveAbout is the first paragraph of serve --help, wrapped to the width.
const serveAbout = "hardscan serve is a Prometheus exporter: GET /probe?target=URL[&profile=NAME] scans " +
	"that target within the scrape timeout Prometheus sends and answers with the series of " +
	"-f prometheus; /metrics has the exporter's own metrics. It scans only the hosts --allow " +
	"names (others get 403) and follows redirects only to them; it connects to no loopback, " +
	"private or link-local address, wherever a name resolves, unless --allow-private or " +
	"--allow-net opens it. It keeps no state between probes."

// serveHelp is serve --help laid out for width columns, like --help.
func serveHelp(fs *pflag.FlagSet, width int) string {
	var b strings.Builder
	for _, l := range report.Wrap(serveAbout, width) {
		b.WriteString(l + "\n")
	}
	b.WriteString("\nUsage:\n")
	helpRows(&b, width, [][2]string{{"  hardscan serve --allow PATTERN [flags]", ""}})
	b.WriteString("\nFlags:\n")
	helpRows(&b, width, flagRows(fs))
	return b.String()
}

// serveCommand runs `hardscan serve` until ctx ends (SIGINT, SIGTERM).
func serveCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("hardscan serve", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	var (
		cfg    = serve.Config{Scan: scan.DefaultOptions(), Version: Version}
		listen string
		nets   []string
		help   bool
	)
	fs.StringVar(&listen, "listen", "127.0.0.1:9731", "listen on `ADDR` (host:port); loopback unless you open it")
	fs.StringArrayVar(&cfg.Allow, "allow", nil, "scan only hosts matching `PATTERN`, a glob such as '*.example.org' ('*' allows any), and follow redirects only to them; repeatable, at least one")
	fs.BoolVar(&cfg.AllowPrivate, "allow-private", false, "also connect to loopback, private, link-local, CGNAT and other special-purpose addresses, refused by default wherever a name resolves")
	fs.StringArrayVar(&nets, "allow-net", nil, "also connect to special-purpose addresses in `CIDR` (such as 10.1.0.0/16); repeatable")
	fs.IntVarP(&cfg.MaxProbes, "concurrency", "c", 8, "`N` probes scanned at once; more wait for a free slot within their scrape timeout")
	fs.DurationVar(&cfg.Scan.Timeout, "timeout", 10*time.Second, "limit for each request of a probe, a `DURATION`; a probe also ends at the scrape timeout")
	fs.DurationVar(&cfg.TimeoutOffset, "timeout-offset", serve.DefaultTimeoutOffset, "answer this `DURATION` before the scrape timeout Prometheus sends")
	fs.StringVarP(&cfg.Scan.Profile, "profile", "p", "auto", "the profile (`NAME|FILE`) for probes without &profile=")
	fs.StringArrayVar(&cfg.Scan.Resolve, "resolve", nil, "connect to ADDR for HOST:PORT (`HOST:PORT:ADDR`, as for a scan); repeatable")
	fs.StringArrayVar(&cfg.Scan.CAFiles, "cacert", nil, "trust the PEM CA certificates in `FILE` as well as the system's; repeatable")
	fs.BoolVarP(&cfg.Scan.Insecure, "insecure", "k", false, "do not verify certificates (the series say they were not verified)")
	fs.StringVar(&cfg.Scan.UserAgent, "user-agent", "hardscan/"+Version, "the User-Agent `STRING` sent")
	fs.IntVar(&cfg.Scan.BackendPort, "backend-port", -1, "also probe this `PORT` for an exposed application server; 0 turns it off (default: the profile's)")
	fs.IntVar(&cfg.MaxConns, "max-connections", serve.DefaultMaxConns, "accept at most `N` connections at once; more wait to be accepted")
	fs.BoolVarP(&help, "help", "h", false, "show this help")
	if flagSetOnly(ctx, fs) {
		return gate.ExitOK
	}
	if err := fs.Parse(args); err != nil {
		return fail(stderr, &usageError{msg: "serve: " + err.Error(), hint: "hardscan serve --help lists its flags"})
	}
	if help {
		fmt.Fprint(stdout, serveHelp(fs, outputWidth(stdout, os.Getenv)))
		return gate.ExitOK
	}
	if fs.NArg() > 0 {
		return fail(stderr, usagef("serve takes no arguments, got %q", fs.Arg(0)))
	}
	if len(cfg.Allow) == 0 {
		return fail(stderr, &usageError{msg: "serve needs --allow PATTERN: the exporter scans only the hosts it names",
			hint: "hardscan serve --allow '*.example.org' --allow social.example"})
	}
	if cfg.MaxProbes < 1 || cfg.MaxProbes > 10000 {
		return fail(stderr, usagef("--concurrency %d: want a number from 1 to 10000", cfg.MaxProbes))
	}
	// The target and client options are checked as the scan command
	// checks them, before anything listens: a --cacert FIFO is refused,
	// not read forever.
	if err := cfg.Scan.Validate(); err != nil {
		return fail(stderr, usageOf(err))
	}
	if cfg.TimeoutOffset <= 0 {
		return fail(stderr, usagef("--timeout-offset %s: want a positive duration such as 500ms", cfg.TimeoutOffset))
	}
	if cfg.MaxConns < 1 {
		return fail(stderr, usagef("--max-connections %d: want 1 or more", cfg.MaxConns))
	}
	for _, v := range nets {
		n, err := probe.ParseNet(v)
		if err != nil {
			return fail(stderr, usagef("--allow-net: %v", err))
		}
		cfg.AllowNets = append(cfg.AllowNets, n)
	}
	srv, err := serve.New(cfg)
	if err != nil {
		return fail(stderr, usagef("%v", err))
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fail(stderr, usagef("--listen %s: %v", listen, err))
	}
	fmt.Fprintf(stderr, "hardscan serve: listening on http://%s/\n", ln.Addr())
	if err := srv.Serve(ctx, ln); err != nil {
		return fail(stderr, &codedError{err: fmt.Errorf("serve: %w", err), code: gate.ExitErrors})
	}
	return gate.ExitOK
}
