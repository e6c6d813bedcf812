package cli

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/spf13/pflag"

	"github.com/hardscan/hardscan/internal/probe"
	"github.com/hardscan/hardscan/internal/suggest"
)

// flagHint turns pflag's "unknown flag: --colour" into a suggestion of the
// flag meant; other parse errors get the generic pointer to --help.
func flagHint(fs *pflag.FlagSet, err error) string {
	const generic = "hardscan --help lists the flags"
	name, ok := strings.CutPrefix(err.Error(), "unknown flag: --")
	if !ok {
		return generic
	}
	name, _, _ = strings.Cut(name, "=")
	var names []string
	fs.VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
	if s := suggest.Closest(name, names); s != "" {
		return "did you mean --" + s + "?"
	}
	return generic
}

// didYouMean is a hint naming the candidate closest to s, else fallback.
func didYouMean(s string, candidates []string, fallback string) string {
	if c := suggest.Closest(s, candidates); c != "" {
		return "did you mean " + c + "?"
	}
	return fallback
}

// resolveCovers refuses a --resolve set that names the URL's host but not
// its port: a user of --resolve is saying "do not ask DNS", and a rule for
// another port would otherwise fall back to a DNS lookup without a word.
func resolveCovers(rules []probe.Resolve, u *url.URL) error {
	if len(rules) == 0 {
		return nil
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	port := u.Port()
	if port == "" {
		port = "443"
	}
	var ports []string
	for _, r := range rules {
		if r.Host != "*" && r.Host != host {
			continue
		}
		if r.Port == "*" || r.Port == port {
			return nil
		}
		ports = append(ports, r.Port)
	}
	if len(ports) == 0 {
		return nil // the host is not one --resolve speaks of
	}
	return &usageError{
		msg:  fmt.Sprintf("--resolve covers %s on port %s but not port %s, which %s uses", host, strings.Join(ports, ", "), port, u.Redacted()),
		hint: fmt.Sprintf("add --resolve %s:%s:ADDR (or %s:*:ADDR for every port)", host, port, host),
	}
}
