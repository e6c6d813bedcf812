package scan

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/hardscan/hardscan/internal/localfile"
	"github.com/hardscan/hardscan/internal/probe"
	"github.com/hardscan/hardscan/internal/profile"
	"github.com/hardscan/hardscan/internal/suggest"
)

// maxCACertSize bounds a CA file; Debian's whole bundle is 220 KiB.
const maxCACertSize = 4 << 20

// Options are the target and client options of a scan: the one set the
// command line's scan and serve commands share (README "Use"). Start
// from DefaultOptions; New validates them all before any network traffic.
type Options struct {
	// Profile is what targets are judged against: "auto" (or "") detects
	// the software and uses its built-in profile, else modern; a built-in
	// name (Profiles); or the path of a profile file.
	Profile string
	// Timeout bounds each request (connect, TLS, headers, capped body);
	// the command bounds a whole target by twice that and a second. It
	// must be positive.
	Timeout time.Duration
	// Resolve are curl-style HOST:PORT:ADDR rules: connect to ADDR for
	// HOST:PORT instead of asking DNS; "*" matches any host or port.
	Resolve []string
	// CAFiles are PEM files whose CA certificates are trusted as well as
	// the system's roots. Each must be a regular file.
	CAFiles []string
	// RootCAs, when set, replaces the system's roots (a test's own CA).
	RootCAs *x509.CertPool
	// Insecure skips certificate verification; the report says so.
	Insecure bool
	// Header are extra request headers, "Name: value", sent only to the
	// target's own host over verified HTTPS (credentials for a signed-in
	// scan).
	Header []string
	// UserAgent is the User-Agent sent.
	UserAgent string
	// BackendPort is the port probed for an exposed application server:
	// -1 takes the profile's, 0 turns the probe off.
	BackendPort int
	// Guard, when set, is asked about every address the scan is about to
	// connect to, after name resolution and before any packet is sent; an
	// error refuses that connection (an exporter refusing private
	// addresses). ctx carries the values of the context Scan was given.
	Guard func(ctx context.Context, addr netip.AddrPort) error
	// AllowRedirect, when set, decides whether a redirect is followed to
	// where it leads; one it refuses ends the chain, and a finding says so.
	AllowRedirect func(to *url.URL) bool
}

// DefaultOptions are the command line's defaults.
func DefaultOptions() Options {
	return Options{Profile: "auto", Timeout: 10 * time.Second, UserAgent: "hardscan", BackendPort: -1}
}

// An OptionError is an option that does not validate. Its message names
// the option by its command-line flag (--timeout, --cacert ...), which is
// also the Options field of that name.
type OptionError struct {
	Msg  string
	Hint string // a suggestion ("did you mean ...?"), or ""
	Err  error  // the cause, or nil
}

func (e *OptionError) Error() string { return e.Msg }
func (e *OptionError) Unwrap() error { return e.Err }

func optionErrorf(format string, args ...any) *OptionError {
	err := fmt.Errorf(format, args...)
	return &OptionError{Msg: err.Error(), Err: errors.Unwrap(err)}
}

// settings are validated Options, ready for the client and the judges.
type settings struct {
	client      probe.Options
	profile     *profile.Profile // nil: auto
	backendPort int
	authorized  bool
}

// Validate checks every option, reading the CA and profile files, and
// returns the first problem as an *OptionError.
func (o Options) Validate() error {
	_, err := o.settings()
	return err
}

func (o Options) settings() (*settings, error) {
	s := &settings{backendPort: o.BackendPort}
	if o.Timeout <= 0 {
		return nil, optionErrorf("--timeout %s: want a positive duration such as 10s", o.Timeout)
	}
	if o.BackendPort < -1 || o.BackendPort > 65535 {
		return nil, optionErrorf("--backend-port %d: want a port from 1 to 65535, or 0 for none", o.BackendPort)
	}
	s.client = probe.Options{Timeout: o.Timeout, RootCAs: o.RootCAs, Insecure: o.Insecure, UserAgent: o.UserAgent,
		Guard: o.Guard, AllowRedirect: o.AllowRedirect}
	for _, v := range o.Resolve {
		rule, err := probe.ParseResolve(v)
		if err != nil {
			return nil, &OptionError{Msg: err.Error(), Err: err}
		}
		s.client.Resolve = append(s.client.Resolve, rule)
	}
	// The system's roots are added by the client, in the background.
	for _, path := range o.CAFiles {
		pem, err := localfile.Read(path, maxCACertSize)
		if err != nil {
			return nil, optionErrorf("--cacert: %w", err)
		}
		if !x509.NewCertPool().AppendCertsFromPEM(pem) {
			return nil, optionErrorf("--cacert %s: no PEM certificate in the file", path)
		}
		s.client.ExtraRoots = append(s.client.ExtraRoots, pem)
	}
	if len(o.Header) > 0 {
		s.client.Header = http.Header{}
		s.authorized = true
	}
	for _, h := range o.Header {
		name, value, ok := strings.Cut(h, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || !httpguts.ValidHeaderFieldName(name) || !httpguts.ValidHeaderFieldValue(value) {
			return nil, optionErrorf("-H %q: want 'Name: value' with a valid header name and value", redactHeader(h))
		}
		s.client.Header.Add(name, value)
	}
	if o.Profile != "" && o.Profile != "auto" {
		p, err := loadProfile(o.Profile)
		if err != nil {
			return nil, err
		}
		s.profile = p
	}
	return s, nil
}

// Profiles are the names of the built-in profiles, in the order
// --list-profiles prints them.
func Profiles() []string { return profile.Names() }

// loadProfile reads a built-in profile by name, else a profile file.
func loadProfile(arg string) (*profile.Profile, error) {
	if slices.Contains(profile.Names(), arg) {
		return profile.Builtin(arg)
	}
	if _, err := os.Stat(arg); errors.Is(err, os.ErrNotExist) {
		names := append([]string{"auto"}, profile.Names()...)
		hint := "built-in profiles: " + strings.Join(names, ", ")
		if c := suggest.Closest(arg, names); c != "" {
			hint = "did you mean " + c + "?"
		}
		return nil, &OptionError{Msg: fmt.Sprintf("--profile %q: neither a built-in profile nor a readable file", arg), Hint: hint, Err: err}
	}
	p, err := profile.Load(arg)
	if err != nil {
		return nil, &OptionError{Msg: err.Error(), Hint: "hardscan --show-profile pleroma prints a valid profile to start from", Err: err}
	}
	return p, nil
}

// redactHeader keeps a header's name and hides its value, which may be a token.
func redactHeader(h string) string {
	name, _, ok := strings.Cut(h, ":")
	if !ok {
		return "..."
	}
	return name + ": ..."
}
